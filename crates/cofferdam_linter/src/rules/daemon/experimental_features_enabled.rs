//! `experimental-features-enabled`: the daemon runs with experimental features.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks that experimental features are off (`"experimental": true`, `--experimental`,
    /// `ExperimentalBuild: true` in `docker info`).
    ///
    /// ## Why is this bad?
    /// Experimental features are not covered by Docker's stability and security guarantees
    /// and change between releases; production hosts should not depend on them.
    ///
    /// ## Example
    /// ```json
    /// {"experimental": true}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"experimental": false}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only.
    ///
    /// ## References
    /// - CIS Docker Benchmark 2.18
    pub struct ExperimentalFeaturesEnabled {
        code: "DMN016",
        name: "experimental-features-enabled",
        category: Daemon,
        severity: Low,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.18"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let facts = ctx.facts;
    let range = match facts.bool_setting("experimental") {
        Some(setting) if setting.value => setting.range,
        Some(_) => return,
        None => match facts
            .info
            .as_ref()
            .and_then(|info| info.experimental.as_ref())
        {
            Some(running) if running.value => running.range,
            _ => return,
        },
    };
    out.push(
        ctx.diagnostic(
            ExperimentalFeaturesEnabled::META,
            range,
            "the daemon runs with experimental features",
        )
        .with_fix(Fix::display_only("remove `\"experimental\": true`")),
    );
}
