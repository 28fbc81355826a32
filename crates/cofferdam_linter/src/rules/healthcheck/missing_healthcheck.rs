//! `missing-healthcheck`: the final image declares no `HEALTHCHECK`, or a container runs without
//! a health check.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::{ContainerContext, DockerfileContext};

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
    /// For containers (compose services, `docker run` lines), it checks for a `healthcheck:` /
    /// `--health-cmd`, and reports one that is switched off (`disable: true`, `test: ["NONE"]`,
    /// `--no-healthcheck`) at the switch. A service built here is satisfied by its Dockerfile's
    /// `HEALTHCHECK`; for a pulled image the check may come from the image, which cannot be seen
    /// here, so the message says so. One-shot `docker run --rm` jobs are not reported.
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
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:1.4
    ///     healthcheck:
    ///       disable: true
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
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:1.4
    ///     healthcheck:
    ///       test: ["CMD", "/app/healthz"]
    ///       interval: 30s
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
        inputs: [Dockerfile, Compose, RunLine, Inspect, ApiRequest],
        fix: Always,
        aliases: [Hadolint "DL3057", Trivy "DS-0026", Kics "b03a748a-542d-44f4-bb86-9199ab4fd2d5", Kics "698ed579-b239-4f8f-a388-baa4bcb13ef8", Cis "4.6", Cis "5.26"],
    }
}

/// The container check: a service or `docker run` without a health check, or with it disabled.
pub(crate) fn check_container(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    // A one-shot job (`docker run --rm`) is not a service to keep healthy.
    if spec.one_shot {
        return;
    }
    let fix = || {
        Fix::display_only(ctx.spelled(
            "add `healthcheck: {test: [\"CMD\", \"/app/healthz\"], interval: 30s}` that probes the application",
            "add `--health-cmd` with a command that probes the application",
        ))
    };
    if let Some(check) = &spec.healthcheck {
        if check.value.disabled {
            out.push(
                ctx.diagnostic(
                    MissingHealthcheck::META,
                    check.range,
                    "the health check is disabled: failures of the application go unnoticed",
                )
                .with_fix(fix()),
            );
        }
        return;
    }
    let message = match &spec.image_config {
        Some(config) if config.healthcheck => return,
        Some(config) if config.healthcheck_disabled => format!(
            "no health check: `{}` disables the image's with `HEALTHCHECK NONE`",
            config.described_in
        ),
        Some(config) => format!(
            "no health check here or in `{}`: failures of the application go unnoticed",
            config.described_in
        ),
        None => ctx
            .spelled(
                "no `healthcheck:` is set (unless the image defines one): failures go unnoticed",
                "no `--health-cmd` is set (unless the image defines one): failures go unnoticed",
            )
            .to_owned(),
    };
    // For an image built here, at `build:`, where the Dockerfile that lacks one is named.
    let range = match (&spec.image_config, spec.build) {
        (Some(_), Some(build)) => build,
        _ => spec.anchor("healthcheck"),
    };
    out.push(
        ctx.diagnostic(MissingHealthcheck::META, range, message)
            .with_fix(fix()),
    );
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
