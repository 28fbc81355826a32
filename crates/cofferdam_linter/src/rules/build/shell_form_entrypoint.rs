//! `shell-form-entrypoint`: the final stage's `CMD` or `ENTRYPOINT` in shell form, which puts a
//! shell between the engine and the application.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::syntax::dockerfile::{InstructionKind, Keyword, MappedText, ShellOrExec};

declare_rule! {
    /// ## What it does
    /// Checks for `CMD` and `ENTRYPOINT` in shell form (`CMD node server.js` rather than
    /// `CMD ["node", "server.js"]`) in the final stage. A command that starts with `exec`
    /// replaces the shell and is not reported. Build stages are not checked: their `CMD` never
    /// runs. An unquoted array such as `CMD [node, server.js]` is not JSON, so it is shell form.
    ///
    /// ## Why is this bad?
    /// In shell form the engine starts `/bin/sh -c "<command>"`, so the shell is PID 1. It does
    /// not forward SIGTERM, and as PID 1 it ignores the signal itself, so `docker stop` waits for
    /// the stop timeout and then kills the application with SIGKILL: no graceful shutdown, lost
    /// in-flight requests, unflushed writes. Some shells replace themselves with a lone simple
    /// command, but which one runs depends on the base image. A shell-form `ENTRYPOINT` also
    /// ignores `CMD` and `docker run` arguments.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// USER node
    /// CMD node server.js
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-alpine
    /// USER node
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the exec form no longer expands variables or runs shell syntax, and signals now
    /// reach the application, which must handle them. The fix is offered only for commands made
    /// of plain words, and for `ENTRYPOINT` only when the stage sets no `CMD` (in exec form the
    /// `CMD` would become its arguments).
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#shell-and-exec-form>
    /// - <https://docs.docker.com/reference/build-checks/json-args-recommended/>
    pub struct ShellFormEntrypoint {
        code: "BLD019",
        name: "shell-form-entrypoint",
        category: Build,
        severity: Low,
        inputs: [Dockerfile],
        fix: Unsafe,
        aliases: [Hadolint "DL3025", Kics "b86987e1-6397-4619-81d5-8807f2387c79"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(stage) = ctx.model.final_stage() else {
        return;
    };
    let has_cmd = stage
        .instructions
        .iter()
        .any(|instruction| instruction.keyword == Keyword::Cmd);
    for instruction in stage.instructions {
        let (InstructionKind::Cmd(ShellOrExec::Shell(command))
        | InstructionKind::Entrypoint(ShellOrExec::Shell(command))) = &instruction.kind
        else {
            continue;
        };
        let text = command.text.trim();
        if text == "exec" || text.starts_with("exec ") || text.starts_with("exec\t") {
            continue;
        }
        let keyword = instruction.keyword.as_str();
        let mut diagnostic = Diagnostic::new(
            ShellFormEntrypoint::META,
            command.range,
            format!(
                "shell-form {keyword} makes the shell PID 1, so SIGTERM does not reach the application"
            ),
        );
        let convertible = instruction.keyword == Keyword::Cmd || !has_cmd;
        diagnostic = match exec_form(command).filter(|_| convertible) {
            Some(array) => diagnostic.with_fix(Fix::unsafe_edits(
                format!("use the exec form `{keyword} {array}`"),
                vec![Edit::replace(command.range, array)],
            )),
            None => diagnostic.with_fix(Fix::display_only(format!(
                "use the exec form `{keyword} [\"program\", \"arg\"]`, or prefix the command with `exec`"
            ))),
        };
        out.push(diagnostic);
    }
}

/// The JSON array for a command made only of plain words (nothing the shell would interpret).
fn exec_form(command: &MappedText) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c);
    let words: Vec<&str> = command.text.split_whitespace().collect();
    if words.is_empty() || !words.iter().all(|word| word.chars().all(plain)) {
        return None;
    }
    // Only a single-line command maps cleanly onto its source range.
    if command.text.len() != command.range.len() as usize {
        return None;
    }
    let quoted: Vec<String> = words.iter().map(|word| format!("\"{word}\"")).collect();
    Some(format!("[{}]", quoted.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::ShellFormEntrypoint;
    use crate::rules::test::{lines, lint};

    #[test]
    fn flags_shell_form_in_the_final_stage() {
        let rule = ShellFormEntrypoint::META;
        assert_eq!(lines(rule, "FROM a:1\nCMD node app.js\n"), [2]);
        assert_eq!(
            lines(rule, "FROM a:1\nENTRYPOINT /app --port 80\nCMD [\"x\"]\n"),
            [2]
        );
        assert_eq!(lines(rule, "FROM a:1\nCMD [python, /app.py]\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1 AS b\nCMD x\nFROM b\nCMD y\n"), [4]);
    }

    #[test]
    fn accepts_exec_form_exec_prefix_and_build_stages() {
        let rule = ShellFormEntrypoint::META;
        assert!(lines(rule, "FROM a:1\nCMD [\"node\", \"app.js\"]\n").is_empty());
        assert!(lines(rule, "FROM a:1\nCMD exec node app.js\n").is_empty());
        assert!(lines(rule, "FROM a:1 AS b\nCMD make\nFROM c:1\nCMD [\"x\"]\n").is_empty());
        assert!(
            lines(
                rule,
                "FROM a:1\nRUN make\nHEALTHCHECK CMD curl -f localhost\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn fix_converts_plain_commands_only() {
        let rule = ShellFormEntrypoint::META;
        let text = "FROM a:1\nCMD node app.js --port=80\n";
        let fix = lint(rule, text)[0].fix.clone().expect("fix");
        assert_eq!(
            fix.apply(text).as_deref(),
            Some("FROM a:1\nCMD [\"node\", \"app.js\", \"--port=80\"]\n")
        );
        assert!(
            lint(rule, "FROM a:1\nCMD node $APP\n")[0]
                .fix
                .as_ref()
                .unwrap()
                .edits
                .is_empty()
        );
        assert!(
            lint(rule, "FROM a:1\nENTRYPOINT app\nCMD x\n")[0]
                .fix
                .as_ref()
                .unwrap()
                .edits
                .is_empty()
        );
    }
}
