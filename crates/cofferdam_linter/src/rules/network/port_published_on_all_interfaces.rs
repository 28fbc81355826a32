//! `port-published-on-all-interfaces`: a published port without a host address listens on every
//! host interface; graded by what the service is.

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, declare_rule};

use crate::model::container::SpecSource;
use crate::model::reachability::{Binding, Interface, Role, classify, published_ports};
use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks for published ports that listen on every host interface: `ports: ["8080:80"]`,
    /// `"0.0.0.0:8080:80"`, `"[::]:8080:80"`, a bare `"80"` (an ephemeral host port), the long
    /// syntax without `host_ip`, or `-p 8080:80` on `docker run`. A port bound to one address
    /// (`127.0.0.1:8080:80`, `[::1]:8080:80`, `host_ip: 10.0.0.5`) is fine.
    ///
    /// The severity depends on the service: high for a data store or message broker (Postgres,
    /// MySQL, MongoDB, Redis, Elasticsearch, Kafka, … recognised by image name, well-known port
    /// or service name), low for an edge proxy (nginx, Traefik, HAProxy, Caddy, Envoy), whose
    /// job is to face clients, and medium for anything else.
    ///
    /// ## Why is this bad?
    /// A port published without an address is reachable on every interface of the host: the
    /// public one, VPNs, container bridges. Docker inserts its own firewall rules ahead of the
    /// host's, so `ufw` or `firewalld` rules do not protect it. A database, cache or broker
    /// published that way is one scan away from an attacker, and many ship without
    /// authentication by default (Redis, Memcached, Elasticsearch). Binding to `127.0.0.1`
    /// keeps a port for local tools; binding to one interface says which network may connect.
    ///
    /// The daemon's `"ip"` setting in `daemon.json` can change the default address; this rule
    /// judges the file as written.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     ports: ["5432:5432"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     ports: ["127.0.0.1:5432:5432"]
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: clients on other hosts may rely on the port; bind it to the interface they
    /// use, or drop the port if only other services of the project connect to it (they use
    /// the project network, not published ports).
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/network/port-publishing/>
    /// - <https://docs.docker.com/reference/compose-file/services/#ports>
    /// - CIS Docker Benchmark 5.13
    pub struct PortPublishedOnAllInterfaces {
        code: "NET006",
        name: "port-published-on-all-interfaces",
        category: Network,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [Kics "451d79dc-0588-476a-ad03-3c7f0320abb3", Cis "5.13"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    // Only what Docker really publishes: it discards or refuses `ports:` in the host's namespace, without a network and in a
    // shared namespace; shared-network-namespace covers those.
    let ports = published_ports(spec);
    if ports.is_empty() {
        return;
    }
    let role = classify(spec);
    for port in ports {
        let binding = Binding::of(&port.value);
        if binding.interface != Interface::All {
            continue;
        }
        let protocol = if binding.protocol == "tcp" {
            String::new()
        } else {
            format!("/{}", binding.protocol)
        };
        let (what, severity) = match role {
            Role::DataStore(product) => (format!("{product} port"), Severity::High),
            Role::EdgeProxy(product) => (format!("{product} port"), Severity::Low),
            Role::Application => ("port".to_owned(), Severity::Medium),
        };
        let message = format!(
            "{what} {}{protocol} is published on every host interface, as {}",
            binding.container_port,
            binding.host_side()
        );
        let host_port = binding
            .host_port
            .as_deref()
            .map_or_else(String::new, |port| format!("{port}:"));
        let local = format!("127.0.0.1:{host_port}{}{protocol}", binding.container_port);
        let fix = if ctx.spec.source == SpecSource::RunLine {
            format!(
                "bind it to one address, e.g. `-p {local}`, or remove it if only containers on \
                 a common network connect to it"
            )
        } else {
            format!(
                "bind it to one address, e.g. `\"{local}\"` (or `host_ip:`), or remove it if only \
                 services on the project's networks connect to it"
            )
        };
        out.push(
            ctx.diagnostic(PortPublishedOnAllInterfaces::META, port.range, message)
                .with_severity(severity)
                .with_fix(Fix::display_only(fix)),
        );
    }
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::Severity;

    use super::PortPublishedOnAllInterfaces;
    use crate::rules::test::{compose_findings, compose_lines};

    fn lines(text: &str) -> Vec<u32> {
        compose_lines(PortPublishedOnAllInterfaces::META, text)
    }

    #[test]
    fn flags_ports_without_an_address() {
        let text = "services:
  a:
    image: example/app:1
    ports:
      - 8080:80
      - \"0.0.0.0:8081:81\"
      - \"[::]:8082:82\"
      - \"83\"
      - 9000-9010:9000-9010/udp
      - target: 84
        published: 8084
      - target: 85
        host_ip: 0.0.0.0
";
        assert_eq!(lines(text), [5, 6, 7, 8, 9, 10, 12]);
    }

    #[test]
    fn ignores_ports_bound_to_an_address_and_discarded_ports() {
        let text = "services:
  a:
    image: example/app:1
    ports:
      - 127.0.0.1:8080:80
      - \"[::1]:8081:81\"
      - ::1:8082:82
      - 10.0.0.5::83
      - target: 84
        host_ip: 192.168.1.10
      - target: 85
        published: 127.0.0.1:8085
  b:
    image: example/app:1
    network_mode: host
    ports: [\"8080:80\"]
";
        assert!(lines(text).is_empty(), "{:?}", lines(text));
    }

    #[test]
    fn graded_by_service_role() {
        let text = "services:
  db:
    image: postgres:16
    ports: [\"5432:5432\"]
  proxy:
    image: traefik:v3.1
    ports: [\"443:443\"]
  app:
    build: .
    ports: [\"8080:8080\", \"53:53/udp\"]
";
        let findings = compose_findings(
            PortPublishedOnAllInterfaces::META,
            &[("compose.yaml", text)],
        );
        let messages: Vec<&str> = findings.iter().map(|(_, _, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "postgres port 5432 is published on every host interface, as 0.0.0.0:5432",
                "traefik port 443 is published on every host interface, as 0.0.0.0:443",
                "port 8080 is published on every host interface, as 0.0.0.0:8080",
                "port 53/udp is published on every host interface, as 0.0.0.0:53",
            ]
        );
    }

    #[test]
    fn severities_follow_the_role() {
        let text = "services:\n  db:\n    image: redis:7\n    ports: [\"6379:6379\"]\n  proxy:\n    image: nginx:1.27\n    ports: [\"80:8080\"]\n  app:\n    image: example/app:1\n    ports: [\"8080:8080\"]\n";
        let severities: Vec<Severity> =
            crate::rules::network::test::diagnostics(PortPublishedOnAllInterfaces::META, text)
                .into_iter()
                .map(|diagnostic| diagnostic.severity)
                .collect();
        assert_eq!(
            severities,
            [Severity::High, Severity::Low, Severity::Medium]
        );
    }

    #[test]
    fn kics_samples_fire_on_the_port_entry() {
        // KICS reports the `ports:` key (line 11); cofferdam reports the entry under it, so
        // these samples are listed in exceptions.tsv and checked line by line here.
        let samples = [
            include_str!(
                "../../../resources/conformance/kics/dockerCompose/container_traffic_not_bound_to_host_interface/positive1.yaml"
            ),
            include_str!(
                "../../../resources/conformance/kics/dockerCompose/container_traffic_not_bound_to_host_interface/positive2.yaml"
            ),
            include_str!(
                "../../../resources/conformance/kics/dockerCompose/container_traffic_not_bound_to_host_interface/positive3.yaml"
            ),
        ];
        for sample in samples {
            assert_eq!(lines(sample), [12], "{sample}");
        }
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-ports: &ports\n  ports:\n    - 8080:80\nservices:\n  a:\n    <<: *ports\n    image: a:1\n";
        assert_eq!(lines(text), [3]);
    }
}
