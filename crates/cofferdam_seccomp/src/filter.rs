//! A seccomp profile compiled to the classic BPF program the kernel runs, as runc and
//! libseccomp would build it, for `seccomp test` (and the one-instruction filter of `record`).
//!
//! Docker's profiles give each rule its own action and errno, and a rule may compare 64-bit
//! arguments; seccompiler's one-action-per-filter model would need one stacked filter per
//! (action, errno) group, each run on every syscall, so this module emits the program itself:
//!
//! ```text
//! ld arch; jeq AUDIT_ARCH_X86_64 → x86_64; jeq AUDIT_ARCH_I386 → i386; ret <bad arch>
//! x86_64: ld nr; jge 0x40000000 → x32 (or bad arch); binary search over number ranges → ret
//! arguments: per syscall, rules in order, each a list of AND-ed 64-bit comparisons → ret
//! ```
//!
//! Which rule applies is decided as [`crate::resolve`] decides it (the same `applies`, the same
//! first-unconditional-rule-wins merge, runc's ENOSYS stub above the highest named number), per
//! ABI: the host's, and the compat ABIs the profile lists (`archMap` included). A syscall of an
//! ABI the filter does not cover takes libseccomp's default bad-architecture action, killing the
//! thread. In [`Mode::Report`] every leaf that does not allow the call returns
//! `SECCOMP_RET_TRACE` with the denial encoded in the 16 data bits ([`Denial`]), so that a
//! tracer can report it and then answer as the profile would.
//!
//! Comparisons are libseccomp's: a 64-bit argument is two 32-bit words (low word first on the
//! little-endian architectures cofferdam supports); for 32-bit ABIs only the low words count.

use std::collections::{BTreeMap, HashMap};

use crate::arch::Arch;
use crate::caps::CapSet;
use crate::profile::{Action, Arg, Op, Profile, Rule};
use crate::resolve::{Kernel, applies};

/// `SECCOMP_RET_*` values (linux/seccomp.h).
pub const RET_KILL_PROCESS: u32 = 0x8000_0000;
pub const RET_KILL_THREAD: u32 = 0x0000_0000;
pub const RET_TRAP: u32 = 0x0003_0000;
pub const RET_ERRNO: u32 = 0x0005_0000;
pub const RET_TRACE: u32 = 0x7ff0_0000;
pub const RET_ALLOW: u32 = 0x7fff_0000;
const RET_DATA: u32 = 0x0000_ffff;

/// x32 syscalls are `AUDIT_ARCH_X86_64` calls with this bit set in the number.
pub const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// The kernel's limit on a filter's length (`BPF_MAXINSNS`).
pub const MAX_INSTRUCTIONS: usize = 4096;

/// One classic BPF instruction, laid out as the kernel's `struct sock_filter`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insn {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

// Opcodes (linux/bpf_common.h): BPF_LD|BPF_W|BPF_ABS, BPF_ALU|BPF_AND|BPF_K,
// BPF_JMP|{BPF_JA, BPF_JEQ, BPF_JGT, BPF_JGE}|BPF_K, BPF_RET|BPF_K.
const LD_W_ABS: u16 = 0x20;
const ALU_AND_K: u16 = 0x54;
const JMP_JA: u16 = 0x05;
const JMP_JEQ_K: u16 = 0x15;
const JMP_JGT_K: u16 = 0x25;
const JMP_JGE_K: u16 = 0x35;
const RET_K: u16 = 0x06;

// Offsets in `struct seccomp_data`.
const OFFSET_NR: u32 = 0;
const OFFSET_ARCH: u32 = 4;
const OFFSET_ARGS: u32 = 16;

/// A compiled filter, ready for `PR_SET_SECCOMP`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program(pub Vec<Insn>);

impl Program {
    /// The filter `record` installs: every syscall stops at the tracer, once.
    pub fn trace_all() -> Program {
        Program(vec![Insn {
            code: RET_K,
            jt: 0,
            jf: 0,
            k: RET_TRACE,
        }])
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A syscall ABI a seccomp filter can see: the `arch` field of `seccomp_data` (and, for x32,
/// the number's high bit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Abi {
    X86_64,
    /// i386 programs, and `int $0x80` from 64-bit code, on an `x86_64` kernel.
    X86,
    X32,
    Aarch64,
    /// 32-bit ARM (EABI) programs on an aarch64 kernel.
    Arm,
}

/// The x32 numbers (from 512) that differ from `x86_64`'s (the kernel's `syscall_64.tbl`);
/// below 512, x32 shares `x86_64`'s numbers with the x32 bit set.
const X32_SPECIFIC: [&str; 36] = [
    "rt_sigaction",
    "rt_sigreturn",
    "ioctl",
    "readv",
    "writev",
    "recvfrom",
    "sendmsg",
    "recvmsg",
    "execve",
    "ptrace",
    "rt_sigpending",
    "rt_sigtimedwait",
    "rt_sigqueueinfo",
    "sigaltstack",
    "timer_create",
    "mq_notify",
    "kexec_load",
    "waitid",
    "set_robust_list",
    "get_robust_list",
    "vmsplice",
    "move_pages",
    "preadv",
    "pwritev",
    "rt_tgsigqueueinfo",
    "recvmmsg",
    "sendmmsg",
    "process_vm_readv",
    "process_vm_writev",
    "setsockopt",
    "getsockopt",
    "io_setup",
    "io_submit",
    "execveat",
    "preadv2",
    "pwritev2",
];

impl Abi {
    /// Every ABI cofferdam knows.
    pub const ALL: [Abi; 5] = [Abi::X86_64, Abi::X86, Abi::X32, Abi::Aarch64, Abi::Arm];

    /// `AUDIT_ARCH_*` (linux/audit.h): the ELF machine, `__AUDIT_ARCH_64BIT`, `__AUDIT_ARCH_LE`.
    pub fn audit_arch(self) -> u32 {
        match self {
            Abi::X86_64 | Abi::X32 => 0xc000_003e,
            Abi::X86 => 0x4000_0003,
            Abi::Aarch64 => 0xc000_00b7,
            Abi::Arm => 0x4000_0028,
        }
    }

    /// The ABI of a syscall the kernel reports with this `arch` and number.
    pub fn of_call(audit_arch: u32, nr: u64) -> Option<Abi> {
        match audit_arch {
            0xc000_003e if nr & u64::from(X32_SYSCALL_BIT) != 0 => Some(Abi::X32),
            0xc000_003e => Some(Abi::X86_64),
            0x4000_0003 => Some(Abi::X86),
            0xc000_00b7 => Some(Abi::Aarch64),
            0x4000_0028 => Some(Abi::Arm),
            _ => None,
        }
    }

    /// The libseccomp name profiles use in `architectures`.
    pub fn seccomp_name(self) -> &'static str {
        match self {
            Abi::X86_64 => "SCMP_ARCH_X86_64",
            Abi::X86 => "SCMP_ARCH_X86",
            Abi::X32 => "SCMP_ARCH_X32",
            Abi::Aarch64 => "SCMP_ARCH_AARCH64",
            Abi::Arm => "SCMP_ARCH_ARM",
        }
    }

    pub fn from_seccomp_name(name: &str) -> Option<Abi> {
        Abi::ALL.into_iter().find(|abi| abi.seccomp_name() == name)
    }

    /// A short name for people: `x86_64`, `i386`, `x32`, `aarch64`, `arm`.
    pub fn name(self) -> &'static str {
        match self {
            Abi::X86_64 => "x86_64",
            Abi::X86 => "i386",
            Abi::X32 => "x32",
            Abi::Aarch64 => "aarch64",
            Abi::Arm => "arm",
        }
    }

    /// The host ABI of an architecture.
    pub fn native(arch: Arch) -> Abi {
        match arch {
            Arch::X86_64 => Abi::X86_64,
            Arch::Aarch64 => Abi::Aarch64,
        }
    }

    /// Whether a kernel of `arch` can run syscalls of this ABI.
    pub fn runs_on(self, arch: Arch) -> bool {
        match arch {
            Arch::X86_64 => matches!(self, Abi::X86_64 | Abi::X86 | Abi::X32),
            Arch::Aarch64 => matches!(self, Abi::Aarch64 | Abi::Arm),
        }
    }

    fn is_64bit(self) -> bool {
        self.audit_arch() & 0x8000_0000 != 0
    }

    /// The name of a syscall number as the kernel reports it (x32 numbers with their bit).
    pub fn syscall_name(self, nr: u64) -> Option<&'static str> {
        let id = usize::try_from(nr).ok()?;
        match self {
            // The host ABIs use `crate::arch`'s tables, which correct the crate's names.
            Abi::X86_64 => Arch::X86_64.syscall_name(u32::try_from(nr).ok()?),
            Abi::X86 => syscalls::x86::Sysno::new(id).map(|sysno| sysno.name()),
            Abi::X32 => {
                let id = id.checked_sub(X32_SYSCALL_BIT as usize)?;
                if id >= 512 {
                    X32_SPECIFIC.get(id - 512).copied()
                } else {
                    syscalls::x86_64::Sysno::new(id).map(|sysno| sysno.name())
                }
            }
            Abi::Aarch64 => Arch::Aarch64.syscall_name(u32::try_from(nr).ok()?),
            Abi::Arm => syscalls::arm::Sysno::new(id).map(|sysno| sysno.name()),
        }
    }

    /// Every `(number, name)` of the ABI, x32 numbers with their bit. A name x32 takes from
    /// the 512+ range is listed once, at that number.
    pub fn syscalls(self) -> Vec<(u32, &'static str)> {
        // syscalls 0.8.1's `Sysno::iter()` never yields a table's last entry (see
        // `crate::arch`): it is chained on here too.
        fn table<T: Copy + PartialEq>(
            iter: impl Iterator<Item = T>,
            last: T,
            id: impl Fn(T) -> i32,
            name: impl Fn(T) -> &'static str,
        ) -> Vec<(u32, &'static str)> {
            iter.filter(|sysno| *sysno != last)
                .chain(std::iter::once(last))
                .map(|sysno| (id(sysno).unsigned_abs(), name(sysno)))
                .collect()
        }
        match self {
            Abi::X86_64 => Arch::X86_64.syscalls(),
            Abi::X86 => table(
                syscalls::x86::Sysno::iter(),
                syscalls::x86::Sysno::last(),
                |s| s.id(),
                |s| s.name(),
            ),
            Abi::X32 => {
                let mut out: Vec<(u32, &'static str)> = Abi::X86_64
                    .syscalls()
                    .into_iter()
                    .filter(|(nr, name)| *nr < 512 && !X32_SPECIFIC.contains(name))
                    .map(|(nr, name)| (nr | X32_SYSCALL_BIT, name))
                    .collect();
                out.extend(
                    X32_SPECIFIC
                        .iter()
                        .zip(512..)
                        .map(|(name, nr)| (nr | X32_SYSCALL_BIT, *name)),
                );
                out
            }
            Abi::Aarch64 => Arch::Aarch64.syscalls(),
            Abi::Arm => table(
                syscalls::arm::Sysno::iter(),
                syscalls::arm::Sysno::last(),
                |s| s.id(),
                |s| s.name(),
            ),
        }
    }
}

impl std::fmt::Display for Abi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What the profile does with a call that it does not allow, as [`Mode::Report`] encodes it in
/// the data bits of `SECCOMP_RET_TRACE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Denial {
    /// Fails with this errno (`SCMP_ACT_ERRNO`; also `SCMP_ACT_TRACE` and `SCMP_ACT_NOTIFY`,
    /// which fail with ENOSYS when no tracer or supervisor is there, as in a container).
    Errno(u16),
    KillThread,
    KillProcess,
    /// `SIGSYS`.
    Trap,
    /// The call's ABI is not one the filter covers: the thread is killed.
    ForeignArch,
}

const KIND_ERRNO: u32 = 0x1000;
const KIND_KILL_THREAD: u32 = 0x2000;
const KIND_KILL_PROCESS: u32 = 0x3000;
const KIND_TRAP: u32 = 0x4000;
const KIND_FOREIGN_ARCH: u32 = 0x5000;

impl Denial {
    /// The 16 data bits of `SECCOMP_RET_TRACE`.
    pub fn encode(self) -> u16 {
        let data = match self {
            Denial::Errno(errno) => KIND_ERRNO | (u32::from(errno) & 0x0fff),
            Denial::KillThread => KIND_KILL_THREAD,
            Denial::KillProcess => KIND_KILL_PROCESS,
            Denial::Trap => KIND_TRAP,
            Denial::ForeignArch => KIND_FOREIGN_ARCH,
        };
        data as u16
    }

    /// The denial a report-mode filter encoded; `None` for data it does not write (0 is what
    /// `record`'s filter returns).
    pub fn decode(data: u16) -> Option<Denial> {
        let data = u32::from(data);
        Some(match data & 0xf000 {
            KIND_ERRNO => Denial::Errno((data & 0x0fff) as u16),
            KIND_KILL_THREAD => Denial::KillThread,
            KIND_KILL_PROCESS => Denial::KillProcess,
            KIND_TRAP => Denial::Trap,
            KIND_FOREIGN_ARCH => Denial::ForeignArch,
            _ => return None,
        })
    }

    /// `EPERM`, `ENOSYS`, `killed`, `SIGSYS`, `foreign architecture`.
    pub fn describe(self) -> String {
        match self {
            Denial::Errno(errno) => crate::resolve::errno_name(u32::from(errno)),
            Denial::KillThread => "thread killed".to_owned(),
            Denial::KillProcess => "process killed".to_owned(),
            Denial::Trap => "SIGSYS".to_owned(),
            Denial::ForeignArch => "foreign architecture, thread killed".to_owned(),
        }
    }
}

/// What the filter does with one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Leaf {
    Allow,
    Deny(Denial),
}

/// How denials are compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// As the engine would: `SECCOMP_RET_ERRNO`, `KILL`, `TRAP`.
    Enforce,
    /// `SECCOMP_RET_TRACE` with the [`Denial`] in the data bits, for a tracer to report.
    Report,
}

impl Leaf {
    fn ret(self, mode: Mode) -> u32 {
        match (self, mode) {
            (Leaf::Allow, _) => RET_ALLOW,
            (Leaf::Deny(denial), Mode::Report) => RET_TRACE | u32::from(denial.encode()),
            (Leaf::Deny(Denial::Errno(errno)), Mode::Enforce) => {
                RET_ERRNO | (u32::from(errno) & RET_DATA)
            }
            (Leaf::Deny(Denial::KillThread | Denial::ForeignArch), Mode::Enforce) => {
                RET_KILL_THREAD
            }
            (Leaf::Deny(Denial::KillProcess), Mode::Enforce) => RET_KILL_PROCESS,
            (Leaf::Deny(Denial::Trap), Mode::Enforce) => RET_TRAP,
        }
    }
}

const EPERM: u16 = 1;
const ENOSYS: u16 = 38;

/// The leaf of an action as runc converts it: an `SCMP_ACT_ERRNO` without an errno is EPERM,
/// `SCMP_ACT_LOG` allows, `SCMP_ACT_TRACE` and `SCMP_ACT_NOTIFY` fail with ENOSYS when nothing
/// answers them.
fn leaf(action: Action, errno: Option<u32>) -> Leaf {
    match action {
        Action::Allow | Action::Log => Leaf::Allow,
        Action::Errno => Leaf::Deny(Denial::Errno(
            errno.map_or(EPERM, |errno| (errno & 0xffff) as u16),
        )),
        Action::Trace | Action::Notify => Leaf::Deny(Denial::Errno(ENOSYS)),
        Action::KillThread => Leaf::Deny(Denial::KillThread),
        Action::KillProcess => Leaf::Deny(Denial::KillProcess),
        Action::Trap => Leaf::Deny(Denial::Trap),
    }
}

/// Why a profile cannot be compiled: what the engine would refuse too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError(pub String);

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CompileError {}

/// The container the profile is compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// The host architecture.
    pub arch: Arch,
    /// The capabilities `includes.caps`/`excludes.caps` are evaluated against.
    pub caps: CapSet,
    pub kernel: Kernel,
}

/// A conditional rule: alternatives (OR) of conditions that must all hold (AND), and its leaf.
type Conditional = (Vec<Vec<Arg>>, Leaf);

/// One syscall's decision: conditional rules in order, then what happens otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
struct SyscallPlan {
    conditional: Vec<Conditional>,
    otherwise: Leaf,
}

/// One ABI's decisions: the syscalls that differ from `default`, by number.
#[derive(Clone, Debug, PartialEq, Eq)]
struct AbiPlan {
    abi: Abi,
    default: Leaf,
    syscalls: BTreeMap<u32, SyscallPlan>,
    /// runc's stub: numbers above this one fail with ENOSYS.
    enosys_above: Option<u32>,
}

/// The alternatives a rule's conditions stand for (runc splits a rule that tests the same
/// argument twice into one rule per condition).
fn alternatives(args: &[Arg]) -> Vec<Vec<Arg>> {
    let repeated = args
        .iter()
        .enumerate()
        .any(|(i, arg)| args[..i].iter().any(|other| other.index == arg.index));
    if repeated {
        args.iter().map(|arg| vec![arg.clone()]).collect()
    } else {
        vec![args.to_vec()]
    }
}

/// The ABIs the filter covers on the target's host: the native one (libseccomp always adds it)
/// and those `architectures`/`archMap` list that the host can run.
fn covered_abis(profile: &Profile, arch: Arch) -> Vec<(Abi, bool)> {
    let listed = profile.architectures_for(arch);
    let mut abis = vec![(
        Abi::native(arch),
        listed
            .iter()
            .any(|name| name == Abi::native(arch).seccomp_name()),
    )];
    for name in &listed {
        if let Some(abi) = Abi::from_seccomp_name(name)
            && abi.runs_on(arch)
            && !abis.iter().any(|(known, _)| *known == abi)
        {
            abis.push((abi, true));
        }
    }
    abis
}

fn plan(profile: &Profile, target: &Target) -> Result<Vec<AbiPlan>, CompileError> {
    let Some(default_action) = profile.default_action_kind() else {
        return Err(CompileError(format!(
            "unknown default action `{}` (the engine refuses the profile)",
            profile.default_action
        )));
    };
    let default = leaf(default_action, profile.default_errno_ret);
    let stub = !matches!(default_action, Action::Allow | Action::Log | Action::Trace)
        && profile.default_errno_ret != Some(u32::from(ENOSYS));
    let mut applying: Vec<(&Rule, Leaf)> = Vec::new();
    for rule in &profile.syscalls {
        if !applies(rule, target.arch, target.caps, target.kernel) {
            continue;
        }
        let Some(action) = rule.action_kind() else {
            return Err(CompileError(format!(
                "unknown action `{}` (the engine refuses the profile)",
                rule.action
            )));
        };
        if let Some(arg) = rule.args.iter().find(|arg| arg.op_kind().is_none()) {
            return Err(CompileError(format!(
                "unknown operator `{}` (the engine refuses the profile)",
                arg.op
            )));
        }
        applying.push((
            rule,
            leaf(action, rule.errno_ret.or(Some(u32::from(EPERM)))),
        ));
    }

    let mut plans = Vec::new();
    for (abi, listed) in covered_abis(profile, target.arch) {
        let numbers: HashMap<&str, u32> = abi
            .syscalls()
            .into_iter()
            .map(|(nr, name)| (name, nr))
            .collect();
        let highest = applying
            .iter()
            .flat_map(|(rule, _)| rule.all_names())
            .filter_map(|name| numbers.get(name).copied())
            .max();
        let enosys_above = if stub && listed { highest } else { None };
        let mut unconditional: HashMap<u32, Leaf> = HashMap::new();
        let mut conditional: BTreeMap<u32, Vec<Conditional>> = BTreeMap::new();
        for (rule, verdict) in &applying {
            if *verdict == default {
                continue;
            }
            for name in rule.all_names() {
                let Some(&nr) = numbers.get(name) else {
                    continue;
                };
                if rule.args.is_empty() {
                    unconditional.entry(nr).or_insert(*verdict);
                } else {
                    conditional
                        .entry(nr)
                        .or_default()
                        .push((alternatives(&rule.args), *verdict));
                }
            }
        }
        let mut syscalls = BTreeMap::new();
        for (&nr, &verdict) in &unconditional {
            syscalls.insert(
                nr,
                SyscallPlan {
                    conditional: Vec::new(),
                    otherwise: verdict,
                },
            );
        }
        for (nr, rules) in conditional {
            if unconditional.contains_key(&nr) {
                continue;
            }
            let otherwise = if enosys_above.is_some_and(|highest| nr > highest) {
                Leaf::Deny(Denial::Errno(ENOSYS))
            } else {
                default
            };
            if rules.iter().all(|(_, verdict)| *verdict == otherwise) {
                continue;
            }
            syscalls.insert(
                nr,
                SyscallPlan {
                    conditional: rules,
                    otherwise,
                },
            );
        }
        plans.push(AbiPlan {
            abi,
            default,
            syscalls,
            enosys_above,
        });
    }
    Ok(plans)
}

/// Compiles `profile` for `target`. `None` when the profile disables seccomp (neither a
/// default action nor rules, as moby reads it).
pub fn compile(
    profile: &Profile,
    target: &Target,
    mode: Mode,
) -> Result<Option<Program>, CompileError> {
    if profile.default_action.is_empty() && profile.syscalls.is_empty() {
        return Ok(None);
    }
    let plans = plan(profile, target)?;
    let program = emit(&plans, mode)?;
    Ok(Some(program))
}

// ---- the assembler ------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Label(usize);

#[derive(Clone, Copy, Debug)]
enum Cond {
    Eq,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug)]
enum Step {
    Load(u32),
    And(u32),
    Jump {
        cond: Cond,
        k: u32,
        t: Label,
        f: Label,
    },
    Goto(Label),
    Ret(u32),
    Mark(Label),
}

#[derive(Default)]
struct Asm {
    ops: Vec<Step>,
    labels: usize,
}

impl Asm {
    fn label(&mut self) -> Label {
        self.labels += 1;
        Label(self.labels - 1)
    }

    fn push(&mut self, op: Step) {
        self.ops.push(op);
    }

    fn mark(&mut self, label: Label) {
        self.ops.push(Step::Mark(label));
    }

    fn jump(&mut self, cond: Cond, k: u32, t: Label, f: Label) {
        self.ops.push(Step::Jump { cond, k, t, f });
    }

    /// Lays the program out. A conditional jump reaches 255 instructions; one that must go
    /// further becomes `jcond k, 0, 1; ja t; ja f`, and the layout is redone until it holds.
    fn assemble(&self) -> Result<Program, CompileError> {
        let mut long = vec![false; self.ops.len()];
        loop {
            let mut position = vec![0usize; self.labels];
            let mut at = Vec::with_capacity(self.ops.len());
            let mut pc = 0usize;
            for (index, op) in self.ops.iter().enumerate() {
                at.push(pc);
                match op {
                    Step::Mark(label) => position[label.0] = pc,
                    Step::Jump { .. } if long[index] => pc += 3,
                    _ => pc += 1,
                }
            }
            let mut grew = false;
            let mut out = Vec::with_capacity(pc);
            for (index, op) in self.ops.iter().enumerate() {
                let here = at[index];
                let offset = |label: Label, from: usize| -> Result<usize, CompileError> {
                    position[label.0]
                        .checked_sub(from + 1)
                        .ok_or_else(|| CompileError("internal error: a backward jump".to_owned()))
                };
                match *op {
                    Step::Mark(_) => {}
                    Step::Load(offset) => out.push(Insn {
                        code: LD_W_ABS,
                        jt: 0,
                        jf: 0,
                        k: offset,
                    }),
                    Step::And(mask) => out.push(Insn {
                        code: ALU_AND_K,
                        jt: 0,
                        jf: 0,
                        k: mask,
                    }),
                    Step::Ret(value) => out.push(Insn {
                        code: RET_K,
                        jt: 0,
                        jf: 0,
                        k: value,
                    }),
                    Step::Goto(label) => out.push(Insn {
                        code: JMP_JA,
                        jt: 0,
                        jf: 0,
                        k: offset(label, here)? as u32,
                    }),
                    Step::Jump { cond, k, t, f } => {
                        let code = match cond {
                            Cond::Eq => JMP_JEQ_K,
                            Cond::Gt => JMP_JGT_K,
                            Cond::Ge => JMP_JGE_K,
                        };
                        if long[index] {
                            out.push(Insn {
                                code,
                                jt: 0,
                                jf: 1,
                                k,
                            });
                            out.push(Insn {
                                code: JMP_JA,
                                jt: 0,
                                jf: 0,
                                k: offset(t, here + 1)? as u32,
                            });
                            out.push(Insn {
                                code: JMP_JA,
                                jt: 0,
                                jf: 0,
                                k: offset(f, here + 2)? as u32,
                            });
                        } else {
                            let (jt, jf) = (offset(t, here)?, offset(f, here)?);
                            if let (Ok(jt), Ok(jf)) = (u8::try_from(jt), u8::try_from(jf)) {
                                out.push(Insn { code, jt, jf, k });
                            } else {
                                long[index] = true;
                                grew = true;
                            }
                        }
                    }
                }
            }
            if !grew {
                if out.len() > MAX_INSTRUCTIONS {
                    return Err(CompileError(format!(
                        "the filter needs {} instructions; the kernel accepts {MAX_INSTRUCTIONS}",
                        out.len()
                    )));
                }
                return Ok(Program(out));
            }
        }
    }
}

/// Where a range of numbers goes: a leaf, or the argument checks of one syscall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dest {
    Leaf(Leaf),
    Args(u32),
}

struct Emitter {
    asm: Asm,
    mode: Mode,
}

impl Emitter {
    /// A binary search over `ranges` (each a start and where numbers from there go, sorted,
    /// the first starting at 0), with the number in the accumulator.
    fn search(&mut self, ranges: &[(u32, Dest)], args: &HashMap<u32, Label>) {
        if let [(_, target)] = ranges {
            // A `ret` in place costs what a jump to a shared one would, and never needs the
            // three-instruction long form.
            match *target {
                Dest::Leaf(leaf) => self.asm.push(Step::Ret(leaf.ret(self.mode))),
                Dest::Args(nr) => self.asm.push(Step::Goto(args[&nr])),
            }
            return;
        }
        let mid = ranges.len() / 2;
        let (left, right) = (self.asm.label(), self.asm.label());
        self.asm.jump(Cond::Ge, ranges[mid].0, right, left);
        self.asm.mark(left);
        self.search(&ranges[..mid], args);
        self.asm.mark(right);
        self.search(&ranges[mid..], args);
    }

    /// One comparison: to `t` when it holds, `f` otherwise.
    fn condition(&mut self, arg: &Arg, wide: bool, t: Label, f: Label) {
        let Some(op) = arg.op_kind() else {
            self.asm.push(Step::Goto(f));
            return;
        };
        if arg.index > 5 {
            self.asm.push(Step::Goto(f));
            return;
        }
        let low = OFFSET_ARGS + 8 * arg.index;
        let high = low + 4;
        let (value_high, value_low) = ((arg.value >> 32) as u32, arg.value as u32);
        let (two_high, two_low) = ((arg.value_two >> 32) as u32, arg.value_two as u32);
        let asm = &mut self.asm;
        // Compares the low words: `cond` true → t, else f (or swapped).
        let low_word = |asm: &mut Asm, cond: Cond, k: u32, swap: bool| {
            asm.push(Step::Load(low));
            if swap {
                asm.jump(cond, k, f, t);
            } else {
                asm.jump(cond, k, t, f);
            }
        };
        match op {
            Op::Eq | Op::Ne => {
                let (hit, miss) = if op == Op::Eq { (t, f) } else { (f, t) };
                if wide {
                    let next = asm.label();
                    asm.push(Step::Load(high));
                    asm.jump(Cond::Eq, value_high, next, miss);
                    asm.mark(next);
                }
                asm.push(Step::Load(low));
                asm.jump(Cond::Eq, value_low, hit, miss);
            }
            Op::Gt | Op::Ge | Op::Lt | Op::Le => {
                // a > v (or a >= v); LT is not GE and LE is not GT.
                let strict = matches!(op, Op::Gt | Op::Le);
                let swap = matches!(op, Op::Lt | Op::Le);
                let (above, below) = if swap { (f, t) } else { (t, f) };
                if wide {
                    let (equal, low_part) = (asm.label(), asm.label());
                    asm.push(Step::Load(high));
                    asm.jump(Cond::Gt, value_high, above, equal);
                    asm.mark(equal);
                    asm.jump(Cond::Eq, value_high, low_part, below);
                    asm.mark(low_part);
                }
                low_word(
                    asm,
                    if strict { Cond::Gt } else { Cond::Ge },
                    value_low,
                    swap,
                );
            }
            Op::MaskedEq => {
                if wide {
                    let next = asm.label();
                    asm.push(Step::Load(high));
                    asm.push(Step::And(value_high));
                    asm.jump(Cond::Eq, two_high, next, f);
                    asm.mark(next);
                }
                asm.push(Step::Load(low));
                asm.push(Step::And(value_low));
                asm.jump(Cond::Eq, two_low, t, f);
            }
        }
    }

    fn arguments(&mut self, plan: &SyscallPlan, wide: bool) {
        for (alternatives, verdict) in &plan.conditional {
            for conditions in alternatives {
                let next_alternative = self.asm.label();
                for arg in conditions {
                    let next = self.asm.label();
                    self.condition(arg, wide, next, next_alternative);
                    self.asm.mark(next);
                }
                self.asm.push(Step::Ret(verdict.ret(self.mode)));
                self.asm.mark(next_alternative);
            }
        }
        self.asm.push(Step::Ret(plan.otherwise.ret(self.mode)));
    }

    /// The decision tree of one ABI, with the number in the accumulator; argument blocks are
    /// queued in `pending`.
    fn abi(&mut self, plan: &AbiPlan, pending: &mut Vec<(Label, SyscallPlan, bool)>) {
        let mut ranges: Vec<(u32, Dest)> = Vec::new();
        // Numbers from `start` on go to `target`: a range that would be empty is replaced, and
        // one that goes where the previous one goes is merged into it.
        let push = |ranges: &mut Vec<(u32, Dest)>, start: u32, target: Dest| {
            if ranges.last().is_some_and(|(last, _)| *last == start) {
                ranges.pop();
            }
            if ranges.last().is_none_or(|(_, last)| *last != target) {
                ranges.push((start, target));
            }
        };
        // x32 numbers carry their bit: the search starts at the bit.
        let base = if plan.abi == Abi::X32 {
            X32_SYSCALL_BIT
        } else {
            0
        };
        push(&mut ranges, base, Dest::Leaf(plan.default));
        let mut args = HashMap::new();
        for (&nr, syscall) in &plan.syscalls {
            if nr < base || plan.enosys_above.is_some_and(|highest| nr > highest) {
                continue;
            }
            let target = if syscall.conditional.is_empty() {
                Dest::Leaf(syscall.otherwise)
            } else {
                let label = self.asm.label();
                args.insert(nr, label);
                pending.push((label, syscall.clone(), plan.abi.is_64bit()));
                Dest::Args(nr)
            };
            push(&mut ranges, nr, target);
            if let Some(next) = nr.checked_add(1) {
                push(&mut ranges, next, Dest::Leaf(plan.default));
            }
        }
        if let Some(highest) = plan.enosys_above
            && let Some(next) = highest.checked_add(1)
        {
            // Everything above the highest named number, including numbers no table has.
            ranges.retain(|(start, _)| *start <= highest);
            push(
                &mut ranges,
                next,
                Dest::Leaf(Leaf::Deny(Denial::Errno(ENOSYS))),
            );
        }
        self.search(&ranges, &args);
    }
}

fn emit(plans: &[AbiPlan], mode: Mode) -> Result<Program, CompileError> {
    let mut emitter = Emitter {
        asm: Asm::default(),
        mode,
    };
    let foreign = Step::Ret(Leaf::Deny(Denial::ForeignArch).ret(mode));
    let mut pending = Vec::new();

    // Group the ABIs by the `arch` value they share (x86_64 and x32).
    let mut by_arch: Vec<(u32, Vec<&AbiPlan>)> = Vec::new();
    for plan in plans {
        let arch = plan.abi.audit_arch();
        match by_arch.iter_mut().find(|(known, _)| *known == arch) {
            Some((_, group)) => group.push(plan),
            None => by_arch.push((arch, vec![plan])),
        }
    }
    let blocks: Vec<Label> = by_arch.iter().map(|_| emitter.asm.label()).collect();
    emitter.asm.push(Step::Load(OFFSET_ARCH));
    for ((arch, _), block) in by_arch.iter().zip(&blocks) {
        let next = emitter.asm.label();
        emitter.asm.jump(Cond::Eq, *arch, *block, next);
        emitter.asm.mark(next);
    }
    emitter.asm.push(foreign);

    for ((arch, group), block) in by_arch.iter().zip(&blocks) {
        emitter.asm.mark(*block);
        emitter.asm.push(Step::Load(OFFSET_NR));
        if *arch == Abi::X86_64.audit_arch() {
            // x32 calls are told apart by their number; without x32 in the filter they take the
            // bad-architecture action, as libseccomp's filters do.
            let (x32, native) = (emitter.asm.label(), emitter.asm.label());
            emitter.asm.jump(Cond::Ge, X32_SYSCALL_BIT, x32, native);
            emitter.asm.mark(native);
            match group.iter().find(|plan| plan.abi == Abi::X86_64) {
                Some(plan) => emitter.abi(plan, &mut pending),
                None => emitter.asm.push(foreign),
            }
            emitter.asm.mark(x32);
            match group.iter().find(|plan| plan.abi == Abi::X32) {
                Some(plan) => emitter.abi(plan, &mut pending),
                None => emitter.asm.push(foreign),
            }
        } else {
            for plan in group {
                emitter.abi(plan, &mut pending);
            }
        }
    }
    for (label, syscall, wide) in pending {
        emitter.asm.mark(label);
        emitter.arguments(&syscall, wide);
    }
    emitter.asm.assemble()
}

/// Runs a program on one call, as the kernel would: the value it returns. For tests, and for
/// checking a compiled profile against [`crate::resolve`].
pub fn evaluate(program: &Program, audit_arch: u32, nr: u32, args: &[u64; 6]) -> u32 {
    let word = |offset: u32| -> u32 {
        match offset {
            OFFSET_NR => nr,
            OFFSET_ARCH => audit_arch,
            _ => {
                let index = ((offset - OFFSET_ARGS) / 8) as usize;
                let value = args[index];
                if (offset - OFFSET_ARGS).is_multiple_of(8) {
                    value as u32
                } else {
                    (value >> 32) as u32
                }
            }
        }
    };
    let mut accumulator = 0u32;
    let mut pc = 0usize;
    loop {
        let insn = program.0[pc];
        pc += 1;
        match insn.code {
            LD_W_ABS => accumulator = word(insn.k),
            ALU_AND_K => accumulator &= insn.k,
            JMP_JA => pc += insn.k as usize,
            JMP_JEQ_K | JMP_JGT_K | JMP_JGE_K => {
                let holds = match insn.code {
                    JMP_JEQ_K => accumulator == insn.k,
                    JMP_JGT_K => accumulator > insn.k,
                    _ => accumulator >= insn.k,
                };
                pc += usize::from(if holds { insn.jt } else { insn.jf });
            }
            RET_K => return insn.k,
            other => panic!("opcode {other:#x} is not emitted"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{
        Abi, Denial, Mode, Program, RET_ALLOW, RET_ERRNO, RET_KILL_THREAD, RET_TRACE, Target,
        X32_SYSCALL_BIT, compile, evaluate,
    };
    use crate::arch::Arch;
    use crate::caps::CapSet;
    use crate::profile::Profile;
    use crate::resolve::{Kernel, Verdict, resolve};

    fn target(caps: CapSet) -> Target {
        Target {
            arch: Arch::X86_64,
            caps,
            kernel: Kernel(6, 1),
        }
    }

    fn expected(verdict: Verdict, mode: Mode) -> u32 {
        match (verdict, mode) {
            (Verdict::Allowed, _) => RET_ALLOW,
            (Verdict::Denied(errno), Mode::Enforce) => RET_ERRNO | errno,
            (Verdict::Denied(errno), Mode::Report) => {
                RET_TRACE | u32::from(Denial::Errno(errno as u16).encode())
            }
            other => panic!("unexpected verdict {other:?}"),
        }
    }

    /// Argument values that sit on every edge of the comparisons in a profile.
    fn probes(profile: &Profile) -> Vec<[u64; 6]> {
        let mut values = vec![0u64, 1, u64::MAX, 0xffff_ffff, 0x1_0000_0000];
        for rule in &profile.syscalls {
            for arg in &rule.args {
                for value in [arg.value, arg.value_two, arg.value | arg.value_two] {
                    values.extend([
                        value,
                        value.wrapping_add(1),
                        value.wrapping_sub(1),
                        value ^ 0x1_0000_0000,
                        value | 0xffff_0000_0000_0000,
                    ]);
                }
            }
        }
        values.sort_unstable();
        values.dedup();
        let mut out = Vec::new();
        for (i, value) in values.iter().enumerate() {
            let other = values[(i * 7 + 3) % values.len()];
            out.push([*value, other, *value, other, *value, other]);
            out.push([other, *value, other, *value, other, *value]);
        }
        out
    }

    /// The compiled program agrees with `resolve`'s decision for every `x86_64` syscall and
    /// every argument edge of Docker's default profile, for several capability sets.
    #[test]
    fn docker_default_compiles_to_what_resolve_decides() {
        let profile = Profile::docker_default();
        let probes = probes(&profile);
        for caps in [
            CapSet::docker_defaults(),
            CapSet::default(),
            CapSet::docker_tweaked(&["SYS_ADMIN".to_owned()], &[]).unwrap(),
            CapSet::all(),
        ] {
            let resolution = resolve(&profile, Arch::X86_64, caps, Kernel(6, 1));
            for mode in [Mode::Enforce, Mode::Report] {
                let program = compile(&profile, &target(caps), mode).unwrap().unwrap();
                assert!(program.len() < 4096, "{}", program.len());
                for (nr, _) in Arch::X86_64.syscalls().into_iter().chain([(1000, "none")]) {
                    for args in &probes {
                        let verdict = resolution
                            .decide_number(nr, args)
                            .unwrap_or(Verdict::Denied(38));
                        assert_eq!(
                            evaluate(&program, Abi::X86_64.audit_arch(), nr, args),
                            expected(verdict, mode),
                            "nr {nr} ({:?}) args {args:x?} caps {caps:?} {mode:?}",
                            Arch::X86_64.syscall_name(nr),
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn known_decisions_of_dockers_default() {
        let profile = Profile::docker_default();
        let program = compile(&profile, &target(CapSet::docker_defaults()), Mode::Enforce)
            .unwrap()
            .unwrap();
        let x86_64 = Abi::X86_64.audit_arch();
        let call = |name: &str, args: [u64; 6]| {
            evaluate(&program, x86_64, Arch::X86_64.number(name).unwrap(), &args)
        };
        assert_eq!(call("read", [0; 6]), RET_ALLOW);
        assert_eq!(call("mount", [0; 6]), RET_ERRNO + 1);
        assert_eq!(call("clone3", [0; 6]), RET_ERRNO + 38);
        // personality: PER_LINUX, UNAME26, ADDR_NO_RANDOMIZE and the query only.
        for allowed in [0u64, 8, 0x20000, 0x20008, 0xffff_ffff] {
            assert_eq!(call("personality", [allowed, 0, 0, 0, 0, 0]), RET_ALLOW);
        }
        assert_eq!(call("personality", [4, 0, 0, 0, 0, 0]), RET_ERRNO + 1);
        // socket: AF_ALG (38) and AF_VSOCK (40) blocked; 64-bit values compare in full.
        assert_eq!(call("socket", [2, 0, 0, 0, 0, 0]), RET_ALLOW);
        assert_eq!(call("socket", [38, 0, 0, 0, 0, 0]), RET_ERRNO + 1);
        assert_eq!(call("socket", [40, 0, 0, 0, 0, 0]), RET_ERRNO + 1);
        assert_eq!(call("socket", [39, 0, 0, 0, 0, 0]), RET_ALLOW);
        // clone with a namespace flag is blocked, without allowed.
        assert_eq!(call("clone", [0x0001_1200, 0, 0, 0, 0, 0]), RET_ALLOW);
        assert_eq!(call("clone", [0x1000_0000, 0, 0, 0, 0, 0]), RET_ERRNO + 1);
        // A number above every named one: runc's ENOSYS stub.
        assert_eq!(evaluate(&program, x86_64, 999, &[0; 6]), RET_ERRNO + 38);
        // i386 is covered (archMap), an unknown architecture is killed, x32 too when listed.
        assert_eq!(
            evaluate(&program, Abi::X86.audit_arch(), 20, &[0; 6]),
            RET_ALLOW
        );
        assert_eq!(
            evaluate(&program, 0x4000_0028, 20, &[0; 6]),
            RET_KILL_THREAD
        );
        assert_eq!(
            evaluate(&program, x86_64, X32_SYSCALL_BIT + 39, &[0; 6]),
            RET_ALLOW
        );
    }

    fn parse(json: &str) -> Profile {
        Profile::parse(json).unwrap()
    }

    #[test]
    fn sixty_four_bit_comparisons() {
        for (op, value, value_two, holds) in [
            (
                "SCMP_CMP_EQ",
                0x1_0000_0005u64,
                0u64,
                &[0x1_0000_0005u64][..],
            ),
            ("SCMP_CMP_NE", 5, 0, &[0x1_0000_0005, 4, u64::MAX][..]),
            (
                "SCMP_CMP_GT",
                0x1_0000_0000,
                0,
                &[0x1_0000_0001, 0x2_0000_0000][..],
            ),
            (
                "SCMP_CMP_GE",
                0x1_0000_0000,
                0,
                &[0x1_0000_0000, u64::MAX][..],
            ),
            ("SCMP_CMP_LT", 0x1_0000_0000, 0, &[0, 0xffff_ffff][..]),
            ("SCMP_CMP_LE", 0x1_0000_0000, 0, &[0x1_0000_0000, 7][..]),
            (
                "SCMP_CMP_MASKED_EQ",
                0xff00_0000_0000_00ff,
                0x1200_0000_0000_0034,
                &[0x12ab_cdef_0000_1234, 0x1200_0000_0000_0034][..],
            ),
        ] {
            let profile = parse(&format!(
                r#"{{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{{"names":["getpid"],"action":"SCMP_ACT_ALLOW","args":[{{"index":2,"value":{value},"valueTwo":{value_two},"op":"{op}"}}]}}]}}"#
            ));
            let program = compile(&profile, &target(CapSet::default()), Mode::Enforce)
                .unwrap()
                .unwrap();
            let candidates = [
                0u64,
                4,
                5,
                7,
                0xffff_ffff,
                0x1_0000_0000,
                0x1_0000_0001,
                0x1_0000_0005,
                0x2_0000_0000,
                0x1200_0000_0000_0034,
                0x12ab_cdef_0000_1234,
                u64::MAX,
            ];
            for candidate in candidates {
                let args = [0, 0, candidate, 0, 0, 0];
                let want = if holds.contains(&candidate)
                    || crate::profile::Op::parse(op)
                        .unwrap()
                        .compare(candidate, value, value_two)
                {
                    RET_ALLOW
                } else {
                    RET_ERRNO + 1
                };
                assert_eq!(
                    evaluate(&program, Abi::X86_64.audit_arch(), 39, &args),
                    want,
                    "{op} {candidate:#x}"
                );
            }
        }
    }

    #[test]
    fn per_rule_actions_and_errnos() {
        let profile = parse(
            r#"{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":13,"architectures":["SCMP_ARCH_X86_64"],
               "syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ALLOW"},
                           {"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":17},
                           {"names":["kill"],"action":"SCMP_ACT_KILL_PROCESS"},
                           {"names":["pause"],"action":"SCMP_ACT_TRAP"}]}"#,
        );
        let arch = Abi::X86_64.audit_arch();
        let enforce = compile(&profile, &target(CapSet::default()), Mode::Enforce)
            .unwrap()
            .unwrap();
        assert_eq!(evaluate(&enforce, arch, 39, &[0; 6]), RET_ALLOW);
        assert_eq!(evaluate(&enforce, arch, 83, &[0; 6]), RET_ERRNO + 17);
        assert_eq!(evaluate(&enforce, arch, 62, &[0; 6]), 0x8000_0000);
        assert_eq!(evaluate(&enforce, arch, 34, &[0; 6]), 0x0003_0000);
        assert_eq!(evaluate(&enforce, arch, 0, &[0; 6]), RET_ERRNO + 13);
        // mkdir (83) is the highest number named: ENOSYS beyond.
        assert_eq!(evaluate(&enforce, arch, 63, &[0; 6]), RET_ERRNO + 13);
        assert_eq!(evaluate(&enforce, arch, 84, &[0; 6]), RET_ERRNO + 38);
        // i386 and x32 are not listed: killed.
        assert_eq!(
            evaluate(&enforce, Abi::X86.audit_arch(), 20, &[0; 6]),
            RET_KILL_THREAD
        );
        assert_eq!(
            evaluate(&enforce, arch, X32_SYSCALL_BIT + 39, &[0; 6]),
            RET_KILL_THREAD
        );

        let report = compile(&profile, &target(CapSet::default()), Mode::Report)
            .unwrap()
            .unwrap();
        let data = |nr: u32| Denial::decode((evaluate(&report, arch, nr, &[0; 6]) & 0xffff) as u16);
        assert_eq!(evaluate(&report, arch, 39, &[0; 6]), RET_ALLOW);
        assert_eq!(data(83), Some(Denial::Errno(17)));
        assert_eq!(data(62), Some(Denial::KillProcess));
        assert_eq!(data(34), Some(Denial::Trap));
        assert_eq!(data(0), Some(Denial::Errno(13)));
        assert_eq!(
            Denial::decode((evaluate(&report, 0x4000_0003, 20, &[0; 6]) & 0xffff) as u16),
            Some(Denial::ForeignArch)
        );
    }

    #[test]
    fn long_jumps_are_laid_out() {
        // Hundreds of argument-filtered syscalls push leaves beyond a conditional jump's reach.
        let rules: Vec<String> = Arch::X86_64
            .syscalls()
            .iter()
            .take(300)
            .map(|(_, name)| {
                format!(
                    r#"{{"names":["{name}"],"action":"SCMP_ACT_ALLOW","args":[{{"index":0,"value":7,"op":"SCMP_CMP_EQ"}}]}}"#
                )
            })
            .collect();
        let profile = parse(&format!(
            r#"{{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{}]}}"#,
            rules.join(",")
        ));
        let program = compile(&profile, &target(CapSet::default()), Mode::Enforce)
            .unwrap()
            .unwrap();
        for (nr, _) in Arch::X86_64.syscalls().iter().take(300) {
            assert_eq!(
                evaluate(&program, Abi::X86_64.audit_arch(), *nr, &[7, 0, 0, 0, 0, 0]),
                RET_ALLOW
            );
            assert_eq!(
                evaluate(&program, Abi::X86_64.audit_arch(), *nr, &[8, 0, 0, 0, 0, 0]),
                RET_ERRNO + 1
            );
        }
    }

    #[test]
    fn unknown_actions_are_refused_and_empty_profiles_disable_seccomp() {
        let refused = parse(
            r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_MAYBE"}]}"#,
        );
        assert!(compile(&refused, &target(CapSet::default()), Mode::Enforce).is_err());
        let empty = parse(r#"{"defaultAction":""}"#);
        assert_eq!(
            compile(&empty, &target(CapSet::default()), Mode::Enforce),
            Ok(None)
        );
        assert_eq!(Program::trace_all().len(), 1);
    }

    #[test]
    fn abi_tables() {
        assert_eq!(Abi::X86.syscall_name(20), Some("getpid"));
        for abi in [Abi::X86_64, Abi::X86, Abi::Aarch64, Abi::Arm] {
            let table = abi.syscalls();
            assert_eq!(
                table.last().map(|(_, name)| *name),
                Some("file_setattr"),
                "{abi}"
            );
            assert!(table.windows(2).all(|pair| pair[0].0 < pair[1].0), "{abi}");
        }
        assert_eq!(Abi::X86_64.syscall_name(39), Some("getpid"));
        assert_eq!(Abi::Aarch64.syscall_name(79), Some("newfstatat"));
        assert_eq!(
            Abi::X32.syscall_name(u64::from(X32_SYSCALL_BIT + 39)),
            Some("getpid")
        );
        assert_eq!(
            Abi::X32.syscall_name(u64::from(X32_SYSCALL_BIT + 514)),
            Some("ioctl")
        );
        assert_eq!(
            Abi::of_call(0xc000_003e, u64::from(X32_SYSCALL_BIT + 1)),
            Some(Abi::X32)
        );
        assert_eq!(Abi::of_call(0x4000_0003, 1), Some(Abi::X86));
        for denial in [
            Denial::Errno(1),
            Denial::Errno(38),
            Denial::KillThread,
            Denial::KillProcess,
            Denial::Trap,
            Denial::ForeignArch,
        ] {
            assert_eq!(Denial::decode(denial.encode()), Some(denial));
        }
        assert_eq!(Denial::decode(0), None);
    }
}
