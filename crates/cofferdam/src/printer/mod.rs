//! Printers: the only code that writes to stdout. Each turns a [`Report`] (or rule metadata)
//! into one output format; none of them decides anything about exit statuses or selection.
//!
//! Every printer masks secret values: source lines through [`crate::mask::MaskedWindow`], free
//! text through [`crate::mask::scrub`].

mod concise;
mod human;
mod json;
pub(crate) mod rules;

use std::io::{self, Write};

use cofferdam_diagnostics::RuleMeta;

use crate::report::Report;
use crate::resolve::{CheckSettings, OutputFormat};

pub(crate) fn print_report(
    report: &Report,
    settings: &CheckSettings,
    out: &mut dyn Write,
) -> io::Result<()> {
    match settings.format {
        OutputFormat::Human => human::print(report, settings, out),
        OutputFormat::Concise => concise::print(report, settings, out),
        OutputFormat::Json => json::print(report, out),
    }
}

/// The first paragraph under "Why is this bad?", on one line.
pub(crate) fn why(meta: &RuleMeta) -> String {
    let section = meta.section("Why is this bad?");
    section
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// "1 finding", "2 findings".
pub(crate) fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The one-line summary shared by the human and concise formats, e.g.
/// "3 findings (1 high, 2 low) and 1 error in 2 files checked".
pub(crate) fn summary_line(report: &Report) -> String {
    let files = plural(report.files_checked(), "file");
    let errors = report.errors.len();
    let findings = if report.findings.is_empty() {
        "no findings".to_owned()
    } else {
        let counts: Vec<String> = report
            .counts()
            .iter()
            .filter(|(_, count)| *count > 0)
            .map(|(severity, count)| format!("{count} {severity}"))
            .collect();
        format!(
            "{} ({})",
            plural(report.findings.len(), "finding"),
            counts.join(", ")
        )
    };
    if errors == 0 {
        format!("{findings} in {files} checked")
    } else {
        format!(
            "{findings} and {} in {files} checked",
            plural(errors, "error")
        )
    }
}
