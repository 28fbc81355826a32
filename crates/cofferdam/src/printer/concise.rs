//! `--format concise`: one line per finding, `path:line:col: severity CODE name message`, for
//! grep, editors' error parsers and quick reviews. Errors use `error` as their severity word.

use std::fmt::Write as _;
use std::io::{self, Write};

use cofferdam_diagnostics::LineColumn;

use crate::mask::scrub;
use crate::report::{Item, Report};
use crate::resolve::CheckSettings;

pub(super) fn print(
    report: &Report,
    settings: &CheckSettings,
    out: &mut dyn Write,
) -> io::Result<()> {
    let secrets: Vec<Vec<&str>> = report.files.iter().map(|file| file.secrets()).collect();
    // The lines are assembled in one buffer and written once: formatting each line through
    // `writeln!` on the `dyn Write` cost more than everything else this printer does.
    let mut text = String::with_capacity(report.findings.len() * 128);
    for item in report.items() {
        match item {
            Item::Finding(finding) => {
                let diagnostic = &finding.diagnostic;
                position(&mut text, report.path(finding), finding.start);
                for part in [
                    diagnostic.severity.as_str(),
                    " ",
                    diagnostic.rule.code,
                    " ",
                    diagnostic.rule.name,
                    " ",
                    &scrub(&diagnostic.message, &secrets[finding.file]),
                    "\n",
                ] {
                    text.push_str(part);
                }
            }
            Item::Error(error) => {
                let message = error.file.map_or_else(
                    || error.message.clone(),
                    |file| scrub(&error.message, &secrets[file]),
                );
                position(&mut text, &error.path, error.start);
                text.push_str("error ");
                text.push_str(&message);
                text.push('\n');
            }
        }
    }
    out.write_all(text.as_bytes())?;
    if !settings.quiet {
        super::write_containers(report, out)?;
        for note in &report.notes {
            writeln!(out, "note: {note}")?;
        }
        writeln!(out, "{}", super::summary_line(report))?;
    }
    Ok(())
}

/// Appends `path:line:col: `.
fn position(text: &mut String, path: &str, start: LineColumn) {
    text.push_str(path);
    // Writing to a `String` cannot fail.
    let _ = write!(text, ":{}:{}: ", start.line, start.column);
}
