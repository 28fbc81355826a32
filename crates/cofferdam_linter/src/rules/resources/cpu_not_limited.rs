//! `cpu-not-limited`: no CPU limit (`cpus`, `deploy.resources.limits.cpus`, `--cpus`, a CFS
//! quota or a cpuset), or one set to zero.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::ContainerContext;
use crate::rules::edit::Setting;
use crate::rules::resources::starting_points::CPUS;

declare_rule! {
    /// ## What it does
    /// Checks that a container's CPU use is bounded: compose `cpus` or
    /// `deploy.resources.limits.cpus`, `docker run --cpus`, or a CFS quota (`cpu_quota`,
    /// `--cpu-quota`) or a set of cores (`cpuset`, `--cpuset-cpus`). `cpu_shares` is only a
    /// weight under contention, not a limit. A missing limit is reported at the deepest key on
    /// the way to `deploy.resources.limits` that exists, else at the service; `cpus: 0` means
    /// unlimited and is reported at its value.
    ///
    /// ## Why is this bad?
    /// An unbounded container can take every core: a busy loop, a crypto-miner planted by an
    /// attacker or a request that triggers pathological work starves the other containers and
    /// the host's own services. A limit keeps the rest of the host responsive.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:1.0
    ///     mem_limit: 512m
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:1.0
    ///     mem_limit: 512m
    ///     cpus: 1.5
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: sets `cpus: 1` (`--cpus 1` before a run line's image), or replaces a zero
    /// value where it is written — a starting point, the same one `harden-run` uses. The right
    /// limit comes from measuring the workload; too low a limit throttles it.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/containers/resource_constraints/#cpu>
    /// - CIS Docker Benchmark 5.11
    pub struct CpuNotLimited {
        code: "RES002",
        name: "cpu-not-limited",
        category: Resources,
        severity: Low,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Kics "6b610c50-99fb-4ef0-a5f3-e312fd945bc3", Cis "5.11"],
    }
}

/// Whether the other CPU setting bounds CPU use: a positive CFS quota or a set of cores. It is
/// kept as written, `cpu_quota: 50000` from compose or `--cpuset-cpus=0,1` from a run line.
fn bounds_cpu(other: &str) -> bool {
    let other = other.trim().trim_start_matches('-');
    let Some(at) = other.find([':', '=']) else {
        return false;
    };
    let (key, value) = (other[..at].replace('-', "_"), other[at + 1..].trim());
    match key.as_str() {
        "cpu_quota" => value.parse::<i64>().is_ok_and(|quota| quota > 0),
        "cpuset" | "cpuset_cpus" => !value.is_empty(),
        _ => false,
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let limits = &ctx.spec.limits;
    let (range, message) = match &limits.cpus {
        Some(cpus) if cpus.value > 0.0 => return,
        Some(cpus) => (
            cpus.range,
            "the CPU limit is 0, which means unlimited: the container can take every core",
        ),
        None if ctx
            .spec
            .set_at_deploy_time(&["cpus", "deploy.resources.limits.cpus"]) =>
        {
            return;
        }
        None if limits
            .cpu_other
            .as_ref()
            .is_some_and(|other| bounds_cpu(&other.value)) =>
        {
            return;
        }
        None => (
            ctx.spec.anchor("deploy.resources.limits.cpus"),
            "no CPU limit: the container can take every core",
        ),
    };
    let description = ctx.spelled(
        "set `deploy.resources.limits.cpus` (or `cpus`) to what the workload needs; one core is a starting point",
        "add `--cpus <limit>`, sized to what the workload needs; one core is a starting point",
    );
    let edits = ctx.set_scalar(
        Setting::new("cpus", CPUS, &format!("--cpus {CPUS}")),
        limits.cpus.as_ref().map(|cpus| cpus.range),
        |other| {
            other
                .limits
                .cpus
                .as_ref()
                .is_none_or(|cpus| cpus.value <= 0.0)
        },
    );
    let fix = Fix::unsafe_or_display_only(description, edits);
    out.push(
        ctx.diagnostic(CpuNotLimited::META, range, message)
            .with_fix(fix),
    );
}

#[cfg(test)]
mod tests {
    use super::{CpuNotLimited, bounds_cpu};
    use crate::rules::test::compose_lines;

    #[test]
    fn compose_and_run_spellings_of_quotas_and_cpusets() {
        assert!(bounds_cpu("cpu_quota: 50000") && bounds_cpu("--cpu-quota=50000"));
        assert!(bounds_cpu("cpuset: 0,1") && bounds_cpu("--cpuset-cpus=0-3"));
        assert!(!bounds_cpu("cpu_shares: 512") && !bounds_cpu("--cpu-quota=-1"));
        assert!(!bounds_cpu("--cpu-period=100000"));
    }

    #[test]
    fn limits_quotas_and_cpusets_count_shares_do_not() {
        let rule = CpuNotLimited::META;
        let text = "services:\n  a:\n    cpus: 0.5\n  b:\n    cpu_quota: 50000\n  c:\n    cpuset: \"0,1\"\n  d:\n    cpu_shares: 512\n  e:\n    cpus: 0\n";
        assert_eq!(compose_lines(rule, text), [8, 11]);
    }

    #[test]
    fn missing_points_at_the_deepest_existing_key() {
        let rule = CpuNotLimited::META;
        let text = "services:\n  a:\n    deploy:\n      resources:\n        limits:\n          memory: 1g\n  b:\n    deploy:\n      resources:\n        limits:\n          cpus: '0.25'\n";
        assert_eq!(compose_lines(rule, text), [5]);
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-cpu: &cpu\n  cpus: 0\nservices:\n  a:\n    <<: *cpu\n";
        assert_eq!(compose_lines(CpuNotLimited::META, text), [2]);
    }
}
