//! `tls-verification-disabled`: downloads, package managers or runtimes told to skip TLS
//! certificate or signature verification.

use cofferdam_diagnostics::{Diagnostic, Fix, TextRange, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::runs::runs;
use crate::syntax::dockerfile::InstructionKind;
use crate::syntax::shell::{CommandView, ShellWord};

declare_rule! {
    /// ## What it does
    /// Checks `RUN` steps for options that switch off certificate or signature checks
    /// (`curl -k`/`--insecure`, `wget --no-check-certificate`, `pip --trusted-host`,
    /// `npm config set strict-ssl false`, `git -c http.sslVerify=false`,
    /// `apk --allow-untrusted`, `apt-get --allow-unauthenticated`, `yum`/`dnf --nogpgcheck`)
    /// and `ENV` settings that do the same for every later process (`GIT_SSL_NO_VERIFY`,
    /// `PYTHONHTTPSVERIFY=0`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `NPM_CONFIG_STRICT_SSL=false`,
    /// `PIP_TRUSTED_HOST`).
    ///
    /// ## Why is this bad?
    /// Without verification anyone on the network path (a compromised proxy, a hostile Wi-Fi,
    /// a poisoned DNS answer) can substitute the file, package or repository being fetched,
    /// and whatever they serve is built into the image. As `ENV`, the setting also ships:
    /// the application itself then accepts any certificate at runtime.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN wget --no-check-certificate -qO /usr/local/bin/tool https://downloads.example.com/tool
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY corp-ca.crt /usr/local/share/ca-certificates/
    /// RUN update-ca-certificates && wget -qO /usr/local/bin/tool https://downloads.example.com/tool
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: when verification fails because of a private CA, the fix is to install
    /// that CA certificate, which needs the certificate file.
    ///
    /// ## References
    /// - <https://curl.se/docs/sslcerts.html>
    /// - <https://pip.pypa.io/en/stable/topics/https-certificates/>
    pub struct TlsVerificationDisabled {
        code: "IMG006",
        name: "tls-verification-disabled",
        category: Image,
        severity: High,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [],
    }
}

/// The argument word of `view` that disables verification, with a short description.
fn insecure_option<'a>(view: &CommandView<'a>) -> Option<(&'a ShellWord, &'static str)> {
    let program = view.program()?;
    let find = |matches: &dyn Fn(&str) -> bool| {
        view.args
            .iter()
            .take_while(|arg| arg.value.as_deref() != Some("--"))
            .find(|arg| arg.value.as_deref().is_some_and(matches))
    };
    let short_cluster = |letter: char| {
        move |value: &str| {
            value.starts_with('-') && !value.starts_with("--") && value[1..].contains(letter)
        }
    };
    match program {
        "curl" => find(&|v| v == "--insecure" || short_cluster('k')(v))
            .map(|word| (word, "`curl` skips certificate verification")),
        "wget" => find(&|v| v == "--no-check-certificate")
            .map(|word| (word, "`wget` skips certificate verification")),
        "pip" | "pip3" | "python" | "python3" => {
            find(&|v| v == "--trusted-host" || v.starts_with("--trusted-host=")).map(|word| {
                (
                    word,
                    "`pip --trusted-host` accepts that host without TLS verification",
                )
            })
        }
        "npm" | "yarn" | "pnpm" => {
            let values: Vec<Option<&str>> = view.arg_values().collect();
            let setting = values.windows(4).position(|w| {
                w[0] == Some("config")
                    && w[1] == Some("set")
                    && w[2] == Some("strict-ssl")
                    && w[3] == Some("false")
            });
            setting
                .map(|i| &view.args[i + 2])
                .or_else(|| find(&|v| v == "--strict-ssl=false" || v == "--no-strict-ssl"))
                .map(|word| (word, "the package manager skips certificate verification"))
        }
        "git" => find(&|v| {
            let lower = v.to_ascii_lowercase();
            lower == "http.sslverify=false" || lower == "http.sslverify"
        })
        .filter(|word| {
            // `git config http.sslVerify false` or `git -c http.sslVerify=false`.
            word.value.as_deref().is_some_and(|v| v.contains('='))
                || view.arg_values().any(|v| v == Some("false"))
        })
        .map(|word| (word, "`git` skips certificate verification")),
        "apk" => find(&|v| v == "--allow-untrusted").map(|word| {
            (
                word,
                "`apk` installs packages without checking their signatures",
            )
        }),
        "apt-get" | "apt" | "aptitude" => find(&|v| {
            matches!(
                v,
                "--allow-unauthenticated" | "--allow-insecure-repositories" | "--force-yes"
            ) || v.contains("Verify-Peer=false")
                || v.contains("AllowInsecureRepositories=true")
        })
        .map(|word| {
            (
                word,
                "`apt-get` accepts unauthenticated packages or repositories",
            )
        }),
        "yum" | "dnf" | "microdnf" | "tdnf" | "zypper" | "rpm" => {
            find(&|v| matches!(v, "--nogpgcheck" | "--no-gpg-checks" | "--nosignature"))
                .map(|word| (word, "the package manager skips signature verification"))
        }
        _ => None,
    }
}

/// Whether an `ENV` setting turns verification off for every later process.
fn insecure_env(name: &str, value: &str) -> bool {
    let value = value
        .trim_matches(|c| c == '"' || c == '\'')
        .to_ascii_lowercase();
    let off = matches!(value.as_str(), "0" | "false" | "no" | "off");
    match name {
        "GIT_SSL_NO_VERIFY" => !value.is_empty() && !off,
        "PYTHONHTTPSVERIFY"
        | "NODE_TLS_REJECT_UNAUTHORIZED"
        | "NPM_CONFIG_STRICT_SSL"
        | "npm_config_strict_ssl" => off,
        "PIP_TRUSTED_HOST" => !value.is_empty(),
        _ => false,
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for run in runs(ctx) {
        for (script, command) in run.commands() {
            let view = command.unwrapped();
            if let Some((word, what)) = insecure_option(&view) {
                out.push(diagnostic(script.source_range(word.range), what));
            }
        }
    }
    for stage in &ctx.model.stages {
        for instruction in stage.instructions {
            let InstructionKind::Env(pairs) = &instruction.kind else {
                continue;
            };
            for pair in pairs {
                let value = pair.value.as_ref().map_or("", |v| v.raw.as_str());
                if insecure_env(&pair.key.raw, value) {
                    out.push(diagnostic(
                        pair.range,
                        "this `ENV` turns off certificate verification for every later process",
                    ));
                }
            }
        }
    }
}

fn diagnostic(range: TextRange, message: &str) -> Diagnostic {
    Diagnostic::new(TlsVerificationDisabled::META, range, message).with_fix(Fix::display_only(
        "keep verification on; for a private CA, install its certificate (`update-ca-certificates`)",
    ))
}

#[cfg(test)]
mod tests {
    use super::TlsVerificationDisabled;
    use crate::rules::test::lines;

    #[test]
    fn commands_and_environment() {
        let meta = TlsVerificationDisabled::META;
        let fires = |run: &str| lines(meta, &format!("FROM a:1\nRUN {run}\n")).len();
        assert_eq!(fires("curl -k -sSLo /x https://e.com/x"), 1);
        assert_eq!(fires("curl -fsSLk https://e.com/x | tar -x"), 1);
        assert_eq!(fires("curl --insecure https://e.com/x"), 1);
        assert_eq!(fires("wget --no-check-certificate -qO- https://e.com"), 1);
        assert_eq!(
            fires("pip install --trusted-host pypi.corp --index-url http://pypi.corp/simple x"),
            1
        );
        assert_eq!(fires("npm config set strict-ssl false"), 1);
        assert_eq!(
            fires("git -c http.sslVerify=false clone https://e.com/r.git"),
            1
        );
        assert_eq!(fires("git config --global http.sslVerify false"), 1);
        assert_eq!(fires("apk add --allow-untrusted /tmp/x.apk"), 1);
        assert_eq!(fires("dnf install -y --nogpgcheck x"), 1);
        assert_eq!(fires("curl -fsSL https://e.com/x -o /x"), 0);
        assert_eq!(fires("git config --global http.sslVerify true"), 0);
        assert_eq!(fires("echo curl -k"), 0);
        assert_eq!(
            lines(
                meta,
                "FROM a:1\nENV GIT_SSL_NO_VERIFY=true PYTHONHTTPSVERIFY=0\n"
            ),
            [2, 2]
        );
        assert!(lines(meta, "FROM a:1\nENV NODE_TLS_REJECT_UNAUTHORIZED=1\n").is_empty());
    }
}
