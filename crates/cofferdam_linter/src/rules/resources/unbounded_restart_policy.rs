//! `unbounded-restart-policy`: a restart policy that restarts a failing container without
//! limit (`always`, `unless-stopped`, `on-failure` without a count) or more often than the
//! configured `on-failure:N`.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::container::RestartPolicy;
use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks a container's restart policy (`restart:`, `deploy.restart_policy`, `--restart`,
    /// `HostConfig.RestartPolicy`) against `on-failure:N`, where N is the configured maximum
    /// (`restart-max-retries`, default 3). Reported, at the policy: `always`,
    /// `unless-stopped`, Swarm's `condition: any` (its default), `on-failure` without a count
    /// or with `0` (which Docker reads as no limit), a count above the maximum, and a policy
    /// Docker does not know.
    ///
    /// Not reported: no policy and `no`. They restart nothing, so they cannot loop; `no` is
    /// the right policy for one-shot jobs (`docker run --rm`, migrations, `compose run`), and
    /// whether a long-running service should come back after a crash is an availability
    /// choice this rule leaves to its owner. When both `restart:` and
    /// `deploy.restart_policy` are set, `restart:` is the one `docker compose up` applies and
    /// the one checked.
    ///
    /// ## Why is this bad?
    /// A container that is restarted forever turns a crash into a loop: an exploit that
    /// crashes the process on a miss (guessing ASLR offsets, a heap race) gets unlimited
    /// tries, a crash loop burns CPU and fills logs on the host, and nobody notices a service
    /// that is always "up". A small retry limit rides out a transient failure and then leaves
    /// the container stopped, where monitoring sees it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     restart: unless-stopped
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     restart: on-failure:3
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: `always` also starts a container again when the Docker daemon restarts,
    /// and `on-failure` does not; a service that must come back after a host reboot needs an
    /// orchestrator or a systemd unit to do that.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/containers/start-containers-automatically/>
    /// - <https://docs.docker.com/reference/compose-file/deploy/#restart_policy>
    /// - CIS Docker Benchmark 5.14
    pub struct UnboundedRestartPolicy {
        code: "RES005",
        name: "unbounded-restart-policy",
        category: Resources,
        severity: Low,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [Cis "5.14"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(restart) = &ctx.spec.restart else {
        return;
    };
    let max = ctx.settings.restart_max_retries;
    let written = ctx.text(restart.range).trim().trim_matches(['"', '\'']);
    let message = match &restart.value {
        RestartPolicy::No => return,
        RestartPolicy::OnFailure(Some(count)) if (1..=max).contains(count) => return,
        RestartPolicy::Always | RestartPolicy::UnlessStopped => {
            format!("restart policy `{written}` restarts a failing container forever")
        }
        RestartPolicy::OnFailure(None | Some(0)) => {
            format!(
                "restart policy `{written}` has no retry limit: a failing container restarts forever"
            )
        }
        RestartPolicy::OnFailure(Some(count)) => {
            format!("restart policy allows {count} restarts, more than the {max} configured")
        }
        // Chosen at deploy time (`restart: ${POLICY}`): nothing to judge.
        RestartPolicy::Invalid(text) if crate::model::container::is_variable(text) => return,
        RestartPolicy::Invalid(text) => {
            format!("restart policy `{text}` is not one Docker knows")
        }
    };
    out.push(
        ctx.diagnostic(UnboundedRestartPolicy::META, restart.range, message)
            .with_fix(Fix::display_only(if ctx.is_compose() {
                format!("use `restart: on-failure:{max}` (`\"no\"` for one-shot jobs)")
            } else {
                format!("use `--restart on-failure:{max}` (or none for one-shot jobs)")
            })),
    );
}

#[cfg(test)]
mod tests {
    use super::UnboundedRestartPolicy;
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn unbounded_policies_and_counts_above_the_maximum() {
        let rule = UnboundedRestartPolicy::META;
        let text = "services:\n  a:\n    restart: always\n  b:\n    restart: unless-stopped\n  c:\n    restart: on-failure\n  d:\n    restart: on-failure:5\n  e:\n    restart: on-failure:3\n  f:\n    restart: \"no\"\n  g:\n    image: x:1\n  h:\n    restart: on-failure:0\n  i:\n    restart: sometimes\n";
        assert_eq!(compose_lines(rule, text), [3, 5, 7, 9, 17, 19]);
    }

    #[test]
    fn deploy_restart_policy_counts_when_restart_is_absent() {
        let rule = UnboundedRestartPolicy::META;
        let text = "services:\n  a:\n    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 10\n  b:\n    deploy:\n      restart_policy:\n        delay: 5s\n  c:\n    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 2\n  d:\n    restart: on-failure:3\n    deploy:\n      restart_policy:\n        condition: any\n";
        assert_eq!(compose_lines(rule, text), [5, 9]);
        let found = compose_findings(rule, &[("compose.yaml", text)]);
        assert_eq!(
            found[0].2,
            "restart policy allows 10 restarts, more than the 3 configured"
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-r: &r\n  restart: always\nservices:\n  a:\n    <<: *r\n";
        assert_eq!(compose_lines(UnboundedRestartPolicy::META, text), [2]);
    }
}
