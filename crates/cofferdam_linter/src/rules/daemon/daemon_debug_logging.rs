//! `daemon-debug-logging`: the daemon logs at debug level.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks that the daemon does not log at debug level (`"debug": true`, `-D`,
    /// `"log-level": "debug"`, or `Debug: true` in `docker info`).
    ///
    /// ## Why is this bad?
    /// Debug logs record API requests in detail (including environment variables of created
    /// containers, which often hold secrets) and grow quickly; `info` keeps what an
    /// investigation needs.
    ///
    /// ## Example
    /// ```json
    /// {"log-level": "debug"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"log-level": "info"}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/daemon/logs/>
    /// - CIS Docker Benchmark 2.3
    pub struct DaemonDebugLogging {
        code: "DMN014",
        name: "daemon-debug-logging",
        category: Daemon,
        severity: Low,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.3"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let facts = ctx.facts;
    let range = if let Some(level) = facts
        .text_setting("log-level")
        .filter(|level| level.value.eq_ignore_ascii_case("debug"))
    {
        level.range
    } else if let Some(debug) = facts.bool_setting("debug").filter(|debug| debug.value) {
        debug.range
    } else if !ctx.config_known()
        && let Some(debug) = facts
            .info
            .as_ref()
            .and_then(|info| info.debug.as_ref())
            .filter(|debug| debug.value)
    {
        debug.range
    } else {
        return;
    };
    out.push(
        ctx.diagnostic(
            DaemonDebugLogging::META,
            range,
            "the daemon logs at debug level: request details, container environments included",
        )
        .with_fix(Fix::display_only(
            "set `\"log-level\": \"info\"` and remove `debug`",
        )),
    );
}
