//! `daemon-tls-key-exposed`: the daemon's TLS private key is readable by others than root.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks the daemon's TLS private key (`tlskey` in daemon.json or `--tlskey`): it must be
    /// owned by `root:root` with mode `400` (or `600`).
    ///
    /// ## Why is this bad?
    /// With the server's key, an attacker can impersonate the daemon to its clients and read
    /// what they send it, registry credentials included.
    ///
    /// ## Example
    /// ```console
    /// -rw-r--r-- 1 root root 1675 Nov 29 00:35 /etc/docker/server-key.pem
    /// ```
    ///
    /// ## Use instead
    /// ```console
    /// -r-------- 1 root root 1675 Nov 29 00:35 /etc/docker/server-key.pem
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: `chown root:root` and `chmod 400` the key.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/protect-access/>
    /// - CIS Docker Benchmark 3.13, 3.14
    pub struct DaemonTlsKeyExposed {
        code: "DMN004",
        name: "daemon-tls-key-exposed",
        category: Daemon,
        severity: High,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "3.13", Cis "3.14"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let key_paths: Vec<String> = ctx
        .facts
        .text_setting("tlskey")
        .map(|key| key.value)
        .into_iter()
        .collect();
    for file in &ctx.facts.files {
        let is_key = key_paths.contains(&file.path)
            || (file.path.starts_with("/etc/docker/") && file.path.ends_with("-key.pem"));
        if !is_key || file.kind != '-' {
            continue;
        }
        let readable_by_others = file.mode & 0o077 != 0;
        let not_root = file.owner != "root";
        if !readable_by_others && !not_root {
            continue;
        }
        let (range, message) = if readable_by_others {
            (
                file.mode_range,
                format!(
                    "`{}`: the daemon's TLS key has mode {}: readable beyond root",
                    file.path,
                    file.octal()
                ),
            )
        } else {
            (
                file.owner_range,
                format!(
                    "`{}`: the daemon's TLS key is owned by {}, not root",
                    file.path, file.owner
                ),
            )
        };
        out.push(
            ctx.diagnostic(DaemonTlsKeyExposed::META, range, message)
                .with_fix(Fix::display_only(format!(
                    "chown root:root {path} && chmod 400 {path}",
                    path = file.path
                ))),
        );
    }
}
