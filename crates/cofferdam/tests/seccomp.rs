//! CLI tests for `cofferdam seccomp default`, `seccomp lint` and `seccomp diff`.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// Runs cofferdam in `dir` and returns the exit code, stdout and stderr.
fn cofferdam(args: &[&str], dir: &Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

fn default(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["seccomp", "default"];
    all.extend_from_slice(args);
    cofferdam(&all, Path::new("."))
}

#[test]
fn blocked_with_sys_admin_on_6_1() {
    let (code, stdout, stderr) = default(&[
        "--arch",
        "x86_64",
        "--cap-add",
        "SYS_ADMIN",
        "--kernel",
        "6.1",
        "--blocked",
    ]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn blocked_lists_names_and_marks_partial_ones() {
    let (code, stdout, _) = default(&["--blocked", "--cap-drop", "ALL"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    for expected in [
        "keyctl",
        "mount",
        "unshare",
        "clone (argument filter)",
        "clone3 (ENOSYS)",
        "socket (argument filter)",
        "personality (argument filter)",
        "chroot",
    ] {
        assert!(lines.contains(&expected), "{expected}: {stdout}");
    }
    assert!(!lines.contains(&"read"));
    // Docker's default capabilities include SYS_CHROOT.
    let (_, defaults, _) = default(&["--blocked"]);
    assert!(!defaults.lines().any(|line| line == "chroot"));
    // Capability names in any spelling; SYS_ADMIN opens mount and friends.
    for spelling in ["SYS_ADMIN", "sys_admin", "CAP_SYS_ADMIN", "cap_sys_admin"] {
        let (_, admin, _) = default(&["--blocked", "--cap-add", spelling]);
        assert!(
            !admin
                .lines()
                .any(|line| line == "mount" || line == "unshare"),
            "{spelling}"
        );
    }
    // An old kernel closes ptrace; SYS_PTRACE opens it again.
    let (_, old, _) = default(&["--blocked", "--kernel", "4.4"]);
    assert!(old.lines().any(|line| line == "ptrace"));
    assert!(!lines.contains(&"ptrace"));
    let (_, old_ptrace, _) = default(&["--blocked", "--kernel", "4.4", "--cap-add", "SYS_PTRACE"]);
    assert!(!old_ptrace.lines().any(|line| line == "ptrace"));
    // With every capability, only what no capability opens stays blocked.
    let (_, all, _) = default(&["--blocked", "--cap-add", "ALL"]);
    let all: Vec<&str> = all.lines().collect();
    assert!(all.contains(&"keyctl") && all.contains(&"io_uring_setup"));
    assert!(!all.contains(&"mount") && !all.contains(&"clone (argument filter)"));
}

#[test]
fn json_and_the_resolved_profile() {
    let (code, stdout, _) = default(&["--blocked", "--format", "json", "--arch", "arm64"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["arch"], "aarch64");
    assert_eq!(json["kernel"], "6.1");
    assert_eq!(json["capabilities"].as_array().map(Vec::len), Some(14));
    let blocked = json["blocked"].as_array().expect("array");
    assert!(blocked.iter().any(|entry| entry["name"] == "keyctl"
        && entry["verdict"] == "denied"
        && entry["errno"] == 1));
    assert!(
        blocked
            .iter()
            .any(|entry| entry["name"] == "clone" && entry["verdict"] == "argument-filter")
    );
    let (code, stdout, _) = default(&[]);
    assert_eq!(code, 0);
    let profile: Value = serde_json::from_str(&stdout).expect("profile JSON");
    assert_eq!(profile["defaultAction"], "SCMP_ACT_ERRNO");
    assert_eq!(
        profile["architectures"],
        serde_json::json!(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"])
    );
    let allowed = profile["syscalls"][0]["names"].as_array().expect("names");
    assert!(allowed.iter().any(|name| name == "openat"));
    assert!(!allowed.iter().any(|name| name == "keyctl"));
    // `--format json` writes the same profile on one line.
    let (_, one_line, _) = default(&["--format", "json"]);
    assert_eq!(one_line.lines().count(), 1);
    assert_eq!(
        serde_json::from_str::<Value>(&one_line).expect("JSON"),
        profile
    );
}

#[test]
fn the_resolved_profile_lints_clean_and_diffs_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, profile, _) = default(&["--cap-add", "NET_ADMIN"]);
    std::fs::write(dir.path().join("resolved.json"), profile).expect("write");
    let (code, stdout, stderr) = cofferdam(&["seccomp", "lint", "resolved.json"], dir.path());
    assert_eq!(
        (code, stdout.as_str()),
        (0, "no findings in 1 file checked\n"),
        "{stderr}"
    );
    let (code, stdout, stderr) =
        cofferdam(&["seccomp", "diff", "default", "resolved.json"], dir.path());
    assert_eq!((code, stdout.as_str()), (0, ""));
    assert_eq!(
        stderr,
        "0 more permissive in resolved.json, 0 less, 0 blocked differently\n"
    );
}

#[test]
fn bad_input_is_a_usage_error() {
    for args in [
        &["--arch", "sparc"][..],
        &["--cap-add", "FLY"][..],
        &["--kernel", "new"][..],
    ] {
        let (code, stdout, stderr) = default(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("error"), "{stderr}");
    }
}

const LOOSE: &str = "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"architectures\": [\"SCMP_ARCH_X86_64\"],\n  \"syscalls\": [\n    {\"names\": [\"read\", \"keyctl\", \"opne\"], \"action\": \"SCMP_ACT_ALLOW\"},\n    {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"SYS_ADMIN\"]}},\n    {\"names\": [\"close\"], \"action\": \"SCMP_ACT_ALOW\"}\n  ]\n}\n";

#[test]
fn lint_reports_positions_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("loose.json"), LOOSE).expect("write");
    let (code, stdout, _) = cofferdam(
        &["seccomp", "lint", "loose.json", "--format", "concise"],
        root,
    );
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "loose.json:5:24: high SCP105 seccomp-allows-blocked-syscall allows `keyctl`, which Docker's default blocks: kernel keyrings are not namespaced: the keys of other containers and of the host\n\
         loose.json:5:34: medium SCP102 unknown-seccomp-syscall unknown syscall `opne`: the engine ignores it (did you mean `open`?)\n\
         loose.json:6:76: medium SCP107 unmatchable-seccomp-condition `SYS_ADMIN` never matches: the engine compares `CAP_SYS_ADMIN`, so the rule never applies\n\
         loose.json:7:36: high SCP101 invalid-seccomp-profile unknown action `SCMP_ACT_ALOW`: the engine refuses the profile (did you mean `SCMP_ACT_ALLOW`?)\n\
         4 findings (2 high, 2 medium) in 1 file checked\n"
    );
    let (code, stdout, _) = cofferdam(&["seccomp", "lint", "loose.json"], root);
    assert_eq!(code, 1);
    insta::assert_snapshot!("lint_human", stdout);
    let (code, stdout, _) = cofferdam(&["seccomp", "lint", "loose.json", "--format", "json"], root);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    let first = &json["findings"][0];
    assert_eq!(first["rule"], "SCP105");
    assert_eq!(first["name"], "seccomp-allows-blocked-syscall");
    assert_eq!(first["category"], "seccomp");
    assert_eq!(first["severity"], "high");
    assert_eq!(
        (&first["line"], &first["column"], &first["end_column"]),
        (&Value::from(5), &Value::from(24), &Value::from(32))
    );
    assert_eq!(json["summary"]["findings"], 4);
    // Only high findings fail with --fail-on high; a low bar passes nothing.
    let (code, _, _) = cofferdam(
        &[
            "seccomp",
            "lint",
            "loose.json",
            "--fail-on",
            "critical",
            "-q",
        ],
        root,
    );
    assert_eq!(code, 0);
}

#[test]
fn lint_judges_for_the_container_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(
        root.join("admin.json"),
        r#"{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
            "syscalls": [{"names": ["read", "mount"], "action": "SCMP_ACT_ALLOW"}]}"#,
    )
    .expect("write");
    let (code, stdout, _) = cofferdam(
        &["seccomp", "lint", "admin.json", "--format", "concise", "-q"],
        root,
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("allows `mount`"), "{stdout}");
    // Docker's default allows mount to a container with SYS_ADMIN: nothing to report.
    let (code, stdout, _) = cofferdam(
        &[
            "seccomp",
            "lint",
            "admin.json",
            "--cap-add",
            "SYS_ADMIN",
            "-q",
        ],
        root,
    );
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn undecodable_and_missing_profiles_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("broken.json"), "{\"defaultAction\": [}").expect("write");
    std::fs::write(root.join("typed.json"), "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": -1}]}").expect("write");
    std::fs::write(root.join("loose.json"), LOOSE).expect("write");
    let (code, stdout, _) = cofferdam(
        &[
            "seccomp",
            "lint",
            "broken.json",
            "typed.json",
            "missing.json",
            "loose.json",
            "--format",
            "concise",
        ],
        root,
    );
    assert_eq!(code, 2);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "broken.json:1:20: error invalid seccomp profile: expected value"
    );
    assert!(
        lines[1].starts_with("loose.json:5:24: high SCP105"),
        "{stdout}"
    );
    assert!(
        lines.contains(&"missing.json:1:1: error cannot read file: no such file or directory"),
        "{stdout}"
    );
    assert!(
        lines.contains(&"typed.json:2:75: error invalid seccomp profile: `errnoRet` must be a non-negative integer, found -1"),
        "{stdout}"
    );
}

#[test]
fn diff_against_the_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(
        root.join("p.json"),
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_64\"], \"syscalls\": [{\"names\": [\"read\", \"unshare\", \"chmod\"], \"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": [\"write\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}]}",
    )
    .expect("write");
    let (code, stdout, stderr) = cofferdam(&["seccomp", "diff", "default", "p.json"], root);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "+ unshare (EPERM -> allowed; high risk: creates namespaces (a user namespace grants every capability inside it): the first step of many escapes)"
    );
    assert!(lines.contains(&"- write (allowed -> killed)"), "{stdout}");
    assert!(lines.contains(&"- openat (allowed -> EPERM)"), "{stdout}");
    assert!(
        !lines
            .iter()
            .any(|line| line.contains(" read ") || line.contains(" chmod "))
    );
    assert!(
        stderr.starts_with("1 more permissive in p.json, "),
        "{stderr}"
    );

    let (code, stdout, _) = cofferdam(
        &["seccomp", "diff", "default", "p.json", "--format", "json"],
        root,
    );
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["added"][0]["name"], "unshare");
    assert_eq!(json["added"][0]["from"], "denied");
    assert_eq!(json["added"][0]["from_errno"], 1);
    assert_eq!(json["added"][0]["to"], "allowed");
    assert_eq!(json["added"][0]["risk"]["level"], "high");
    assert!(
        json["removed"]
            .as_array()
            .expect("removed")
            .iter()
            .any(|change| change["name"] == "write" && change["to"] == "killed")
    );

    // The same profile with and without a capability.
    let (_, stdout, _) = cofferdam(
        &["seccomp", "diff", "default", "default", "--format", "json"],
        root,
    );
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["added"], serde_json::json!([]));
    let (code, _, stderr) = cofferdam(&["seccomp", "diff", "default", "nope.json"], root);
    assert_eq!(code, 2);
    assert!(stderr.contains("nope.json"), "{stderr}");
}

/// On arm64, `stat` is `newfstatat` (79), which Docker's default allows: the resolved profile
/// must name it, and `--blocked` must not report `fstatat` or the 32-bit `clock_settime64` there.
#[test]
fn aarch64_uses_the_kernels_names() {
    let (code, stdout, stderr) = default(&["--arch", "aarch64"]);
    assert_eq!(code, 0, "{stderr}");
    let profile: Value = serde_json::from_str(&stdout).expect("profile JSON");
    let allowed = profile["syscalls"][0]["names"].as_array().expect("names");
    assert!(allowed.iter().any(|name| name == "newfstatat"));
    assert!(!allowed.iter().any(|name| name == "fstatat"));
    let (code, blocked, _) = default(&["--arch", "aarch64", "--blocked", "--cap-drop", "ALL"]);
    assert_eq!(code, 0);
    assert!(blocked.lines().any(|line| line == "keyctl"));
    // Before: `fstatat` (arm64's 79 under its 32-bit name) and `clock_settime64` (32-bit only).
    for wrong in ["fstatat", "clock_settime64"] {
        assert!(
            !blocked.lines().any(|line| line == wrong),
            "{wrong}: {blocked}"
        );
    }
    assert!(blocked.lines().any(|line| line == "clock_settime"));
}

/// Profiles named by compose services and `docker run` lines are linted with `check`, for the
/// container that uses them: a profile allowing `mount` is a finding for a container with
/// Docker's default capabilities, but not for one given `SYS_ADMIN`, whose default allows it.
#[test]
fn check_lints_the_profiles_containers_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = r#"{
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [{"names": ["read", "mount", "bogus_call"], "action": "SCMP_ACT_ALLOW"}]
}
"#;
    std::fs::create_dir(dir.path().join("profiles")).unwrap();
    std::fs::write(dir.path().join("profiles/app.json"), profile).unwrap();
    let findings = |files: &[(&str, &str)]| -> (i32, Vec<String>, String) {
        let case = tempfile::tempdir_in(dir.path()).expect("case dir");
        for (name, text) in files {
            std::fs::write(case.path().join(name), text).unwrap();
        }
        let (code, stdout, stderr) = cofferdam(
            &["check", ".", "--format", "concise", "--select", "seccomp"],
            case.path(),
        );
        let lines = stdout
            .lines()
            .filter(|line| line.contains(": "))
            .map(str::to_owned)
            .collect();
        (code, lines, stderr)
    };

    let (code, lines, stderr) = findings(&[(
        "compose.yaml",
        "services:\n  app:\n    image: alpine:3.20\n    security_opt:\n      - seccomp=../profiles/app.json\n",
    )]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        lines,
        [
            "../profiles/app.json:4:35: high SCP105 seccomp-allows-blocked-syscall allows `mount`, which Docker's default blocks: mounts filesystems: with CAP_SYS_ADMIN, the host's disks",
            "../profiles/app.json:4:44: medium SCP102 unknown-seccomp-syscall unknown syscall `bogus_call`: the engine ignores it",
        ],
        "{stderr}"
    );

    // With SYS_ADMIN, Docker's own default allows mount: only the unknown name is left.
    let (_, lines, stderr) = findings(&[(
        "deploy.sh",
        "#!/bin/sh\ndocker run --cap-add SYS_ADMIN --security-opt seccomp=../profiles/app.json alpine:3.20\n",
    )]);
    assert_eq!(
        lines,
        [
            "../profiles/app.json:4:44: medium SCP102 unknown-seccomp-syscall unknown syscall `bogus_call`: the engine ignores it"
        ],
        "{stderr}"
    );

    // Rule selection applies: without SCP102 selected nothing is reported for this container.
    let case = tempfile::tempdir_in(dir.path()).expect("case dir");
    std::fs::write(
        case.path().join("deploy.sh"),
        "#!/bin/sh\ndocker run --cap-add SYS_ADMIN --security-opt seccomp=../profiles/app.json alpine:3.20\n",
    )
    .unwrap();
    let (code, stdout, _) = cofferdam(
        &["check", ".", "--format", "concise", "--ignore", "SCP102"],
        case.path(),
    );
    assert!(!stdout.contains("SCP10"), "{stdout}");
    assert_eq!(
        code, 1,
        "the run line still lacks hardening flags: {stdout}"
    );

    // A relative profile that does not exist stops `docker compose up`: an error at the option.
    // A script may run anywhere, so the same reference there is not an error.
    let (code, lines, stderr) = findings(&[(
        "compose.yaml",
        "services:\n  app:\n    image: alpine:3.20\n    security_opt: [\"seccomp:missing.json\"]\n",
    )]);
    assert_eq!(code, 2, "{lines:?}");
    assert_eq!(
        lines,
        [
            "compose.yaml:4:20: error expected a seccomp profile at `missing.json`; it does not exist (`docker compose up` would refuse to create the container)"
        ],
        "{stderr}"
    );
    let (code, lines, stderr) = findings(&[(
        "deploy.sh",
        "#!/bin/sh\ndocker run --security-opt seccomp=missing.json alpine:3.20\n",
    )]);
    assert_eq!(code, 0, "{stderr}");
    assert!(lines.is_empty(), "{lines:?}");
}
