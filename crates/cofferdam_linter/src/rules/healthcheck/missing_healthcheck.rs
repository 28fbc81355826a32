//! `missing-healthcheck`: the final image declares no `HEALTHCHECK`.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;

declare_rule! {
    /// ## What it does
    /// Checks that the final stage, or a stage it is built `FROM`, has a `HEALTHCHECK`. The
    /// finding points at the final `FROM`. `HEALTHCHECK NONE` counts as a decision and is not
    /// reported: it is how an image says that health is checked elsewhere (for example by
    /// Kubernetes probes, which ignore `HEALTHCHECK`). `FROM scratch` images are not exempt:
    /// an exec-form check such as `HEALTHCHECK CMD ["/app", "health"]` needs no shell. A
    /// health check inherited from the base image cannot be seen from the Dockerfile; write
    /// it out again to silence the finding.
    ///
    /// ## Why is this bad?
    /// Without a health check the engine only knows whether the process is alive, not whether
    /// it answers: a deadlocked or half-started service stays "running", `depends_on:
    /// condition: service_healthy` cannot wait for it, and Swarm keeps routing traffic to it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// USER node
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-alpine
    /// USER node
    /// HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "healthcheck.js"]
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: only the team knows how to probe the application.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#healthcheck>
    /// - CIS Docker Benchmark 4.6
    pub struct MissingHealthcheck {
        code: "HLT001",
        name: "missing-healthcheck",
        category: Healthcheck,
        severity: Low,
        inputs: [Dockerfile],
        fix: Always,
        aliases: [Hadolint "DL3057", Trivy "DS-0026", Kics "b03a748a-542d-44f4-bb86-9199ab4fd2d5", Cis "4.6"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(stage) = ctx.model.final_stage() else {
        return;
    };
    if ctx.model.has_healthcheck(stage.index) {
        return;
    }
    out.push(
        Diagnostic::new(
            MissingHealthcheck::META,
            stage.from.range,
            "the final image has no HEALTHCHECK",
        )
        .with_fix(Fix::display_only(
            "add `HEALTHCHECK CMD …` that probes the application, or `HEALTHCHECK NONE` if \
             the orchestrator checks health",
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::MissingHealthcheck;
    use crate::rules::test::lines;

    #[test]
    fn flags_the_final_from() {
        let rule = MissingHealthcheck::META;
        assert_eq!(lines(rule, "FROM a:1\nCMD [\"x\"]\n"), [1]);
        assert_eq!(
            lines(rule, "FROM a:1 AS b\nHEALTHCHECK CMD x\nFROM c:1\n"),
            [3]
        );
        assert_eq!(lines(rule, "FROM a:1\nONBUILD HEALTHCHECK CMD x\n"), [1]);
    }

    #[test]
    fn accepts_checks_in_the_chain_and_none() {
        let rule = MissingHealthcheck::META;
        assert!(lines(rule, "FROM a:1\nHEALTHCHECK CMD x\n").is_empty());
        assert!(lines(rule, "FROM a:1\nHEALTHCHECK NONE\n").is_empty());
        assert!(lines(rule, "FROM a:1 AS b\nHEALTHCHECK CMD x\nFROM b\nUSER 1\n").is_empty());
        assert!(lines(rule, "").is_empty());
    }
}
