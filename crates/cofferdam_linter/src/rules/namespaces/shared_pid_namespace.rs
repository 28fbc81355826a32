//! `shared-pid-namespace`: `pid: host` (and, at a lower severity, `pid: service:x` /
//! `container:x`) puts the container in a process namespace it does not own.

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, declare_rule};

use crate::rules::ContainerContext;
use crate::rules::namespaces::{Mode, is_host};

declare_rule! {
    /// ## What it does
    /// Checks whether a container joins a process (pid) namespace other than its own: the
    /// host's (`pid: host`, `--pid host`, `HostConfig.PidMode: host`), reported at high
    /// severity, or another container's (`pid: service:x`, `pid: container:x`, `--pid
    /// container:x`), reported at low severity.
    ///
    /// ## Why is this bad?
    /// Processes in one pid namespace see each other and their command lines, and as the same
    /// user signal each other and reach each other's environment and files through
    /// `/proc/<pid>/`. In the host's namespace that is every host process: passwords passed
    /// as arguments show, root in the container can kill the host's root daemons, with
    /// `SYS_PTRACE` it attaches to them and runs code in them (`dangerous-capability-added`
    /// grades that combination critical), and with `SYS_BOOT` `reboot(2)` restarts the host.
    /// In another container's namespace it is that container's processes and secrets.
    ///
    /// Sharing another container's pid namespace is a deliberate pattern for debugging and
    /// process-supervision sidecars, hence the low grade; keep it for the sidecars that need
    /// it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     pid: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    /// ```
    ///
    /// Host-monitoring agents that must see host processes keep `pid: host` deliberately,
    /// with this finding suppressed for them.
    ///
    /// ## Fix safety
    /// Unsafe for `host`: removes `pid: host` (`--pid host`) where it is written, as
    /// `harden-run` does; whatever needed the host's namespace (a monitoring agent, a
    /// debugger) stops seeing those processes. Display-only for another container's
    /// namespace, which a sidecar may share on purpose.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#pid>
    /// - <https://docs.docker.com/reference/compose-file/services/#pid>
    /// - CIS Docker Benchmark 5.15
    pub struct SharedPidNamespace {
        code: "NSP001",
        name: "shared-pid-namespace",
        category: Namespaces,
        severity: High,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Kics "4f31dd9f-2cc3-4751-9b53-67e4af83dac0", Cis "5.15"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(mode) = &ctx.spec.namespaces.pid else {
        return;
    };
    let diagnostic = match Mode::parse(&mode.value) {
        Mode::Host => ctx
            .diagnostic(
                SharedPidNamespace::META,
                mode.range,
                "the container shares the host's pid namespace: it sees every host process and \
                 can signal those of its user",
            )
            .with_fix(ctx.removal_fix(
                ctx.spelled(
                    "remove `pid: host`; keep it only for agents that must watch host processes",
                    "remove `--pid host`; keep it only for agents that must watch host processes",
                ),
                "pid",
                mode.range,
                |other| is_host(other.namespaces.pid.as_ref()),
            )),
        Mode::Peer(other) => ctx
            .diagnostic(
                SharedPidNamespace::META,
                mode.range,
                format!(
                    "shares the pid namespace of `{other}`: each sees the other's processes and \
                     their environment"
                ),
            )
            .with_severity(Severity::Low)
            .with_fix(Fix::display_only(ctx.spelled(
                "keep `pid: service:…` only for sidecars that must see the other service's \
                 processes",
                "keep `--pid container:…` only for sidecars that must see the other container's \
                 processes",
            ))),
        Mode::Own => return,
    };
    out.push(diagnostic);
}

#[cfg(test)]
mod tests {
    use super::SharedPidNamespace;
    use crate::rules::test::graded;
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn host_is_high_and_a_peer_is_low() {
        let text = "services:\n  a:\n    pid: host\n  b:\n    pid: \"service:a\"\n  c:\n    pid: container:legacy_1\n";
        assert_eq!(
            graded(SharedPidNamespace::META, text),
            [(3, "high"), (5, "low"), (7, "low")]
        );
        let found = compose_findings(SharedPidNamespace::META, &[("compose.yaml", text)]);
        assert!(found[1].2.contains("`a`"), "{}", found[1].2);
    }

    #[test]
    fn own_namespaces_are_fine() {
        for mode in ["private", "\"\"", "\"${PID_MODE}\""] {
            let text = format!("services:\n  a:\n    pid: {mode}\n");
            assert!(
                compose_lines(SharedPidNamespace::META, &text).is_empty(),
                "{mode}"
            );
        }
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text =
            "x-agent: &agent\n  pid: host\nservices:\n  a:\n    <<: *agent\n  b:\n    <<: *agent\n";
        assert_eq!(compose_lines(SharedPidNamespace::META, text), [2, 2]);
    }
}
