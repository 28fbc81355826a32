//! `inside::examine` over recorded trees (tests/fixtures, README there) and small trees built
//! by the tests, and its probes against real files and sockets.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cofferdam_audit::inside::{
    self, Certainty, Containment, Environment, Report, Verdict, WriteProbe,
};
use cofferdam_diagnostics::{Category, Severity};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn examine(name: &str) -> Report {
    inside::examine(&Environment::recorded(&fixture(name)))
}

/// A writable copy of a fixture, symlinks kept.
fn copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", fixture(name).display()))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn relink(root: &Path, path: &str, target: &str) {
    let path = root.join(path);
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(target, path).unwrap();
}

fn verdicts(report: &Report) -> BTreeMap<&'static str, Verdict> {
    report
        .practices
        .iter()
        .map(|practice| (practice.category.as_str(), practice.verdict))
        .collect()
}

fn reasons(report: &Report, category: Category) -> String {
    report
        .practices
        .iter()
        .find(|practice| practice.category == category)
        .unwrap()
        .reasons
        .join("\n")
}

fn expect(report: &Report, expected: &[(&'static str, Verdict)]) {
    let expected: BTreeMap<&'static str, Verdict> = expected.iter().copied().collect();
    assert_eq!(verdicts(report), expected, "{:#?}", report.practices);
}

use Verdict::{Fail, Pass, Unknown, Warn};

#[test]
fn a_default_docker_container() {
    let report = examine("docker-default-v1");
    expect(
        &report,
        &[
            ("user", Fail),
            ("capabilities", Warn),
            ("seccomp", Pass),
            ("mac", Unknown),
            ("privileged", Warn),
            ("devices", Pass),
            ("filesystem", Warn),
            ("socket", Pass),
            ("resources", Warn),
            ("namespaces", Pass),
            ("network", Pass),
        ],
    );
    assert!(report.fails());
    assert_eq!(report.container.verdict, Containment::Yes);
    assert_eq!(report.container.runtime.as_deref(), Some("Docker"));
    let caps = report.capabilities.as_ref().unwrap();
    assert!(caps.docker_default);
    assert_eq!(caps.reachable.names.len(), 14);
    assert!(caps.beyond_docker_default.is_empty() && caps.graded.is_empty());
    assert!(
        reasons(&report, Category::Capabilities).starts_with("Docker's default 14 capabilities")
    );
    assert_eq!(
        reasons(&report, Category::Resources),
        "no memory limit (--memory / mem_limit)\nno pids limit (--pids-limit / pids_limit)\nno CPU limit (--cpus / cpus)"
    );
    // Docker's own files (/etc/hosts, …) are not host mounts.
    assert!(report.host_mounts.is_empty(), "{:?}", report.host_mounts);
    assert_eq!(report.root_filesystem.probe, WriteProbe::NotProbed);
    assert_eq!(report.root_filesystem.mount_read_only, Some(false));
    let pid = report.namespaces.iter().find(|n| n.kind == "pid").unwrap();
    assert_eq!((pid.host, pid.certainty), (Some(false), Certainty::Certain));
    let net = report.namespaces.iter().find(|n| n.kind == "net").unwrap();
    assert_eq!((net.host, net.certainty), (Some(false), Certainty::Likely));
    let system = report.system_paths.as_ref().unwrap();
    assert!(system.proc_sys_read_only && system.sys_read_only);
    assert!(system.masked.contains(&"/proc/keys".to_owned()));
}

#[test]
fn a_hardened_container_on_v1_and_on_v2() {
    for name in ["docker-hardened-v1", "docker-hardened-v2"] {
        let report = examine(name);
        expect(
            &report,
            &[
                ("user", Pass),
                ("capabilities", Pass),
                ("seccomp", Pass),
                ("mac", Unknown),
                ("privileged", Pass),
                ("devices", Pass),
                ("filesystem", Pass),
                ("socket", Pass),
                ("resources", Pass),
                ("namespaces", Pass),
                ("network", Pass),
            ],
        );
        assert!(!report.fails());
        assert_eq!(
            report
                .capabilities
                .as_ref()
                .unwrap()
                .dropped_from_docker_default
                .len(),
            14
        );
        assert!(reasons(&report, Category::Resources).starts_with("limited: memory 64 MiB"));
    }
    // On cgroup v1 the host's cgroup namespace is Docker's default: said, not held against it.
    assert_eq!(
        reasons(&examine("docker-hardened-v1"), Category::Namespaces),
        "own namespaces: pid, ipc, uts\nshares the host's cgroup namespace: cgroup:[4026531835] is the host's initial cgroup namespace (Docker's default on cgroup v1)"
    );
    let v2 = examine("docker-hardened-v2");
    // The named volume at /data is not a host path.
    assert!(v2.host_mounts.is_empty(), "{:?}", v2.host_mounts);
    assert_eq!(
        reasons(&v2, Category::Namespaces),
        "own namespaces: pid, ipc, uts, cgroup"
    );
}

#[test]
fn a_privileged_looking_container() {
    let report = examine("docker-privileged-hybrid");
    expect(
        &report,
        &[
            ("user", Fail),
            ("capabilities", Fail),
            ("seccomp", Fail),
            ("mac", Unknown),
            ("privileged", Fail),
            ("devices", Fail),
            ("filesystem", Fail),
            ("socket", Fail),
            ("resources", Warn),
            ("namespaces", Fail),
            ("network", Fail),
        ],
    );
    assert!(
        reasons(&report, Category::Privileged)
            .starts_with("looks like --privileged: no seccomp, SYS_ADMIN, every device allowed")
    );
    let mounts: Vec<(&str, &str, bool, Option<Severity>)> = report
        .host_mounts
        .iter()
        .map(|m| {
            (
                m.host_path.as_str(),
                m.mount_point.as_str(),
                m.read_only,
                m.severity,
            )
        })
        .collect();
    assert_eq!(
        mounts,
        [
            ("/", "/host", false, Some(Severity::Critical)),
            ("/etc", "/host-etc", true, Some(Severity::High)),
        ]
    );
    assert_eq!(report.sockets.len(), 1);
    let socket = &report.sockets[0];
    assert_eq!(
        (
            socket.path.as_str(),
            socket.runtime,
            socket.found_by,
            socket.mounted_from.as_deref()
        ),
        (
            "/var/run/docker.sock",
            "Docker",
            "mount",
            Some("/docker.sock")
        )
    );
    assert_eq!(socket.connectable, None);
    for kind in ["pid", "net"] {
        let fact = report.namespaces.iter().find(|n| n.kind == kind).unwrap();
        assert_eq!(
            (fact.host, fact.certainty),
            (Some(true), Certainty::Certain),
            "{kind}"
        );
    }
    assert_eq!(report.devices.all_allowed, Some(true));
    let graded: Vec<&str> = report
        .capabilities
        .as_ref()
        .unwrap()
        .graded
        .iter()
        .take(3)
        .map(|grade| grade.name.as_str())
        .collect();
    assert_eq!(graded, ["SYS_MODULE", "SYS_RAWIO", "SYS_ADMIN"]);
}

#[test]
fn root_remapped_by_a_user_namespace_is_a_warning() {
    let dir = copy("docker-default-v1");
    write(
        dir.path(),
        "proc/self/uid_map",
        "         0     100000      65536\n",
    );
    write(
        dir.path(),
        "proc/self/gid_map",
        "         0     100000      65536\n",
    );
    relink(dir.path(), "proc/self/ns/user", "user:[4026532500]");
    let report = inside::examine(&Environment::recorded(dir.path()));
    assert_eq!(report.user.user_namespace, Some(true));
    assert_eq!(report.user.host_uid, Some(100_000));
    assert_eq!(report.verdict(Category::User), Some(Warn));
    assert_eq!(
        reasons(&report, Category::User),
        "runs as root, which a user namespace maps to uid 100000 outside"
    );
    assert!(reasons(&report, Category::Namespaces).contains("in a user namespace of its own"));
}

#[test]
fn security_labels() {
    let dir = copy("docker-default-v1");
    let cases = [
        ("docker-default (enforce)\n", Some("apparmor"), Pass),
        ("unconfined\n", Some("apparmor"), Fail),
        ("docker-default (complain)\n", Some("apparmor"), Fail),
        (
            "system_u:system_r:container_t:s0:c12,c345\0",
            Some("selinux"),
            Pass,
        ),
        ("system_u:system_r:spc_t:s0\0", Some("selinux"), Fail),
        ("???\n", None, Unknown),
    ];
    for (label, lsm, verdict) in cases {
        write(dir.path(), "proc/self/attr/current", label);
        let report = inside::examine(&Environment::recorded(dir.path()));
        assert_eq!(report.mac.lsm, lsm, "{label}");
        assert_eq!(report.verdict(Category::Mac), Some(verdict), "{label}");
    }
    // The AppArmor-specific file wins over the shared one (stacked LSMs).
    write(
        dir.path(),
        "proc/self/attr/apparmor/current",
        "docker-default (enforce)\n",
    );
    let report = inside::examine(&Environment::recorded(dir.path()));
    assert_eq!(
        report.mac.label.as_deref(),
        Some("docker-default (enforce)")
    );
}

#[test]
fn a_host_with_a_leftover_marker_is_probably_not_a_container() {
    let dir = copy("docker-default-v1");
    // This machine's shape: /.dockerenv left from the image, the host's pid namespace, an ext4
    // root and no runtime cgroup path.
    write(
        dir.path(),
        "proc/self/mountinfo",
        "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n22 27 0:21 / /proc rw - proc proc rw\n",
    );
    write(
        dir.path(),
        "proc/self/cgroup",
        "4:memory:/process_api/x\n0::/\n",
    );
    relink(dir.path(), "proc/self/ns/pid", "pid:[4026531836]");
    let report = inside::examine(&Environment::recorded(dir.path()));
    assert_eq!(report.container.verdict, Containment::ProbablyNot);
    assert_eq!(report.container.runtime, None);
    assert_eq!(
        report.container.evidence,
        [
            "/.dockerenv exists",
            "the host's pid namespace",
            "/ is the whole ext4 filesystem /dev/vda",
            "so the marker is likely a leftover of the image this system was built from"
        ]
    );
    // The same without the marker, inside a Docker cgroup: probably a container.
    std::fs::remove_file(dir.path().join(".dockerenv")).unwrap();
    write(
        dir.path(),
        "proc/self/cgroup",
        "4:memory:/docker/abc\n0::/docker/abc\n",
    );
    let report = inside::examine(&Environment::recorded(dir.path()));
    assert_eq!(report.container.verdict, Containment::Probably);
    assert_eq!(report.container.runtime.as_deref(), Some("Docker"));
}

#[test]
fn the_host_network_is_recognised_by_its_interfaces_on_older_kernels() {
    let dir = copy("docker-default-v1");
    // An older kernel: the host's net namespace has an allocated inode, so only the
    // interfaces tell.
    relink(dir.path(), "proc/self/ns/net", "net:[4026531840]");
    write(
        dir.path(),
        "proc/net/dev",
        "Inter-|   Receive\n face |bytes\n    lo: 0 0\n  eth0: 1 1\ndocker0: 2 2\nveth9a8b7c: 3 3\n",
    );
    let report = inside::examine(&Environment::recorded(dir.path()));
    let net = report.namespaces.iter().find(|n| n.kind == "net").unwrap();
    assert_eq!((net.host, net.certainty), (Some(true), Certainty::Likely));
    assert_eq!(net.evidence, "host interfaces visible: docker0, veth9a8b7c");
    assert_eq!(report.verdict(Category::Network), Some(Fail));
}

#[test]
fn what_cannot_be_read_is_undetermined_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("proc")).unwrap();
    let report = inside::examine(&Environment::recorded(dir.path()));
    assert!(report.capabilities.is_none() && report.no_new_privs.is_none());
    for category in [
        Category::User,
        Category::Capabilities,
        Category::Seccomp,
        Category::Devices,
    ] {
        assert_eq!(report.verdict(category), Some(Unknown), "{category:?}");
    }
    assert!(!report.fails());
    let undetermined = report.undetermined.join("\n");
    assert!(undetermined.contains("self/status"), "{undetermined}");
    assert!(undetermined.contains("self/mountinfo"), "{undetermined}");
    assert!(undetermined.contains("cannot read /dev"), "{undetermined}");
}

#[test]
fn json_field_names_are_stable() {
    let report = examine("docker-hardened-v2");
    let value = serde_json::to_value(&report).unwrap();
    let keys = |value: &serde_json::Value| -> Vec<String> {
        value.as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(
        keys(&value),
        [
            "capabilities",
            "cgroup",
            "container",
            "devices",
            "host_mounts",
            "mac",
            "namespaces",
            "no_new_privs",
            "practices",
            "root_filesystem",
            "seccomp",
            "sockets",
            "system_paths",
            "undetermined",
            "user"
        ]
    );
    assert_eq!(value["practices"][0]["category"], "user");
    assert_eq!(value["practices"][0]["verdict"], "pass");
    assert_eq!(value["container"]["verdict"], "yes");
    let limits = &value["cgroup"]["limits"];
    assert_eq!(limits["memory"]["known"]["value"]["max"], 67_108_864);
    assert_eq!(
        limits["memory"]["known"]["file"],
        "/sys/fs/cgroup/memory.max"
    );
    assert_eq!(
        limits["cpu_quota"]["known"]["value"]["quota"]["quota_us"],
        50_000
    );
    assert_eq!(
        value["capabilities"]["reachable"]["mask"],
        "0000000000000000"
    );
    assert_eq!(value["root_filesystem"]["probe"], "not-probed");
    assert_eq!(value["namespaces"][0]["certainty"], "certain");
    let default = serde_json::to_value(examine("docker-default-v1")).unwrap();
    assert_eq!(
        default["cgroup"]["limits"]["pids"]["known"]["value"],
        "unlimited"
    );
    assert_eq!(
        default["cgroup"]["limits"]["cpu_quota"]["known"]["value"],
        "unlimited"
    );
    let hybrid = serde_json::to_value(examine("docker-privileged-hybrid")).unwrap();
    assert!(
        hybrid["cgroup"]["limits"]["memory_and_swap"]["unknown"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("swap accounting is off")
    );
    assert_eq!(hybrid["host_mounts"][0]["severity"], "critical");
}

#[test]
fn the_write_probe_leaves_nothing_behind() {
    let dir = copy("docker-hardened-v2");
    let mut env = Environment::recorded(dir.path());
    env.probe = true;
    let before = listing(dir.path());
    let report = inside::examine(&env);
    assert_eq!(report.root_filesystem.probe, WriteProbe::Writable);
    assert_eq!(
        report.root_filesystem.probe_detail.as_deref(),
        Some("created a file in /")
    );
    assert_eq!(listing(dir.path()), before);
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn runtime_sockets_at_their_usual_paths_are_connected_to() {
    let dir = copy("docker-hardened-v2");
    std::fs::create_dir_all(dir.path().join("run/user/1000")).unwrap();
    std::fs::create_dir_all(dir.path().join("run/containerd")).unwrap();
    let _docker =
        std::os::unix::net::UnixListener::bind(dir.path().join("run/user/1000/docker.sock"))
            .unwrap();
    // A socket file nobody listens on any more.
    drop(
        std::os::unix::net::UnixListener::bind(dir.path().join("run/containerd/containerd.sock"))
            .unwrap(),
    );
    let mut env = Environment::recorded(dir.path());
    env.probe = true;
    let report = inside::examine(&env);
    let found: Vec<(&str, &str, bool, Option<bool>)> = report
        .sockets
        .iter()
        .map(|s| (s.path.as_str(), s.runtime, s.is_socket, s.connectable))
        .collect();
    assert_eq!(
        found,
        [
            ("/run/user/1000/docker.sock", "Docker", true, Some(true)),
            (
                "/run/containerd/containerd.sock",
                "containerd",
                true,
                Some(false)
            ),
        ]
    );
    assert_eq!(report.verdict(Category::Socket), Some(Fail));
    let text = reasons(&report, Category::Socket);
    assert!(
        text.contains(
            "Docker socket at /run/user/1000/docker.sock (connectable: root on the host)"
        ),
        "{text}"
    );
    assert!(text.contains("containerd socket at /run/containerd/containerd.sock (not connectable now (Connection refused"), "{text}");
}

#[test]
fn block_devices_in_the_live_dev_are_found_and_graded() {
    let report = inside::examine(&Environment {
        probe: false,
        ..Environment::live()
    });
    assert!(report.devices.listed);
    let mut expected = Vec::new();
    for entry in std::fs::read_dir("/dev").unwrap() {
        let entry = entry.unwrap();
        if std::os::unix::fs::FileTypeExt::is_block_device(&entry.file_type().unwrap()) {
            expected.push(format!("/dev/{}", entry.file_name().to_string_lossy()));
        }
    }
    for path in &expected {
        let device = report
            .devices
            .extra
            .iter()
            .find(|device| &device.path == path)
            .unwrap_or_else(|| panic!("{path} not reported"));
        assert_eq!(device.kind, "block");
        assert!(device.severity >= Some(Severity::High), "{path}");
    }
    assert!(
        !report
            .devices
            .extra
            .iter()
            .any(|device| device.path == "/dev/null")
    );
}
