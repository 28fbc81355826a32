//! How cofferdam reaches its users: shell completions (`cofferdam completions`), checked by
//! loading the bash script into a real bash and completing with it.

use std::process::Command;

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
