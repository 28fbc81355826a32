//! `icc-enabled`: containers on the default bridge can reach each other on every port.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks that inter-container communication on the default bridge is off (`"icc": false`
    /// in daemon.json or `--icc=false`).
    ///
    /// ## Why is this bad?
    /// On the default `bridge` network every container can open any port of every other, so
    /// one compromised container can probe and attack the rest. With `icc` off, containers
    /// there talk only through published ports or links; give tiers their own user-defined
    /// networks instead.
    ///
    /// ## Example
    /// ```json
    /// {"icc": true}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"icc": false}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: containers on the default bridge that talk to each other directly stop
    /// working until they are put on a user-defined network.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/network/drivers/bridge/>
    /// - CIS Docker Benchmark 2.2
    pub struct IccEnabled {
        code: "DMN006",
        name: "icc-enabled",
        category: Daemon,
        severity: Medium,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.2"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let range = match ctx.facts.bool_setting("icc") {
        Some(icc) if !icc.value => return,
        Some(icc) => icc.range,
        None if ctx.config_known() => ctx.add_here().0,
        None => return,
    };
    out.push(
        ctx.diagnostic(
            IccEnabled::META,
            range,
            "containers on the default bridge can reach each other on every port (`icc` is on)",
        )
        .with_fix(Fix::display_only(
            "set `\"icc\": false` in daemon.json and put containers that talk on user-defined networks",
        )),
    );
}
