//! `live-restore-disabled`: restarting or upgrading the daemon stops every container.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks that live restore is on (`"live-restore": true`, `LiveRestoreEnabled` in
    /// `docker info`).
    ///
    /// ## Why is this bad?
    /// Without it, every daemon restart (an upgrade, a crash, a configuration reload that
    /// needs one) stops all containers, which tempts operators to postpone security updates
    /// of the engine. Live restore keeps containers running while dockerd is down.
    ///
    /// ## Example
    /// ```json
    /// {"live-restore": false}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"live-restore": true}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: live restore cannot be used in swarm mode.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/daemon/live-restore/>
    /// - CIS Docker Benchmark 2.15
    pub struct LiveRestoreDisabled {
        code: "DMN007",
        name: "live-restore-disabled",
        category: Daemon,
        severity: Low,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.15"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let info = ctx
        .facts
        .info
        .as_ref()
        .and_then(|info| info.live_restore.as_ref());
    let range = match (ctx.facts.bool_setting("live-restore"), info) {
        (Some(setting), _) if !setting.value => setting.range,
        (None, Some(running)) if !running.value => ctx.add_here().0,
        (None, None) if ctx.config_known() => ctx.add_here().0,
        _ => return,
    };
    out.push(
        ctx.diagnostic(
            LiveRestoreDisabled::META,
            range,
            "live restore is off: restarting or upgrading the daemon stops every container",
        )
        .with_fix(Fix::display_only(
            "set `\"live-restore\": true` in daemon.json",
        )),
    );
}
