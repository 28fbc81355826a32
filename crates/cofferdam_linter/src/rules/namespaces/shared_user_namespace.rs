//! `shared-user-namespace`: `userns_mode: host` opts the container out of the daemon's
//! user-namespace remapping.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::rules::ContainerContext;
use crate::rules::namespaces::{Mode, is_host};

declare_rule! {
    /// ## What it does
    /// Checks whether a container runs in the host's user namespace by request
    /// (`userns_mode: host`, `--userns host`, `HostConfig.UsernsMode: host`).
    ///
    /// ## Why is this bad?
    /// With user-namespace remapping (`userns-remap` in daemon.json), uid 0 in a container is
    /// an unprivileged uid on the host: a process that escapes the container, or a file it
    /// writes through a bind mount, has no power on the host. `userns_mode: host` exempts
    /// this container, so its root is the host's root again. On daemons without remapping
    /// the option changes nothing today, but it silently defeats remapping the day it is
    /// switched on, which is exactly when nobody re-reads every compose file.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     userns_mode: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     user: "10001"
    /// ```
    ///
    /// The usual reason for the exemption is a bind mount owned by a host uid: give the
    /// mounted files to the remapped uid instead.
    ///
    /// ## Fix safety
    /// Unsafe: removes the setting where it is written (its compose key or list item, or the
    /// run-line option with its value), as `harden-run` does. Under remapping, files the container shares with the host need
    /// ownership that matches the remapped uids.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/userns-remap/>
    /// - <https://docs.docker.com/reference/compose-file/services/#userns_mode>
    /// - CIS Docker Benchmark 5.30
    pub struct SharedUserNamespace {
        code: "NSP004",
        name: "shared-user-namespace",
        category: Namespaces,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Kics "8af7162d-6c98-482f-868e-0d33fb675ca8", Cis "5.30"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(mode) = &ctx.spec.namespaces.userns else {
        return;
    };
    if Mode::parse(&mode.value) != Mode::Host {
        return;
    }
    out.push(
        ctx.diagnostic(
            SharedUserNamespace::META,
            mode.range,
            "the container opts out of user-namespace remapping: root in it is root on the host",
        )
        .with_fix(ctx.removal_fix(
            ctx.spelled(
                "remove `userns_mode: host` so that the daemon's user-namespace remapping applies",
                "remove `--userns host` so that the daemon's user-namespace remapping applies",
            ),
            "userns_mode",
            mode.range,
            |other| is_host(other.namespaces.userns.as_ref()),
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::SharedUserNamespace;
    use crate::rules::test::compose_lines;

    #[test]
    fn host_only() {
        let text =
            "services:\n  a:\n    userns_mode: host\n  b:\n    userns_mode: anything_but_host\n";
        assert_eq!(compose_lines(SharedUserNamespace::META, text), [3]);
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-host: &host\n  userns_mode: host\nservices:\n  a:\n    <<: *host\n";
        assert_eq!(compose_lines(SharedUserNamespace::META, text), [2]);
    }
}
