//! `cofferdam.toml` through the command line: the nearest file per directory, overrides,
//! thresholds, run-wide options and their precedence, and errors at their line.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cofferdam"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("COFFERDAM_CONFIG")
        .env_remove("COFFERDAM_FAIL_ON");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn rules(stdout: &str) -> Vec<String> {
    let json: Value = serde_json::from_str(stdout).expect("JSON");
    let mut rules: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            format!(
                "{} {}",
                finding["path"].as_str().unwrap(),
                finding["rule"].as_str().unwrap()
            )
        })
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

const COMPOSE: &str = "services:\n  vpn:\n    image: example/vpn:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000000\n    cap_add: [NET_ADMIN]\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("legacy")).unwrap();
    std::fs::write(dir.path().join("compose.yaml"), COMPOSE).unwrap();
    std::fs::write(dir.path().join("legacy/compose.yaml"), COMPOSE).unwrap();
    std::fs::write(
        dir.path().join("cofferdam.toml"),
        "select = [\"capabilities\", \"user\"]\nfail-on = \"high\"\n\n[settings]\nmemory-ceiling = \"1g\"\npinned-tags = { nginx = \"1.27\" }\nallowed-capabilities = { vpn = [\"NET_ADMIN\"] }\n\n[[overrides]]\npaths = [\"legacy/**\"]\nignore = [\"user\"]\n",
    )
    .unwrap();
    dir
}

#[test]
fn the_file_selects_rules_accepts_capabilities_and_overrides_paths() {
    let dir = project();
    let (code, stdout, stderr) = run(dir.path(), &["check", ".", "--format", "json"], &[]);
    // NET_ADMIN is accepted for vpn, so only root (medium) and the kept defaults remain, below
    // the configured fail-on of high.
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        rules(&stdout),
        [
            "compose.yaml CAP001",
            "compose.yaml USR004",
            "legacy/compose.yaml CAP001"
        ]
    );
    // The command line wins: --fail-on, and --select starts the selection afresh.
    let (code, stdout, _) = run(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--fail-on",
            "medium",
            "--select",
            "USR004",
        ],
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(rules(&stdout), ["compose.yaml USR004"]);
    // The environment sits between the file and the flags.
    let (code, _, _) = run(dir.path(), &["check", "."], &[("COFFERDAM_FAIL_ON", "low")]);
    assert_eq!(code, 1);
}

#[test]
fn a_nested_file_applies_below_it() {
    let dir = project();
    std::fs::write(
        dir.path().join("legacy/cofferdam.toml"),
        "select = [\"CAP002\"]\n",
    )
    .unwrap();
    let (_, stdout, _) = run(dir.path(), &["check", ".", "--format", "json"], &[]);
    // legacy/ has its own file (no allowed capabilities there), the root keeps its own.
    assert_eq!(
        rules(&stdout),
        [
            "compose.yaml CAP001",
            "compose.yaml USR004",
            "legacy/compose.yaml CAP002"
        ]
    );
}

#[test]
fn memory_ceiling_and_allowed_registries_reach_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  big:\n    image: registry.example.com/big:1.0\n    mem_limit: 4g\n  small:\n    image: quay.io/someone/small:1.0\n    mem_limit: 256m\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM registry.example.com/base:1.0\nFROM someone/tool:2\nUSER 10001\n",
    )
    .unwrap();
    let select = [
        "check",
        ".",
        "--format",
        "json",
        "--select",
        "memory-limit-above-ceiling,image-from-unapproved-registry",
    ];
    // Without thresholds the two rules have nothing to judge against.
    let (code, stdout, stderr) = run(dir.path(), &select, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(rules(&stdout).is_empty(), "{stdout}");
    std::fs::write(
        dir.path().join("cofferdam.toml"),
        "[settings]\nmemory-ceiling = \"2g\"\nallowed-registries = [\"registry.example.com\"]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(dir.path(), &select, &[]);
    assert_eq!(code, 1, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let mut found: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            format!(
                "{}:{} {}",
                finding["path"].as_str().unwrap(),
                finding["line"],
                finding["name"].as_str().unwrap()
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "Dockerfile:2 image-from-unapproved-registry",
            "compose.yaml:4 memory-limit-above-ceiling",
            "compose.yaml:6 image-from-unapproved-registry"
        ]
    );
}

#[test]
fn mistakes_name_the_file_line_and_column() {
    let dir = project();
    std::fs::write(
        dir.path().join("cofferdam.toml"),
        "select = [\"user\"]\n\n[settings]\nrestart-max-retries = 5\nallowed-caps = {}\n",
    )
    .unwrap();
    let (code, _, stderr) = run(dir.path(), &["check", "."], &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cofferdam.toml:5:1: unknown setting `allowed-caps`, expected one of `restart-max-retries`, `memory-ceiling`, `allowed-registries`, `pinned-tags`, `allowed-capabilities`"),
        "{stderr}"
    );
    let (code, _, stderr) = run(dir.path(), &["config"], &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cofferdam.toml:5:1:"), "{stderr}");
}

#[test]
fn config_shows_the_effective_settings_for_a_path() {
    let dir = project();
    let (code, stdout, stderr) = run(dir.path(), &["config", "legacy/compose.yaml"], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("# configuration: "), "{stdout}");
    assert!(stdout.contains("fail-on = \"high\""), "{stdout}");
    // The legacy override removes the user rules from the capability and user selection.
    let enabled_line = stdout
        .lines()
        .find(|line| line.starts_with("enabled = "))
        .unwrap();
    assert!(enabled_line.contains("\"CAP002\""), "{enabled_line}");
    assert!(!enabled_line.contains("\"USR004\""), "{enabled_line}");
    assert!(stdout.contains("\"vpn\" = [\"NET_ADMIN\"]"), "{stdout}");
    assert!(
        stdout.contains("\nmemory-ceiling = 1073741824\n"),
        "{stdout}"
    );
    let empty = tempfile::tempdir().unwrap();
    let (_, stdout, _) = run(empty.path(), &["config"], &[]);
    assert!(stdout.contains("built-in defaults"), "{stdout}");
}
