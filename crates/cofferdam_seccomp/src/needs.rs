//! Which capabilities a recorded program showed it needs, from the syscalls it made and their
//! arguments: the evidence behind a suggested `cap_drop: [ALL]` plus a minimal `cap_add`.
//!
//! The recorder sees each call at entry, before the kernel decides, so a call is evidence
//! whether or not it succeeded in the recording (a recording as an unprivileged user still
//! shows what the program attempts). A capability is suggested only when a call needs it by
//! the kernel's rules for the caller's credentials at that moment: binding a port below 1024
//! (`NET_BIND_SERVICE`), changing a file's owner to someone else (`CHOWN`), switching to
//! another user or group (`SETUID`, `SETGID`, any `setgroups`), signalling another user's
//! process (`KILL`), creating device nodes (`MKNOD`), raw and packet sockets (`NET_RAW`),
//! `chroot` (`SYS_CHROOT`), opening, creating or changing the mode of a file whose owner and
//! mode bits do not let the caller (`DAC_OVERRIDE`, `DAC_READ_SEARCH`, `FOWNER`), file
//! capabilities (`SETFCAP`), and the calls that need capabilities Docker does not grant by
//! default (`mount` and namespaces: `SYS_ADMIN`; `ptrace` of another user's process:
//! `SYS_PTRACE`; setting the clock: `SYS_TIME`; kernel modules; raised priorities: `SYS_NICE`).
//!
//! Only what the run exercised is known, and only on the host's native ABI (32-bit compat
//! calls are recorded in the profile but not judged here). Not detected: limits raised past
//! the hard limit (`SYS_RESOURCE`), locked memory past `RLIMIT_MEMLOCK` (`IPC_LOCK`),
//! `FSETID`, `LINUX_IMMUTABLE` and network configuration through `ioctl` (`NET_ADMIN`).

// Syscall arguments are raw register words; each is read as the C type the syscall gives it
// (an `int` pid, a `uid_t`), which is what these casts do.
#![allow(clippy::cast_possible_wrap, clippy::cast_sign_loss)]

use std::collections::{BTreeMap, HashMap};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use crate::arch::Arch;
use crate::caps::Capability;
use crate::trace::{self, Call};

/// Examples kept per capability.
const MAX_EXAMPLES: usize = 3;

/// Why one capability is needed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Need {
    /// Calls that needed it.
    pub calls: u64,
    /// Distinct examples in the order first seen, at most three: `bind to port 80
    /// (/usr/sbin/nginx)`.
    pub examples: Vec<String>,
}

/// The capabilities a recording showed a need for, by capability.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CapabilityNeeds {
    pub needs: BTreeMap<Capability, Need>,
}

impl CapabilityNeeds {
    fn add(&mut self, capability: Capability, example: String) {
        let need = self.needs.entry(capability).or_default();
        need.calls += 1;
        if need.examples.len() < MAX_EXAMPLES && !need.examples.contains(&example) {
            need.examples.push(example);
        }
    }

    /// The suggested `cap_add`, by name (`CHOWN`), in bit order.
    pub fn cap_add(&self) -> Vec<&'static str> {
        self.needs
            .keys()
            .map(|capability| capability.name())
            .collect()
    }
}

/// How a watched syscall is judged; argument positions are the syscall's own.
#[derive(Clone, Copy, Debug)]
enum Watch {
    /// `bind(fd, addr, len)`.
    Bind,
    /// `socket(domain, type, protocol)`.
    Socket,
    /// `chown`-like: the uid at `ids`, the gid after it.
    Chown {
        ids: usize,
    },
    /// `setuid`-like: `count` ids from the first argument; gids when `group`.
    SetIds {
        count: usize,
        group: bool,
    },
    SetGroups,
    /// `kill`-like: the target pid at argument 0.
    Kill,
    /// `mknod`-like: the mode at `mode`.
    Mknod {
        mode: usize,
    },
    /// `open`-like: the path at `path`, relative to the directory fd before it when `at`, the
    /// flags at `flags` (`None`: `creat`, which is `O_CREAT|O_WRONLY|O_TRUNC`; `Some(usize::MAX)`:
    /// `openat2`'s `struct open_how` at argument 2).
    Open {
        at: bool,
        path: usize,
        flags: Option<usize>,
    },
    /// `chmod`-like on a path (`at`: after a directory fd) or, with `fd`, on a file descriptor.
    Chmod {
        at: bool,
        fd: bool,
    },
    /// `setxattr`-like: the attribute name at argument 1.
    SetXattr,
    /// `prctl(option, …)`.
    Prctl,
    /// `unshare(flags)` / `clone(flags, …)`.
    Namespaces,
    /// `clone3(args, size)`: flags are the first field.
    Clone3,
    /// `ptrace(request, pid, …)`.
    Ptrace,
    /// `process_vm_readv(pid, …)`.
    ProcessVm,
    /// `setpriority(which, who, prio)`.
    SetPriority,
    /// `sched_setscheduler(pid, policy, param)`.
    SetScheduler,
    /// `syslog(type, …)`.
    Syslog,
    /// `setsockopt(fd, level, name, value, len)`.
    SetSockOpt,
    /// Always needs a capability.
    Always(u32, &'static str),
}

/// `setuid`-like calls taking `count` uids.
const fn uids(count: usize) -> Watch {
    Watch::SetIds {
        count,
        group: false,
    }
}

/// `setgid`-like calls taking `count` gids.
const fn gids(count: usize) -> Watch {
    Watch::SetIds { count, group: true }
}

/// `open`-like calls: see [`Watch::Open`].
const fn open(at: bool, path: usize, flags: Option<usize>) -> Watch {
    Watch::Open { at, path, flags }
}

const WATCHED: &[(&str, Watch)] = &[
    ("bind", Watch::Bind),
    ("socket", Watch::Socket),
    ("chown", Watch::Chown { ids: 1 }),
    ("lchown", Watch::Chown { ids: 1 }),
    ("fchown", Watch::Chown { ids: 1 }),
    ("fchownat", Watch::Chown { ids: 2 }),
    ("setuid", uids(1)),
    ("setreuid", uids(2)),
    ("setresuid", uids(3)),
    ("setfsuid", uids(1)),
    ("setgid", gids(1)),
    ("setregid", gids(2)),
    ("setresgid", gids(3)),
    ("setfsgid", gids(1)),
    ("setgroups", Watch::SetGroups),
    ("kill", Watch::Kill),
    ("tkill", Watch::Kill),
    ("tgkill", Watch::Kill),
    ("mknod", Watch::Mknod { mode: 1 }),
    ("mknodat", Watch::Mknod { mode: 2 }),
    ("open", open(false, 0, Some(1))),
    ("openat", open(true, 1, Some(2))),
    ("openat2", open(true, 1, Some(usize::MAX))),
    ("creat", open(false, 0, None)),
    (
        "chmod",
        Watch::Chmod {
            at: false,
            fd: false,
        },
    ),
    (
        "fchmod",
        Watch::Chmod {
            at: false,
            fd: true,
        },
    ),
    (
        "fchmodat",
        Watch::Chmod {
            at: true,
            fd: false,
        },
    ),
    (
        "fchmodat2",
        Watch::Chmod {
            at: true,
            fd: false,
        },
    ),
    ("setxattr", Watch::SetXattr),
    ("lsetxattr", Watch::SetXattr),
    ("fsetxattr", Watch::SetXattr),
    ("prctl", Watch::Prctl),
    ("unshare", Watch::Namespaces),
    ("clone", Watch::Namespaces),
    ("clone3", Watch::Clone3),
    ("ptrace", Watch::Ptrace),
    ("process_vm_readv", Watch::ProcessVm),
    ("process_vm_writev", Watch::ProcessVm),
    ("setpriority", Watch::SetPriority),
    ("sched_setscheduler", Watch::SetScheduler),
    ("syslog", Watch::Syslog),
    ("setsockopt", Watch::SetSockOpt),
    (
        "chroot",
        Watch::Always(SYS_CHROOT, "changes its root directory"),
    ),
    ("mount", Watch::Always(SYS_ADMIN, "mounts a filesystem")),
    ("umount2", Watch::Always(SYS_ADMIN, "unmounts a filesystem")),
    (
        "pivot_root",
        Watch::Always(SYS_ADMIN, "changes the root mount"),
    ),
    ("swapon", Watch::Always(SYS_ADMIN, "enables swap")),
    ("swapoff", Watch::Always(SYS_ADMIN, "disables swap")),
    (
        "sethostname",
        Watch::Always(SYS_ADMIN, "sets the host name"),
    ),
    (
        "setdomainname",
        Watch::Always(SYS_ADMIN, "sets the domain name"),
    ),
    ("setns", Watch::Always(SYS_ADMIN, "joins another namespace")),
    ("quotactl", Watch::Always(SYS_ADMIN, "manages disk quotas")),
    (
        "fanotify_init",
        Watch::Always(SYS_ADMIN, "watches filesystems"),
    ),
    (
        "open_by_handle_at",
        Watch::Always(
            DAC_READ_SEARCH,
            "opens files by handle, bypassing directory permissions",
        ),
    ),
    (
        "init_module",
        Watch::Always(SYS_MODULE, "loads a kernel module"),
    ),
    (
        "finit_module",
        Watch::Always(SYS_MODULE, "loads a kernel module"),
    ),
    (
        "delete_module",
        Watch::Always(SYS_MODULE, "unloads a kernel module"),
    ),
    (
        "iopl",
        Watch::Always(SYS_RAWIO, "raises its I/O privilege level"),
    ),
    ("ioperm", Watch::Always(SYS_RAWIO, "accesses I/O ports")),
    ("reboot", Watch::Always(SYS_BOOT, "reboots or halts")),
    (
        "acct",
        Watch::Always(SYS_PACCT, "switches process accounting"),
    ),
    (
        "settimeofday",
        Watch::Always(SYS_TIME, "sets the system clock"),
    ),
    (
        "clock_settime",
        Watch::Always(SYS_TIME, "sets a system clock"),
    ),
    (
        "vhangup",
        Watch::Always(SYS_TTY_CONFIG, "hangs up the terminal"),
    ),
    ("bpf", Watch::Always(BPF, "loads BPF programs or maps")),
    (
        "perf_event_open",
        Watch::Always(PERFMON, "opens performance monitoring events"),
    ),
];

/// `CLONE_NEW*` flags other than `CLONE_NEWUSER` (which brings its own capabilities).
const CLONE_NEW_NOT_USER: u64 = 0x0002_0000 // NEWNS
    | 0x0200_0000 // NEWCGROUP
    | 0x0400_0000 // NEWUTS
    | 0x0800_0000 // NEWIPC
    | 0x2000_0000 // NEWPID
    | 0x4000_0000 // NEWNET
    | 0x80; // NEWTIME
const CLONE_NEWUSER: u64 = 0x1000_0000;

/// A task's credentials, from `/proc/<pid>/status`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Creds {
    /// Real, effective, saved, filesystem.
    uid: [u32; 4],
    gid: [u32; 4],
    groups: Vec<u32>,
}

impl Creds {
    fn parse(status: &str) -> Option<Creds> {
        let ids = |key: &str| -> Option<[u32; 4]> {
            let line = status.lines().find_map(|line| line.strip_prefix(key))?;
            let mut values = line.split_whitespace().map(|word| word.parse().ok());
            Some([
                values.next()??,
                values.next()??,
                values.next()??,
                values.next()??,
            ])
        };
        let groups = status
            .lines()
            .find_map(|line| line.strip_prefix("Groups:"))
            .map(|line| {
                line.split_whitespace()
                    .filter_map(|word| word.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        Some(Creds {
            uid: ids("Uid:")?,
            gid: ids("Gid:")?,
            groups,
        })
    }

    fn in_group(&self, gid: u32) -> bool {
        self.gid[3] == gid || self.groups.contains(&gid)
    }

    /// Whether the owner, group and mode bits grant `want` (4 read, 2 write, 1 search/execute).
    fn permits(&self, metadata: &std::fs::Metadata, want: u32) -> bool {
        let mode = metadata.mode();
        let bits = if metadata.uid() == self.uid[3] {
            mode >> 6
        } else if self.in_group(metadata.gid()) {
            mode >> 3
        } else {
            mode
        } & 7;
        bits & want == want
    }
}

/// Watches the calls of a recording and collects the capability evidence.
pub(crate) struct Watcher {
    watched: HashMap<u64, (&'static str, Watch)>,
    tasks: HashMap<i32, Task>,
    needs: CapabilityNeeds,
}

/// What is known about one traced task, read once: its credentials (until it changes them),
/// its program, and its memory.
struct Task {
    creds: Option<Creds>,
    /// Read when the first need is found: most tasks never need it.
    program: Option<String>,
    memory: Option<std::fs::File>,
}

impl Watcher {
    pub(crate) fn new(arch: Arch) -> Watcher {
        let watched = WATCHED
            .iter()
            .filter_map(|(name, watch)| {
                arch.number(name).map(|nr| (u64::from(nr), (*name, *watch)))
            })
            .collect();
        Watcher {
            watched,
            tasks: HashMap::new(),
            needs: CapabilityNeeds::default(),
        }
    }

    /// The needs found. Reads past the mode bits are folded into `DAC_OVERRIDE` when that is
    /// needed anyway, since it grants reading too: one capability instead of two.
    pub(crate) fn finish(self) -> CapabilityNeeds {
        let mut needs = self.needs;
        let over = Capability::from_bit(DAC_OVERRIDE).expect("known bit");
        let read = Capability::from_bit(DAC_READ_SEARCH).expect("known bit");
        if needs.needs.contains_key(&over)
            && let Some(reads) = needs.needs.remove(&read)
        {
            let need = needs.needs.get_mut(&over).expect("present");
            need.calls += reads.calls;
            for example in reads.examples {
                if need.examples.len() < MAX_EXAMPLES {
                    need.examples.push(example);
                }
            }
        }
        needs
    }

    /// `pid` executed a program: its credentials and name may have changed.
    pub(crate) fn forget(&mut self, pid: i32) {
        self.tasks.remove(&pid);
    }

    /// Judges one call on the host's native ABI.
    pub(crate) fn observe(&mut self, call: &Call) {
        let Some(&(name, watch)) = self.watched.get(&call.nr) else {
            return;
        };
        let pid = call.pid;
        let task = self.tasks.entry(pid).or_insert_with(|| Task {
            creds: None,
            program: None,
            memory: std::fs::File::open(format!("/proc/{pid}/mem")).ok(),
        });
        if task.creds.is_none() {
            task.creds = std::fs::read_to_string(format!("/proc/{pid}/status"))
                .ok()
                .and_then(|status| Creds::parse(&status));
        }
        let (Some(creds), Some(memory)) = (&task.creds, &task.memory) else {
            return;
        };
        let found = judge(name, watch, call, creds, memory);
        if matches!(watch, Watch::SetIds { .. } | Watch::SetGroups) {
            // The call changes the credentials the next calls are judged with.
            task.creds = None;
        }
        if let Some((bit, what)) = found
            && let Some(capability) = Capability::from_bit(bit)
        {
            let program = task.program.get_or_insert_with(|| trace::program_of(pid));
            let example = format!("{what} ({program})");
            self.needs.add(capability, example);
        }
    }
}

/// Capability bits by name, for readability below.
const CHOWN: u32 = 0;
const DAC_OVERRIDE: u32 = 1;
const DAC_READ_SEARCH: u32 = 2;
const FOWNER: u32 = 3;
const KILL: u32 = 5;
const SETGID: u32 = 6;
const SETUID: u32 = 7;
const SETPCAP: u32 = 8;
const NET_BIND_SERVICE: u32 = 10;
const NET_ADMIN: u32 = 12;
const NET_RAW: u32 = 13;
const SYS_MODULE: u32 = 16;
const SYS_RAWIO: u32 = 17;
const SYS_CHROOT: u32 = 18;
const SYS_PTRACE: u32 = 19;
const SYS_PACCT: u32 = 20;
const SYS_ADMIN: u32 = 21;
const SYS_BOOT: u32 = 22;
const SYS_NICE: u32 = 23;
const SYS_TIME: u32 = 25;
const SYS_TTY_CONFIG: u32 = 26;
const MKNOD: u32 = 27;
const AUDIT_WRITE: u32 = 29;
const SETFCAP: u32 = 31;
const SYSLOG: u32 = 34;
const PERFMON: u32 = 38;
const BPF: u32 = 39;

fn judge(
    name: &'static str,
    watch: Watch,
    call: &Call,
    creds: &Creds,
    memory: &std::fs::File,
) -> Option<(u32, String)> {
    let args = call.args;
    let pid = call.pid;
    match watch {
        Watch::Bind => {
            let address = trace::read_bytes(memory, args[1], 4)?;
            let family = u16::from_ne_bytes([address[0], address[1]]);
            let port = u16::from_be_bytes([address[2], address[3]]);
            let inet = family == libc::AF_INET as u16 || family == libc::AF_INET6 as u16;
            (inet && port != 0 && port < 1024)
                .then(|| (NET_BIND_SERVICE, format!("bind to port {port}")))
        }
        Watch::Socket => {
            let (domain, kind, protocol) = (args[0] as i32, args[1] as i32 & 0xf, args[2] as i32);
            if domain == libc::AF_PACKET {
                Some((NET_RAW, "opens a packet socket".to_owned()))
            } else if (domain == libc::AF_INET || domain == libc::AF_INET6)
                && kind == libc::SOCK_RAW
            {
                Some((NET_RAW, "opens a raw IP socket".to_owned()))
            } else if domain == libc::AF_NETLINK && protocol == libc::NETLINK_AUDIT {
                Some((AUDIT_WRITE, "opens the audit netlink socket".to_owned()))
            } else {
                None
            }
        }
        Watch::Chown { ids } => {
            let (uid, gid) = (args[ids] as u32, args[ids + 1] as u32);
            let other_user = uid != u32::MAX && uid != creds.uid[3];
            let other_group = gid != u32::MAX && !creds.in_group(gid);
            (other_user || other_group).then(|| {
                let mut to = Vec::new();
                if uid != u32::MAX {
                    to.push(format!("uid {uid}"));
                }
                if gid != u32::MAX {
                    to.push(format!("gid {gid}"));
                }
                (CHOWN, format!("{name} to {}", to.join(":")))
            })
        }
        Watch::SetIds { count, group } => {
            let current = if group { creds.gid } else { creds.uid };
            let known = &current[..3];
            let asked: Vec<u32> = (0..count)
                .map(|index| args[index] as u32)
                .filter(|id| *id != u32::MAX)
                .collect();
            // setfsuid also accepts the current filesystem id.
            let fs_ok = |id: &u32| name.starts_with("setfs") && *id == current[3];
            let foreign: Vec<String> = asked
                .iter()
                .filter(|id| !known.contains(id) && !fs_ok(id))
                .map(u32::to_string)
                .collect();
            (!foreign.is_empty()).then(|| {
                let bit = if group { SETGID } else { SETUID };
                (bit, format!("{name} to {}", foreign.join(", ")))
            })
        }
        Watch::SetGroups => Some((SETGID, "setgroups".to_owned())),
        Watch::Kill => {
            let target = args[0] as i32;
            if target <= 0 || target == pid {
                return None;
            }
            let status = std::fs::read_to_string(format!("/proc/{target}/status")).ok()?;
            let theirs = Creds::parse(&status)?;
            let (real, effective) = (creds.uid[0], creds.uid[1]);
            let allowed = [theirs.uid[0], theirs.uid[2]]
                .iter()
                .any(|id| *id == real || *id == effective);
            (!allowed).then(|| {
                (
                    KILL,
                    format!("{name} to pid {target} of uid {}", theirs.uid[0]),
                )
            })
        }
        Watch::Mknod { mode } => {
            let kind = args[mode] as u32 & libc::S_IFMT;
            (kind == libc::S_IFCHR || kind == libc::S_IFBLK).then(|| {
                let what = if kind == libc::S_IFCHR {
                    "character"
                } else {
                    "block"
                };
                (MKNOD, format!("{name} of a {what} device"))
            })
        }
        Watch::Open { at, path, flags } => {
            let flags = match flags {
                None => (libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC) as u64,
                Some(usize::MAX) => {
                    let how = trace::read_bytes(memory, args[2], 8)?;
                    u64::from_ne_bytes(how.try_into().ok()?)
                }
                Some(index) => args[index],
            };
            let flags = flags as i32;
            if flags & libc::O_PATH != 0 {
                return None;
            }
            let (shown, resolved) = resolve_path(memory, pid, at.then_some(args[0]), args[path])?;
            let want = match flags & libc::O_ACCMODE {
                libc::O_RDONLY if flags & libc::O_TRUNC == 0 => 4,
                libc::O_WRONLY => 2,
                _ => 6,
            };
            match std::fs::metadata(&resolved) {
                Ok(metadata) => (!creds.permits(&metadata, want)).then(|| {
                    let owner = format!(
                        "owner uid {}, mode {:o}",
                        metadata.uid(),
                        metadata.mode() & 0o7777
                    );
                    if want & 2 != 0 {
                        (
                            DAC_OVERRIDE,
                            format!("{name} `{shown}` for writing ({owner})"),
                        )
                    } else {
                        (
                            DAC_READ_SEARCH,
                            format!("{name} `{shown}` for reading ({owner})"),
                        )
                    }
                }),
                Err(error)
                    if error.kind() == std::io::ErrorKind::NotFound
                        && flags & libc::O_CREAT != 0 =>
                {
                    let parent = resolved.parent()?;
                    let metadata = std::fs::metadata(parent).ok()?;
                    (!creds.permits(&metadata, 3)).then(|| {
                        (
                            DAC_OVERRIDE,
                            format!(
                                "{name} creates `{shown}` in a directory of uid {} (mode {:o})",
                                metadata.uid(),
                                metadata.mode() & 0o7777
                            ),
                        )
                    })
                }
                Err(_) => None,
            }
        }
        Watch::Chmod { at, fd } => {
            let (shown, resolved) = if fd {
                let fd = args[0] as i32;
                (
                    format!("fd {fd}"),
                    PathBuf::from(format!("/proc/{pid}/fd/{fd}")),
                )
            } else if at {
                resolve_path(memory, pid, Some(args[0]), args[1])?
            } else {
                resolve_path(memory, pid, None, args[0])?
            };
            let metadata = std::fs::metadata(&resolved).ok()?;
            (metadata.uid() != creds.uid[3]).then(|| {
                (
                    FOWNER,
                    format!("{name} `{shown}` owned by uid {}", metadata.uid()),
                )
            })
        }
        Watch::SetXattr => {
            let attribute = trace::read_string_in(memory, args[1], 64)?;
            (attribute == b"security.capability").then(|| {
                (
                    SETFCAP,
                    format!("{name} security.capability (sets file capabilities)"),
                )
            })
        }
        Watch::Prctl => (args[0] == libc::PR_CAPBSET_DROP as u64).then(|| {
            (
                SETPCAP,
                "prctl(PR_CAPBSET_DROP) drops from the bounding set".to_owned(),
            )
        }),
        Watch::Namespaces => namespaces(name, args[0]),
        Watch::Clone3 => {
            let flags = trace::read_bytes(memory, args[0], 8)?;
            namespaces(name, u64::from_ne_bytes(flags.try_into().ok()?))
        }
        Watch::Ptrace => {
            let request = args[0] as i64;
            let attaches = request == i64::from(libc::PTRACE_ATTACH)
                || request == i64::from(libc::PTRACE_SEIZE);
            if !attaches {
                return None;
            }
            other_user(creds, args[1] as i32).map(|uid| {
                (
                    SYS_PTRACE,
                    format!("ptrace attaches to pid {} of uid {uid}", args[1] as i32),
                )
            })
        }
        Watch::ProcessVm => other_user(creds, args[0] as i32).map(|uid| {
            (
                SYS_PTRACE,
                format!("{name} of pid {} of uid {uid}", args[0] as i32),
            )
        }),
        Watch::SetPriority => ((args[2] as u32).cast_signed() < 0)
            .then(|| (SYS_NICE, format!("setpriority to nice {}", args[2] as i32))),
        Watch::SetScheduler => {
            let policy = args[1] as i32 & !libc::SCHED_RESET_ON_FORK;
            (policy == libc::SCHED_FIFO || policy == libc::SCHED_RR).then(|| {
                (
                    SYS_NICE,
                    "sched_setscheduler to a real-time policy".to_owned(),
                )
            })
        }
        Watch::Syslog => {
            // Reading the whole buffer and its size is allowed without CAP_SYSLOG unless
            // dmesg_restrict is set; everything else (clearing, console level) needs it.
            let kind = args[0] as i32;
            (!matches!(kind, 3 | 10)).then(|| (SYSLOG, format!("syslog action {kind}")))
        }
        Watch::SetSockOpt => {
            let (level, option) = (args[1] as i32, args[2] as i32);
            (level == libc::SOL_SOCKET && option == libc::SO_MARK)
                .then(|| (NET_ADMIN, "setsockopt SO_MARK".to_owned()))
        }
        Watch::Always(bit, what) => Some((bit, format!("{name}: {what}"))),
    }
}

/// `SYS_ADMIN` for namespaces other than a user namespace.
fn namespaces(name: &str, flags: u64) -> Option<(u32, String)> {
    (flags & CLONE_NEW_NOT_USER != 0 && flags & CLONE_NEWUSER == 0)
        .then(|| (SYS_ADMIN, format!("{name} creates namespaces")))
}

/// The real uid of `target` when none of its uids is the caller's.
fn other_user(creds: &Creds, target: i32) -> Option<u32> {
    if target <= 0 {
        return None;
    }
    let status = std::fs::read_to_string(format!("/proc/{target}/status")).ok()?;
    let theirs = Creds::parse(&status)?;
    let same = theirs.uid[..3].iter().all(|id| *id == creds.uid[0]);
    (!same).then_some(theirs.uid[0])
}

/// The path a call names, as the program wrote it (for messages) and as the tracer can reach
/// it: absolute paths through `/proc/<pid>/root`, relative ones from the directory fd or the
/// working directory.
fn resolve_path(
    memory: &std::fs::File,
    pid: i32,
    dirfd: Option<u64>,
    address: u64,
) -> Option<(String, PathBuf)> {
    let bytes = trace::read_string_in(memory, address, 4096)?;
    if bytes.is_empty() {
        return None;
    }
    let path = std::path::Path::new(std::ffi::OsStr::from_bytes(&bytes));
    let shown = path.to_string_lossy().into_owned();
    let resolved = if path.is_absolute() {
        PathBuf::from(format!("/proc/{pid}/root")).join(path.strip_prefix("/").ok()?)
    } else {
        let base = match dirfd.map(|fd| fd as i32) {
            None | Some(libc::AT_FDCWD) => format!("/proc/{pid}/cwd"),
            Some(fd) => format!("/proc/{pid}/fd/{fd}"),
        };
        PathBuf::from(base).join(path)
    };
    Some((shown, resolved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_status() {
        let status = "Name:\tnginx\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t0 10 \n";
        let creds = Creds::parse(status).expect("parses");
        assert_eq!(creds.uid, [0; 4]);
        assert!(creds.in_group(10));
        assert!(!creds.in_group(33));
        assert_eq!(Creds::parse("Name:\tx\n"), None);
    }

    #[test]
    fn chown_needs_chown_only_for_someone_else() {
        let creds = Creds {
            uid: [1000; 4],
            gid: [1000; 4],
            groups: vec![1000, 27],
        };
        let call = |nr_args: [u64; 6]| Call {
            pid: std::process::id() as i32,
            audit_arch: 0,
            abi: None,
            nr: 0,
            args: nr_args,
            data: 0,
        };
        let chown = Watch::Chown { ids: 1 };
        let minus_one = u64::from(u32::MAX);
        // To itself and to one of its own groups: no capability.
        assert_eq!(
            judge(
                "fchown",
                chown,
                &call([3, 1000, 27, 0, 0, 0]),
                &creds,
                &memory()
            ),
            None
        );
        assert_eq!(
            judge(
                "fchown",
                chown,
                &call([3, minus_one, 1000, 0, 0, 0]),
                &creds,
                &memory()
            ),
            None
        );
        // To another user or a group it is not in.
        assert_eq!(
            judge(
                "fchown",
                chown,
                &call([3, 33, minus_one, 0, 0, 0]),
                &creds,
                &memory()
            ),
            Some((CHOWN, "fchown to uid 33".to_owned()))
        );
        assert_eq!(
            judge(
                "fchown",
                chown,
                &call([3, minus_one, 33, 0, 0, 0]),
                &creds,
                &memory()
            ),
            Some((CHOWN, "fchown to gid 33".to_owned()))
        );
    }

    #[test]
    fn switching_ids_needs_setuid_or_setgid_unless_the_id_is_already_held() {
        let root = Creds::default();
        let call = |args: [u64; 6]| Call {
            pid: 1,
            audit_arch: 0,
            abi: None,
            nr: 0,
            args,
            data: 0,
        };
        let setresuid = Watch::SetIds {
            count: 3,
            group: false,
        };
        assert_eq!(
            judge(
                "setresuid",
                setresuid,
                &call([65534, 65534, 65534, 0, 0, 0]),
                &root,
                &memory()
            ),
            Some((SETUID, "setresuid to 65534, 65534, 65534".to_owned()))
        );
        // Dropping back to an id it already holds needs nothing.
        let dropped = Creds {
            uid: [1000, 0, 0, 0],
            ..Creds::default()
        };
        assert_eq!(
            judge(
                "setuid",
                Watch::SetIds {
                    count: 1,
                    group: false
                },
                &call([1000, 0, 0, 0, 0, 0]),
                &dropped,
                &memory()
            ),
            None
        );
        assert_eq!(
            judge(
                "setgroups",
                Watch::SetGroups,
                &call([0; 6]),
                &root,
                &memory()
            ),
            Some((SETGID, "setgroups".to_owned()))
        );
    }

    #[test]
    fn namespaces_need_sys_admin_unless_a_user_namespace_comes_with_them() {
        assert_eq!(
            namespaces("unshare", 0x4000_0000),
            Some((SYS_ADMIN, "unshare creates namespaces".to_owned()))
        );
        assert_eq!(namespaces("unshare", 0x4000_0000 | CLONE_NEWUSER), None);
        // A plain thread or fork.
        assert_eq!(namespaces("clone", 0x003d_0f00), None);
    }

    #[test]
    fn mode_bits_decide_file_access() {
        let dir = tempfile_dir();
        let path = dir.join("file");
        std::fs::write(&path, "x").unwrap();
        let metadata = std::fs::metadata(&path).unwrap();
        let owner = Creds {
            uid: [metadata.uid(); 4],
            gid: [metadata.gid(); 4],
            groups: Vec::new(),
        };
        let stranger = Creds {
            uid: [metadata.uid() + 4242; 4],
            gid: [metadata.gid() + 4242; 4],
            groups: Vec::new(),
        };
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o640))
            .unwrap();
        let metadata = std::fs::metadata(&path).unwrap();
        assert!(owner.permits(&metadata, 6));
        assert!(!stranger.permits(&metadata, 4));
        let member = Creds {
            groups: vec![metadata.gid()],
            ..stranger.clone()
        };
        assert!(member.permits(&metadata, 4));
        assert!(!member.permits(&metadata, 2));
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn memory() -> std::fs::File {
        std::fs::File::open("/proc/self/mem").expect("own memory")
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "cofferdam-needs-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
