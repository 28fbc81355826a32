//! CLI tests: the binary as users and CI see it — formats, exit codes, selection, discovery,
//! stdin, errors that do not stop the run, and secrets that never reach the output.
//!
//! Shared inputs live in `tests/fixtures/`; tests that need a directory layout (ignore files,
//! unreadable files) build it in a temporary directory.

mod common;

use common::Run;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The binary, run from the fixtures directory so that reported paths are short and stable.
fn cofferdam() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cofferdam"));
    command.current_dir(fixtures()).env_remove("NO_COLOR");
    command
}

fn run(command: &mut Command) -> Run {
    let output = command.output().expect("the binary runs");
    Run::of(output)
}

fn check(args: &[&str]) -> Run {
    run(cofferdam().arg("check").args(args))
}

fn check_json(args: &[&str]) -> (i32, Value) {
    let result = run(cofferdam().args(["check", "--format", "json"]).args(args));
    let value = serde_json::from_str(&result.stdout)
        .unwrap_or_else(|error| panic!("invalid JSON ({error}):\n{}", result.stdout));
    (result.code, value)
}

fn rules_of(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|finding| {
            finding["rule"]
                .as_str()
                .expect("rule is a string")
                .to_owned()
        })
        .collect()
}

fn paths_of(json: &Value) -> Vec<String> {
    let mut paths: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(json["errors"].as_array().unwrap())
        .map(|item| item["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

// --- help and version ---------------------------------------------------------------------

#[test]
fn help_lists_commands() {
    let result = run(cofferdam().arg("--help"));
    assert_eq!(result.code, 0);
    for word in ["check", "rules", "rule"] {
        assert!(result.stdout.contains(word), "{}", result.stdout);
    }
}

#[test]
fn check_help_lists_options() {
    let result = run(cofferdam().args(["check", "--help"]));
    assert_eq!(result.code, 0);
    for flag in [
        "--format",
        "--fail-on",
        "--select",
        "--extend-select",
        "--ignore",
        "--severity-override",
        "--quiet",
        "--no-progress",
        "--color",
        "--stdin-filename",
    ] {
        assert!(
            result.stdout.contains(flag),
            "{flag} missing:\n{}",
            result.stdout
        );
    }
}

#[test]
fn version_is_printed() {
    let result = run(cofferdam().arg("--version"));
    assert_eq!(result.code, 0);
    assert!(result.stdout.contains(env!("CARGO_PKG_VERSION")));
}

// --- formats ------------------------------------------------------------------------------

#[test]
fn human_format_shows_snippet_why_and_summary() {
    let result = check(&["root.Dockerfile", "--color", "never"]);
    assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
    let out = &result.stdout;
    assert!(out.contains("high[USR001]: "), "{out}");
    assert!(out.contains("last-user-root"), "{out}");
    assert!(out.contains("--> root.Dockerfile:3:"), "{out}");
    assert!(out.contains("3 | USER root"), "{out}");
    assert!(out.contains("= why: "), "{out}");
    assert!(out.contains("in 1 file checked"), "{out}");
    assert!(!out.contains('\u{1b}'), "colour must be off: {out}");
}

#[test]
fn human_format_colour_always() {
    let result = check(&["root.Dockerfile", "--color", "always"]);
    assert!(result.stdout.contains('\u{1b}'), "{}", result.stdout);
}

#[test]
fn quiet_drops_summary() {
    let result = check(&["root.Dockerfile", "--color", "never", "--quiet"]);
    assert_eq!(result.code, 1);
    assert!(!result.stdout.contains("file checked"), "{}", result.stdout);
    assert!(result.stdout.contains("USR001"));
}

#[test]
fn concise_format_one_line_per_finding() {
    let result = check(&[
        "root.Dockerfile",
        "--format",
        "concise",
        "--select",
        "last-user-root",
    ]);
    assert_eq!(result.code, 1);
    let lines: Vec<&str> = result.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", result.stdout);
    assert!(
        lines[0].starts_with("root.Dockerfile:3:6: high USR001 last-user-root "),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("1 finding (1 high)"), "{}", lines[1]);
}

#[test]
fn json_format_fields_and_types() {
    let (code, json) = check_json(&["root.Dockerfile", "latest.Dockerfile"]);
    assert_eq!(code, 1);
    assert_eq!(json["tool"], "cofferdam");
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    let findings = json["findings"].as_array().expect("findings array");
    assert!(!findings.is_empty());
    let severities = ["critical", "high", "medium", "low", "info"];
    for finding in findings {
        let object = finding.as_object().expect("finding is an object");
        for key in ["rule", "name", "category", "severity", "path", "message"] {
            assert!(object[key].is_string(), "{key} in {finding}");
        }
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(
                object[key].as_u64().is_some_and(|n| n >= 1),
                "{key} in {finding}"
            );
        }
        assert!(severities.contains(&object["severity"].as_str().unwrap()));
        if let Some(fix) = object.get("fix") {
            let applicability = fix["applicability"].as_str().unwrap();
            assert!(["safe", "unsafe", "display-only"].contains(&applicability));
            assert!(fix["description"].is_string());
            assert_eq!(fix.as_object().unwrap().len(), 2, "{fix}");
        }
        if let Some(service) = object.get("service") {
            assert!(service.is_string());
        }
        let allowed = [
            "rule",
            "name",
            "category",
            "severity",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "message",
            "service",
            "fix",
        ];
        for key in object.keys() {
            assert!(allowed.contains(&key.as_str()), "unexpected field {key}");
        }
    }
    let root = findings
        .iter()
        .find(|finding| finding["rule"] == "USR001")
        .expect("USR001 fires on USER root");
    assert_eq!(root["name"], "last-user-root");
    assert_eq!(root["category"], "user");
    assert_eq!(root["path"], "root.Dockerfile");
    assert_eq!(root["line"], 3);
    assert_eq!(root["column"], 6);
    assert_eq!(root["end_line"], 3);
    assert_eq!(root["end_column"], 10);

    let summary = &json["summary"];
    assert_eq!(summary["files_checked"], 2);
    assert_eq!(summary["findings"].as_u64().unwrap(), findings.len() as u64);
    assert_eq!(summary["errors"], 0);
    let by_severity: u64 = severities
        .iter()
        .map(|severity| summary["by_severity"][severity].as_u64().unwrap())
        .sum();
    assert_eq!(by_severity, findings.len() as u64);
    assert_eq!(json["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn json_findings_are_sorted() {
    let (_, json) = check_json(&["."]);
    let keys: Vec<(String, u64, u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["path"].as_str().unwrap().to_owned(),
                finding["line"].as_u64().unwrap(),
                finding["column"].as_u64().unwrap(),
                finding["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

// --- exit codes and thresholds ------------------------------------------------------------

#[test]
fn exit_zero_when_nothing_fires() {
    let result = check(&["nonroot.Dockerfile", "--select", "last-user-root"]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert!(result.stdout.contains("no findings in 1 file checked"));
}

#[test]
fn exit_one_on_findings() {
    assert_eq!(check(&["root.Dockerfile", "--select", "USR001"]).code, 1);
}

#[test]
fn fail_on_threshold() {
    let base = ["root.Dockerfile", "--select", "last-user-root"];
    let with = |extra: &[&str]| check(&[&base[..], extra].concat()).code;
    assert_eq!(with(&["--fail-on", "high"]), 1);
    assert_eq!(with(&["--fail-on", "medium"]), 1);
    assert_eq!(with(&["--fail-on", "critical"]), 0);
    assert_eq!(with(&["--fail-on", "bogus"]), 2);
}

#[test]
fn severity_override_changes_severity_and_threshold() {
    let (code, json) = check_json(&[
        "root.Dockerfile",
        "--select",
        "last-user-root",
        "--severity-override",
        "last-user-root=low",
        "--fail-on",
        "medium",
    ]);
    assert_eq!(code, 0);
    assert_eq!(json["findings"][0]["severity"], "low");
    assert_eq!(
        check(&["root.Dockerfile", "--severity-override", "USR001"]).code,
        2
    );
}

#[test]
fn usage_errors_exit_two() {
    let result = check(&["--no-such-flag"]);
    assert_eq!(result.code, 2);
    let result = check(&["root.Dockerfile", "--format", "xml"]);
    assert_eq!(result.code, 2);
}

// --- selection ----------------------------------------------------------------------------

#[test]
fn select_by_code_name_category_and_alias() {
    for key in [
        "USR001",
        "usr001",
        "last-user-root",
        "DL3002",
        "hadolint:DL3002",
    ] {
        let (code, json) = check_json(&["root.Dockerfile", "--select", key]);
        assert_eq!(code, 1, "{key}");
        assert_eq!(rules_of(&json), ["USR001"], "--select {key}");
    }
    let (_, json) = check_json(&["root.Dockerfile", "--select", "user"]);
    let findings = json["findings"].as_array().unwrap();
    assert!(rules_of(&json).contains(&"USR001".to_owned()));
    assert!(findings.iter().all(|finding| finding["category"] == "user"));
}

#[test]
fn select_is_comma_separated_and_repeatable() {
    let (_, json) = check_json(&[
        "root.Dockerfile",
        "latest.Dockerfile",
        "--select",
        "last-user-root,latest-tag",
    ]);
    let mut rules = rules_of(&json);
    rules.dedup();
    assert_eq!(rules.len(), 2, "{rules:?}");
    let (_, repeated) = check_json(&[
        "root.Dockerfile",
        "latest.Dockerfile",
        "--select",
        "last-user-root",
        "--select",
        "latest-tag",
    ]);
    assert_eq!(rules_of(&json), rules_of(&repeated));
}

#[test]
fn ignore_and_extend_select() {
    let (_, json) = check_json(&["root.Dockerfile", "--ignore", "USR001"]);
    assert!(!rules_of(&json).contains(&"USR001".to_owned()));
    let (_, json) = check_json(&["root.Dockerfile", "--ignore", "user"]);
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|finding| finding["category"] != "user")
    );
    let (_, json) = check_json(&[
        "root.Dockerfile",
        "--select",
        "latest-tag",
        "--extend-select",
        "DL3002",
    ]);
    assert_eq!(rules_of(&json), ["USR001"]);
}

#[test]
fn unknown_selector_is_a_usage_error_with_hint() {
    let result = check(&["root.Dockerfile", "--select", "last-user-rot"]);
    assert_eq!(result.code, 2);
    assert!(result.stdout.is_empty(), "{}", result.stdout);
    assert!(result.stderr.contains("last-user-rot"), "{}", result.stderr);
    assert!(
        result.stderr.contains("did you mean `last-user-root`"),
        "{}",
        result.stderr
    );
}

// --- errors, stdin, discovery -------------------------------------------------------------

#[test]
fn unreadable_files_are_errors_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nUSER root\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("bad.Dockerfile"),
        b"FROM alpine:3.20\nRUN echo \xff\xfe\n",
    )
    .unwrap();
    let missing = dir.path().join("missing.Dockerfile");
    let result = run(cofferdam().current_dir(dir.path()).args([
        "check",
        "--format",
        "json",
        ".",
        missing.to_str().unwrap(),
    ]));
    assert_eq!(result.code, 2, "{}", result.stderr);
    let json: Value = serde_json::from_str(&result.stdout).unwrap();
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    let bad = errors
        .iter()
        .find(|error| error["path"] == "bad.Dockerfile")
        .expect("error for the non-UTF-8 file");
    assert_eq!(bad["kind"], "io");
    assert_eq!(bad["line"], 2);
    assert_eq!(bad["column"], 10);
    assert!(bad["message"].as_str().unwrap().contains("UTF-8"));
    for key in ["line", "column", "end_line", "end_column"] {
        assert!(errors.iter().all(|error| error[key].is_u64()), "{key}");
    }
    assert!(errors.iter().any(|error| {
        error["path"]
            .as_str()
            .unwrap()
            .ends_with("missing.Dockerfile")
    }));
    assert!(rules_of(&json).contains(&"USR001".to_owned()));
    assert_eq!(json["summary"]["files_checked"], 1);
    assert_eq!(json["summary"]["errors"], 2);

    // The human format names the file and the problem too.
    let human = run(cofferdam()
        .current_dir(dir.path())
        .args(["check", "--color", "never", "."]));
    assert_eq!(human.code, 2);
    assert!(
        human.stdout.contains("bad.Dockerfile:2:10"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("not valid UTF-8"), "{}", human.stdout);
}

#[test]
fn syntax_errors_exit_two_with_position() {
    let (code, json) = check_json(&["unterminated-heredoc.Dockerfile"]);
    assert_eq!(code, 2, "{json}");
    let errors = json["errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    assert_eq!(errors[0]["kind"], "syntax");
    assert_eq!(errors[0]["path"], "unterminated-heredoc.Dockerfile");
    assert!(errors[0]["line"].as_u64().unwrap() >= 2);

    let human = check(&["unterminated-heredoc.Dockerfile", "--color", "never"]);
    assert!(human.stdout.contains("error: "), "{}", human.stdout);
    assert!(
        human
            .stdout
            .contains("--> unterminated-heredoc.Dockerfile:"),
        "{}",
        human.stdout
    );
}

#[test]
fn stdin_is_named_by_stdin_filename() {
    let (code, json) = {
        let result = run(cofferdam()
            .args([
                "check",
                "--format",
                "json",
                "--stdin-filename",
                "web/Dockerfile",
                "--select",
                "USR001",
                "-",
            ])
            .write_stdin("FROM alpine:3.20\nUSER root\n"));
        (
            result.code,
            serde_json::from_str::<Value>(&result.stdout).unwrap(),
        )
    };
    assert_eq!(code, 1);
    assert_eq!(paths_of(&json), ["web/Dockerfile"]);
    assert!(rules_of(&json).contains(&"USR001".to_owned()));

    let result = run(cofferdam()
        .args(["check", "--format", "concise", "--select", "USR001", "-"])
        .write_stdin("FROM alpine:3.20\nUSER root\n"));
    assert!(
        result.stdout.starts_with("Dockerfile:2:"),
        "{}",
        result.stdout
    );
}

#[test]
fn discovery_recognises_names_and_respects_ignore_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let dockerfile = "FROM alpine:3.20\nUSER root\n";
    for name in [
        "Dockerfile",
        "api.Dockerfile",
        "web.dockerfile",
        "Dockerfile.prod",
        "Containerfile",
        "Containerfile.dev",
        "sub/dir/Dockerfile",
        "ignored/Dockerfile",
        "also-ignored.Dockerfile",
        "excluded/Dockerfile",
        ".hidden/Dockerfile",
        "Dockerfile.dockerignore",
        "README.md",
        "build.txt",
    ] {
        let path = root.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, dockerfile).unwrap();
    }
    fs::write(
        root.join(".gitignore"),
        "ignored/\nalso-ignored.Dockerfile\n",
    )
    .unwrap();
    fs::write(root.join(".ignore"), "excluded/\n").unwrap();

    let walk = |args: &[&str]| {
        let result = run(cofferdam()
            .current_dir(root)
            .args(["check", "--format", "json", "--select", "USR001"])
            .args(args));
        paths_of(&serde_json::from_str(&result.stdout).unwrap())
    };
    assert_eq!(
        walk(&[]),
        [
            "Containerfile",
            "Containerfile.dev",
            "Dockerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
            "sub/dir/Dockerfile",
            "web.dockerfile",
        ]
    );
    // Files named explicitly are checked even when ignored or oddly named.
    assert_eq!(
        walk(&["ignored/Dockerfile", "build.txt", "sub"]),
        ["build.txt", "ignored/Dockerfile", "sub/dir/Dockerfile"]
    );
}

// --- secrets ------------------------------------------------------------------------------

#[test]
fn secret_values_never_printed() {
    let formats: [&[&str]; 4] = [
        &["--format", "human", "--color", "never"],
        &["--format", "human", "--color", "always"],
        &["--format", "concise"],
        &["--format", "json"],
    ];
    for format in formats {
        let result = check(&[&["secret.Dockerfile", "--select", "ALL"], format].concat());
        assert!(!result.stdout.is_empty());
        for needle in [SECRET, "wJalrXUtnFEMI", "EXAMPLEKEY"] {
            assert!(
                !result.stdout.contains(needle) && !result.stderr.contains(needle),
                "{format:?} leaked the secret:\n{}",
                result.stdout
            );
        }
    }
    // The human snippet shows the line with the value masked, columns intact.
    let human = check(&[
        "secret.Dockerfile",
        "--select",
        "secrets",
        "--color",
        "never",
    ]);
    assert!(
        human.stdout.contains(&format!(
            "ENV AWS_SECRET_ACCESS_KEY={}",
            "*".repeat(SECRET.len())
        )),
        "{}",
        human.stdout
    );
}

#[test]
fn secret_values_masked_in_stdin_too() {
    let result = run(cofferdam()
        .args(["check", "--color", "never", "--select", "ALL", "-"])
        .write_stdin(format!(
            "FROM alpine:3.20\nARG AWS_SECRET_ACCESS_KEY={SECRET}\n"
        )));
    assert!(!result.stdout.contains(SECRET), "{}", result.stdout);
}

// --- rules and rule -----------------------------------------------------------------------

#[test]
fn rules_table_lists_every_rule() {
    let result = run(cofferdam().arg("rules"));
    assert_eq!(result.code, 0);
    let header = result.stdout.lines().next().unwrap();
    for column in [
        "CODE", "NAME", "CATEGORY", "SEVERITY", "DEFAULT", "FIX", "ALIASES",
    ] {
        assert!(header.contains(column), "{header}");
    }
    assert!(result.stdout.contains("USR001"));
    assert!(result.stdout.contains("last-user-root"));
    assert!(result.stdout.contains("hadolint:DL3002"));
}

#[test]
fn rules_json() {
    let result = run(cofferdam().args(["rules", "--format", "json"]));
    assert_eq!(result.code, 0);
    let json: Value = serde_json::from_str(&result.stdout).unwrap();
    let rules = json["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        for key in ["code", "name", "category", "severity", "fix", "summary"] {
            assert!(rule[key].is_string(), "{key} in {rule}");
        }
        assert!(rule["default_enabled"].is_boolean());
        assert!(rule["aliases"].is_array());
        assert!(rule["inputs"].is_array());
    }
}

#[test]
fn rule_documentation_by_code_name_and_alias() {
    for key in ["USR001", "last-user-root", "DL3002"] {
        let result = run(cofferdam().args(["rule", key]));
        assert_eq!(result.code, 0, "{key}: {}", result.stderr);
        assert!(
            result.stdout.starts_with("# last-user-root (USR001)"),
            "{}",
            result.stdout
        );
        assert!(result.stdout.contains("- category: user"));
        assert!(result.stdout.contains("## Why is this bad?"));
    }
}

#[test]
fn unknown_rule_exits_two_with_hint() {
    let result = run(cofferdam().args(["rule", "last-user-rot"]));
    assert_eq!(result.code, 2);
    assert!(result.stdout.is_empty());
    assert!(
        result.stderr.contains("did you mean `last-user-root`"),
        "{}",
        result.stderr
    );
    let result = run(cofferdam().args(["rule", "zzzzzz"]));
    assert_eq!(result.code, 2);
    assert!(!result.stderr.contains("did you mean"), "{}", result.stderr);
}

// --- snapshot -----------------------------------------------------------------------------

#[test]
fn human_output_snapshot() {
    let result = check(&[
        "small.Dockerfile",
        "--color",
        "never",
        "--select",
        "last-user-root,latest-tag",
    ]);
    insta::assert_snapshot!(result.stdout);
}
