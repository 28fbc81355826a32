//! The resource limits that really bind a process: memory, memory plus swap, CPU quota and
//! weight, and the number of tasks, read from its cgroups (v1, v2, or the hybrid of both).
//!
//! [`Cgroups::locate`] finds the process's cgroup directory in each hierarchy from its
//! `/proc/<pid>/cgroup` lines and the cgroup mounts of `mountinfo` (a mount's root is the part
//! of the hierarchy it shows: `/` on a host or in a private cgroup namespace, `/docker/<id>` in
//! a container that shares the host's); [`Cgroups::limits`] reads the limit files of that
//! directory and of its visible ancestors, because a limit set on a parent binds the children
//! too, and keeps the tightest. Files are read below a filesystem root (`/` live, a recorded tree
//! in tests); the paths reported are the process's own (`/sys/fs/cgroup/memory/…`).
//!
//! The "unlimited" spellings differ: v1 memory files hold `PAGE_COUNTER_MAX` pages in bytes
//! (9223372036854771712 with 4 KiB pages), `cpu.cfs_quota_us` holds -1, and v1 `pids.max` and
//! every v2 file say `max`.

use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::proc::{CgroupMembership, Mount, is_within};

/// Which cgroup hierarchies the process's mount namespace shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Only v1 hierarchies, one or more controllers each.
    V1,
    /// Only the unified v2 hierarchy.
    V2,
    /// v1 controller hierarchies and a v2 hierarchy (usually `/sys/fs/cgroup/unified`): each
    /// controller is in one of them.
    Hybrid,
}

/// The cgroup version of one hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Version {
    V1,
    V2,
}

/// One hierarchy the process belongs to, and where its cgroup is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hierarchy {
    pub version: Version,
    /// The v1 controllers of the hierarchy (`cpu`, `cpuacct`); for v2, those enabled for the
    /// process's cgroup (`cgroup.controllers`), when readable.
    pub controllers: Vec<String>,
    /// Where the hierarchy is mounted (`/sys/fs/cgroup/memory`).
    pub mount_point: String,
    /// The process's cgroup directory, in the process's mount namespace.
    pub dir: String,
}

/// A limit on an amount (bytes, tasks). In JSON `{"max": 67108864}` or `"unlimited"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    Max(u64),
    Unlimited,
}

impl Limit {
    pub fn value(self) -> Option<u64> {
        match self {
            Limit::Max(value) => Some(value),
            Limit::Unlimited => None,
        }
    }
}

/// A CPU bandwidth limit: `quota_us` of CPU time every `period_us` (`--cpus 0.5` is 50000 of
/// 100000). In JSON `{"quota": {"quota_us": 50000, "period_us": 100000}}` or `"unlimited"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CpuQuota {
    Unlimited,
    Quota { quota_us: u64, period_us: u64 },
}

impl CpuQuota {
    /// The number of CPUs the quota amounts to (`0.5`); `None` when unlimited.
    pub fn cpus(self) -> Option<f64> {
        match self {
            CpuQuota::Unlimited => None,
            #[allow(clippy::cast_precision_loss)]
            CpuQuota::Quota {
                quota_us,
                period_us,
            } => Some(quota_us as f64 / period_us.max(1) as f64),
        }
    }
}

/// The relative CPU weight of the cgroup (not a limit: it only matters under contention).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CpuWeight {
    /// v1 `cpu.shares` (default 1024).
    Shares(u64),
    /// v2 `cpu.weight` (default 100).
    Weight(u64),
}

/// What a limit is, and which file says so; or why it could not be told. In JSON
/// `{"known": {"value": …, "file": …}}` or `{"unknown": {"reason": …}}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reading<T> {
    Known {
        value: T,
        /// The file that set the value (the tightest along the path); `None` when no cgroup on
        /// the path has the file, so nothing limits the process.
        file: Option<String>,
    },
    Unknown {
        reason: String,
    },
}

impl<T: Copy> Reading<T> {
    pub fn value(&self) -> Option<T> {
        match self {
            Reading::Known { value, .. } => Some(*value),
            Reading::Unknown { .. } => None,
        }
    }
}

impl<T> Reading<T> {
    fn unknown(reason: impl Into<String>) -> Reading<T> {
        Reading::Unknown {
            reason: reason.into(),
        }
    }
}

/// The limits that bind a process.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Limits {
    pub memory: Reading<Limit>,
    /// Memory plus swap together, which is what `docker run --memory-swap` sets: v1
    /// `memory.memsw.limit_in_bytes`, v2 `memory.max` + `memory.swap.max`.
    pub memory_and_swap: Reading<Limit>,
    pub cpu_quota: Reading<CpuQuota>,
    pub cpu_weight: Reading<CpuWeight>,
    pub pids: Reading<Limit>,
}

/// A process's cgroups, located.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cgroups {
    /// `None` when no cgroup filesystem is mounted where the process can see it.
    pub layout: Option<Layout>,
    pub hierarchies: Vec<Hierarchy>,
    /// Memberships whose cgroup is not visible in any mount (the mount shows another part of
    /// the hierarchy, or the hierarchy is not mounted), as `<controllers>:<path>`.
    pub not_visible: Vec<String>,
    #[serde(skip)]
    fs_root: PathBuf,
}

impl Cgroups {
    /// Finds the process's cgroup directories. `fs_root` is where the process's `/` is (`/`
    /// when the process is the reader or shares its mount namespace; a recorded tree in tests);
    /// `mounts` and `memberships` are the process's `mountinfo` and `cgroup`.
    pub fn locate(fs_root: &Path, mounts: &[Mount], memberships: &[CgroupMembership]) -> Cgroups {
        let has_v1 = mounts.iter().any(|mount| mount.fs_type == "cgroup");
        let has_v2 = mounts.iter().any(|mount| mount.fs_type == "cgroup2");
        let layout = match (has_v1, has_v2) {
            (true, true) => Some(Layout::Hybrid),
            (true, false) => Some(Layout::V1),
            (false, true) => Some(Layout::V2),
            (false, false) => None,
        };
        let mut hierarchies = Vec::new();
        let mut not_visible = Vec::new();
        for membership in memberships {
            let candidates = mounts.iter().filter(|mount| {
                if membership.is_unified() {
                    mount.fs_type == "cgroup2"
                } else {
                    mount.fs_type == "cgroup"
                        && membership
                            .controllers
                            .iter()
                            .all(|controller| mount.super_options.contains(controller))
                }
            });
            // Prefer the mount under /sys/fs/cgroup when a hierarchy is mounted twice.
            let mut found = None;
            for mount in candidates {
                if let Some(relative) = relative_to(&membership.path, &mount.root) {
                    let dir = join(&mount.mount_point, &relative);
                    let standard = is_within(&mount.mount_point, "/sys/fs/cgroup");
                    if found.is_none() || standard {
                        found = Some((mount, dir));
                    }
                    if standard {
                        break;
                    }
                }
            }
            let Some((mount, dir)) = found else {
                if !membership
                    .controllers
                    .iter()
                    .any(|c| c.starts_with("name="))
                {
                    let controllers = membership.controllers.join(",");
                    not_visible.push(format!("{controllers}:{}", membership.path));
                }
                continue;
            };
            let (version, controllers) = if membership.is_unified() {
                let listed =
                    std::fs::read_to_string(below(fs_root, &dir).join("cgroup.controllers"))
                        .map(|text| text.split_whitespace().map(str::to_owned).collect())
                        .unwrap_or_default();
                (Version::V2, listed)
            } else {
                (Version::V1, membership.controllers.clone())
            };
            hierarchies.push(Hierarchy {
                version,
                controllers,
                mount_point: mount.mount_point.clone(),
                dir,
            });
        }
        Cgroups {
            layout,
            hierarchies,
            not_visible,
            fs_root: fs_root.to_owned(),
        }
    }

    /// The hierarchy that holds a controller: its v1 hierarchy when there is one, else the
    /// unified hierarchy (which may not have the controller enabled).
    pub fn hierarchy_of(&self, controller: &str) -> Option<&Hierarchy> {
        self.hierarchies
            .iter()
            .find(|hierarchy| {
                hierarchy.version == Version::V1
                    && hierarchy.controllers.iter().any(|c| c == controller)
            })
            .or_else(|| {
                self.hierarchies
                    .iter()
                    .find(|hierarchy| hierarchy.version == Version::V2)
            })
    }

    /// Reads every limit.
    pub fn limits(&self) -> Limits {
        Limits {
            memory: self.memory(),
            memory_and_swap: self.memory_and_swap(),
            cpu_quota: self.cpu_quota(),
            cpu_weight: self.cpu_weight(),
            pids: self.amount("pids", "pids.max", "pids.max"),
        }
    }

    fn memory(&self) -> Reading<Limit> {
        let Some(hierarchy) = self.hierarchy_of("memory") else {
            return self.missing("memory");
        };
        if hierarchy.version == Version::V1
            && let Some(reading) = self.hierarchical(hierarchy, "hierarchical_memory_limit")
        {
            return reading;
        }
        self.amount("memory", "memory.limit_in_bytes", "memory.max")
    }

    fn memory_and_swap(&self) -> Reading<Limit> {
        let Some(hierarchy) = self.hierarchy_of("memory") else {
            return self.missing("memory");
        };
        match hierarchy.version {
            Version::V1 => {
                let file = "memory.memsw.limit_in_bytes";
                if !self.path(&join(&hierarchy.dir, file)).exists()
                    && self.path(&hierarchy.dir).is_dir()
                {
                    return Reading::unknown(format!(
                        "swap accounting is off ({} has no {file}): swap use is not limited",
                        hierarchy.dir
                    ));
                }
                if let Some(reading) = self.hierarchical(hierarchy, "hierarchical_memsw_limit") {
                    return reading;
                }
                self.chain(hierarchy, file, parse_v1_amount)
            }
            Version::V2 => {
                let memory = self.amount("memory", "memory.limit_in_bytes", "memory.max");
                let swap = self.chain(hierarchy, "memory.swap.max", parse_v2_amount);
                match (memory, swap) {
                    (Reading::Unknown { reason }, _) | (_, Reading::Unknown { reason }) => {
                        Reading::Unknown { reason }
                    }
                    (
                        Reading::Known {
                            value: Limit::Max(memory),
                            ..
                        },
                        Reading::Known {
                            value: Limit::Max(swap),
                            file,
                        },
                    ) => Reading::Known {
                        value: Limit::Max(memory.saturating_add(swap)),
                        file,
                    },
                    (
                        Reading::Known {
                            value: Limit::Unlimited,
                            file,
                        },
                        _,
                    )
                    | (
                        _,
                        Reading::Known {
                            value: Limit::Unlimited,
                            file,
                        },
                    ) => Reading::Known {
                        value: Limit::Unlimited,
                        file,
                    },
                }
            }
        }
    }

    fn cpu_quota(&self) -> Reading<CpuQuota> {
        let Some(hierarchy) = self.hierarchy_of("cpu") else {
            return self.missing("cpu");
        };
        if let Some(reading) = self.not_enabled(hierarchy, "cpu") {
            return reading;
        }
        let mut tightest: Option<(CpuQuota, String)> = None;
        for dir in Self::ancestry(hierarchy) {
            let (quota, file) = match hierarchy.version {
                Version::V1 => {
                    let quota_file = join(&dir, "cpu.cfs_quota_us");
                    let quota = match self.read(&quota_file) {
                        Ok(Some(text)) => text,
                        Ok(None) => continue,
                        Err(reading) => return reading,
                    };
                    let quota: i64 = match quota.trim().parse() {
                        Ok(quota) => quota,
                        Err(_) => return bad_value(&quota_file, &quota),
                    };
                    if quota < 0 {
                        (CpuQuota::Unlimited, quota_file)
                    } else {
                        let period_file = join(&dir, "cpu.cfs_period_us");
                        let period = match self.read(&period_file) {
                            Ok(Some(text)) => text,
                            Ok(None) => continue,
                            Err(reading) => return reading,
                        };
                        let Ok(period) = period.trim().parse::<u64>() else {
                            return bad_value(&period_file, &period);
                        };
                        (
                            CpuQuota::Quota {
                                quota_us: quota.unsigned_abs(),
                                period_us: period,
                            },
                            quota_file,
                        )
                    }
                }
                Version::V2 => {
                    let file = join(&dir, "cpu.max");
                    let text = match self.read(&file) {
                        Ok(Some(text)) => text,
                        Ok(None) => continue,
                        Err(reading) => return reading,
                    };
                    let mut words = text.split_whitespace();
                    let quota = match (words.next(), words.next().map(str::parse::<u64>)) {
                        (Some("max"), _) => CpuQuota::Unlimited,
                        (Some(quota), Some(Ok(period))) => match quota.parse() {
                            Ok(quota) => CpuQuota::Quota {
                                quota_us: quota,
                                period_us: period,
                            },
                            Err(_) => return bad_value(&file, &text),
                        },
                        _ => return bad_value(&file, &text),
                    };
                    (quota, file)
                }
            };
            let tighter = match (&tightest, quota.cpus()) {
                (None, _) => true,
                (Some((held, _)), Some(cpus)) => held.cpus().is_none_or(|held| cpus < held),
                (Some(_), None) => false,
            };
            if tighter {
                tightest = Some((quota, file));
            }
        }
        match tightest {
            Some((value, file)) => Reading::Known {
                value,
                file: Some(file),
            },
            None => Reading::Known {
                value: CpuQuota::Unlimited,
                file: None,
            },
        }
    }

    fn cpu_weight(&self) -> Reading<CpuWeight> {
        let Some(hierarchy) = self.hierarchy_of("cpu") else {
            return self.missing("cpu");
        };
        let (name, wrap): (&str, fn(u64) -> CpuWeight) = match hierarchy.version {
            Version::V1 => ("cpu.shares", CpuWeight::Shares),
            Version::V2 => ("cpu.weight", CpuWeight::Weight),
        };
        let file = join(&hierarchy.dir, name);
        match self.read(&file) {
            Ok(Some(text)) => match text.trim().parse() {
                Ok(value) => Reading::Known {
                    value: wrap(value),
                    file: Some(file),
                },
                Err(_) => bad_value(&file, &text),
            },
            Ok(None) => Reading::unknown(format!("{file} does not exist")),
            Err(reading) => reading,
        }
    }

    /// A byte or task limit, tightest along the path.
    fn amount(&self, controller: &str, v1_file: &str, v2_file: &str) -> Reading<Limit> {
        let Some(hierarchy) = self.hierarchy_of(controller) else {
            return self.missing(controller);
        };
        if let Some(reading) = self.not_enabled(hierarchy, controller) {
            return reading;
        }
        match hierarchy.version {
            Version::V1 => self.chain(hierarchy, v1_file, parse_v1_amount),
            Version::V2 => self.chain(hierarchy, v2_file, parse_v2_amount),
        }
    }

    /// The tightest value of `file` in the process's cgroup and its visible ancestors.
    fn chain(
        &self,
        hierarchy: &Hierarchy,
        file: &str,
        parse: fn(&str) -> Option<Limit>,
    ) -> Reading<Limit> {
        if !self.path(&hierarchy.dir).is_dir() {
            return Reading::unknown(format!("{} does not exist", hierarchy.dir));
        }
        let mut tightest: Option<(Limit, String)> = None;
        for dir in Self::ancestry(hierarchy) {
            let path = join(&dir, file);
            let text = match self.read(&path) {
                Ok(Some(text)) => text,
                Ok(None) => continue,
                Err(reading) => return reading,
            };
            let Some(limit) = parse(&text) else {
                return bad_value(&path, &text);
            };
            if tightest.as_ref().is_none_or(|(held, _)| limit < *held) {
                tightest = Some((limit, path));
            }
        }
        match tightest {
            Some((value, file)) => Reading::Known {
                value,
                file: Some(file),
            },
            None => Reading::Known {
                value: Limit::Unlimited,
                file: None,
            },
        }
    }

    /// v1 `memory.stat`'s `hierarchical_*` value, which also counts ancestors the mount does
    /// not show; `None` when the file or the line is missing.
    fn hierarchical(&self, hierarchy: &Hierarchy, key: &str) -> Option<Reading<Limit>> {
        let file = join(&hierarchy.dir, "memory.stat");
        let text = match self.read(&file) {
            Ok(Some(text)) => text,
            Ok(None) => return None,
            Err(reading) => return Some(reading),
        };
        let value = text
            .lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix(' '))?;
        Some(match parse_v1_amount(value) {
            Some(limit) => Reading::Known {
                value: limit,
                file: Some(file),
            },
            None => bad_value(&file, value),
        })
    }

    /// For v2: the controller is not enabled for the cgroup, so nothing limits it.
    fn not_enabled<T>(&self, hierarchy: &Hierarchy, controller: &str) -> Option<Reading<T>>
    where
        T: From<Unlimited>,
    {
        (hierarchy.version == Version::V2
            && self
                .path(&join(&hierarchy.dir, "cgroup.controllers"))
                .exists()
            && !hierarchy.controllers.iter().any(|c| c == controller))
        .then(|| Reading::Known {
            value: T::from(Unlimited),
            file: None,
        })
    }

    /// The process's cgroup directory and its parents up to the mount point, leaf first.
    fn ancestry(hierarchy: &Hierarchy) -> Vec<String> {
        let mut dirs = vec![hierarchy.dir.clone()];
        let mut dir = hierarchy.dir.as_str();
        while dir != hierarchy.mount_point {
            let Some((parent, _)) = dir.rsplit_once('/') else {
                break;
            };
            let parent = if parent.is_empty() { "/" } else { parent };
            if !is_within(parent, &hierarchy.mount_point) {
                break;
            }
            dirs.push(parent.to_owned());
            dir = parent;
        }
        dirs
    }

    fn missing<T>(&self, controller: &str) -> Reading<T> {
        if self.layout.is_none() {
            Reading::unknown("no cgroup filesystem is mounted")
        } else if self.not_visible.iter().any(|entry| {
            entry
                .split_once(':')
                .is_some_and(|(controllers, _)| controllers.split(',').any(|c| c == controller))
        }) {
            Reading::unknown(format!(
                "the process's {controller} cgroup is outside the mounted part of the hierarchy"
            ))
        } else {
            Reading::unknown(format!(
                "no mounted cgroup hierarchy has the {controller} controller"
            ))
        }
    }

    /// The file's text; `Ok(None)` when it does not exist; an `Unknown` reading when it cannot
    /// be read.
    fn read<T>(&self, path: &str) -> Result<Option<String>, Reading<T>> {
        match std::fs::read_to_string(self.path(path)) {
            Ok(text) => Ok(Some(text)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(Reading::unknown(format!("cannot read {path}: {error}"))),
        }
    }

    fn path(&self, absolute: &str) -> PathBuf {
        below(&self.fs_root, absolute)
    }
}

/// The value a limit takes when nothing sets it.
pub struct Unlimited;

impl From<Unlimited> for Limit {
    fn from(_: Unlimited) -> Limit {
        Limit::Unlimited
    }
}

impl From<Unlimited> for CpuQuota {
    fn from(_: Unlimited) -> CpuQuota {
        CpuQuota::Unlimited
    }
}

fn bad_value<T>(file: &str, text: &str) -> Reading<T> {
    Reading::unknown(format!(
        "{file}: expected a number or `max`, found `{}`",
        text.trim()
    ))
}

/// Values at or above this are v1's "no limit": `PAGE_COUNTER_MAX` pages in bytes is
/// `i64::MAX` rounded down to the page size (9223372036854771712 with 4 KiB pages,
/// 9223372036854710272 with 64 KiB pages).
const V1_UNLIMITED_FROM: u64 = 0x7FFF_FFFF_FFFF_0000;

/// A v1 byte or task count (`pids.max` says `max`, `-1` was written by some tools).
fn parse_v1_amount(text: &str) -> Option<Limit> {
    let text = text.trim();
    if text == "max" || text == "-1" {
        return Some(Limit::Unlimited);
    }
    let value: u64 = text.parse().ok()?;
    Some(if value >= V1_UNLIMITED_FROM {
        Limit::Unlimited
    } else {
        Limit::Max(value)
    })
}

/// A v2 count: a number or `max`.
fn parse_v2_amount(text: &str) -> Option<Limit> {
    let text = text.trim();
    if text == "max" {
        return Some(Limit::Unlimited);
    }
    text.parse().ok().map(Limit::Max)
}

/// `path` relative to a mount's root, as an absolute path below the mount point; `None` when
/// the mount does not show it.
fn relative_to(path: &str, root: &str) -> Option<String> {
    if path.split('/').any(|part| part == "..") {
        return None;
    }
    if root == "/" {
        return Some(path.to_owned());
    }
    let rest = path.strip_prefix(root)?;
    if rest.is_empty() {
        Some("/".to_owned())
    } else if rest.starts_with('/') {
        Some(rest.to_owned())
    } else {
        None
    }
}

/// `/sys/fs/cgroup/memory` + `/docker/x` → `/sys/fs/cgroup/memory/docker/x`.
fn join(dir: &str, rest: &str) -> String {
    let rest = rest.trim_start_matches('/');
    if rest.is_empty() {
        dir.to_owned()
    } else if dir.ends_with('/') {
        format!("{dir}{rest}")
    } else {
        format!("{dir}/{rest}")
    }
}

/// An absolute path of the process's namespace, below the filesystem root it is read from.
fn below(fs_root: &Path, absolute: &str) -> PathBuf {
    fs_root.join(absolute.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::{Limit, join, parse_v1_amount, parse_v2_amount, relative_to};

    #[test]
    fn amounts() {
        assert_eq!(
            parse_v1_amount("9223372036854771712\n"),
            Some(Limit::Unlimited)
        );
        assert_eq!(
            parse_v1_amount("9223372036854710272"),
            Some(Limit::Unlimited)
        );
        assert_eq!(parse_v1_amount("67108864\n"), Some(Limit::Max(67_108_864)));
        assert_eq!(parse_v1_amount("max\n"), Some(Limit::Unlimited));
        assert_eq!(parse_v1_amount("64"), Some(Limit::Max(64)));
        assert_eq!(parse_v1_amount("lots"), None);
        assert_eq!(parse_v2_amount("max\n"), Some(Limit::Unlimited));
        assert_eq!(
            parse_v2_amount("134217728\n"),
            Some(Limit::Max(134_217_728))
        );
        assert_eq!(parse_v2_amount("-1"), None);
        assert!(Limit::Max(u64::MAX) < Limit::Unlimited);
    }

    #[test]
    fn paths_below_mount_roots() {
        assert_eq!(relative_to("/docker/a", "/").as_deref(), Some("/docker/a"));
        assert_eq!(relative_to("/docker/a", "/docker/a").as_deref(), Some("/"));
        assert_eq!(
            relative_to("/docker/a/sub", "/docker/a").as_deref(),
            Some("/sub")
        );
        assert_eq!(relative_to("/docker/ab", "/docker/a"), None);
        assert_eq!(relative_to("/other", "/docker/a"), None);
        assert_eq!(relative_to("/../../x", "/"), None);
        assert_eq!(join("/sys/fs/cgroup/memory", "/"), "/sys/fs/cgroup/memory");
        assert_eq!(join("/sys/fs/cgroup", "/a/b"), "/sys/fs/cgroup/a/b");
        assert_eq!(join("/", "x"), "/x");
    }
}
