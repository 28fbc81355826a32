//! What a container's init process really has, read on the engine's host, and how that
//! corrects the findings its configuration gave.
//!
//! Inspect output shows what the container was created with, not what the daemon added:
//! `no-new-privileges` in daemon.json, the daemon's seccomp profile, userns-remap and cgroup
//! limits set on a parent cgroup never appear in it, but they do appear in
//! `/proc/<State.Pid>/status`, `uid_map` and the cgroup files. [`read`] gathers those through
//! [`crate::proc`] and [`crate::cgroup`] and first makes sure that the pid is the container's
//! (its cgroup paths name the container's id), because an engine on another host or in another
//! pid namespace reports pids that mean something else here. [`reconcile`] then drops the
//! findings the process contradicts (with a note saying what is really in force) and lets those
//! it confirms cite it.

use std::path::Path;

use cofferdam_diagnostics::{Diagnostic, Severity};
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::cgroup::{Cgroups, CpuQuota, CpuWeight, Limit, Limits, Reading};
use crate::proc::{IdMap, Pid, ProcFs};

/// What the init process of a running container has.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Effective {
    /// The process as the engine's host numbers it (`State.Pid`).
    pub pid: u32,
    /// Effective capabilities, by name.
    pub capabilities: Vec<String>,
    /// The bounding set: what the process or a program it runs can still gain.
    pub bounding: Vec<String>,
    pub no_new_privs: bool,
    /// 0 none, 1 strict, 2 filter.
    pub seccomp_mode: u8,
    pub seccomp_filters: u32,
    /// The effective uid as the host sees it.
    pub uid: u32,
    /// The effective uid inside the container (differs from `uid` under userns-remap).
    pub uid_in_container: u32,
    /// Whether the process is in a user namespace of its own (userns-remap, rootless engine).
    pub user_namespace: bool,
    /// The cgroup limits that bind the process; `None` when its cgroups cannot be located.
    #[serde(serialize_with = "serialize_limits")]
    pub limits: Option<Limits>,
    /// `RLIMIT_NOFILE` from `/proc/<pid>/limits`: the daemon's default ulimits or the
    /// container's own show here; `None` when unreadable.
    pub open_files: Option<Rlimit>,
    /// `RLIMIT_NPROC` (per user, across containers sharing the uid).
    pub processes: Option<Rlimit>,
}

/// A resource limit's soft and hard values; `None` is unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rlimit {
    pub soft: Option<u64>,
    pub hard: Option<u64>,
}

impl Serialize for Rlimit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = |limit: Option<u64>| {
            limit.map_or_else(|| serde_json::json!("unlimited"), |n| serde_json::json!(n))
        };
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("soft", &value(self.soft))?;
        map.serialize_entry("hard", &value(self.hard))?;
        map.end()
    }
}

/// Reads one limit (`Max open files`) from `/proc/<pid>/limits` text.
pub fn rlimit(text: &str, name: &str) -> Option<Rlimit> {
    let line = text.lines().find(|line| line.starts_with(name))?;
    let mut words = line[name.len()..].split_whitespace();
    let parse = |word: Option<&str>| match word? {
        "unlimited" => Some(None),
        number => number.parse().ok().map(Some),
    };
    Some(Rlimit {
        soft: parse(words.next())?,
        hard: parse(words.next())?,
    })
}

/// Reads the init process `pid` of container `id` below `root` (`/` live; a recorded tree in
/// tests). The error says why nothing could be read, for a note.
pub fn read(root: &Path, pid: u32, id: &str) -> Result<Effective, String> {
    let proc = ProcFs::new(root.join("proc"));
    let process = proc.process(Pid::Id(pid));
    let memberships = process
        .cgroups()
        .map_err(|error| format!("cannot read its process {pid}: {error}"))?;
    // Every cgroup driver names the container in the path: `/docker/<id>` (cgroupfs),
    // `/system.slice/docker-<id>.scope` (systemd), and nested engines add a prefix.
    if id.len() < 12 || !memberships.iter().any(|line| line.path.contains(id)) {
        return Err(format!(
            "process {pid} here is not the container's (its cgroups do not name the container): \
             the engine runs on another host or in another pid namespace"
        ));
    }
    let privileges = process
        .privileges()
        .map_err(|error| format!("cannot read its process {pid}: {error}"))?;
    let uid = privileges.uids[1];
    let (uid_in_container, user_namespace) = match process.uid_map() {
        Ok(map) if !map.is_identity() => (to_inside(&map, uid).unwrap_or(uid), true),
        _ => (uid, false),
    };
    let limits = proc
        .process(Pid::Current)
        .mountinfo()
        .ok()
        .map(|mounts| Cgroups::locate(root, &mounts, &memberships).limits());
    let rlimits = process.read("limits").ok();
    let rlimits = rlimits.as_deref().unwrap_or_default();
    Ok(Effective {
        pid,
        capabilities: privileges.effective.names(),
        bounding: privileges.bounding.names(),
        no_new_privs: privileges.no_new_privs,
        seccomp_mode: privileges.seccomp_mode,
        seccomp_filters: privileges.seccomp_filters.unwrap_or(0),
        uid,
        uid_in_container,
        user_namespace,
        limits,
        open_files: rlimit(rlimits, "Max open files"),
        processes: rlimit(rlimits, "Max processes"),
    })
}

/// The id inside a user namespace that `outside` in the parent is.
fn to_inside(map: &IdMap, outside: u32) -> Option<u32> {
    map.ranges.iter().find_map(|range| {
        let offset = outside.checked_sub(range.outside)?;
        (offset < range.count).then(|| range.inside.wrapping_add(offset))
    })
}

/// Rule codes whose findings the process's state can confirm or contradict.
const NO_NEW_PRIVILEGES: &str = "PRV002";
const SECCOMP_UNCONFINED: &str = "SCP001";
const RUNS_AS_ROOT: &str = "USR004";
const CAPABILITIES_NOT_DROPPED: &str = "CAP001";
const MEMORY_NOT_LIMITED: &str = "RES001";
const CPU_NOT_LIMITED: &str = "RES002";
const PIDS_NOT_LIMITED: &str = "RES003";

/// Corrects the findings of container `name` with what its init process has: findings it
/// contradicts are removed and a note says what is in force instead; findings it confirms get
/// the evidence added to their message. Returns the notes. `config_keeps_seccomp` says whether
/// the configuration leaves seccomp on (so that a process without it is worth a note).
pub fn reconcile(
    diagnostics: &mut Vec<Diagnostic>,
    name: &str,
    effective: &Effective,
    config_keeps_seccomp: bool,
) -> Vec<String> {
    let mut notes = Vec::new();
    let status = format!("/proc/{}/status", effective.pid);
    diagnostics.retain_mut(|diagnostic| {
        if diagnostic.service.as_deref() != Some(name) {
            return true;
        }
        match diagnostic.rule.code {
            NO_NEW_PRIVILEGES if effective.no_new_privs => {
                notes.push(format!(
                    "{name}: {NO_NEW_PRIVILEGES} not reported: its configuration does not set \
                     no-new-privileges, but its init process has no_new_privs (NoNewPrivs: 1 in \
                     {status}), so the daemon's default applies"
                ));
                false
            }
            NO_NEW_PRIVILEGES => {
                cite(diagnostic, &format!("{status} shows NoNewPrivs: 0"));
                true
            }
            SECCOMP_UNCONFINED if effective.seccomp_mode == 0 => {
                cite(diagnostic, &format!("{status} shows Seccomp: 0"));
                true
            }
            SECCOMP_UNCONFINED => {
                cite(
                    diagnostic,
                    &format!(
                        "its init process is filtered all the same (Seccomp: {}, {} filters in \
                         {status}), by a filter of its own",
                        effective.seccomp_mode, effective.seccomp_filters
                    ),
                );
                true
            }
            RUNS_AS_ROOT if effective.user_namespace && effective.uid != 0 => {
                cite(
                    diagnostic,
                    &format!(
                        "a user namespace maps it to unprivileged uid {} on the host \
                         (userns-remap)",
                        effective.uid
                    ),
                );
                diagnostic.severity = diagnostic.severity.min(Severity::Low);
                true
            }
            RUNS_AS_ROOT if effective.uid_in_container != 0 => {
                cite(
                    diagnostic,
                    &format!(
                        "its init process has dropped to uid {} (its entrypoint switches \
                         user), though `docker exec` still enters as root",
                        effective.uid_in_container
                    ),
                );
                true
            }
            RUNS_AS_ROOT => {
                cite(diagnostic, &format!("{status} shows uid 0"));
                true
            }
            CAPABILITIES_NOT_DROPPED if effective.bounding.is_empty() => {
                notes.push(format!(
                    "{name}: {CAPABILITIES_NOT_DROPPED} not reported: its configuration drops \
                     no capabilities, but its init process's bounding set is empty ({status})"
                ));
                false
            }
            CAPABILITIES_NOT_DROPPED => {
                cite(
                    diagnostic,
                    &format!(
                        "its init process can hold {} capabilities ({status})",
                        effective.bounding.len()
                    ),
                );
                true
            }
            MEMORY_NOT_LIMITED | PIDS_NOT_LIMITED => {
                let (reading, what, unit) = match (diagnostic.rule.code, &effective.limits) {
                    (MEMORY_NOT_LIMITED, Some(limits)) => (&limits.memory, "memory", "bytes"),
                    (_, Some(limits)) => (&limits.pids, "process", "processes"),
                    (_, None) => return true,
                };
                match reading {
                    Reading::Known {
                        value: Limit::Max(max),
                        file,
                    } => {
                        notes.push(format!(
                            "{name}: {} not reported: its configuration sets no {what} limit, \
                             but its cgroup is limited to {max} {unit} by {}",
                            diagnostic.rule.code,
                            file.as_deref().unwrap_or("a parent cgroup")
                        ));
                        false
                    }
                    Reading::Known {
                        value: Limit::Unlimited,
                        ..
                    } => {
                        cite(diagnostic, "its cgroup confirms: no limit");
                        true
                    }
                    Reading::Unknown { .. } => true,
                }
            }
            CPU_NOT_LIMITED => match effective.limits.as_ref().map(|limits| &limits.cpu_quota) {
                Some(Reading::Known {
                    value: quota @ CpuQuota::Quota { .. },
                    file,
                }) => {
                    notes.push(format!(
                        "{name}: {CPU_NOT_LIMITED} not reported: its configuration sets no CPU \
                         limit, but its cgroup is limited to {} CPUs by {}",
                        quota.cpus().unwrap_or_default(),
                        file.as_deref().unwrap_or("a parent cgroup")
                    ));
                    false
                }
                Some(Reading::Known {
                    value: CpuQuota::Unlimited,
                    ..
                }) => {
                    cite(diagnostic, "its cgroup confirms: no CPU quota");
                    true
                }
                _ => true,
            },
            _ => true,
        }
    });
    if config_keeps_seccomp && effective.seccomp_mode == 0 {
        notes.push(format!(
            "{name}: its configuration keeps the default seccomp profile, but its init process \
             runs without seccomp (Seccomp: 0 in {status}): the daemon's profile is \
             unconfined or seccomp is disabled"
        ));
    }
    notes
}

/// Adds what the process shows to a finding's message.
fn cite(diagnostic: &mut Diagnostic, evidence: &str) {
    diagnostic.message.push_str("; ");
    diagnostic.message.push_str(evidence);
}

/// The limits in a shape of their own, independent of how the cgroup reader serialises:
/// `{"memory": {"value": 67108864, "file": "…"}, "cpus": {"value": 0.5, …}, "pids": …}`, with
/// `"unlimited"` where nothing binds and `{"unknown": "why"}` where the files could not be read.
// serde's `serialize_with` hands over a reference to the field itself.
#[allow(clippy::ref_option)]
fn serialize_limits<S: serde::Serializer>(
    limits: &Option<Limits>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let Some(limits) = limits else {
        return serializer.serialize_none();
    };
    let amount = |reading: &Reading<Limit>| {
        reading_json(reading, |limit| match limit {
            Limit::Max(value) => serde_json::json!(value),
            Limit::Unlimited => serde_json::json!("unlimited"),
        })
    };
    let mut map = serializer.serialize_map(Some(5))?;
    map.serialize_entry("memory", &amount(&limits.memory))?;
    map.serialize_entry("memory_and_swap", &amount(&limits.memory_and_swap))?;
    map.serialize_entry(
        "cpus",
        &reading_json(&limits.cpu_quota, |quota| match quota.cpus() {
            Some(cpus) => serde_json::json!(cpus),
            None => serde_json::json!("unlimited"),
        }),
    )?;
    map.serialize_entry(
        "cpu_weight",
        &reading_json(&limits.cpu_weight, |weight| match weight {
            CpuWeight::Shares(shares) => serde_json::json!({"shares": shares}),
            CpuWeight::Weight(weight) => serde_json::json!({"weight": weight}),
        }),
    )?;
    map.serialize_entry("pids", &amount(&limits.pids))?;
    map.end()
}

fn reading_json<T: Copy>(
    reading: &Reading<T>,
    value: impl Fn(T) -> serde_json::Value,
) -> serde_json::Value {
    match reading {
        Reading::Known { value: known, file } => {
            serde_json::json!({"value": value(*known), "file": file})
        }
        Reading::Unknown { reason } => serde_json::json!({ "unknown": reason }),
    }
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::{Diagnostic, RuleMeta, TextRange};

    use super::*;

    fn meta(code: &'static str) -> &'static RuleMeta {
        cofferdam_linter::rules::RULES
            .iter()
            .map(|rule| rule.meta)
            .find(|meta| meta.code == code)
            .unwrap_or_else(|| panic!("rule {code}"))
    }

    fn finding(code: &'static str, service: &str) -> Diagnostic {
        Diagnostic::new(meta(code), TextRange::new(0, 1), "message").with_service(service)
    }

    fn known<T>(value: T, file: &str) -> Reading<T> {
        Reading::Known {
            value,
            file: Some(file.to_owned()),
        }
    }

    fn process() -> Effective {
        Effective {
            pid: 4242,
            capabilities: vec!["CHOWN".to_owned()],
            bounding: vec!["CHOWN".to_owned(), "NET_RAW".to_owned()],
            no_new_privs: false,
            seccomp_mode: 2,
            seccomp_filters: 1,
            uid: 0,
            uid_in_container: 0,
            user_namespace: false,
            limits: Some(Limits {
                memory: Reading::Known {
                    value: Limit::Unlimited,
                    file: None,
                },
                memory_and_swap: Reading::Known {
                    value: Limit::Unlimited,
                    file: None,
                },
                cpu_quota: known(CpuQuota::Unlimited, "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
                cpu_weight: known(CpuWeight::Shares(1024), "/sys/fs/cgroup/cpu/cpu.shares"),
                pids: Reading::Unknown {
                    reason: "no pids controller".to_owned(),
                },
            }),
            open_files: Some(Rlimit {
                soft: Some(1_048_576),
                hard: Some(1_048_576),
            }),
            processes: None,
        }
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
        diagnostics.iter().map(|d| d.rule.code).collect()
    }

    #[test]
    fn confirmed_findings_cite_the_process() {
        let mut diagnostics = vec![
            finding("PRV002", "web"),
            finding("USR004", "web"),
            finding("RES001", "web"),
            finding("RES002", "web"),
            finding("RES003", "web"),
            finding("CAP001", "web"),
            finding("PRV002", "other"),
        ];
        let notes = reconcile(&mut diagnostics, "web", &process(), true);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            codes(&diagnostics),
            [
                "PRV002", "USR004", "RES001", "RES002", "RES003", "CAP001", "PRV002"
            ]
        );
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "message; /proc/4242/status shows NoNewPrivs: 0",
                "message; /proc/4242/status shows uid 0",
                "message; its cgroup confirms: no limit",
                "message; its cgroup confirms: no CPU quota",
                // The pids files could not be read: nothing to add.
                "message",
                "message; its init process can hold 2 capabilities (/proc/4242/status)",
                // Another container's finding is left alone.
                "message",
            ]
        );
    }

    #[test]
    fn contradicted_findings_are_dropped_with_what_is_in_force() {
        let mut effective = process();
        effective.no_new_privs = true;
        effective.bounding.clear();
        let limits = effective.limits.as_mut().unwrap();
        limits.memory = known(
            Limit::Max(512 << 20),
            "/sys/fs/cgroup/memory/app.slice/memory.limit_in_bytes",
        );
        limits.pids = known(Limit::Max(100), "/sys/fs/cgroup/pids/app.slice/pids.max");
        limits.cpu_quota = known(
            CpuQuota::Quota {
                quota_us: 50_000,
                period_us: 100_000,
            },
            "/sys/fs/cgroup/cpu/app.slice/cpu.cfs_quota_us",
        );
        let mut diagnostics = vec![
            finding("PRV002", "web"),
            finding("CAP001", "web"),
            finding("RES001", "web"),
            finding("RES002", "web"),
            finding("RES003", "web"),
            finding("HLT001", "web"),
        ];
        let notes = reconcile(&mut diagnostics, "web", &effective, true);
        assert_eq!(codes(&diagnostics), ["HLT001"]);
        assert_eq!(
            notes,
            [
                "web: PRV002 not reported: its configuration does not set no-new-privileges, but its init process has no_new_privs (NoNewPrivs: 1 in /proc/4242/status), so the daemon's default applies",
                "web: CAP001 not reported: its configuration drops no capabilities, but its init process's bounding set is empty (/proc/4242/status)",
                "web: RES001 not reported: its configuration sets no memory limit, but its cgroup is limited to 536870912 bytes by /sys/fs/cgroup/memory/app.slice/memory.limit_in_bytes",
                "web: RES002 not reported: its configuration sets no CPU limit, but its cgroup is limited to 0.5 CPUs by /sys/fs/cgroup/cpu/app.slice/cpu.cfs_quota_us",
                "web: RES003 not reported: its configuration sets no process limit, but its cgroup is limited to 100 processes by /sys/fs/cgroup/pids/app.slice/pids.max",
            ]
        );
    }

    #[test]
    fn remapped_root_is_low_and_says_where_it_lands() {
        let mut effective = process();
        effective.user_namespace = true;
        effective.uid = 100_000;
        let mut diagnostics = vec![finding("USR004", "web").with_severity(Severity::High)];
        reconcile(&mut diagnostics, "web", &effective, true);
        assert_eq!(diagnostics[0].severity, Severity::Low);
        assert_eq!(
            diagnostics[0].message,
            "message; a user namespace maps it to unprivileged uid 100000 on the host (userns-remap)"
        );
    }

    #[test]
    fn seccomp_the_configuration_does_not_show() {
        let mut effective = process();
        effective.seccomp_mode = 0;
        let mut diagnostics = vec![finding("SCP001", "web")];
        let notes = reconcile(&mut diagnostics, "web", &effective, false);
        assert!(notes.is_empty());
        assert_eq!(
            diagnostics[0].message,
            "message; /proc/4242/status shows Seccomp: 0"
        );
        // Configured with the default profile, running without one: the daemon's doing.
        let notes = reconcile(&mut Vec::new(), "web", &effective, true);
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].contains("runs without seccomp (Seccomp: 0"),
            "{notes:?}"
        );
    }

    #[test]
    fn limits_serialise_in_their_own_shape() {
        let json = serde_json::to_value(process()).unwrap();
        assert_eq!(
            json["limits"],
            serde_json::json!({
                "memory": {"value": "unlimited", "file": null},
                "memory_and_swap": {"value": "unlimited", "file": null},
                "cpus": {"value": "unlimited", "file": "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"},
                "cpu_weight": {"value": {"shares": 1024}, "file": "/sys/fs/cgroup/cpu/cpu.shares"},
                "pids": {"unknown": "no pids controller"},
            })
        );
        assert_eq!(json["uid_in_container"], 0);
        assert_eq!(
            json["open_files"],
            serde_json::json!({"soft": 1_048_576, "hard": 1_048_576})
        );
        assert_eq!(json["processes"], serde_json::Value::Null);
        assert_eq!(json["bounding"], serde_json::json!(["CHOWN", "NET_RAW"]));
    }

    #[test]
    fn resource_limits_are_read_from_proc_limits() {
        let text = "Limit                     Soft Limit           Hard Limit           Units     \n\
                    Max processes             unlimited            unlimited            processes \n\
                    Max open files            256                  512                  files     \n";
        assert_eq!(
            rlimit(text, "Max open files"),
            Some(Rlimit {
                soft: Some(256),
                hard: Some(512)
            })
        );
        assert_eq!(
            rlimit(text, "Max processes"),
            Some(Rlimit {
                soft: None,
                hard: None
            })
        );
        assert_eq!(rlimit(text, "Max locked memory"), None);
        assert_eq!(rlimit("Max open files  lots  1\n", "Max open files"), None);
    }

    /// A pid whose cgroups do not name the container is some other process: nothing is read.
    #[test]
    fn a_pid_of_another_namespace_is_not_taken_for_the_container() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("proc/77");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("cgroup"), "4:memory:/user.slice\n0::/user.slice\n").unwrap();
        std::fs::write(dir.join("status"), "Uid:\t0\t0\t0\t0\n").unwrap();
        let error = read(root.path(), 77, "0123456789abcdef0123").unwrap_err();
        assert!(error.contains("is not the container's"), "{error}");
        std::fs::write(
            dir.join("cgroup"),
            "4:memory:/docker/0123456789abcdef0123\n0::/docker/0123456789abcdef0123\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("status"),
            "Uid:\t100000\t100000\t100000\t100000\nCapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n",
        )
        .unwrap();
        std::fs::write(dir.join("uid_map"), "         0     100000      65536\n").unwrap();
        std::fs::write(
            dir.join("limits"),
            "Limit                     Soft Limit           Hard Limit           Units     \nMax open files            1024                 4096                 files     \n",
        )
        .unwrap();
        let effective = read(root.path(), 77, "0123456789abcdef0123").unwrap();
        assert!(effective.user_namespace);
        assert_eq!((effective.uid, effective.uid_in_container), (100_000, 0));
        assert!(effective.no_new_privs);
        assert_eq!(effective.bounding.len(), 14);
        assert_eq!(
            effective.open_files,
            Some(Rlimit {
                soft: Some(1024),
                hard: Some(4096)
            })
        );
        assert_eq!(effective.processes, None);
        // No mount table for this reader in the tree: the limits cannot be located.
        assert_eq!(effective.limits, None);
    }
}
