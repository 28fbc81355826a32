//! `relative-workdir`: `WORKDIR` with a relative path.
//!
//! [`workdirs`] follows the working directory through every stage and is shared with
//! `system-path-workdir`.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, declare_rule};

use crate::model::Base;
use crate::rules::DockerfileContext;
use crate::syntax::dockerfile::{InstructionKind, Word};

declare_rule! {
    /// ## What it does
    /// Checks for `WORKDIR` paths that are not absolute after `ARG`/`ENV` expansion. Paths with
    /// variables that have no value are skipped, and Windows paths such as `C:\app` count as
    /// absolute.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the previous one. Without an absolute `WORKDIR`
    /// earlier in the build it depends on the base image's working directory, so a base image
    /// update can move where the application and its files live; with one, the reader has to
    /// replay every earlier `WORKDIR` to know where later `COPY` and `RUN` steps act.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR app
    /// USER 10001
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Safe when offered: when the previous working directory is known from the same build, the
    /// fix writes the absolute path BuildKit already resolves to. Otherwise no fix is offered.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#workdir>
    /// - <https://docs.docker.com/reference/build-checks/workdir-relative-path/>
    pub struct RelativeWorkdir {
        code: "BLD016",
        name: "relative-workdir",
        category: Build,
        severity: Low,
        inputs: [Dockerfile],
        fix: Safe,
        aliases: [Hadolint "DL3000", Trivy "DS-0009", Kics "6b376af8-cfe8-49ab-a08d-f32de23661a4"],
    }
}

/// One `WORKDIR` instruction with what it resolves to.
pub(crate) struct WorkdirStep<'a> {
    pub word: &'a Word,
    /// The path after expansion; `None` when a variable had no value.
    pub value: Option<String>,
    /// The working directory before this instruction, when known from the build.
    pub previous: Option<String>,
    /// The normalised absolute path this instruction sets, when known.
    pub resolved: Option<String>,
}

/// Every `WORKDIR` of every stage, in file order, following the working directory inherited
/// from `FROM <stage>`.
pub(crate) fn workdirs<'a>(ctx: &DockerfileContext<'a>) -> Vec<WorkdirStep<'a>> {
    let mut steps = Vec::new();
    // The working directory at the end of each stage, when known.
    let mut finals: Vec<Option<String>> = Vec::with_capacity(ctx.model.stages.len());
    for stage in &ctx.model.stages {
        let mut current = match stage.base {
            Base::Stage(parent) if parent < finals.len() => finals[parent].clone(),
            Base::Scratch => Some("/".to_owned()),
            _ => None,
        };
        for (index, instruction) in stage.instructions.iter().enumerate() {
            let InstructionKind::Workdir(word) = &instruction.kind else {
                continue;
            };
            let expanded = ctx.model.expand_at(stage.index, index, word);
            let value = expanded.unresolved.is_empty().then_some(expanded.value);
            let resolved = value.as_deref().and_then(|value| {
                if value.starts_with('/') {
                    Some(normalise(value))
                } else if is_absolute(value) {
                    None
                } else {
                    current
                        .as_deref()
                        .map(|base| normalise(&format!("{base}/{value}")))
                }
            });
            steps.push(WorkdirStep {
                word,
                value,
                previous: current.clone(),
                resolved: resolved.clone(),
            });
            current = resolved;
        }
        finals.push(current);
    }
    steps
}

/// A POSIX absolute path, or a Windows one (`C:\…`, `C:/…`, `\…`).
pub(crate) fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// Removes `.`, `..` and repeated slashes from an absolute POSIX path.
pub(crate) fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for step in workdirs(ctx) {
        let Some(value) = &step.value else {
            continue;
        };
        if value.is_empty() || is_absolute(value) {
            continue;
        }
        let diagnostic = match (&step.previous, &step.resolved) {
            (Some(_), Some(resolved)) => {
                let diagnostic = Diagnostic::new(
                    RelativeWorkdir::META,
                    step.word.range,
                    format!("relative WORKDIR `{value}` resolves to `{resolved}`"),
                );
                // Rewrite only plain words: quotes or variables would need re-quoting.
                if step.word.raw == *value && !value.contains(['$', '\\', '"', '\'', ' ']) {
                    diagnostic.with_fix(Fix::safe(
                        format!("write the absolute path `{resolved}`"),
                        vec![Edit::replace(step.word.range, resolved.clone())],
                    ))
                } else {
                    diagnostic.with_fix(Fix::display_only(format!(
                        "write the absolute path `{resolved}`"
                    )))
                }
            }
            _ => Diagnostic::new(
                RelativeWorkdir::META,
                step.word.range,
                format!("relative WORKDIR `{value}` depends on the base image's working directory"),
            )
            .with_fix(Fix::display_only("use an absolute path such as `/app`")),
        };
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::{RelativeWorkdir, normalise};
    use crate::rules::test::{lines, lint};

    #[test]
    fn flags_relative_paths() {
        let rule = RelativeWorkdir::META;
        assert_eq!(lines(rule, "FROM a:1\nWORKDIR app\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nWORKDIR /a\nWORKDIR b\n"), [3]);
        assert_eq!(lines(rule, "FROM a:1\nARG D=app\nWORKDIR $D\n"), [3]);
        assert_eq!(lines(rule, "FROM a:1\nWORKDIR \"my app\"\n"), [2]);
    }

    #[test]
    fn accepts_absolute_unknown_and_windows_paths() {
        let rule = RelativeWorkdir::META;
        assert!(
            lines(
                rule,
                "FROM a:1\nWORKDIR /app\nWORKDIR \"/srv/x\"\nWORKDIR /\n"
            )
            .is_empty()
        );
        assert!(lines(rule, "FROM a:1\nWORKDIR ${HOME}/bin\nWORKDIR $X\n").is_empty());
        assert!(lines(rule, "FROM a:1\nENV D=/p\nWORKDIR $D/x\n").is_empty());
        assert!(lines(rule, "FROM a:1\nWORKDIR c:\\\\windows\nWORKDIR C:/app\n").is_empty());
    }

    #[test]
    fn fix_writes_the_resolved_path() {
        let text = "FROM a:1 AS b\nWORKDIR /srv/app\nFROM b\nWORKDIR ../data\n";
        let diagnostics = lint(RelativeWorkdir::META, text);
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].message.contains("/srv/data"));
        let fix = diagnostics[0].fix.as_ref().expect("fix");
        assert_eq!(
            fix.apply(text).as_deref(),
            Some("FROM a:1 AS b\nWORKDIR /srv/app\nFROM b\nWORKDIR /srv/data\n")
        );
        assert_eq!(normalise("/a//b/./c/../d"), "/a/b/d");
        assert_eq!(normalise("/.."), "/");
    }
}
