//! `sudo-in-run`: `sudo` used as a command in a `RUN` step.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::runs::runs;
use crate::syntax::shell::ShellWord;

declare_rule! {
    /// ## What it does
    /// Checks for `sudo` run as a command in a `RUN` step, including behind wrappers such as
    /// `env X=1 sudo …` and in the exec form. `sudo` as an argument (`apt-get install sudo`)
    /// is not a finding.
    ///
    /// ## Why is this bad?
    /// Build steps already run as the user set by `USER`, so `sudo` only makes sense when the
    /// image ships a sudoers configuration that lets an unprivileged user become root. That
    /// configuration stays in the image: anyone who gets code execution as the application
    /// user can become root. `sudo` also behaves unpredictably without a TTY and can hide which
    /// user a step really runs as.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// USER app
    /// RUN sudo apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get install -y --no-install-recommends curl
    /// USER app
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the step must run as root (with `USER root` before it and the application
    /// user restored after), or use `gosu`/`su-exec` at runtime.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#user>
    pub struct SudoInRun {
        code: "BLD001",
        name: "sudo-in-run",
        category: Build,
        severity: Medium,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [
            Hadolint "DL3004",
            Trivy "DS-0010",
            Kics "8ada6e80-0ade-439e-b176-0b28f6bce35a",
        ],
    }
}

fn is_sudo(word: &ShellWord) -> bool {
    word.value
        .as_deref()
        .is_some_and(|v| v.rsplit('/').next() == Some("sudo"))
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for run in runs(ctx) {
        for (script, command) in run.commands() {
            // `sudo` itself, or a wrapper's command word (`env X=1 sudo …`, `nohup sudo …`).
            let view = command.unwrapped();
            let word = if is_sudo(&command.name) {
                Some(&command.name)
            } else {
                view.wrapper_args.iter().find(|w| is_sudo(w))
            };
            let Some(word) = word else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    SudoInRun::META,
                    script.source_range(word.range),
                    "`sudo` in a build step: run the step as root with `USER root` instead",
                )
                .with_fix(Fix::display_only(
                    "remove `sudo` and switch users with `USER` around the step",
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SudoInRun;
    use crate::rules::test::lines;

    #[test]
    fn sudo_as_a_command_only() {
        let meta = SudoInRun::META;
        assert_eq!(lines(meta, "FROM a:1\nRUN sudo pip install x\n"), [2]);
        assert_eq!(
            lines(meta, "FROM a:1\nRUN [\"sudo\", \"apt-get\", \"update\"]\n"),
            [2]
        );
        assert_eq!(
            lines(meta, "FROM a:1\nRUN env A=1 /usr/bin/sudo -E id\n"),
            [2]
        );
        assert_eq!(lines(meta, "FROM a:1\nRUN bash -c 'sudo id'\n"), [2]);
        assert!(lines(meta, "FROM a:1\nRUN apt-get install -y sudo\n").is_empty());
        assert!(lines(meta, "FROM a:1\nRUN echo 'sudo id' >> /notes\n").is_empty());
    }
}
