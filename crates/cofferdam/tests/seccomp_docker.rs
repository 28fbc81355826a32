//! The record → test → run loop against a real Docker engine: a profile recorded on the host for
//! busybox starts the same busybox in a container, a profile missing one syscall fails exactly
//! that call in the container, and `seccomp test` names it beforehand.
//!
//! The engine and `/bin/busybox` (Debian's busybox-static, the binary `.ci/docker-up.sh` puts in
//! the `local/busybox:test` image) are required: under `CI=true` these tests fail without them;
//! elsewhere they print `SKIPPED:` and return.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

mod common;
use common::IMAGE;

const BUSYBOX: &str = "/bin/busybox";
/// What the container runs: a line of output, a directory made, a directory listed.
const SCRIPT: &str = "echo hello; mkdir /tmp/made && ls -d /tmp/made && ls / >/dev/null";

/// Whether the engine, the image and busybox on the host are all here.
fn ready() -> bool {
    if !common::image_ready() {
        return false;
    }
    if !Path::new(BUSYBOX).exists() {
        return common::skip_or_fail(&format!("{BUSYBOX} (busybox-static) is not installed"));
    }
    true
}

fn cofferdam(args: &[&str]) -> (i32, String, String) {
    let output = assert_cmd::Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .expect("cofferdam runs");
    (
        output.status.code().expect("exit code"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs the script in a throwaway container with `flags`; returns status and both outputs.
fn docker_run(flags: &[&str]) -> (i32, String) {
    let output = Command::new("docker")
        .args(["run", "--rm", "--network", "none"])
        .args(flags)
        .args([IMAGE, "sh", "-c", SCRIPT])
        .output()
        .expect("docker runs");
    (
        output.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

/// Records the script run by the host's busybox into `dir/name`.
fn record(dir: &Path, name: &str, extra: &[&str]) -> String {
    let profile = dir.join(name).display().to_string();
    // The script's directory must not exist yet, as in the fresh container.
    let _ = std::fs::remove_dir("/tmp/made");
    let mut args = vec!["seccomp", "record", "-o", &profile];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--", BUSYBOX, "sh", "-c", SCRIPT]);
    let (code, stdout, stderr) = cofferdam(&args);
    let _ = std::fs::remove_dir("/tmp/made");
    assert_eq!(code, 0, "record failed: {stdout}{stderr}");
    profile
}

/// The profile without one syscall name.
fn without(profile: &str, missing: &str, dir: &Path) -> String {
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(profile).expect("profile")).expect("JSON");
    let mut removed = false;
    for rule in json["syscalls"].as_array_mut().expect("syscalls") {
        let names = rule["names"].as_array_mut().expect("names");
        let before = names.len();
        names.retain(|name| name != missing);
        removed |= names.len() != before;
    }
    assert!(removed, "{missing} was not in the recorded profile");
    let path = dir.join(format!("without-{missing}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    path.display().to_string()
}

#[test]
fn a_profile_recorded_on_the_host_runs_the_container_and_a_missing_syscall_is_named() {
    if !ready() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = record(dir.path(), "busybox.json", &[]);

    // The recorded profile (with runc's own syscalls) starts the container, with and without
    // no-new-privileges, and as a non-root user with every capability dropped.
    let seccomp = format!("seccomp={profile}");
    for flags in [
        vec!["--security-opt", seccomp.as_str()],
        vec![
            "--security-opt",
            "no-new-privileges",
            "--security-opt",
            seccomp.as_str(),
        ],
        vec![
            "--security-opt",
            seccomp.as_str(),
            "--user",
            "1000:1000",
            "--cap-drop",
            "ALL",
            "-w",
            "/tmp",
        ],
    ] {
        let (code, output) = docker_run(&flags);
        assert_eq!(code, 0, "{flags:?}: {output}");
        assert_eq!(output, "hello\n/tmp/made\n", "{flags:?}");
    }

    // Without mkdir the container starts, and exactly that call fails with EPERM.
    let tight = without(&profile, "mkdir", dir.path());
    let seccomp = format!("seccomp={tight}");
    let (code, output) = docker_run(&["--security-opt", &seccomp]);
    assert_eq!(code, 1, "{output}");
    assert_eq!(
        output,
        "hello\nmkdir: can't create directory '/tmp/made': Operation not permitted\n"
    );

    // `seccomp test` says so on the host before anything is deployed.
    let _ = std::fs::remove_dir("/tmp/made");
    let (code, _, stderr) = cofferdam(&[
        "seccomp",
        "test",
        "--profile",
        &tight,
        "--",
        BUSYBOX,
        "sh",
        "-c",
        SCRIPT,
    ]);
    let _ = std::fs::remove_dir("/tmp/made");
    assert_eq!(code, 3, "{stderr}");
    // The program is named by its real path (/bin is a link to /usr/bin on merged-/usr hosts).
    let program = std::fs::canonicalize(BUSYBOX).expect("busybox");
    let summary = format!(
        "cofferdam: would be denied: mkdir (1×, {})",
        program.display()
    );
    assert!(stderr.lines().any(|line| line == summary), "{stderr}");
}
