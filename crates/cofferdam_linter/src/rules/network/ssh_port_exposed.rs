//! `ssh-port-exposed`: `EXPOSE 22`, the sign of an SSH server inside the image.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::network::exposed_ports::exposed_ports;

declare_rule! {
    /// ## What it does
    /// Checks for `EXPOSE` instructions that declare port 22, written as `22`, `22/tcp`, a range
    /// such as `20-30`, or through an `ARG`/`ENV` whose value is known.
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
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// USER 10001
    /// EXPOSE 8080
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
        inputs: [Dockerfile],
        fix: Always,
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

#[cfg(test)]
mod tests {
    use super::SshPortExposed;
    use crate::rules::test::lines;

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
}
