//! `cofferdam self` inside real containers started with different flags, its JSON report
//! checked for each: the verdicts of the practices the flags change, and the facts behind them.
//!
//! The test binary is dynamically linked to glibc, so the test builds a small image of its own
//! (`docker import` of the binary, the libraries `ldd` lists and an empty `/tmp`) under a unique
//! tag, and removes it at the end, even on failure. Containers run with `--network none` and a
//! unique name. Needs a Docker engine: under `CI=true` the test fails without one; elsewhere it
//! prints `SKIPPED:` and returns.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

/// The test image; removed when dropped.
struct Image(String);

impl Drop for Image {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["image", "rm", "-f", &self.0])
            .output();
    }
}

/// A container name; the container is removed when dropped (it also runs with `--rm`).
struct Container(String);

impl Drop for Container {
    fn drop(&mut self) {
        let _ = Command::new("docker").args(["rm", "-f", &self.0]).output();
    }
}

/// The libraries the binary loads, from `ldd`.
fn libraries(binary: &Path) -> Vec<PathBuf> {
    let output = Command::new("ldd").arg(binary).output().expect("ldd runs");
    assert!(output.status.success(), "ldd failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let path = match line.split_once("=>") {
                Some((_, rest)) => rest.split_whitespace().next()?,
                None => line.split_whitespace().next()?,
            };
            path.starts_with('/').then(|| PathBuf::from(path))
        })
        .collect()
}

/// Builds the image: `/cofferdam`, its libraries at their own paths, `/tmp`.
fn build_image(tag: &str) -> Image {
    let binary = Path::new(env!("CARGO_BIN_EXE_cofferdam"));
    let stage = tempfile::tempdir().expect("a temporary directory");
    let root = stage.path();
    std::fs::create_dir(root.join("tmp")).unwrap();
    std::process::Command::new("chmod")
        .args(["1777"])
        .arg(root.join("tmp"))
        .status()
        .unwrap();
    for dir in ["etc", "proc", "sys", "dev"] {
        std::fs::create_dir(root.join(dir)).unwrap();
    }
    if std::fs::hard_link(binary, root.join("cofferdam")).is_err() {
        std::fs::copy(binary, root.join("cofferdam")).unwrap();
    }
    for library in libraries(binary) {
        let target = root.join(library.strip_prefix("/").unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        // The file itself, not a symlink that would point outside the image.
        std::fs::copy(&library, &target).unwrap();
    }
    let image = Image(tag.to_owned());
    let mut tar = Command::new("tar")
        .arg("-C")
        .arg(root)
        .args(["-c", "."])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("tar runs");
    let import = Command::new("docker")
        .args(["import", "-", tag])
        .stdin(tar.stdout.take().expect("tar's output"))
        .output()
        .expect("docker import runs");
    assert!(tar.wait().expect("tar ends").success(), "tar failed");
    assert!(
        import.status.success(),
        "docker import failed: {}",
        String::from_utf8_lossy(&import.stderr)
    );
    image
}

/// Runs `cofferdam self --format json` in a container with `flags`; the exit status and the
/// report.
fn run_self(image: &str, name: &str, flags: &[&str]) -> (i32, Value) {
    let container = Container(name.to_owned());
    let output = Command::new("docker")
        .args(["run", "--rm", "--network", "none", "--name", &container.0])
        .args(flags)
        .args([image, "/cofferdam", "self", "--format", "json"])
        .output()
        .expect("docker runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!(
            "{flags:?}: no JSON report ({error}); stdout: {stdout}; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

fn verdict<'a>(report: &'a Value, category: &str) -> &'a str {
    report["practices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|practice| practice["category"] == category)
        .unwrap_or_else(|| panic!("no practice {category}"))["verdict"]
        .as_str()
        .unwrap()
}

fn reasons(report: &Value, category: &str) -> String {
    report["practices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|practice| practice["category"] == category)
        .unwrap()["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reason| reason.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// One container: its flags, the verdicts it must get (every practice), and further checks.
struct Case {
    flags: &'static [&'static str],
    verdicts: [(&'static str, &'static str); 11],
    check: fn(&Value),
}

/// The verdicts of a default container; each case changes some.
fn verdicts(changes: &[(&'static str, &'static str)]) -> [(&'static str, &'static str); 11] {
    let mut verdicts = [
        ("user", "fail"),
        ("capabilities", "warn"),
        ("seccomp", "pass"),
        // No AppArmor or SELinux on these machines.
        ("mac", "unknown"),
        ("privileged", "warn"),
        ("devices", "pass"),
        ("filesystem", "warn"),
        ("socket", "pass"),
        ("resources", "warn"),
        ("namespaces", "pass"),
        ("network", "pass"),
    ];
    for (category, verdict) in changes {
        let slot = verdicts
            .iter_mut()
            .find(|(known, _)| known == category)
            .expect("a practice");
        slot.1 = verdict;
    }
    verdicts
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            flags: &[],
            verdicts: verdicts(&[]),
            check: |report| {
                assert_eq!(report["container"]["verdict"], "yes");
                assert_eq!(report["container"]["runtime"], "Docker");
                assert_eq!(report["capabilities"]["docker_default"], true);
                assert_eq!(
                    report["capabilities"]["effective"]["mask"],
                    "00000000a80425fb"
                );
                assert_eq!(report["seccomp"]["mode"], "filter");
                assert_eq!(report["no_new_privs"], false);
                assert_eq!(report["root_filesystem"]["probe"], "writable");
                assert_eq!(report["user"]["user_namespace"], false);
                assert!(report["host_mounts"].as_array().unwrap().is_empty());
                assert!(report["devices"]["extra"].as_array().unwrap().is_empty());
                assert_eq!(report["devices"]["all_allowed"], false);
                assert_eq!(report["cgroup"]["layout"], "v1");
                let pid = &report["namespaces"][0];
                assert_eq!(
                    (pid["kind"].as_str(), pid["host"].as_bool()),
                    (Some("pid"), Some(false))
                );
                assert_eq!(pid["certainty"], "certain");
            },
        },
        Case {
            flags: &["--cap-drop", "ALL"],
            verdicts: verdicts(&[("capabilities", "pass")]),
            check: |report| {
                assert_eq!(
                    report["capabilities"]["bounding"]["mask"],
                    "0000000000000000"
                );
                assert_eq!(
                    report["capabilities"]["dropped_from_docker_default"]
                        .as_array()
                        .unwrap()
                        .len(),
                    14
                );
            },
        },
        Case {
            flags: &[
                "--cap-add",
                "SYS_ADMIN",
                "--security-opt",
                "seccomp=unconfined",
            ],
            verdicts: verdicts(&[("capabilities", "fail"), ("seccomp", "fail")]),
            check: |report| {
                assert_eq!(
                    report["capabilities"]["beyond_docker_default"],
                    serde_json::json!(["SYS_ADMIN"])
                );
                assert_eq!(report["capabilities"]["graded"][0]["name"], "SYS_ADMIN");
                assert_eq!(report["capabilities"]["graded"][0]["severity"], "critical");
                assert_eq!(report["seccomp"]["mode"], "disabled");
                // Not --privileged: /sys and /proc/sys stay read-only, paths masked.
                assert!(!reasons(report, "privileged").contains("--privileged"));
            },
        },
        Case {
            flags: &["--read-only"],
            verdicts: verdicts(&[("filesystem", "pass")]),
            check: |report| {
                assert_eq!(report["root_filesystem"]["mount_read_only"], true);
                assert_eq!(report["root_filesystem"]["probe"], "read-only");
            },
        },
        Case {
            flags: &["-v", "/var/run/docker.sock:/var/run/docker.sock"],
            verdicts: verdicts(&[("socket", "fail")]),
            check: |report| {
                let sockets = report["sockets"].as_array().unwrap();
                assert_eq!(sockets.len(), 1, "{sockets:?}");
                assert_eq!(sockets[0]["path"], "/var/run/docker.sock");
                assert_eq!(sockets[0]["runtime"], "Docker");
                assert_eq!(sockets[0]["found_by"], "mount");
                assert_eq!(sockets[0]["is_socket"], true);
                assert_eq!(sockets[0]["connectable"], true);
                assert!(reasons(report, "socket").contains("connectable: root on the host"));
            },
        },
        Case {
            flags: &["-v", "/etc:/host-etc:ro"],
            verdicts: verdicts(&[("filesystem", "fail")]),
            check: |report| {
                let mounts = report["host_mounts"].as_array().unwrap();
                assert_eq!(mounts.len(), 1, "{mounts:?}");
                assert_eq!(mounts[0]["host_path"], "/etc");
                assert_eq!(mounts[0]["mount_point"], "/host-etc");
                assert_eq!(mounts[0]["read_only"], true);
                assert_eq!(mounts[0]["severity"], "high");
            },
        },
        Case {
            flags: &["--pid", "host"],
            verdicts: verdicts(&[("namespaces", "fail")]),
            check: |report| {
                let pid = &report["namespaces"][0];
                assert_eq!(pid["host"], true);
                assert_eq!(pid["certainty"], "certain");
                assert_eq!(pid["id"], "pid:[4026531836]");
                assert!(reasons(report, "namespaces").contains("shares the host's pid namespace"));
            },
        },
        Case {
            flags: &["--user", "1000:1000"],
            verdicts: verdicts(&[("user", "pass")]),
            check: |report| {
                assert_eq!(
                    report["user"]["uids"],
                    serde_json::json!([1000, 1000, 1000, 1000])
                );
                // Nothing effective, but setuid programs could reach Docker's defaults.
                assert_eq!(
                    report["capabilities"]["effective"]["mask"],
                    "0000000000000000"
                );
                assert_eq!(
                    report["capabilities"]["reachable"]["mask"],
                    "00000000a80425fb"
                );
                // / belongs to root; the probe wrote in /tmp, which is on the root filesystem.
                assert_eq!(report["root_filesystem"]["probe"], "writable");
                assert_eq!(
                    report["root_filesystem"]["probe_detail"],
                    "created a file in /tmp"
                );
            },
        },
        Case {
            flags: &["--security-opt", "no-new-privileges"],
            verdicts: verdicts(&[("privileged", "pass")]),
            check: |report| {
                assert_eq!(report["no_new_privs"], true);
                // With no_new_privs nothing beyond the permitted set can be gained.
                assert_eq!(
                    report["capabilities"]["reachable"]["mask"],
                    "00000000a80425fb"
                );
            },
        },
        Case {
            flags: &["--memory", "64m", "--pids-limit", "64"],
            verdicts: verdicts(&[]),
            check: |report| {
                let limits = &report["cgroup"]["limits"];
                assert_eq!(limits["memory"]["known"]["value"]["max"], 64 << 20);
                // Docker gives as much swap again when --memory-swap is not set.
                assert_eq!(
                    limits["memory_and_swap"]["known"]["value"]["max"],
                    128 << 20
                );
                assert_eq!(limits["pids"]["known"]["value"]["max"], 64);
                assert_eq!(
                    reasons(report, "resources"),
                    "limited: memory 64 MiB, memory+swap 128 MiB, pids 64\nno CPU limit (--cpus / cpus)"
                );
            },
        },
        Case {
            flags: &[
                "--cap-drop",
                "ALL",
                "--user",
                "1000:1000",
                "--read-only",
                "--security-opt",
                "no-new-privileges",
                "--memory",
                "64m",
                "--memory-swap",
                "64m",
                "--pids-limit",
                "64",
                "--cpus",
                "0.5",
            ],
            verdicts: verdicts(&[
                ("user", "pass"),
                ("capabilities", "pass"),
                ("privileged", "pass"),
                ("filesystem", "pass"),
                ("resources", "pass"),
            ]),
            check: |report| {
                assert_eq!(report["summary"]["fail"], 0);
                assert_eq!(report["root_filesystem"]["probe"], "read-only");
                assert_eq!(
                    reasons(report, "resources"),
                    "limited: memory 64 MiB, memory+swap 64 MiB, pids 64, cpus 0.5"
                );
            },
        },
    ]
}

#[test]
fn self_reports_what_each_container_was_given() {
    if !common::engine_ready() {
        return;
    }
    let unique = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let image = build_image(&format!("local/cofferdam-self-test:{unique}"));
    let mut failures = Vec::new();
    for (index, case) in cases().iter().enumerate() {
        let name = format!("cofferdam-self-{unique}-{index}");
        let outcome = std::panic::catch_unwind(|| {
            let (code, report) = run_self(&image.0, &name, case.flags);
            let got: Vec<(String, String)> = case
                .verdicts
                .iter()
                .map(|(category, _)| {
                    (
                        (*category).to_owned(),
                        verdict(&report, category).to_owned(),
                    )
                })
                .collect();
            let want: Vec<(String, String)> = case
                .verdicts
                .iter()
                .map(|(category, verdict)| ((*category).to_owned(), (*verdict).to_owned()))
                .collect();
            assert_eq!(got, want, "{:#}", report["practices"]);
            let fails = case.verdicts.iter().any(|(_, verdict)| *verdict == "fail");
            assert_eq!(code, i32::from(fails), "exit status");
            assert_eq!(report["container"]["verdict"], "yes");
            (case.check)(&report);
        });
        if let Err(panic) = outcome {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{:?}: {message}", case.flags));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
