//! `--format human`: rustc-style snippets rendered with annotate-snippets.
//!
//! Each finding shows `severity[CODE]: message`, the source lines with the span underlined and
//! labelled with the rule name, why the rule matters (the first paragraph of its "Why is this
//! bad?" section) and the fix with its applicability. Source lines are masked before rendering
//! so that secret values never reach the terminal.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use annotate_snippets::{
    AnnotationKind, Group, Level, Origin, Renderer, Snippet, normalize_untrusted_str,
};
use cofferdam_diagnostics::{Applicability, RuleMeta, Severity, SourceFile, TextRange};

use crate::mask::{MaskedWindow, scrub};
use crate::report::{CheckedFile, FileError, Finding, Item, Report};
use crate::resolve::CheckSettings;

/// Characters per line of a `= why:` or `= help:` note before it wraps.
const NOTE_WIDTH: usize = 80;

pub(super) fn print(
    report: &Report,
    settings: &CheckSettings,
    out: &mut dyn Write,
) -> io::Result<()> {
    let renderer = if settings.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // The `= why:` note depends only on the rule; extracting it from the rule's documentation
    // and wrapping it once per rule rather than once per finding halves the cost of a finding.
    let mut why_notes: HashMap<&'static str, String> = HashMap::new();
    // A file's secret values are collected once, not for every finding in it.
    let secrets: Vec<Vec<&str>> = report.files.iter().map(CheckedFile::secrets).collect();
    for item in report.items() {
        let text = match item {
            Item::Finding(finding) => {
                let rule = finding.diagnostic.rule;
                let why = why_notes.entry(rule.code).or_insert_with(|| why_note(rule));
                render_finding(
                    &renderer,
                    !settings.color,
                    report,
                    finding,
                    &secrets[finding.file],
                    why,
                )
            }
            Item::Error(error) => render_error(&renderer, report, error, &secrets),
        };
        writeln!(out, "{text}\n")?;
    }
    if !settings.quiet {
        super::write_containers(report, out)?;
        for note in &report.notes {
            writeln!(out, "note: {note}")?;
        }
        writeln!(out, "{}", super::summary_line(report))?;
    }
    Ok(())
}

/// The `= why:` note of a rule, normalised and wrapped; empty when the rule has none.
fn why_note(rule: &RuleMeta) -> String {
    let why = super::why(rule);
    if why.is_empty() {
        return why;
    }
    super::wrap(&normalize_untrusted_str(&why), NOTE_WIDTH)
}

/// Renders one finding; `why` is the rule's note from [`why_note`]. `plain` says that `renderer`
/// writes no styles, which allows the notes to be laid out without it (see [`append_notes`]).
fn render_finding(
    renderer: &Renderer,
    plain: bool,
    report: &Report,
    finding: &Finding,
    secrets: &[&str],
    why: &str,
) -> String {
    let file = &report.files[finding.file];
    let diagnostic = &finding.diagnostic;
    let covered = diagnostic
        .labels
        .iter()
        .fold(diagnostic.range, |range, label| range.cover(label.range));
    let masked = masked_lines(file, covered);
    let span =
        |range: TextRange| masked.map(range.start() as usize)..masked.map(range.end() as usize);
    let message = scrub(&diagnostic.message, secrets);
    let labels: Vec<String> = diagnostic
        .labels
        .iter()
        .map(|label| scrub(&label.message, secrets))
        .collect();
    let title_and_snippet = || {
        let mut snippet = Snippet::source(masked.text())
            .line_start(file.source.line_index(covered.start()) + 1)
            .path(file.source.name())
            .annotation(
                AnnotationKind::Primary
                    .span(span(diagnostic.range))
                    .label(diagnostic.rule.name),
            );
        for (label, text) in diagnostic.labels.iter().zip(&labels) {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(span(label.range))
                    .label(text.as_str()),
            );
        }
        level(diagnostic.severity)
            .primary_title(message.as_str())
            .id(diagnostic.rule.code)
            .element(snippet)
    };

    let mut notes: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(3);
    if let Some(service) = &diagnostic.service {
        notes.push(("service", Cow::Owned(normalize_untrusted_str(service))));
    }
    if !why.is_empty() {
        notes.push(("why", Cow::Borrowed(why)));
    }
    if let Some(fix) = &diagnostic.fix {
        let description = scrub(&fix.description, secrets);
        let text = match fix.applicability {
            Applicability::Safe => format!("{description} [safe fix]"),
            Applicability::Unsafe => format!("{description} [unsafe fix]"),
            Applicability::DisplayOnly => description,
        };
        notes.push((
            "help",
            Cow::Owned(super::wrap(&normalize_untrusted_str(&text), NOTE_WIDTH)),
        ));
    }

    if plain && !notes.is_empty() {
        let group = title_and_snippet().element(Level::NOTE.with_name("why").message(""));
        if let Some(text) = append_notes(renderer.render(&[group]), &notes) {
            return text;
        }
    }
    let mut group = title_and_snippet();
    for (name, text) in &notes {
        let note = match *name {
            "why" => Level::NOTE.with_name("why"),
            "service" => Level::NOTE.with_name("service"),
            _ => Level::HELP,
        };
        group = group.element(note.message(text.as_ref()));
    }
    renderer.render(&[group])
}

/// The note line an empty `= why:` placeholder renders to, after the gutter's spaces.
const PLACEHOLDER_NOTE: &str = "= why: ";

/// Replaces the empty placeholder note that ends `rendered` with `notes`, laid out as the
/// renderer lays out notes without styles: the gutter, `= name: `, then the text, each further
/// line indented under the text's first character. Notes are most of a finding's output and most
/// of its rendering cost, and their layout needs nothing the renderer knows except the gutter
/// width, which the placeholder line shows. `None` if the placeholder is not where expected.
fn append_notes(mut rendered: String, notes: &[(&str, Cow<'_, str>)]) -> Option<String> {
    let cut = rendered.rfind('\n')?;
    let gutter = rendered[cut + 1..].strip_suffix(PLACEHOLDER_NOTE)?.len();
    if gutter == 0
        || rendered[cut + 1..cut + 1 + gutter]
            .bytes()
            .any(|b| b != b' ')
    {
        return None;
    }
    rendered.truncate(cut);
    for (name, text) in notes {
        rendered.push('\n');
        rendered.extend(std::iter::repeat_n(' ', gutter));
        rendered.push_str("= ");
        rendered.push_str(name);
        rendered.push_str(": ");
        let indent = gutter + "= ".len() + name.len() + ": ".len();
        for (index, line) in text.split('\n').enumerate() {
            if index > 0 {
                rendered.push('\n');
                rendered.extend(std::iter::repeat_n(' ', indent));
            }
            rendered.push_str(line);
        }
    }
    Some(rendered)
}

fn render_error(
    renderer: &Renderer,
    report: &Report,
    error: &FileError,
    secrets: &[Vec<&str>],
) -> String {
    let group: Group<'_> = if let (Some(index), Some(range)) = (error.file, error.range) {
        let file = &report.files[index];
        let masked = masked_lines(file, range);
        let span = masked.map(range.start() as usize)..masked.map(range.end() as usize);
        let snippet = Snippet::source(masked.text().to_owned())
            .line_start(file.source.line_index(range.start()) + 1)
            .path(error.path.as_str())
            .annotation(AnnotationKind::Primary.span(span));
        Level::ERROR
            .primary_title(scrub(&error.message, &secrets[index]))
            .element(snippet)
    } else {
        let mut origin = Origin::path(error.path.as_str());
        if error.located {
            origin = origin
                .line(error.start.line as usize)
                .char_column(error.start.column as usize);
        }
        Level::ERROR
            .primary_title(error.message.as_str())
            .element(origin)
    };
    renderer.render(&[group])
}

/// The whole lines `range` touches, with secrets masked.
fn masked_lines(file: &CheckedFile, range: TextRange) -> MaskedWindow {
    let source: &SourceFile = &file.source;
    // A range that ends right after a newline does not show the following line.
    let last = if range.is_empty() {
        range.start()
    } else {
        range.end() - 1
    };
    let first_line = source.line_index(range.start());
    let last_line = source.line_index(last).max(first_line);
    let window =
        source.line_start(first_line) as usize..source.line_range(last_line).end() as usize;
    MaskedWindow::new(source.text(), window, &file.redactions)
}

/// Critical and high findings render like errors, medium and low like warnings; the level's
/// name is replaced by the severity word so the header reads `high[USR001]: …`.
fn level(severity: Severity) -> Level<'static> {
    let level = match severity {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium | Severity::Low => Level::WARNING,
        Severity::Info => Level::INFO,
    };
    level.with_name(severity.as_str())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

    use super::append_notes;

    /// The notes laid out by [`append_notes`] match the renderer's own layout, whatever the
    /// gutter width, with continuation and blank lines.
    #[test]
    fn notes_match_the_renderer() {
        let why = "first line\nsecond line\n\nafter a blank line";
        let help = "one line [safe fix]";
        for line_start in [1, 9, 10, 12_345] {
            let group = || -> Group<'_> {
                Level::WARNING
                    .with_name("low")
                    .primary_title("a message")
                    .id("BLD001")
                    .element(
                        Snippet::source("FROM a\nRUN b\n")
                            .line_start(line_start)
                            .path("Dockerfile")
                            .annotation(AnnotationKind::Primary.span(7..12).label("rule-name")),
                    )
            };
            let renderer = Renderer::plain();
            let expected = renderer.render(&[group()
                .element(Level::NOTE.with_name("why").message(why))
                .element(Level::HELP.message(help))]);
            let placeholder =
                renderer.render(&[group().element(Level::NOTE.with_name("why").message(""))]);
            let notes = [("why", Cow::Borrowed(why)), ("help", Cow::Borrowed(help))];
            assert_eq!(
                append_notes(placeholder, &notes).as_deref(),
                Some(expected.as_str())
            );
        }
    }
}
