//! `missing-healthcheck`: the final image declares no `HEALTHCHECK`, or a container runs without
//! a health check.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::image::{ImageOrigin, image_origin};
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
    /// `HEALTHCHECK`, and so is a service that runs the `image:` another service builds; for a
    /// pulled image the check may come from the image, which cannot be seen here, so the
    /// message says so. One-shot `docker run --rm` jobs are not reported. In `docker inspect`
    /// output `Config.Healthcheck` already includes the image's check (the engine merges it
    /// in), so a container without one has none at all.
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
        fix: DisplayOnly,
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
    // The image's check is merged into this configuration (inspect output): none is none.
    if spec.image_settings_merged {
        out.push(
            ctx.diagnostic(
                MissingHealthcheck::META,
                spec.anchor("healthcheck"),
                "no health check: neither the container nor its image defines one, so failures go unnoticed",
            )
            .with_fix(fix()),
        );
        return;
    }
    // The Dockerfile of an image built here (by this service or by the one that builds the
    // `image:` this service runs) says whether the image has a check; a pulled image may have
    // one that cannot be seen from here.
    let config = match image_origin(ctx) {
        ImageOrigin::Built { config, .. } => config,
        ImageOrigin::Pulled => None,
    };
    let message = match config {
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
    // For an image this service builds, at `build:`, where the Dockerfile that lacks one is
    // named.
    let range = match (config, spec.build) {
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
    use crate::rules::test::{compose_findings, compose_lines, lines};

    const RULE: &cofferdam_diagnostics::RuleMeta = MissingHealthcheck::META;

    #[test]
    fn containers_without_a_check_or_with_it_disabled() {
        let text = "x-quiet: &quiet
  healthcheck:
    disable: true
services:
  a:
    image: x:1
  b:
    image: x:1
    healthcheck:
      test: [\"NONE\"]
  c:
    <<: *quiet
    image: x:1
  d:
    image: x:1
    healthcheck:
      test: [\"CMD\", \"/healthz\"]
  e:
    image: x:1
    healthcheck:
      interval: 10s
  f:
    image: x:1
    healthcheck:
      test: [\"CMD-SHELL\", \"curl -f http://localhost/\"]
      disable: false
";
        assert_eq!(compose_lines(RULE, text), [3, 5, 10]);
    }

    #[test]
    fn built_images_are_judged_by_their_dockerfile() {
        let compose = "services:
  checked:
    build: ./checked
  unchecked:
    build:
      context: ./unchecked
    image: shop/unchecked:1
  none:
    build: ./none
  runner:
    image: shop/unchecked:1
  unread:
    build: ./missing
";
        let found = compose_findings(
            RULE,
            &[
                ("compose.yaml", compose),
                (
                    "checked/Dockerfile",
                    "FROM a:1\nHEALTHCHECK CMD [\"/app\", \"health\"]\n",
                ),
                ("unchecked/Dockerfile", "FROM a:1\nUSER 10001\n"),
                ("none/Dockerfile", "FROM a:1\nHEALTHCHECK NONE\n"),
            ],
        );
        let summary: Vec<(u32, &str)> = found
            .iter()
            .map(|(_, line, message)| (*line, message.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    5,
                    "no health check here or in `unchecked/Dockerfile`: failures of the application go unnoticed"
                ),
                (
                    9,
                    "no health check: `none/Dockerfile` disables the image's with `HEALTHCHECK NONE`"
                ),
                (
                    10,
                    "no health check here or in `unchecked/Dockerfile`: failures of the application go unnoticed"
                ),
                (
                    12,
                    "no `healthcheck:` is set (unless the image defines one): failures go unnoticed"
                ),
            ]
        );
    }

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
