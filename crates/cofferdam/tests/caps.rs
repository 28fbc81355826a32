//! CLI tests for `cofferdam caps`: decoding masks, and this process's privileges from /proc.

use assert_cmd::Command;
use serde_json::Value;

fn caps(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .arg("caps")
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
fn decodes_docker_defaults_like_capsh() {
    let (code, stdout, _) = caps(&["decode", "00000000a80425fb"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "0x00000000a80425fb=cap_chown,cap_dac_override,cap_fowner,cap_fsetid,cap_kill,cap_setgid,cap_setuid,cap_setpcap,cap_net_bind_service,cap_net_raw,cap_sys_chroot,cap_mknod,cap_audit_write,cap_setfcap  (Docker's default set)\n"
    );
    let (code, stdout, _) = caps(&["decode", "0x200000", "--format", "json"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["capabilities"], serde_json::json!(["SYS_ADMIN"]));
    assert_eq!(json["docker_default"], false);
}

#[test]
fn a_bad_mask_is_a_usage_error() {
    let (code, stdout, stderr) = caps(&["decode", "not-hex"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("expected a hexadecimal capability mask"),
        "{stderr}"
    );
}

#[test]
fn reports_this_process_like_capsh_print() {
    let (code, stdout, _) = caps(&[]);
    assert_eq!(code, 0);
    let labels: Vec<&str> = stdout
        .lines()
        .map(|line| line.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        labels,
        [
            "effective",
            "permitted",
            "inheritable",
            "bounding",
            "ambient",
            "no_new_privs",
            "seccomp",
            "ids"
        ]
    );
    // The JSON view agrees with /proc/self/status as the test process sees it (a child
    // inherits its parent's bounding set).
    let (_, stdout, _) = caps(&["--format", "json"]);
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc");
    let bounding = status
        .lines()
        .find_map(|line| line.strip_prefix("CapBnd:"))
        .expect("CapBnd")
        .trim()
        .to_owned();
    assert_eq!(json["bounding"]["mask"], bounding.as_str());
    assert!(json["seccomp"]["mode"].is_string());
}
