//! `--format human`: rustc-style snippets rendered with annotate-snippets.
//!
//! Each finding shows `severity[CODE]: message`, the source lines with the span underlined and
//! labelled with the rule name, why the rule matters (the first paragraph of its "Why is this
//! bad?" section) and the fix with its applicability. Source lines are masked before rendering
//! so that secret values never reach the terminal.

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
    for item in report.items() {
        let text = match item {
            Item::Finding(finding) => {
                let rule = finding.diagnostic.rule;
                let why = why_notes.entry(rule.code).or_insert_with(|| why_note(rule));
                render_finding(&renderer, report, finding, why)
            }
            Item::Error(error) => render_error(&renderer, report, error),
        };
        writeln!(out, "{text}\n")?;
    }
    if !settings.quiet {
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

/// Renders one finding; `why` is the rule's note from [`why_note`].
fn render_finding(renderer: &Renderer, report: &Report, finding: &Finding, why: &str) -> String {
    let file = &report.files[finding.file];
    let secrets = file.secrets();
    let diagnostic = &finding.diagnostic;
    let covered = diagnostic
        .labels
        .iter()
        .fold(diagnostic.range, |range, label| range.cover(label.range));
    let masked = masked_lines(file, covered);
    let span =
        |range: TextRange| masked.map(range.start() as usize)..masked.map(range.end() as usize);

    let mut snippet = Snippet::source(masked.text())
        .line_start(file.source.line_index(covered.start()) + 1)
        .path(file.source.name())
        .annotation(
            AnnotationKind::Primary
                .span(span(diagnostic.range))
                .label(diagnostic.rule.name),
        );
    for label in &diagnostic.labels {
        snippet = snippet.annotation(
            AnnotationKind::Context
                .span(span(label.range))
                .label(scrub(&label.message, &secrets)),
        );
    }
    let mut group = level(diagnostic.severity)
        .primary_title(scrub(&diagnostic.message, &secrets))
        .id(diagnostic.rule.code)
        .element(snippet);
    if !why.is_empty() {
        group = group.element(Level::NOTE.with_name("why").message(why));
    }
    if let Some(fix) = &diagnostic.fix {
        let description = scrub(&fix.description, &secrets);
        let text = match fix.applicability {
            Applicability::Safe => format!("{description} [safe fix]"),
            Applicability::Unsafe => format!("{description} [unsafe fix]"),
            Applicability::DisplayOnly => description,
        };
        group = group
            .element(Level::HELP.message(super::wrap(&normalize_untrusted_str(&text), NOTE_WIDTH)));
    }
    renderer.render(&[group])
}

fn render_error(renderer: &Renderer, report: &Report, error: &FileError) -> String {
    let group: Group<'_> = if let (Some(index), Some(range)) = (error.file, error.range) {
        let file = &report.files[index];
        let secrets = file.secrets();
        let masked = masked_lines(file, range);
        let span = masked.map(range.start() as usize)..masked.map(range.end() as usize);
        let snippet = Snippet::source(masked.text().to_owned())
            .line_start(file.source.line_index(range.start()) + 1)
            .path(error.path.as_str())
            .annotation(AnnotationKind::Primary.span(span));
        Level::ERROR
            .primary_title(scrub(&error.message, &secrets))
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
