//! The /proc and cgroup readers over recorded trees (see fixtures/README.md): containers on
//! cgroup v1 (recorded on this machine), v2 and hybrid hosts, and the host's view of a
//! container, plus real v1 cgroups created for the test when running as root.

use std::path::{Path, PathBuf};

use cofferdam_audit::cgroup::{Cgroups, CpuQuota, CpuWeight, Layout, Limit, Reading, Version};
use cofferdam_audit::proc::{Pid, ProcFs};
use cofferdam_seccomp::caps::CapSet;

const ID: &str = "3f1c0e5a9b7d4c2e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The cgroups of `pid` as read from a fixture whose `/proc` holds the process and whose own
/// `self` holds the mount table (the same process, or the host reading a container).
fn cgroups(name: &str, pid: Pid) -> Cgroups {
    let root = fixture(name);
    let proc = ProcFs::new(root.join("proc"));
    let mounts = proc.process(Pid::Current).mountinfo().unwrap();
    let memberships = proc.process(pid).cgroups().unwrap();
    Cgroups::locate(&root, &mounts, &memberships)
}

fn known<T: Copy + std::fmt::Debug>(reading: &Reading<T>) -> (T, Option<String>) {
    match reading {
        Reading::Known { value, file } => (*value, file.clone()),
        Reading::Unknown { reason } => panic!("expected a value, got unknown: {reason}"),
    }
}

#[test]
fn default_container_on_v1_is_unlimited() {
    let cgroups = cgroups("docker-default-v1", Pid::Current);
    assert_eq!(cgroups.layout, Some(Layout::V1));
    let memory = cgroups.hierarchy_of("memory").unwrap();
    assert_eq!(memory.version, Version::V1);
    // The container shares the host's cgroup namespace: its cgroup is the root of the mount.
    assert_eq!(memory.dir, "/sys/fs/cgroup/memory");
    let limits = cgroups.limits();
    assert_eq!(
        known(&limits.memory),
        (
            Limit::Unlimited,
            Some("/sys/fs/cgroup/memory/memory.stat".to_owned())
        )
    );
    assert_eq!(known(&limits.memory_and_swap).0, Limit::Unlimited);
    assert_eq!(known(&limits.cpu_quota).0, CpuQuota::Unlimited);
    assert_eq!(known(&limits.cpu_weight).0, CpuWeight::Shares(1024));
    assert_eq!(
        known(&limits.pids),
        (
            Limit::Unlimited,
            Some("/sys/fs/cgroup/pids/pids.max".to_owned())
        )
    );
}

#[test]
fn limited_container_on_v1() {
    // docker run --memory 64m --memory-swap 96m --cpus 0.5 --cpu-shares 512 --pids-limit 64
    let limits = cgroups("docker-hardened-v1", Pid::Current).limits();
    assert_eq!(known(&limits.memory).0, Limit::Max(64 << 20));
    assert_eq!(known(&limits.memory_and_swap).0, Limit::Max(96 << 20));
    let (quota, file) = known(&limits.cpu_quota);
    assert_eq!(
        quota,
        CpuQuota::Quota {
            quota_us: 50_000,
            period_us: 100_000
        }
    );
    assert_eq!(quota.cpus(), Some(0.5));
    assert_eq!(file.as_deref(), Some("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"));
    assert_eq!(known(&limits.cpu_weight).0, CpuWeight::Shares(512));
    assert_eq!(known(&limits.pids).0, Limit::Max(64));
}

#[test]
fn private_cgroup_namespace_on_v2() {
    let cgroups = cgroups("docker-hardened-v2", Pid::Current);
    assert_eq!(cgroups.layout, Some(Layout::V2));
    let hierarchy = cgroups.hierarchy_of("memory").unwrap();
    assert_eq!(hierarchy.version, Version::V2);
    assert_eq!(hierarchy.dir, "/sys/fs/cgroup");
    assert!(hierarchy.controllers.iter().any(|c| c == "pids"));
    let limits = cgroups.limits();
    assert_eq!(
        known(&limits.memory),
        (
            Limit::Max(64 << 20),
            Some("/sys/fs/cgroup/memory.max".to_owned())
        )
    );
    // memory.swap.max 0: memory plus swap is the memory limit.
    assert_eq!(known(&limits.memory_and_swap).0, Limit::Max(64 << 20));
    assert_eq!(
        known(&limits.cpu_quota).0.cpus(),
        Some(0.5),
        "cpu.max 50000 100000"
    );
    assert_eq!(known(&limits.cpu_weight).0, CpuWeight::Weight(20));
    assert_eq!(known(&limits.pids).0, Limit::Max(64));
}

#[test]
fn hybrid_layout_without_swap_accounting() {
    let cgroups = cgroups("docker-privileged-hybrid", Pid::Current);
    assert_eq!(cgroups.layout, Some(Layout::Hybrid));
    // The cpu controller shares a hierarchy with cpuacct, mounted at `cpu,cpuacct`.
    assert_eq!(
        cgroups.hierarchy_of("cpu").unwrap().dir,
        "/sys/fs/cgroup/cpu,cpuacct"
    );
    assert_eq!(
        cgroups.hierarchy_of("memory").unwrap().version,
        Version::V1,
        "a controller in a v1 hierarchy is read there, not from the unified one"
    );
    let limits = cgroups.limits();
    assert_eq!(known(&limits.memory).0, Limit::Unlimited);
    match &limits.memory_and_swap {
        Reading::Unknown { reason } => {
            assert!(reason.contains("swap accounting is off"), "{reason}");
        }
        other @ Reading::Known { .. } => panic!("expected unknown, got {other:?}"),
    }
    assert_eq!(known(&limits.pids).0, Limit::Unlimited);
    assert_eq!(known(&limits.cpu_quota).0, CpuQuota::Unlimited);
}

#[test]
fn the_host_sees_a_tighter_limit_on_the_parent_cgroup() {
    let cgroups = cgroups("host-v1-container", Pid::Id(4242));
    assert_eq!(cgroups.layout, Some(Layout::Hybrid));
    assert_eq!(
        cgroups.hierarchy_of("pids").unwrap().dir,
        format!("/sys/fs/cgroup/pids/docker/{ID}")
    );
    let limits = cgroups.limits();
    // The container's own pids.max is 64, but /docker allows 32 for all its children.
    assert_eq!(
        known(&limits.pids),
        (
            Limit::Max(32),
            Some("/sys/fs/cgroup/pids/docker/pids.max".to_owned())
        )
    );
    assert_eq!(known(&limits.memory).0, Limit::Max(64 << 20));
    assert_eq!(known(&limits.memory_and_swap).0, Limit::Max(128 << 20));
    assert_eq!(known(&limits.cpu_quota).0.cpus(), Some(1.5));
    assert_eq!(known(&limits.cpu_weight).0, CpuWeight::Shares(2048));
}

#[test]
fn a_controller_only_on_the_unified_hierarchy_is_read_there() {
    // A hybrid host where pids is enabled on the unified hierarchy and memory is in v1.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "proc/self/mountinfo",
        "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n\
         2 1 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n\
         3 1 0:31 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n",
    );
    write(
        "proc/self/cgroup",
        "4:memory:/user.slice\n0::/user.slice/session-1.scope\n",
    );
    write(
        "sys/fs/cgroup/memory/user.slice/memory.limit_in_bytes",
        "9223372036854771712\n",
    );
    write(
        "sys/fs/cgroup/unified/user.slice/session-1.scope/cgroup.controllers",
        "pids memory\n",
    );
    write(
        "sys/fs/cgroup/unified/user.slice/session-1.scope/pids.max",
        "max\n",
    );
    write("sys/fs/cgroup/unified/user.slice/pids.max", "4915\n");
    let proc = ProcFs::new(root.join("proc"));
    let process = proc.process(Pid::Current);
    let cgroups = Cgroups::locate(
        root,
        &process.mountinfo().unwrap(),
        &process.cgroups().unwrap(),
    );
    assert_eq!(cgroups.layout, Some(Layout::Hybrid));
    assert_eq!(cgroups.hierarchy_of("pids").unwrap().version, Version::V2);
    let limits = cgroups.limits();
    assert_eq!(
        known(&limits.pids),
        (
            Limit::Max(4915),
            Some("/sys/fs/cgroup/unified/user.slice/pids.max".to_owned())
        )
    );
    // No memory.stat here: the v1 chain is read instead.
    assert_eq!(known(&limits.memory).0, Limit::Unlimited);
    // cpu is in neither hierarchy's files: the unified one does not enable it.
    assert_eq!(known(&limits.cpu_quota).0, CpuQuota::Unlimited);
    assert!(matches!(limits.cpu_weight, Reading::Unknown { .. }));
}

#[test]
fn cgroups_outside_the_mounted_part_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mounts = cofferdam_audit::proc::parse_mountinfo(
        "2 1 0:30 /docker/a /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n",
    )
    .unwrap();
    let memberships = cofferdam_audit::proc::parse_cgroups("4:memory:/docker/b\n").unwrap();
    let cgroups = Cgroups::locate(dir.path(), &mounts, &memberships);
    assert_eq!(cgroups.not_visible, ["memory:/docker/b"]);
    match cgroups.limits().memory {
        Reading::Unknown { reason } => assert!(reason.contains("outside"), "{reason}"),
        other @ Reading::Known { .. } => panic!("{other:?}"),
    }
    let none = Cgroups::locate(dir.path(), &[], &memberships);
    assert_eq!(none.layout, None);
    assert!(
        matches!(none.limits().pids, Reading::Unknown { reason } if reason.contains("no cgroup filesystem"))
    );
}

#[test]
fn process_files_of_a_recorded_container() {
    let proc = ProcFs::new(fixture("docker-default-v1").join("proc"));
    let process = proc.process(Pid::Current);
    let privileges = process.privileges().unwrap();
    assert_eq!(privileges.effective, CapSet::docker_defaults());
    assert_eq!(privileges.seccomp_mode_name(), "filter");
    assert!(process.uid_map().unwrap().is_identity());
    let mounts = process.mountinfo().unwrap();
    let root = cofferdam_audit::proc::mount_of(&mounts, "/etc").unwrap();
    assert_eq!(
        (root.mount_point.as_str(), root.fs_type.as_str()),
        ("/", "overlay")
    );
    let hosts = cofferdam_audit::proc::mount_of(&mounts, "/etc/hosts").unwrap();
    assert!(hosts.root.starts_with("/var/lib/docker/containers/"));
    let namespaces = process.namespaces().unwrap();
    assert_eq!(namespaces.get("pid").unwrap().is_initial(), Some(false));
    assert_eq!(namespaces.get("cgroup").unwrap().is_initial(), Some(true));
    assert_eq!(namespaces.get("user").unwrap().is_initial(), Some(true));
    assert!(namespaces.unreadable.is_empty());
    // pid 1 is the entrypoint the recording ran as.
    assert_eq!(proc.process(Pid::Id(1)).comm().unwrap(), "record.sh");

    // Two processes: the default container and the privileged one share only the host's
    // namespaces both kept (user, cgroup, time).
    let other = ProcFs::new(fixture("docker-privileged-hybrid").join("proc"))
        .process(Pid::Current)
        .namespaces()
        .unwrap();
    assert_eq!(
        namespaces.shared_with(&other),
        ["cgroup", "time", "time_for_children", "user"]
    );
    assert!(namespaces.differing_from(&other).contains(&"pid"));
}

#[test]
fn errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let proc = ProcFs::new(dir.path());
    let error = proc.process(Pid::Id(7)).mountinfo().unwrap_err();
    assert!(error.is_not_found());
    assert!(error.to_string().contains("7/mountinfo"), "{error}");
    std::fs::create_dir(dir.path().join("7")).unwrap();
    std::fs::write(dir.path().join("7/uid_map"), "0 0 4294967295\nbroken\n").unwrap();
    let error = proc.process(Pid::Id(7)).uid_map().unwrap_err();
    assert!(
        error.to_string().ends_with(
            "7/uid_map:2: expected `<inside> <outside> <count>` (three numbers), found `broken`"
        ),
        "{error}"
    );
    assert_eq!(error.path(), dir.path().join("7/uid_map"));
    std::fs::write(dir.path().join("7/status"), "CapEff:\tnothex\n").unwrap();
    let error = proc.process(Pid::Id(7)).privileges().unwrap_err();
    assert!(error.to_string().contains("7/status:1:"), "{error}");
    std::fs::write(dir.path().join("12"), "").unwrap();
    std::fs::create_dir(dir.path().join("3")).unwrap();
    assert_eq!(proc.pids().unwrap(), [3, 7, 12]);
}

#[test]
fn the_live_proc_of_this_process() {
    let proc = ProcFs::host();
    let process = proc.process(Pid::Current);
    let privileges = process.privileges().unwrap();
    let own_uid = nix::unistd::getuid().as_raw();
    assert_eq!(privileges.uids[0], own_uid);
    let mounts = process.mountinfo().unwrap();
    assert!(
        mounts
            .iter()
            .any(|mount| mount.mount_point == "/proc" && mount.fs_type == "proc")
    );
    assert!(!process.cgroups().unwrap().is_empty());
    let namespaces = process.namespaces().unwrap();
    assert_eq!(
        namespaces.get("pid"),
        proc.process(Pid::Id(std::process::id()))
            .namespaces()
            .unwrap()
            .get("pid")
    );
    assert!(proc.pids().unwrap().contains(&std::process::id()));
}

/// A real v1 cgroup with limits, created and removed by the test (root on a v1 host only).
#[test]
fn a_real_v1_cgroup_with_limits() {
    let memory_root = Path::new("/sys/fs/cgroup/memory");
    if !nix::unistd::geteuid().is_root() || !memory_root.join("memory.limit_in_bytes").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root on a cgroup v1 host; this test must run there"
        );
        eprintln!("skipped: needs root and a cgroup v1 memory hierarchy");
        return;
    }
    let name = format!("cofferdam-test-{}", std::process::id());
    let mut guard = CgroupDirs {
        dirs: vec![
            memory_root.join(&name),
            Path::new("/sys/fs/cgroup/pids").join(&name),
            Path::new("/sys/fs/cgroup/cpu").join(&name),
        ],
        child: None,
    };
    for dir in &guard.dirs {
        std::fs::create_dir(dir).unwrap();
    }
    std::fs::write(guard.dirs[0].join("memory.limit_in_bytes"), "48m").unwrap();
    std::fs::write(guard.dirs[1].join("pids.max"), "17").unwrap();
    std::fs::write(guard.dirs[2].join("cpu.cfs_quota_us"), "25000").unwrap();

    // A child moved into the new cgroups; its /proc/<pid>/cgroup is what the kernel says.
    let child = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let pid = child.id();
    guard.child = Some(child);
    for dir in &guard.dirs {
        std::fs::write(dir.join("cgroup.procs"), pid.to_string()).unwrap();
    }
    let proc = ProcFs::host();
    let mounts = proc.process(Pid::Current).mountinfo().unwrap();
    let memberships = proc.process(Pid::Id(pid)).cgroups().unwrap();
    assert!(
        memberships
            .iter()
            .any(|m| m.controllers == ["memory"] && m.path == format!("/{name}")),
        "{memberships:?}"
    );
    let limits = Cgroups::locate(Path::new("/"), &mounts, &memberships).limits();
    assert_eq!(
        known(&limits.memory),
        (
            Limit::Max(48 << 20),
            Some(format!("/sys/fs/cgroup/memory/{name}/memory.stat"))
        )
    );
    assert_eq!(
        known(&limits.pids),
        (
            Limit::Max(17),
            Some(format!("/sys/fs/cgroup/pids/{name}/pids.max"))
        )
    );
    assert_eq!(known(&limits.cpu_quota).0.cpus(), Some(0.25));
    assert_eq!(known(&limits.cpu_weight).0, CpuWeight::Shares(1024));
}

/// Ends the child and removes the cgroups a test created, even when it fails.
struct CgroupDirs {
    dirs: Vec<PathBuf>,
    child: Option<std::process::Child>,
}

impl Drop for CgroupDirs {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
        for dir in &self.dirs {
            // An empty cgroup is removed with rmdir; its control files go with it.
            let _ = std::fs::remove_dir(dir);
        }
    }
}
