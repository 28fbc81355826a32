//! Inline suppressions: comments that silence findings where a team has decided to accept them,
//! with the reason written next to the decision.
//!
//! ```text
//! # cofferdam: ignore[latest-tag] pinned by the release job, see RELEASE.md
//! FROM example/base:latest
//! ```
//!
//! - `# cofferdam: ignore[CODE|name|alias|category, …] reason` on its own line covers the next
//!   line: in a Dockerfile the next instruction (a `FROM` covers its whole stage), in YAML the
//!   next key with everything nested under it (a comment above a compose service covers the
//!   service), in a script the next command with its `\` continuations. At the end of a YAML or
//!   shell line it covers that line.
//! - `# cofferdam: ignore-file[…] reason` anywhere covers the whole file.
//! - hadolint's `# hadolint ignore=DL3006,DL3008` (next instruction) and `# hadolint global
//!   ignore=…` (the file) are honoured through the rules' aliases, so teams can migrate.
//!
//! A suppression that silences nothing, for a rule that ran, is reported, so stale ones do not
//! pile up; with `require_reason`, one without a reason silences nothing and says why.

use cofferdam_diagnostics::{Diagnostic, TextRange};

use crate::Settings;
use crate::rules::RULES;

/// How a file writes comments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentStyle {
    /// Whole-line `#` comments only; a `FROM` starts a stage.
    Dockerfile,
    /// `#` comments, whole-line or after a value; nesting by indentation.
    Yaml,
    /// `#` comments, whole-line or after a command; `\` continues a command.
    Shell,
}

impl CommentStyle {
    /// The style of a file by its name; `None` for files without comments (JSON).
    pub fn for_path(path: &str) -> Option<CommentStyle> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let lower = name.to_ascii_lowercase();
        let extension = std::path::Path::new(&lower)
            .extension()
            .and_then(|extension| extension.to_str())
            .unwrap_or_default();
        if extension == "json" {
            None
        } else if lower == "dockerfile"
            || lower == "containerfile"
            || lower.ends_with(".dockerfile")
            || lower.starts_with("dockerfile.")
            || lower.starts_with("containerfile.")
        {
            Some(CommentStyle::Dockerfile)
        } else if extension == "yml" || extension == "yaml" {
            Some(CommentStyle::Yaml)
        } else {
            Some(CommentStyle::Shell)
        }
    }
}

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Suppression {
    /// The comment's range, for notes.
    comment: TextRange,
    selectors: Vec<String>,
    reason: Option<String>,
    /// What it covers.
    scope: TextRange,
    /// Which selectors silenced something.
    used: Vec<bool>,
}

/// The findings that remain, and notes about the suppressions (range of the comment, text).
#[derive(Debug, Default)]
pub struct Outcome {
    pub kept: Vec<Diagnostic>,
    pub suppressed: usize,
    pub notes: Vec<(TextRange, String)>,
}

/// Applies the suppressions of `text` to its diagnostics (ranges local to `text`).
pub fn apply(
    text: &str,
    style: CommentStyle,
    diagnostics: Vec<Diagnostic>,
    settings: &Settings,
    require_reason: bool,
) -> Outcome {
    let mut suppressions = parse(text, style);
    let mut outcome = Outcome::default();
    let mut notes = Vec::new();
    if require_reason {
        suppressions.retain(|suppression| {
            if suppression.reason.is_none() {
                notes.push((
                    suppression.comment,
                    format!(
                        "suppression of {} has no reason, so it is not applied (--require-reason)",
                        suppression.selectors.join(", ")
                    ),
                ));
                false
            } else {
                true
            }
        });
    }
    for diagnostic in diagnostics {
        let mut silenced = false;
        for suppression in &mut suppressions {
            if !suppression.scope.contains(diagnostic.range.start())
                && suppression.scope.start() != diagnostic.range.start()
            {
                continue;
            }
            for (index, selector) in suppression.selectors.iter().enumerate() {
                if selects(selector, diagnostic.rule) {
                    suppression.used[index] = true;
                    silenced = true;
                }
            }
        }
        if silenced {
            outcome.suppressed += 1;
        } else {
            outcome.kept.push(diagnostic);
        }
    }
    for suppression in &suppressions {
        for (selector, used) in suppression.selectors.iter().zip(&suppression.used) {
            if *used {
                continue;
            }
            let known: Vec<_> = RULES
                .iter()
                .filter(|rule| selects(selector, rule.meta))
                .collect();
            if known.is_empty() {
                notes.push((
                    suppression.comment,
                    format!(
                        "suppression names `{selector}`, which is no rule, name, alias or category"
                    ),
                ));
            } else if known.iter().any(|rule| settings.is_enabled(rule.meta)) {
                notes.push((
                    suppression.comment,
                    format!("unused suppression: `{selector}` reports nothing here"),
                ));
            }
        }
    }
    notes.sort_by_key(|(range, _)| range.start());
    outcome.notes = notes;
    outcome
}

fn selects(selector: &str, meta: &cofferdam_diagnostics::RuleMeta) -> bool {
    selector.eq_ignore_ascii_case("ALL")
        || meta.matches(selector)
        || meta.category.as_str().eq_ignore_ascii_case(selector)
}

/// The lines of a text: `(start, end)` byte offsets without the line break.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        lines.push((start, start + content.len()));
        start += line.len();
    }
    lines
}

/// Where a `#` comment starts in a line, if it has one: the line's first non-blank character, or
/// (YAML and shell) a `#` after whitespace outside quotes.
fn comment_start(line: &str, style: CommentStyle) -> Option<(usize, bool)> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return Some((line.len() - trimmed.len(), true));
    }
    if style == CommentStyle::Dockerfile {
        return None;
    }
    let (mut single, mut double) = (false, false);
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single && previous != '\\' => double = !double,
            '#' if !single && !double && previous.is_whitespace() => return Some((at, false)),
            _ => {}
        }
        previous = c;
    }
    None
}

/// What a comment asks: selectors, reason, and whether it covers the file.
fn directive(comment: &str) -> Option<(Vec<String>, Option<String>, bool)> {
    let body = comment.trim_start_matches('#').trim();
    if let Some(rest) = body.strip_prefix("cofferdam:") {
        let rest = rest.trim_start();
        let (file, rest) = if let Some(rest) = rest.strip_prefix("ignore-file") {
            (true, rest)
        } else if let Some(rest) = rest.strip_prefix("ignore") {
            (false, rest)
        } else {
            return None;
        };
        let rest = rest.trim_start().strip_prefix('[')?;
        let (list, reason) = rest.split_once(']')?;
        let selectors = split(list);
        let reason = reason.trim().trim_start_matches(['-', ':']).trim();
        return (!selectors.is_empty()).then(|| {
            (
                selectors,
                (!reason.is_empty()).then(|| reason.to_owned()),
                file,
            )
        });
    }
    if let Some(rest) = body.strip_prefix("hadolint") {
        let rest = rest.trim_start();
        let (file, rest) = match rest.strip_prefix("global") {
            Some(rest) => (true, rest.trim_start()),
            None => (false, rest),
        };
        let rest = rest
            .strip_prefix("ignore")?
            .trim_start()
            .strip_prefix('=')?;
        let (list, reason) = rest
            .trim_start()
            .split_once(char::is_whitespace)
            .unwrap_or((rest.trim_start(), ""));
        let selectors = split(list);
        let reason = reason.trim();
        return (!selectors.is_empty()).then(|| {
            (
                selectors,
                (!reason.is_empty()).then(|| reason.to_owned()),
                file,
            )
        });
    }
    None
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

fn parse(text: &str, style: CommentStyle) -> Vec<Suppression> {
    let lines = lines(text);
    let mut found = Vec::new();
    for (index, &(start, end)) in lines.iter().enumerate() {
        let line = &text[start..end];
        let Some((at, whole_line)) = comment_start(line, style) else {
            continue;
        };
        let Some((selectors, reason, file)) = directive(&line[at..]) else {
            continue;
        };
        let comment = TextRange::new((start + at) as u32, end as u32);
        let scope = if file {
            TextRange::new(0, text.len() as u32)
        } else if whole_line {
            match next_code_line(text, &lines, index, style) {
                Some(target) => covered(text, &lines, target, style),
                None => continue,
            }
        } else {
            let last = continuation_end(text, &lines, index, style);
            TextRange::new(start as u32, lines[last].1 as u32)
        };
        let used = vec![false; selectors.len()];
        found.push(Suppression {
            comment,
            selectors,
            reason,
            scope,
            used,
        });
    }
    found
}

/// The first line after `index` that is neither blank nor a whole-line comment.
fn next_code_line(
    text: &str,
    lines: &[(usize, usize)],
    index: usize,
    style: CommentStyle,
) -> Option<usize> {
    (index + 1..lines.len()).find(|&next| {
        let line = &text[lines[next].0..lines[next].1];
        !line.trim().is_empty() && comment_start(line, style).is_none_or(|(_, whole)| !whole)
    })
}

/// The last line of the command or instruction starting at `index` (`\` continuations).
fn continuation_end(
    text: &str,
    lines: &[(usize, usize)],
    index: usize,
    style: CommentStyle,
) -> usize {
    if style == CommentStyle::Yaml {
        return index;
    }
    let mut last = index;
    while last + 1 < lines.len() {
        let line = &text[lines[last].0..lines[last].1];
        if !line.trim_end().ends_with('\\') {
            break;
        }
        last += 1;
    }
    last
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// What a whole-line suppression above line `target` covers.
fn covered(text: &str, lines: &[(usize, usize)], target: usize, style: CommentStyle) -> TextRange {
    let line = |index: usize| &text[lines[index].0..lines[index].1];
    let start = lines[target].0 as u32;
    let end = match style {
        CommentStyle::Dockerfile => {
            let first = line(target).trim_start();
            let is_from = first
                .get(..5)
                .is_some_and(|word| word.eq_ignore_ascii_case("from "));
            if is_from {
                // The whole stage: up to the next FROM.
                let next = (target + 1..lines.len()).find(|&index| {
                    line(index)
                        .trim_start()
                        .get(..5)
                        .is_some_and(|word| word.eq_ignore_ascii_case("from "))
                });
                next.map_or(text.len(), |index| lines[index].0.saturating_sub(1))
            } else {
                lines[continuation_end(text, lines, target, style)].1
            }
        }
        CommentStyle::Yaml => {
            let base = indentation(line(target));
            let mut last = target;
            for index in target + 1..lines.len() {
                let current = line(index);
                if current.trim().is_empty() || current.trim_start().starts_with('#') {
                    continue;
                }
                if indentation(current) > base {
                    last = index;
                } else {
                    break;
                }
            }
            lines[last].1
        }
        CommentStyle::Shell => lines[continuation_end(text, lines, target, style)].1,
    };
    TextRange::new(start, end as u32)
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::SourceFile;

    use super::*;
    use crate::lint_dockerfile;

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
        diagnostics.iter().map(|d| d.rule.code).collect()
    }

    #[test]
    fn directives_parse() {
        assert_eq!(
            directive("# cofferdam: ignore[latest-tag, USR001] pinned by the release job"),
            Some((
                vec!["latest-tag".to_owned(), "USR001".to_owned()],
                Some("pinned by the release job".to_owned()),
                false
            ))
        );
        assert_eq!(
            directive("#cofferdam:ignore-file[secrets]"),
            Some((vec!["secrets".to_owned()], None, true))
        );
        assert_eq!(
            directive("# hadolint ignore=DL3006,DL3008"),
            Some((vec!["DL3006".to_owned(), "DL3008".to_owned()], None, false))
        );
        assert_eq!(
            directive("# hadolint global ignore=DL3003"),
            Some((vec!["DL3003".to_owned()], None, true))
        );
        assert_eq!(directive("# cofferdam is great"), None);
        assert_eq!(directive("# cofferdam: ignore[]"), None);
    }

    #[test]
    fn dockerfile_comments_cover_the_next_instruction_or_stage() {
        let text = "# cofferdam: ignore[latest-tag] the base is rebuilt nightly\nFROM debian:latest AS build\nRUN apt-get update\nFROM alpine:latest\nUSER app\n";
        let settings = Settings::default();
        let result = lint_dockerfile(&SourceFile::new("Dockerfile", text), &settings);
        let before = codes(&result.diagnostics);
        assert_eq!(
            before.iter().filter(|code| **code == "IMG002").count(),
            2,
            "{before:?}"
        );
        let outcome = apply(
            text,
            CommentStyle::Dockerfile,
            result.diagnostics,
            &settings,
            false,
        );
        // The first stage's latest is silenced, the second's is not.
        assert_eq!(
            codes(&outcome.kept)
                .iter()
                .filter(|code| **code == "IMG002")
                .count(),
            1
        );
        assert!(outcome.notes.is_empty(), "{:?}", outcome.notes);
    }

    #[test]
    fn hadolint_ignores_work_through_aliases_and_unused_ones_are_reported() {
        let text = "# hadolint ignore=DL3007\nFROM debian:latest\n# cofferdam: ignore[USR001] nothing to silence here\nWORKDIR /app\n";
        let settings = Settings::default();
        let result = lint_dockerfile(&SourceFile::new("Dockerfile", text), &settings);
        assert!(codes(&result.diagnostics).contains(&"IMG002"));
        let outcome = apply(
            text,
            CommentStyle::Dockerfile,
            result.diagnostics,
            &settings,
            false,
        );
        assert!(
            !codes(&outcome.kept).contains(&"IMG002"),
            "{:?}",
            codes(&outcome.kept)
        );
        assert_eq!(outcome.suppressed, 1);
        let notes: Vec<&str> = outcome
            .notes
            .iter()
            .map(|(_, note)| note.as_str())
            .collect();
        assert_eq!(notes, ["unused suppression: `USR001` reports nothing here"]);
    }

    #[test]
    fn yaml_comments_cover_a_service_and_trailing_ones_a_line() {
        let text = "services:\n  # cofferdam: ignore[ALL] legacy, replaced in Q3\n  legacy:\n    image: old:latest\n    privileged: true\n  web:\n    image: web:latest  # cofferdam: ignore[IMG002] tracked in #42\n    privileged: true\n";
        let scope = parse(text, CommentStyle::Yaml);
        assert_eq!(scope.len(), 2);
        let legacy = &text[scope[0].scope.start() as usize..scope[0].scope.end() as usize];
        assert_eq!(
            legacy,
            "  legacy:\n    image: old:latest\n    privileged: true"
        );
        let web = &text[scope[1].scope.start() as usize..scope[1].scope.end() as usize];
        assert_eq!(
            web,
            "    image: web:latest  # cofferdam: ignore[IMG002] tracked in #42"
        );
        assert_eq!(scope[1].reason.as_deref(), Some("tracked in #42"));
    }

    #[test]
    fn a_required_reason_that_is_missing_leaves_the_finding() {
        let text = "# cofferdam: ignore[latest-tag]\nFROM debian:latest\n";
        let settings = Settings::default();
        let result = lint_dockerfile(&SourceFile::new("Dockerfile", text), &settings);
        let outcome = apply(
            text,
            CommentStyle::Dockerfile,
            result.diagnostics,
            &settings,
            true,
        );
        assert!(codes(&outcome.kept).contains(&"IMG002"));
        assert_eq!(outcome.suppressed, 0);
        assert_eq!(
            outcome.notes[0].1,
            "suppression of latest-tag has no reason, so it is not applied (--require-reason)"
        );
    }

    #[test]
    fn shell_comments_cover_the_next_command_with_its_continuations() {
        let text = "#!/bin/sh\n# cofferdam: ignore[privileged-container] the agent needs it\ndocker run \\\n  --privileged \\\n  agent:1\ndocker run --privileged other:1\n";
        let found = parse(text, CommentStyle::Shell);
        let covered = &text[found[0].scope.start() as usize..found[0].scope.end() as usize];
        assert_eq!(covered, "docker run \\\n  --privileged \\\n  agent:1");
    }
}
