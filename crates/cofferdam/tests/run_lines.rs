//! CLI tests for `docker run` lines: every kind of file that holds them is discovered and read,
//! findings point at the flag's own line, text that only mentions `docker run` raises nothing,
//! and secret values passed with `-e` are never printed.

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

fn check(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(dir)
        .arg("check")
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("UTF-8"),
    )
}

/// `(path, line)` of every finding.
fn findings(stdout: &str) -> Vec<(String, u64)> {
    let json: Value = serde_json::from_str(stdout).expect("JSON");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| {
            (
                finding["path"].as_str().expect("path").to_owned(),
                finding["line"].as_u64().expect("line"),
            )
        })
        .collect()
}

#[test]
fn every_source_kind_is_discovered_and_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "deploy.sh",
        "#!/bin/sh\necho \"docker run --privileged\"\nsudo docker run -d \\\n  --privileged \\\n  app:1\n",
    );
    write(
        root,
        "bin/release",
        "#!/usr/bin/env bash\ndocker run --privileged app:1\n",
    );
    // A file without an extension that is not a script is not read as one.
    write(root, "bin/data", "docker run --privileged app:1\n");
    write(
        root,
        "Makefile",
        "run:\n\t@docker run --rm --privileged $(IMAGE)\n",
    );
    write(
        root,
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  smoke:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          docker build -t app .\n          docker run --rm --privileged app:${{ github.sha }}\n",
    );
    write(
        root,
        "deploy/app.service",
        "[Service]\nExecStart=/usr/bin/docker run --name app --privileged app:1\n",
    );
    write(
        root,
        "README.md",
        "Run it:\n\n```console\n$ docker run --rm --privileged app:1\nhello\n```\n\n```python\nos.system('docker run --privileged app:1')\n```\n",
    );
    // Other hidden directories stay skipped.
    write(
        root,
        ".venv/bin/activate.sh",
        "docker run --privileged x:1\n",
    );

    let (code, stdout) = check(
        root,
        &["--format", "json", "--select", "privileged-container", "."],
    );
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(
        findings(&stdout),
        [
            (".github/workflows/ci.yml".to_owned(), 8),
            ("Makefile".to_owned(), 2),
            ("README.md".to_owned(), 4),
            ("bin/release".to_owned(), 2),
            ("deploy.sh".to_owned(), 4),
            ("deploy/app.service".to_owned(), 2),
        ]
    );
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["summary"]["files_checked"], 6);
}

#[test]
fn secret_values_in_run_lines_are_never_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    write(
        root,
        "run.sh",
        &format!(
            "docker run --privileged \\\n  -e AWS_SECRET_ACCESS_KEY={secret} \\\n  -e DATABASE_URL=postgres://app:hunter2hunter2@db/app \\\n  app:1\n"
        ),
    );
    for format in ["human", "concise", "json"] {
        let (_, stdout) = check(root, &["--format", format, "--select", "ALL", "run.sh"]);
        assert!(!stdout.contains(secret), "{format}: {stdout}");
        assert!(!stdout.contains("hunter2hunter2"), "{format}: {stdout}");
    }
    // The secret rules point at the values, so the human snippets show those lines, masked.
    let (_, stdout) = check(root, &["--select", "secrets", "run.sh"]);
    assert!(stdout.contains("AWS_SECRET_ACCESS_KEY=****"), "{stdout}");
    assert!(stdout.contains("postgres://app:****"), "{stdout}");
}

#[test]
fn unknown_flags_are_low_notes_and_the_rest_is_still_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "run.sh",
        "docker run --frobnicate --privileged app:1 --not-a-docker-flag\n",
    );
    let (code, stdout) = check(
        root,
        &[
            "--format",
            "concise",
            "--select",
            "unrecognised-run-option,privileged-container",
            "run.sh",
        ],
    );
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("run.sh:1:12: low BLD023 unrecognised-run-option"),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("run.sh:1:25: critical PRV001 privileged-container"),
        "{stdout}"
    );
    assert_eq!(lines.len(), 3, "{stdout}");
}

#[test]
fn a_pipeline_that_does_not_parse_is_an_error_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        ".github/workflows/broken.yml",
        "on: push\njobs:\n  a:\n    steps:\n      - run: [docker run x\n",
    );
    write(root, "run.sh", "docker run --privileged app:1\n");
    let (code, stdout) = check(
        root,
        &["--format", "json", "--select", "privileged-container", "."],
    );
    assert_eq!(code, 2);
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    let error = &json["errors"][0];
    assert_eq!(error["path"], ".github/workflows/broken.yml");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(6), Some(1))
    );
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|message| message.starts_with("invalid YAML")),
        "{error}"
    );
    assert_eq!(findings(&stdout), [("run.sh".to_owned(), 1)]);
}
