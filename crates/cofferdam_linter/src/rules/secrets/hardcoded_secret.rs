//! `hardcoded-secret`: a credential-shaped value written into a Dockerfile.

use cofferdam_diagnostics::{Diagnostic, Fix, TextRange, declare_rule};

use crate::rules::DockerfileContext;

declare_rule! {
    /// ## What it does
    /// Checks the whole Dockerfile (instructions, heredocs, comments) for values shaped like
    /// real credentials: cloud access keys, GitHub/GitLab/Slack/Stripe/npm tokens, private keys,
    /// JSON Web Tokens and connection strings with an inline password. The value is never
    /// printed.
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
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN --mount=type=secret,id=db_url,env=DATABASE_URL ./migrate
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
        inputs: [Dockerfile],
        fix: Always,
        aliases: [Trivy "DS-0031"],
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
