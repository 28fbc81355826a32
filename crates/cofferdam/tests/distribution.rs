//! How cofferdam reaches its users: shell completions (`cofferdam completions`, checked by
//! loading the bash script into a real bash and completing with it) and the repository's own
//! `Dockerfile`, which must pass cofferdam's review.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The subcommands at the top level and under `seccomp`, from the command tree itself.
fn subcommands() -> (Vec<String>, Vec<String>) {
    let command = cofferdam::command();
    let top = command
        .get_subcommands()
        .map(|subcommand| subcommand.get_name().to_owned())
        .collect();
    let seccomp = command
        .find_subcommand("seccomp")
        .expect("seccomp is a subcommand")
        .get_subcommands()
        .map(|subcommand| subcommand.get_name().to_owned())
        .collect();
    (top, seccomp)
}

fn completions(shell: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .args(["completions", shell])
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{shell}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the script is UTF-8")
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    let (top, seccomp) = subcommands();
    assert!(top.contains(&"completions".to_owned()));
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = completions(shell);
        for name in top.iter().chain(&seccomp) {
            assert!(script.contains(name.as_str()), "{shell}: {name} is missing");
        }
        // fish declares long options as `-l fail-on`; the others spell them out.
        let option = if shell == "fish" {
            "-l fail-on"
        } else {
            "--fail-on"
        };
        assert!(script.contains(option), "{shell}: options are completed");
    }
}

/// Loads the bash script and runs its completion function for the words given, as bash does
/// on TAB; the candidates it offers.
fn complete_in_bash(script: &str, words: &[&str]) -> Vec<String> {
    let program = r#"
set -e
eval "$COFFERDAM_SCRIPT"
read -r -a COMP_WORDS <<< "$WORDS"
# A trailing space means a new, empty word is being completed.
if [[ "$WORDS" == *" " ]]; then COMP_WORDS+=(""); fi
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$WORDS"
COMP_POINT=${#COMP_LINE}
complete -p cofferdam >/dev/null
_cofferdam cofferdam "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", program])
        .env("COFFERDAM_SCRIPT", script)
        .env("WORDS", words.join(" "))
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "bash failed for {words:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

#[test]
fn the_bash_script_completes_subcommands_options_and_values() {
    let script = completions("bash");
    let (top, seccomp) = subcommands();

    let offered = complete_in_bash(&script, &["cofferdam", ""]);
    for name in &top {
        assert!(
            offered.contains(name),
            "`cofferdam <TAB>` offers {name}: {offered:?}"
        );
    }

    assert_eq!(
        complete_in_bash(&script, &["cofferdam", "har"]),
        ["harden-run"]
    );

    let offered = complete_in_bash(&script, &["cofferdam", "seccomp", ""]);
    for name in &seccomp {
        assert!(
            offered.contains(name),
            "`cofferdam seccomp <TAB>` offers {name}"
        );
    }

    assert_eq!(
        complete_in_bash(&script, &["cofferdam", "check", "--fail-o"]),
        ["--fail-on"]
    );
    let offered = complete_in_bash(&script, &["cofferdam", "completions", ""]);
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(offered.contains(&shell.to_owned()), "{shell}: {offered:?}");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error_naming_the_choices() {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("tcsh"), "{stderr}");
    assert!(
        stderr.contains("bash") && stderr.contains("elvish"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

/// The repository root (two levels above this crate).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the crate is two levels below the root")
        .to_path_buf()
}

#[test]
fn the_repository_dockerfile_passes_its_own_review() {
    let dockerfile = repo_root().join("Dockerfile");
    // Every rule, including those off by default: not even an info-level finding remains.
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .args(["check", "--format", "json", "--select", "ALL"])
        .arg(&dockerfile)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["summary"]["files_checked"], 1);
    assert_eq!(output.status.code(), Some(0));

    // What the review cannot see but the image promises: the final stage is empty but for the
    // binary (no shell, no package manager), runs as a numeric non-root uid and gid, and
    // starts the binary directly.
    let text = std::fs::read_to_string(&dockerfile).unwrap();
    let instructions: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    let last_from = instructions
        .iter()
        .rposition(|line| line.starts_with("FROM "))
        .unwrap();
    let final_stage = &instructions[last_from..];
    assert_eq!(final_stage[0], "FROM scratch");
    assert!(final_stage.iter().all(|line| !line.starts_with("RUN ")));
    let user = final_stage
        .iter()
        .find_map(|line| line.strip_prefix("USER "))
        .expect("the final stage sets USER");
    let ids: Vec<u32> = user
        .split(':')
        .map(|id| id.parse().expect("numeric"))
        .collect();
    assert!(ids.len() == 2 && ids.iter().all(|id| *id != 0), "{user}");
    assert!(final_stage.contains(&"ENTRYPOINT [\"/cofferdam\"]"));
    // The build links glibc statically, the way README documents for `cofferdam self`.
    assert!(text.contains("RUSTFLAGS=\"-C target-feature=+crt-static\""));

    // The build context leaves out build output and history.
    let ignore = std::fs::read_to_string(repo_root().join(".dockerignore")).unwrap();
    for entry in ["target", ".git"] {
        assert!(
            ignore
                .lines()
                .any(|line| line.trim_start_matches('/') == entry),
            "{entry}"
        );
    }
}
