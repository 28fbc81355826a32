//! `new-privileges-allowed-by-default`: containers may gain privileges through setuid binaries
//! unless each one opts out.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks that the daemon sets `no-new-privileges` for every container by default
    /// (`"no-new-privileges": true` in daemon.json, `--no-new-privileges`).
    ///
    /// ## Why is this bad?
    /// Without it, a process in a container can gain privileges by running a setuid or
    /// file-capability binary (`su`, `sudo`, `ping` in older images): the usual step from an
    /// unprivileged foothold to root inside the container. The daemon-wide default protects
    /// every container, including those whose compose file or run line forgot
    /// `security_opt: [no-new-privileges:true]`.
    ///
    /// ## Example
    /// ```json
    /// {"live-restore": true}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"live-restore": true, "no-new-privileges": true}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: images that rely on `sudo` or setuid helpers at run time stop working.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file>
    /// - CIS Docker Benchmark 2.14
    pub struct NewPrivilegesAllowedByDefault {
        code: "DMN008",
        name: "new-privileges-allowed-by-default",
        category: Daemon,
        severity: Medium,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.14"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let range = match ctx.facts.bool_setting("no-new-privileges") {
        Some(setting) if setting.value => return,
        Some(setting) => setting.range,
        None if ctx.config_known() => ctx.add_here().0,
        None => return,
    };
    out.push(
        ctx.diagnostic(
            NewPrivilegesAllowedByDefault::META,
            range,
            "containers may gain privileges through setuid binaries unless each sets no-new-privileges",
        )
        .with_fix(Fix::display_only(
            "set `\"no-new-privileges\": true` in daemon.json",
        )),
    );
}
