//! `pipe-without-pipefail`: a pipeline in a `RUN` whose earlier commands can fail unnoticed.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::build::runs::{Run, active_shell, runs};
use crate::rules::{DockerfileContext, RunScript};
use crate::syntax::dockerfile::Word;
use crate::syntax::shell::{Command, Pipeline};

declare_rule! {
    /// ## What it does
    /// Checks for pipelines (`curl … | tar x`) in `RUN` steps run by a POSIX shell without
    /// `pipefail`: neither a `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` in force for the
    /// stage nor `set -o pipefail` earlier in the script. Pipelines whose only producers are
    /// `echo`, `printf` or `yes` are not reported, and neither are `RUN`s under a non-POSIX
    /// `SHELL` such as PowerShell. One finding is reported per `RUN`.
    ///
    /// ## Why is this bad?
    /// A pipeline's status is the status of its last command. When `curl` fails (a 404, a
    /// truncated download, a TLS error), `tar` or `sh` at the end still succeeds on what it
    /// got and the build carries on with a broken or empty result, instead of stopping where
    /// the problem is.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: `SHELL` needs a shell that supports `pipefail` (bash, or busybox ash and
    /// dash 0.5.11+ with `set -o pipefail` in the script), which depends on the base image.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#using-pipes>
    pub struct PipeWithoutPipefail {
        code: "BLD008",
        name: "pipe-without-pipefail",
        category: Build,
        severity: Low,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [Hadolint "DL4006", Kics "efbf148a-67e9-42d2-ac47-02fa1c0d0b22"],
    }
}

const NON_POSIX: [&str; 6] = [
    "pwsh",
    "pwsh.exe",
    "powershell",
    "powershell.exe",
    "cmd",
    "cmd.exe",
];

/// Commands whose failure in a pipeline does not matter (and `yes`, which pipefail would turn
/// into a failure once the reader exits).
const HARMLESS: [&str; 4] = ["echo", "printf", "yes", "true"];

/// `-o pipefail`, `-euo pipefail`, `-opipefail` among a shell's arguments.
fn sets_pipefail(args: &[&str]) -> bool {
    args.iter().enumerate().any(|(i, arg)| {
        *arg == "-opipefail"
            || (*arg == "pipefail"
                && i > 0
                && args[i - 1].starts_with('-')
                && !args[i - 1].starts_with("--")
                && args[i - 1].contains('o'))
    })
}

/// Whether `pipefail` is already on when `script` starts, and whether the script is run by a
/// POSIX shell at all.
fn initial_state(
    ctx: &DockerfileContext<'_>,
    run: &Run<'_>,
    script: &RunScript<'_>,
) -> Option<bool> {
    if run.is_exec() {
        // No `SHELL` applies; the script comes from `["sh", "-c", "…"]`.
        return Some(false);
    }
    let shell: Vec<&str> = active_shell(ctx.model, run.stage, run.index)
        .unwrap_or_default()
        .iter()
        .map(|word: &Word| word.raw.as_str())
        .collect();
    if let Some(program) = shell.first() {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        if NON_POSIX.iter().any(|p| name.eq_ignore_ascii_case(p)) {
            return None;
        }
    }
    let from_shell = sets_pipefail(&shell);
    let Some(heredoc) = script.heredoc else {
        return Some(from_shell);
    };
    // `RUN <<EOF` runs the body with `SHELL`, unless a shebang names the interpreter;
    // `RUN bash -o pipefail <<EOF` passes the options itself.
    let command_line = run
        .scripts()
        .find(|s| s.heredoc.is_none())
        .map(|s| s.text.text.as_str())
        .unwrap_or_default();
    let words: Vec<&str> = command_line
        .split_whitespace()
        .filter(|w| !w.starts_with("<<"))
        .collect();
    if words.is_empty() {
        Some(from_shell && !heredoc.body.text.starts_with("#!"))
    } else {
        Some(sets_pipefail(&words))
    }
}

/// The first command of the pipeline whose failure would be hidden, if any.
fn hidden_failure<'s>(script: &'s RunScript<'_>, pipeline: &'s Pipeline) -> Option<&'s Command> {
    let listed: Vec<&Command> = script.script.pipeline_commands(pipeline).collect();
    let last = listed
        .iter()
        .filter_map(|c| c.pipeline)
        .map(|p| p.position)
        .max()?;
    let contiguous = listed
        .iter()
        .enumerate()
        .all(|(i, c)| c.pipeline.is_some_and(|p| p.position == i));
    let producers: Vec<&Command> = listed
        .iter()
        .copied()
        .filter(|c| c.pipeline.is_some_and(|p| p.position < last))
        .collect();
    let harmless = |c: &&Command| {
        c.unwrapped()
            .program()
            .is_some_and(|p| HARMLESS.contains(&p))
    };
    if contiguous && producers.iter().all(harmless) {
        return None;
    }
    producers
        .into_iter()
        .find(|c| !harmless(c))
        .or_else(|| listed.first().copied())
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    'runs: for run in runs(ctx) {
        for script in run.scripts() {
            let Some(on) = initial_state(ctx, run, script) else {
                continue 'runs;
            };
            if on {
                continue;
            }
            for pipeline in &script.script.pipelines {
                if pipeline.pipefail {
                    continue;
                }
                let Some(producer) = hidden_failure(script, pipeline) else {
                    continue;
                };
                let name = producer
                    .unwrapped()
                    .name_value()
                    .map_or_else(|| "a command".to_owned(), |n| format!("`{n}`"));
                out.push(
                    Diagnostic::new(
                        PipeWithoutPipefail::META,
                        script.source_range(pipeline.range),
                        format!(
                            "{name} failing in this pipeline goes unnoticed without `pipefail`"
                        ),
                    )
                    .with_fix(Fix::display_only(
                        "add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, \
                         or start the script with `set -o pipefail`",
                    )),
                );
                continue 'runs;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PipeWithoutPipefail;
    use crate::rules::test::lines;

    #[test]
    fn pipelines_and_pipefail() {
        let meta = PipeWithoutPipefail::META;
        assert_eq!(lines(meta, "FROM a:1\nRUN curl x | tar -xz\n"), [2]);
        assert_eq!(lines(meta, "FROM a:1\nRUN a | b && c | d\n"), [2]);
        assert!(lines(meta, "FROM a:1\nRUN set -o pipefail && curl x | tar -xz\n").is_empty());
        let shell =
            "FROM a:1\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN curl x | sh\n";
        assert!(lines(meta, shell).is_empty());
        let inherited = "FROM a:1 AS base\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM base\nRUN a | b\n";
        assert!(lines(meta, inherited).is_empty());
        assert!(lines(meta, "FROM a:1\nRUN echo 'k' | gpg --import\n").is_empty());
        assert!(lines(meta, "FROM a:1\nRUN yes | apt-get install x\n").is_empty());
        let pwsh = "FROM a:1\nSHELL [\"pwsh\", \"-Command\"]\nRUN Get-Item x | Remove-Item\n";
        assert!(lines(meta, pwsh).is_empty());
        assert_eq!(
            lines(meta, "FROM a:1\nRUN <<EOF\nset -e\ncurl x | sh\nEOF\n"),
            [4]
        );
        assert!(
            lines(
                meta,
                "FROM a:1\nRUN bash -o pipefail <<EOF\ncurl x | sh\nEOF\n"
            )
            .is_empty()
        );
        assert!(
            lines(
                meta,
                "FROM a:1\nRUN [\"/bin/bash\", \"./x\", \"|\", \"./y\"]\n"
            )
            .is_empty()
        );
    }
}
