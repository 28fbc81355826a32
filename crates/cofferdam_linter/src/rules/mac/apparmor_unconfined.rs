//! `apparmor-unconfined`: `apparmor=unconfined` runs the container without an AppArmor profile.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks for `security_opt: [apparmor=unconfined]` (also `apparmor:unconfined`,
    /// `--security-opt apparmor=unconfined`, `AppArmorProfile: unconfined` in inspect output).
    /// As in Docker, the last `apparmor` option wins. A named profile is fine: it is a
    /// deliberate confinement, and it must be loaded on the host or the container does not
    /// start.
    ///
    /// ## Why is this bad?
    /// On hosts with AppArmor (Debian, Ubuntu, SUSE), Docker confines every container with
    /// its `docker-default` profile, which denies writes to `/proc/sys`, `/proc/sysrq-trigger`
    /// and most of `/sys`, denies `mount`, and stops access to `/proc/kcore` and similar
    /// kernel interfaces even when a capability or a bind mount would otherwise allow it.
    /// Several container escapes (the cgroup `release_agent` trick with `SYS_ADMIN`, writes
    /// to `core_pattern`) are stopped by this profile alone. `unconfined` removes that layer.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     security_opt: ["apparmor=unconfined"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     security_opt: ["apparmor=app-profile"]
    /// ```
    ///
    /// or no `apparmor` option, which keeps `docker-default`. Write a profile that extends
    /// the default with what the service needs (`aa-genprof`, `bane`) and load it on the host.
    ///
    /// ## Fix safety
    /// Unsafe: removes the setting where it is written (its compose key or list item, or the
    /// run-line option with its value), as `harden-run` does. `docker-default` then applies; what the application is denied
    /// under it must be found by running it (`dmesg` shows AppArmor denials).
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/apparmor/>
    /// - CIS Docker Benchmark 5.1
    pub struct ApparmorUnconfined {
        code: "MAC001",
        name: "apparmor-unconfined",
        category: Mac,
        severity: High,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Cis "5.1"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(option) = ctx.spec.apparmor_profile() else {
        return;
    };
    if option.value != "unconfined" {
        return;
    }
    out.push(
        ctx.diagnostic(
            ApparmorUnconfined::META,
            option.range,
            "no AppArmor profile confines the container: mounts and writes to /proc and /sys are no longer denied",
        )
        .with_fix(ctx.removal_fix(
            ctx.spelled(
                "remove `apparmor=unconfined` to keep `docker-default`, or name a profile that \
                 allows only what the service needs",
                "remove `--security-opt apparmor=unconfined` to keep `docker-default`, or name \
                 a profile that allows only what the container needs",
            ),
            "security_opt",
            option.range,
            |other| other.apparmor_profile().is_some_and(|profile| profile.value == "unconfined"),
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::ApparmorUnconfined;
    use crate::rules::test::compose_lines;

    #[test]
    fn unconfined_in_both_spellings() {
        let text = "services:\n  a:\n    security_opt: [apparmor=unconfined]\n  b:\n    security_opt:\n      - \"apparmor:unconfined\"\n";
        assert_eq!(compose_lines(ApparmorUnconfined::META, text), [3, 6]);
    }

    #[test]
    fn profiles_and_overridden_entries_are_not_reported() {
        for options in [
            "[apparmor=docker-default]",
            "[\"apparmor:my-profile\"]",
            "[apparmor=unconfined, apparmor=my-profile]",
            "[seccomp=unconfined]",
        ] {
            let text = format!("services:\n  a:\n    security_opt: {options}\n");
            assert!(
                compose_lines(ApparmorUnconfined::META, &text).is_empty(),
                "{options}"
            );
        }
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-base: &base\n  security_opt:\n    - apparmor:unconfined\nservices:\n  a:\n    <<: *base\n";
        assert_eq!(compose_lines(ApparmorUnconfined::META, text), [3]);
    }
}
