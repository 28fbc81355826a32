//! `secret-in-env`: an `ENV` whose name says it holds a secret, set to a literal or a build
//! argument, so the value ships in the image configuration.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::secrets::detect::{detect_value, is_placeholder, is_secret_name};
use crate::syntax::dockerfile::InstructionKind;

declare_rule! {
    /// ## What it does
    /// Checks `ENV` instructions whose variable name marks a secret (`*_PASSWORD`, `*_TOKEN`,
    /// `API_KEY`, `AWS_SECRET_ACCESS_KEY`, …) and whose value is not empty or a placeholder.
    /// Names ending in `_FILE`, `_PATH` or `_URL` point at a secret rather than hold one and
    /// are accepted. Values that are themselves credential-shaped are reported by
    /// `hardcoded-secret` instead.
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
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DB_PASSWORD_FILE=/run/secrets/db_password
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
        inputs: [Dockerfile],
        fix: Always,
        aliases: [Hadolint "DL3064", Trivy "DS-0031", Cis "4.10"],
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
