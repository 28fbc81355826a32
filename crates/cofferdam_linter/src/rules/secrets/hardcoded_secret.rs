//! `hardcoded-secret`: a credential-shaped value written into a Dockerfile.

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, TextRange, declare_rule};

use crate::rules::secrets::detect::SecretKind;
use crate::rules::secrets::{dotenv_reads, literal_fallback};
use crate::rules::{ContainerContext, DockerfileContext};

declare_rule! {
    /// ## What it does
    /// Checks the whole Dockerfile (instructions, heredocs, comments) for values shaped like
    /// real credentials: cloud access keys, GitHub/GitLab/Slack/Stripe/npm tokens, private keys,
    /// JSON Web Tokens and connection strings with an inline password. The value is never
    /// printed.
    ///
    /// For containers it checks every environment value as written: compose `environment:`
    /// (map and list forms, inherited through merge keys) and `docker run -e`; and everything
    /// else written for the container — the rest of a compose service's block (labels,
    /// `command:` and `entrypoint:` arguments, health-check commands, build args) or of a
    /// `docker run` command (`--label`, the arguments after the image) — where a credential is
    /// as readable to anyone with the file and, for labels, to anyone who can `docker inspect`. Comments in a compose file are not
    /// reported (they reach no container), but are masked like every credential-shaped value. A value that
    /// references a variable (`postgres://app:${DB_PW}@db`) is not hardcoded and is not
    /// reported, unless the reference falls back to a literal credential
    /// (`${DB_PW:-hunter2}`), which is used whenever the variable is unset. Credentials in env
    /// files are reported in the file at medium severity, since a file kept out of version
    /// control is a legitimate way to deliver them: the entries of `env_file:` /
    /// `--env-file` files, and the entries of the project's `.env` that `environment:`
    /// references read.
    ///
    /// ## Why is this bad?
    /// A credential in a Dockerfile or a compose file is in the repository's history forever
    /// and, when it is in `ENV`, `ARG`, `LABEL`, `RUN` or a copied heredoc, in every image
    /// layer and in `docker history`: anyone who can pull the image can read it. In a
    /// container's environment it shows in `docker inspect`, is inherited by every process the
    /// container starts, and often ends up in crash reports and debug pages.
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
        fix: DisplayOnly,
        aliases: [Trivy "DS-0031"],
    }
}

/// The container check: credential-shaped text in environment values as written, in the
/// literal fallbacks of references, and in the `.env` entries references read.
/// Whether `at` in `text` is inside a `#` comment (reported for Dockerfiles as text, but a
/// compose comment is not configuration the container receives).
fn is_comment(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..at];
    line.char_indices()
        .any(|(i, c)| c == '#' && (i == 0 || line[..i].ends_with([' ', '\t'])))
}

pub(crate) fn check_container(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for variable in &ctx.spec.environment {
        let Some(value) = &variable.value else {
            continue;
        };
        let name = &variable.name.value;
        // Offsets inside the value map onto the source only when it is written plainly.
        let exact = ctx.text(value.range) == value.value;
        let found = super::detect::find_in_text(&value.value);
        if found.is_empty() {
            // `postgres://app:${DB_PASSWORD:-hunter2}@db/app`: the fallback is hardcoded.
            let fallback = literal_fallback(&value.value);
            if let Some(kind) = fallback.as_deref().and_then(super::detect::detect_value) {
                out.push(finding(
                    ctx,
                    value.range,
                    format!(
                        "{} is hardcoded in the fallback of `{name}`",
                        kind.describe()
                    ),
                ));
            }
            continue;
        }
        for (start, end, kind) in found {
            let range = if exact {
                TextRange::new(
                    value.range.start() + start as u32,
                    value.range.start() + end as u32,
                )
            } else {
                value.range
            };
            if variable.from_env_file {
                out.push(in_env_file(ctx, range, name, "an env file", kind));
            } else {
                out.push(finding(
                    ctx,
                    range,
                    format!(
                        "{} is hardcoded in `{name}` in the container's environment",
                        kind.describe()
                    ),
                ));
            }
        }
    }
    // Credentials anywhere else written for the container: labels, command and entrypoint
    // arguments, health-check commands, build args, URLs in other keys or flags.
    if let Some(block) = ctx.spec.written {
        let text = ctx.text(block);
        let in_environment = |start: u32, end: u32| {
            ctx.spec.environment.iter().any(|variable| {
                variable
                    .value
                    .as_ref()
                    .is_some_and(|value| value.range.start() <= start && end <= value.range.end())
            })
        };
        for (start, end, kind) in super::detect::find_in_text(text) {
            let (start, end) = (block.start() + start as u32, block.start() + end as u32);
            if in_environment(start, end) || is_comment(text, (start - block.start()) as usize) {
                continue;
            }
            out.push(finding(
                ctx,
                TextRange::new(start, end),
                format!(
                    "{} is hardcoded in the container's configuration",
                    kind.describe()
                ),
            ));
        }
    }
    for read in dotenv_reads(ctx) {
        let entry = &read.entry;
        let place = format!("`{}`", read.file.rsplit('/').next().unwrap_or(read.file));
        for (start, end, kind) in super::detect::find_in_text(&entry.value) {
            let range = if read.exact {
                TextRange::new(
                    entry.value_range.start() + start as u32,
                    entry.value_range.start() + end as u32,
                )
            } else {
                entry.value_range
            };
            out.push(in_env_file(ctx, range, &entry.name, &place, kind));
        }
    }
}

fn finding(ctx: &ContainerContext<'_>, range: TextRange, message: String) -> Diagnostic {
    ctx.diagnostic(HardcodedSecret::META, range, message)
        .with_fix(Fix::display_only(ctx.spelled(
            "revoke it; deliver it with compose `secrets:` and read it from a `*_FILE` path",
            "revoke it; deliver it with `--secret`, a mounted file or the platform's secret store",
        )))
}

/// A credential in an env file (`env_file:`, `--env-file`, `.env`): graded medium, because an
/// env file kept out of version control is a legitimate way to deliver it, which cannot be
/// seen from here.
fn in_env_file(
    ctx: &ContainerContext<'_>,
    range: TextRange,
    name: &str,
    place: &str,
    kind: SecretKind,
) -> Diagnostic {
    ctx.diagnostic(
        HardcodedSecret::META,
        range,
        format!("{} is hardcoded in `{name}` in {place}", kind.describe()),
    )
    .with_severity(Severity::Medium)
    .with_fix(Fix::display_only(
        "keep the file out of version control (.gitignore); if it was ever committed, revoke the credential",
    ))
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
    use crate::rules::test::{compose_findings, graded, lines};

    const RULE: &cofferdam_diagnostics::RuleMeta = HardcodedSecret::META;

    #[test]
    fn credentials_in_container_environments() {
        let text = "x-env: &env
  SENTRY_URL: postgres://sentry:hunter2hunter2@db/sentry
services:
  a:
    image: x:1
    environment:
      <<: *env
      DATABASE_URL: postgres://app:hunter2hunter2@db/app
      REPLICA_URL: postgres://app:${DB_PASSWORD}@replica/app
      FALLBACK_URL: postgres://app:${DB_PASSWORD:-hunter2hunter2}@db/app
      CACHE_URL: redis://cache:6379/0
      DB_PASSWORD_FILE: /run/secrets/db
  b:
    image: x:1
    environment:
      - AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
      - PLACEHOLDER_URL=postgres://app:<password>@db/app
";
        assert_eq!(
            graded(RULE, text),
            [
                (2, "critical"),
                (8, "critical"),
                (10, "critical"),
                (16, "critical")
            ]
        );
    }

    #[test]
    fn credentials_in_env_files_are_reported_there() {
        let compose = "services:
  api:
    image: x:1
    env_file: ./ci.env
    environment:
      DATABASE_URL: ${DATABASE_URL}
";
        let found = compose_findings(
            RULE,
            &[
                ("compose.yaml", compose),
                (
                    "ci.env",
                    "GITHUB_TOKEN=ghp_EXAMPLE0fake0token0DO0NOT0use0x1y2z3\n",
                ),
                (
                    ".env",
                    "DATABASE_URL=postgres://app:hunter2hunter2@db/app\nUNUSED_URL=postgres://a:b1234567@db/x\n",
                ),
            ],
        );
        let summary: Vec<(&str, u32, &str)> = found
            .iter()
            .map(|(file, line, message)| (file.as_str(), *line, message.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    ".env",
                    1,
                    "a connection string with a password is hardcoded in `DATABASE_URL` in `.env`"
                ),
                (
                    "ci.env",
                    1,
                    "a GitHub token is hardcoded in `GITHUB_TOKEN` in an env file"
                ),
            ]
        );
    }

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
