//! `shared-uts-namespace`: `uts: host` gives the container the host's hostname and NIS
//! domain name.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::rules::ContainerContext;
use crate::rules::namespaces::{Mode, is_host};

declare_rule! {
    /// ## What it does
    /// Checks whether a container shares the host's UTS namespace (`uts: host`, `--uts host`,
    /// `HostConfig.UTSMode: host`).
    ///
    /// ## Why is this bad?
    /// The UTS namespace holds the hostname and NIS domain name. Shared with the host, the
    /// container learns the host's name (useful to an attacker mapping the environment), and
    /// a container that also holds `SYS_ADMIN` changes the hostname of the host itself, which
    /// breaks logging, monitoring, Kerberos and cluster membership host-wide. It is low on
    /// its own, and a sign the container was set up to blend into the host.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.0
    ///     uts: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.0
    ///     hostname: agent-host-01
    /// ```
    ///
    /// An agent that must report the host's name can receive it through the environment.
    ///
    /// ## Fix safety
    /// Unsafe: removes the setting where it is written (its compose key or list item, or the
    /// run-line option with its value), as `harden-run` does. The container then has its own hostname, which software that
    /// reports or registers the host's name must get another way.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#uts>
    /// - <https://docs.docker.com/reference/compose-file/services/#uts>
    /// - CIS Docker Benchmark 5.20
    pub struct SharedUtsNamespace {
        code: "NSP003",
        name: "shared-uts-namespace",
        category: Namespaces,
        severity: Low,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Cis "5.20"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(mode) = &ctx.spec.namespaces.uts else {
        return;
    };
    if Mode::parse(&mode.value) != Mode::Host {
        return;
    }
    out.push(
        ctx.diagnostic(
            SharedUtsNamespace::META,
            mode.range,
            "the container shares the host's UTS namespace: it sees, and with SYS_ADMIN sets, the \
             host's hostname",
        )
        .with_fix(ctx.removal_fix(
            ctx.spelled(
                "remove `uts: host`; give the container the name it needs with `hostname:`",
                "remove `--uts host`; give the container the name it needs with `--hostname`",
            ),
            "uts",
            mode.range,
            |other| is_host(other.namespaces.uts.as_ref()),
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::SharedUtsNamespace;
    use crate::rules::test::compose_lines;

    #[test]
    fn host_only() {
        let text = "services:\n  a:\n    uts: host\n  b:\n    uts: \"\"\n";
        assert_eq!(compose_lines(SharedUtsNamespace::META, text), [3]);
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-host: &host\n  uts: \"host\"\nservices:\n  a:\n    <<: *host\n";
        assert_eq!(compose_lines(SharedUtsNamespace::META, text), [2]);
    }
}
