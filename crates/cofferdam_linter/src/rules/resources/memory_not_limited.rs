//! `memory-not-limited`: no memory limit (`mem_limit`, `deploy.resources.limits.memory`,
//! `--memory`), or one set to unlimited.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::container::Bytes;
use crate::rules::ContainerContext;
use crate::rules::edit::Setting;
use crate::rules::resources::starting_points::MEMORY;

declare_rule! {
    /// ## What it does
    /// Checks that a container has a memory limit: compose `mem_limit` or
    /// `deploy.resources.limits.memory`, `docker run --memory`, `HostConfig.Memory`. A missing
    /// limit is reported at the deepest key on the way to `deploy.resources.limits` that
    /// exists (`limits:`, `resources:`, `deploy:`), else at the service; a limit of `-1` or `0`
    /// means unlimited and is reported at its value. A reservation
    /// (`deploy.resources.reservations.memory`) is not a limit.
    ///
    /// ## Why is this bad?
    /// Without a limit, one container with a leak, a cache that never stops growing or an
    /// attacker's allocation loop takes memory from every other process on the host until the
    /// kernel's OOM killer picks a victim, which may be another service, the container
    /// runtime or sshd. A limit confines the damage to the container that misbehaves.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     deploy:
    ///       resources:
    ///         limits:
    ///           cpus: "1.0"
    ///           pids: 200
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     deploy:
    ///       resources:
    ///         limits:
    ///           cpus: "1.0"
    ///           memory: 512m
    ///           pids: 200
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: sets `mem_limit: 512m` (`--memory 512m` before a run line's image), or
    /// replaces an unlimited value where it is written — a starting point, the same one
    /// `harden-run` uses. The right limit comes from measuring the workload under load
    /// (`docker stats`); too low a limit gets it OOM-killed, so adjust the value before
    /// shipping.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/containers/resource_constraints/#memory>
    /// - <https://docs.docker.com/reference/compose-file/deploy/#resources>
    /// - CIS Docker Benchmark 5.10
    pub struct MemoryNotLimited {
        code: "RES001",
        name: "memory-not-limited",
        category: Resources,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Kics "bb9ac4f7-e13b-423d-a010-c74a1bfbe492", Cis "5.10"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let (range, message) = match &ctx.spec.limits.memory {
        Some(memory) if memory.value.is_unlimited() => (
            memory.range,
            "the memory limit is set to unlimited: the container can exhaust the host's memory",
        ),
        Some(memory) if matches!(memory.value, Bytes::Limited(_)) => return,
        None if ctx
            .spec
            .set_at_deploy_time(&["mem_limit", "deploy.resources.limits.memory"]) =>
        {
            return;
        }
        _ => (
            ctx.spec.anchor("deploy.resources.limits.memory"),
            "no memory limit: the container can exhaust the host's memory",
        ),
    };
    let description = ctx.spelled(
        "set `deploy.resources.limits.memory` (or `mem_limit`) to what the workload needs; 512m is a starting point",
        "add `--memory <limit>`, sized to what the workload needs; 512m is a starting point",
    );
    let edits = ctx.set_scalar(
        Setting::new("mem_limit", MEMORY, &format!("--memory {MEMORY}")),
        ctx.spec.limits.memory.as_ref().map(|memory| memory.range),
        |other| {
            other
                .limits
                .memory
                .as_ref()
                .is_none_or(|memory| memory.value.is_unlimited())
        },
    );
    let fix = Fix::unsafe_or_display_only(description, edits);
    out.push(
        ctx.diagnostic(MemoryNotLimited::META, range, message)
            .with_fix(fix),
    );
}

#[cfg(test)]
mod tests {
    use super::MemoryNotLimited;
    use crate::rules::test::compose_lines;

    #[test]
    fn missing_points_at_the_deepest_existing_key() {
        let rule = MemoryNotLimited::META;
        assert_eq!(
            compose_lines(rule, "services:\n  a:\n    image: x:1\n"),
            [2]
        );
        assert_eq!(
            compose_lines(rule, "services:\n  a:\n    deploy:\n      replicas: 2\n"),
            [3]
        );
        assert_eq!(
            compose_lines(
                rule,
                "services:\n  a:\n    deploy:\n      resources:\n        reservations: {memory: 1g}\n"
            ),
            [4]
        );
        assert_eq!(
            compose_lines(
                rule,
                "services:\n  a:\n    deploy:\n      resources:\n        limits:\n          cpus: '1'\n"
            ),
            [5]
        );
    }

    #[test]
    fn service_keys_and_deploy_limits_both_count() {
        let rule = MemoryNotLimited::META;
        let text = "services:\n  a:\n    mem_limit: 512m\n  b:\n    deploy:\n      resources:\n        limits:\n          memory: 1g\n  c:\n    mem_limit: -1\n  d:\n    mem_limit: 0\n";
        assert_eq!(compose_lines(rule, text), [10, 12]);
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-limits: &limits\n  deploy:\n    resources:\n      limits:\n        cpus: '0.5'\nx-mem: &mem\n  mem_limit: 256m\nservices:\n  a:\n    <<: *limits\n  b:\n    <<: *mem\n";
        assert_eq!(compose_lines(MemoryNotLimited::META, text), [4]);
    }
}
