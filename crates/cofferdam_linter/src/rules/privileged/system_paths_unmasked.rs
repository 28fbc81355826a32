//! `system-paths-unmasked`: `systempaths=unconfined` removes Docker's masks over /proc and /sys
//! and makes /proc/sys writable.

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, declare_rule};

use crate::model::container::{SecurityOpt, is_root_user, is_variable};
use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks for `security_opt: [systempaths=unconfined]` (`--security-opt
    /// systempaths=unconfined`, or empty `MaskedPaths` and `ReadonlyPaths` in inspect output).
    /// It is critical when the container runs as root (as it does when no user is set) and high
    /// for a known non-root user, who cannot write the root-owned files it exposes.
    ///
    /// ## Why is this bad?
    /// Docker hides kernel interfaces that are not namespaced behind masks (`/proc/kcore`,
    /// `/proc/keys`, `/proc/timer_list`, `/sys/firmware`, …) and mounts others read-only
    /// (`/proc/sys`, `/proc/sysrq-trigger`, `/proc/irq`, `/proc/bus`). `systempaths=unconfined`
    /// removes both lists: root in the container can then write host-wide kernel settings such
    /// as `/proc/sys/kernel/core_pattern`, which makes the host kernel run a program of the
    /// container's choosing as root on the host the next time any process crashes, or crash
    /// and reboot the host through `/proc/sysrq-trigger`; `/proc/kcore` exposes kernel memory.
    /// It is part of what `privileged: true` does, requested on its own.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   builder:
    ///     image: example/buildkit:0.16
    ///     security_opt: [systempaths=unconfined]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   builder:
    ///     image: example/buildkit:0.16
    ///     sysctls:
    ///       net.core.somaxconn: 1024
    /// ```
    ///
    /// Namespaced kernel settings are set per container with `sysctls:`; nested container
    /// builders have rootless modes that need neither this option nor `privileged`.
    ///
    /// ## Fix safety
    /// Display-only: a workload that writes kernel settings at runtime must be changed to get
    /// them from `sysctls:` or from the host.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#security-opt>
    /// - <https://man7.org/linux/man-pages/man5/core.5.html> (`core_pattern` pipes)
    pub struct SystemPathsUnmasked {
        code: "PRV003",
        name: "system-paths-unmasked",
        category: Privileged,
        severity: Critical,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    let non_root = spec
        .effective_user()
        .is_some_and(|user| !is_variable(user) && !is_root_user(user));
    for option in &spec.security_opt {
        let SecurityOpt::SystemPaths(value) = &option.value else {
            continue;
        };
        if value.trim() != "unconfined" {
            continue;
        }
        let mut diagnostic = ctx
            .diagnostic(
                SystemPathsUnmasked::META,
                option.range,
                "/proc and /sys are unmasked and /proc/sys is writable: host kernel settings are \
                 open to the container",
            )
            .with_fix(Fix::display_only(ctx.spelled(
                "remove `systempaths=unconfined` from `security_opt:`; set namespaced kernel \
                 settings with `sysctls:`",
                "remove `--security-opt systempaths=unconfined`; set namespaced kernel settings \
                 with `--sysctl`",
            )));
        if non_root {
            diagnostic = diagnostic.with_severity(Severity::High);
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::SystemPathsUnmasked;
    use crate::rules::test::compose_lines;
    use crate::rules::test::graded;

    #[test]
    fn graded_by_user() {
        let text = "services:\n  a:\n    security_opt: [systempaths=unconfined]\n  b:\n    user: \"10001\"\n    security_opt:\n      - \"systempaths=unconfined\"\n";
        assert_eq!(
            graded(SystemPathsUnmasked::META, text),
            [(3, "critical"), (7, "high")]
        );
    }

    #[test]
    fn other_options_are_fine() {
        let text = "services:\n  a:\n    security_opt: [no-new-privileges, \"seccomp=./p.json\"]\n";
        assert!(compose_lines(SystemPathsUnmasked::META, text).is_empty());
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-base: &base\n  security_opt:\n    - systempaths=unconfined\nservices:\n  a:\n    <<: *base\n";
        assert_eq!(compose_lines(SystemPathsUnmasked::META, text), [3]);
    }
}
