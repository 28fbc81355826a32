//! `port-out-of-range`: an `EXPOSE` port above 65535 or one that is not a port at all.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::network::exposed_ports::{PortError, exposed_ports};

declare_rule! {
    /// ## What it does
    /// Checks that every `EXPOSE` argument is a port (0–65535), a range `first-last` with
    /// `first <= last`, optionally followed by `/tcp`, `/udp` or `/sctp`. Arguments built from
    /// `ARG`s or `ENV`s are checked after expansion; unknown values are skipped.
    ///
    /// ## Why is this bad?
    /// TCP and UDP ports are 16-bit numbers: `EXPOSE 65536` or `EXPOSE 8O80` is a typo that
    /// fails the build or, worse, documents a port the application does not use, so the port
    /// that is really published goes unreviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// USER 10001
    /// EXPOSE 65536 8080
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// USER 10001
    /// EXPOSE 65530 8080
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the intended port cannot be guessed.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#expose>
    pub struct PortOutOfRange {
        code: "NET003",
        name: "port-out-of-range",
        category: Network,
        severity: Low,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [Hadolint "DL3011", Trivy "DS-0008", Kics "71bf8cf8-f0a1-42fa-b9d2-d10525e0a38e"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for port in exposed_ports(ctx.model) {
        let Err(error) = &port.parsed else {
            continue;
        };
        let message = match error {
            PortError::OutOfRange(number) => {
                format!("port `{number}` is outside the range 0-65535")
            }
            PortError::Reversed => format!("port range `{}` ends before it starts", port.text),
            PortError::Protocol(protocol) => {
                format!("`{protocol}` is not a protocol; use `tcp`, `udp` or `sctp`")
            }
            PortError::Malformed => format!("`{}` is not a port number", port.text),
        };
        out.push(
            Diagnostic::new(PortOutOfRange::META, port.word.range, message).with_fix(
                Fix::display_only("expose the port the application listens on (0-65535)"),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::PortOutOfRange;
    use crate::rules::test::lines;

    #[test]
    fn flags_invalid_ports() {
        let rule = PortOutOfRange::META;
        assert_eq!(lines(rule, "FROM a:1\nEXPOSE 65536/tcp 80\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nEXPOSE 8O80\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nEXPOSE 90-80\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nEXPOSE 80/http\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nARG P=70000\nEXPOSE $P\n"), [3]);
    }

    #[test]
    fn accepts_valid_and_unknown_ports() {
        let rule = PortOutOfRange::META;
        assert!(lines(rule, "FROM a:1\nEXPOSE 0 65535 53/udp 6000-6010/tcp\n").is_empty());
        assert!(lines(rule, "FROM a:1\nARG P\nEXPOSE $P\n").is_empty());
        assert!(lines(rule, "FROM a:1\nENV P=8080\nEXPOSE ${P}/tcp\n").is_empty());
    }
}
