//! The ptrace engine under `seccomp record` and `seccomp test`: start a command with a seccomp
//! filter, follow every process and thread it makes, and let a [`Handler`] answer each syscall
//! the filter sends to the tracer.
//!
//! The command is forked by hand rather than with `std::process::Command`, because the child
//! must wait for the tracer before it installs its filter, and `Command::spawn` blocks until the
//! child has executed, which it cannot do while it waits. Between `fork` and `execve` the child
//! makes only async-signal-safe system calls on data prepared before the fork: read one byte
//! from a pipe (the tracer has attached with `PTRACE_SEIZE` and set its options), set
//! `no_new_privs`, install the filter, execute. From then on the filter sends the syscalls it
//! returns `SECCOMP_RET_TRACE` for to the tracer as one `PTRACE_EVENT_SECCOMP` stop each, where
//! `PTRACE_GET_SYSCALL_INFO` gives the architecture, number, arguments and the filter's 16 data
//! bits in one call. `strace -f` stops every syscall twice (entry and exit) instead, so this is
//! cheaper by design.
//!
//! Forks, vforks, clones and execs are followed with the `PTRACE_O_TRACE*` options (the filter
//! is inherited, so every descendant is filtered and traced). Stops are handled as ptrace(2)
//! describes for seized tracees: a signal-delivery-stop re-injects its signal; a group-stop
//! (`PTRACE_EVENT_STOP` with a stopping signal) is kept with `PTRACE_LISTEN`, so that job
//! control works; other event stops (new tasks, `PTRACE_EVENT_EXIT`) resume. Signals are passed
//! as raw numbers, real-time ones included (glibc's SIGSETXID is one), which is why the raw
//! `waitpid` status is decoded here. `PTRACE_O_EXITKILL` kills every tracee if the tracer dies.
//!
//! The kernel needs `PTRACE_GET_SYSCALL_INFO` (Linux 5.3); `x86_64` and `aarch64` hosts.
#![allow(unsafe_code)]

use std::ffi::{CString, OsStr, OsString};
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, PermissionsExt};
use std::path::{Path, PathBuf};

use nix::errno::Errno;

use crate::filter::{Abi, Insn, Program};

/// Why a command could not be run or traced.
#[derive(Debug)]
pub enum TraceError {
    /// The program does not exist or is not executable.
    NotFound(String),
    /// The kernel refuses tracing (Yama, a container without `CAP_SYS_PTRACE`, a seccomp
    /// profile that blocks `ptrace`) or filtering.
    NotPermitted(String),
    /// `execve` failed in the child.
    Exec(String, Errno),
    /// A system call of the tracer failed.
    Os(&'static str, Errno),
}

impl std::fmt::Display for TraceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TraceError::NotFound(why) | TraceError::NotPermitted(why) => f.write_str(why),
            TraceError::Exec(program, errno) => {
                write!(f, "cannot execute `{program}`: {}", errno.desc())
            }
            TraceError::Os(call, errno) => write!(f, "{call} failed: {}", errno.desc()),
        }
    }
}

impl std::error::Error for TraceError {}

/// A command to run: the program found on `PATH`, its arguments, the current environment.
#[derive(Clone, Debug)]
pub struct Command {
    /// What the user typed.
    pub name: String,
    path: CString,
    argv: Vec<CString>,
    envp: Vec<CString>,
    /// Run the command (and the tracer) on the CPU the tracer is on. Every traced syscall wakes
    /// the tracer and then the tracee; on one CPU that is a plain context switch, across CPUs an
    /// inter-processor interrupt, which is several times dearer in a virtual machine. The
    /// command then sees one CPU (`nproc`, `sched_getaffinity`), which can change how many
    /// threads it starts.
    pub one_cpu: bool,
}

impl Command {
    /// `argv[0]` is looked up on `PATH` unless it contains a `/`, as a shell does.
    pub fn new(argv: &[OsString]) -> Result<Command, TraceError> {
        let Some(first) = argv.first() else {
            return Err(TraceError::NotFound("no command given".to_owned()));
        };
        let name = first.to_string_lossy().into_owned();
        let path = find_program(first)
            .ok_or_else(|| TraceError::NotFound(format!("`{name}`: command not found")))?;
        let c_string = |text: &OsStr| {
            CString::new(text.as_bytes()).map_err(|_| {
                TraceError::NotFound(format!("`{name}`: an argument contains a NUL byte"))
            })
        };
        let argv = argv
            .iter()
            .map(|arg| c_string(arg))
            .collect::<Result<Vec<_>, _>>()?;
        let envp = std::env::vars_os()
            .filter_map(|(key, value)| {
                let mut pair = key;
                pair.push("=");
                pair.push(value);
                CString::new(pair.as_bytes()).ok()
            })
            .collect();
        Ok(Command {
            path: c_string(path.as_os_str())?,
            name,
            argv,
            envp,
            one_cpu: false,
        })
    }
}

fn find_program(name: &OsStr) -> Option<PathBuf> {
    let executable = |path: &Path| {
        path.metadata()
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    };
    if name.as_bytes().contains(&b'/') {
        let path = PathBuf::from(name);
        return executable(&path).then_some(path);
    }
    let search = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&search)
        .map(|dir| dir.join(name))
        .find(|path| executable(path))
}

/// One syscall the filter sent to the tracer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The thread that made it.
    pub pid: i32,
    /// `AUDIT_ARCH_*` of the call.
    pub audit_arch: u32,
    /// `None` for an architecture cofferdam has no table for.
    pub abi: Option<Abi>,
    pub nr: u64,
    pub args: [u64; 6],
    /// The filter's `SECCOMP_RET_DATA`.
    pub data: u16,
}

/// What the tracer does with a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The call runs.
    Allow,
    /// The call is skipped and returns `-errno`.
    Fail(u16),
    /// The call is skipped and the whole process is killed (`SIGKILL`).
    Kill,
    /// The call is skipped (ENOSYS) and the thread gets `SIGSYS`.
    Trap,
}

/// The tracer's client: answers calls, and hears about execs.
pub trait Handler {
    fn call(&mut self, call: &Call) -> Answer;

    /// `pid` executed a new program (a thread that did so now has the process's id).
    fn exec(&mut self, _pid: i32) {}
}

/// How a traced run ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The command's exit status: its code, or 128 + the signal that killed it.
    pub exit_code: i32,
    /// Processes and threads traced, the command included.
    pub tasks: usize,
    /// Seccomp stops handled.
    pub stops: u64,
}

const OPTIONS: libc::c_int = libc::PTRACE_O_TRACESECCOMP
    | libc::PTRACE_O_TRACEFORK
    | libc::PTRACE_O_TRACEVFORK
    | libc::PTRACE_O_TRACECLONE
    | libc::PTRACE_O_TRACEEXEC
    | libc::PTRACE_O_TRACEEXIT
    | libc::PTRACE_O_EXITKILL;

/// What the forked child needs, prepared before the fork because it may not allocate.
struct ChildPlan<'a> {
    path: &'a CString,
    argv: Vec<*const libc::c_char>,
    envp: Vec<*const libc::c_char>,
    filter: Vec<libc::sock_filter>,
    /// Wait for one byte on the first descriptor before filtering (the tracer has attached);
    /// the second is the pipe's other end, which the child must close so that the pipe reads
    /// end-of-file if the tracer gives up.
    wait_for: Option<(libc::c_int, libc::c_int)>,
    /// Report a failure here: the step (1 `no_new_privs`, 2 seccomp, 3 execve) and errno.
    report_to: libc::c_int,
}

fn sock_filter(program: &Program) -> Vec<libc::sock_filter> {
    program
        .0
        .iter()
        .map(|&Insn { code, jt, jf, k }| libc::sock_filter { code, jt, jf, k })
        .collect()
}

/// A pipe with both ends close-on-exec: `(read, write)`.
fn pipe() -> Result<(libc::c_int, libc::c_int), TraceError> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` is a valid array of two ints for the kernel to fill.
    let result = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    if result != 0 {
        return Err(TraceError::Os("pipe2", Errno::last()));
    }
    Ok((fds[0], fds[1]))
}

fn close(fd: libc::c_int) {
    // SAFETY: closing a descriptor this module opened and owns; errors are irrelevant here.
    unsafe {
        libc::close(fd);
    }
}

/// The child's side, after `fork`: only async-signal-safe calls, no allocation, never returns.
///
/// SAFETY (for callers): must only be called in the child of a `fork`, with `plan` built before
/// the fork.
unsafe fn child(plan: &ChildPlan<'_>) -> ! {
    let fail = |step: u8| -> ! {
        let errno = Errno::last_raw();
        let mut message = [0u8; 5];
        message[0] = step;
        message[1..].copy_from_slice(&errno.to_ne_bytes());
        // SAFETY: writing a stack buffer to our own pipe, then leaving without running any
        // of the parent's atexit handlers or destructors.
        unsafe {
            libc::write(plan.report_to, message.as_ptr().cast(), message.len());
            libc::_exit(127)
        }
    };
    // SAFETY: each call below is async-signal-safe and uses only memory prepared before the
    // fork (the plan) or on this stack; the filter outlives the prctl call, which copies it.
    unsafe {
        // Rust ignores SIGPIPE and the caller may block signals; the command gets defaults.
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&raw mut empty);
        libc::sigprocmask(libc::SIG_SETMASK, &raw const empty, std::ptr::null_mut());
        if let Some((fd, other_end)) = plan.wait_for {
            libc::close(other_end);
            let mut byte = 0u8;
            loop {
                let read = libc::read(fd, (&raw mut byte).cast(), 1);
                if read == 1 {
                    break;
                }
                if read == 0 || Errno::last_raw() != libc::EINTR {
                    libc::_exit(127);
                }
            }
            libc::close(fd);
        }
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            fail(1);
        }
        let program = libc::sock_fprog {
            len: plan.filter.len() as u16,
            filter: plan.filter.as_ptr().cast_mut(),
        };
        if libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &raw const program,
            0,
            0,
        ) != 0
        {
            fail(2);
        }
        libc::execve(plan.path.as_ptr(), plan.argv.as_ptr(), plan.envp.as_ptr());
    }
    fail(3)
}

/// Forks the child that runs `command` under `filter`.
fn spawn(plan: &ChildPlan<'_>) -> Result<i32, TraceError> {
    // SAFETY: the child branch calls only `child`, which makes async-signal-safe calls on
    // memory prepared before the fork, so forking a multi-threaded process is sound.
    match unsafe { libc::fork() } {
        -1 => Err(TraceError::Os("fork", Errno::last())),
        // SAFETY: we are the child of the fork above and the plan was built before it.
        0 => unsafe { child(plan) },
        pid => Ok(pid),
    }
}

fn prepare<'a>(
    command: &'a Command,
    filter: &Program,
    wait_for: Option<(libc::c_int, libc::c_int)>,
    report_to: libc::c_int,
) -> ChildPlan<'a> {
    let pointers = |strings: &'a [CString]| {
        strings
            .iter()
            .map(|string| string.as_ptr())
            .chain(std::iter::once(std::ptr::null()))
            .collect()
    };
    ChildPlan {
        path: &command.path,
        argv: pointers(&command.argv),
        envp: pointers(&command.envp),
        filter: sock_filter(filter),
        wait_for,
        report_to,
    }
}

/// Reads what the child reported before it could execute, once it has gone.
fn child_failure(command: &Command, fd: libc::c_int) -> Option<TraceError> {
    let mut message = [0u8; 5];
    let mut got = 0usize;
    while got < message.len() {
        // SAFETY: reading into the unfilled tail of a stack buffer from our own pipe.
        let read =
            unsafe { libc::read(fd, message[got..].as_mut_ptr().cast(), message.len() - got) };
        if read <= 0 {
            break;
        }
        got += read.unsigned_abs();
    }
    close(fd);
    if got < message.len() {
        return None;
    }
    let errno = Errno::from_raw(i32::from_ne_bytes([
        message[1], message[2], message[3], message[4],
    ]));
    Some(match message[0] {
        1 => TraceError::NotPermitted(format!("cannot set no_new_privs: {}", errno.desc())),
        2 => TraceError::NotPermitted(format!(
            "the kernel refused the seccomp filter: {} (is this process already confined by a \
             seccomp profile that blocks seccomp(2) or prctl(2)?)",
            errno.desc()
        )),
        _ => TraceError::Exec(command.name.clone(), errno),
    })
}

/// Ignores SIGINT and SIGQUIT while the command runs, as `system(3)` does: the terminal sends
/// them to the command too, and the tracer must outlive it to report.
struct IgnoreInterrupts {
    saved: [libc::sighandler_t; 2],
}

impl IgnoreInterrupts {
    fn new() -> IgnoreInterrupts {
        // SAFETY: replacing the dispositions of two signals with SIG_IGN; restored on drop.
        unsafe {
            IgnoreInterrupts {
                saved: [
                    libc::signal(libc::SIGINT, libc::SIG_IGN),
                    libc::signal(libc::SIGQUIT, libc::SIG_IGN),
                ],
            }
        }
    }
}

impl Drop for IgnoreInterrupts {
    fn drop(&mut self) {
        // SAFETY: restoring the dispositions saved in `new`.
        unsafe {
            libc::signal(libc::SIGINT, self.saved[0]);
            libc::signal(libc::SIGQUIT, self.saved[1]);
        }
    }
}

/// The calling thread bound to the CPU it runs on, until dropped; a child forked meanwhile
/// inherits the binding.
struct OnThisCpu {
    saved: libc::cpu_set_t,
}

impl OnThisCpu {
    fn new() -> Option<OnThisCpu> {
        // SAFETY: `cpu_set_t` is plain data, all zeroes is an empty set; sched_getaffinity and
        // sched_setaffinity read and write exactly `size_of::<cpu_set_t>()` bytes of the sets
        // given, for the calling thread (pid 0).
        unsafe {
            let size = std::mem::size_of::<libc::cpu_set_t>();
            let mut saved: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, size, &raw mut saved) != 0 {
                return None;
            }
            let cpu = usize::try_from(libc::sched_getcpu()).ok()?;
            let mut one: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut one);
            (libc::sched_setaffinity(0, size, &raw const one) == 0).then_some(OnThisCpu { saved })
        }
    }
}

impl Drop for OnThisCpu {
    fn drop(&mut self) {
        // SAFETY: restoring the set saved in `new`, of the size the kernel expects.
        unsafe {
            libc::sched_setaffinity(
                0,
                std::mem::size_of::<libc::cpu_set_t>(),
                &raw const self.saved,
            );
        }
    }
}

/// Waits for any tracee or child of this thread: `(pid, raw status)`, or `None` when none is
/// left. `__WNOTHREAD` keeps other threads' children out (a test harness runs several tracers,
/// and other children, in one process).
fn wait_any() -> Result<Option<(i32, libc::c_int)>, TraceError> {
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: `status` is a valid int for the kernel to fill.
        let pid = unsafe { libc::waitpid(-1, &raw mut status, libc::__WALL | libc::__WNOTHREAD) };
        if pid >= 0 {
            return Ok(Some((pid, status)));
        }
        match Errno::last() {
            Errno::ECHILD => return Ok(None),
            Errno::EINTR => {}
            errno => return Err(TraceError::Os("waitpid", errno)),
        }
    }
}

/// `ptrace(request, pid, addr, data)` for requests that take integers.
fn ptrace(request: libc::c_uint, pid: i32, addr: usize, data: usize) -> Result<i64, Errno> {
    // SAFETY: the requests passed here (SEIZE, CONT, LISTEN) read no memory of ours; addr and
    // data are integers to them.
    let result = unsafe {
        libc::ptrace(
            request,
            pid,
            addr as *mut libc::c_void,
            data as *mut libc::c_void,
        )
    };
    if result == -1 {
        Err(Errno::last())
    } else {
        Ok(result)
    }
}

/// Resumes a stopped tracee, delivering `signal` (0 for none). A tracee that has gone meanwhile
/// (killed by another thread's `exit_group`) is not an error.
fn resume(pid: i32, signal: i32) {
    let _ = ptrace(libc::PTRACE_CONT, pid, 0, signal.unsigned_abs() as usize);
}

fn event_message(pid: i32) -> Option<u64> {
    let mut message: libc::c_ulong = 0;
    // SAFETY: PTRACE_GETEVENTMSG writes one unsigned long to the address given.
    let result = unsafe {
        libc::ptrace(
            libc::PTRACE_GETEVENTMSG,
            pid,
            std::ptr::null_mut::<libc::c_void>(),
            (&raw mut message).cast::<libc::c_void>(),
        )
    };
    (result == 0).then_some(message)
}

/// `struct ptrace_syscall_info` with its seccomp member (linux/ptrace.h).
#[repr(C)]
#[derive(Default)]
struct SyscallInfo {
    op: u8,
    reserved: u8,
    flags: u16,
    arch: u32,
    instruction_pointer: u64,
    stack_pointer: u64,
    nr: u64,
    args: [u64; 6],
    ret_data: u32,
    reserved2: u32,
}

fn syscall_info(pid: i32) -> Result<Call, Errno> {
    let mut info = SyscallInfo::default();
    // SAFETY: PTRACE_GET_SYSCALL_INFO writes at most `addr` bytes (our struct's size) to `data`.
    let result = unsafe {
        libc::ptrace(
            libc::PTRACE_GET_SYSCALL_INFO,
            pid,
            std::mem::size_of::<SyscallInfo>() as *mut libc::c_void,
            (&raw mut info).cast::<libc::c_void>(),
        )
    };
    if result == -1 {
        return Err(Errno::last());
    }
    if info.op != libc::PTRACE_SYSCALL_INFO_SECCOMP {
        return Err(Errno::EINVAL);
    }
    Ok(Call {
        pid,
        audit_arch: info.arch,
        abi: Abi::of_call(info.arch, info.nr),
        nr: info.nr,
        args: info.args,
        data: (info.ret_data & 0xffff) as u16,
    })
}

/// Makes the syscall a tracee is stopped in (at its seccomp stop) return `-errno` without
/// running: the number becomes -1, the return register `-errno`.
#[cfg(target_arch = "x86_64")]
fn skip_syscall(pid: i32, errno: u16) -> Result<(), Errno> {
    let pid = nix::unistd::Pid::from_raw(pid);
    let mut regs = nix::sys::ptrace::getregs(pid)?;
    regs.orig_rax = u64::MAX;
    regs.rax = (-i64::from(errno)).cast_unsigned();
    nix::sys::ptrace::setregs(pid, regs)
}

#[cfg(target_arch = "aarch64")]
fn skip_syscall(pid: i32, errno: u16) -> Result<(), Errno> {
    // The syscall number lives in its own register set (NT_ARM_SYSTEM_CALL); the return value
    // is x0.
    const NT_ARM_SYSTEM_CALL: libc::c_int = 0x404;
    let mut number: libc::c_int = -1;
    let mut iov = libc::iovec {
        iov_base: (&raw mut number).cast(),
        iov_len: std::mem::size_of::<libc::c_int>(),
    };
    // SAFETY: PTRACE_SETREGSET reads `iov_len` bytes from `iov_base`, our int.
    let result = unsafe {
        libc::ptrace(
            libc::PTRACE_SETREGSET,
            pid,
            NT_ARM_SYSTEM_CALL as usize as *mut libc::c_void,
            (&raw mut iov).cast::<libc::c_void>(),
        )
    };
    if result == -1 {
        return Err(Errno::last());
    }
    let pid = nix::unistd::Pid::from_raw(pid);
    let mut regs = nix::sys::ptrace::getregs(pid)?;
    regs.regs[0] = (-i64::from(errno)).cast_unsigned();
    nix::sys::ptrace::setregs(pid, regs)
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn skip_syscall(_pid: i32, _errno: u16) -> Result<(), Errno> {
    Err(Errno::ENOSYS)
}

/// The value of `kernel.yama.ptrace_scope`, when Yama is there.
fn yama_scope() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/yama/ptrace_scope")
        .ok()
        .map(|text| text.trim().to_owned())
}

fn not_permitted(errno: Errno) -> TraceError {
    let yama = match yama_scope().as_deref() {
        Some("0") | None => String::new(),
        Some(scope) => format!(" kernel.yama.ptrace_scope is {scope};"),
    };
    TraceError::NotPermitted(format!(
        "ptrace is not permitted here ({}):{yama} tracing needs a kernel that allows it to this \
         user (Yama ptrace_scope 0 or 1), and in a container CAP_SYS_PTRACE or a seccomp profile \
         that allows ptrace",
        errno.desc()
    ))
}

/// Runs `command` with `filter` installed and traced, until it and every process it started
/// have exited; `handler` answers each call the filter traces.
pub fn run(
    command: &Command,
    filter: &Program,
    handler: &mut dyn Handler,
) -> Result<Outcome, TraceError> {
    let (sync_read, sync_write) = pipe()?;
    let (report_read, report_write) = match pipe() {
        Ok(pair) => pair,
        Err(error) => {
            close(sync_read);
            close(sync_write);
            return Err(error);
        }
    };
    let plan = prepare(command, filter, Some((sync_read, sync_write)), report_write);
    let _pinned = if command.one_cpu {
        OnThisCpu::new()
    } else {
        None
    };
    let spawned = spawn(&plan);
    close(sync_read);
    close(report_write);
    let root = match spawned {
        Ok(pid) => pid,
        Err(error) => {
            close(sync_write);
            close(report_read);
            return Err(error);
        }
    };
    if let Err(errno) = ptrace(libc::PTRACE_SEIZE, root, 0, OPTIONS as usize) {
        // Closing the pipe unblocks the child, which then exits without running anything.
        close(sync_write);
        close(report_read);
        let mut status = 0;
        // SAFETY: reaping our own child; `status` is a valid int.
        unsafe {
            libc::waitpid(root, &raw mut status, libc::__WALL);
        }
        return Err(match errno {
            Errno::EPERM | Errno::EACCES => not_permitted(errno),
            other => TraceError::Os("ptrace(PTRACE_SEIZE)", other),
        });
    }
    let _interrupts = IgnoreInterrupts::new();
    // SAFETY: writing one byte from a stack variable to our own pipe.
    let written = unsafe { libc::write(sync_write, [1u8].as_ptr().cast(), 1) };
    close(sync_write);
    if written != 1 {
        close(report_read);
        return Err(TraceError::Os("write", Errno::last()));
    }
    let outcome = trace(root, handler);
    if let Some(error) = child_failure(command, report_read) {
        return Err(error);
    }
    outcome
}

fn trace(root: i32, handler: &mut dyn Handler) -> Result<Outcome, TraceError> {
    let mut outcome = Outcome {
        tasks: 1,
        ..Outcome::default()
    };
    while let Some((pid, status)) = wait_any()? {
        if libc::WIFEXITED(status) {
            if pid == root {
                outcome.exit_code = libc::WEXITSTATUS(status);
            }
            continue;
        }
        if libc::WIFSIGNALED(status) {
            if pid == root {
                outcome.exit_code = 128 + libc::WTERMSIG(status);
            }
            continue;
        }
        if !libc::WIFSTOPPED(status) {
            continue;
        }
        let signal = libc::WSTOPSIG(status);
        let event = status >> 16;
        match event {
            0 => resume(pid, signal),
            libc::PTRACE_EVENT_SECCOMP => {
                outcome.stops += 1;
                match syscall_info(pid) {
                    Ok(call) => answer(pid, handler.call(&call)),
                    // The tracee vanished (SIGKILL from another thread) between stop and query.
                    Err(Errno::ESRCH) => {}
                    Err(errno) => {
                        return Err(TraceError::Os(
                            "ptrace(PTRACE_GET_SYSCALL_INFO) (Linux 5.3 or later is needed)",
                            errno,
                        ));
                    }
                }
            }
            libc::PTRACE_EVENT_FORK | libc::PTRACE_EVENT_VFORK | libc::PTRACE_EVENT_CLONE => {
                outcome.tasks += 1;
                resume(pid, 0);
            }
            libc::PTRACE_EVENT_EXEC => {
                // The message is the id the executing thread had; after a non-leader thread
                // executes, it carries on as the process leader, `pid`.
                let _former = event_message(pid);
                handler.exec(pid);
                resume(pid, 0);
            }
            libc::PTRACE_EVENT_STOP
                if matches!(
                    signal,
                    libc::SIGSTOP | libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU
                ) =>
            {
                // A group-stop: stay stopped until SIGCONT, but keep reporting.
                let _ = ptrace(libc::PTRACE_LISTEN, pid, 0, 0);
            }
            // PTRACE_EVENT_EXIT, a new task's first stop, an interrupt.
            _ => resume(pid, 0),
        }
    }
    Ok(outcome)
}

fn answer(pid: i32, answer: Answer) {
    match answer {
        Answer::Allow => resume(pid, 0),
        Answer::Fail(errno) => {
            let _ = skip_syscall(pid, errno);
            resume(pid, 0);
        }
        Answer::Trap => {
            let _ = skip_syscall(pid, libc::ENOSYS as u16);
            resume(pid, libc::SIGSYS);
        }
        Answer::Kill => {
            let _ = skip_syscall(pid, libc::EPERM as u16);
            // SAFETY: kill(2) with a thread id signals its whole thread group.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
            resume(pid, 0);
        }
    }
}

/// Runs `command` with `filter` installed and nothing traced: denied calls get what the
/// profile says. Returns the exit status (128 + signal when killed).
pub fn run_untraced(command: &Command, filter: &Program) -> Result<i32, TraceError> {
    let (report_read, report_write) = pipe()?;
    let plan = prepare(command, filter, None, report_write);
    let spawned = spawn(&plan);
    close(report_write);
    let pid = match spawned {
        Ok(pid) => pid,
        Err(error) => {
            close(report_read);
            return Err(error);
        }
    };
    let _interrupts = IgnoreInterrupts::new();
    let status = loop {
        let mut status = 0;
        // SAFETY: waiting for our own child; `status` is a valid int.
        let result = unsafe { libc::waitpid(pid, &raw mut status, 0) };
        if result == pid {
            break status;
        }
        if Errno::last() != Errno::EINTR {
            close(report_read);
            return Err(TraceError::Os("waitpid", Errno::last()));
        }
    };
    if let Some(error) = child_failure(command, report_read) {
        return Err(error);
    }
    Ok(if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        libc::WEXITSTATUS(status)
    })
}

/// The program a task runs: `/proc/<pid>/exe`, or its `comm` when that cannot be read.
pub fn program_of(pid: i32) -> String {
    std::fs::read_link(format!("/proc/{pid}/exe"))
        .map(|path| path.display().to_string())
        .or_else(|_| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .map(|comm| comm.trim_end().to_owned())
        })
        .unwrap_or_else(|_| format!("pid {pid}"))
}

/// A NUL-terminated string in a tracee's memory, up to `max` bytes (read through
/// `/proc/<pid>/mem`, which the tracer may read).
pub fn read_string(pid: i32, address: u64, max: usize) -> Option<Vec<u8>> {
    if address == 0 {
        return None;
    }
    read_string_in(&File::open(format!("/proc/{pid}/mem")).ok()?, address, max)
}

/// [`read_string`] from an open `/proc/<pid>/mem`, for callers that read many.
pub fn read_string_in(memory: &File, address: u64, max: usize) -> Option<Vec<u8>> {
    if address == 0 {
        return None;
    }
    let mut buffer = vec![0u8; max];
    let mut got = 0;
    // Read in pieces that do not cross a page, so that a string at the end of a mapping reads.
    while got < max {
        let at = address.checked_add(got as u64)?;
        let to_page_end = 4096 - (at % 4096) as usize;
        let want = to_page_end.min(max - got);
        match memory.read_at(&mut buffer[got..got + want], at) {
            Ok(0) | Err(_) => break,
            Ok(read) => {
                if let Some(end) = buffer[got..got + read].iter().position(|b| *b == 0) {
                    buffer.truncate(got + end);
                    return Some(buffer);
                }
                got += read;
            }
        }
    }
    (got > 0).then(|| {
        buffer.truncate(got);
        buffer
    })
}

/// `len` bytes of a tracee's memory at `address`, read from its open `/proc/<pid>/mem`, or `None`
/// when they cannot all be read.
pub fn read_bytes(memory: &File, address: u64, len: usize) -> Option<Vec<u8>> {
    if address == 0 {
        return None;
    }
    let mut buffer = vec![0u8; len];
    memory.read_exact_at(&mut buffer, address).ok()?;
    Some(buffer)
}

/// Whether this process may trace its children: a traced `true` that must succeed. Tests use it
/// to tell "not permitted here" from a failure.
pub fn probe() -> Result<(), TraceError> {
    struct Quiet;
    impl Handler for Quiet {
        fn call(&mut self, _call: &Call) -> Answer {
            Answer::Allow
        }
    }
    let command = Command::new(&["true".into()])?;
    run(&command, &Program::trace_all(), &mut Quiet).map(|_| ())
}
