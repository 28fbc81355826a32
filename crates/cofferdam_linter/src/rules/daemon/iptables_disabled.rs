//! `iptables-disabled`: the daemon does not manage the firewall rules of its networks.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks that the daemon manages iptables (`"iptables": false` or `--iptables=false` turn
    /// that off).
    ///
    /// ## Why is this bad?
    /// Docker's rules isolate networks from each other and enforce `internal: true`; without
    /// them, that isolation is only as good as hand-written rules, which rarely keep up with
    /// containers coming and going.
    ///
    /// ## Example
    /// ```json
    /// {"iptables": false}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"iptables": true}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: hosts that turned it off usually have their own firewall management to
    /// reconcile first.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/network/packet-filtering-firewalls/>
    /// - CIS Docker Benchmark 2.4
    pub struct IptablesDisabled {
        code: "DMN015",
        name: "iptables-disabled",
        category: Daemon,
        severity: Medium,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.4"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(setting) = ctx.facts.bool_setting("iptables") else {
        return;
    };
    if setting.value {
        return;
    }
    out.push(
        ctx.diagnostic(
            IptablesDisabled::META,
            setting.range,
            "the daemon does not manage iptables: network isolation depends on hand-written rules",
        )
        .with_fix(Fix::display_only("remove `\"iptables\": false`")),
    );
}
