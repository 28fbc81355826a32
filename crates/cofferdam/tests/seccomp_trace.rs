//! CLI tests for `cofferdam seccomp record` and `cofferdam seccomp test` that really trace: a C
//! helper (`fixtures/seccomp_helper.c`, compiled here with `cc`) makes specific syscalls from
//! threads, forked and vforked children and an executed program.
//!
//! Tracing can be forbidden (Yama's `ptrace_scope`, a container without `CAP_SYS_PTRACE`). Then
//! these tests fail under `CI=true`, so that CI cannot pass without them, and elsewhere print
//! `SKIPPED:` with the reason and return.

mod common;

use common::Run;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

fn cofferdam(args: &[&str], stdin: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cofferdam"));
    command
        .args(args)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(120));
    if let Some(input) = stdin {
        command.write_stdin(input);
    }
    let output = command.output().expect("the binary runs");
    Run::of(output)
}

/// The helper, compiled once per test run.
fn helper() -> &'static Path {
    static HELPER: OnceLock<PathBuf> = OnceLock::new();
    HELPER.get_or_init(|| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seccomp_helper.c");
        let binary = Path::new(env!("CARGO_TARGET_TMPDIR")).join("seccomp_helper");
        let status = std::process::Command::new("cc")
            .args(["-O1", "-Wall", "-pthread", "-o"])
            .arg(&binary)
            .arg(&source)
            .status()
            .expect("cc runs (gcc is needed for these tests)");
        assert!(status.success(), "compiling {} failed", source.display());
        std::fs::canonicalize(binary).expect("the helper exists")
    })
}

/// Whether tracing works here; see the module documentation for what happens when it does not.
fn tracing() -> bool {
    static TRACING: OnceLock<Result<(), String>> = OnceLock::new();
    let result = TRACING.get_or_init(|| {
        let run = cofferdam(
            &["seccomp", "record", "-o", "/dev/null", "--", "true"],
            None,
        );
        if run.code == 0 {
            Ok(())
        } else if run.code == 2 && run.stderr.contains("not permitted") {
            Err(run.stderr)
        } else {
            panic!("recording `true` failed: {}", run.stderr)
        }
    });
    match result {
        Ok(()) => true,
        Err(why) if std::env::var("CI").is_ok_and(|value| value == "true") => {
            panic!("ptrace is not available here and CI=true, so this test must not pass: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED: ptrace is not available here: {why}");
            false
        }
    }
}

fn helper_arg() -> &'static str {
    helper().to_str().expect("a UTF-8 path")
}

fn names(profile: &Value) -> Vec<String> {
    profile["syscalls"]
        .as_array()
        .expect("syscalls")
        .iter()
        .flat_map(|rule| rule["names"].as_array().expect("names").iter())
        .map(|name| name.as_str().expect("a name").to_owned())
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("the profile")).expect("JSON")
}

/// Records `helper all DIR` into DIR/profile.json.
fn record_all(dir: &Path) -> (Run, PathBuf) {
    let profile = dir.join("profile.json");
    let run = cofferdam(
        &[
            "seccomp",
            "record",
            "-o",
            profile.to_str().unwrap(),
            "--",
            helper_arg(),
            "all",
            dir.to_str().unwrap(),
        ],
        None,
    );
    (run, profile)
}

/// The architecture a recorded profile lists for the host.
#[cfg(target_arch = "x86_64")]
const NATIVE: &str = "SCMP_ARCH_X86_64";
#[cfg(target_arch = "aarch64")]
const NATIVE: &str = "SCMP_ARCH_AARCH64";

/// The helper reports what worked on its stdout.
const ALL_OK: &str = "helper: forked 0, leaf 0, usr1 1, rt 1, stopped 1, continued 0\n";

#[test]
fn record_follows_threads_forks_vforks_and_execs() {
    if !tracing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (run, profile) = record_all(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The command's output and its signals (a handler, a real-time signal, a stop and a
    // continue seen by its parent) went through untouched.
    assert_eq!(run.stdout, ALL_OK);
    let profile = read_json(&profile);
    assert_eq!(profile["defaultAction"], "SCMP_ACT_ERRNO");
    assert_eq!(profile["defaultErrnoRet"], 1);
    assert_eq!(profile["architectures"], serde_json::json!([NATIVE]));
    let names = names(&profile);
    // Threads (sysinfo, times), the forked child (mkdirat, unlinkat), the vfork (a syscall of
    // its own on x86_64) and the program it executed (umask), and the signals.
    let mut expected = vec![
        "sysinfo",
        "times",
        "mkdirat",
        "unlinkat",
        "execve",
        "umask",
        "rt_sigqueueinfo",
        "wait4",
        "exit_group",
    ];
    if cfg!(target_arch = "x86_64") {
        expected.push("vfork");
    }
    for name in expected {
        assert!(names.iter().any(|n| n == name), "{name} missing: {names:?}");
    }
    let allowed: Vec<&str> = profile["syscalls"][0]["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap())
        .collect();
    assert!(
        allowed.windows(2).all(|pair| pair[0] < pair[1]),
        "one sorted allow rule"
    );
    // clone (fork, threads) without namespace flags: Docker's argument rule, not an outright
    // allow.
    assert!(!allowed.contains(&"clone"), "{allowed:?}");
    let clone = profile["syscalls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["names"] == serde_json::json!(["clone"]))
        .expect("a clone rule");
    assert_eq!(clone["args"][0]["op"], "SCMP_CMP_MASKED_EQ");
    assert!(
        run.stderr
            .contains("processes and threads; profile written to"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_recorded_profile_passes_test_for_the_same_program() {
    if !tracing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (recorded, profile) = record_all(dir.path());
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    for enforce in [false, true] {
        let mut args = vec!["seccomp", "test", "--profile", profile.to_str().unwrap()];
        if enforce {
            args.push("--enforce");
        }
        args.extend(["--", helper_arg(), "all", dir.path().to_str().unwrap()]);
        let run = cofferdam(&args, None);
        assert_eq!(run.code, 0, "enforce {enforce}: {}", run.stderr);
        assert_eq!(run.stdout, ALL_OK);
        if !enforce {
            assert!(
                run.stderr.contains("nothing would be denied"),
                "{}",
                run.stderr
            );
        }
    }
}

/// The profile recorded for `helper all`, without one syscall.
fn profile_without(dir: &Path, missing: &str) -> PathBuf {
    let (recorded, profile) = record_all(dir);
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    let mut json = read_json(&profile);
    let names = json["syscalls"][0]["names"].as_array_mut().unwrap();
    let before = names.len();
    names.retain(|name| name != missing);
    assert_eq!(names.len(), before - 1, "{missing} was recorded");
    let path = dir.join(format!("without-{missing}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    path
}

#[test]
fn a_profile_missing_one_syscall_names_it_and_the_program() {
    if !tracing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let profile = profile_without(dir.path(), "mkdirat");
    let run = cofferdam(
        &[
            "seccomp",
            "test",
            "--profile",
            profile.to_str().unwrap(),
            "--",
            helper_arg(),
            "all",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    let helper = helper().display();
    // Logged when it happens, with its arguments, then summed up: that one syscall only.
    let made = dir.path().join("made");
    assert!(
        run.stderr.contains(&format!(
            "cofferdam: denied mkdirat(AT_FDCWD, \"{}\", 448) in {helper} (pid ",
            made.display()
        )),
        "{}",
        run.stderr
    );
    let summary: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("cofferdam: would be denied"))
        .collect();
    assert_eq!(
        summary,
        [format!(
            "cofferdam: would be denied: mkdirat (1×, {helper})"
        )]
    );
    // The call failed as it would under the profile, and the program went on.
    assert!(run.stdout.starts_with("mkdirat: Operation not permitted\n"));
    assert!(run.stdout.contains("helper: forked 5,"), "{}", run.stdout);
}

#[test]
fn enforce_fails_the_missing_syscall_with_eperm_and_passes_the_status_through() {
    if !tracing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let profile = profile_without(dir.path(), "mkdirat");
    let run = cofferdam(
        &[
            "seccomp",
            "test",
            "--enforce",
            "--profile",
            profile.to_str().unwrap(),
            "--",
            helper_arg(),
            "all",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    // The helper exits with its forked child's status, 5, after mkdirat failed with EPERM.
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(run.stdout.starts_with("mkdirat: Operation not permitted\n"));
    assert!(!run.stderr.contains("would be denied"), "{}", run.stderr);
}

#[test]
fn exit_statuses_pass_through() {
    if !tracing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.json");
    let profile = profile.to_str().unwrap();
    let run = cofferdam(
        &[
            "seccomp",
            "record",
            "-o",
            profile,
            "--",
            helper_arg(),
            "exit",
            "7",
        ],
        None,
    );
    assert_eq!(run.code, 7, "{}", run.stderr);
    let run = cofferdam(&["seccomp", "record", "--", helper_arg(), "kill"], None);
    assert_eq!(run.code, 128 + 15, "{}", run.stderr);
    // Written to stdout without -o.
    assert!(run.stdout.contains("\"SCMP_ACT_ERRNO\""), "{}", run.stdout);
    for enforce in [false, true] {
        let mut args = vec!["seccomp", "test", "--profile", profile];
        if enforce {
            args.push("--enforce");
        }
        args.extend(["--", helper_arg(), "exit", "7"]);
        let run = cofferdam(&args, None);
        assert_eq!(run.code, 7, "enforce {enforce}: {}", run.stderr);
    }
}

#[test]
fn stdin_and_stdout_pass_through() {
    if !tracing() {
        return;
    }
    let run = cofferdam(&["seccomp", "record", "--", "cat"], Some("hello\n"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The command's output first, then the profile.
    assert!(run.stdout.starts_with("hello\n{\n"), "{}", run.stdout);
    let profile: Value = serde_json::from_str(&run.stdout["hello\n".len()..]).unwrap();
    assert!(names(&profile).iter().any(|name| name == "read"));
}

#[test]
fn one_cpu_runs_the_command_on_one_cpu() {
    if !tracing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("nproc.json");
    let run = cofferdam(
        &[
            "seccomp",
            "record",
            "--one-cpu",
            "-o",
            profile.to_str().unwrap(),
            "--",
            "nproc",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "1\n");
    assert!(
        names(&read_json(&profile))
            .iter()
            .any(|name| name == "sched_getaffinity")
    );
}

#[test]
fn merge_builds_one_profile_from_several_runs() {
    if !tracing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("merged.json");
    let path = profile.to_str().unwrap();
    for mode in ["leaf", "socket"] {
        let run = cofferdam(
            &[
                "seccomp",
                "record",
                "--merge",
                "-o",
                path,
                "--",
                helper_arg(),
                mode,
            ],
            None,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("merged into"), "{}", run.stderr);
    }
    let names = names(&read_json(&profile));
    assert!(names.iter().any(|name| name == "umask"), "{names:?}");
    assert!(names.iter().any(|name| name == "socket"), "{names:?}");
    let run = cofferdam(
        &["seccomp", "record", "--merge", "--", helper_arg(), "leaf"],
        None,
    );
    assert_eq!(run.code, 2, "--merge needs --output");
}

/// Argument filters and per-rule errnos, compiled to BPF and run by the kernel: socket is
/// allowed for `AF_UNIX`, fails with EAFNOSUPPORT (97) for `AF_INET`, and with EPERM otherwise.
#[test]
fn argument_filters_and_rule_errnos_are_enforced_by_the_kernel() {
    if !tracing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let recorded = dir.path().join("socket.json");
    let run = cofferdam(
        &[
            "seccomp",
            "record",
            "-o",
            recorded.to_str().unwrap(),
            "--",
            helper_arg(),
            "socket",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "unix: ok, inet: ok\n");
    let mut json = read_json(&recorded);
    // AF_UNIX and AF_INET pass Docker's rules for socket, so the recording carries them; they
    // are replaced here by stricter ones.
    let rules = json["syscalls"].as_array_mut().unwrap();
    let docker_rules = rules
        .iter()
        .filter(|rule| rule["names"] == serde_json::json!(["socket"]))
        .count();
    assert_eq!(docker_rules, 3, "{rules:?}");
    rules.retain(|rule| rule["names"] != serde_json::json!(["socket"]));
    rules.push(serde_json::json!({
        "names": ["socket"], "action": "SCMP_ACT_ALLOW",
        "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]
    }));
    rules.push(serde_json::json!({
        "names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 97,
        "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]
    }));
    let filtered = dir.path().join("filtered.json");
    std::fs::write(&filtered, json.to_string()).unwrap();
    let filtered = filtered.to_str().unwrap();

    let run = cofferdam(
        &[
            "seccomp",
            "test",
            "--enforce",
            "--profile",
            filtered,
            "--",
            helper_arg(),
            "socket",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "unix: ok, inet: Address family not supported by protocol\n"
    );

    let run = cofferdam(
        &[
            "seccomp",
            "test",
            "--profile",
            filtered,
            "--",
            helper_arg(),
            "socket",
        ],
        None,
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "unix: ok, inet: Address family not supported by protocol\n"
    );
    assert!(
        run.stderr.contains(&format!(
            "cofferdam: would be denied: socket (1×, {}) → errno 97",
            helper().display()
        )),
        "{}",
        run.stderr
    );
}

/// `int $0x80` from 64-bit code is an i386 syscall: recorded under `SCMP_ARCH_X86`, and killed
/// (as a foreign architecture) by a profile that does not list it.
#[cfg(target_arch = "x86_64")]
#[test]
fn i386_calls_are_recorded_under_their_architecture() {
    if !tracing() {
        return;
    }
    let native = std::process::Command::new(helper())
        .arg("i386")
        .output()
        .unwrap();
    if !native.status.success() {
        eprintln!("SKIPPED: this kernel does not run i386 syscalls (no IA32 emulation)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let with_i386 = dir.path().join("i386.json");
    let run = cofferdam(
        &[
            "seccomp",
            "record",
            "-o",
            with_i386.to_str().unwrap(),
            "--",
            helper_arg(),
            "i386",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("1 i386"), "{}", run.stderr);
    let mut json = read_json(&with_i386);
    assert_eq!(
        json["architectures"],
        serde_json::json!(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"])
    );
    let run = cofferdam(
        &[
            "seccomp",
            "test",
            "--profile",
            with_i386.to_str().unwrap(),
            "--",
            helper_arg(),
            "i386",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);

    json["architectures"] = serde_json::json!(["SCMP_ARCH_X86_64"]);
    let native_only = dir.path().join("x86_64.json");
    std::fs::write(&native_only, json.to_string()).unwrap();
    let run = cofferdam(
        &[
            "seccomp",
            "test",
            "--profile",
            native_only.to_str().unwrap(),
            "--",
            helper_arg(),
            "i386",
        ],
        None,
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "cofferdam: would be denied: getpid [i386] (1×, {}) → foreign architecture, thread killed",
            helper().display()
        )),
        "{}",
        run.stderr
    );
}

/// When the kernel refuses ptrace (here: cofferdam runs under a filter that fails `ptrace` with
/// EPERM, as a container's profile can), `record` says so and exits with 2. Needs seccomp
/// filters only, not tracing.
#[test]
fn ptrace_refused_is_reported_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("no-ptrace.json");
    std::fs::write(
        &profile,
        r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ERRNO"}]}"#,
    )
    .unwrap();
    let run = cofferdam(
        &[
            "seccomp",
            "test",
            "--enforce",
            "--profile",
            profile.to_str().unwrap(),
            "--",
            env!("CARGO_BIN_EXE_cofferdam"),
            "seccomp",
            "record",
            "--",
            "true",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cofferdam: error: ptrace is not permitted here (Operation not permitted)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_command_that_does_not_exist_is_an_error() {
    let run = cofferdam(
        &["seccomp", "record", "--", "cofferdam-no-such-command"],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("command not found"), "{}", run.stderr);
}

#[test]
fn test_reports_unreadable_and_refused_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_SOMETIMES"}]}"#,
    )
    .unwrap();
    let run = cofferdam(
        &[
            "seccomp",
            "test",
            "--profile",
            bad.to_str().unwrap(),
            "--",
            "true",
        ],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown action `SCMP_ACT_SOMETIMES`"),
        "{}",
        run.stderr
    );
    let run = cofferdam(
        &[
            "seccomp",
            "test",
            "--profile",
            "/nonexistent.json",
            "--",
            "true",
        ],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the profile"),
        "{}",
        run.stderr
    );
}

#[test]
fn help_documents_the_exit_statuses() {
    let run = cofferdam(&["seccomp", "test", "--help"], None);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("3 when something would be"),
        "{}",
        run.stdout
    );
    let run = cofferdam(&["seccomp", "record", "--help"], None);
    assert!(run.stdout.contains("128 + N"), "{}", run.stdout);
}

/// `record` suggests `cap_drop: [ALL]` plus exactly the capabilities the calls needed, each with
/// its evidence, and nothing for the look-alike calls that need none (port 8080, a ping socket,
/// chown to itself).
#[test]
fn record_suggests_the_capabilities_the_calls_needed() {
    if !tracing() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let run = cofferdam(
        &[
            "seccomp",
            "record",
            "-o",
            dir.path().join("profile.json").to_str().unwrap(),
            "--",
            helper_arg(),
            "caps",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Writing a file of uid 4242 needs DAC_OVERRIDE only when the chown to 4242 worked (root).
    let root = std::fs::read_to_string("/proc/self/status")
        .expect("status")
        .lines()
        .any(|line| line.starts_with("Uid:") && line.split_whitespace().nth(2) == Some("0"));
    let expected: &[&str] = if root {
        &[
            "CHOWN",
            "DAC_OVERRIDE",
            "SETGID",
            "SETUID",
            "NET_BIND_SERVICE",
            "NET_RAW",
            "SYS_ADMIN",
            "MKNOD",
        ]
    } else {
        &[
            "CHOWN",
            "SETGID",
            "SETUID",
            "NET_BIND_SERVICE",
            "NET_RAW",
            "SYS_ADMIN",
            "MKNOD",
        ]
    };
    let summary = format!(
        "cofferdam: capabilities: cap_drop: [ALL] and cap_add: [{}] (docker run --cap-drop ALL {})",
        expected.join(", "),
        expected
            .iter()
            .map(|name| format!("--cap-add {name}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert!(
        run.stderr.lines().any(|line| line == summary),
        "expected `{summary}` in:\n{}",
        run.stderr
    );
    let evidence = |capability: &str| -> String {
        let prefix = format!("cofferdam:   {capability} (");
        run.stderr
            .lines()
            .find(|line| line.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no evidence for {capability}:\n{}", run.stderr))
            .to_owned()
    };
    let program = helper_arg();
    assert_eq!(
        evidence("CHOWN"),
        format!("cofferdam:   CHOWN (1 call): fchownat to uid 4242:gid 4242 ({program})")
    );
    assert!(
        evidence("NET_BIND_SERVICE").starts_with(&format!(
            "cofferdam:   NET_BIND_SERVICE (1 call): bind to port 1023 ({program}); not needed on Docker 20.10"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(
        evidence("NET_RAW"),
        format!("cofferdam:   NET_RAW (1 call): opens a raw IP socket ({program})")
    );
    assert_eq!(
        evidence("SETGID"),
        format!(
            "cofferdam:   SETGID (2 calls): setgroups ({program}); setgid to 65534 ({program})"
        )
    );
    assert!(
        evidence("SYS_ADMIN")
            .ends_with("not in Docker's default set: granting it widens the container"),
        "{}",
        run.stderr
    );
    if root {
        let owned = dir.path().join("owned");
        assert_eq!(
            evidence("DAC_OVERRIDE"),
            format!(
                "cofferdam:   DAC_OVERRIDE (1 call): openat `{}` for writing (owner uid 4242, mode 600) ({program})",
                owned.display()
            )
        );
    }

    // A program that needs nothing gets `cap_drop: [ALL]` alone.
    let run = cofferdam(
        &[
            "seccomp",
            "record",
            "-o",
            "/dev/null",
            "--",
            helper_arg(),
            "exit",
            "0",
        ],
        None,
    );
    assert!(
        run.stderr.lines().any(|line| line
            == "cofferdam: capabilities: no recorded call needs one: cap_drop: [ALL] (docker run --cap-drop ALL)"),
        "{}",
        run.stderr
    );
}
