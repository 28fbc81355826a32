//! Reads a process's view of the kernel from a `/proc`-like directory: its privileges
//! (`status`), its user-namespace mappings (`uid_map`, `gid_map`), its mounts (`mountinfo`), its
//! cgroups (`cgroup`) and its namespaces (the `ns/*` link targets).
//!
//! The directory is injectable: [`ProcFs::host`] reads the live `/proc`, [`ProcFs::new`] any
//! recorded tree laid out the same way (`<root>/<pid>/status`, `<root>/self/mountinfo`, …), which
//! is how the tests and `cofferdam audit` (a container's init process seen from the host) use it.
//! Capability and status parsing is `cofferdam_seccomp::caps`'s; this module adds the files it
//! does not read. Every reader returns a [`ProcError`] naming the file, so a caller can say which
//! fact could not be determined (a file another user's process hides, a kernel without it)
//! instead of failing the whole report.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use cofferdam_seccomp::caps::ProcessPrivileges;
use serde::Serialize;

/// A file below the `/proc` root could not be read or did not say what was expected.
#[derive(Debug, thiserror::Error)]
pub enum ProcError {
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        path: PathBuf,
        /// 1-based line of the file.
        line: usize,
        message: String,
    },
}

impl ProcError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ProcError::Io { path, .. } | ProcError::Parse { path, .. } => path,
        }
    }

    /// Whether the kernel refused to show the file (another user's process, a hidepid mount):
    /// running as root, or as the process's own user, would show it.
    pub fn is_permission_denied(&self) -> bool {
        matches!(self, ProcError::Io { source, .. } if source.kind() == io::ErrorKind::PermissionDenied)
    }

    /// Whether the file does not exist (an older kernel, a process that has exited).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ProcError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}

/// Which process below the root: the reader itself (`self`, whose meaning depends on the pid
/// namespace of the `/proc` mount) or a pid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pid {
    Current,
    Id(u32),
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pid::Current => f.write_str("self"),
            Pid::Id(pid) => write!(f, "{pid}"),
        }
    }
}

/// A `/proc`-like directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcFs {
    root: PathBuf,
}

impl ProcFs {
    /// A tree laid out like `/proc` (a recorded copy in tests).
    pub fn new(root: impl Into<PathBuf>) -> ProcFs {
        ProcFs { root: root.into() }
    }

    /// The live `/proc`.
    pub fn host() -> ProcFs {
        ProcFs::new("/proc")
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// One process's directory.
    pub fn process(&self, pid: Pid) -> Process {
        Process {
            pid,
            dir: self.root.join(pid.to_string()),
        }
    }

    /// The pids of the processes this `/proc` shows (numeric directory names), ascending. In a
    /// private pid namespace these are the container's processes only.
    pub fn pids(&self) -> Result<Vec<u32>, ProcError> {
        let entries = std::fs::read_dir(&self.root).map_err(|source| ProcError::Io {
            path: self.root.clone(),
            source,
        })?;
        let mut pids: Vec<u32> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
            .collect();
        pids.sort_unstable();
        Ok(pids)
    }

    /// A file directly below the root, such as `net/dev` or `sys/kernel/osrelease`.
    pub fn read(&self, relative: &str) -> Result<String, ProcError> {
        read(&self.root.join(relative))
    }
}

/// One process below a [`ProcFs`] root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    pid: Pid,
    dir: PathBuf,
}

impl Process {
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// The process's directory (`/proc/1`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A file of the process's directory, as text.
    pub fn read(&self, file: &str) -> Result<String, ProcError> {
        read(&self.dir.join(file))
    }

    /// Capabilities, `no_new_privs`, seccomp mode and filters, uids and gids (`status`).
    pub fn privileges(&self) -> Result<ProcessPrivileges, ProcError> {
        let path = self.dir.join("status");
        let text = read(&path)?;
        ProcessPrivileges::from_status(&text).map_err(|error| ProcError::Parse {
            line: text
                .lines()
                .position(|line| line.contains(&error.0))
                .map_or(1, |index| index + 1),
            path,
            message: error.to_string(),
        })
    }

    /// The program name (`comm`), without the trailing newline.
    pub fn comm(&self) -> Result<String, ProcError> {
        Ok(self.read("comm")?.trim_end_matches('\n').to_owned())
    }

    /// The uid mapping of the process's user namespace.
    pub fn uid_map(&self) -> Result<IdMap, ProcError> {
        let path = self.dir.join("uid_map");
        IdMap::parse(&read(&path)?).map_err(|error| error.at(path))
    }

    /// The gid mapping of the process's user namespace.
    pub fn gid_map(&self) -> Result<IdMap, ProcError> {
        let path = self.dir.join("gid_map");
        IdMap::parse(&read(&path)?).map_err(|error| error.at(path))
    }

    /// The mounts of the process's mount namespace, as the process sees them.
    pub fn mountinfo(&self) -> Result<Vec<Mount>, ProcError> {
        let path = self.dir.join("mountinfo");
        parse_mountinfo(&read(&path)?).map_err(|error| error.at(path))
    }

    /// The cgroups the process belongs to, one per hierarchy.
    pub fn cgroups(&self) -> Result<Vec<CgroupMembership>, ProcError> {
        let path = self.dir.join("cgroup");
        parse_cgroups(&read(&path)?).map_err(|error| error.at(path))
    }

    /// The namespaces the process is in (`ns/*`). Links the kernel refuses to show (another
    /// user's process) are listed in [`Namespaces::unreadable`]; a missing `ns` directory is an
    /// error.
    pub fn namespaces(&self) -> Result<Namespaces, ProcError> {
        let dir = self.dir.join("ns");
        let entries = std::fs::read_dir(&dir).map_err(|source| ProcError::Io {
            path: dir.clone(),
            source,
        })?;
        let mut namespaces = Namespaces::default();
        for entry in entries.filter_map(Result::ok) {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            match std::fs::read_link(entry.path()) {
                Ok(target) => {
                    let target = target.to_string_lossy();
                    if let Some(id) = NamespaceId::parse(&target) {
                        namespaces.ids.insert(name, id);
                    }
                }
                Err(_) => namespaces.unreadable.push(name),
            }
        }
        namespaces.unreadable.sort();
        Ok(namespaces)
    }
}

fn read(path: &Path) -> Result<String, ProcError> {
    std::fs::read_to_string(path).map_err(|source| ProcError::Io {
        path: path.to_owned(),
        source,
    })
}

/// A line of a `/proc` file that does not have the expected shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl ParseError {
    fn new(line: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            line,
            message: message.into(),
        }
    }

    fn at(self, path: PathBuf) -> ProcError {
        ProcError::Parse {
            path,
            line: self.line,
            message: self.message,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// One line of `uid_map`/`gid_map`: `count` ids from `inside` are `outside` and up in the
/// parent namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct IdRange {
    pub inside: u32,
    pub outside: u32,
    pub count: u32,
}

/// A user namespace's id mapping.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IdMap {
    pub ranges: Vec<IdRange>,
}

impl IdMap {
    /// Reads `uid_map` text: lines of three decimal numbers.
    pub fn parse(text: &str) -> Result<IdMap, ParseError> {
        let mut ranges = Vec::new();
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let numbers: Vec<&str> = line.split_whitespace().collect();
            let parsed: Option<Vec<u32>> = numbers.iter().map(|n| n.parse().ok()).collect();
            match parsed.as_deref() {
                Some(&[inside, outside, count]) => ranges.push(IdRange {
                    inside,
                    outside,
                    count,
                }),
                _ => {
                    return Err(ParseError::new(
                        index + 1,
                        format!(
                            "expected `<inside> <outside> <count>` (three numbers), found `{}`",
                            line.trim()
                        ),
                    ));
                }
            }
        }
        Ok(IdMap { ranges })
    }

    /// The initial user namespace's mapping, `0 0 4294967295`: every id is itself, so there is
    /// no user namespace between the process and the host.
    pub fn is_identity(&self) -> bool {
        self.ranges
            == [IdRange {
                inside: 0,
                outside: 0,
                count: u32::MAX,
            }]
    }

    /// The id in the parent namespace that `id` inside maps to; `None` when unmapped.
    pub fn to_outside(&self, id: u32) -> Option<u32> {
        self.ranges.iter().find_map(|range| {
            let offset = id.checked_sub(range.inside)?;
            (offset < range.count).then(|| range.outside.wrapping_add(offset))
        })
    }
}

/// One line of `mountinfo` (see proc(5)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mount {
    pub mount_id: u32,
    pub parent_id: u32,
    /// `major:minor` of the filesystem's device.
    pub device: String,
    /// The directory of the source filesystem that is mounted: `/` for a whole filesystem,
    /// `/var/lib/docker/containers/<id>/hosts` for a bind mount of that file. It is a path
    /// within the filesystem, which is the host path only when the host mounts that
    /// filesystem at `/`.
    pub root: String,
    /// Where it is mounted, in the process's mount namespace.
    pub mount_point: String,
    /// Per-mount options (`ro`, `nosuid`, `noexec`, …).
    pub options: Vec<String>,
    /// Propagation tags (`shared:1`, `master:2`, `propagate_from:3`, `unbindable`).
    pub optional: Vec<String>,
    pub fs_type: String,
    /// The mount source (`/dev/vda`, `overlay`, `proc`, a tmpfs's name).
    pub source: String,
    /// Per-superblock options; for a cgroup v1 hierarchy they name its controllers.
    pub super_options: Vec<String>,
}

impl Mount {
    /// Whether the mount is read-only (its per-mount `ro`; a read-only superblock counts too).
    pub fn read_only(&self) -> bool {
        self.has_option("ro") || self.super_options.iter().any(|option| option == "ro")
    }

    /// Whether a per-mount option is set (`nosuid`, `noexec`, …).
    pub fn has_option(&self, name: &str) -> bool {
        self.options.iter().any(|option| option == name)
    }

    /// Whether `path` is this mount's point or lies beneath it.
    pub fn covers(&self, path: &str) -> bool {
        is_within(path, &self.mount_point)
    }
}

/// The mount that `path` (absolute, normalised) is on: the last mount in `mountinfo` order whose
/// mount point holds it, since a later mount at the same or a deeper point shadows earlier ones.
pub fn mount_of<'a>(mounts: &'a [Mount], path: &str) -> Option<&'a Mount> {
    mounts
        .iter()
        .enumerate()
        .filter(|(_, mount)| mount.covers(path))
        .max_by_key(|(index, mount)| (mount.mount_point.len(), *index))
        .map(|(_, mount)| mount)
}

/// Whether `path` is `dir` or beneath it (both absolute; `/` holds everything).
pub(crate) fn is_within(path: &str, dir: &str) -> bool {
    dir == "/"
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Reads `mountinfo` text.
pub fn parse_mountinfo(text: &str) -> Result<Vec<Mount>, ParseError> {
    let mut mounts = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        mounts.push(parse_mount_line(line).map_err(|message| ParseError::new(index + 1, message))?);
    }
    Ok(mounts)
}

fn parse_mount_line(line: &str) -> Result<Mount, String> {
    let fields: Vec<&str> = line.split(' ').collect();
    let separator = fields
        .iter()
        .position(|field| *field == "-")
        .ok_or_else(|| "expected the ` - ` separator before the filesystem type".to_owned())?;
    if separator < 6 || fields.len() < separator + 3 {
        return Err(format!(
            "expected `<id> <parent> <major:minor> <root> <mount point> <options> … - <type> <source> <super options>`, found `{line}`"
        ));
    }
    let number = |field: &str, what: &str| {
        field
            .parse::<u32>()
            .map_err(|_| format!("expected the {what} (a number), found `{field}`"))
    };
    let list = |field: &str| -> Vec<String> {
        field
            .split(',')
            .filter(|part| !part.is_empty())
            .map(unescape)
            .collect()
    };
    Ok(Mount {
        mount_id: number(fields[0], "mount id")?,
        parent_id: number(fields[1], "parent mount id")?,
        device: fields[2].to_owned(),
        root: unescape(fields[3]),
        mount_point: unescape(fields[4]),
        options: list(fields[5]),
        optional: fields[6..separator]
            .iter()
            .map(|tag| unescape(tag))
            .collect(),
        fs_type: unescape(fields[separator + 1]),
        source: unescape(fields[separator + 2]),
        super_options: fields
            .get(separator + 3)
            .map(|field| list(field))
            .unwrap_or_default(),
    })
}

/// Undoes the kernel's octal escapes in mountinfo (`\040` space, `\011` tab, `\012` newline,
/// `\134` backslash).
fn unescape(field: &str) -> String {
    if !field.contains('\\') {
        return field.to_owned();
    }
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'\\'
            && index + 3 < bytes.len()
            && bytes[index + 1..=index + 3]
                .iter()
                .all(|b| (b'0'..=b'7').contains(b))
        {
            let value = bytes[index + 1..=index + 3]
                .iter()
                .fold(0_u32, |acc, b| acc * 8 + u32::from(b - b'0'));
            if let Ok(byte) = u8::try_from(value) {
                out.push(byte);
                index += 4;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One line of `/proc/<pid>/cgroup`: the process's cgroup in one hierarchy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CgroupMembership {
    /// 0 for the cgroup v2 (unified) hierarchy.
    pub hierarchy_id: u32,
    /// The v1 controllers of the hierarchy (`cpu`, `cpuacct`), or a named hierarchy
    /// (`name=systemd`); empty for v2.
    pub controllers: Vec<String>,
    /// The cgroup's path, relative to the reader's cgroup namespace root: `/` inside a container
    /// with a private cgroup namespace, `/docker/<id>` seen from the host.
    pub path: String,
}

impl CgroupMembership {
    /// Whether this is the unified (v2) hierarchy's line (`0::/path`).
    pub fn is_unified(&self) -> bool {
        self.hierarchy_id == 0 && self.controllers.is_empty()
    }
}

/// Reads `/proc/<pid>/cgroup` text.
pub fn parse_cgroups(text: &str) -> Result<Vec<CgroupMembership>, ParseError> {
    let mut memberships = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(ParseError::new(
                index + 1,
                format!("expected `<hierarchy id>:<controllers>:<path>`, found `{line}`"),
            ));
        };
        let hierarchy_id = id.parse().map_err(|_| {
            ParseError::new(
                index + 1,
                format!("expected a hierarchy id (a number), found `{id}`"),
            )
        })?;
        memberships.push(CgroupMembership {
            hierarchy_id,
            controllers: controllers
                .split(',')
                .filter(|controller| !controller.is_empty())
                .map(str::to_owned)
                .collect(),
            path: path.to_owned(),
        });
    }
    Ok(memberships)
}

/// A namespace, as an `ns/*` link names it: `pid:[4026531836]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct NamespaceId {
    pub kind: String,
    pub inode: u64,
}

impl NamespaceId {
    /// Reads a link target such as `net:[4026532182]`.
    pub fn parse(target: &str) -> Option<NamespaceId> {
        let (kind, rest) = target.split_once(":[")?;
        let inode = rest.strip_suffix(']')?.parse().ok()?;
        Some(NamespaceId {
            kind: kind.to_owned(),
            inode,
        })
    }

    /// Whether this is the host's initial namespace of its kind, from the inode alone.
    ///
    /// The kernel gives each initial namespace a fixed inode number just below
    /// `0xF0000000` (ipc, uts, user and pid since Linux 3.8, cgroup and time since they
    /// exist, net and mnt in recent kernels), and allocates every other namespace's inode from
    /// `0xF0000000` up. So an inode below `0xF0000000` is the initial namespace for certain;
    /// one above is certainly not for the kinds whose initial inode has always been fixed, and
    /// undecided (`None`) for net and mnt, whose initial inode older kernels allocated.
    pub fn is_initial(&self) -> Option<bool> {
        const DYNAMIC_FIRST: u64 = 0xF000_0000;
        let fixed = match self.kind.as_str() {
            "ipc" => Some(0xEFFF_FFFF),
            "uts" => Some(0xEFFF_FFFE),
            "user" => Some(0xEFFF_FFFD),
            "pid" | "pid_for_children" => Some(0xEFFF_FFFC),
            "cgroup" => Some(0xEFFF_FFFB),
            "time" | "time_for_children" => Some(0xEFFF_FFFA),
            "net" => Some(0xEFFF_FFF9),
            "mnt" => Some(0xEFFF_FFF8),
            _ => None,
        };
        let fixed = fixed?;
        if self.inode == fixed {
            return Some(true);
        }
        if self.inode >= DYNAMIC_FIRST {
            // Net and mnt got fixed initial inodes only recently; on older kernels the initial
            // ones were allocated like any other.
            return (!matches!(self.kind.as_str(), "net" | "mnt")).then_some(false);
        }
        // Below the dynamic range but not this kind's fixed number: not a kernel we know.
        None
    }
}

impl fmt::Display for NamespaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:[{}]", self.kind, self.inode)
    }
}

/// The namespaces of one process, by link name (`pid`, `net`, `mnt`, `uts`, `ipc`, `user`,
/// `cgroup`, `time`, and the `*_for_children` links).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Namespaces {
    pub ids: BTreeMap<String, NamespaceId>,
    /// Links that exist but could not be read.
    pub unreadable: Vec<String>,
}

impl Namespaces {
    pub fn get(&self, kind: &str) -> Option<&NamespaceId> {
        self.ids.get(kind)
    }

    /// The kinds both processes are in the same namespace of; kinds unknown for either are left
    /// out.
    pub fn shared_with(&self, other: &Namespaces) -> Vec<&str> {
        self.ids
            .iter()
            .filter(|(kind, id)| other.ids.get(*kind) == Some(*id))
            .map(|(kind, _)| kind.as_str())
            .collect()
    }

    /// The kinds the two processes are in different namespaces of.
    pub fn differing_from(&self, other: &Namespaces) -> Vec<&str> {
        self.ids
            .iter()
            .filter(|(kind, id)| other.ids.get(*kind).is_some_and(|theirs| theirs != *id))
            .map(|(kind, _)| kind.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{IdMap, IdRange, NamespaceId, mount_of, parse_cgroups, parse_mountinfo};

    #[test]
    fn id_maps() {
        let identity = IdMap::parse("         0          0 4294967295\n").unwrap();
        assert!(identity.is_identity());
        assert_eq!(identity.to_outside(1000), Some(1000));
        let remapped = IdMap::parse("0 100000 65536\n").unwrap();
        assert!(!remapped.is_identity());
        assert_eq!(remapped.to_outside(0), Some(100_000));
        assert_eq!(remapped.to_outside(65_535), Some(165_535));
        assert_eq!(remapped.to_outside(65_536), None);
        let two = IdMap::parse("0 1000 1\n1 100000 65536\n").unwrap();
        assert_eq!(
            two.ranges[1],
            IdRange {
                inside: 1,
                outside: 100_000,
                count: 65_536
            }
        );
        assert_eq!(two.to_outside(0), Some(1000));
        assert_eq!(two.to_outside(2), Some(100_001));
        let error = IdMap::parse("0 0 4294967295\n0 x 1\n").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.message.contains("`0 x 1`"), "{}", error.message);
        assert!(IdMap::parse("").unwrap().ranges.is_empty());
    }

    #[test]
    fn mountinfo_lines() {
        let text = "72 48 0:39 / / rw,relatime master:2 - overlay overlay rw,lowerdir=/a:/b,upperdir=/c\n\
                    85 77 0:36 /docker/abc /sys/fs/cgroup/pids ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,pids\n\
                    90 72 254:0 /home/me/my\\040dir /data rw,relatime shared:1 propagate_from:2 - ext4 /dev/vda rw\n\
                    91 72 0:50 / /tmp rw - tmpfs tmpfs\n";
        let mounts = parse_mountinfo(text).unwrap();
        assert_eq!(mounts.len(), 4);
        assert_eq!(mounts[0].fs_type, "overlay");
        assert_eq!(mounts[0].optional, ["master:2"]);
        assert!(!mounts[0].read_only());
        assert_eq!(
            mounts[0].super_options,
            ["rw", "lowerdir=/a:/b", "upperdir=/c"]
        );
        assert!(mounts[1].read_only() && mounts[1].has_option("noexec"));
        assert_eq!(mounts[1].root, "/docker/abc");
        assert_eq!(mounts[1].super_options, ["rw", "pids"]);
        assert_eq!(mounts[2].root, "/home/me/my dir");
        assert_eq!(mounts[2].optional, ["shared:1", "propagate_from:2"]);
        assert_eq!(mounts[2].device, "254:0");
        assert!(mounts[3].super_options.is_empty());
        assert_eq!(mount_of(&mounts, "/data/x").unwrap().mount_id, 90);
        assert_eq!(mount_of(&mounts, "/database").unwrap().mount_id, 72);
        assert_eq!(mount_of(&mounts, "/").unwrap().mount_id, 72);

        let error = parse_mountinfo("22 27 0:21 / /proc rw\n").unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.message.contains("separator"), "{}", error.message);
        let error = parse_mountinfo("\nx 27 0:21 / /proc rw - proc proc rw\n").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.message.contains("mount id"), "{}", error.message);
    }

    #[test]
    fn a_later_mount_at_the_same_point_shadows_the_earlier() {
        let text = "1 0 0:1 / / rw - ext4 /dev/vda rw\n\
                    2 1 0:2 / /mnt rw - tmpfs a rw\n\
                    3 1 0:3 / /mnt ro - tmpfs b rw\n";
        let mounts = parse_mountinfo(text).unwrap();
        let mount = mount_of(&mounts, "/mnt/file").unwrap();
        assert_eq!(mount.source, "b");
        assert!(mount.read_only());
    }

    #[test]
    fn cgroup_lines() {
        let memberships = parse_cgroups(
            "12:cpu,cpuacct:/docker/abc\n1:name=systemd:/init.scope\n0::/system.slice/x:y.scope\n",
        )
        .unwrap();
        assert_eq!(memberships[0].controllers, ["cpu", "cpuacct"]);
        assert_eq!(memberships[1].controllers, ["name=systemd"]);
        assert!(memberships[2].is_unified());
        // A colon in the path belongs to the path.
        assert_eq!(memberships[2].path, "/system.slice/x:y.scope");
        let error = parse_cgroups("0::/\nmemory:/x\n").unwrap_err();
        assert_eq!(error.line, 2);
        let error = parse_cgroups("a:memory:/\n").unwrap_err();
        assert!(error.message.contains("hierarchy id"), "{}", error.message);
    }

    #[test]
    fn initial_namespaces_by_inode() {
        let id = |text: &str| NamespaceId::parse(text).unwrap();
        assert_eq!(id("pid:[4026531836]").is_initial(), Some(true));
        assert_eq!(id("pid:[4026532181]").is_initial(), Some(false));
        assert_eq!(id("uts:[4026531838]").is_initial(), Some(true));
        assert_eq!(id("ipc:[4026531839]").is_initial(), Some(true));
        assert_eq!(id("user:[4026531837]").is_initial(), Some(true));
        assert_eq!(id("cgroup:[4026531835]").is_initial(), Some(true));
        assert_eq!(id("net:[4026531833]").is_initial(), Some(true));
        // An older kernel allocated the initial net namespace's inode like any other.
        assert_eq!(id("net:[4026531840]").is_initial(), None);
        assert_eq!(id("mnt:[4026532178]").is_initial(), None);
        assert_eq!(id("pid:[12]").is_initial(), None);
        assert_eq!(id("net:[4026532182]").to_string(), "net:[4026532182]");
        assert!(NamespaceId::parse("pid:4026531836").is_none());
        assert!(NamespaceId::parse("pid:[x]").is_none());
    }
}
