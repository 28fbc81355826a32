//! `--format github`: GitHub Actions workflow commands, one annotation per finding.
//!
//! ```text
//! ::error file=Dockerfile,line=3,col=6,endLine=3,endColumn=10,title=USR001 last-user-root::high: the final stage runs as root%0Afix: switch to …
//! ```
//!
//! Critical and high findings are `error`s, medium `warning`s, low and info `notice`s; the
//! message starts with the severity and ends with the fix on its own line. Syntax and I/O
//! errors are `error`s titled `cofferdam syntax error` or `cofferdam io error`. Paths are relative to the current directory
//! (the checkout, where workflows run), as GitHub needs them to place the annotation on the
//! file. Values are escaped as the runner unescapes them: `%`, CR and LF in messages, and also
//! `:` and `,` in properties, so that no text can end a command early or start another.
//! Notes become `notice`s; the summary line follows as plain log output.

use std::io::{self, Write};

use cofferdam_diagnostics::{Applicability, LineColumn, Severity};

use super::artifact::{Artifact, Artifacts};
use crate::mask::scrub;
use crate::report::{CheckedFile, Item, Report};
use crate::resolve::CheckSettings;

pub(super) fn print(
    report: &Report,
    settings: &CheckSettings,
    out: &mut dyn Write,
) -> io::Result<()> {
    let text = render(report, settings, &Artifacts::current());
    out.write_all(text.as_bytes())
}

fn render(report: &Report, settings: &CheckSettings, artifacts: &Artifacts) -> String {
    let secrets: Vec<Vec<&str>> = report.files.iter().map(CheckedFile::secrets).collect();
    let mut text = String::with_capacity(report.findings.len() * 160);
    for item in report.items() {
        match item {
            Item::Finding(finding) => {
                let diagnostic = &finding.diagnostic;
                let secrets = &secrets[finding.file];
                // The level cannot tell critical from high: the message starts with the
                // severity, as in the concise format.
                let mut message = format!(
                    "{}: {}",
                    diagnostic.severity,
                    scrub(&diagnostic.message, secrets)
                );
                if let Some(service) = &diagnostic.service {
                    message.push_str(" (service ");
                    message.push_str(service);
                    message.push(')');
                }
                if let Some(fix) = &diagnostic.fix {
                    let description = scrub(&fix.description, secrets);
                    message.push_str("\nfix: ");
                    message.push_str(&description);
                    match fix.applicability {
                        Applicability::Safe => message.push_str(" [safe fix]"),
                        Applicability::Unsafe => message.push_str(" [unsafe fix]"),
                        Applicability::DisplayOnly => {}
                    }
                }
                let title = format!("{} {}", diagnostic.rule.code, diagnostic.rule.name);
                command(
                    &mut text,
                    level(diagnostic.severity),
                    file(artifacts, report.path(finding)).as_deref(),
                    Some((finding.start, finding.end)),
                    &title,
                    &message,
                );
            }
            Item::Error(error) => {
                let message = error.file.map_or_else(
                    || error.message.clone(),
                    |file| scrub(&error.message, &secrets[file]),
                );
                let title = format!("cofferdam {} error", error.kind.as_str());
                command(
                    &mut text,
                    "error",
                    file(artifacts, &error.path).as_deref(),
                    error.located.then_some((error.start, error.end)),
                    &title,
                    &message,
                );
            }
        }
    }
    if !settings.quiet {
        for note in &report.notes {
            command(&mut text, "notice", None, None, "cofferdam", note);
        }
        // Plain text in the log, after the annotations.
        text.push_str(&super::summary_line(report));
        text.push('\n');
    }
    text
}

/// The path GitHub resolves against the checkout; engine documents have none.
fn file(artifacts: &Artifacts, name: &str) -> Option<String> {
    match artifacts.locate(name) {
        Artifact::Relative(path) => Some(path),
        Artifact::Absolute(path) => Some(path.to_string_lossy().into_owned()),
        Artifact::Document => None,
    }
}

/// Appends `::level file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
fn command(
    text: &mut String,
    level: &str,
    file: Option<&str>,
    span: Option<(LineColumn, LineColumn)>,
    title: &str,
    message: &str,
) {
    let mut properties: Vec<(&str, String)> = Vec::with_capacity(6);
    if let Some(file) = file {
        properties.push(("file", escape_property(file)));
        if let Some((start, end)) = span {
            properties.push(("line", start.line.to_string()));
            properties.push(("col", start.column.to_string()));
            properties.push(("endLine", end.line.to_string()));
            properties.push(("endColumn", end.column.to_string()));
        }
    }
    properties.push(("title", escape_property(title)));
    text.push_str("::");
    text.push_str(level);
    for (index, (key, value)) in properties.iter().enumerate() {
        text.push_str(if index == 0 { " " } else { "," });
        text.push_str(key);
        text.push('=');
        text.push_str(value);
    }
    text.push_str("::");
    text.push_str(&escape_data(message));
    text.push('\n');
}

/// GitHub's annotation levels: critical and high are errors, medium warnings, the rest notices.
const fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// The message of a command: `%` first, so that the escapes it introduces stay literal.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as a message, and `:` and `,`, which would end the property list.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::{LineColumn, Severity};

    use super::{command, escape_data, escape_property, level};

    #[test]
    fn messages_and_properties_are_escaped() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        // An escape sequence already in the text stays literal.
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
    }

    #[test]
    fn one_command_per_line_with_ordered_properties() {
        let mut text = String::new();
        let at = |line, column| LineColumn { line, column };
        command(
            &mut text,
            "warning",
            Some("app/my,file:1.yaml"),
            Some((at(3, 5), at(4, 1))),
            "NET001 ports-on-all-interfaces",
            "line one\nline two ::error::injected",
        );
        assert_eq!(
            text,
            "::warning file=app/my%2Cfile%3A1.yaml,line=3,col=5,endLine=4,endColumn=1,\
             title=NET001 ports-on-all-interfaces::line one%0Aline two ::error::injected\n"
        );
        let mut text = String::new();
        command(
            &mut text,
            "error",
            None,
            Some((at(1, 1), at(1, 2))),
            "t",
            "m",
        );
        assert_eq!(text, "::error title=t::m\n", "no position without a file");
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "notice");
        assert_eq!(level(Severity::Info), "notice");
    }
}
