//! `daemon-file-permissions`: a file or directory the daemon trusts can be changed by someone
//! other than root.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;
use crate::model::host::FileFacts;

declare_rule! {
    /// ## What it does
    /// Checks the files and directories the daemon reads its configuration and trust from:
    /// the `docker.service` and `docker.socket` units, `/etc/docker`, `daemon.json`,
    /// `/etc/default/docker`, `/etc/sysconfig/docker`, registry certificates under
    /// `/etc/docker/certs.d` and the TLS CA and server certificates. Each must be owned by
    /// `root:root` and no more open than `644` (`755` for `/etc/docker`, `444` for
    /// certificates).
    ///
    /// ## Why is this bad?
    /// The daemon runs as root and believes these files: a user who can edit `daemon.json` or
    /// the unit can turn off TLS, add an insecure registry or change `ExecStart=` to run
    /// anything as root at the next restart; one who can replace a CA certificate can
    /// impersonate a registry.
    ///
    /// ## Example
    /// ```console
    /// -rw-rw-rw- 1 root root 120 Nov 29 00:35 /etc/docker/daemon.json
    /// ```
    ///
    /// ## Use instead
    /// ```console
    /// -rw-r--r-- 1 root root 120 Nov 29 00:35 /etc/docker/daemon.json
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: `chown root:root` and `chmod` as the message says.
    ///
    /// ## References
    /// - CIS Docker Benchmark 3.1–3.12 and 3.17–3.22
    pub struct DaemonFilePermissions {
        code: "DMN003",
        name: "daemon-file-permissions",
        category: Daemon,
        severity: Medium,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "3.1", Cis "3.2", Cis "3.3", Cis "3.4", Cis "3.5", Cis "3.6", Cis "3.7",
            Cis "3.8", Cis "3.9", Cis "3.10", Cis "3.11", Cis "3.12", Cis "3.17", Cis "3.18",
            Cis "3.19", Cis "3.20", Cis "3.21", Cis "3.22"],
    }
}

/// The widest mode a trusted file may have, by path; `None` for files this rule does not judge.
fn allowed_mode(ctx: &HostContext<'_>, file: &FileFacts) -> Option<u32> {
    let path = file.path.as_str();
    let setting = |key: &str| ctx.facts.text_setting(key).map(|value| value.value);
    if setting("tlskey").as_deref() == Some(path) {
        // Keys are DMN004's.
        return None;
    }
    if setting("tlscacert").as_deref() == Some(path)
        || setting("tlscert").as_deref() == Some(path)
        || (path.starts_with("/etc/docker/certs.d/") && file.kind == '-')
    {
        return Some(0o444);
    }
    if path == "/etc/docker" || path.starts_with("/etc/docker/certs.d") {
        return Some(0o755);
    }
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let unit = matches!(file_name, "docker.service" | "docker.socket");
    if unit
        || super::is_daemon_json(path)
        || path == "/etc/default/docker"
        || path == "/etc/sysconfig/docker"
    {
        return Some(0o644);
    }
    None
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    for file in &ctx.facts.files {
        if file.kind == 's' || file.kind == 'l' {
            continue;
        }
        let Some(allowed) = allowed_mode(ctx, file) else {
            continue;
        };
        let mut problems = Vec::new();
        let mut range = file.mode_range;
        let extra = file.mode & 0o7777 & !allowed;
        if extra != 0 {
            let writable = file.mode & 0o022 != 0;
            problems.push(format!(
                "mode {} is wider than {:o}{}",
                file.octal(),
                allowed,
                if writable {
                    ": others can change what the root daemon trusts"
                } else {
                    ""
                }
            ));
        }
        if file.owner != "root" || file.group != "root" {
            if problems.is_empty() {
                range = file.owner_range;
            }
            problems.push(format!(
                "owned by {}:{} instead of root:root",
                file.owner, file.group
            ));
        }
        if problems.is_empty() {
            continue;
        }
        out.push(
            ctx.diagnostic(
                DaemonFilePermissions::META,
                range,
                format!("`{}`: {}", file.path, problems.join("; ")),
            )
            .with_fix(Fix::display_only(format!(
                "chown root:root {path} && chmod {allowed:o} {path}",
                path = file.path
            ))),
        );
    }
}
