//! What a seccomp profile does for one container: the profile evaluated for an architecture,
//! a capability set and a kernel version, step by step as the engine does it.
//!
//! 1. dockerd (moby/profiles `setupSeccomp`) keeps the rules that apply: every capability in
//!    `includes.caps` and none in `excludes.caps` is in the container's bounding set, compared
//!    as exact strings (`CAP_SYS_ADMIN`; `SYS_ADMIN` never matches); the native architecture
//!    (`amd64`, `arm64`) is in `includes.arches` when given and not in `excludes.arches`; the
//!    kernel is at least `includes.minKernel` and below `excludes.minKernel`.
//! 2. runc turns each rule into a libseccomp action: an `SCMP_ACT_ERRNO` rule without
//!    `errnoRet` returns EPERM (not `defaultErrnoRet`), and a rule whose action equals the
//!    default action is skipped; names the architecture does not have are ignored.
//! 3. libseccomp merges the rules of one syscall: an unconditional rule wins over conditional
//!    ones (the first unconditional one, when there are several); conditional rules are
//!    alternatives (OR), the conditions of one rule all must hold (AND) — except that runc
//!    splits a rule that tests the same argument twice into one rule per condition (OR).
//! 4. runc prepends a stub that answers ENOSYS, instead of the default action, for syscall
//!    numbers above the highest one the profile names, so that programs fall back from
//!    syscalls newer than the profile (only for a default action that denies, and only when
//!    `defaultErrnoRet` is not already ENOSYS).
//!
//! A profile with neither a default action nor rules disables seccomp (moby returns no filter).
//! Rules with an action or operator the engine does not know make it refuse the profile; they
//! are skipped here and reported by `lint`.

use std::collections::BTreeMap;

pub use crate::arch::Arch;
use crate::caps::CapSet;
use crate::profile::{Action, Arg, Filter, Profile, Rule};

/// A kernel version, `major.minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kernel(pub u32, pub u32);

impl Kernel {
    /// A host's kernel release, leniently: `6.1`, `6`, `5.15.0-91-generic`.
    pub fn parse(text: &str) -> Option<Kernel> {
        let mut parts = text.trim().split(['.', '-']);
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |minor| minor.parse().ok())?;
        Some(Kernel(major, minor))
    }

    /// A profile's `minKernel`, strictly as moby decodes it: `"<kernel>.<major>"`, each part
    /// a number up to 255, not `0.0`.
    pub fn parse_min(text: &str) -> Result<Kernel, String> {
        let invalid = || format!("invalid kernel version `{text}`, expected \"<kernel>.<major>\"");
        let mut parts = text.splitn(3, '.');
        let (Some(kernel), Some(major), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid());
        };
        let number = |part: &str| {
            (!part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()))
                .then(|| part.parse::<u8>().ok())
                .flatten()
        };
        match (number(kernel), number(major)) {
            (Some(0), Some(0)) => Err(format!("{}: version cannot be 0.0", invalid())),
            (Some(kernel), Some(major)) => Ok(Kernel(u32::from(kernel), u32::from(major))),
            _ => Err(invalid()),
        }
    }
}

impl std::fmt::Display for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// What happens to one syscall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Runs (`SCMP_ACT_ALLOW`, or `SCMP_ACT_LOG`, which also logs it).
    Allowed,
    /// What happens depends on the arguments: see [`Resolution::decide`].
    ArgumentFilter,
    /// Fails with this errno (1 = EPERM, 38 = ENOSYS).
    Denied(u32),
    /// The thread or process is killed.
    Killed,
    /// The thread gets `SIGSYS`.
    Trapped,
    /// A ptrace tracer decides; without one the call fails with ENOSYS.
    Traced,
    /// A user-space supervisor decides (`SCMP_ACT_NOTIFY`).
    Notified,
}

impl Verdict {
    fn of(action: Action, errno: Option<u32>) -> Verdict {
        match action {
            Action::Allow | Action::Log => Verdict::Allowed,
            Action::Errno => Verdict::Denied(errno.unwrap_or(EPERM)),
            Action::KillThread | Action::KillProcess => Verdict::Killed,
            Action::Trap => Verdict::Trapped,
            Action::Trace => Verdict::Traced,
            Action::Notify => Verdict::Notified,
        }
    }

    /// A short word for people: `allowed`, `argument filter`, `EPERM`, `ENOSYS`, `errno 13`,
    /// `killed`, `trapped`, `traced`, `notified`.
    pub fn describe(self) -> String {
        match self {
            Verdict::Allowed => "allowed".to_owned(),
            Verdict::ArgumentFilter => "argument filter".to_owned(),
            Verdict::Denied(errno) => errno_name(errno),
            Verdict::Killed => "killed".to_owned(),
            Verdict::Trapped => "trapped".to_owned(),
            Verdict::Traced => "traced".to_owned(),
            Verdict::Notified => "notified".to_owned(),
        }
    }

    /// Whether the call is allowed for every argument.
    pub fn is_allowed(self) -> bool {
        self == Verdict::Allowed
    }
}

/// `EPERM`, `ENOSYS`, … for the errnos profiles use; `errno N` otherwise.
pub fn errno_name(errno: u32) -> String {
    match errno {
        1 => "EPERM".to_owned(),
        2 => "ENOENT".to_owned(),
        13 => "EACCES".to_owned(),
        22 => "EINVAL".to_owned(),
        38 => "ENOSYS".to_owned(),
        95 => "EOPNOTSUPP".to_owned(),
        other => format!("errno {other}"),
    }
}

const EPERM: u32 = 1;
const ENOSYS: u32 = 38;

/// One conditional rule: alternatives of conditions that must all hold, and its verdict.
type ConditionalRule = (Vec<Vec<Arg>>, Verdict);

/// How one syscall is filtered: conditional rules in order, then what happens otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
struct SyscallFilter {
    conditional: Vec<ConditionalRule>,
    otherwise: Verdict,
}

/// The resolved profile: a verdict for every syscall of the architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub arch: Arch,
    /// By name, for every syscall in the architecture's table.
    pub verdicts: BTreeMap<&'static str, Verdict>,
    /// Whether the profile disables seccomp altogether (no default action and no rules).
    pub unconfined: bool,
    filters: BTreeMap<&'static str, SyscallFilter>,
}

impl Resolution {
    /// Names that are not allowed for every argument, with their verdicts, by name.
    pub fn blocked(&self) -> Vec<(&'static str, Verdict)> {
        self.verdicts
            .iter()
            .filter(|(_, verdict)| **verdict != Verdict::Allowed)
            .map(|(name, verdict)| (*name, *verdict))
            .collect()
    }

    /// Names allowed for every argument, by name.
    pub fn allowed(&self) -> Vec<&'static str> {
        self.verdicts
            .iter()
            .filter(|(_, verdict)| **verdict == Verdict::Allowed)
            .map(|(name, _)| *name)
            .collect()
    }

    /// What the filter does with one call: never [`Verdict::ArgumentFilter`]. `None` for a name
    /// the architecture does not have.
    pub fn decide(&self, name: &str, args: &[u64; 6]) -> Option<Verdict> {
        let filter = self.filters.get(name)?;
        Some(
            filter
                .conditional
                .iter()
                .find(|(alternatives, _)| {
                    alternatives
                        .iter()
                        .any(|conditions| conditions.iter().all(|arg| arg.matches(args)))
                })
                .map_or(filter.otherwise, |(_, verdict)| *verdict),
        )
    }

    /// [`Resolution::decide`] by syscall number.
    pub fn decide_number(&self, number: u32, args: &[u64; 6]) -> Option<Verdict> {
        self.decide(self.arch.syscall_name(number)?, args)
    }
}

/// Whether a rule applies to a container (moby's `setupSeccomp`).
pub fn applies(rule: &Rule, arch: Arch, caps: CapSet, kernel: Kernel) -> bool {
    let arch_name = arch.docker_name();
    let excluded = |filter: &Filter| {
        filter.arches.iter().any(|a| a == arch_name)
            || filter.caps.iter().any(|cap| caps.engine_contains(cap))
            || filter
                .min_kernel
                .as_deref()
                .is_some_and(|minimum| kernel >= min_kernel(minimum))
    };
    let included = |filter: &Filter| {
        (filter.arches.is_empty() || filter.arches.iter().any(|a| a == arch_name))
            && filter.caps.iter().all(|cap| caps.engine_contains(cap))
            && filter
                .min_kernel
                .as_deref()
                .is_none_or(|minimum| kernel >= min_kernel(minimum))
    };
    !excluded(&rule.excludes) && included(&rule.includes)
}

/// A `minKernel` as the engine compares it: an empty one is 0.0; one the decoder would refuse
/// (which `Profile::parse` does not let through) is treated as 0.0 too.
fn min_kernel(text: &str) -> Kernel {
    Kernel::parse_min(text).unwrap_or(Kernel(0, 0))
}

/// The default action's verdict and whether runc's ENOSYS stub applies to it.
fn default_verdict(profile: &Profile) -> (Verdict, bool) {
    let action = profile.default_action_kind().unwrap_or(Action::Errno);
    let verdict = Verdict::of(action, profile.default_errno_ret);
    let stub = !matches!(action, Action::Allow | Action::Log | Action::Trace)
        && profile.default_errno_ret != Some(ENOSYS);
    (verdict, stub)
}

/// The verdict of a rule's action as runc converts it; `None` for an action it refuses.
fn rule_verdict(rule: &Rule) -> Option<Verdict> {
    rule.action_kind()
        .map(|action| Verdict::of(action, rule.errno_ret.or(Some(EPERM))))
}

/// The alternatives a rule's conditions stand for (runc's `matchCall`).
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

/// Evaluates `profile` for one container.
pub fn resolve(profile: &Profile, arch: Arch, caps: CapSet, kernel: Kernel) -> Resolution {
    let table = arch.syscalls();
    if profile.default_action.is_empty() && profile.syscalls.is_empty() {
        return Resolution {
            arch,
            verdicts: table
                .iter()
                .map(|(_, name)| (*name, Verdict::Allowed))
                .collect(),
            unconfined: true,
            filters: BTreeMap::new(),
        };
    }
    let (default, stub) = default_verdict(profile);
    let applying: Vec<&Rule> = profile
        .syscalls
        .iter()
        .filter(|rule| applies(rule, arch, caps, kernel))
        .collect();

    // runc's ENOSYS stub: above the highest number named by the rules that apply, when the
    // filter covers the native architecture explicitly.
    let covers_native = profile
        .architectures_for(arch)
        .iter()
        .any(|name| name == arch.seccomp_name());
    let highest_named = applying
        .iter()
        .flat_map(|rule| rule.all_names())
        .filter_map(|name| arch.number(name))
        .max();
    let enosys_above = if stub && covers_native {
        highest_named
    } else {
        None
    };

    let mut unconditional: BTreeMap<&str, Verdict> = BTreeMap::new();
    let mut conditional: BTreeMap<&str, Vec<ConditionalRule>> = BTreeMap::new();
    for rule in &applying {
        let Some(verdict) = rule_verdict(rule) else {
            continue;
        };
        if verdict == default {
            continue;
        }
        for name in rule.all_names() {
            if rule.args.is_empty() {
                unconditional.entry(name).or_insert(verdict);
            } else {
                conditional
                    .entry(name)
                    .or_default()
                    .push((alternatives(&rule.args), verdict));
            }
        }
    }

    let mut verdicts = BTreeMap::new();
    let mut filters = BTreeMap::new();
    for (number, name) in table {
        let filter = if let Some(verdict) = unconditional.get(name) {
            SyscallFilter {
                conditional: Vec::new(),
                otherwise: *verdict,
            }
        } else {
            let otherwise = if enosys_above.is_some_and(|highest| number > highest) {
                Verdict::Denied(ENOSYS)
            } else {
                default
            };
            SyscallFilter {
                conditional: conditional.remove(name).unwrap_or_default(),
                otherwise,
            }
        };
        let verdict = if filter
            .conditional
            .iter()
            .any(|(_, verdict)| *verdict != filter.otherwise)
        {
            Verdict::ArgumentFilter
        } else {
            filter.otherwise
        };
        verdicts.insert(name, verdict);
        filters.insert(name, filter);
    }
    Resolution {
        arch,
        verdicts,
        unconfined: false,
        filters,
    }
}

/// The profile as it applies to one container, in Docker's format: one allow rule with every
/// syscall allowed outright, then the rules that still matter (argument filters, and actions
/// other than the default such as `clone3`'s ENOSYS), with `includes`/`excludes` gone because
/// they have been evaluated, and `architectures` expanded from `archMap`.
pub fn resolved_profile(profile: &Profile, arch: Arch, caps: CapSet, kernel: Kernel) -> Profile {
    let resolution = resolve(profile, arch, caps, kernel);
    if resolution.unconfined {
        return Profile::default();
    }
    let (default, _) = default_verdict(profile);
    let mut rules = vec![Rule {
        names: resolution
            .allowed()
            .iter()
            .map(|name| (*name).to_owned())
            .collect(),
        action: Action::Allow.name().to_owned(),
        ..Rule::default()
    }];
    for rule in profile
        .syscalls
        .iter()
        .filter(|rule| applies(rule, arch, caps, kernel))
    {
        let Some(verdict) = rule_verdict(rule) else {
            continue;
        };
        if verdict == default || (rule.args.is_empty() && verdict == Verdict::Allowed) {
            continue;
        }
        // The names for which this rule is the one that decides.
        let names: Vec<String> = rule
            .all_names()
            .filter(|name| match resolution.verdicts.get(name) {
                Some(Verdict::ArgumentFilter) => !rule.args.is_empty(),
                Some(other) => rule.args.is_empty() && *other == verdict,
                None => false,
            })
            .map(str::to_owned)
            .collect();
        if names.is_empty() {
            continue;
        }
        rules.push(Rule {
            names,
            name: None,
            includes: Filter::default(),
            excludes: Filter::default(),
            ..rule.clone()
        });
    }
    Profile {
        default_action: profile.default_action.clone(),
        default_errno_ret: profile.default_errno_ret,
        architectures: profile.architectures_for(arch),
        arch_map: Vec::new(),
        syscalls: rules,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{Arch, Kernel, Verdict, resolve, resolved_profile};
    use crate::caps::CapSet;
    use crate::profile::Profile;

    fn caps(add: &[&str], drop: &[&str]) -> CapSet {
        let names = |list: &[&str]| {
            list.iter()
                .map(|name| (*name).to_owned())
                .collect::<Vec<_>>()
        };
        CapSet::docker_tweaked(&names(add), &names(drop)).unwrap()
    }

    /// The names not allowed outright on `arch`, limited to Linux 6.1's table on `x86_64`
    /// (numbers up to 450) so that they compare with the reference computed against it.
    fn blocked(arch: Arch, caps: CapSet, kernel: Kernel) -> BTreeSet<String> {
        let resolution = resolve(&Profile::docker_default(), arch, caps, kernel);
        resolution
            .blocked()
            .into_iter()
            // Linux 6.1 ends at 450; `uretprobe` (6.11) and `uprobe` later reuse the old
            // numbers 335 and 336.
            .filter(|(name, _)| {
                arch != Arch::X86_64
                    || arch.number(name).is_some_and(|number| number <= 450)
                        && !matches!(*name, "uretprobe" | "uprobe")
            })
            .map(|(name, _)| name.to_owned())
            .collect()
    }

    fn reference(key: &str) -> BTreeSet<String> {
        let json: serde_json::Value = serde_json::from_str(include_str!(
            "../tests/data/docker-default-seccomp-blocked-amd64.json"
        ))
        .expect("reference JSON");
        json[key]
            .as_array()
            .expect("array")
            .iter()
            .map(|name| name.as_str().expect("name").to_owned())
            .collect()
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn no_capabilities_match_the_reference_blocked_set() {
        let expected = reference("not_unconditionally_allowed");
        assert_eq!(expected.len(), 71);
        let none = blocked(Arch::X86_64, caps(&[], &["ALL"]), Kernel(6, 1));
        assert_eq!(none, expected);
        // 68 fully blocked, 3 partly.
        let resolution = resolve(
            &Profile::docker_default(),
            Arch::X86_64,
            CapSet::default(),
            Kernel(6, 1),
        );
        let partial: Vec<&str> = resolution
            .blocked()
            .into_iter()
            .filter(|(_, verdict)| *verdict == Verdict::ArgumentFilter)
            .map(|(name, _)| name)
            .collect();
        assert_eq!(partial, ["clone", "personality", "socket"]);
    }

    #[test]
    fn default_capabilities_open_chroot_only() {
        let none = blocked(Arch::X86_64, CapSet::default(), Kernel(6, 1));
        let defaults = blocked(Arch::X86_64, CapSet::docker_defaults(), Kernel(6, 1));
        assert_eq!(none.difference(&defaults).collect::<Vec<_>>(), ["chroot"]);
        assert_eq!(defaults.len(), 70);
    }

    #[test]
    fn sys_admin_opens_its_group() {
        let defaults = blocked(Arch::X86_64, CapSet::docker_defaults(), Kernel(6, 1));
        let admin = blocked(Arch::X86_64, caps(&["SYS_ADMIN"], &[]), Kernel(6, 1));
        let opened: BTreeSet<String> = defaults.difference(&admin).cloned().collect();
        assert_eq!(
            opened,
            set(&[
                "bpf",
                "clone",
                "clone3",
                "fanotify_init",
                "fsconfig",
                "fsmount",
                "fsopen",
                "fspick",
                "lookup_dcookie",
                "mount",
                "mount_setattr",
                "move_mount",
                "open_tree",
                "perf_event_open",
                "quotactl",
                "quotactl_fd",
                "setdomainname",
                "sethostname",
                "setns",
                "syslog",
                "umount2",
                "unshare",
            ])
        );
        // Still blocked with SYS_ADMIN: what no capability opens.
        for name in [
            "keyctl",
            "add_key",
            "kexec_load",
            "io_uring_setup",
            "userfaultfd",
        ] {
            assert!(admin.contains(name), "{name}");
        }
    }

    #[test]
    fn sys_ptrace_and_the_kernel_version() {
        let ptrace = caps(&["SYS_PTRACE"], &[]);
        let new = blocked(Arch::X86_64, CapSet::docker_defaults(), Kernel(6, 1));
        let old = blocked(Arch::X86_64, CapSet::docker_defaults(), Kernel(4, 4));
        // Before 4.8, ptrace could bypass seccomp: it is allowed only with SYS_PTRACE.
        let added: BTreeSet<String> = old.difference(&new).cloned().collect();
        assert_eq!(
            added,
            set(&["process_vm_readv", "process_vm_writev", "ptrace"])
        );
        let old_ptrace = blocked(Arch::X86_64, ptrace, Kernel(4, 4));
        for name in [
            "ptrace",
            "process_vm_readv",
            "kcmp",
            "pidfd_getfd",
            "process_madvise",
        ] {
            assert!(!old_ptrace.contains(name), "{name}");
        }
        let new_ptrace = blocked(Arch::X86_64, ptrace, Kernel(6, 1));
        let opened: BTreeSet<String> = new.difference(&new_ptrace).cloned().collect();
        assert_eq!(opened, set(&["kcmp", "pidfd_getfd", "process_madvise"]));
        // `minKernel: 4.8` includes 4.8 itself: 4.7 is still an old kernel.
        assert_eq!(
            blocked(Arch::X86_64, CapSet::docker_defaults(), Kernel(4, 7)),
            old
        );
        assert_eq!(
            blocked(Arch::X86_64, CapSet::docker_defaults(), Kernel(4, 8)),
            new
        );
        assert_eq!(blocked(Arch::X86_64, ptrace, Kernel(4, 7)), new_ptrace);
    }

    #[test]
    fn aarch64() {
        let none = blocked(Arch::Aarch64, CapSet::default(), Kernel(6, 1));
        // The arm64 table has no legacy calls (no _sysctl, no iopl), but the same groups.
        for name in [
            "keyctl",
            "add_key",
            "bpf",
            "mount",
            "unshare",
            "setns",
            "kexec_load",
            "init_module",
            "open_by_handle_at",
            "userfaultfd",
            "io_uring_setup",
            "perf_event_open",
            "chroot",
            "clone3",
        ] {
            assert!(none.contains(name), "{name}");
        }
        for name in ["_sysctl", "iopl", "arch_prctl", "openat"] {
            assert!(!none.contains(name), "{name}");
        }
        let resolution = resolve(
            &Profile::docker_default(),
            Arch::Aarch64,
            CapSet::docker_defaults(),
            Kernel(6, 1),
        );
        assert_eq!(resolution.verdicts["clone"], Verdict::ArgumentFilter);
        assert_eq!(resolution.verdicts["clone3"], Verdict::Denied(38));
        assert_eq!(resolution.verdicts["openat"], Verdict::Allowed);
        // `stat` on arm64 is `newfstatat` (79), which the profile allows.
        assert_eq!(resolution.verdicts["newfstatat"], Verdict::Allowed);
        assert!(!resolution.verdicts.contains_key("fstatat"));
        assert!(!resolution.verdicts.contains_key("clock_gettime64"));
        let admin = blocked(Arch::Aarch64, caps(&["SYS_ADMIN"], &[]), Kernel(6, 1));
        assert!(!admin.contains("mount") && admin.contains("keyctl"));
    }

    #[test]
    fn verdicts_errnos_and_arguments() {
        let resolution = resolve(
            &Profile::docker_default(),
            Arch::X86_64,
            CapSet::default(),
            Kernel(6, 1),
        );
        let verdict = |name| resolution.verdicts[name];
        assert_eq!(verdict("clone"), Verdict::ArgumentFilter);
        assert_eq!(verdict("clone3"), Verdict::Denied(38));
        assert_eq!(verdict("keyctl"), Verdict::Denied(1));
        assert_eq!(verdict("read"), Verdict::Allowed);
        assert_eq!(verdict("arch_prctl"), Verdict::Allowed);
        // Newer than anything the profile names: runc's stub answers ENOSYS.
        let highest = Profile::docker_default()
            .syscalls
            .iter()
            .flat_map(crate::profile::Rule::all_names)
            .filter_map(|name| Arch::X86_64.number(name))
            .max()
            .unwrap();
        if let Some(newer) = Arch::X86_64.syscall_name(highest + 1) {
            assert_eq!(verdict(newer), Verdict::Denied(38), "{newer}");
        }
        // Up to the end of the table: the last entry (469) is there too.
        assert_eq!(verdict("file_setattr"), Verdict::Denied(38));
        // Arguments: clone without namespace flags, socket families.
        let decide = |name, arg0| resolution.decide(name, &[arg0, 0, 0, 0, 0, 0]);
        assert_eq!(decide("clone", 0x0001_1200), Some(Verdict::Allowed));
        assert_eq!(decide("clone", 0x1000_0000), Some(Verdict::Denied(1))); // CLONE_NEWUSER
        assert_eq!(decide("socket", 2), Some(Verdict::Allowed)); // AF_INET
        assert_eq!(decide("socket", 38), Some(Verdict::Denied(1))); // AF_ALG
        assert_eq!(decide("socket", 40), Some(Verdict::Denied(1))); // AF_VSOCK
        assert_eq!(decide("personality", 0xffff_ffff), Some(Verdict::Allowed));
        assert_eq!(decide("personality", 0x0040_0000), Some(Verdict::Denied(1)));
        assert_eq!(decide("read", 0), Some(Verdict::Allowed));
        assert_eq!(decide("nosuchcall", 0), None);
        assert_eq!(
            resolution.decide_number(257, &[0; 6]),
            Some(Verdict::Allowed)
        );
    }

    #[test]
    fn engine_semantics_for_custom_profiles() {
        let profile = |text: &str| Profile::parse(text).unwrap();
        let run =
            |text: &str, caps: CapSet| resolve(&profile(text), Arch::X86_64, caps, Kernel(6, 1));
        // Capabilities match only as CAP_ strings; the engine never matches `SYS_ADMIN`.
        let text = r#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
            {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["SYS_ADMIN"]}},
            {"names": ["umount2"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
            {"names": ["setns"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "5.0"}}]}"#;
        let admin = run(text, caps(&["SYS_ADMIN"], &[]));
        assert_eq!(admin.verdicts["mount"], Verdict::Denied(1));
        assert_eq!(admin.verdicts["umount2"], Verdict::Allowed);
        // excludes.minKernel: the rule applies below it only.
        assert_eq!(admin.verdicts["setns"], Verdict::Denied(1));
        let old = resolve(
            &profile(text),
            Arch::X86_64,
            CapSet::default(),
            Kernel(4, 19),
        );
        assert_eq!(old.verdicts["setns"], Verdict::Allowed);

        // An ERRNO rule without errnoRet is EPERM, not defaultErrnoRet; other actions.
        let text = r#"{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [
            {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
            {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"},
            {"names": ["rmdir"], "action": "SCMP_ACT_KILL_PROCESS"},
            {"names": ["chmod"], "action": "SCMP_ACT_LOG"},
            {"names": ["kill"], "action": "SCMP_ACT_TRAP"},
            {"names": ["link"], "action": "SCMP_ACT_NOPE"}]}"#;
        let resolution = run(text, CapSet::default());
        let verdict = |name| resolution.verdicts[name];
        assert_eq!(verdict("mkdir"), Verdict::Denied(1));
        assert_eq!(verdict("openat"), Verdict::Denied(38));
        assert_eq!(verdict("rmdir"), Verdict::Killed);
        assert_eq!(verdict("chmod"), Verdict::Allowed);
        assert_eq!(verdict("kill"), Verdict::Trapped);
        assert_eq!(verdict("link"), Verdict::Denied(38));

        // A deny-list: an unconditional rule beats a conditional one of the same syscall; a
        // conditional ERRNO makes an allowed call argument-filtered; the same index twice in
        // one rule means either condition.
        let text = r#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
            {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
            {"names": ["personality"], "action": "SCMP_ACT_ERRNO"},
            {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "args": [
                {"index": 0, "value": 38, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 40, "op": "SCMP_CMP_EQ"}]},
            {"names": ["kill"], "action": "SCMP_ACT_ALLOW"}]}"#;
        let resolution = run(text, CapSet::default());
        assert_eq!(resolution.verdicts["personality"], Verdict::Denied(1));
        assert_eq!(resolution.verdicts["socket"], Verdict::ArgumentFilter);
        assert_eq!(resolution.verdicts["kill"], Verdict::Allowed);
        assert_eq!(resolution.verdicts["keyctl"], Verdict::Allowed);
        let socket = |family| resolution.decide("socket", &[family, 0, 0, 0, 0, 0]);
        assert_eq!(socket(38), Some(Verdict::Denied(1)));
        assert_eq!(socket(40), Some(Verdict::Denied(1)));
        assert_eq!(socket(2), Some(Verdict::Allowed));

        // No default action and no rules: seccomp is off.
        let off = run("{}", CapSet::default());
        assert!(off.unconfined && off.verdicts["keyctl"] == Verdict::Allowed);
    }

    #[test]
    fn the_resolved_profile_allows_what_the_resolution_allows() {
        let profile = Profile::docker_default();
        for (arch, caps) in [
            (Arch::X86_64, CapSet::docker_defaults()),
            (Arch::X86_64, CapSet::default()),
            (Arch::Aarch64, caps(&["SYS_ADMIN"], &[])),
        ] {
            let resolved = resolved_profile(&profile, arch, caps, Kernel(6, 1));
            assert_eq!(resolved.architectures[0], arch.seccomp_name());
            assert!(
                resolved
                    .syscalls
                    .iter()
                    .all(|rule| rule.includes.is_empty() && rule.excludes.is_empty())
            );
            // Resolving the resolved profile again, with any capabilities, gives the same
            // verdicts.
            let again = resolve(&resolved, arch, CapSet::default(), Kernel(6, 1));
            let original = resolve(&profile, arch, caps, Kernel(6, 1));
            assert_eq!(again.verdicts, original.verdicts, "{arch} {caps:?}");
        }
    }

    #[test]
    fn kernels_parse() {
        assert_eq!(Kernel::parse("5.15.0-91-generic"), Some(Kernel(5, 15)));
        assert_eq!(Kernel::parse("6"), Some(Kernel(6, 0)));
        assert_eq!(Kernel::parse("x"), None);
        assert_eq!(Kernel::parse_min("4.8"), Ok(Kernel(4, 8)));
        for bad in ["4", "4.8.1", "4.x", "0.0", "256.1", "-1.2", "4.", ""] {
            assert!(Kernel::parse_min(bad).is_err(), "{bad}");
        }
    }
}
