//! `userland-proxy-enabled`: published ports go through docker-proxy processes.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks that the userland proxy is off (`"userland-proxy": false`), so that published
    /// ports are forwarded by the kernel (iptables/nftables hairpin NAT) alone.
    ///
    /// ## Why is this bad?
    /// With the proxy on, each published port has a `docker-proxy` process running as root
    /// on the host: more attack surface, more memory, and connections to the container appear
    /// to come from the proxy rather than the real client.
    ///
    /// ## Example
    /// ```json
    /// {"userland-proxy": true}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"userland-proxy": false}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: very old kernels and some IPv6 setups need the proxy for hairpin traffic.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/network/packet-filtering-firewalls/>
    /// - CIS Docker Benchmark 2.16
    pub struct UserlandProxyEnabled {
        code: "DMN009",
        name: "userland-proxy-enabled",
        category: Daemon,
        severity: Low,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.16"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let range = match ctx.facts.bool_setting("userland-proxy") {
        Some(setting) if !setting.value => return,
        Some(setting) => setting.range,
        None if ctx.config_known() => ctx.add_here().0,
        None => return,
    };
    out.push(
        ctx.diagnostic(
            UserlandProxyEnabled::META,
            range,
            "the userland proxy is on: a root docker-proxy process per published port",
        )
        .with_fix(Fix::display_only(
            "set `\"userland-proxy\": false` in daemon.json",
        )),
    );
}
