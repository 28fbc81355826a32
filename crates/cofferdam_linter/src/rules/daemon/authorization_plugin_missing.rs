//! `authorization-plugin-missing`: every client of the socket may do everything.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks that the daemon uses an authorization plugin (`authorization-plugins` in
    /// daemon.json, `--authorization-plugin`, `Plugins.Authorization` in `docker info`).
    /// Off by default: most single-tenant hosts rely on socket permissions instead.
    ///
    /// ## Why is this bad?
    /// Without one, any client that reaches the socket may do anything, privileged containers
    /// included. On shared hosts and CI runners an authorization plugin (or `cofferdam`'s own
    /// API guard) can refuse requests that break the policy.
    ///
    /// ## Example
    /// ```json
    /// {"live-restore": true}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"live-restore": true, "authorization-plugins": ["opa-docker-authz"]}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: a plugin must be installed and given a policy first.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/extend/plugins_authorization/>
    /// - CIS Docker Benchmark 2.12
    pub struct AuthorizationPluginMissing {
        code: "DMN017",
        name: "authorization-plugin-missing",
        category: Daemon,
        severity: Low,
        inputs: [Host],
        fix: DisplayOnly,
        default_enabled: false,
        aliases: [Cis "2.12"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    if !ctx.facts.list_setting("authorization-plugins").is_empty() {
        return;
    }
    let range = match &ctx.facts.info {
        Some(info) if !info.authorization_plugins.is_empty() => return,
        Some(info) if !ctx.config_known() => info.plugins_key.unwrap_or(info.range),
        _ if ctx.config_known() => ctx.add_here().0,
        _ => return,
    };
    out.push(
        ctx.diagnostic(
            AuthorizationPluginMissing::META,
            range,
            "no authorization plugin: every client of the socket may do anything",
        )
        .with_fix(Fix::display_only(
            "install an authorization plugin and list it in `authorization-plugins`",
        )),
    );
}
