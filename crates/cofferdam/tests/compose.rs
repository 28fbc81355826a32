//! CLI tests for compose projects: discovery by name and content, the implicit override file,
//! `-f` merging, `extends` into another file, standard input, and errors that name the file,
//! line and column while the run goes on.
//!
//! Each test builds its project in a temporary directory and runs the binary there, so reported
//! paths are relative and stable.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create directories");
    }
    fs::write(path, text).expect("write file");
}

fn check_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(dir)
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "privileged-container",
        ])
        .args(args)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|error| panic!("invalid JSON ({error}):\n{stdout}"));
    (output.status.code().expect("exit code"), value)
}

/// `(path, line, service)` of every finding.
fn findings(json: &Value) -> Vec<(String, u64, String)> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| {
            (
                finding["path"].as_str().expect("path").to_owned(),
                finding["line"].as_u64().expect("line"),
                finding["service"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

const PRIVILEGED: &str = "services:\n  app:\n    image: app:1\n    privileged: true\n";

#[test]
fn discovery_by_name_and_by_content_with_override_folded_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "compose.yaml",
        "services:\n  web:\n    image: web:1\n",
    );
    write(
        root,
        "compose.override.yaml",
        "services:\n  web:\n    privileged: true\n",
    );
    write(root, "deploy/docker-compose.prod.yml", PRIVILEGED);
    write(root, "stack.yml", PRIVILEGED);
    // YAML without a top-level `services:` map is not a compose file and is not counted.
    write(
        root,
        ".github/ci.yml",
        "jobs:\n  services:\n    privileged: true\n",
    );
    write(root, "k8s.yaml", "kind: Pod\nspec:\n  privileged: true\n");

    let (code, json) = check_json(root, &["."]);
    assert_eq!(code, 1);
    assert_eq!(json["summary"]["files_checked"], 4);
    assert_eq!(
        findings(&json),
        [
            ("compose.override.yaml".to_owned(), 3, "web".to_owned()),
            (
                "deploy/docker-compose.prod.yml".to_owned(),
                4,
                "app".to_owned()
            ),
            ("stack.yml".to_owned(), 4, "app".to_owned()),
        ]
    );
}

#[test]
fn compose_file_flags_merge_like_docker_compose() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "base.yaml",
        "services:\n  app:\n    image: app:1\n    privileged: true\n",
    );
    write(
        root,
        "hardened.yaml",
        "services:\n  app:\n    privileged: false\n",
    );
    write(root, "other/compose.yaml", PRIVILEGED);

    // Only the -f files are checked (no directory walk), and the later file wins.
    let (code, json) = check_json(root, &["-f", "base.yaml", "-f", "hardened.yaml"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["summary"]["files_checked"], 2);

    let (code, json) = check_json(root, &["-f", "hardened.yaml", "-f", "base.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&json),
        [("base.yaml".to_owned(), 4, "app".to_owned())]
    );
}

#[test]
fn extends_and_merge_keys_point_where_the_value_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "common/base.yaml",
        "services:\n  debug:\n    # for strace\n    privileged: true\n",
    );
    write(
        root,
        "compose.yaml",
        "x-debug: &debug\n  privileged: true\nservices:\n  api:\n    extends:\n      file: common/base.yaml\n      service: debug\n    image: api:1\n  worker:\n    <<: *debug\n    image: worker:1\n",
    );
    let (_, json) = check_json(root, &["compose.yaml"]);
    assert_eq!(
        findings(&json),
        [
            ("common/base.yaml".to_owned(), 4, "api".to_owned()),
            ("compose.yaml".to_owned(), 2, "worker".to_owned()),
        ]
    );
}

#[test]
fn interpolation_reads_dotenv_and_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "compose.yaml",
        "services:\n  app:\n    image: app:1\n    privileged: ${DEBUG:-false}\n",
    );
    let (code, _) = check_json(root, &["."]);
    assert_eq!(code, 0);

    write(root, ".env", "DEBUG=true\n");
    let (code, json) = check_json(root, &["."]);
    assert_eq!(code, 1);
    assert_eq!(findings(&json)[0].1, 4);

    // The caller's environment wins over `.env`.
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(root)
        .env("DEBUG", "false")
        .args(["check", "--select", "privileged-container", "-q", "."])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn standard_input_is_read_as_compose_by_its_name() {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .args([
            "check",
            "--format",
            "concise",
            "--select",
            "privileged-container",
            "--stdin-filename",
            "docker-compose.yml",
            "-",
        ])
        .write_stdin(PRIVILEGED)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout.starts_with("docker-compose.yml:4:17: critical PRV001 privileged-container"),
        "{stdout}"
    );
}

#[test]
fn yaml_errors_name_file_line_and_column_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "a/compose.yaml",
        "services:\n  web:\n    image: [nginx\n",
    );
    write(root, "b/compose.yaml", PRIVILEGED);
    write(
        root,
        "c/compose.yaml",
        "services:\n  web:\n    privileged: maybe\n    extends:\n      file: missing.yaml\n      service: x\n",
    );
    let (code, json) = check_json(root, &["."]);
    assert_eq!(code, 2);
    let errors: Vec<(String, u64, u64, String)> = json["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| {
            (
                error["path"].as_str().expect("path").to_owned(),
                error["line"].as_u64().expect("line"),
                error["column"].as_u64().expect("column"),
                error["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(errors[0].0, "a/compose.yaml");
    assert!(errors[0].3.starts_with("invalid YAML"), "{errors:?}");
    assert_eq!(
        (errors[1].0.as_str(), errors[1].1, errors[1].2),
        ("c/compose.yaml", 3, 17)
    );
    assert_eq!(
        errors[1].3,
        "expected a boolean (true or false) for `privileged`, found a scalar"
    );
    assert_eq!((errors[2].1, errors[2].2), (5, 13));
    assert_eq!(
        errors[2].3,
        "expected a file at `c/missing.yaml`; it does not exist"
    );
    // The valid project is still reviewed.
    assert_eq!(
        findings(&json),
        [("b/compose.yaml".to_owned(), 4, "app".to_owned())]
    );
}
