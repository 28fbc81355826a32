//! What a seccomp profile allows for one container: the profile's rules evaluated for an
//! architecture, a capability set and a kernel version, exactly as the engine does.
//!
//! A rule applies when every capability in `includes.caps` is granted, none in `excludes.caps`
//! is, the architecture is in `includes.arches` (when given) and not in `excludes.arches`, and
//! the kernel is at least `includes.minKernel`. Several rules for one syscall are alternatives:
//! an unconditional allow wins, rules with `args` allow the call only for some arguments, and
//! an `SCMP_ACT_ERRNO` rule sets the errno of an otherwise denied call (Docker's `clone3`
//! returns ENOSYS without `CAP_SYS_ADMIN`, so that glibc falls back to `clone`).

use std::collections::BTreeMap;

use crate::caps::CapSet;
use crate::profile::Profile;

/// The architectures whose syscall tables cofferdam carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    X86_64,
    Aarch64,
}

impl Arch {
    /// `x86_64`/`amd64`, `aarch64`/`arm64`.
    pub fn parse(text: &str) -> Option<Arch> {
        match text.to_ascii_lowercase().as_str() {
            "x86_64" | "amd64" | "scmp_arch_x86_64" => Some(Arch::X86_64),
            "aarch64" | "arm64" | "scmp_arch_aarch64" => Some(Arch::Aarch64),
            _ => None,
        }
    }

    /// The name Docker profiles use in `includes.arches`.
    pub fn docker_name(self) -> &'static str {
        match self {
            Arch::X86_64 => "amd64",
            Arch::Aarch64 => "arm64",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
        }
    }

    /// Every syscall of the architecture: `(number, name)`, from the `syscalls` crate's tables
    /// (generated from Linux headers, up to 6.17).
    pub fn syscalls(self) -> Vec<(u32, &'static str)> {
        match self {
            Arch::X86_64 => syscalls::x86_64::Sysno::iter()
                .map(|sysno| (sysno.id().unsigned_abs(), sysno.name()))
                .collect(),
            Arch::Aarch64 => syscalls::aarch64::Sysno::iter()
                .map(|sysno| (sysno.id().unsigned_abs(), sysno.name()))
                .collect(),
        }
    }
}

/// A kernel version, `major.minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Kernel(pub u32, pub u32);

impl Kernel {
    /// `6.1`, `4.8`, `5.15.0-91-generic`.
    pub fn parse(text: &str) -> Option<Kernel> {
        let mut parts = text.trim().split(['.', '-']);
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |minor| minor.parse().ok())?;
        Some(Kernel(major, minor))
    }
}

/// What happens to one syscall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Allowed only for some argument values; denied otherwise.
    ArgumentFilter,
    /// Denied with this errno (1 = EPERM, 38 = ENOSYS).
    Denied(u32),
}

/// The resolved profile: a verdict for every syscall of the architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub arch: Arch,
    /// By name, for every syscall in the architecture's table.
    pub verdicts: BTreeMap<&'static str, Verdict>,
}

impl Resolution {
    /// Names that are not unconditionally allowed, with their verdicts, by name.
    pub fn blocked(&self) -> Vec<(&'static str, Verdict)> {
        self.verdicts
            .iter()
            .filter(|(_, verdict)| **verdict != Verdict::Allowed)
            .map(|(name, verdict)| (*name, *verdict))
            .collect()
    }

    pub fn allowed(&self) -> Vec<&'static str> {
        self.verdicts
            .iter()
            .filter(|(_, verdict)| **verdict == Verdict::Allowed)
            .map(|(name, _)| *name)
            .collect()
    }
}

/// Evaluates `profile` for one container.
pub fn resolve(profile: &Profile, arch: Arch, caps: CapSet, kernel: Kernel) -> Resolution {
    let default_errno = profile.default_errno_ret.unwrap_or(1);
    let default_allows =
        profile.default_action == "SCMP_ACT_ALLOW" || profile.default_action == "SCMP_ACT_LOG";
    let mut allowed: BTreeMap<&str, Verdict> = BTreeMap::new();
    let mut errno: BTreeMap<&str, u32> = BTreeMap::new();
    for rule in &profile.syscalls {
        if !applies(rule, arch, caps, kernel) {
            continue;
        }
        let allows = matches!(rule.action.as_str(), "SCMP_ACT_ALLOW" | "SCMP_ACT_LOG");
        for name in rule.all_names() {
            if allows {
                let verdict = if rule.args.is_empty() {
                    Verdict::Allowed
                } else {
                    Verdict::ArgumentFilter
                };
                let slot = allowed.entry(name).or_insert(verdict);
                if verdict == Verdict::Allowed {
                    *slot = Verdict::Allowed;
                }
            } else if rule.action == "SCMP_ACT_ERRNO" && rule.args.is_empty() {
                errno.insert(name, rule.errno_ret.unwrap_or(default_errno));
            }
        }
    }
    let verdicts = arch
        .syscalls()
        .into_iter()
        .map(|(_, name)| {
            let verdict = match (allowed.get(name), errno.get(name)) {
                (Some(Verdict::Allowed), _) => Verdict::Allowed,
                (Some(_), _) => Verdict::ArgumentFilter,
                (None, Some(errno)) => Verdict::Denied(*errno),
                (None, None) if default_allows => Verdict::Allowed,
                (None, None) => Verdict::Denied(default_errno),
            };
            (name, verdict)
        })
        .collect();
    Resolution { arch, verdicts }
}

/// The profile as it applies to one container, in Docker's format: one allow rule with every
/// unconditionally allowed name, the argument-filtered rules that apply, and the errno rules
/// that apply, with `includes`/`excludes` gone (they have been evaluated).
pub fn resolved_profile(profile: &Profile, arch: Arch, caps: CapSet, kernel: Kernel) -> Profile {
    let resolution = resolve(profile, arch, caps, kernel);
    let allowed = resolution.allowed();
    let mut rules = vec![crate::profile::Rule {
        names: allowed.iter().map(|name| (*name).to_owned()).collect(),
        name: None,
        action: "SCMP_ACT_ALLOW".to_owned(),
        errno_ret: None,
        args: Vec::new(),
        comment: None,
        includes: crate::profile::Filter::default(),
        excludes: crate::profile::Filter::default(),
    }];
    for rule in &profile.syscalls {
        if rule.args.is_empty() && rule.action == "SCMP_ACT_ALLOW"
            || !applies(rule, arch, caps, kernel)
        {
            continue;
        }
        let names: Vec<String> = rule
            .all_names()
            .filter(|name| {
                resolution
                    .verdicts
                    .get(name)
                    .is_some_and(|verdict| *verdict != Verdict::Allowed)
            })
            .map(str::to_owned)
            .collect();
        if names.is_empty() {
            continue;
        }
        rules.push(crate::profile::Rule {
            names,
            name: None,
            includes: crate::profile::Filter::default(),
            excludes: crate::profile::Filter::default(),
            ..rule.clone()
        });
    }
    let architectures = profile
        .arch_map
        .iter()
        .find(|map| Arch::parse(&map.architecture) == Some(arch))
        .map(|map| {
            std::iter::once(map.architecture.clone())
                .chain(map.sub_architectures.iter().cloned())
                .collect()
        })
        .unwrap_or_default();
    Profile {
        default_action: profile.default_action.clone(),
        default_errno_ret: profile.default_errno_ret,
        architectures,
        arch_map: Vec::new(),
        syscalls: rules,
    }
}

fn applies(rule: &crate::profile::Rule, arch: Arch, caps: CapSet, kernel: Kernel) -> bool {
    let includes = &rule.includes;
    let excludes = &rule.excludes;
    let arch_name = arch.docker_name();
    includes.caps.iter().all(|cap| caps.contains(cap))
        && !excludes.caps.iter().any(|cap| caps.contains(cap))
        && (includes.arches.is_empty() || includes.arches.iter().any(|a| a == arch_name))
        && !excludes.arches.iter().any(|a| a == arch_name)
        && includes
            .min_kernel
            .as_deref()
            .and_then(Kernel::parse)
            .is_none_or(|minimum| kernel >= minimum)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{Arch, Kernel, Verdict, resolve};
    use crate::caps::CapSet;
    use crate::profile::Profile;

    /// The names not unconditionally allowed on `x86_64`, limited to Linux 6.1's table (numbers
    /// up to 450) so that they compare with the reference computed against that table.
    fn blocked_up_to_6_1(caps: CapSet, kernel: Kernel) -> BTreeSet<String> {
        let resolution = resolve(&Profile::docker_default(), Arch::X86_64, caps, kernel);
        let numbers: std::collections::HashMap<&str, u32> = Arch::X86_64
            .syscalls()
            .into_iter()
            .map(|(number, name)| (name, number))
            .collect();
        resolution
            .blocked()
            .into_iter()
            // Linux 6.1 ends at 450; `uretprobe` (6.11) and `uprobe` later reuse the old
            // numbers 335 and 336.
            .filter(|(name, _)| numbers[name] <= 450 && !matches!(*name, "uretprobe" | "uprobe"))
            .map(|(name, _)| name.to_owned())
            .collect()
    }

    fn reference() -> serde_json::Value {
        serde_json::from_str(include_str!(
            "../tests/data/docker-default-seccomp-blocked-amd64.json"
        ))
        .expect("reference JSON")
    }

    #[test]
    fn no_capabilities_match_the_reference_blocked_set() {
        let expected: BTreeSet<String> = reference()["not_unconditionally_allowed"]
            .as_array()
            .expect("array")
            .iter()
            .map(|name| name.as_str().expect("name").to_owned())
            .collect();
        assert_eq!(expected.len(), 71);
        assert_eq!(blocked_up_to_6_1(CapSet::default(), Kernel(6, 1)), expected);
    }

    #[test]
    fn capabilities_and_kernels_change_the_set() {
        let none = blocked_up_to_6_1(CapSet::default(), Kernel(6, 1));
        // Docker's defaults include SYS_CHROOT: `chroot` becomes allowed.
        let defaults = blocked_up_to_6_1(CapSet::docker_defaults(), Kernel(6, 1));
        assert_eq!(none.difference(&defaults).collect::<Vec<_>>(), ["chroot"]);
        // SYS_ADMIN allows mount, unshare, setns, clone3 and the rest of its group.
        let admin = CapSet::from_names(["SYS_ADMIN"]).unwrap();
        let with_admin = blocked_up_to_6_1(admin, Kernel(6, 1));
        for name in [
            "mount", "unshare", "setns", "clone3", "clone", "umount2", "fsopen",
        ] {
            assert!(none.contains(name) && !with_admin.contains(name), "{name}");
        }
        // ptrace needs kernel 4.8 (before it, the filter could be bypassed through ptrace).
        let old = blocked_up_to_6_1(CapSet::default(), Kernel(4, 7));
        assert!(old.contains("ptrace") && !none.contains("ptrace"));
    }

    #[test]
    fn partial_and_errno_verdicts() {
        let resolution = resolve(
            &Profile::docker_default(),
            Arch::X86_64,
            CapSet::default(),
            Kernel(6, 1),
        );
        let verdict = |name| resolution.verdicts[name];
        assert_eq!(verdict("clone"), Verdict::ArgumentFilter);
        assert_eq!(verdict("socket"), Verdict::ArgumentFilter);
        assert_eq!(verdict("clone3"), Verdict::Denied(38));
        assert_eq!(verdict("keyctl"), Verdict::Denied(1));
        assert_eq!(verdict("read"), Verdict::Allowed);
        let arm = resolve(
            &Profile::docker_default(),
            Arch::Aarch64,
            CapSet::default(),
            Kernel(6, 1),
        );
        assert_eq!(arm.verdicts["openat"], Verdict::Allowed);
        assert!(!arm.verdicts.contains_key("arch_prctl"));
    }

    #[test]
    fn the_resolved_profile_allows_what_the_resolution_allows() {
        let profile = Profile::docker_default();
        let caps = CapSet::docker_defaults();
        let resolved = super::resolved_profile(&profile, Arch::X86_64, caps, Kernel(6, 1));
        assert_eq!(resolved.architectures[0], "SCMP_ARCH_X86_64");
        assert!(
            resolved
                .syscalls
                .iter()
                .all(|rule| rule.includes.is_empty() && rule.excludes.is_empty())
        );
        // Resolving the resolved profile again gives the same verdicts.
        let again = resolve(&resolved, Arch::X86_64, CapSet::default(), Kernel(6, 1));
        assert_eq!(again, resolve(&profile, Arch::X86_64, caps, Kernel(6, 1)));
    }

    #[test]
    fn kernels_and_arches_parse() {
        assert_eq!(Kernel::parse("5.15.0-91-generic"), Some(Kernel(5, 15)));
        assert_eq!(Kernel::parse("6"), Some(Kernel(6, 0)));
        assert_eq!(Kernel::parse("x"), None);
        assert_eq!(Arch::parse("amd64"), Some(Arch::X86_64));
        assert_eq!(Arch::parse("riscv64"), None);
    }
}
