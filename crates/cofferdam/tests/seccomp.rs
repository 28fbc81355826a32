//! CLI tests for `cofferdam seccomp default`.

use assert_cmd::Command;
use serde_json::Value;

fn seccomp(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .args(["seccomp", "default"])
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

#[test]
fn blocked_lists_names_and_marks_partial_ones() {
    let (code, stdout, _) = seccomp(&["--blocked", "--cap-drop", "ALL"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    for expected in [
        "keyctl",
        "mount",
        "unshare",
        "clone (argument filter)",
        "clone3 (ENOSYS)",
        "socket (argument filter)",
        "chroot",
    ] {
        assert!(lines.contains(&expected), "{expected}: {stdout}");
    }
    assert!(!lines.contains(&"read"));
    // Docker's default capabilities include SYS_CHROOT.
    let (_, defaults, _) = seccomp(&["--blocked"]);
    assert!(!defaults.lines().any(|line| line == "chroot"));
    // SYS_ADMIN opens mount and friends; an old kernel closes ptrace.
    let (_, admin, _) = seccomp(&["--blocked", "--cap-add", "sys_admin"]);
    assert!(
        !admin
            .lines()
            .any(|line| line == "mount" || line == "unshare")
    );
    let (_, old, _) = seccomp(&["--blocked", "--kernel", "4.4"]);
    assert!(old.lines().any(|line| line == "ptrace"));
    assert!(!lines.contains(&"ptrace"));
}

#[test]
fn json_and_the_resolved_profile() {
    let (code, stdout, _) = seccomp(&["--blocked", "--format", "json", "--arch", "arm64"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["arch"], "aarch64");
    assert_eq!(json["capabilities"].as_array().map(Vec::len), Some(14));
    assert!(
        json["blocked"]
            .as_array()
            .expect("array")
            .iter()
            .any(|entry| entry["name"] == "keyctl" && entry["errno"] == 1)
    );
    let (code, stdout, _) = seccomp(&[]);
    assert_eq!(code, 0);
    let profile: Value = serde_json::from_str(&stdout).expect("profile JSON");
    assert_eq!(profile["defaultAction"], "SCMP_ACT_ERRNO");
    assert_eq!(profile["architectures"][0], "SCMP_ARCH_X86_64");
    let allowed = profile["syscalls"][0]["names"].as_array().expect("names");
    assert!(allowed.iter().any(|name| name == "openat"));
    assert!(!allowed.iter().any(|name| name == "keyctl"));
}

#[test]
fn bad_input_is_a_usage_error() {
    for args in [
        &["--arch", "sparc"][..],
        &["--cap-add", "FLY"][..],
        &["--kernel", "new"][..],
    ] {
        let (code, stdout, stderr) = seccomp(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("error"), "{stderr}");
    }
}

fn cofferdam(args: &[&str], dir: &std::path::Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

#[test]
fn lint_reports_positions_and_exit_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(
        root.join("loose.json"),
        "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"architectures\": [\"SCMP_ARCH_X86_64\"],\n  \"syscalls\": [\n    {\"names\": [\"read\", \"keyctl\", \"opne\"], \"action\": \"SCMP_ACT_ALLOW\"}\n  ]\n}\n",
    )
    .expect("write");
    std::fs::write(root.join("broken.json"), "{\"defaultAction\": [}").expect("write");
    let (code, stdout, _) = cofferdam(&["seccomp", "lint", "loose.json"], root);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "loose.json:5:24: high allows `keyctl`, which Docker's default blocks: kernel keyrings are not namespaced: keys of other containers and the host\nloose.json:5:34: medium unknown syscall `opne`: the engine ignores it, so what it was meant to allow or deny is not\n"
    );
    let (code, stdout, _) = cofferdam(&["seccomp", "lint", "broken.json", "loose.json"], root);
    assert_eq!(code, 2);
    assert!(
        stdout.starts_with(
            "broken.json:1:18: error invalid seccomp profile: invalid type: sequence, expected a string"
        ),
        "{stdout}"
    );
    let (code, _, stderr) = cofferdam(&["seccomp", "lint", "missing.json"], root);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.json"), "{stderr}");
}

#[test]
fn diff_against_the_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(
        root.join("p.json"),
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\", \"unshare\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
    )
    .expect("write");
    let (code, stdout, _) = cofferdam(&["seccomp", "diff", "default", "p.json"], root);
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "+ unshare  (risk: creates namespaces, the first step of many escapes)"
    );
    assert!(lines.contains(&"- write") && !lines.contains(&"- read"));
    let (_, stdout, _) = cofferdam(
        &["seccomp", "diff", "default", "default", "--format", "json"],
        root,
    );
    assert_eq!(stdout.trim(), r#"{"added":[],"removed":[]}"#);
}
