//! `privileged-container`: the container runs with `privileged: true` / `--privileged`.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::container::ContainerSpec;
use crate::rules::ContainerContext;
use crate::rules::edit::Setting;

declare_rule! {
    /// ## What it does
    /// Checks whether a container runs privileged (`privileged: true` in compose,
    /// `--privileged` on `docker run`, `HostConfig.Privileged` in inspect output). An explicit
    /// `privileged: false` is fine.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, every host device, no seccomp filter, no
    /// AppArmor or SELinux confinement and a writable /sys: root in it is root on the host, one
    /// `mount` away from the host's disks. It is the single most dangerous container setting.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.4
    ///     privileged: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.4
    ///     cap_add: [NET_ADMIN]
    ///     devices: ["/dev/net/tun"]
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: sets `privileged: false` (removes `--privileged` from a run line). Which
    /// capabilities and devices the workload really needs must be established by testing it
    /// (`cofferdam seccomp record` and `cofferdam caps` help) and added back with `cap_add:`
    /// and `devices:`.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#privileged>
    /// - CIS Docker Benchmark 5.4
    pub struct PrivilegedContainer {
        code: "PRV001",
        name: "privileged-container",
        category: Privileged,
        severity: Critical,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Kics "ae5b6871-7f45-42e0-bb4c-ab300c4d2026", Cis "5.4"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(privileged) = &ctx.spec.privileged else {
        return;
    };
    if !privileged.value {
        return;
    }
    let description = ctx.spelled(
        "remove `privileged: true`; grant only the capabilities (`cap_add`) and devices (`devices:`) the workload needs",
        "remove `--privileged`; grant only the capabilities (`--cap-add`) and devices (`--device`) the workload needs",
    );
    let edits = ctx.set_scalar(
        Setting::new("privileged", "false", ""),
        Some(privileged.range),
        ContainerSpec::is_privileged,
    );
    let fix = Fix::unsafe_or_display_only(description, edits);
    out.push(
        ctx.diagnostic(
            PrivilegedContainer::META,
            privileged.range,
            "the container runs privileged: every capability, every host device, no seccomp or LSM confinement",
        )
        .with_fix(fix),
    );
}

#[cfg(test)]
mod tests {
    use super::PrivilegedContainer;
    use crate::rules::test::compose_lines;

    #[test]
    fn flags_true_only() {
        assert_eq!(
            compose_lines(
                PrivilegedContainer::META,
                "services:\n  a:\n    image: x:1\n    privileged: true\n"
            ),
            [4]
        );
        assert!(
            compose_lines(
                PrivilegedContainer::META,
                "services:\n  a:\n    privileged: false\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-base: &base\n  privileged: yes\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *base\n";
        assert_eq!(compose_lines(PrivilegedContainer::META, text), [2, 2]);
    }
}
