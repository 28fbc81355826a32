//! `--format concise`: one line per finding, `path:line:col: severity CODE name message`, for
//! grep, editors' error parsers and quick reviews. Errors use `error` as their severity word.

use std::io::{self, Write};

use crate::mask::scrub;
use crate::report::{Item, Report};
use crate::resolve::CheckSettings;

pub(super) fn print(
    report: &Report,
    settings: &CheckSettings,
    out: &mut dyn Write,
) -> io::Result<()> {
    let secrets: Vec<Vec<&str>> = report.files.iter().map(|file| file.secrets()).collect();
    for item in report.items() {
        match item {
            Item::Finding(finding) => {
                let diagnostic = &finding.diagnostic;
                writeln!(
                    out,
                    "{}:{}:{}: {} {} {} {}",
                    report.path(finding),
                    finding.start.line,
                    finding.start.column,
                    diagnostic.severity,
                    diagnostic.rule.code,
                    diagnostic.rule.name,
                    scrub(&diagnostic.message, &secrets[finding.file]),
                )?;
            }
            Item::Error(error) => {
                let message = error.file.map_or_else(
                    || error.message.clone(),
                    |file| scrub(&error.message, &secrets[file]),
                );
                writeln!(
                    out,
                    "{}:{}:{}: error {message}",
                    error.path, error.start.line, error.start.column
                )?;
            }
        }
    }
    if !settings.quiet {
        writeln!(out, "{}", super::summary_line(report))?;
    }
    Ok(())
}
