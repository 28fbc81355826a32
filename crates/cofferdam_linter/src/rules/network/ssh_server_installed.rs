//! `ssh-server-installed`: an SSH server is installed into the image that ships.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::packages::shipped_installs;

declare_rule! {
    /// ## What it does
    /// Checks for an SSH server (`openssh-server`, Alpine's `openssh`, `dropbear`) installed by
    /// a package manager in the final stage or a stage the final stage is built `FROM`.
    ///
    /// ## Why is this bad?
    /// A container should run one process; an SSH daemon beside it is a second network
    /// service with its own credentials, keys baked into the image and vulnerabilities to
    /// patch, and it bypasses the engine's access control and audit trail. `docker exec` (or
    /// `kubectl exec`) already gives operators a shell when they need one.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// USER 10001
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-client
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: operators must switch to `docker exec` for interactive access.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.6 (Ensure sshd is not run within containers)
    /// - <https://docs.docker.com/reference/cli/docker/container/exec/>
    pub struct SshServerInstalled {
        code: "NET004",
        name: "ssh-server-installed",
        category: Network,
        severity: Medium,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [Cis "5.6"],
    }
}

fn is_ssh_server(name: &str) -> bool {
    // Strip a version pin: `openssh-server=1:9.2p1-2`, `dropbear~=2022`.
    let name = name.split(['=', '<', '>', '~']).next().unwrap_or(name);
    matches!(
        name,
        "openssh-server" | "openssh" | "dropbear" | "dropbear-bin" | "openssh-server-pam"
    )
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for (range, name) in shipped_installs(ctx) {
        if !is_ssh_server(name) {
            continue;
        }
        out.push(
            Diagnostic::new(
                SshServerInstalled::META,
                range,
                format!("an SSH server (`{name}`) is installed into the shipped image"),
            )
            .with_fix(Fix::display_only(
                "remove the SSH server and use `docker exec` for interactive access",
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::SshServerInstalled;
    use crate::rules::test::lines;

    #[test]
    fn ssh_servers_in_shipped_stages() {
        let meta = SshServerInstalled::META;
        assert_eq!(
            lines(
                meta,
                "FROM a:1\nRUN apt-get install -y openssh-server vim\n"
            ),
            [2]
        );
        assert_eq!(
            lines(meta, "FROM a:1\nRUN apk add --no-cache openssh\n"),
            [2]
        );
        assert!(lines(meta, "FROM a:1\nRUN apk add --no-cache openssh-client\n").is_empty());
        assert!(lines(meta, "FROM a:1 AS b\nRUN apk add openssh\nFROM a:1\n").is_empty());
    }
}
