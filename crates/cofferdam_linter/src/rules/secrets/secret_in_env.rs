//! `secret-in-env`: an `ENV` whose name says it holds a secret, set to a literal or a build
//! argument, so the value ships in the image configuration.

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, TextRange, declare_rule};

use crate::model::container::is_variable;
use crate::rules::secrets::detect::{detect_value, is_placeholder, is_secret_name};
use crate::rules::secrets::secret_in_build_arg::build_secret_mount;
use crate::rules::secrets::{dotenv_reads, literal_fallback};
use crate::rules::{ContainerContext, DockerfileContext};
use crate::syntax::dockerfile::InstructionKind;

declare_rule! {
    /// ## What it does
    /// Checks `ENV` instructions whose variable name marks a secret (`*_PASSWORD`, `*_TOKEN`,
    /// `API_KEY`, `AWS_SECRET_ACCESS_KEY`, …) and whose value is not empty or a placeholder.
    /// Names ending in `_FILE`, `_PATH` or `_URL` point at a secret rather than hold one and
    /// are accepted. Values that are themselves credential-shaped are reported by
    /// `hardcoded-secret` instead.
    ///
    /// For containers it checks `environment:` (map and list forms, inherited through merge
    /// keys) and `docker run -e` values as written: a reference (`${DB_PASSWORD}`) is how a
    /// secret should arrive and is not reported, nor is `*_FILE` with compose `secrets:`, the
    /// recommended remedy. A reference with a literal fallback (`${DB_PASSWORD:-changeme}`)
    /// is reported at medium severity: the fallback is used whenever the deployment forgets
    /// the variable. A secret-named entry with a literal value in an env file is reported at
    /// low severity in that file, which must stay out of version control: the entries of
    /// `env_file:` / `--env-file` files, and the entries of the project's `.env` that a
    /// reference reads (`POSTGRES_PASSWORD: ${PG_PASS}` reads `PG_PASS=…` from `.env`).
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image configuration: `docker inspect` and every
    /// registry that serves the image show them, and every container (and every process it
    /// starts) inherits them. `ENV TOKEN=$TOKEN` copies a build argument into the image just
    /// the same. A literal in a compose file is in the repository's history for good and in
    /// the container's `docker inspect` output; compose `secrets:` mounts the value as a file
    /// under `/run/secrets/` instead, readable only inside the container.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DB_PASSWORD=changeme123
    /// ```
    ///
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       - POSTGRES_PASSWORD=changeme123
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DB_PASSWORD_FILE=/run/secrets/db_password
    /// ```
    ///
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    ///     secrets: [db_password]
    /// secrets:
    ///   db_password:
    ///     environment: DB_PASSWORD
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the application must read the secret from a file or its runtime
    /// environment instead.
    ///
    /// In a Dockerfile the `ENV` has to go, and where the value comes from changes outside the
    /// file. When the container needs it, the suggestion is to provide it when the container
    /// starts, as a secret file (`DB_PASSWORD_FILE=/run/secrets/db_password`) where the image
    /// supports one. When only build steps need it (`ENV TOKEN=$TOKEN` copying a build
    /// argument is usually that), the suggestion names the exact secret mount for the variable,
    /// `RUN --mount=type=secret,id=db_password,env=DB_PASSWORD …` (Dockerfile syntax 1.10 or
    /// later), and the build flag `docker build --secret id=db_password,env=DB_PASSWORD`, which
    /// reads the value from the builder's own environment. Suggestions never repeat the value.
    ///
    /// ## References
    /// - <https://docs.docker.com/compose/how-tos/use-secrets/>
    /// - CIS Docker Benchmark 4.10
    pub struct SecretInEnv {
        code: "SEC002",
        name: "secret-in-env",
        category: Secrets,
        severity: High,
        inputs: [Dockerfile, Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [Hadolint "DL3064", Trivy "DS-0031", Cis "4.10"],
    }
}

/// The container check: secret-named variables set to a literal value, references that fall
/// back to one, and the `.env` entries such variables read.
pub(crate) fn check_container(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for variable in &ctx.spec.environment {
        let Some(value) = &variable.value else {
            continue;
        };
        let name = &variable.name.value;
        if !is_secret_name(name) {
            continue;
        }
        if is_variable(&value.value) {
            // A reference is how a secret should arrive; its literal fallback is not.
            if let Some(fallback) = literal_fallback(&value.value)
                && is_literal_secret(&fallback)
            {
                out.push(
                    ctx.diagnostic(
                        SecretInEnv::META,
                        value.range,
                        format!("`{name}` falls back to a literal secret when its variable is unset"),
                    )
                    .with_severity(Severity::Medium)
                    .with_fix(Fix::display_only(ctx.spelled(
                        &format!("drop the fallback so the deployment must set it (`${{{name}:?}}`), or use compose `secrets:`"),
                        "drop the fallback so the value must come from the environment or a secret file",
                    ))),
                );
            }
            continue;
        }
        if !is_literal_secret(&value.value) {
            continue;
        }
        let diagnostic = if variable.from_env_file {
            in_env_file(ctx, value.range, name, "an env file")
        } else {
            ctx.diagnostic(
                SecretInEnv::META,
                value.range,
                format!("`{name}` is set to a literal secret in the container's environment"),
            )
            .with_fix(Fix::display_only(ctx.spelled(
                &format!("deliver it with compose `secrets:` and set `{name}_FILE: /run/secrets/…` if the image supports it"),
                &format!("pass it from the environment (`-e {name}`) or a secret file, not on the command line"),
            )))
        };
        out.push(diagnostic);
    }
    for read in dotenv_reads(ctx) {
        let entry = &read.entry;
        if (read.read_as_secret || is_secret_name(&entry.name))
            && !is_variable(&entry.value)
            && is_literal_secret(&entry.value)
        {
            let place = format!("`{}`", read.file.rsplit('/').next().unwrap_or(read.file));
            out.push(in_env_file(ctx, entry.value_range, &entry.name, &place));
        }
    }
}

/// A value that is neither a placeholder nor credential-shaped (those are `hardcoded-secret`'s).
fn is_literal_secret(value: &str) -> bool {
    !is_placeholder(value) && detect_value(value).is_none()
}

/// A secret written in an env file (`env_file:`, `--env-file`, `.env`): a legitimate way to
/// deliver it as long as the file stays out of version control, which cannot be seen here.
fn in_env_file(
    ctx: &ContainerContext<'_>,
    range: TextRange,
    name: &str,
    place: &str,
) -> Diagnostic {
    ctx.diagnostic(
        SecretInEnv::META,
        range,
        format!("`{name}` holds a secret in {place}: keep the file out of version control"),
    )
    .with_severity(Severity::Low)
    .with_fix(Fix::display_only(
        "keep env files with secrets out of the repository (.gitignore), or use compose `secrets:`",
    ))
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for stage in &ctx.model.stages {
        for instruction in stage.instructions {
            let InstructionKind::Env(pairs) = &instruction.kind else {
                continue;
            };
            for pair in pairs {
                let Some(value) = &pair.value else {
                    continue;
                };
                let unquoted = value.raw.trim_matches(|c| c == '"' || c == '\'');
                if !is_secret_name(&pair.key.raw) || detect_value(unquoted).is_some() {
                    continue;
                }
                let message = if unquoted.starts_with('$') {
                    format!(
                        "`{}` copies a build argument into the image's environment",
                        pair.key.raw
                    )
                } else if is_placeholder(unquoted) {
                    continue;
                } else {
                    format!(
                        "`{}` stores a secret in the image's environment",
                        pair.key.raw
                    )
                };
                let name = &pair.key.raw;
                let id = name.to_ascii_lowercase();
                let runtime = format!(
                    "provide `{name}` when the container starts (e.g. `{name}_FILE=/run/secrets/{id}`)"
                );
                let build = build_secret_mount(name);
                // A copied build argument is most often needed by the build only.
                let suggestion = if unquoted.starts_with('$') {
                    format!("if only the build needs it, use {build}; else {runtime}")
                } else {
                    format!("{runtime}; if only the build needs it, use {build}")
                };
                out.push(
                    Diagnostic::new(SecretInEnv::META, pair.range, message)
                        .with_fix(Fix::display_only(suggestion)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::Applicability;

    use super::SecretInEnv;
    use crate::rules::test::{compose_findings, graded, lines, lint};

    const RULE: &cofferdam_diagnostics::RuleMeta = SecretInEnv::META;

    #[test]
    fn container_literals_and_fallbacks_in_both_forms() {
        let text = "x-db: &db
  MYSQL_PASSWORD: letmein99
services:
  a:
    image: x:1
    environment:
      POSTGRES_PASSWORD: changeme123
      DB_PASSWORD: ${DB_PASSWORD}
      REDIS_PASSWORD: ${REDIS_PASSWORD:-devpass42}
      API_TOKEN: ${API_TOKEN:?set API_TOKEN}
      POSTGRES_PASSWORD_FILE: /run/secrets/db
      SESSION_SECRET: \"\"
      SMTP_PASSWORD: ${SMTP_PASSWORD:-}
      LOG_LEVEL: debug
  b:
    image: x:1
    environment:
      - MYSQL_ROOT_PASSWORD=letmein99
      - MYSQL_PASSWORD=${ROOT_PW-fallbackpw}
      - MYSQL_USER
      - JWT_SECRET=<secret>
  c:
    image: x:1
    environment:
      <<: *db
      MYSQL_USER: app
";
        assert_eq!(
            graded(RULE, text),
            [
                (2, "high"),
                (7, "high"),
                (9, "medium"),
                (18, "high"),
                (19, "medium")
            ]
        );
    }

    #[test]
    fn env_entries_read_through_references_are_reported_in_the_file() {
        let compose = "services:
  db:
    image: postgres:16.4
    environment:
      POSTGRES_PASSWORD: ${PG}
      DATABASE_URL: postgres://app:${DB_PASSWORD}@db/app
      LOG_LEVEL: ${LOG_LEVEL}
  api:
    image: x:1
    env_file: .env
    environment:
      API_TOKEN: ${API_TOKEN}
  web:
    image: x:1
    environment:
      UNRELATED: ${TAG}
";
        let dotenv =
            "PG=pgsecret99\nDB_PASSWORD=hunter2x\nLOG_LEVEL=debug\nAPI_TOKEN=tok-123456\nTAG=1.4\n";
        let found: Vec<(String, u32, String)> =
            compose_findings(RULE, &[("compose.yaml", compose), (".env", dotenv)]);
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
                    "`PG` holds a secret in `.env`: keep the file out of version control"
                ),
                (
                    ".env",
                    2,
                    "`DB_PASSWORD` holds a secret in an env file: keep the file out of version control"
                ),
                (
                    ".env",
                    2,
                    "`DB_PASSWORD` holds a secret in `.env`: keep the file out of version control"
                ),
                (
                    ".env",
                    4,
                    "`API_TOKEN` holds a secret in an env file: keep the file out of version control"
                ),
            ]
        );
    }

    #[test]
    fn secret_names_with_values() {
        assert_eq!(
            lines(SecretInEnv::META, "FROM a:1\nENV DB_PASSWORD=abc12345\n"),
            [2]
        );
        assert_eq!(
            lines(SecretInEnv::META, "FROM a:1\nARG T\nENV API_TOKEN=$T\n"),
            [3]
        );
        assert!(
            lines(
                SecretInEnv::META,
                "FROM a:1\nENV DB_PASSWORD_FILE=/run/secrets/db\n"
            )
            .is_empty()
        );
        assert!(lines(SecretInEnv::META, "FROM a:1\nENV DB_PASSWORD=\n").is_empty());
        assert!(lines(SecretInEnv::META, "FROM a:1\nENV NODE_ENV=production\n").is_empty());
    }

    #[test]
    fn dockerfile_suggestions_name_the_mount_and_never_the_value() {
        let found = lint(
            RULE,
            "FROM a:1\nENV DB_PASSWORD=abc12345\nARG T\nENV API_TOKEN=\"${T}\"\n",
        );
        let descriptions: Vec<&str> = found
            .iter()
            .map(|diagnostic| diagnostic.fix.as_ref().expect("a fix").description.as_str())
            .collect();
        assert_eq!(
            descriptions,
            [
                "provide `DB_PASSWORD` when the container starts (e.g. `DB_PASSWORD_FILE=/run/secrets/db_password`); if only the build needs it, use `RUN --mount=type=secret,id=db_password,env=DB_PASSWORD …` (Dockerfile syntax 1.10+) with `docker build --secret id=db_password,env=DB_PASSWORD`",
                "if only the build needs it, use `RUN --mount=type=secret,id=api_token,env=API_TOKEN …` (Dockerfile syntax 1.10+) with `docker build --secret id=api_token,env=API_TOKEN`; else provide `API_TOKEN` when the container starts (e.g. `API_TOKEN_FILE=/run/secrets/api_token`)",
            ]
        );
        for diagnostic in &found {
            let fix = diagnostic.fix.as_ref().expect("a fix");
            assert_eq!(fix.applicability, Applicability::DisplayOnly);
            assert!(!diagnostic.message.contains("abc12345"));
            assert!(!fix.description.contains("abc12345"));
        }
    }
}
