//! `daemon-tcp-without-tls`: the daemon listens on TCP without verifying client certificates.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks the daemon's listeners (`hosts` in daemon.json, `-H`/`--host` flags) for a
    /// `tcp://` address while `tlsverify` is not on.
    ///
    /// ## Why is this bad?
    /// The Engine API is root on the host: anyone who can open the port can start a privileged
    /// container that mounts `/`. Without `tlsverify`, the daemon accepts every client (`tls`
    /// alone encrypts the traffic but still lets anyone in). Scanners find open port 2375
    /// within minutes of it appearing on the internet.
    ///
    /// ## Example
    /// ```json
    /// {"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
    ///  "tlsverify": true, "tlscacert": "/etc/docker/ca.pem",
    ///  "tlscert": "/etc/docker/server.pem", "tlskey": "/etc/docker/server-key.pem"}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: clients need certificates first (or use SSH: `DOCKER_HOST=ssh://host`).
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/protect-access/>
    /// - CIS Docker Benchmark 2.7
    pub struct DaemonTcpWithoutTls {
        code: "DMN001",
        name: "daemon-tcp-without-tls",
        category: Daemon,
        severity: Critical,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.7"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let facts = ctx.facts;
    if facts
        .bool_setting("tlsverify")
        .is_some_and(|verify| verify.value)
    {
        return;
    }
    let tls = facts.bool_setting("tls").is_some_and(|tls| tls.value);
    for host in facts.list_setting("hosts") {
        if !host.value.trim().to_ascii_lowercase().starts_with("tcp://") {
            continue;
        }
        let loopback = host.value.contains("://127.") || host.value.contains("://localhost");
        let what = if tls {
            "TLS without client verification"
        } else {
            "no TLS"
        };
        let reach = if loopback {
            "every local user and process"
        } else {
            "anyone who can reach the port"
        };
        out.push(
            ctx.diagnostic(
                DaemonTcpWithoutTls::META,
                host.range,
                format!(
                    "the daemon listens on `{}` with {what}: {reach} controls it, and with it the host",
                    host.value
                ),
            )
            .with_fix(Fix::display_only(
                "set `tlsverify: true` with tlscacert, tlscert and tlskey, or drop the TCP listener and use `DOCKER_HOST=ssh://…`",
            )),
        );
    }
}
