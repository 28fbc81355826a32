//! `seccomp test`: run a command under a profile and report, instead of silently failing, every
//! syscall the profile would deny.
//!
//! The profile is compiled in [`Mode::Report`]: allowed calls return `SECCOMP_RET_ALLOW` in the
//! kernel and never reach the tracer; a call the profile would deny returns `SECCOMP_RET_TRACE`
//! with the denial in its data bits. The supervisor logs the call (name, an argument summary with
//! paths read from the tracee, the program from `/proc/<pid>/exe`) and then answers as the
//! profile would have: the call is skipped and returns `-errno`; a kill action kills the process
//! (with `SIGKILL`); a trap skips the call and delivers `SIGSYS`. So the command sees what it
//! would see under the profile, and the report says why. [`enforce`] runs the real filter,
//! untraced.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use crate::filter::{Abi, Denial, Program};
use crate::trace::{self, Answer, Call, Command, Handler, TraceError};

/// One denied syscall, summed over the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denied {
    pub name: String,
    pub abi: Option<Abi>,
    pub denial: Denial,
    pub count: u64,
    /// The programs that made the call, in the order they first did.
    pub programs: Vec<String>,
}

/// How a supervised run went.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Supervision {
    /// By syscall name (and ABI, and denial), sorted.
    pub denied: Vec<Denied>,
    /// The command's exit status: its code, or 128 + the signal that killed it.
    pub exit_code: i32,
    pub tasks: usize,
}

/// Where a call is logged from: the program is read once per task and forgotten on exec.
struct Supervisor<'a> {
    native: Abi,
    log: &'a mut dyn Write,
    programs: BTreeMap<i32, String>,
    denied: BTreeMap<(String, Option<Abi>, Denial), Denied>,
}

impl Supervisor<'_> {
    fn program(&mut self, pid: i32) -> String {
        self.programs
            .entry(pid)
            .or_insert_with(|| trace::program_of(pid))
            .clone()
    }
}

/// For the calls that take paths: which arguments are strings (paths, and `mount`'s filesystem
/// type), and how many arguments the call has. `None` for the others.
fn signature(name: &str) -> Option<(&'static [usize], usize)> {
    Some(match name {
        "rmdir" | "unlink" | "chdir" | "chroot" | "uselib" | "swapoff" | "acct" | "umount" => {
            (&[0], 1)
        }
        "creat" | "stat" | "lstat" | "stat64" | "lstat64" | "access" | "mkdir" | "chmod"
        | "truncate" | "truncate64" | "statfs" | "statfs64" | "swapon" | "utime" | "utimes"
        | "umount2" | "removexattr" | "lremovexattr" | "fsopen" => (&[0], 2),
        "open" | "chown" | "chown32" | "lchown" | "lchown32" | "readlink" | "execve" | "mknod"
        | "listxattr" | "llistxattr" => (&[0], 3),
        "getxattr" | "lgetxattr" => (&[0], 4),
        "setxattr" | "lsetxattr" => (&[0], 5),
        "link" | "symlink" | "rename" | "pivot_root" => (&[0, 1], 2),
        "mount" => (&[0, 1, 2], 5),
        "mkdirat" | "unlinkat" | "fchmodat" | "faccessat" | "futimesat" | "open_tree"
        | "fspick" | "inotify_add_watch" => (&[1], 3),
        "openat" | "openat2" | "fchmodat2" | "newfstatat" | "fstatat64" | "faccessat2"
        | "readlinkat" | "mknodat" | "utimensat" | "removexattrat" | "quotactl" => (&[1], 4),
        "fchownat" | "execveat" | "statx" | "name_to_handle_at" | "mount_setattr"
        | "getxattrat" | "listxattrat" => (&[1], 5),
        "setxattrat" => (&[1], 6),
        "renameat" => (&[1, 3], 4),
        "renameat2" | "linkat" | "move_mount" => (&[1, 3], 5),
        "symlinkat" => (&[0, 2], 3),
        _ => return None,
    })
}

/// Directory descriptors shown by name: the argument before a path is one, except in the two
/// calls where it is something else (an inotify descriptor, a quota command).
fn dirfd(name: &str, index: usize, value: u64) -> Option<&'static str> {
    const AT_FDCWD: u64 = (-100_i64).cast_unsigned();
    let before_path = signature(name).is_some_and(|(strings, _)| strings.contains(&(index + 1)));
    let is_dirfd = before_path && !matches!(name, "inotify_add_watch" | "quotactl");
    (is_dirfd && (value == AT_FDCWD || value == u64::from(AT_FDCWD as u32))).then_some("AT_FDCWD")
}

fn quoted(bytes: &[u8], truncated: bool) -> String {
    let mut out = String::from("\"");
    for chunk in bytes.utf8_chunks() {
        for ch in chunk.valid().chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&c.escape_default().to_string()),
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out.push('"');
    if truncated {
        out.push('…');
    }
    out
}

/// `openat(AT_FDCWD, "/etc/x", 0x80000, 0)`: strings read from the tracee, small numbers in
/// decimal, others in hex. Calls that take paths show all their arguments; for the others the
/// first three are shown and `…` stands for the rest (the syscall tables give no arity).
fn summary(call: &Call, name: &str) -> String {
    const MAX_PATH: usize = 256;
    let (strings, shown, rest) = match signature(name) {
        Some((strings, arity)) => (strings, arity, ""),
        None => (&[][..], 3, ", …"),
    };
    let mut parts = Vec::new();
    for (index, value) in call.args.iter().enumerate().take(shown) {
        let part = if strings.contains(&index) {
            match trace::read_string(call.pid, *value, MAX_PATH + 1) {
                Some(bytes) if bytes.len() > MAX_PATH => quoted(&bytes[..MAX_PATH], true),
                Some(bytes) => quoted(&bytes, false),
                None => format!("{value:#x}"),
            }
        } else if let Some(named) = dirfd(name, index, *value) {
            named.to_owned()
        } else if *value < 4096 {
            value.to_string()
        } else {
            format!("{value:#x}")
        };
        parts.push(part);
    }
    format!("{name}({}{rest})", parts.join(", "))
}

impl Handler for Supervisor<'_> {
    fn call(&mut self, call: &Call) -> Answer {
        let Some(denial) = Denial::decode(call.data) else {
            return Answer::Allow;
        };
        let name = call
            .abi
            .and_then(|abi| abi.syscall_name(call.nr))
            .map_or_else(|| format!("syscall {}", call.nr), str::to_owned);
        let program = self.program(call.pid);
        let abi_note = match call.abi {
            Some(abi) if abi == self.native => String::new(),
            Some(abi) => format!(" [{abi}]"),
            None => format!(" [arch {:#x}]", call.audit_arch),
        };
        let _ = writeln!(
            self.log,
            "cofferdam: denied {}{abi_note} in {program} (pid {}): {}",
            summary(call, &name),
            call.pid,
            denial.describe()
        );
        let entry = self
            .denied
            .entry((name.clone(), call.abi, denial))
            .or_insert_with(|| Denied {
                name,
                abi: call.abi,
                denial,
                count: 0,
                programs: Vec::new(),
            });
        entry.count += 1;
        if !entry.programs.contains(&program) {
            entry.programs.push(program);
        }
        match denial {
            Denial::Errno(errno) => Answer::Fail(errno),
            Denial::KillThread | Denial::KillProcess | Denial::ForeignArch => Answer::Kill,
            Denial::Trap => Answer::Trap,
        }
    }

    fn exec(&mut self, pid: i32) {
        self.programs.remove(&pid);
    }
}

/// Runs `command` under `program` (compiled in [`Mode::Report`]) and reports each denied call
/// on `log` as it happens.
///
/// [`Mode::Report`]: crate::filter::Mode::Report
pub fn supervise(
    command: &Command,
    program: &Program,
    native: Abi,
    log: &mut dyn Write,
) -> Result<Supervision, TraceError> {
    let mut supervisor = Supervisor {
        native,
        log,
        programs: BTreeMap::new(),
        denied: BTreeMap::new(),
    };
    let outcome = trace::run(command, program, &mut supervisor)?;
    Ok(Supervision {
        denied: supervisor.denied.into_values().collect(),
        exit_code: outcome.exit_code,
        tasks: outcome.tasks,
    })
}

/// Runs `command` under `program` (compiled in [`Mode::Enforce`]) without tracing.
///
/// [`Mode::Enforce`]: crate::filter::Mode::Enforce
pub fn enforce(command: &Command, program: &Program) -> Result<i32, TraceError> {
    trace::run_untraced(command, program)
}

impl Supervision {
    /// The summary lines: `would be denied: openat2 (3×, /usr/bin/app)`, with the outcome
    /// after an arrow when it is not EPERM (`→ ENOSYS`, `→ process killed`).
    pub fn summary(&self, native: Abi) -> Vec<String> {
        self.denied
            .iter()
            .map(|denied| {
                let abi = match denied.abi {
                    Some(abi) if abi != native => format!(" [{abi}]"),
                    _ => String::new(),
                };
                let outcome = match denied.denial {
                    Denial::Errno(1) => String::new(),
                    other => format!(" → {}", other.describe()),
                };
                format!(
                    "would be denied: {}{abi} ({}×, {}){outcome}",
                    denied.name,
                    denied.count,
                    denied.programs.join(", ")
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{Denied, Supervision, quoted};
    use crate::filter::{Abi, Denial};

    #[test]
    fn summary_lines() {
        let supervision = Supervision {
            denied: vec![
                Denied {
                    name: "clone3".to_owned(),
                    abi: Some(Abi::X86_64),
                    denial: Denial::Errno(38),
                    count: 1,
                    programs: vec!["/usr/bin/app".to_owned()],
                },
                Denied {
                    name: "openat2".to_owned(),
                    abi: Some(Abi::X86_64),
                    denial: Denial::Errno(1),
                    count: 3,
                    programs: vec!["/usr/bin/app".to_owned(), "/bin/sh".to_owned()],
                },
                Denied {
                    name: "getpid".to_owned(),
                    abi: Some(Abi::X86),
                    denial: Denial::ForeignArch,
                    count: 1,
                    programs: vec!["/tmp/t".to_owned()],
                },
            ],
            ..Supervision::default()
        };
        assert_eq!(
            supervision.summary(Abi::X86_64),
            [
                "would be denied: clone3 (1×, /usr/bin/app) → ENOSYS",
                "would be denied: openat2 (3×, /usr/bin/app, /bin/sh)",
                "would be denied: getpid [i386] (1×, /tmp/t) → foreign architecture, thread killed",
            ]
        );
    }

    #[test]
    fn paths_are_quoted() {
        assert_eq!(quoted(b"/tmp/a \"b\"\n", false), r#""/tmp/a \"b\"\n""#);
        assert_eq!(quoted(b"\xff/x", true), "\"\\xff/x\"…");
    }
}
