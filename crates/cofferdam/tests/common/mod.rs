//! What the CLI tests share: [`Run`], a finished run of the binary; and for the tests that need
//! a real Docker engine, whether it is there, and the rule that under `CI=true` its absence
//! fails the test instead of skipping it.

// Each test crate uses what it needs of this module.
#![allow(dead_code)]

use std::process::Command;

/// A finished run of the binary: its exit status and its output as text.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn of(output: std::process::Output) -> Run {
        Run {
            code: output.status.code().expect("exited normally"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// The registry-free image `.ci/docker-up.sh` builds (busybox, users root, app 1000, nobody).
pub(crate) const IMAGE: &str = "local/busybox:test";

/// Fails the test under `CI=true` (so CI cannot pass without what it needs); elsewhere prints
/// `SKIPPED:` with the reason. Returns `false`, for `return` in the caller.
pub(crate) fn skip_or_fail(why: &str) -> bool {
    assert!(
        std::env::var("CI").map_or(true, |value| value != "true"),
        "{why}, and CI=true: this test must not pass without it"
    );
    eprintln!("SKIPPED: {why}");
    false
}

/// Whether `docker` runs and `args` succeeds; otherwise [`skip_or_fail`] with its stderr.
fn docker_succeeds(args: &[&str], what: &str) -> bool {
    match Command::new("docker").args(args).output() {
        Ok(output) if output.status.success() => true,
        Ok(output) => skip_or_fail(&format!(
            "{what} ({})",
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(error) => skip_or_fail(&format!("docker cannot be run: {error}")),
    }
}

/// Whether the engine answers.
pub(crate) fn engine_ready() -> bool {
    docker_succeeds(
        &["version", "--format", "{{.Server.Version}}"],
        "the Docker engine is not reachable",
    )
}

/// Whether the engine answers and has [`IMAGE`].
pub(crate) fn image_ready() -> bool {
    docker_succeeds(
        &["image", "inspect", IMAGE],
        &format!("the Docker engine or the image {IMAGE} is not available"),
    )
}
