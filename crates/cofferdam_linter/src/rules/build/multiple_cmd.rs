//! `multiple-cmd`: a stage sets `CMD` more than once, so every `CMD` but the last is dead.
//!
//! [`overridden`] is shared with `multiple-entrypoint` and `multiple-healthchecks`, which follow
//! the same "only the last one applies" rule.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, RuleMeta, TextRange, declare_rule};

use crate::rules::DockerfileContext;
use crate::syntax::dockerfile::{Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Checks for stages with more than one `CMD` and reports every `CMD` that a later one in
    /// the same stage overrides. All stages are checked: a build stage can be built on its own
    /// with `--target` or used as the base of another stage.
    ///
    /// ## Why is this bad?
    /// Only the last `CMD` of a stage takes effect. The earlier ones are dead code that readers
    /// (and reviewers) take for the command the container runs, which is how a debugging
    /// command or a stale entry point survives unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// USER 10001
    /// CMD ["python", "-m", "http.server"]
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// USER 10001
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix deletes the overridden `CMD`, which never took effect.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#cmd>
    pub struct MultipleCmd {
        code: "BLD014",
        name: "multiple-cmd",
        category: Build,
        severity: Low,
        inputs: [Dockerfile],
        fix: Safe,
        aliases: [Hadolint "DL4003", Trivy "DS-0016", Kics "41c195f4-fc31-4a5c-8a1b-90605538d49f"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    overridden(ctx, MultipleCmd::META, Keyword::Cmd, out);
}

/// Reports every `keyword` instruction of a stage that a later one in the same stage overrides,
/// with a safe fix deleting it. `ONBUILD` triggers are not counted: they apply to other images.
pub(crate) fn overridden(
    ctx: &DockerfileContext<'_>,
    rule: &'static RuleMeta,
    keyword: Keyword,
    out: &mut Vec<Diagnostic>,
) {
    let name = keyword.as_str();
    for stage in &ctx.model.stages {
        let found: Vec<&Instruction> = stage
            .instructions
            .iter()
            .filter(|instruction| instruction.keyword == keyword)
            .collect();
        let Some((last, earlier)) = found.split_last() else {
            continue;
        };
        for instruction in earlier {
            out.push(
                Diagnostic::new(
                    rule,
                    instruction.range,
                    format!("this {name} is overridden by a later {name} in the same stage"),
                )
                .with_label(last.range, format!("this {name} is the one that applies"))
                .with_fix(Fix::safe(
                    format!("delete the overridden {name}"),
                    vec![Edit::delete(whole_lines(ctx.text, instruction.range))],
                )),
            );
        }
    }
}

/// Widens `range` to its lines: leading indentation and the line break after it.
fn whole_lines(text: &str, range: TextRange) -> TextRange {
    let start = range.start() as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let start = if text[line_start..start].trim().is_empty() {
        line_start
    } else {
        start
    };
    let end = range.end() as usize;
    let rest = &text[end..];
    let end = end
        + if rest.starts_with("\r\n") {
            2
        } else {
            usize::from(rest.starts_with('\n'))
        };
    TextRange::new(
        u32::try_from(start).unwrap_or(range.start()),
        u32::try_from(end).unwrap_or(range.end()),
    )
}

#[cfg(test)]
mod tests {
    use super::MultipleCmd;
    use crate::rules::test::{lines, lint};

    #[test]
    fn flags_every_overridden_cmd_in_any_stage() {
        let rule = MultipleCmd::META;
        assert_eq!(lines(rule, "FROM a:1\nCMD a\nCMD b\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nCMD a\nCMD b\nCMD [\"c\"]\n"), [2, 3]);
        assert_eq!(
            lines(rule, "FROM a:1 AS x\nCMD a\nCMD b\nFROM c:1\nCMD d\n"),
            [2]
        );
    }

    #[test]
    fn one_cmd_per_stage_is_fine() {
        let rule = MultipleCmd::META;
        assert!(lines(rule, "FROM a:1\nCMD a\nFROM b:1\nCMD b\n").is_empty());
        assert!(lines(rule, "FROM a:1\nONBUILD CMD a\nCMD b\n").is_empty());
    }

    #[test]
    fn fix_deletes_the_dead_line() {
        let text = "FROM a:1\n  CMD a\nCMD b\n";
        let diagnostics = lint(MultipleCmd::META, text);
        let fix = diagnostics[0].fix.as_ref().expect("fix");
        assert_eq!(fix.apply(text).as_deref(), Some("FROM a:1\nCMD b\n"));
    }
}
