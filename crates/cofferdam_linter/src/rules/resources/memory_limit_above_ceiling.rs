//! `memory-limit-above-ceiling`: a memory limit larger than the team's configured
//! `memory-ceiling`.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::container::Bytes;
use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks each container's memory limit (`mem_limit`, `deploy.resources.limits.memory`,
    /// `--memory`, `HostConfig.Memory`) against the `memory-ceiling` setting of
    /// `cofferdam.toml`, and reports, at the limit, one that is larger. Without a configured
    /// ceiling the rule reports nothing. A missing or unlimited limit is
    /// `memory-not-limited`'s finding, and a limit chosen at deploy time (`${MEM}`) is not
    /// known here.
    ///
    /// With this setting:
    ///
    /// ```toml
    /// [settings]
    /// memory-ceiling = "2g"
    /// ```
    ///
    /// ## Why is this bad?
    /// A limit only protects the host and its neighbours when it is smaller than what they can
    /// spare. `mem_limit: 64g` on a 16 GiB host is no limit at all: a leak or a
    /// decompression bomb still takes the host into swap and the kernel's OOM killer picks a
    /// victim among every container. A ceiling per path lets a platform team state what one
    /// container may take and catch a typo (`20g` for `2g`) before it ships.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:3.1
    ///     mem_limit: 16g
    /// ```
    ///
    /// ```sh
    /// docker run -d --memory 8g example/worker:3.1
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:3.1
    ///     mem_limit: 1536m
    /// ```
    ///
    /// ```sh
    /// docker run -d --memory 2g example/worker:3.1
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: a lower limit can make a workload that really needs the memory die with
    /// an out-of-memory kill; either size it down after measuring, or raise the ceiling for
    /// that path with an `[[overrides]]` entry.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/containers/resource_constraints/#memory>
    /// - <https://docs.docker.com/reference/compose-file/deploy/#resources>
    /// - CIS Docker Benchmark 5.10
    pub struct MemoryLimitAboveCeiling {
        code: "RES006",
        name: "memory-limit-above-ceiling",
        category: Resources,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(ceiling) = ctx.settings.memory_ceiling else {
        return;
    };
    let Some(memory) = &ctx.spec.limits.memory else {
        return;
    };
    let Bytes::Limited(bytes) = memory.value else {
        return;
    };
    if bytes == 0 || bytes <= ceiling {
        return;
    }
    let written = ctx.text(memory.range).trim().trim_matches(['"', '\'']);
    if written.contains('$') {
        return;
    }
    let ceiling = human_size(ceiling);
    out.push(
        ctx.diagnostic(
            MemoryLimitAboveCeiling::META,
            memory.range,
            format!("the memory limit `{written}` is above the configured ceiling of {ceiling}"),
        )
        .with_fix(Fix::display_only(format!(
            "lower the limit to at most {ceiling}, or raise `memory-ceiling` for this path in \
             cofferdam.toml"
        ))),
    );
}

/// `2147483648` → `2g`: the largest unit that divides the size evenly.
fn human_size(bytes: u64) -> String {
    for (shift, unit) in [(40, "t"), (30, "g"), (20, "m"), (10, "k")] {
        if bytes.is_multiple_of(1 << shift) {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::{MemoryLimitAboveCeiling, human_size};
    use crate::Settings;
    use crate::rules::test::compose_lines_in;

    #[test]
    fn only_limits_above_a_configured_ceiling() {
        let text = "services:\n  a:\n    mem_limit: 4g\n  b:\n    mem_limit: 2048m\n  c:\n    deploy:\n      resources:\n        limits:\n          memory: 3G\n  d:\n    mem_limit: -1\n  e:\n    image: x:1\n";
        let rule = MemoryLimitAboveCeiling::META;
        assert!(compose_lines_in(rule, text, Settings::default()).is_empty());
        let mut settings = Settings::default();
        settings.memory_ceiling = Some(2 << 30);
        assert_eq!(compose_lines_in(rule, text, settings), [3, 10]);
    }

    #[test]
    fn sizes_read_in_the_largest_even_unit() {
        assert_eq!(human_size(2 << 30), "2g");
        assert_eq!(human_size(1536 << 20), "1536m");
        assert_eq!(human_size(1000), "1000 bytes");
    }
}
