//! `secret-in-build-arg`: an `ARG` whose name says it carries a secret into the build.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::secrets::detect::{detect_value, is_secret_name};
use crate::syntax::dockerfile::InstructionKind;

declare_rule! {
    /// ## What it does
    /// Checks `ARG` instructions (global or in a stage) whose name marks a secret
    /// (`NPM_TOKEN`, `GITHUB_TOKEN`, `*_PASSWORD`, …). Defaults that are themselves
    /// credential-shaped are reported by `hardcoded-secret` instead.
    ///
    /// ## Why is this bad?
    /// Build arguments are not secret: their values are recorded in the image history of
    /// every `RUN` that uses them (`docker history --no-trunc` shows them) and in build caches
    /// and logs. BuildKit secret mounts exist for exactly this.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the build command must pass `--secret id=…` instead of `--build-arg`.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/secrets/>
    /// - <https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/>
    pub struct SecretInBuildArg {
        code: "SEC003",
        name: "secret-in-build-arg",
        category: Secrets,
        severity: Medium,
        inputs: [Dockerfile],
        fix: Always,
        aliases: [Hadolint "DL3064", Trivy "DS-0031"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for instruction in &ctx.file.instructions {
        let InstructionKind::Arg(pairs) = &instruction.kind else {
            continue;
        };
        for pair in pairs {
            if !is_secret_name(&pair.key.raw)
                || pair
                    .value
                    .as_ref()
                    .is_some_and(|value| detect_value(&value.raw).is_some())
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    SecretInBuildArg::META,
                    pair.range,
                    format!(
                        "build argument `{}` looks like a secret; its value is recorded in the image history",
                        pair.key.raw
                    ),
                )
                .with_fix(Fix::display_only(format!(
                    "use `RUN --mount=type=secret,id={}` and `docker build --secret id={}`",
                    pair.key.raw.to_ascii_lowercase(),
                    pair.key.raw.to_ascii_lowercase()
                ))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SecretInBuildArg;
    use crate::rules::test::lines;

    #[test]
    fn secret_named_args() {
        assert_eq!(
            lines(SecretInBuildArg::META, "ARG GITHUB_TOKEN\nFROM a:1\n"),
            [1]
        );
        assert_eq!(
            lines(SecretInBuildArg::META, "FROM a:1\nARG DB_PASSWORD=x\n"),
            [2]
        );
        assert!(lines(SecretInBuildArg::META, "FROM a:1\nARG VERSION=1\n").is_empty());
    }
}
