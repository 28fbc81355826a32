//! `secret-in-env`: an `ENV` whose name says it holds a secret, set to a literal or a build
//! argument, so the value ships in the image configuration.

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, declare_rule};

use crate::rules::secrets::detect::{detect_value, is_placeholder, is_secret_name};
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
    /// For containers it checks `environment:` (map and list forms) and `docker run -e` values
    /// as written: a reference (`${DB_PASSWORD}`) is how a secret should arrive and is not
    /// reported, nor is `*_FILE` with compose `secrets:`, the recommended remedy. A secret-named
    /// entry with a literal value in an `env_file:` / `--env-file` file is reported at low
    /// severity in that file: the file must stay out of version control.
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image configuration: `docker inspect` and every
    /// registry that serves the image show them, and every container (and every process it
    /// starts) inherits them. `ENV TOKEN=$TOKEN` copies a build argument into the image just
    /// the same.
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
    /// ## References
    /// - <https://docs.docker.com/compose/how-tos/use-secrets/>
    /// - CIS Docker Benchmark 4.10
    pub struct SecretInEnv {
        code: "SEC002",
        name: "secret-in-env",
        category: Secrets,
        severity: High,
        inputs: [Dockerfile, Compose, RunLine, Inspect, ApiRequest],
        fix: Always,
        aliases: [Hadolint "DL3064", Trivy "DS-0031", Cis "4.10"],
    }
}

/// The container check: secret-named variables set to a literal value.
pub(crate) fn check_container(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for variable in &ctx.spec.environment {
        let Some(value) = &variable.value else {
            continue;
        };
        let name = &variable.name.value;
        if !is_secret_name(name)
            || is_placeholder(&value.value)
            || crate::model::container::is_variable(&value.value)
            || detect_value(&value.value).is_some()
        {
            continue;
        }
        let diagnostic = if variable.from_env_file {
            ctx.diagnostic(
                SecretInEnv::META,
                value.range,
                format!("`{name}` holds a secret in an env file: keep the file out of version control"),
            )
            .with_severity(Severity::Low)
            .with_fix(Fix::display_only(
                "keep env files with secrets out of the repository (.gitignore), or use compose `secrets:`",
            ))
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
                out.push(
                    Diagnostic::new(SecretInEnv::META, pair.range, message).with_fix(
                        Fix::display_only(format!(
                            "provide `{}` at runtime (a secret file, e.g. `{}_FILE=/run/secrets/…`), not in the image",
                            pair.key.raw, pair.key.raw
                        )),
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SecretInEnv;
    use crate::rules::test::lines;

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
}
