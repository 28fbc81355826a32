//! `swap-exceeds-memory`: a memory-limited container may swap more than its memory limit, or
//! without limit (`memswap_limit: -1`).

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, declare_rule};

use crate::model::container::Bytes;
use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks the swap a memory-limited container may use. `memswap_limit` (`--memory-swap`,
    /// `HostConfig.MemorySwap`) is memory plus swap, so the swap allowed is `memswap_limit -
    /// mem_limit`. Reported: `-1` (unlimited swap, medium) and a swap allowance larger than
    /// the memory limit itself (low), at the `memswap_limit` value.
    ///
    /// Not reported: no `memswap_limit` (Docker then allows as much swap as memory, the
    /// boundary of this rule), `memswap_limit` equal to the memory limit (no swap), and
    /// containers without a memory limit, where swap is bounded by nothing anyway and
    /// `memory-not-limited` reports the missing limit.
    ///
    /// ## Why is this bad?
    /// A memory limit is only a limit if the container cannot page past it. With unlimited
    /// or generous swap, a leaking or attacked container keeps running far beyond its limit,
    /// slowly, while its paging saturates the host's disk and slows every other workload;
    /// and whatever was in its memory (keys, tokens) is written to the host's swap device.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     mem_limit: 512m
    ///     memswap_limit: -1
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     mem_limit: 512m
    ///     memswap_limit: 512m
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: a workload that relied on swap is OOM-killed sooner; raise its memory
    /// limit instead if it really needs the room.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/containers/resource_constraints/#--memory-swap-details>
    /// - CIS Docker Benchmark 5.10
    pub struct SwapExceedsMemory {
        code: "RES004",
        name: "swap-exceeds-memory",
        category: Resources,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [],
    }
}

/// `1073741824` → `1g`, `536870912` → `512m`: the largest unit that divides evenly.
fn human(bytes: u64) -> String {
    for (unit, shift) in [("t", 40), ("g", 30), ("m", 20), ("k", 10)] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    format!("{bytes} bytes")
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let limits = &ctx.spec.limits;
    let (Some(memory), Some(swap)) = (&limits.memory, &limits.memory_swap) else {
        return;
    };
    let Bytes::Limited(memory) = memory.value else {
        return;
    };
    if memory == 0 {
        return;
    }
    let (severity, message) = match swap.value {
        Bytes::Unlimited => (
            Severity::Medium,
            ctx.spelled(
                "`memswap_limit: -1` allows unlimited swap on top of the memory limit",
                "`--memory-swap -1` allows unlimited swap on top of the memory limit",
            )
            .to_owned(),
        ),
        // Zero means unset; below the memory limit Docker refuses the container.
        Bytes::Limited(total) if total > memory.saturating_mul(2) => (
            Severity::Low,
            format!(
                "{} swap allowed on top of the {} memory limit: more swap than memory",
                human(total - memory),
                human(memory)
            ),
        ),
        Bytes::Limited(_) => return,
    };
    out.push(
        ctx.diagnostic(SwapExceedsMemory::META, swap.range, message)
            .with_severity(severity)
            .with_fix(Fix::display_only(ctx.spelled(
                "set `memswap_limit` equal to the memory limit (no swap), or at most twice it",
                "set `--memory-swap` equal to `--memory` (no swap), or at most twice it",
            ))),
    );
}

#[cfg(test)]
mod tests {
    use super::{SwapExceedsMemory, human};
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn unlimited_and_larger_than_memory() {
        let rule = SwapExceedsMemory::META;
        let text = "services:\n  a:\n    mem_limit: 512m\n    memswap_limit: -1\n  b:\n    mem_limit: 512m\n    memswap_limit: 2g\n  c:\n    mem_limit: 512m\n    memswap_limit: 1g\n  d:\n    mem_limit: 512m\n    memswap_limit: 512m\n  e:\n    memswap_limit: -1\n  f:\n    mem_limit: 512m\n";
        assert_eq!(compose_lines(rule, text), [4, 7]);
        let found = compose_findings(rule, &[("compose.yaml", text)]);
        assert_eq!(
            found[1].2,
            "1536m swap allowed on top of the 512m memory limit: more swap than memory"
        );
    }

    #[test]
    fn deploy_memory_counts_as_the_limit() {
        let text = "services:\n  a:\n    memswap_limit: 4g\n    deploy:\n      resources:\n        limits:\n          memory: 1g\n";
        assert_eq!(compose_lines(SwapExceedsMemory::META, text), [3]);
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-m: &m\n  mem_limit: 1g\n  memswap_limit: -1\nservices:\n  a:\n    <<: *m\n";
        assert_eq!(compose_lines(SwapExceedsMemory::META, text), [3]);
        assert_eq!(human(3 << 29), "1536m");
    }
}
