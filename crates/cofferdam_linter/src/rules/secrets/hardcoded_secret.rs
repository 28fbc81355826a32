//! `hardcoded-secret`: a credential-shaped value written into a Dockerfile.

use cofferdam_diagnostics::{Diagnostic, Fix, TextRange, declare_rule};

use crate::rules::{ContainerContext, DockerfileContext};

declare_rule! {
    /// ## What it does
    /// Checks the whole Dockerfile (instructions, heredocs, comments) for values shaped like
    /// real credentials: cloud access keys, GitHub/GitLab/Slack/Stripe/npm tokens, private keys,
    /// JSON Web Tokens and connection strings with an inline password. The value is never
    /// printed.
    ///
    /// For containers it checks every environment value as written (compose `environment:`,
    /// `docker run -e`, and the entries of `env_file:` / `--env-file` files, where the finding
    /// points into that file). A value that references a variable (`postgres://app:${DB_PW}@db`)
    /// is not hardcoded and is not reported.
    ///
    /// ## Why is this bad?
    /// A credential in a Dockerfile is in the repository's history forever and, when it is in
    /// `ENV`, `ARG`, `LABEL`, `RUN` or a copied heredoc, in every image layer and in
    /// `docker history`: anyone who can pull the image can read it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DATABASE_URL=postgres://app:hunter2hunter2@db/app
    /// ```
    ///
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:1.4
    ///     environment:
    ///       DATABASE_URL: postgres://app:hunter2hunter2@db/app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN --mount=type=secret,id=db_url,env=DATABASE_URL ./migrate
    /// ```
    ///
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:1.4
    ///     environment:
    ///       DATABASE_URL_FILE: /run/secrets/db_url
    ///     secrets: [db_url]
    /// secrets:
    ///   db_url:
    ///     file: ./db_url.txt
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the secret must be revoked and delivered at runtime (compose `secrets:`,
    /// an orchestrator secret) or at build time with `RUN --mount=type=secret`.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/secrets/>
    pub struct HardcodedSecret {
        code: "SEC001",
        name: "hardcoded-secret",
        category: Secrets,
        severity: Critical,
        inputs: [Dockerfile, Compose, RunLine, Inspect, ApiRequest],
        fix: Always,
        aliases: [Trivy "DS-0031"],
    }
}

/// The container check: credential-shaped text in environment values as written.
pub(crate) fn check_container(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for variable in &ctx.spec.environment {
        let Some(value) = &variable.value else {
            continue;
        };
        // Offsets inside the value map onto the source only when it is written plainly.
        let exact = ctx.text(value.range) == value.value;
        for (start, end, kind) in super::detect::find_in_text(&value.value) {
            let range = if exact {
                TextRange::new(
                    value.range.start() + start as u32,
                    value.range.start() + end as u32,
                )
            } else {
                value.range
            };
            let place = if variable.from_env_file {
                "in an env file"
            } else {
                "in the container's environment"
            };
            out.push(
                ctx.diagnostic(
                    HardcodedSecret::META,
                    range,
                    format!("{} is hardcoded in `{}` {place}", kind.describe(), variable.name.value),
                )
                .with_fix(Fix::display_only(ctx.spelled(
                    "revoke it; deliver it with compose `secrets:` and read it from a `*_FILE` path",
                    "revoke it; deliver it with `--secret`, a mounted file or the platform's secret store",
                ))),
            );
        }
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for &(start, end, kind) in ctx.secret_spans() {
        let range = TextRange::from_usize(start, end);
        let place = ctx
            .file
            .instructions
            .iter()
            .find(|instruction| instruction.range.contains_range(range))
            .map_or_else(
                || "a comment".to_owned(),
                |instruction| {
                    let keyword = instruction.keyword.as_str();
                    let article = if keyword.starts_with(['A', 'E', 'O']) {
                        "an"
                    } else {
                        "a"
                    };
                    format!("{article} `{keyword}` instruction")
                },
            );
        out.push(
            Diagnostic::new(
                HardcodedSecret::META,
                range,
                format!("{} is hardcoded in {place}", kind.describe()),
            )
            .with_fix(Fix::display_only(
                "revoke it, then pass it at build time with `RUN --mount=type=secret` or at runtime as a secret",
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::HardcodedSecret;
    use crate::rules::test::lines;

    #[test]
    fn finds_credentials() {
        assert_eq!(
            lines(
                HardcodedSecret::META,
                "FROM a:1\nENV K=AKIAIOSFODNN7EXAMPLE\n"
            ),
            [2]
        );
        assert_eq!(
            lines(
                HardcodedSecret::META,
                "FROM a:1\nRUN curl -H 'Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789' x\n"
            ),
            [2]
        );
        assert!(
            lines(
                HardcodedSecret::META,
                "FROM a:1\nENV URL=postgres://db/app\n"
            )
            .is_empty()
        );
    }
}
