//! `cofferdam self`: what an attacker who lands in the container this process runs in gets.
//!
//! [`examine`] gathers the facts a process can see about its own confinement — capabilities,
//! seccomp, `no_new_privs`, uid and user-namespace mapping, LSM label, whether the root
//! filesystem is writable, runtime sockets, host paths in the mount table, device nodes, cgroup
//! limits, namespaces shared with the host, and whether this is a container at all — and
//! [`assess`] turns them into one verdict (pass, warn, fail, unknown) per practice, with the
//! category names of DESIGN.md. Everything is read below an [`Environment`]'s roots, so recorded
//! trees can stand in for a live system; the probes that touch the system (a write to the root
//! filesystem that leaves nothing behind, a connect to each runtime socket) run only when
//! [`Environment::probe`] is set. What cannot be determined is said, never guessed: the fact is
//! `None` and [`Report::undetermined`] says why.
//!
//! Grades come from the linter's tables (dangerous capabilities, sensitive host paths, device
//! classes, runtime sockets), so that `self`, `check` and `audit` judge alike.

use std::collections::BTreeSet;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use cofferdam_diagnostics::{Category, Severity};
use cofferdam_linter::rules::capabilities::grants;
use cofferdam_linter::rules::devices::sensitive_device_passthrough;
use cofferdam_linter::rules::filesystem::sensitive_host_path_mounted;
use cofferdam_linter::rules::socket::runtime_socket_mounted::{
    self, Exposed, SOCKET_NAMES, SOCKET_PATHS,
};
use cofferdam_seccomp::caps::{CapSet, ProcessPrivileges};
use serde::Serialize;

use crate::cgroup::{Cgroups, CpuQuota, Layout, Limit, Limits, Reading};
use crate::proc::{IdMap, Mount, NamespaceId, Pid, ProcFs, mount_of};

/// Where to look: the root of the process's filesystem and its `/proc`.
#[derive(Clone, Debug)]
pub struct Environment {
    /// The process's `/` (`/` live; a recorded tree in tests).
    pub fs_root: PathBuf,
    pub proc: ProcFs,
    /// Whether to probe: try to write to the root filesystem (a file that is never linked, or
    /// one removed at once) and connect to the runtime sockets found. Off for recorded trees.
    pub probe: bool,
}

impl Environment {
    /// The running system, probes on.
    pub fn live() -> Environment {
        Environment {
            fs_root: PathBuf::from("/"),
            proc: ProcFs::host(),
            probe: true,
        }
    }

    /// A recorded tree: `<root>/proc` is its `/proc`; no probes.
    pub fn recorded(root: &Path) -> Environment {
        Environment {
            fs_root: root.to_owned(),
            proc: ProcFs::new(root.join("proc")),
            probe: false,
        }
    }

    fn path(&self, absolute: &str) -> PathBuf {
        self.fs_root.join(absolute.trim_start_matches('/'))
    }
}

/// Everything `cofferdam self` found, and the verdicts.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub container: Container,
    pub user: User,
    /// `None` when `/proc/self/status` could not be read.
    pub capabilities: Option<Capabilities>,
    pub seccomp: Option<Seccomp>,
    pub no_new_privs: Option<bool>,
    pub mac: Mac,
    pub root_filesystem: RootFilesystem,
    pub sockets: Vec<Socket>,
    pub host_mounts: Vec<HostMount>,
    pub devices: Devices,
    /// `None` when the mount table could not be read.
    pub system_paths: Option<SystemPaths>,
    pub cgroup: CgroupFacts,
    pub namespaces: Vec<NamespaceFact>,
    pub practices: Vec<Practice>,
    /// Facts that could not be determined, with the reason (`cannot read /proc/1/environ:
    /// permission denied`).
    pub undetermined: Vec<String>,
}

impl Report {
    /// The verdict of one practice.
    pub fn verdict(&self, category: Category) -> Option<Verdict> {
        self.practices
            .iter()
            .find(|practice| practice.category == category)
            .map(|practice| practice.verdict)
    }

    /// Whether any practice fails.
    pub fn fails(&self) -> bool {
        self.practices
            .iter()
            .any(|practice| practice.verdict == Verdict::Fail)
    }
}

/// Whether this is a container, and how sure that is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Containment {
    /// A runtime's marker says so (`/.dockerenv`, `/run/.containerenv`, `container=` in pid 1's
    /// environment, a Kubernetes service account).
    Yes,
    /// Signs such as a runtime's cgroup path, an overlay root in a runtime's directory or a
    /// private pid namespace.
    Probably,
    /// No sign of a container: the host's pid namespace, no marker, no runtime cgroup path.
    ProbablyNot,
}

#[derive(Clone, Debug, Serialize)]
pub struct Container {
    pub verdict: Containment,
    /// `Docker`, `Podman`, `Kubernetes`, `containerd`, `LXC`, … when a sign names one.
    pub runtime: Option<String>,
    /// What was seen, one phrase each.
    pub evidence: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct User {
    /// Real, effective, saved and filesystem uid; `None` when status is unreadable.
    pub uids: Option<[u32; 4]>,
    pub gids: Option<[u32; 4]>,
    /// Whether the process is in a user namespace other than the host's (`None`: undetermined).
    pub user_namespace: Option<bool>,
    pub uid_map: Option<IdMap>,
    pub gid_map: Option<IdMap>,
    /// The effective uid as the parent user namespace sees it (the host's, one level up).
    pub host_uid: Option<u32>,
}

/// One capability set, as a mask and as names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CapList {
    pub mask: String,
    pub names: Vec<String>,
}

impl From<CapSet> for CapList {
    fn from(set: CapSet) -> CapList {
        CapList {
            mask: format!("{:016x}", set.0),
            names: set.names(),
        }
    }
}

/// A capability the process holds or can gain that the linter grades.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradedCapability {
    pub name: String,
    pub severity: Severity,
    /// What it lets the process do.
    pub effect: String,
    /// Whether it is in the effective set now (otherwise it can be gained).
    pub effective: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Capabilities {
    pub effective: CapList,
    pub permitted: CapList,
    pub inheritable: CapList,
    pub bounding: CapList,
    pub ambient: CapList,
    /// What this process or a program it runs can hold: the permitted set with
    /// `no_new_privs`, else also the bounding set (setuid-root and file-capability programs,
    /// or root running any program, get up to the bounding set).
    pub reachable: CapList,
    /// Whether the bounding set is exactly Docker's 14 defaults.
    pub docker_default: bool,
    /// Reachable capabilities Docker's default set does not have.
    pub beyond_docker_default: Vec<String>,
    /// Docker defaults the bounding set no longer has.
    pub dropped_from_docker_default: Vec<String>,
    /// Reachable capabilities outside Docker's defaults, graded, riskiest first.
    pub graded: Vec<GradedCapability>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Seccomp {
    /// `disabled`, `strict` or `filter`.
    pub mode: &'static str,
    /// Filters installed, when the kernel says (5.9 and later).
    pub filters: Option<u32>,
}

/// The Linux security module's label for the process.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Mac {
    /// `apparmor` or `selinux`; `None` when no label was found.
    pub lsm: Option<&'static str>,
    /// `docker-default (enforce)`, `unconfined`, `system_u:system_r:container_t:s0:c1,c2`.
    pub label: Option<String>,
    /// Whether a policy confines the process.
    pub confined: Option<bool>,
}

/// The outcome of trying to write to the root filesystem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WriteProbe {
    /// A file could be created (and was removed, or never linked).
    Writable,
    /// EROFS: the filesystem is mounted read-only.
    ReadOnly,
    /// The mount is writable but this user may not write where it was tried.
    PermissionDenied,
    /// Probes are off (recorded tree).
    NotProbed,
    /// Another error; see `probe_detail`.
    Failed,
}

#[derive(Clone, Debug, Serialize)]
pub struct RootFilesystem {
    pub fs_type: Option<String>,
    /// The `ro` option of the mount at `/`.
    pub mount_read_only: Option<bool>,
    pub probe: WriteProbe,
    /// Where the write was tried, or the error.
    pub probe_detail: Option<String>,
}

/// A container runtime's API socket reachable from here.
#[derive(Clone, Debug, Serialize)]
pub struct Socket {
    pub path: String,
    /// `Docker`, `containerd`, `Podman`, `CRI-O`, `cri-dockerd`, `dockershim`, `BuildKit`.
    pub runtime: &'static str,
    /// `mount` (the mount table shows it or a directory holding it) or `well-known path`.
    pub found_by: &'static str,
    /// The mount's root within its source filesystem, when found through a mount.
    pub mounted_from: Option<String>,
    /// Whether the path is a socket (a recorded tree holds plain files).
    pub is_socket: bool,
    /// Whether this process could connect (`None` when not probed).
    pub connectable: Option<bool>,
    /// Why the connect failed.
    pub error: Option<String>,
}

/// A host path in the mount table.
#[derive(Clone, Debug, Serialize)]
pub struct HostMount {
    pub mount_point: String,
    /// The path within the source filesystem (the mountinfo root): the host path when the host
    /// mounts that filesystem at `/`, as it does for its root filesystem.
    pub host_path: String,
    pub fs_type: String,
    pub source: String,
    pub read_only: bool,
    /// The linter's grade (`sensitive-host-path-mounted`); `None` when not sensitive.
    pub severity: Option<Severity>,
    pub exposes: Option<String>,
}

/// A device node beyond the default set.
#[derive(Clone, Debug, Serialize)]
pub struct Device {
    pub path: String,
    /// `char` or `block`.
    pub kind: &'static str,
    pub major: u64,
    pub minor: u64,
    /// The linter's grade (`sensitive-device-passthrough`; block devices are disks).
    pub severity: Option<Severity>,
    pub effect: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Devices {
    /// Whether `/dev` could be listed.
    pub listed: bool,
    pub extra: Vec<Device>,
    /// Whether the v1 devices cgroup allows every device (`a *:* rwm`, as `--privileged`
    /// does); `None` on v2 (an eBPF program decides) or when unreadable.
    pub all_allowed: Option<bool>,
}

/// The kernel interfaces Docker hides from every container it does not run privileged
/// (`--privileged` and `--security-opt systempaths=unconfined` leave them open).
#[derive(Clone, Debug, Serialize)]
pub struct SystemPaths {
    pub proc_sys_read_only: bool,
    pub sys_read_only: bool,
    /// Masked paths (`/proc/kcore`, `/proc/keys`, `/sys/firmware`, …) with a mount over them.
    pub masked: Vec<String>,
}

impl SystemPaths {
    /// Nothing hidden: `/proc/sys` and `/sys` writable, no path masked.
    pub fn unmasked(&self) -> bool {
        !self.proc_sys_read_only && !self.sys_read_only && self.masked.is_empty()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct CgroupFacts {
    pub layout: Option<Layout>,
    pub limits: Limits,
}

/// How sure a namespace fact is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Certainty {
    /// From the namespace's inode number (the kernel's fixed numbers for the host's own).
    Certain,
    /// From circumstantial evidence (interfaces, pid 1's name, process count).
    Likely,
    Unknown,
}

/// Whether the process shares one kind of namespace with the host.
#[derive(Clone, Debug, Serialize)]
pub struct NamespaceFact {
    /// `pid`, `net`, `ipc`, `uts`, `cgroup`.
    pub kind: &'static str,
    /// `pid:[4026532181]`.
    pub id: Option<String>,
    /// Whether it is the host's; `None` when undetermined.
    pub host: Option<bool>,
    pub certainty: Certainty,
    pub evidence: String,
}

/// A practice's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Unknown,
    Warn,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Unknown => "unknown",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }

    /// High and critical fail, medium and low warn (as `check` grades the same setting).
    fn of(severity: Severity) -> Verdict {
        if severity >= Severity::High {
            Verdict::Fail
        } else if severity >= Severity::Low {
            Verdict::Warn
        } else {
            Verdict::Pass
        }
    }
}

/// One practice: its verdict and one line per reason.
#[derive(Clone, Debug, Serialize)]
pub struct Practice {
    pub category: Category,
    pub verdict: Verdict,
    pub reasons: Vec<String>,
}

/// Device nodes and directories every container gets (runc's defaults, `/dev/console` with a
/// terminal, and the symlinks).
pub const DEFAULT_DEVICES: &[&str] = &[
    "null", "zero", "full", "random", "urandom", "tty", "console", "pts", "ptmx", "shm", "mqueue",
    "fd", "stdin", "stdout", "stderr", "core",
];

/// Mount points the runtime fills with its own per-container files.
const RUNTIME_FILES: &[&str] = &[
    "/etc/resolv.conf",
    "/etc/hostname",
    "/etc/hosts",
    "/dev/termination-log",
    "/run/.containerenv",
    "/run/secrets",
];

/// Cgroup path fragments that name a container runtime.
const CGROUP_SIGNS: &[(&str, &str)] = &[
    ("/docker/", "Docker"),
    ("/docker-", "Docker"),
    ("kubepods", "Kubernetes"),
    ("libpod", "Podman"),
    ("/lxc/", "LXC"),
    ("lxc.payload", "LXC"),
    ("containerd", "containerd"),
    ("/actions_job/", "GitHub Actions"),
    ("/ecs/", "Amazon ECS"),
    ("garden", "Cloud Foundry"),
];

/// Gathers the facts and judges them.
pub fn examine(env: &Environment) -> Report {
    let mut undetermined = Vec::new();
    let process = env.proc.process(Pid::Current);
    let privileges = match process.privileges() {
        Ok(privileges) => Some(privileges),
        Err(error) => {
            undetermined.push(format!(
                "capabilities, seccomp, no_new_privs and ids: {error}"
            ));
            None
        }
    };
    let mounts = match process.mountinfo() {
        Ok(mounts) => mounts,
        Err(error) => {
            undetermined.push(format!(
                "mounts (root filesystem, host paths, sockets): {error}"
            ));
            Vec::new()
        }
    };
    let memberships = match process.cgroups() {
        Ok(memberships) => memberships,
        Err(error) => {
            undetermined.push(format!("cgroups: {error}"));
            Vec::new()
        }
    };
    let namespaces = match process.namespaces() {
        Ok(namespaces) => {
            if !namespaces.unreadable.is_empty() {
                undetermined.push(format!(
                    "namespaces {}: the links could not be read",
                    namespaces.unreadable.join(", ")
                ));
            }
            Some(namespaces)
        }
        Err(error) => {
            undetermined.push(format!("namespaces: {error}"));
            None
        }
    };

    let user = user_facts(
        env,
        privileges.as_ref(),
        namespaces.as_ref(),
        &mut undetermined,
    );
    let capabilities = privileges.as_ref().map(capabilities);
    let seccomp = privileges.as_ref().map(|privileges| Seccomp {
        mode: privileges.seccomp_mode_name(),
        filters: privileges.seccomp_filters,
    });
    let cgroups = Cgroups::locate(&env.fs_root, &mounts, &memberships);
    let cgroup = CgroupFacts {
        layout: cgroups.layout,
        limits: cgroups.limits(),
    };
    let pid1 = env.proc.process(Pid::Id(1)).comm().ok();
    let processes = env.proc.pids().ok().map(|pids| pids.len());
    let namespace_facts = namespace_facts(
        env,
        namespaces.as_ref(),
        pid1.as_deref(),
        processes,
        &mut undetermined,
    );
    let mut report = Report {
        container: container(
            env,
            &mounts,
            &memberships,
            namespaces.as_ref(),
            pid1.as_deref(),
        ),
        user,
        capabilities,
        seccomp,
        no_new_privs: privileges
            .as_ref()
            .map(|privileges| privileges.no_new_privs),
        mac: mac(env),
        root_filesystem: root_filesystem(env, &mounts),
        sockets: sockets(env, &mounts),
        host_mounts: host_mounts(&mounts),
        devices: devices(env, &cgroups, &mut undetermined),
        system_paths: (!mounts.is_empty()).then(|| system_paths(&mounts)),
        cgroup,
        namespaces: namespace_facts,
        practices: Vec::new(),
        undetermined,
    };
    report.practices = assess(&report);
    report
}

fn system_paths(mounts: &[Mount]) -> SystemPaths {
    SystemPaths {
        proc_sys_read_only: mount_of(mounts, "/proc/sys").is_some_and(Mount::read_only),
        sys_read_only: mount_of(mounts, "/sys").is_some_and(Mount::read_only),
        masked: mounts
            .iter()
            .filter(|mount| MASKED_PATHS.contains(&mount.mount_point.as_str()))
            .map(|mount| mount.mount_point.clone())
            .collect(),
    }
}

fn user_facts(
    env: &Environment,
    privileges: Option<&ProcessPrivileges>,
    namespaces: Option<&crate::proc::Namespaces>,
    undetermined: &mut Vec<String>,
) -> User {
    let process = env.proc.process(Pid::Current);
    let mut map = |result: Result<IdMap, crate::proc::ProcError>| match result {
        Ok(map) => Some(map),
        Err(error) => {
            undetermined.push(format!("user namespace: {error}"));
            None
        }
    };
    let uid_map = map(process.uid_map());
    let gid_map = map(process.gid_map());
    let by_inode = namespaces
        .and_then(|namespaces| namespaces.get("user"))
        .and_then(NamespaceId::is_initial)
        .map(|initial| !initial);
    let by_map = uid_map.as_ref().map(|map| !map.is_identity());
    let euid = privileges.map(|privileges| privileges.uids[1]);
    User {
        uids: privileges.map(|privileges| privileges.uids),
        gids: privileges.map(|privileges| privileges.gids),
        user_namespace: by_inode.or(by_map),
        host_uid: euid.and_then(|euid| uid_map.as_ref()?.to_outside(euid)),
        uid_map,
        gid_map,
    }
}

fn capabilities(privileges: &ProcessPrivileges) -> Capabilities {
    let reachable = if privileges.no_new_privs {
        CapSet(privileges.permitted.0 | privileges.ambient.0)
    } else {
        CapSet(privileges.permitted.0 | privileges.bounding.0)
    };
    let defaults = CapSet::docker_defaults();
    let mut graded: Vec<GradedCapability> = reachable
        .capabilities()
        .filter_map(|capability| {
            let grant = grants::find(capability.name())?;
            Some(GradedCapability {
                name: capability.name().to_owned(),
                severity: grant.severity,
                effect: grant.effect.to_owned(),
                effective: privileges.effective.has(capability),
            })
        })
        .collect();
    graded.sort_by_key(|grade| std::cmp::Reverse(grade.severity));
    Capabilities {
        effective: privileges.effective.into(),
        permitted: privileges.permitted.into(),
        inheritable: privileges.inheritable.into(),
        bounding: privileges.bounding.into(),
        ambient: privileges.ambient.into(),
        reachable: reachable.into(),
        docker_default: privileges.bounding == defaults,
        beyond_docker_default: CapSet(reachable.0 & !defaults.0).names(),
        dropped_from_docker_default: CapSet(defaults.0 & !privileges.bounding.0).names(),
        graded,
    }
}

fn container(
    env: &Environment,
    mounts: &[Mount],
    memberships: &[crate::proc::CgroupMembership],
    namespaces: Option<&crate::proc::Namespaces>,
    pid1: Option<&str>,
) -> Container {
    let mut evidence = Vec::new();
    let mut runtime: Option<String> = None;
    let name = |found: &str, runtime: &mut Option<String>| {
        if runtime.is_none() {
            *runtime = Some(found.to_owned());
        }
    };
    for (marker, found) in [
        ("/.dockerenv", "Docker"),
        ("/run/.containerenv", "Podman"),
        (
            "/var/run/secrets/kubernetes.io/serviceaccount",
            "Kubernetes",
        ),
    ] {
        if env.path(marker).exists() {
            evidence.push(format!("{marker} exists"));
            name(found, &mut runtime);
        }
    }
    if let Ok(environ) = env.proc.process(Pid::Id(1)).read("environ")
        && let Some(value) = environ
            .split('\0')
            .find_map(|entry| entry.strip_prefix("container="))
    {
        evidence.push(format!("pid 1's environment has container={value}"));
        name(value, &mut runtime);
    }
    let markers = evidence.len();
    let cgroup_sign = memberships.iter().find_map(|membership| {
        CGROUP_SIGNS
            .iter()
            .find(|(sign, _)| format!("{}/", membership.path).contains(sign))
            .map(|(_, found)| (membership, found))
    });
    if let Some((membership, found)) = cgroup_sign {
        evidence.push(format!("cgroup path {}", membership.path));
        name(found, &mut runtime);
    }
    let root = mount_of(mounts, "/").filter(|mount| mount.mount_point == "/");
    if let Some(root) = root {
        let upper = root
            .super_options
            .iter()
            .find_map(|option| option.strip_prefix("upperdir="));
        for (dir, found) in [
            ("/var/lib/docker/", "Docker"),
            ("/var/lib/containers/", "Podman"),
            ("/containers/storage/", "Podman"),
            ("containerd", "containerd"),
        ] {
            if let Some(upper) = upper.filter(|upper| upper.contains(dir)) {
                evidence.push(format!(
                    "/ is {} with its upper layer in {upper}",
                    root.fs_type
                ));
                name(found, &mut runtime);
                break;
            }
        }
    }
    let pid_initial = namespaces
        .and_then(|namespaces| namespaces.get("pid"))
        .and_then(NamespaceId::is_initial);
    if pid_initial == Some(false) {
        let pid1 = pid1.map_or_else(String::new, |comm| format!(", pid 1 is {comm}"));
        evidence.push(format!("a pid namespace of its own{pid1}"));
    }
    // A whole disk filesystem at `/` (not an overlay, not a runtime's directory bound there)
    // in the host's pid namespace, with no runtime cgroup path, is a host; a marker file there
    // is a leftover of the container image the system was built from.
    let host_root = root.filter(|root| {
        root.root == "/"
            && !matches!(
                root.fs_type.as_str(),
                "overlay" | "aufs" | "fuse-overlayfs" | "tmpfs" | "rootfs"
            )
    });
    let host_like = pid_initial == Some(true) && cgroup_sign.is_none() && host_root.is_some();
    let verdict = if markers > 0 && !host_like {
        Containment::Yes
    } else if markers == 0 && evidence.len() > markers {
        Containment::Probably
    } else {
        if markers == 0 {
            evidence.push("no container marker or runtime cgroup path".to_owned());
        }
        if pid_initial == Some(true) {
            evidence.push("the host's pid namespace".to_owned());
        }
        if let Some(root) = host_root {
            evidence.push(format!(
                "/ is the whole {} filesystem {}",
                root.fs_type, root.source
            ));
        }
        if markers > 0 {
            runtime = None;
            evidence.push(
                "so the marker is likely a leftover of the image this system was built from"
                    .to_owned(),
            );
        }
        Containment::ProbablyNot
    };
    Container {
        verdict,
        runtime,
        evidence,
    }
}

fn mac(env: &Environment) -> Mac {
    let process = env.proc.process(Pid::Current);
    let label = ["attr/apparmor/current", "attr/current"]
        .iter()
        .find_map(|file| {
            let text = process.read(file).ok()?;
            let text = text.trim_end_matches(['\n', '\0']).trim();
            (!text.is_empty()).then(|| text.to_owned())
        });
    let Some(label) = label else {
        return Mac::default();
    };
    if label.ends_with(" (enforce)") {
        return Mac {
            lsm: Some("apparmor"),
            label: Some(label),
            confined: Some(true),
        };
    }
    if label == "unconfined" || label.ends_with(" (complain)") || label.ends_with(" (unconfined)") {
        return Mac {
            lsm: Some("apparmor"),
            label: Some(label),
            confined: Some(false),
        };
    }
    if label.split(':').count() >= 3 {
        // user:role:type[:level]; spc_t and unconfined_t are SELinux's unconfined types.
        let kind = label.split(':').nth(2).unwrap_or_default();
        let confined = !matches!(kind, "spc_t" | "unconfined_t" | "kernel_t" | "initrc_t");
        return Mac {
            lsm: Some("selinux"),
            label: Some(label),
            confined: Some(confined),
        };
    }
    Mac {
        lsm: None,
        label: Some(label),
        confined: None,
    }
}

fn root_filesystem(env: &Environment, mounts: &[Mount]) -> RootFilesystem {
    let root = mount_of(mounts, "/");
    let (probe, probe_detail) = if env.probe {
        probe_write(env, mounts)
    } else {
        (WriteProbe::NotProbed, None)
    };
    RootFilesystem {
        fs_type: root.map(|mount| mount.fs_type.clone()),
        mount_read_only: root.map(Mount::read_only),
        probe,
        probe_detail,
    }
}

/// Tries to create a file on the root filesystem, in `/` and in the usual writable directories
/// that are on it (not on a tmpfs or volume of their own), and leaves nothing behind: an
/// unnamed `O_TMPFILE` file where the filesystem supports it, otherwise a uniquely named file
/// created exclusively and removed at once.
fn probe_write(env: &Environment, mounts: &[Mount]) -> (WriteProbe, Option<String>) {
    let root_id = mount_of(mounts, "/").map(|mount| mount.mount_id);
    let mut denied = Vec::new();
    let mut last_error = None;
    for dir in ["/", "/tmp", "/var/tmp", "/root", "/home", "/run", "/etc"] {
        if !mounts.is_empty() && mount_of(mounts, dir).map(|mount| mount.mount_id) != root_id {
            continue;
        }
        let path = env.path(dir);
        if !path.is_dir() {
            continue;
        }
        match create_and_forget(&path) {
            Ok(()) => {
                return (
                    WriteProbe::Writable,
                    Some(format!("created a file in {dir}")),
                );
            }
            Err(error) if error.raw_os_error() == Some(nix::libc::EROFS) => {
                return (WriteProbe::ReadOnly, Some(format!("{dir}: {error}")));
            }
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                if error.kind() == io::ErrorKind::ReadOnlyFilesystem {
                    return (WriteProbe::ReadOnly, Some(format!("{dir}: {error}")));
                }
                denied.push(dir);
            }
            Err(error) => last_error = Some(format!("{dir}: {error}")),
        }
    }
    if !denied.is_empty() {
        return (
            WriteProbe::PermissionDenied,
            Some(format!("permission denied in {}", denied.join(", "))),
        );
    }
    (WriteProbe::Failed, last_error)
}

fn create_and_forget(dir: &Path) -> io::Result<()> {
    use nix::fcntl::{OFlag, open};
    use nix::sys::stat::Mode;
    match open(
        dir,
        OFlag::O_TMPFILE | OFlag::O_WRONLY | OFlag::O_CLOEXEC,
        Mode::from_bits_truncate(0o600),
    ) {
        // Never linked: it disappears when closed.
        Ok(_fd) => return Ok(()),
        Err(errno)
            if !matches!(
                errno,
                nix::errno::Errno::EOPNOTSUPP
                    | nix::errno::Errno::EISDIR
                    | nix::errno::Errno::EINVAL
            ) =>
        {
            return Err(io::Error::from(errno));
        }
        Err(_) => {}
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    let path = dir.join(format!(".cofferdam-probe-{}-{nanos}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    std::fs::remove_file(&path)
}

fn runtime_of(name: &str) -> Option<&'static str> {
    SOCKET_NAMES
        .iter()
        .find(|(socket, _)| *socket == name)
        .map(|(_, runtime)| *runtime)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or_default()
}

fn sockets(env: &Environment, mounts: &[Mount]) -> Vec<Socket> {
    let mut found: Vec<(String, &'static str, &'static str, Option<String>)> = Vec::new();
    // One entry per file: `/var/run` is usually a link to `/run`, so the same socket has two
    // names; the first one found (the mount's) is kept.
    let mut seen = BTreeSet::new();
    let mut add = |path: String, runtime, by, from: Option<String>| {
        let full = env.path(&path);
        if seen.insert(std::fs::canonicalize(&full).unwrap_or(full)) {
            found.push((path, runtime, by, from));
        }
    };
    for mount in mounts.iter().filter(|mount| mount.mount_point != "/") {
        // The mount point or its source names a socket (`-v /run/docker.sock:/docker.sock`).
        if let Some(runtime) =
            runtime_of(file_name(&mount.mount_point)).or_else(|| runtime_of(file_name(&mount.root)))
        {
            add(
                mount.mount_point.clone(),
                runtime,
                "mount",
                Some(mount.root.clone()),
            );
            continue;
        }
        // A directory that holds sockets (`/run`, `/var/run/docker`), or a tmpfs such as the
        // host's `/run` whose mountinfo root is only `/`: look inside, shallowly.
        let holds = matches!(
            runtime_socket_mounted::exposed(&mount.root),
            Some(Exposed::Directory(_))
        );
        let own = ["/dev", "/proc", "/sys"]
            .iter()
            .any(|dir| crate::proc::is_within(&mount.mount_point, dir));
        if holds || (mount.fs_type == "tmpfs" && !own) {
            for path in scan_for_sockets(env, &mount.mount_point, 3) {
                if let Some(runtime) = runtime_of(file_name(&path)) {
                    add(path, runtime, "mount", Some(mount.root.clone()));
                }
            }
        }
    }
    for pattern in SOCKET_PATHS {
        let paths = if pattern.contains("<uid>") {
            expand_uid(env, pattern)
        } else {
            vec![(*pattern).to_owned()]
        };
        for path in paths {
            if std::fs::symlink_metadata(env.path(&path)).is_ok()
                && let Some(runtime) = runtime_of(file_name(&path))
            {
                add(path, runtime, "well-known path", None);
            }
        }
    }
    found
        .into_iter()
        .map(|(path, runtime, found_by, mounted_from)| {
            // The mount table is evidence enough; a well-known path was found by its existence.
            let is_socket = std::fs::metadata(env.path(&path))
                .is_ok_and(|metadata| metadata.file_type().is_socket());
            let (connectable, error) = if env.probe && is_socket {
                match std::os::unix::net::UnixStream::connect(env.path(&path)) {
                    Ok(_) => (Some(true), None),
                    Err(error) => (Some(false), Some(error.to_string())),
                }
            } else {
                (None, None)
            };
            Socket {
                path,
                runtime,
                found_by,
                mounted_from,
                is_socket,
                connectable,
                error,
            }
        })
        .collect()
}

/// `/run/user/<uid>/docker.sock` for each numeric directory of `/run/user`.
fn expand_uid(env: &Environment, pattern: &str) -> Vec<String> {
    let Some((before, after)) = pattern.split_once("<uid>") else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(env.path(before)) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .filter(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
        .map(|uid| format!("{before}{uid}{after}"))
        .collect()
}

/// Socket files named like a runtime's below `dir`, at most `depth` levels down.
fn scan_for_sockets(env: &Environment, dir: &str, depth: usize) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(env.path(dir)) else {
        return out;
    };
    for entry in entries.filter_map(Result::ok) {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let path = if dir == "/" {
            format!("/{name}")
        } else {
            format!("{dir}/{name}")
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if runtime_of(&name).is_some() && !kind.is_dir() {
            out.push(path);
        } else if kind.is_dir() && depth > 1 {
            out.extend(scan_for_sockets(env, &path, depth - 1));
        }
    }
    out
}

/// Host paths in the mount table: bind mounts from a disk filesystem (the mountinfo root is
/// the path on it), and the host's own `/proc`, `/sys`, `/dev` or cgroups mounted somewhere
/// other than their usual place. The runtime's per-container files and named volumes are left
/// out.
fn host_mounts(mounts: &[Mount]) -> Vec<HostMount> {
    let mut out = Vec::new();
    for mount in mounts {
        if mount.mount_point == "/" {
            continue;
        }
        let under = |dir: &str| crate::proc::is_within(&mount.mount_point, dir);
        let host_path = match mount.fs_type.as_str() {
            "proc" if !under("/proc") => Some(join_host("/proc", &mount.root)),
            "sysfs" if !under("/sys") => Some(join_host("/sys", &mount.root)),
            "cgroup" | "cgroup2" if !under("/sys/fs/cgroup") => {
                Some(join_host("/sys/fs/cgroup", &mount.root))
            }
            "devtmpfs" => Some(join_host("/dev", &mount.root)),
            "proc" | "sysfs" | "cgroup" | "cgroup2" | "tmpfs" | "devpts" | "mqueue" | "overlay"
            | "nsfs" | "bpf" | "tracefs" | "debugfs" | "securityfs" | "fusectl" | "configfs"
            | "hugetlbfs" | "binfmt_misc" | "autofs" | "pstore" | "efivarfs" | "ramfs" | "shm"
            | "aufs" => None,
            _ => Some(mount.root.clone()),
        };
        let Some(host_path) = host_path else {
            continue;
        };
        if RUNTIME_FILES.iter().any(|file| mount.mount_point == *file)
            && ["/containers/", "/pods/", "/sandboxes/", "/userdata/"]
                .iter()
                .any(|dir| mount.root.contains(dir))
        {
            continue;
        }
        if is_named_volume(&mount.root) || runtime_of(file_name(&mount.root)).is_some() {
            continue;
        }
        let grade = sensitive_host_path_mounted::grade(&host_path, mount.read_only());
        out.push(HostMount {
            mount_point: mount.mount_point.clone(),
            host_path,
            fs_type: mount.fs_type.clone(),
            source: mount.source.clone(),
            read_only: mount.read_only(),
            severity: grade.as_ref().map(|(severity, _)| *severity),
            exposes: grade.map(|(_, what)| what),
        });
    }
    out
}

fn join_host(base: &str, root: &str) -> String {
    if root == "/" {
        base.to_owned()
    } else {
        format!("{base}{root}")
    }
}

/// Docker's and Podman's named volumes (`…/volumes/<name>/_data`) and Kubernetes pod volumes.
fn is_named_volume(root: &str) -> bool {
    let parts: Vec<&str> = root.split('/').collect();
    let docker = parts
        .windows(3)
        .any(|window| window[0] == "volumes" && window[2] == "_data");
    let kubelet = root.starts_with("/var/lib/kubelet/pods/") && root.contains("/volumes/");
    docker || kubelet
}

fn devices(env: &Environment, cgroups: &Cgroups, undetermined: &mut Vec<String>) -> Devices {
    let mut extra = Vec::new();
    let mut listed = false;
    match std::fs::read_dir(env.path("/dev")) {
        Ok(entries) => {
            listed = true;
            for entry in entries.filter_map(Result::ok) {
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                    continue;
                };
                if DEFAULT_DEVICES.contains(&name.as_str()) {
                    continue;
                }
                collect_devices(&entry.path(), &format!("/dev/{name}"), 3, &mut extra);
            }
        }
        Err(error) => undetermined.push(format!("devices: cannot read /dev: {error}")),
    }
    extra.sort_by(|a, b| a.path.cmp(&b.path));
    let all_allowed = cgroups
        .hierarchy_of("devices")
        .filter(|hierarchy| hierarchy.version == crate::cgroup::Version::V1)
        .and_then(|hierarchy| {
            std::fs::read_to_string(env.path(&format!("{}/devices.list", hierarchy.dir))).ok()
        })
        .map(|list| list.lines().any(|line| line.trim() == "a *:* rwm"));
    Devices {
        listed,
        extra,
        all_allowed,
    }
}

fn collect_devices(path: &Path, shown: &str, depth: usize, out: &mut Vec<Device>) {
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return;
    };
    let kind = metadata.file_type();
    if kind.is_dir() {
        if depth > 1
            && let Ok(entries) = std::fs::read_dir(path)
        {
            for entry in entries.filter_map(Result::ok) {
                if let Some(name) = entry.file_name().to_str() {
                    collect_devices(&entry.path(), &format!("{shown}/{name}"), depth - 1, out);
                }
            }
        }
        return;
    }
    let (kind, severity, effect) = if kind.is_block_device() {
        let grade = sensitive_device_passthrough::grade(shown);
        (
            "block",
            Some(grade.map_or(Severity::Critical, |(severity, _)| severity)),
            Some(grade.map_or(
                "a block device: raw access to a host disk or image",
                |(_, effect)| effect,
            )),
        )
    } else if kind.is_char_device() {
        let grade = sensitive_device_passthrough::grade(shown);
        (
            "char",
            grade.map(|(severity, _)| severity),
            grade.map(|(_, effect)| effect),
        )
    } else {
        return;
    };
    let rdev = metadata.rdev();
    out.push(Device {
        path: shown.to_owned(),
        kind,
        major: nix::sys::stat::major(rdev),
        minor: nix::sys::stat::minor(rdev),
        severity,
        effect: effect.map(str::to_owned),
    });
}

/// Interface names that exist only in the host's network namespace.
fn host_interface(name: &str) -> bool {
    name == "docker0"
        || name == "cni0"
        || name == "cbr0"
        || name == "virbr0"
        || name == "podman0"
        || name == "weave"
        || name.starts_with("veth")
        || name.starts_with("br-")
        || name.starts_with("flannel")
        || name.starts_with("cali")
        || name.starts_with("kube-")
        || name.starts_with("cilium")
        || name.starts_with("lxcbr")
}

fn namespace_facts(
    env: &Environment,
    namespaces: Option<&crate::proc::Namespaces>,
    pid1: Option<&str>,
    processes: Option<usize>,
    undetermined: &mut Vec<String>,
) -> Vec<NamespaceFact> {
    let mut out = Vec::new();
    for kind in ["pid", "net", "ipc", "uts", "cgroup"] {
        let id = namespaces.and_then(|namespaces| namespaces.get(kind));
        let initial = id.and_then(NamespaceId::is_initial);
        let shown = id.map(ToString::to_string);
        let fact = |host: Option<bool>, certainty, evidence: String| NamespaceFact {
            kind,
            id: shown.clone(),
            host,
            certainty,
            evidence,
        };
        if let Some(initial) = initial {
            let evidence = if initial {
                format!(
                    "{} is the host's initial {kind} namespace",
                    shown.clone().unwrap_or_default()
                )
            } else {
                format!(
                    "{} is not the host's initial {kind} namespace",
                    shown.clone().unwrap_or_default()
                )
            };
            out.push(fact(Some(initial), Certainty::Certain, evidence));
            continue;
        }
        match kind {
            "pid" => {
                let init = pid1.is_some_and(|comm| matches!(comm, "systemd" | "init" | "launchd"));
                let many = processes.is_some_and(|count| count > 30);
                let detail = format!(
                    "pid 1 is {}, {} processes visible",
                    pid1.unwrap_or("unknown"),
                    processes.map_or_else(|| "unknown".to_owned(), |count| count.to_string())
                );
                let host = (init && many).then_some(true).or((!init).then_some(false));
                let certainty = if host.is_some() {
                    Certainty::Likely
                } else {
                    Certainty::Unknown
                };
                out.push(fact(host, certainty, detail));
            }
            "net" => match env.proc.read("net/dev") {
                Ok(text) => {
                    let interfaces: Vec<&str> = text
                        .lines()
                        .skip(2)
                        .filter_map(|line| line.split_once(':').map(|(name, _)| name.trim()))
                        .collect();
                    let host_like: Vec<&str> = interfaces
                        .iter()
                        .copied()
                        .filter(|name| host_interface(name))
                        .collect();
                    if host_like.is_empty() {
                        out.push(fact(
                            Some(false),
                            Certainty::Likely,
                            format!("interfaces: {}", interfaces.join(", ")),
                        ));
                    } else {
                        out.push(fact(
                            Some(true),
                            Certainty::Likely,
                            format!("host interfaces visible: {}", host_like.join(", ")),
                        ));
                    }
                }
                Err(error) => {
                    undetermined.push(format!("network namespace: {error}"));
                    out.push(fact(None, Certainty::Unknown, "no evidence".to_owned()));
                }
            },
            _ => out.push(fact(
                None,
                Certainty::Unknown,
                "the namespace link could not be read".to_owned(),
            )),
        }
    }
    out
}

/// The verdict for each practice, from the facts in the report.
pub fn assess(report: &Report) -> Vec<Practice> {
    vec![
        assess_user(report),
        assess_capabilities(report),
        assess_seccomp(report),
        assess_mac(report),
        assess_privileged(report),
        assess_devices(report),
        assess_filesystem(report),
        assess_socket(report),
        assess_resources(report),
        assess_namespaces(report),
        assess_network(report),
    ]
}

fn practice(category: Category, verdict: Verdict, reasons: Vec<String>) -> Practice {
    Practice {
        category,
        verdict,
        reasons,
    }
}

fn unknown(category: Category, reason: &str) -> Practice {
    practice(category, Verdict::Unknown, vec![reason.to_owned()])
}

fn assess_user(report: &Report) -> Practice {
    let Some(uids) = report.user.uids else {
        return unknown(Category::User, "the process's ids could not be read");
    };
    let euid = uids[1];
    if euid != 0 {
        let gid = report
            .user
            .gids
            .map_or(String::new(), |gids| format!(":{}", gids[1]));
        return practice(
            Category::User,
            Verdict::Pass,
            vec![format!("runs as uid {euid}{gid}, not root")],
        );
    }
    match (report.user.user_namespace, report.user.host_uid) {
        (Some(true), Some(host)) if host != 0 => practice(
            Category::User,
            Verdict::Warn,
            vec![format!(
                "runs as root, which a user namespace maps to uid {host} outside"
            )],
        ),
        (Some(true), _) => practice(
            Category::User,
            Verdict::Fail,
            vec!["runs as root, and the user namespace maps it to root outside".to_owned()],
        ),
        (Some(false), _) => practice(
            Category::User,
            Verdict::Fail,
            vec!["runs as root (uid 0), root on the host too: no user namespace".to_owned()],
        ),
        (None, _) => practice(
            Category::User,
            Verdict::Fail,
            vec!["runs as root (uid 0); whether a user namespace remaps it is unknown".to_owned()],
        ),
    }
}

fn assess_capabilities(report: &Report) -> Practice {
    let Some(caps) = &report.capabilities else {
        return unknown(
            Category::Capabilities,
            "/proc/self/status could not be read",
        );
    };
    let dangerous: Vec<&GradedCapability> = caps
        .graded
        .iter()
        .filter(|grade| grade.severity >= Severity::High)
        .collect();
    if !dangerous.is_empty() {
        let reasons = dangerous
            .iter()
            .map(|grade| {
                let how = if grade.effective { "holds" } else { "can gain" };
                format!("{how} {}: {}", grade.name, grade.effect)
            })
            .collect();
        return practice(Category::Capabilities, Verdict::Fail, reasons);
    }
    let reachable = &caps.reachable.names;
    if reachable.is_empty() {
        return practice(
            Category::Capabilities,
            Verdict::Pass,
            vec!["no capabilities, none to gain (cap_drop ALL)".to_owned()],
        );
    }
    if reachable == &["NET_BIND_SERVICE"] {
        return practice(
            Category::Capabilities,
            Verdict::Pass,
            vec!["only NET_BIND_SERVICE".to_owned()],
        );
    }
    let listed = reachable
        .iter()
        .map(|name| name.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(", ");
    let summary = if caps.docker_default && caps.beyond_docker_default.is_empty() {
        format!(
            "Docker's default {} capabilities (cap_drop ALL not applied): {listed}",
            reachable.len()
        )
    } else {
        format!(
            "{} capabilities reachable (drop ALL, add back what is needed): {listed}",
            reachable.len()
        )
    };
    let mut reasons = vec![summary];
    for grade in &caps.graded {
        reasons.push(format!(
            "{} ({}): {}",
            grade.name, grade.severity, grade.effect
        ));
    }
    practice(Category::Capabilities, Verdict::Warn, reasons)
}

fn assess_seccomp(report: &Report) -> Practice {
    let Some(seccomp) = &report.seccomp else {
        return unknown(Category::Seccomp, "/proc/self/status could not be read");
    };
    match seccomp.mode {
        "disabled" => practice(
            Category::Seccomp,
            Verdict::Fail,
            vec!["no seccomp filter: every syscall is allowed (seccomp=unconfined)".to_owned()],
        ),
        "strict" => practice(
            Category::Seccomp,
            Verdict::Pass,
            vec!["strict mode: only read, write, exit and sigreturn".to_owned()],
        ),
        _ => {
            let filters = seccomp.filters.map_or_else(String::new, |count| {
                format!(" ({count} filter{})", if count == 1 { "" } else { "s" })
            });
            practice(
                Category::Seccomp,
                Verdict::Pass,
                vec![format!("syscalls are filtered{filters}")],
            )
        }
    }
}

fn assess_mac(report: &Report) -> Practice {
    match (&report.mac.lsm, &report.mac.label, report.mac.confined) {
        (Some(lsm), Some(label), Some(true)) => practice(
            Category::Mac,
            Verdict::Pass,
            vec![format!("{lsm} confines the process: {label}")],
        ),
        (Some(lsm), Some(label), Some(false)) => practice(
            Category::Mac,
            Verdict::Fail,
            vec![format!("{lsm} does not confine the process: {label}")],
        ),
        (_, Some(label), _) => unknown(
            Category::Mac,
            &format!("unrecognised security label `{label}`"),
        ),
        _ => unknown(
            Category::Mac,
            "no AppArmor or SELinux label: no such module is active on this kernel",
        ),
    }
}

/// Docker masks these in every container it does not run privileged.
const MASKED_PATHS: &[&str] = &[
    "/proc/kcore",
    "/proc/keys",
    "/proc/timer_list",
    "/proc/sched_debug",
    "/proc/acpi",
    "/proc/scsi",
    "/sys/firmware",
    "/proc/latency_stats",
    "/sys/devices/virtual/powercap",
];

fn assess_privileged(report: &Report) -> Practice {
    let mut signs = Vec::new();
    if report
        .seccomp
        .as_ref()
        .is_some_and(|s| s.mode == "disabled")
    {
        signs.push("no seccomp");
    }
    if report
        .capabilities
        .as_ref()
        .is_some_and(|caps| caps.bounding.names.iter().any(|name| name == "SYS_ADMIN"))
    {
        signs.push("SYS_ADMIN");
    }
    if report.devices.all_allowed == Some(true) {
        signs.push("every device allowed");
    }
    let unmasked: &[&str] = &["/proc/sys and /sys writable", "no path masked"];
    let in_container = report.container.verdict != Containment::ProbablyNot;
    let unmasked_all = report
        .system_paths
        .as_ref()
        .is_some_and(SystemPaths::unmasked);
    if in_container && unmasked_all && signs.contains(&"SYS_ADMIN") {
        signs.extend(unmasked.iter().copied());
        return practice(
            Category::Privileged,
            Verdict::Fail,
            vec![format!("looks like --privileged: {}", signs.join(", "))],
        );
    }
    let mut reasons = Vec::new();
    let mut verdict = Verdict::Pass;
    if in_container && unmasked_all {
        verdict = Verdict::Fail;
        reasons.push(format!(
            "system paths unmasked (systempaths=unconfined): {}",
            unmasked.join(", ")
        ));
    }
    match report.no_new_privs {
        Some(true) => {
            reasons.push("no_new_privs is set: programs cannot gain privileges".to_owned());
        }
        Some(false) => {
            verdict = verdict.max(Verdict::Warn);
            reasons.push(
                "no_new_privs is off: setuid and file-capability programs can raise privileges (no-new-privileges)"
                    .to_owned(),
            );
        }
        None => {
            verdict = verdict.max(Verdict::Unknown);
            reasons.push("no_new_privs could not be read".to_owned());
        }
    }
    practice(Category::Privileged, verdict, reasons)
}

fn assess_devices(report: &Report) -> Practice {
    if !report.devices.listed && report.devices.all_allowed.is_none() {
        return unknown(Category::Devices, "/dev could not be listed");
    }
    let mut verdict = Verdict::Pass;
    let mut reasons = Vec::new();
    if report.devices.all_allowed == Some(true) {
        verdict = Verdict::Fail;
        reasons.push(
            "the devices cgroup allows every device (a *:* rwm): any node can be created and used"
                .to_owned(),
        );
    }
    for group in device_groups(&report.devices.extra) {
        verdict = verdict.max(group.severity.map_or(Verdict::Warn, Verdict::of));
        let shown = group
            .paths
            .iter()
            .take(4)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let paths = match group.paths.len() {
            count if count > 4 => format!("{shown} and {} more", count - 4),
            _ => shown,
        };
        reasons.push(match (group.severity, group.effect) {
            (Some(severity), Some(effect)) => format!("{paths} ({severity}): {effect}"),
            _ => format!("other device nodes: {paths}"),
        });
    }
    if reasons.is_empty() {
        reasons.push("only the default device nodes".to_owned());
    }
    practice(Category::Devices, verdict, reasons)
}

/// Device nodes with the same grade and effect, riskiest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceGroup {
    pub severity: Option<Severity>,
    pub effect: Option<String>,
    pub paths: Vec<String>,
}

/// The devices grouped by grade and effect (`/dev/tty0` … `/dev/tty63` are one group).
pub fn device_groups(devices: &[Device]) -> Vec<DeviceGroup> {
    let mut groups: Vec<DeviceGroup> = Vec::new();
    for device in devices {
        match groups
            .iter_mut()
            .find(|group| group.severity == device.severity && group.effect == device.effect)
        {
            Some(group) => group.paths.push(device.path.clone()),
            None => groups.push(DeviceGroup {
                severity: device.severity,
                effect: device.effect.clone(),
                paths: vec![device.path.clone()],
            }),
        }
    }
    groups.sort_by_key(|group| std::cmp::Reverse(group.severity));
    groups
}

fn assess_filesystem(report: &Report) -> Practice {
    let mut verdict = Verdict::Pass;
    let mut reasons = Vec::new();
    let root = &report.root_filesystem;
    match (root.mount_read_only, root.probe) {
        (Some(true), _) | (_, WriteProbe::ReadOnly) => {
            reasons.push("the root filesystem is read-only".to_owned());
        }
        (_, WriteProbe::Writable) => {
            verdict = Verdict::Warn;
            reasons.push(format!(
                "the root filesystem is writable ({}; read_only)",
                root.probe_detail.as_deref().unwrap_or("probe")
            ));
        }
        (Some(false), _) => {
            verdict = Verdict::Warn;
            let detail = match root.probe {
                WriteProbe::PermissionDenied => ", though this user could not write where it tried",
                _ => "",
            };
            reasons.push(format!(
                "the root filesystem is mounted read-write{detail} (read_only)"
            ));
        }
        (None, _) => {
            verdict = Verdict::Unknown;
            reasons.push("whether the root filesystem is writable is unknown".to_owned());
        }
    }
    for mount in &report.host_mounts {
        let Some(severity) = mount.severity else {
            continue;
        };
        verdict = verdict.max(Verdict::of(severity));
        let mode = if mount.read_only {
            "read-only"
        } else {
            "writable"
        };
        reasons.push(format!(
            "host {} at {} ({mode}): {}",
            mount.host_path,
            mount.mount_point,
            mount.exposes.as_deref().unwrap_or_default()
        ));
    }
    practice(Category::Filesystem, verdict, reasons)
}

fn assess_socket(report: &Report) -> Practice {
    if report.sockets.is_empty() {
        return practice(
            Category::Socket,
            Verdict::Pass,
            vec!["no container runtime socket found".to_owned()],
        );
    }
    let reasons = report
        .sockets
        .iter()
        .map(|socket| {
            let state = match (socket.is_socket, socket.connectable) {
                (_, Some(true)) => "connectable: root on the host".to_owned(),
                (_, Some(false)) => format!(
                    "not connectable now ({})",
                    socket.error.as_deref().unwrap_or("refused")
                ),
                (true, None) => "not probed".to_owned(),
                (false, None) => "not a socket file".to_owned(),
            };
            format!("{} socket at {} ({state})", socket.runtime, socket.path)
        })
        .collect();
    practice(Category::Socket, Verdict::Fail, reasons)
}

/// `64 MiB`, `1.5 GiB`.
pub fn bytes(value: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut unit = 0;
    #[allow(clippy::cast_precision_loss)]
    let mut amount = value as f64;
    while amount >= 1024.0 && unit + 1 < UNITS.len() {
        amount /= 1024.0;
        unit += 1;
    }
    if amount.fract() == 0.0 {
        format!("{amount:.0} {}", UNITS[unit])
    } else {
        format!("{amount:.1} {}", UNITS[unit])
    }
}

fn assess_resources(report: &Report) -> Practice {
    let limits = &report.cgroup.limits;
    let mut verdict = Verdict::Pass;
    let mut reasons = Vec::new();
    let mut set = Vec::new();
    let mut unknowns = 0;
    let mut amount =
        |what: &str, reading: &Reading<Limit>, show: fn(u64) -> String, fix: &str| match reading {
            Reading::Known {
                value: Limit::Max(value),
                ..
            } => set.push(format!("{what} {}", show(*value))),
            Reading::Known {
                value: Limit::Unlimited,
                ..
            } => {
                verdict = verdict.max(Verdict::Warn);
                reasons.push(format!("no {what} limit ({fix})"));
            }
            Reading::Unknown { reason } => {
                unknowns += 1;
                reasons.push(format!("{what} limit unknown: {reason}"));
            }
        };
    amount("memory", &limits.memory, bytes, "--memory / mem_limit");
    let memory_limited = matches!(
        limits.memory,
        Reading::Known {
            value: Limit::Max(_),
            ..
        }
    );
    if memory_limited {
        amount(
            "memory+swap",
            &limits.memory_and_swap,
            bytes,
            "--memory-swap / memswap_limit",
        );
    }
    amount(
        "pids",
        &limits.pids,
        |value| value.to_string(),
        "--pids-limit / pids_limit",
    );
    match &limits.cpu_quota {
        Reading::Known {
            value: quota @ CpuQuota::Quota { .. },
            ..
        } => set.push(format!("cpus {}", quota.cpus().unwrap_or_default())),
        Reading::Known { .. } => {
            verdict = verdict.max(Verdict::Warn);
            reasons.push("no CPU limit (--cpus / cpus)".to_owned());
        }
        Reading::Unknown { reason } => {
            unknowns += 1;
            reasons.push(format!("CPU limit unknown: {reason}"));
        }
    }
    if !set.is_empty() {
        reasons.insert(0, format!("limited: {}", set.join(", ")));
    }
    if verdict == Verdict::Pass && unknowns > 0 {
        verdict = Verdict::Unknown;
    }
    practice(Category::Resources, verdict, reasons)
}

fn namespace<'a>(report: &'a Report, kind: &str) -> Option<&'a NamespaceFact> {
    report.namespaces.iter().find(|fact| fact.kind == kind)
}

fn assess_namespaces(report: &Report) -> Practice {
    let mut verdict = Verdict::Pass;
    let mut reasons = Vec::new();
    let mut private = Vec::new();
    // Shared namespaces that do not change the verdict, said after the rest.
    let mut notes = Vec::new();
    let v1 = matches!(report.cgroup.layout, Some(Layout::V1 | Layout::Hybrid));
    for (kind, grade) in [
        ("pid", Verdict::Fail),
        ("ipc", Verdict::Warn),
        ("uts", Verdict::Warn),
        ("cgroup", if v1 { Verdict::Pass } else { Verdict::Warn }),
    ] {
        let Some(fact) = namespace(report, kind) else {
            continue;
        };
        let sure = if fact.certainty == Certainty::Likely {
            " (likely)"
        } else {
            ""
        };
        match fact.host {
            Some(true) => {
                verdict = verdict.max(grade);
                let shared = format!(
                    "shares the host's {kind} namespace{sure}: {}",
                    fact.evidence
                );
                if grade == Verdict::Pass {
                    notes.push(format!("{shared} (Docker's default on cgroup v1)"));
                } else {
                    reasons.push(shared);
                }
            }
            Some(false) => private.push(format!("{kind}{sure}")),
            None => {
                verdict = verdict.max(Verdict::Unknown);
                reasons.push(format!("{kind} namespace unknown: {}", fact.evidence));
            }
        }
    }
    if !private.is_empty() {
        reasons.push(format!("own namespaces: {}", private.join(", ")));
    }
    if report.user.user_namespace == Some(true) {
        reasons.push("in a user namespace of its own".to_owned());
    }
    reasons.extend(notes);
    practice(Category::Namespaces, verdict, reasons)
}

fn assess_network(report: &Report) -> Practice {
    let Some(fact) = namespace(report, "net") else {
        return unknown(Category::Network, "the network namespace is unknown");
    };
    let sure = if fact.certainty == Certainty::Likely {
        " (likely)"
    } else {
        ""
    };
    match fact.host {
        Some(true) => practice(
            Category::Network,
            Verdict::Fail,
            vec![format!(
                "shares the host's network namespace{sure} (network_mode: host): {}",
                fact.evidence
            )],
        ),
        Some(false) => practice(
            Category::Network,
            Verdict::Pass,
            vec![format!("own network namespace{sure}: {}", fact.evidence)],
        ),
        None => unknown(Category::Network, &fact.evidence),
    }
}

/// Names of the capabilities a set holds, for tests and printers: `chown, net_raw`.
pub fn lower_names(list: &CapList) -> String {
    list.names
        .iter()
        .map(|name| name.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}
