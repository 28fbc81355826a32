//! `shared-network-namespace`: `network_mode: host` / `--network host`, and (at a lower
//! severity) `service:x` / `container:x`, which join another container's network namespace.

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, declare_rule};

use crate::model::reachability::NetworkMode;
use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks whether a container joins a network namespace other than its own: the host's
    /// (`network_mode: host`, `--network host`, `HostConfig.NetworkMode: host`), reported at
    /// high severity, or another container's (`network_mode: service:x` or `container:x`,
    /// `--network container:x`), reported at low severity. `none`, `bridge` and named networks
    /// are fine.
    ///
    /// ## Why is this bad?
    /// A container that joins another network namespace gives up its own. In the host's, it
    /// sees every host interface and every service bound to the host's loopback (databases on
    /// `127.0.0.1`, the Docker API on `localhost:2375`), can bind any host port and, with the
    /// default `NET_RAW` capability, capture the host's traffic. In another container's, the
    /// two share `localhost`: each reaches the other's loopback-only admin ports.
    ///
    /// With host networking, network isolation, published-port bindings and per-network
    /// firewall rules no longer apply, and the container's listeners are open on every
    /// interface. Sharing another container's namespace is a deliberate sidecar pattern (a VPN
    /// client, a service mesh proxy), but a compromise of either container is then a compromise
    /// of the network identity of both: keep it for the sidecars that need it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   exporter:
    ///     image: prom/node-exporter:v1.8.2
    ///     network_mode: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   exporter:
    ///     image: prom/node-exporter:v1.8.2
    ///     ports: ["127.0.0.1:9100:9100"]
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the ports the container serves must be published instead, and software
    /// that really needs the host's interfaces (some monitoring agents, DHCP or VRRP daemons)
    /// keeps host networking deliberately, with the finding suppressed.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/network/drivers/host/>
    /// - <https://docs.docker.com/reference/compose-file/services/#network_mode>
    /// - CIS Docker Benchmark 5.9
    pub struct SharedNetworkNamespace {
        code: "NET005",
        name: "shared-network-namespace",
        category: Network,
        severity: High,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [Kics "071a71ff-f868-47a4-ac0b-3c59e4ab5443", Cis "5.9"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(mode) = &ctx.spec.namespaces.network else {
        return;
    };
    let diagnostic = match NetworkMode::parse(&mode.value) {
        NetworkMode::Host => ctx
            .diagnostic(
                SharedNetworkNamespace::META,
                mode.range,
                "the container shares the host's network namespace: every host interface and \
                 loopback service is open to it",
            )
            .with_fix(Fix::display_only(ctx.spelled(
                "remove `network_mode: host` and publish the ports it serves under `ports:`, \
                 bound to an address (`127.0.0.1:9100:9100`)",
                "remove `--network host` and publish the ports it serves with `-p`, bound to an \
                 address (`-p 127.0.0.1:9100:9100`)",
            ))),
        NetworkMode::Service(other) | NetworkMode::Container(other) => ctx
            .diagnostic(
                SharedNetworkNamespace::META,
                mode.range,
                format!(
                    "the container shares the network namespace of `{other}`: each reaches the \
                     other's loopback-only ports"
                ),
            )
            .with_severity(Severity::Low)
            .with_fix(Fix::display_only(ctx.spelled(
                "keep `network_mode: service:…` for sidecars that need it; otherwise put both \
                 services on a common network",
                "keep `--network container:…` for sidecars that need it; otherwise connect both \
                 containers to a common network",
            ))),
        NetworkMode::None | NetworkMode::Bridge | NetworkMode::Network(_) => return,
    };
    out.push(diagnostic);
}

#[cfg(test)]
mod tests {
    use super::SharedNetworkNamespace;
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn flags_host_and_shared_namespaces() {
        let rule = SharedNetworkNamespace::META;
        assert_eq!(
            compose_lines(rule, "services:\n  a:\n    network_mode: host\n"),
            [3]
        );
        assert_eq!(
            compose_lines(rule, "services:\n  a:\n    network_mode: \"host\"\n"),
            [3]
        );
        let findings = compose_findings(
            rule,
            &[(
                "compose.yaml",
                "services:\n  vpn:\n    image: vpn:1\n  app:\n    network_mode: service:vpn\n",
            )],
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].1, 5);
        assert!(findings[0].2.contains("`vpn`"), "{}", findings[0].2);
    }

    #[test]
    fn ignores_own_namespaces() {
        let rule = SharedNetworkNamespace::META;
        for mode in ["none", "bridge", "backend"] {
            let text = format!("services:\n  a:\n    network_mode: {mode}\n");
            assert!(compose_lines(rule, &text).is_empty(), "{mode}");
        }
        assert!(compose_lines(rule, "services:\n  a:\n    image: a:1\n").is_empty());
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-net: &net\n  network_mode: host\nservices:\n  a:\n    <<: *net\n";
        assert_eq!(compose_lines(SharedNetworkNamespace::META, text), [2]);
    }
}
