//! `check --fix`, `--unsafe-fixes` and `--diff` end to end: what is written, what is only
//! shown, what is never touched, and the exit status.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;
use cofferdam_linter::fixes::{FixedKind, verify};

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(dir)
        .args(args)
        .env_remove("COFFERDAM_CONFIG")
        .env_remove("COFFERDAM_FAIL_ON")
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const COMPOSE: &str = "# The shop\nservices:\n  web:  # public\n    image: nginx:1.27\n    user: \"0\"\n    ports:\n      - \"8080:80\"\n  db:\n    image: postgres:16\n";

const SELECT: &str = "--select=privilege-escalation-allowed,capabilities-not-dropped";

#[test]
fn diff_shows_the_change_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("compose.yaml"), COMPOSE).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["check", ".", SELECT, "--diff"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stdout,
        "--- a/compose.yaml\n+++ b/compose.yaml\n@@ -5,5 +5,7 @@\n     user: \"0\"\n     ports:\n       - \"8080:80\"\n+    security_opt:\n+      - no-new-privileges:true\n   db:\n     image: postgres:16\n"
    );
    assert!(
        stderr.contains(
            "would fix 1 finding in 1 file (PRV002 1); 3 more findings with --unsafe-fixes"
        ),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("compose.yaml")).unwrap(),
        COMPOSE
    );
    // Nothing to fix: exit 0 and no diff.
    let (code, stdout, _) = run(dir.path(), &["check", ".", "--select=latest-tag", "--diff"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn fix_applies_safe_fixes_and_unsafe_fixes_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    fs::write(&path, COMPOSE).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["check", ".", SELECT, "--fix", "--format", "concise"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains(
            "note: fixed 1 finding in 1 file (PRV002 1); 3 more findings with --unsafe-fixes"
        ),
        "{stdout}"
    );
    // The safe fix only: `web` runs as root, so no-new-privileges cannot change what it does.
    let fixed = fs::read_to_string(&path).unwrap();
    assert!(fixed.contains("    user: \"0\"\n    ports:\n      - \"8080:80\"\n    security_opt:\n      - no-new-privileges:true\n  db:"), "{fixed}");
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );

    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "check",
            ".",
            SELECT,
            "--unsafe-fixes",
            "--format",
            "concise",
        ],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("fixed 3 findings in 1 file (CAP001 2, PRV002 1)"),
        "{stdout}"
    );
    let fixed = fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        "# The shop\nservices:\n  web:  # public\n    image: nginx:1.27\n    user: \"0\"\n    ports:\n      - \"8080:80\"\n    security_opt:\n      - no-new-privileges:true\n    cap_drop:\n      - ALL\n  db:\n    image: postgres:16\n    cap_drop:\n      - ALL\n    security_opt:\n      - no-new-privileges:true\n"
    );
    // Clean now; a second run changes nothing.
    let (code, stdout, _) = run(dir.path(), &["check", ".", SELECT, "--unsafe-fixes"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(fs::read_to_string(&path).unwrap(), fixed);
}

#[test]
fn files_outside_the_checked_paths_are_never_changed() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("app")).unwrap();
    fs::create_dir_all(dir.path().join("shared")).unwrap();
    let base = "services:\n  base:\n    image: example/base:1.0\n    security_opt:\n      - label=disable\n";
    fs::write(dir.path().join("shared/base.yml"), base).unwrap();
    fs::write(
        dir.path().join("app/compose.yaml"),
        "services:\n  api:\n    extends:\n      file: ../shared/base.yml\n      service: base\n",
    )
    .unwrap();
    let (_, stdout, stderr) = run(
        dir.path(),
        &[
            "check",
            "app",
            "--select=privilege-escalation-allowed",
            "--unsafe-fixes",
            "--format",
            "concise",
        ],
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("shared/base.yml")).unwrap(),
        base,
        "{stdout}{stderr}"
    );
    assert!(stdout.contains("fixed 0 findings in 0 files"), "{stdout}");
    assert!(
        stdout.contains("PRV002"),
        "the finding remains reported: {stdout}"
    );
}

#[test]
fn run_lines_keep_their_continuations_and_a_bom_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let script = "\u{feff}#!/bin/sh\n# start the API\ndocker run -d \\\n  --name api \\\n  example/api:2.0 serve\n";
    fs::write(dir.path().join("start.sh"), script).unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "check",
            "start.sh",
            "--select=capabilities-not-dropped,writable-root-filesystem",
            "--unsafe-fixes",
        ],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let fixed = fs::read_to_string(dir.path().join("start.sh")).unwrap();
    assert!(
        fixed.starts_with(
            "\u{feff}#!/bin/sh\n# start the API\ndocker run -d \\\n  --name api \\\n  --"
        ),
        "{fixed}"
    );
    // One flag per continuation line, indented like the others.
    assert!(
        fixed.contains("\n  --cap-drop ALL \\\n") && fixed.contains("\n  --read-only \\\n"),
        "{fixed}"
    );
    assert!(fixed.ends_with(" \\\n  example/api:2.0 serve\n"), "{fixed}");
}

#[test]
fn standard_input_is_reviewed_but_not_fixed() {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .args([
            "check",
            "-",
            "--stdin-filename",
            "compose.yaml",
            SELECT,
            "--unsafe-fixes",
            "--format",
            "concise",
        ])
        .write_stdin(COMPOSE)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("fixed 0 findings in 0 files"), "{stdout}");
    assert!(stdout.contains("PRV002"), "{stdout}");
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn the_example_project_fixes_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shop");
    copy_tree(&example, dir.path());
    let before: Vec<(&str, FixedKind, String)> = [
        ("compose.yaml", FixedKind::Yaml),
        ("Dockerfile", FixedKind::Dockerfile),
        ("deploy.sh", FixedKind::Script),
    ]
    .into_iter()
    .map(|(name, kind)| {
        (
            name,
            kind,
            fs::read_to_string(dir.path().join(name)).unwrap(),
        )
    })
    .collect();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["check", ".", "--unsafe-fixes", "--format", "json"],
    );
    assert_eq!(code, 1, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // The fixed files parse as well as before (the example has no syntax errors).
    assert_eq!(json["errors"], serde_json::json!([]), "{stdout}");
    let notes = json["notes"].to_string();
    assert!(notes.contains("fixed "), "{notes}");
    // Each file changed, still parses and keeps every comment.
    for (name, kind, text) in &before {
        let fixed = fs::read_to_string(dir.path().join(name)).unwrap();
        assert_ne!(&fixed, text, "{name} unchanged");
        verify(*kind, text, &fixed).unwrap_or_else(|error| panic!("{name}: {error}"));
    }
    // A fixed point: nothing applicable is left, so a second run changes nothing.
    let (code, diff, _) = run(dir.path(), &["check", ".", "--unsafe-fixes", "--diff"]);
    assert_eq!((code, diff.as_str()), (0, ""));
    for finding in json["findings"].as_array().unwrap() {
        let applicability = &finding["fix"]["applicability"];
        assert_eq!(
            applicability.as_str().unwrap_or("display-only"),
            "display-only",
            "a fixable finding remains: {finding}"
        );
    }
}

#[test]
fn a_baseline_still_hides_known_findings_after_fixing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("compose.yaml"), COMPOSE).unwrap();
    let select = "--select=privilege-escalation-allowed,capabilities-not-dropped,latest-tag,memory-not-limited";
    let (code, _, stderr) = run(
        dir.path(),
        &["check", ".", select, "--baseline", "known.json"],
    );
    assert_eq!(code, 0, "{stderr}");
    // Fixing writes the files; what remains is all known, so the run passes.
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "check",
            ".",
            select,
            "--baseline",
            "known.json",
            "--fix",
            "--format",
            "concise",
        ],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("fixed 1 finding in 1 file"), "{stdout}");
    assert!(stdout.contains("baseline known.json:"), "{stdout}");
    assert!(!stdout.contains("CAP001"), "{stdout}");
}

#[test]
fn makefiles_and_ci_pipelines_keep_their_layout() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
    fs::write(
        dir.path().join("Makefile"),
        "run:\n\tdocker run -d \\\n\t  --name api \\\n\t  example/api:2.0\n",
    )
    .unwrap();
    fs::write(
        dir.path().join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          docker run --rm \\\n            --pid host \\\n            busybox:1.36 true\n",
    )
    .unwrap();
    let select = "--select=capabilities-not-dropped,shared-pid-namespace";
    let (code, stdout, stderr) = run(dir.path(), &["check", ".", select, "--unsafe-fixes"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        fs::read_to_string(dir.path().join("Makefile")).unwrap(),
        "run:\n\tdocker run -d \\\n\t  --name api \\\n\t  --cap-drop ALL \\\n\t  example/api:2.0\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(".github/workflows/ci.yml")).unwrap(),
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          docker run --rm \\\n            --cap-drop ALL \\\n            busybox:1.36 true\n"
    );
}

#[test]
fn a_diff_never_shows_a_secret_value() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n    user: \"0\"\n    environment:\n      AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n      DATABASE_URL: postgres://app:hunter2hunter2@db/app\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "check",
            ".",
            "--select=privilege-escalation-allowed",
            "--diff",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    // The context lines of the hunk hold both values; the diff shows them masked.
    assert!(stdout.contains("+    security_opt:"), "{stdout}");
    assert!(stdout.contains("AWS_SECRET_ACCESS_KEY: ****"), "{stdout}");
    assert!(
        !stdout.contains("wJalrXUtnFEMI") && !stdout.contains("hunter2hunter2"),
        "{stdout}"
    );
}
