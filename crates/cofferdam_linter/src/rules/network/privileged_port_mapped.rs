//! `privileged-port-mapped`: a published port maps a privileged port (below 1024) on the host,
//! or inside a container that keeps `NET_BIND_SERVICE`.

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, declare_rule};

use crate::model::container::{ContainerSpec, SpecSource};
use crate::model::reachability::{Binding, PortRange, classify, published_ports};
use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks published ports for privileged port numbers (1 to 1023), in the short syntax
    /// (`"80:8080"`, `"90-100:8090-8100"`, `"127.0.0.1:80:8080"`, a bare `"80"`), the long
    /// syntax (`target:` / `published:`) and `-p` on `docker run`:
    ///
    /// - a privileged **host** port is reported at low severity, whatever the interface;
    /// - a privileged **container** port (published on a high or ephemeral host port) is
    ///   reported at info severity when the container keeps `NET_BIND_SERVICE`, which Docker
    ///   grants by default: it is neither dropped (`cap_drop: [NET_BIND_SERVICE]` or `[ALL]`)
    ///   nor added back on purpose (`cap_add: [NET_BIND_SERVICE]`).
    ///
    /// An edge proxy (nginx, Traefik, HAProxy, Caddy, Envoy, …) publishing host ports 80 and
    /// 443 is not reported: serving those ports is its job.
    ///
    /// ## Why is this bad?
    /// Ports below 1024 are reserved for system services: binding one takes root or the
    /// `CAP_NET_BIND_SERVICE` capability. Mapped on the host, such a port is bound by the
    /// Docker daemon, as root, on behalf of whoever may run containers: it can shadow or
    /// impersonate a system service (SSH, DNS, SMTP). Inside the container, it is usually why
    /// an image still runs as root or keeps the capability.
    ///
    /// The host's rule about who may bind privileged ports is what lets clients trust that
    /// port 22 or 53 on a host is the administrator's service; a container mapping bypasses
    /// it. Inside the container, Docker Engine 20.10 and later let any user bind any port
    /// (`net.ipv4.ip_unprivileged_port_start=0`), so listening on a high port and dropping
    /// `NET_BIND_SERVICE` costs nothing and removes one more capability from a compromise.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:2.1
    ///     ports: ["80:8080"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:2.1
    ///     ports: ["8080:8080"]
    ///     cap_drop: [ALL]
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: clients must be told about a new host port (or an edge proxy put in front
    /// of the service), and the application's listening port is configured in the image.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/network/port-publishing/>
    /// - <https://man7.org/linux/man-pages/man7/capabilities.7.html> (`CAP_NET_BIND_SERVICE`)
    /// - CIS Docker Benchmark 5.7
    pub struct PrivilegedPortMapped {
        code: "NET007",
        name: "privileged-port-mapped",
        category: Network,
        severity: Low,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [Kics "bc2908f3-f73c-40a9-8793-c1b7d5544f79", Cis "5.7"],
    }
}

/// Host ports an edge proxy is expected to publish.
const WEB_PORTS: [u16; 2] = [80, 443];

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    // Only what Docker really publishes: it discards or refuses `ports:` in the host's namespace, without a network and in a
    // shared namespace.
    let ports = published_ports(spec);
    if ports.is_empty() {
        return;
    }
    let role = classify(spec);
    let run = spec.source == SpecSource::RunLine;
    for port in ports {
        let binding = Binding::of(&port.value);
        if let Some(host) = binding.host_ports().filter(|host| is_privileged(*host)) {
            if role.is_edge_proxy() && host.first == host.last && WEB_PORTS.contains(&host.first) {
                continue;
            }
            let message = if host.first == host.last {
                format!("host port {host} is privileged (below 1024)")
            } else {
                format!("host ports {host} include privileged ports (below 1024)")
            };
            let fix = if run {
                "publish it on a host port of 1024 or above (`-p 8080:…`), or put an edge proxy \
                 in front of the service"
            } else {
                "publish it on a host port of 1024 or above (`\"8080:…\"`), or put an edge proxy \
                 in front of the service"
            };
            out.push(
                ctx.diagnostic(PrivilegedPortMapped::META, port.range, message)
                    .with_fix(Fix::display_only(fix)),
            );
            continue;
        }
        let container = binding.container_port;
        if container == 0 || container >= 1024 || !keeps_net_bind_service(spec) {
            continue;
        }
        out.push(
            ctx.diagnostic(
                PrivilegedPortMapped::META,
                port.range,
                format!(
                    "container port {container} is privileged (below 1024) and the container \
                     keeps NET_BIND_SERVICE"
                ),
            )
            .with_severity(Severity::Info)
            .with_fix(Fix::display_only(ctx.spelled(
                "listen on a port of 1024 or above in the container and publish that one, or \
                 drop the capability (`cap_drop: [NET_BIND_SERVICE]`)",
                "listen on a port of 1024 or above in the container and publish that one, or \
                 drop the capability (`--cap-drop NET_BIND_SERVICE`)",
            ))),
        );
    }
}

/// Ports 1 to 1023 (port 0 asks for any free port).
fn is_privileged(range: PortRange) -> bool {
    range.last > 0 && range.first < 1024
}

/// Whether `NET_BIND_SERVICE` stays in the default set: neither dropped (by name or with `ALL`)
/// nor granted on purpose with `cap_add`.
fn keeps_net_bind_service(spec: &ContainerSpec) -> bool {
    let named = |cap: &str| cap == "NET_BIND_SERVICE" || cap == "ALL";
    !spec.cap_drop.iter().any(|cap| named(&cap.value))
        && !spec.cap_add.iter().any(|cap| named(&cap.value))
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::Severity;

    use super::PrivilegedPortMapped;
    use crate::rules::test::compose_lines;

    fn lines(text: &str) -> Vec<u32> {
        compose_lines(PrivilegedPortMapped::META, text)
    }

    #[test]
    fn flags_privileged_host_ports() {
        let text = "services:
  a:
    image: example/app:1
    cap_drop: [ALL]
    ports:
      - 80:8080
      - \"127.0.0.1:443:8443\"
      - \"[::1]:53:5353/udp\"
      - 1000-1100:8000-8100
      - target: 8080
        published: 25
      - target: 8081
        published: \"8081\"
      - 1024:8082
      - 0:80
";
        assert_eq!(lines(text), [6, 7, 8, 9, 10]);
    }

    #[test]
    fn flags_privileged_container_ports_that_keep_the_capability() {
        let text = "services:
  a:
    image: example/app:1
    ports: [\"8080:80\", \"22\", \"127.0.0.1::50\", \"70-8000\", \"8081:8081\"]
  b:
    image: example/app:1
    cap_drop: [net_bind_service]
    ports: [\"8080:80\"]
  c:
    image: example/app:1
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
    ports: [\"8080:80\"]
";
        let diagnostics =
            crate::rules::network::test::diagnostics(PrivilegedPortMapped::META, text);
        assert_eq!(diagnostics.len(), 4);
        assert!(
            diagnostics
                .iter()
                .all(|diagnostic| diagnostic.severity == Severity::Info)
        );
        assert_eq!(
            diagnostics[0].message,
            "container port 80 is privileged (below 1024) and the container keeps NET_BIND_SERVICE"
        );
    }

    #[test]
    fn edge_proxies_on_web_ports_and_discarded_ports_are_fine() {
        let text = "services:
  proxy:
    image: traefik:v3.1
    ports: [\"80:80\", \"443:443\", \"0.0.0.0:443:443/udp\"]
  agent:
    image: example/agent:1
    network_mode: host
    ports: [\"53:53\"]
";
        assert!(lines(text).is_empty(), "{:?}", lines(text));
        let text = "services:\n  proxy:\n    image: nginx:1.27\n    ports: [\"22:2222\"]\n";
        assert_eq!(lines(text), [4]);
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-ports: &ports\n  ports:\n    - 80:8080\nservices:\n  a:\n    <<: *ports\n    image: a:1\n";
        assert_eq!(lines(text), [3]);
    }

    #[test]
    fn kics_samples_fire_on_the_port_entries() {
        // KICS reports the `ports:` key; cofferdam reports the entry under it, so these
        // samples are listed in exceptions.tsv and checked line by line here.
        macro_rules! sample {
            ($file:literal) => {
                include_str!(concat!(
                    "../../../resources/conformance/kics/dockerCompose/privileged_ports_mapped_in_container/",
                    $file
                ))
            };
        }
        assert_eq!(lines(sample!("positive1.yaml")), [6, 13]);
        for sample in [
            sample!("positive2.yaml"),
            sample!("positive3.yaml"),
            sample!("positive4.yaml"),
            sample!("positive5.yaml"),
            sample!("positive6.yaml"),
            sample!("positive7.yaml"),
            sample!("positive8.yaml"),
            sample!("positive9.yaml"),
            sample!("positive10.yaml"),
            sample!("positive11.yaml"),
            sample!("positive12.yaml"),
        ] {
            assert_eq!(lines(sample), [12], "{sample}");
        }
    }
}
