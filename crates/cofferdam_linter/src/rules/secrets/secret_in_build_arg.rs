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
    /// Display-only: a secret mount changes how the build is started too (`--secret` instead of
    /// `--build-arg`, in every script and CI job that builds the image), which is outside the
    /// Dockerfile, and the `RUN` steps that read the argument have to be found and changed.
    ///
    /// The suggestion names the exact forms for the argument, with the secret id in lower case:
    /// `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN …` on each step that needs it, which
    /// sets `NPM_TOKEN` for that step only (the `env=` option needs Dockerfile syntax 1.10 or
    /// later, e.g. `# syntax=docker/dockerfile:1`), and
    /// `docker build --secret id=npm_token,env=NPM_TOKEN .`, which reads the value from the
    /// builder's own `NPM_TOKEN` environment variable. It never repeats a default value.
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
        fix: DisplayOnly,
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
                    "pass it as a build secret to the steps that need it: {}",
                    build_secret_mount(&pair.key.raw)
                ))),
            );
        }
    }
}

/// The secret mount that passes `name` to a build step instead of an `ARG` or `ENV` (its `env=`
/// option needs Dockerfile syntax 1.10+), with the build flag that reads the value from the
/// builder's environment variable of the same name. Only the name appears, never a value.
pub(crate) fn build_secret_mount(name: &str) -> String {
    let id = name.to_ascii_lowercase();
    format!(
        "`RUN --mount=type=secret,id={id},env={name} …` (Dockerfile syntax 1.10+) with `docker build --secret id={id},env={name}`"
    )
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::Applicability;

    use super::SecretInBuildArg;
    use crate::rules::test::{lines, lint};

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

    #[test]
    fn suggests_the_exact_secret_mount_without_the_value() {
        let found = lint(
            SecretInBuildArg::META,
            "FROM a:1\nARG DB_PASSWORD=hunter2x\nRUN ./migrate\n",
        );
        assert_eq!(found.len(), 1);
        let fix = found[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, Applicability::DisplayOnly);
        assert_eq!(
            fix.description,
            "pass it as a build secret to the steps that need it: `RUN --mount=type=secret,id=db_password,env=DB_PASSWORD …` (Dockerfile syntax 1.10+) with `docker build --secret id=db_password,env=DB_PASSWORD`"
        );
        for text in [&found[0].message, &fix.description] {
            assert!(!text.contains("hunter2x"), "{text}");
        }
    }
}
