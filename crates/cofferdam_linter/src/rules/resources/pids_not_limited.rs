//! `pids-not-limited`: no process limit (`pids_limit`, `deploy.resources.limits.pids`,
//! `--pids-limit`), or one set to unlimited.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::ContainerContext;
use crate::rules::edit::Setting;
use crate::rules::resources::starting_points::PIDS;

declare_rule! {
    /// ## What it does
    /// Checks that a container has a process limit: compose `pids_limit` or
    /// `deploy.resources.limits.pids`, `docker run --pids-limit`, `HostConfig.PidsLimit`. A
    /// missing limit is reported at the deepest key on the way to `deploy.resources.limits`
    /// that exists, else at the service; `-1` and `0` mean unlimited and are reported at the
    /// value.
    ///
    /// ## Why is this bad?
    /// Process ids are a host-wide resource. A fork bomb, or a server that spawns a thread per
    /// connection under attack, exhausts the host's pid table, and then nothing on the host
    /// (including the tools an operator would use to stop it) can start a process. A limit of
    /// a few hundred is enough for most services.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     mem_limit: 512m
    ///     cpus: 1
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     mem_limit: 512m
    ///     cpus: 1
    ///     pids_limit: 200
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: sets `pids_limit: 256` (`--pids-limit 256` before a run line's image), or
    /// replaces an unlimited value where it is written — a starting point, the same one
    /// `harden-run` uses. A workload that forks many workers needs a higher limit; count its
    /// processes and threads under load (`docker stats` shows PIDS).
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#pids-limit>
    /// - <https://docs.kernel.org/admin-guide/cgroup-v2.html#pid>
    /// - CIS Docker Benchmark 5.29
    pub struct PidsNotLimited {
        code: "RES003",
        name: "pids-not-limited",
        category: Resources,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Kics "221e0658-cb2a-44e3-b08a-db96a341d6fa", Cis "5.29"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let (range, message) = match &ctx.spec.limits.pids {
        Some(pids) if pids.value > 0 => return,
        None if ctx
            .spec
            .set_at_deploy_time(&["pids_limit", "deploy.resources.limits.pids"]) =>
        {
            return;
        }
        Some(pids) => (
            pids.range,
            "the process limit is set to unlimited: a fork bomb can exhaust the host's pids",
        ),
        None => (
            ctx.spec.anchor("deploy.resources.limits.pids"),
            "no process limit: a fork bomb can exhaust the host's pids",
        ),
    };
    let description = ctx.spelled(
        "set `pids_limit` (or `deploy.resources.limits.pids`); 256 is a starting point to adjust",
        "add `--pids-limit <n>`; 256 is a starting point to adjust",
    );
    let edits = ctx.set_scalar(
        Setting::new("pids_limit", PIDS, &format!("--pids-limit {PIDS}")),
        ctx.spec.limits.pids.as_ref().map(|pids| pids.range),
        |other| {
            other
                .limits
                .pids
                .as_ref()
                .is_none_or(|pids| pids.value <= 0)
        },
    );
    let fix = Fix::unsafe_or_display_only(description, edits);
    out.push(
        ctx.diagnostic(PidsNotLimited::META, range, message)
            .with_fix(fix),
    );
}

#[cfg(test)]
mod tests {
    use super::PidsNotLimited;
    use crate::rules::test::compose_lines;

    #[test]
    fn unlimited_values_are_reported_at_the_value() {
        let rule = PidsNotLimited::META;
        let text = "services:\n  a:\n    pids_limit: 100\n  b:\n    pids_limit: -1\n  c:\n    pids_limit: 0\n  d:\n    deploy:\n      resources:\n        limits:\n          pids: 50\n";
        assert_eq!(compose_lines(rule, text), [5, 7]);
    }

    #[test]
    fn missing_points_at_the_deepest_existing_key() {
        let rule = PidsNotLimited::META;
        assert_eq!(compose_lines(rule, "services:\n  a:\n    cpus: 1\n"), [2]);
        assert_eq!(
            compose_lines(
                rule,
                "services:\n  a:\n    deploy:\n      resources:\n        limits: {memory: 1g}\n"
            ),
            [5]
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-p: &p\n  pids_limit: -1\nx-ok: &ok\n  pids_limit: 64\nservices:\n  a:\n    <<: *p\n  b:\n    <<: *ok\n";
        assert_eq!(compose_lines(PidsNotLimited::META, text), [2]);
    }
}
