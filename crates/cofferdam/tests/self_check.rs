//! CLI tests for `cofferdam self` on this host (which is not a container) and over the
//! recorded trees of `cofferdam_audit`'s tests. Real containers are in `self_container.rs`.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .arg("self")
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

fn tree(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../cofferdam_audit/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn verdict(report: &Value, category: &str) -> String {
    report["practices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|practice| practice["category"] == category)
        .unwrap_or_else(|| panic!("no practice {category}"))["verdict"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn this_host_is_probably_not_a_container() {
    let (code, stdout, stderr) = run(&["--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
    assert_eq!(report["tool"], "cofferdam");
    assert_eq!(report["container"]["verdict"], "probably-not", "{stdout}");
    let pid = &report["namespaces"][0];
    assert_eq!(
        (pid["kind"].as_str(), pid["host"].as_bool()),
        (Some("pid"), Some(true))
    );
    // The exit status follows the verdicts, and the summary counts them.
    let fails = report["summary"]["fail"].as_u64().unwrap();
    assert_eq!(code, i32::from(fails > 0));
    let total: u64 = ["fail", "warn", "pass", "unknown"]
        .iter()
        .map(|key| report["summary"][key].as_u64().unwrap())
        .sum();
    assert_eq!(total, report["practices"].as_array().unwrap().len() as u64);
    // Probes ran: the write to the root filesystem gave an answer.
    assert_ne!(report["root_filesystem"]["probe"], "not-probed");

    let (code, stdout, _) = run(&[]);
    assert_eq!(code, i32::from(fails > 0));
    assert!(
        stdout.starts_with("cofferdam self: probably not in a container: "),
        "{stdout}"
    );
    assert!(stdout.contains("(the verdicts describe this process as if it were a container's)"));
    assert!(stdout.contains("\ndetails\n"), "{stdout}");

    let (_, stdout, _) = run(&["--format", "json", "--no-probe"]);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["root_filesystem"]["probe"], "not-probed");
    for socket in report["sockets"].as_array().unwrap() {
        assert!(socket["connectable"].is_null(), "{socket}");
    }
}

#[test]
fn a_hardened_tree_passes_and_exits_0() {
    let (code, stdout, _) = run(&["--root", &tree("docker-hardened-v2"), "--format", "json"]);
    assert_eq!(code, 0, "{stdout}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["summary"]["fail"], 0);
    assert_eq!(verdict(&report, "resources"), "pass");
    assert_eq!(verdict(&report, "capabilities"), "pass");
}

#[test]
fn a_privileged_tree_fails_and_exits_1() {
    let (code, stdout, _) = run(&["--root", &tree("docker-privileged-hybrid")]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("cofferdam self: in a container (Docker): /.dockerenv exists"));
    assert!(
        lines.contains(
            &"  FAIL  socket        Docker socket at /var/run/docker.sock (not a socket file)"
        ),
        "{stdout}"
    );
    assert!(
        lines.contains(&"  FAIL  privileged    looks like --privileged: no seccomp, SYS_ADMIN, every device allowed, /proc/sys and /sys writable, no path masked"),
        "{stdout}"
    );
    assert!(
        lines.contains(&"  host mount      / at /host (ext4, rw, critical)"),
        "{stdout}"
    );
    assert_eq!(*lines.last().unwrap(), "9 fail, 1 warn, 0 pass, 1 unknown");
}

#[test]
fn a_root_without_proc_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(&["--root", &dir.path().display().to_string()]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("expected a recorded tree with a proc directory"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["--format", "yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid value 'yaml'"), "{stderr}");
}
