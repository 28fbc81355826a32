//! `ssh-port-exposed`: `EXPOSE 22` in a Dockerfile, or container port 22 published or exposed
//! by a container: the sign of an SSH server inside.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::container::{Port, Spanned};
use crate::model::reachability::{Binding, PortRange};
use crate::rules::network::exposed_ports::exposed_ports;
use crate::rules::{ContainerContext, DockerfileContext};

declare_rule! {
    /// ## What it does
    /// Checks for `EXPOSE` instructions that declare port 22, written as `22`, `22/tcp`, a range
    /// such as `20-30`, or through an `ARG`/`ENV` whose value is known; and for containers that
    /// publish container port 22 (`ports: ["2222:22"]`, the long syntax's `target: 22`,
    /// `-p 2222:22`, a range such as `"20-30:20-30"`) or declare it with `expose:`.
    ///
    /// ## Why is this bad?
    /// Port 22 means an SSH server runs in the container: one more long-lived daemon with its own
    /// credentials, keys baked into the image and an interactive way in that bypasses the
    /// engine's audit trail. `docker exec` (or `kubectl exec`) already gives operators a shell
    /// without shipping one to every instance.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// USER 10001
    /// EXPOSE 22 8080
    /// ```
    ///
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:2.1
    ///     ports: ["127.0.0.1:2222:22", "8080:8080"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// USER 10001
    /// EXPOSE 8080
    /// ```
    ///
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:2.1
    ///     ports: ["8080:8080"]
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: removing the port does not remove the SSH server, and whoever relies on it
    /// needs another way in first.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#expose>
    /// - <https://docs.docker.com/reference/cli/docker/container/exec/>
    pub struct SshPortExposed {
        code: "NET001",
        name: "ssh-port-exposed",
        category: Network,
        severity: Medium,
        inputs: [Dockerfile, Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [Trivy "DS-0004", Kics "5907595b-5b6d-4142-b173-dbb0e73fbff8"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for port in exposed_ports(ctx.model) {
        let Ok(range) = port.parsed else {
            continue;
        };
        if !range.contains(22) {
            continue;
        }
        let message = if range.first == range.last {
            "port 22 (SSH) is exposed".to_owned()
        } else {
            format!("`{}` exposes port 22 (SSH)", port.text)
        };
        out.push(
            Diagnostic::new(SshPortExposed::META, port.word.range, message).with_fix(
                Fix::display_only(
                    "remove port 22 and the SSH server; use `docker exec` to get a shell",
                ),
            ),
        );
    }
}

pub(crate) fn check_container(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for port in &ctx.spec.ports {
        let binding = Binding::of(&port.value);
        if !container_ports(ctx, port).contains(22) {
            continue;
        }
        let message = if binding.container_port == 22 {
            format!(
                "container port 22 (SSH) is published on {}",
                binding.host_side()
            )
        } else {
            format!(
                "published container ports from {} include port 22 (SSH)",
                binding.container_port
            )
        };
        out.push(
            ctx.diagnostic(SshPortExposed::META, port.range, message)
                .with_fix(Fix::display_only(ctx.spelled(
                    "remove the port and the SSH server; use `docker compose exec` to get a shell",
                    "remove `-p …:22` and the SSH server; use `docker exec` to get a shell",
                ))),
        );
    }
    for port in &ctx.spec.expose {
        if port.value == 22 {
            out.push(
                ctx.diagnostic(SshPortExposed::META, port.range, "port 22 (SSH) is exposed")
                    .with_fix(Fix::display_only(
                        "remove port 22 and the SSH server; use `docker exec` to get a shell",
                    )),
            );
        }
    }
}

/// The container ports of a published port. The model keeps the first port of a range, so the
/// range of the short syntax is read back from the text when it is written literally.
fn container_ports(ctx: &ContainerContext<'_>, port: &Spanned<Port>) -> PortRange {
    let first = port.value.container_port;
    let single = PortRange { first, last: first };
    let text = ctx.text(port.range).trim_matches(['"', '\'']);
    let without_protocol = text.split('/').next().unwrap_or(text);
    let container = without_protocol
        .rsplit(':')
        .next()
        .unwrap_or(without_protocol);
    match PortRange::parse(container) {
        Some(range) if range.first == first => range,
        _ => single,
    }
}

#[cfg(test)]
mod tests {
    use super::SshPortExposed;
    use crate::rules::test::{compose_findings, compose_lines, lines};

    #[test]
    fn flags_port_22_in_any_form() {
        assert_eq!(lines(SshPortExposed::META, "FROM a:1\nEXPOSE 22\n"), [2]);
        assert_eq!(
            lines(SshPortExposed::META, "FROM a:1\nEXPOSE 80 22/tcp\n"),
            [2]
        );
        assert_eq!(lines(SshPortExposed::META, "FROM a:1\nEXPOSE 20-30\n"), [2]);
        assert_eq!(
            lines(SshPortExposed::META, "FROM a:1\nARG P=22\nEXPOSE $P\n"),
            [3]
        );
        assert_eq!(
            lines(
                SshPortExposed::META,
                "FROM a:1\nARG P=\"80 22\"\nEXPOSE ${P}\n"
            ),
            [3]
        );
    }

    #[test]
    fn ignores_other_ports() {
        assert!(lines(SshPortExposed::META, "FROM a:1\nEXPOSE 2222 220 8022\n").is_empty());
        assert!(lines(SshPortExposed::META, "FROM a:1\nEXPOSE 23-30\n").is_empty());
        assert!(lines(SshPortExposed::META, "FROM a:1\nARG P\nEXPOSE $P\n").is_empty());
    }

    #[test]
    fn flags_containers_publishing_or_exposing_port_22() {
        let text = "services:
  a:
    image: a:1
    ports:
      - 2222:22
      - \"127.0.0.1:2223:22/tcp\"
      - \"20-30:20-30\"
      - target: 22
        published: 2224
      - \"22\"
    expose: [\"22\"]
";
        assert_eq!(
            compose_lines(SshPortExposed::META, text),
            [5, 6, 7, 8, 10, 11]
        );
        let findings = compose_findings(SshPortExposed::META, &[("compose.yaml", text)]);
        assert_eq!(
            findings[0].2,
            "container port 22 (SSH) is published on 0.0.0.0:2222"
        );
        assert_eq!(
            findings[2].2,
            "published container ports from 20 include port 22 (SSH)"
        );
    }

    #[test]
    fn ignores_containers_without_port_22() {
        let text = "services:
  a:
    image: a:1
    ports: [\"22:2222\", \"2200-2210:2200-2210\", \"8022:8022\"]
    expose: [\"2222\"]
";
        assert!(compose_lines(SshPortExposed::META, text).is_empty());
    }
}
