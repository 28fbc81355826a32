//! Inline suppressions through `check`: cofferdam's own comments, hadolint's, the scopes they
//! cover, unused ones reported as notes, and `--require-reason`.

use assert_cmd::Command;
use serde_json::Value;

const DOCKERFILE: &str = "\
# cofferdam: ignore[latest-tag] rebuilt nightly from the vendor's rolling tag
FROM debian:latest
# hadolint ignore=DL3002
USER root
# cofferdam: ignore[SEC001]
RUN echo hi
";

const COMPOSE: &str = "\
services:
  # cofferdam: ignore[ALL] the legacy stack, replaced in Q3 (JIRA-12)
  legacy:
    image: old:latest
    privileged: true
  web:
    image: web:1.2  # cofferdam: ignore[image-not-digest-pinned] internal registry, immutable tags
    privileged: true
";

fn check(args: &[&str]) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).unwrap();
    std::fs::write(dir.path().join("compose.yaml"), COMPOSE).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(dir.path())
        .args(["check", ".", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).expect("JSON");
    (output.status.code().unwrap(), json)
}

fn findings(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            format!(
                "{}:{} {}",
                finding["path"].as_str().unwrap(),
                finding["line"],
                finding["rule"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn suppressions_cover_their_scope_and_stale_ones_are_noted() {
    let (code, json) = check(&[]);
    assert_eq!(code, 1);
    let found = findings(&json);
    // The Dockerfile keeps only what nothing suppressed: its missing health check.
    assert!(
        found
            .iter()
            .all(|finding| !finding.starts_with("Dockerfile") || finding.ends_with("HLT001")),
        "{found:?}"
    );
    assert!(
        found.contains(&"Dockerfile:2 HLT001".to_owned()),
        "{found:?}"
    );
    // The legacy service is silenced entirely; web keeps privileged-container but not the pin.
    assert!(
        found
            .iter()
            .all(|finding| !finding.starts_with("compose.yaml:3")
                && !finding.starts_with("compose.yaml:4")
                && !finding.starts_with("compose.yaml:5")),
        "{found:?}"
    );
    assert!(
        found.contains(&"compose.yaml:8 PRV001".to_owned()),
        "{found:?}"
    );
    assert!(
        !found.contains(&"compose.yaml:7 IMG003".to_owned()),
        "{found:?}"
    );
    assert!(
        json["summary"]["suppressed"].as_u64().unwrap() >= 10,
        "{}",
        json["summary"]
    );
    assert_eq!(
        json["notes"],
        serde_json::json!(["Dockerfile:5:1: unused suppression: `SEC001` reports nothing here"])
    );
}

#[test]
fn require_reason_applies_only_suppressions_that_give_one() {
    let (_, json) = check(&["--require-reason"]);
    let found = findings(&json);
    // hadolint's comment has no reason: USER root is reported again.
    assert!(
        found.contains(&"Dockerfile:4 USR001".to_owned()),
        "{found:?}"
    );
    // The ones with reasons still apply.
    assert!(
        !found.contains(&"Dockerfile:2 IMG002".to_owned()),
        "{found:?}"
    );
    assert_eq!(
        json["notes"],
        serde_json::json!([
            "Dockerfile:3:1: suppression of DL3002 has no reason, so it is not applied (--require-reason)",
            "Dockerfile:5:1: suppression of SEC001 has no reason, so it is not applied (--require-reason)"
        ])
    );
}
