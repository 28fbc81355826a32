//! `check --baseline`: known findings are recorded once, later runs report only new ones, line
//! moves do not make old findings new, and the file never holds source text.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn check(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(dir)
        .args([
            "check",
            ".",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
        ])
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        serde_json::from_slice(&output.stdout).expect("JSON"),
    )
}

fn rules(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            format!(
                "{}:{}",
                finding["path"].as_str().unwrap(),
                finding["rule"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn only_new_findings_are_reported_after_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM debian:latest\nENV API_TOKEN=s3cr3t-token-value\nRUN echo hi\n",
    )
    .unwrap();
    // No baseline yet: it is written with everything, and the run passes.
    let (code, json) = check(dir.path(), &[]);
    assert_eq!(code, 0);
    assert!(rules(&json).is_empty());
    assert_eq!(
        json["notes"][0].as_str().unwrap(),
        format!(
            "baseline baseline.json written with {} findings; later runs report only new findings",
            std::fs::read_to_string(dir.path().join("baseline.json"))
                .unwrap()
                .matches("\"fingerprint\"")
                .count()
        )
    );
    let baseline = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(
        !baseline.contains("s3cr3t"),
        "the baseline holds no source text"
    );
    assert!(baseline.contains("\"rule\": \"SEC002\""), "{baseline}");

    // Lines inserted above move every finding; none becomes new. `USER root` is new (and
    // fixes the missing-user finding).
    std::fs::write(
        dir.path().join("Dockerfile"),
        "# syntax=docker/dockerfile:1\n# base image\nFROM debian:latest\nENV API_TOKEN=s3cr3t-token-value\nRUN echo hi\nUSER root\n",
    )
    .unwrap();
    let (code, json) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(rules(&json), ["Dockerfile:USR001"]);
    assert!(
        json["notes"][0]
            .as_str()
            .unwrap()
            .ends_with("3 known findings not reported, 1 fixed since it was written"),
        "{}",
        json["notes"]
    );

    // Removing the secret fixes one more; --update-baseline records the new state.
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM debian:latest\nRUN echo hi\nUSER root\n",
    )
    .unwrap();
    let (_, json) = check(dir.path(), &[]);
    assert!(
        json["notes"][0]
            .as_str()
            .unwrap()
            .ends_with("2 known findings not reported, 2 fixed since it was written"),
        "{}",
        json["notes"]
    );
    let (code, _) = check(dir.path(), &["--update-baseline"]);
    assert_eq!(code, 0);
    let (code, json) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{json}");
}

#[test]
fn a_broken_baseline_is_an_error_naming_its_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM debian:12\n").unwrap();
    std::fs::write(
        dir.path().join("baseline.json"),
        "{\"version\": 1,\n \"findings\": [\n  {\"oops\": 1}]}\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(dir.path())
        .args(["check", ".", "--baseline", "baseline.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("baseline.json:3:")
            && stderr.contains("not a cofferdam baseline: unknown field `oops`"),
        "{stderr}"
    );
}
