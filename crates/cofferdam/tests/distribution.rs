//! How cofferdam reaches its users: shell completions (`cofferdam completions`, checked by
//! loading the bash script into a real bash and completing with it), the pre-commit hooks
//! (`.pre-commit-hooks.yaml`), the GitHub Action (`action.yml`, whose review step is run here
//! as GitHub runs it) and the repository's own `Dockerfile`, which must pass cofferdam's review.
//!
//! The YAML files are read with the linter's own YAML reader, which reports duplicate keys and
//! syntax errors with their positions.

use std::path::{Path, PathBuf};
use std::process::Command;

use cofferdam_linter::syntax::yaml::{self, Node};
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

/// Parses a YAML file of the repository; fails on any syntax error or duplicate key.
fn read_yaml(name: &str) -> (String, Node) {
    let path = repo_root().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let parsed = yaml::parse(&text, 0);
    assert!(parsed.errors.is_empty(), "{name}: {:?}", parsed.errors);
    let root = parsed.root.unwrap_or_else(|| panic!("{name} is empty"));
    (text, root)
}

/// A key's string value; fails naming the key when it is missing or not a string.
fn string<'a>(node: &'a Node, key: &str, context: &str) -> &'a str {
    node.get(key)
        .and_then(Node::as_str)
        .unwrap_or_else(|| panic!("{context}: `{key}` is missing or not a string"))
}

/// Paths relative to a repository, and whether the hooks should pass them to cofferdam: every
/// kind of file cofferdam reads (crates/cofferdam/src/discover.rs), and files it does not.
const HOOK_PATHS: &[(&str, bool)] = &[
    ("Dockerfile", true),
    ("services/api/Dockerfile", true),
    ("Dockerfile.prod", true),
    ("api.Dockerfile", true),
    ("Containerfile", true),
    ("build/Containerfile.dev", true),
    ("dockerfile", true),
    ("compose.yaml", true),
    ("docker-compose.prod.yml", true),
    ("deploy/stack.yml", true),
    (".github/workflows/ci.yml", true),
    (".gitlab-ci.yml", true),
    ("scripts/deploy.sh", true),
    ("run.bash", true),
    ("Makefile", true),
    ("GNUmakefile", true),
    ("rules.mk", true),
    ("deploy/app.service", true),
    ("README.md", true),
    ("docs/guide.markdown", true),
    ("bin/deploy", true),
    ("Dockerfile.dockerignore", false),
    (".dockerignore", false),
    ("src/main.rs", false),
    ("notes.txt", false),
    ("Cargo.lock", false),
    ("seccomp.json", false),
    ("logo.png", false),
    (".envrc", false),
    ("config.toml", false),
];

#[test]
fn the_pre_commit_hooks_are_complete_and_pass_only_files_cofferdam_reads() {
    let (_, root) = read_yaml(".pre-commit-hooks.yaml");
    let hooks = root.items().expect("the file is a list of hooks");
    let ids: Vec<&str> = hooks
        .iter()
        .map(|hook| string(hook, "id", "hook"))
        .collect();
    assert_eq!(ids, ["cofferdam", "cofferdam-system"]);

    for hook in hooks {
        let id = string(hook, "id", "hook");
        for key in ["name", "description", "entry", "language", "files"] {
            assert!(!string(hook, key, id).is_empty(), "{id}: `{key}` is empty");
        }
        let (language, entry) = (string(hook, "language", id), string(hook, "entry", id));
        match language {
            // pre-commit's docker hooks build the Dockerfile at the repository root and run the
            // entry's first word as the image's entrypoint.
            "docker" => {
                assert_eq!(entry, "/cofferdam check", "{id}");
                let dockerfile = std::fs::read_to_string(repo_root().join("Dockerfile")).unwrap();
                assert!(dockerfile.contains("COPY --from=build /cofferdam /cofferdam"));
            }
            "system" => assert_eq!(entry, "cofferdam check", "{id}"),
            other => panic!("{id}: unexpected language {other}"),
        }
        assert_eq!(
            hook.get("require_serial").and_then(Node::as_bool),
            Some(true),
            "{id}: one invocation, so that compose override files meet their main file"
        );
        let types: Vec<&str> = hook
            .get("types")
            .and_then(Node::items)
            .expect("types is a list")
            .iter()
            .filter_map(Node::as_str)
            .collect();
        assert_eq!(types, ["text"], "{id}");

        // pre-commit matches with Python's `re.search`; these patterns use only syntax that
        // Rust's regex reads the same way.
        let files = regex::Regex::new(string(hook, "files", id)).expect("files compiles");
        let exclude = regex::Regex::new(string(hook, "exclude", id)).expect("exclude compiles");
        for (path, expected) in HOOK_PATHS {
            let passed = files.is_match(path) && !exclude.is_match(path);
            assert_eq!(passed, *expected, "{id}: {path}");
        }
    }
    assert_eq!(
        hooks[0].get("files").and_then(Node::as_str),
        hooks[1].get("files").and_then(Node::as_str),
        "both hooks see the same files"
    );
}

/// Every `${{ … }}` expression in a text.
fn expressions(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let end = rest[start..].find("}}").expect("an expression is closed") + start;
        found.push(rest[start + 3..end].trim().to_owned());
        rest = &rest[end + 2..];
    }
    found
}

#[test]
fn the_action_is_a_composite_action_that_uploads_sarif() {
    let (text, root) = read_yaml("action.yml");
    for key in ["name", "description", "author"] {
        assert!(!string(&root, key, "action.yml").is_empty());
    }
    let inputs = root.get("inputs").and_then(Node::entries).expect("inputs");
    let input_names: Vec<&str> = inputs
        .iter()
        .map(|entry| entry.key.as_str().unwrap())
        .collect();
    for input in inputs {
        let name = input.key.as_str().unwrap();
        assert!(!string(&input.value, "description", name).is_empty());
        assert!(input.value.get("default").is_some(), "{name} has a default");
    }
    for expected in ["paths", "fail-on", "args", "sarif-file", "upload-sarif"] {
        assert!(input_names.contains(&expected), "input {expected}");
    }

    let runs = root.get("runs").expect("runs");
    assert_eq!(string(runs, "using", "runs"), "composite");
    let steps = runs.get("steps").and_then(Node::items).expect("steps");
    let mut ids: Vec<&str> = Vec::new();
    for step in steps {
        let name = string(step, "name", "step");
        // An expression may only name an input the action declares, or a step before this one.
        let mut step_text = String::new();
        for entry in step.entries().unwrap() {
            step_text.push_str(
                &text[entry.value.range.start() as usize..entry.value.range.end() as usize],
            );
            step_text.push('\n');
        }
        for expression in expressions(&step_text) {
            for word in expression.split(|c: char| !(c.is_alphanumeric() || "._-".contains(c))) {
                if let Some(input) = word.strip_prefix("inputs.") {
                    assert!(
                        input_names.contains(&input),
                        "{name}: unknown input {input}"
                    );
                }
                if let Some(rest) = word.strip_prefix("steps.") {
                    let id = rest.split('.').next().unwrap();
                    assert!(ids.contains(&id), "{name}: step {id} is not before it");
                }
            }
        }
        if let Some(script) = step.get("run").and_then(Node::as_str) {
            assert_eq!(
                string(step, "shell", name),
                "bash",
                "{name}: composite steps need a shell"
            );
            // Inputs reach scripts through `env:`, never pasted into the script.
            assert!(
                !script.contains("${{"),
                "{name}: an expression inside `run`"
            );
            let check = Command::new("bash")
                .args(["-n", "-c", script])
                .output()
                .expect("bash runs");
            assert!(
                check.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&check.stderr)
            );
        }
        if let Some(id) = step.get("id").and_then(Node::as_str) {
            ids.push(id);
        }
    }
    let upload = steps
        .iter()
        .find(|step| {
            step.get("uses")
                .and_then(Node::as_str)
                .is_some_and(|uses| uses.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("a step uploads the SARIF file");
    let with = upload.get("with").expect("the upload has inputs");
    assert!(string(with, "sarif_file", "upload").contains("steps.review.outputs.sarif-file"));
    let review = review_script();
    assert!(review.contains("--format sarif"));
    // The build step installs the binary crate of this repository.
    let build = steps
        .iter()
        .filter_map(|step| step.get("run").and_then(Node::as_str))
        .find(|script| script.contains("cargo install"))
        .expect("a step builds cofferdam");
    assert!(build.contains("--path \"$GITHUB_ACTION_PATH/crates/cofferdam\""));
    assert!(repo_root().join("crates/cofferdam/Cargo.toml").exists());
    for output in root
        .get("outputs")
        .and_then(Node::entries)
        .expect("outputs")
    {
        let value = string(&output.value, "value", output.key.as_str().unwrap());
        assert!(value.contains("steps.review.outputs."), "{value}");
    }
}

/// The script of the action's review step.
fn review_script() -> String {
    let (_, root) = read_yaml("action.yml");
    let steps = root
        .get("runs")
        .and_then(|runs| runs.get("steps"))
        .and_then(Node::items)
        .unwrap();
    let step = steps
        .iter()
        .find(|step| step.get("id").and_then(Node::as_str) == Some("review"))
        .expect("a step with id review");
    string(step, "run", "review").to_owned()
}

/// Runs the review step as GitHub runs a composite `bash` step, with the built binary on PATH;
/// the step's exit status, its outputs and the SARIF report.
fn run_review(dir: &Path, fail_on: &str, args: &str) -> (i32, String, Value) {
    let binary_dir = Path::new(env!("CARGO_BIN_EXE_cofferdam")).parent().unwrap();
    let path = format!(
        "{}:{}",
        binary_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let outputs = dir.join("github-output");
    let sarif = dir.join("cofferdam.sarif");
    std::fs::write(&outputs, "").unwrap();
    let output = Command::new("bash")
        .args([
            "--noprofile",
            "--norc",
            "-eo",
            "pipefail",
            "-c",
            &review_script(),
        ])
        .current_dir(dir)
        .env("PATH", path)
        .env("PATHS", "project\nsecond")
        .env("FAIL_ON", fail_on)
        .env("EXTRA_ARGS", args)
        .env("SARIF_FILE", &sarif)
        .env("GITHUB_OUTPUT", &outputs)
        .output()
        .expect("bash runs");
    let written = std::fs::read_to_string(&outputs).unwrap();
    let report = std::fs::read_to_string(&sarif).unwrap();
    let report = serde_json::from_str(&report)
        .unwrap_or_else(|error| panic!("SARIF is not JSON ({error}): {report}"));
    (output.status.code().unwrap(), written, report)
}

fn rule_ids(report: &Value) -> Vec<String> {
    report["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| result["ruleId"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_action_review_step_writes_sarif_and_reports_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    for project in ["project", "second"] {
        std::fs::create_dir(dir.path().join(project)).unwrap();
    }
    std::fs::write(
        dir.path().join("project/Dockerfile"),
        "FROM alpine:3.20\nUSER root\nCMD [\"/app\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("second/compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n",
    )
    .unwrap();

    let (status, outputs, report) = run_review(dir.path(), "info", "");
    assert_eq!(
        status, 0,
        "the step itself succeeds; a later step fails the job"
    );
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    assert!(outputs.contains("sarif-written=true\n"), "{outputs}");
    assert!(outputs.contains(&format!(
        "sarif-file={}\n",
        dir.path().join("cofferdam.sarif").display()
    )));
    assert_eq!(report["version"], "2.1.0");
    let rules = rule_ids(&report);
    assert!(
        rules.contains(&"USR001".to_owned()),
        "both paths are reviewed: {rules:?}"
    );
    assert!(
        rules.contains(&"PRV001".to_owned()),
        "both paths are reviewed: {rules:?}"
    );

    // Extra arguments are split into words; `never` reports without failing.
    let (_, outputs, report) = run_review(dir.path(), "never", "--select PRV001");
    assert!(outputs.contains("exit-code=0\n"), "{outputs}");
    assert_eq!(rule_ids(&report), ["PRV001"]);

    // A threshold above every finding passes.
    let (_, outputs, _) = run_review(dir.path(), "critical", "--ignore PRV001");
    assert!(outputs.contains("exit-code=0\n"), "{outputs}");

    // A file that cannot be parsed is an error even with `never`.
    std::fs::write(
        dir.path().join("project/broken.Dockerfile"),
        "FROM alpine:3.20\nNOPE x\n",
    )
    .unwrap();
    let (_, outputs, _) = run_review(dir.path(), "never", "");
    assert!(outputs.contains("exit-code=2\n"), "{outputs}");
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
