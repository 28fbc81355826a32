//! `privilege-escalation-allowed`: `no-new-privileges` is missing from `security_opt` (or set
//! to false), so setuid and file-capability binaries can raise a process's privileges.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::container::SecurityOpt;
use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks that a container sets `no-new-privileges` (`security_opt:
    /// [no-new-privileges:true]`, `--security-opt no-new-privileges`), in any of its spellings
    /// (`:true`, `=true`, bare). An explicit `no-new-privileges:false` counts as set: it is
    /// reported as disabled at that option. A missing one is reported at `security_opt:` when
    /// the key exists, otherwise at the service. As in Docker, the last `no-new-privileges`
    /// entry wins.
    ///
    /// Privileged containers are left to `privileged-container`: they already hold every
    /// privilege, and this option would not make them safe.
    ///
    /// ## Why is this bad?
    /// Without the kernel's `no_new_privs` flag, running a setuid-root binary (`su`, `sudo`,
    /// `mount`, `passwd`, or one an attacker finds or plants with the wrong mode) or a binary
    /// with file capabilities raises the calling process's privileges. A container that drops
    /// root with `user:` can then climb back to root inside the container, and from there to
    /// every capability the container's bounding set still holds. With the flag set, `execve`
    /// never grants more than the caller already has, and it also stops AppArmor and SELinux
    /// transitions to laxer profiles.
    ///
    /// A daemon-wide default (`"no-new-privileges": true` in daemon.json) also sets it, but
    /// it is invisible to reviewers of the compose file and missing on other hosts; say it
    /// where the service is defined.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     user: "10001"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     user: "10001"
    ///     security_opt: [no-new-privileges:true]
    /// ```
    ///
    /// ## Fix safety
    /// Display-only for now: an image that relies on setuid binaries at runtime (`sudo` in an
    /// entrypoint, `ping` without `NET_RAW` file capabilities, `gosu` as a non-root user) stops
    /// working, which is usually worth finding out.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#security-opt>
    /// - <https://docs.kernel.org/userspace-api/no_new_privs.html>
    /// - CIS Docker Benchmark 5.25
    pub struct PrivilegeEscalationAllowed {
        code: "PRV002",
        name: "privilege-escalation-allowed",
        category: Privileged,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Always,
        aliases: [
            Kics "27fcc7d6-c49b-46e0-98f1-6c082a6a2750",
            Kics "610e266e-6c12-4bca-9925-1ed0cd29742b",
            Cis "5.25",
        ],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    if spec.is_privileged() {
        return;
    }
    let (range, message) = match spec.no_new_privileges() {
        Some(option) if option.value == SecurityOpt::NoNewPrivileges(true) => return,
        Some(option) => (
            option.range,
            "`no-new-privileges` is disabled: setuid and file-capability binaries can raise privileges",
        ),
        None => (
            spec.anchor("security_opt"),
            "`no-new-privileges` is not set: setuid and file-capability binaries can raise privileges",
        ),
    };
    out.push(
        ctx.diagnostic(PrivilegeEscalationAllowed::META, range, message)
            .with_fix(Fix::display_only(ctx.spelled(
                "add `no-new-privileges:true` under `security_opt:`",
                "add `--security-opt no-new-privileges`",
            ))),
    );
}

#[cfg(test)]
mod tests {
    use super::PrivilegeEscalationAllowed;
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn every_spelling_of_true_is_enough() {
        for option in [
            "no-new-privileges:true",
            "no-new-privileges=true",
            "no-new-privileges",
            "\"no-new-privileges: true\"",
        ] {
            let text = format!("services:\n  a:\n    security_opt: [{option}]\n");
            assert!(
                compose_lines(PrivilegeEscalationAllowed::META, &text).is_empty(),
                "{option}"
            );
        }
    }

    #[test]
    fn missing_points_at_security_opt_else_the_service() {
        let rule = PrivilegeEscalationAllowed::META;
        assert_eq!(
            compose_lines(rule, "services:\n  a:\n    image: x:1\n"),
            [2]
        );
        assert_eq!(
            compose_lines(
                rule,
                "services:\n  a:\n    image: x:1\n    security_opt:\n      - apparmor:docker-default\n"
            ),
            [4]
        );
    }

    #[test]
    fn explicit_false_is_reported_at_the_value() {
        let found = compose_findings(
            PrivilegeEscalationAllowed::META,
            &[(
                "compose.yaml",
                "services:\n  a:\n    security_opt:\n      - label:type:app_t\n      - no-new-privileges:false\n",
            )],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, 5);
        assert!(
            found[0].2.starts_with("`no-new-privileges` is disabled"),
            "{}",
            found[0].2
        );
    }

    #[test]
    fn the_last_entry_wins_and_privileged_is_left_alone() {
        let rule = PrivilegeEscalationAllowed::META;
        let text = "services:\n  a:\n    security_opt: [no-new-privileges, no-new-privileges=false]\n  b:\n    security_opt: [no-new-privileges=false, no-new-privileges]\n  c:\n    privileged: true\n";
        assert_eq!(compose_lines(rule, text), [3]);
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-base: &base\n  security_opt: [no-new-privileges:false]\nservices:\n  a:\n    <<: *base\n";
        assert_eq!(compose_lines(PrivilegeEscalationAllowed::META, text), [2]);
    }
}
