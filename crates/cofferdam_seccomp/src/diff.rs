//! `seccomp diff`: two profiles compared for one container, syscall by syscall.
//!
//! Both are resolved first (`resolve`), so the comparison is of what the engine would do, not
//! of the text: a syscall allowed by name in one and by a capability-gated rule in the other
//! is the same. A syscall is *added* when B is more permissive than A (blocked → allowed,
//! blocked → argument filter, argument filter → allowed), *removed* in the opposite case, and
//! *changed* when both block it differently (EPERM → ENOSYS, errno → kill).

use crate::default::{Risk, risk};
use crate::resolve::{Resolution, Verdict};

/// One syscall whose verdict differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub name: &'static str,
    pub from: Verdict,
    pub to: Verdict,
    /// Why opening it matters, when it is one Docker's default blocks for a reason.
    pub risk: Option<(Risk, &'static str)>,
}

/// What B allows that A does not, and the reverse.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileDiff {
    /// More permissive in B.
    pub added: Vec<Change>,
    /// Less permissive in B.
    pub removed: Vec<Change>,
    /// Blocked in both, differently.
    pub changed: Vec<Change>,
}

impl ProfileDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// How much a verdict lets through: allowed > argument filter > everything else.
fn openness(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Allowed => 2,
        Verdict::ArgumentFilter => 1,
        _ => 0,
    }
}

/// Compares two resolutions of the same architecture, by syscall name. Added changes with a
/// high risk come first, then the rest by name.
pub fn diff(a: &Resolution, b: &Resolution) -> ProfileDiff {
    let mut out = ProfileDiff::default();
    for (name, from) in &a.verdicts {
        let Some(to) = b.verdicts.get(name) else {
            continue;
        };
        if from == to {
            continue;
        }
        let change = Change {
            name,
            from: *from,
            to: *to,
            risk: risk(name),
        };
        match openness(*to).cmp(&openness(*from)) {
            std::cmp::Ordering::Greater => out.added.push(change),
            std::cmp::Ordering::Less => out.removed.push(change),
            std::cmp::Ordering::Equal => out.changed.push(change),
        }
    }
    out.added.sort_by_key(|change| {
        (
            change.risk.map(|(risk, _)| risk) != Some(Risk::High),
            change.name,
        )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::diff;
    use crate::caps::CapSet;
    use crate::default::Risk;
    use crate::profile::Profile;
    use crate::resolve::{Arch, Kernel, Verdict, resolve};

    fn resolved(profile: &Profile, caps: CapSet) -> crate::resolve::Resolution {
        resolve(profile, Arch::X86_64, caps, Kernel(6, 1))
    }

    #[test]
    fn a_profile_against_itself_is_empty() {
        let default = Profile::docker_default();
        let a = resolved(&default, CapSet::docker_defaults());
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn sys_admin_against_the_default() {
        let default = Profile::docker_default();
        let plain = resolved(&default, CapSet::docker_defaults());
        let admin = resolved(
            &default,
            CapSet::docker_defaults()
                .with(crate::caps::Capability::from_name("SYS_ADMIN").unwrap()),
        );
        let changes = diff(&plain, &admin);
        assert!(changes.removed.is_empty());
        let added: Vec<&str> = changes.added.iter().map(|change| change.name).collect();
        // High-risk ones first.
        assert_eq!(added[0], "bpf");
        assert!(added.contains(&"mount") && added.contains(&"unshare"));
        let clone = changes
            .added
            .iter()
            .find(|change| change.name == "clone")
            .unwrap();
        assert_eq!(
            (clone.from, clone.to),
            (Verdict::ArgumentFilter, Verdict::Allowed)
        );
        let clone3 = changes
            .added
            .iter()
            .find(|change| change.name == "clone3")
            .unwrap();
        assert_eq!(clone3.from, Verdict::Denied(38));
        let unexplained: Vec<&str> = changes
            .added
            .iter()
            .filter(|change| change.risk.is_none())
            .map(|change| change.name)
            .collect();
        assert!(unexplained.is_empty(), "{unexplained:?}");
    }

    #[test]
    fn a_recorded_profile_against_the_default() {
        let recorded = Profile::parse(
            r#"{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
                "syscalls": [{"names": ["read", "write", "exit_group", "keyctl"], "action": "SCMP_ACT_ALLOW"},
                             {"names": ["openat"], "action": "SCMP_ACT_KILL_PROCESS"}]}"#,
        )
        .unwrap();
        let default = resolved(&Profile::docker_default(), CapSet::docker_defaults());
        let custom = resolved(&recorded, CapSet::docker_defaults());
        let changes = diff(&default, &custom);
        assert_eq!(changes.added.len(), 1);
        assert_eq!(changes.added[0].name, "keyctl");
        assert_eq!(
            changes.added[0].risk.map(|(risk, _)| risk),
            Some(Risk::High)
        );
        assert!(
            changes
                .removed
                .iter()
                .any(|change| change.name == "openat" && change.to == Verdict::Killed)
        );
        assert!(changes.removed.iter().any(|change| change.name == "mmap"));
        // keyctl: EPERM in the default; a syscall newer than the recorded profile's highest
        // number gets ENOSYS from runc's stub, a change between two ways of blocking.
        assert!(
            changes
                .changed
                .iter()
                .all(|change| change.from != change.to)
        );
        let back = diff(&custom, &default);
        assert_eq!(back.added.len(), changes.removed.len());
    }
}
