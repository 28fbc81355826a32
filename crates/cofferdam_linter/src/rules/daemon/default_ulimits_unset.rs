//! `default-ulimits-unset`: containers inherit the daemon's own resource limits.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks that the daemon sets default ulimits for containers (`default-ulimits` in
    /// daemon.json, `--default-ulimit`).
    ///
    /// ## Why is this bad?
    /// Without them, containers inherit dockerd's limits, which service managers set very high
    /// (`LimitNOFILE=infinity` in Docker's own unit): one container can exhaust file
    /// descriptors or processes for the whole host. A default (for example `nofile` and
    /// `nproc`) bounds every container that does not set its own.
    ///
    /// ## Example
    /// ```json
    /// {"live-restore": true}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"live-restore": true,
    ///  "default-ulimits": {"nofile": {"Name": "nofile", "Soft": 65536, "Hard": 65536}}}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the right numbers depend on the workloads.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/dockerd/#default-ulimit-settings>
    /// - CIS Docker Benchmark 2.8
    pub struct DefaultUlimitsUnset {
        code: "DMN012",
        name: "default-ulimits-unset",
        category: Daemon,
        severity: Info,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.8"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.facts.setting("default-ulimits").is_some() || !ctx.config_known() {
        return;
    }
    let (range, how) = ctx.add_here();
    out.push(
        ctx.diagnostic(
            DefaultUlimitsUnset::META,
            range,
            "no default ulimits: containers inherit the daemon's limits (often unlimited files)",
        )
        .with_fix(Fix::display_only(format!(
            "{how} `\"default-ulimits\": {{\"nofile\": {{\"Name\": \"nofile\", \"Soft\": 65536, \"Hard\": 65536}}}}`"
        ))),
    );
}
