//! `docker-group-members`: users in the docker group, each of whom is root on the host.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Lists the members of the `docker` group in `/etc/group`, who may use the Docker socket.
    ///
    /// ## Why is this bad?
    /// Access to the socket is root on the host (`docker run -v /:/host --privileged …`), with
    /// no password prompt and no audit trail of what was done as root. Membership should be as
    /// short and deliberate as the sudoers file; rootless Docker or an authorization plugin
    /// are the alternatives for shared hosts.
    ///
    /// ## Example
    /// ```text
    /// docker:x:999:alice,bob,ci-runner
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// docker:x:999:
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: who needs the daemon is for the host's owners to decide.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/#docker-daemon-attack-surface>
    /// - CIS Docker Benchmark 1.1.2
    pub struct DockerGroupMembers {
        code: "DMN013",
        name: "docker-group-members",
        category: Daemon,
        severity: Medium,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "1.1.2"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((line, members)) = &ctx.facts.docker_group else {
        return;
    };
    if members.is_empty() {
        return;
    }
    let names: Vec<&str> = members.iter().map(|member| member.value.as_str()).collect();
    let who = if names.len() == 1 {
        "1 user is".to_owned()
    } else {
        format!("{} users are", names.len())
    };
    out.push(
        ctx.diagnostic(
            DockerGroupMembers::META,
            *line,
            format!(
                "{who} in the docker group, so root on this host without a password: {}",
                names.join(", ")
            ),
        )
        .with_fix(Fix::display_only(
            "keep only the users who must run containers (`gpasswd -d <user> docker`); consider rootless Docker",
        )),
    );
}
