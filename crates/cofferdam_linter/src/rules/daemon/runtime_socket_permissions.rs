//! `runtime-socket-permissions`: the Docker or containerd socket is owned or permitted wider
//! than root and the docker group.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks the owner, group and mode of the Docker socket (`/var/run/docker.sock`,
    /// `/run/docker.sock`: `root:docker`, `660` or stricter) and of containerd's
    /// (`/run/containerd/containerd.sock`: `root:root`, `660` or stricter).
    ///
    /// ## Why is this bad?
    /// Whoever can write to these sockets can start a container that mounts the host's `/`:
    /// a socket writable by others hands root to every local user and to every process that
    /// runs as one, and one owned by another user or group hands it to them.
    ///
    /// ## Example
    /// ```console
    /// srw-rw-rw- 1 root docker 0 Nov 29 00:35 /var/run/docker.sock
    /// ```
    ///
    /// ## Use instead
    /// ```console
    /// srw-rw---- 1 root docker 0 Nov 29 00:35 /var/run/docker.sock
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: `chown root:docker` and `chmod 660` the socket, and fix whatever widened it
    /// (a `docker.socket` unit's `SocketMode=`, a startup script), or it comes back on restart.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/#docker-daemon-attack-surface>
    /// - CIS Docker Benchmark 3.15, 3.16, 3.23, 3.24
    pub struct RuntimeSocketPermissions {
        code: "DMN002",
        name: "runtime-socket-permissions",
        category: Daemon,
        severity: High,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "3.15", Cis "3.16", Cis "3.23", Cis "3.24"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    for file in &ctx.facts.files {
        let groups: &[&str] = if file.path.ends_with("/docker.sock") {
            &["docker", "root"]
        } else if file.path.ends_with("/containerd.sock") {
            &["root"]
        } else {
            continue;
        };
        let mut problems = Vec::new();
        let mut range = file.mode_range;
        if file.mode & 0o007 != 0 {
            problems.push(format!(
                "mode {} lets every local user use it (root on the host)",
                file.octal()
            ));
        } else if file.mode & !0o660 & 0o7777 != 0 {
            problems.push(format!("mode {} is wider than 660", file.octal()));
        }
        if file.owner != "root" || !groups.contains(&file.group.as_str()) {
            if problems.is_empty() {
                range = file.owner_range;
            }
            problems.push(format!(
                "owned by {}:{} instead of root:{}",
                file.owner, file.group, groups[0]
            ));
        }
        if problems.is_empty() {
            continue;
        }
        out.push(
            ctx.diagnostic(
                RuntimeSocketPermissions::META,
                range,
                format!("`{}`: {}", file.path, problems.join("; ")),
            )
            .with_fix(Fix::display_only(format!(
                "chown root:{group} {path} && chmod 660 {path}",
                group = groups[0],
                path = file.path
            ))),
        );
    }
}
