//! `--format markdown`: a report for pull-request comments and CI job summaries
//! (`$GITHUB_STEP_SUMMARY`), as GitHub-flavoured Markdown.
//!
//! The summary line and a table of findings per severity come first, then one table per file
//! (line, rule, severity, finding, fix; a service column when compose or audit findings name
//! one), then errors, `audit`'s containers and the run's notes. Text from findings is escaped
//! for tables: `|` everywhere, Markdown syntax outside code spans (masked secrets are `*`s,
//! which would otherwise turn into emphasis), line breaks as `<br>`.

use std::fmt::Write as _;
use std::io::{self, Write};

use cofferdam_diagnostics::Applicability;

use crate::mask::scrub;
use crate::report::{CheckedFile, Finding, Report};

pub(super) fn print(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let text = render(report)?;
    out.write_all(text.as_bytes())
}

fn render(report: &Report) -> io::Result<String> {
    let secrets: Vec<Vec<&str>> = report.files.iter().map(CheckedFile::secrets).collect();
    let mut text = String::with_capacity(1024 + report.findings.len() * 200);
    // Writing to a `String` cannot fail; the results of `writeln!` below are ignored for that
    // reason.
    let _ = writeln!(
        text,
        "## cofferdam\n\n{}",
        text_cell(&super::summary_line(report))
    );

    if !report.findings.is_empty() {
        text.push_str("\n| severity | findings |\n| :-- | --: |\n");
        for (severity, count) in report.counts() {
            let _ = writeln!(text, "| {severity} | {count} |");
        }
    }

    // Findings are sorted by path, so each file's findings are one run.
    let mut start = 0;
    while start < report.findings.len() {
        let path = report.path(&report.findings[start]);
        let end = start
            + report.findings[start..]
                .iter()
                .take_while(|finding| report.path(finding) == path)
                .count();
        write_file(&mut text, path, &report.findings[start..end], &secrets);
        start = end;
    }

    if !report.errors.is_empty() {
        text.push_str("\n### Errors\n\n| file | line | error |\n| :-- | --: | :-- |\n");
        for error in &report.errors {
            let message = error.file.map_or_else(
                || error.message.clone(),
                |file| scrub(&error.message, &secrets[file]),
            );
            let line = if error.located {
                error.start.line.to_string()
            } else {
                String::new()
            };
            let _ = writeln!(
                text,
                "| {} | {line} | {} |",
                code(&error.path),
                text_cell(&message)
            );
        }
    }

    write_containers(&mut text, report)?;

    if !report.notes.is_empty() {
        text.push_str("\n### Notes\n\n");
        for note in &report.notes {
            let _ = writeln!(text, "- {}", text_cell(note));
        }
    }
    Ok(text)
}

fn write_file(text: &mut String, path: &str, findings: &[Finding], secrets: &[Vec<&str>]) {
    let services = findings
        .iter()
        .any(|finding| finding.diagnostic.service.is_some());
    let _ = writeln!(
        text,
        "\n### {} ({})\n",
        code(path),
        super::plural(findings.len(), "finding")
    );
    if services {
        text.push_str(
            "| line | rule | severity | service | finding | fix |\n\
             | --: | :-- | :-- | :-- | :-- | :-- |\n",
        );
    } else {
        text.push_str(
            "| line | rule | severity | finding | fix |\n| --: | :-- | :-- | :-- | :-- |\n",
        );
    }
    for finding in findings {
        let diagnostic = &finding.diagnostic;
        let secrets = &secrets[finding.file];
        let fix = diagnostic.fix.as_ref().map_or_else(String::new, |fix| {
            let description = text_cell(&scrub(&fix.description, secrets));
            match fix.applicability {
                Applicability::Safe => format!("{description} (safe fix)"),
                Applicability::Unsafe => format!("{description} (unsafe fix)"),
                Applicability::DisplayOnly => description,
            }
        });
        let _ = write!(
            text,
            "| {} | {} {} | {} |",
            finding.start.line,
            code(diagnostic.rule.code),
            text_cell(diagnostic.rule.name),
            diagnostic.severity
        );
        if services {
            let service = diagnostic.service.as_deref().map_or_else(String::new, code);
            let _ = write!(text, " {service} |");
        }
        let _ = writeln!(
            text,
            " {} | {fix} |",
            text_cell(&scrub(&diagnostic.message, secrets))
        );
    }
}

/// `audit`'s containers as a table, with the same words as the human summary (which
/// [`super::write_containers`] writes, one `  name (id): findings; details` line each).
fn write_containers(text: &mut String, report: &Report) -> io::Result<()> {
    if report.containers.is_empty() {
        return Ok(());
    }
    let mut human = Vec::new();
    super::write_containers(report, &mut human)?;
    let human = String::from_utf8_lossy(&human);
    let mut lines = human.lines().skip(1);
    text.push_str(
        "\n### Containers\n\n| container | id | findings | settings and runtime |\n\
         | :-- | :-- | :-- | :-- |\n",
    );
    for container in &report.containers {
        let line = lines.next().unwrap_or_default();
        let prefix = format!("  {} ({}): ", container.name, container.id);
        let summary = line.strip_prefix(&prefix).unwrap_or(line);
        let (findings, details) = summary.split_once("; ").unwrap_or((summary, ""));
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} |",
            code(&container.name),
            code(&container.id),
            text_cell(findings),
            text_cell(details)
        );
    }
    Ok(())
}

/// `text` as inline code, whatever it contains: the fence is longer than any run of backticks
/// in it, and `|` is escaped, which GitHub's tables require even inside code.
fn code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    let longest = longest_backtick_run(&text);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('|', "\\|"))
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Prose from a finding, for a table cell or list item: code spans (`` `USER 10001` ``) are
/// kept as code; elsewhere Markdown and HTML syntax is escaped so it shows as written.
fn text_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while !rest.is_empty() {
        let Some(open) = rest.find('`') else {
            escape_prose(&mut out, rest);
            break;
        };
        escape_prose(&mut out, &rest[..open]);
        let after = &rest[open..];
        let run = after.len() - after.trim_start_matches('`').len();
        let body_start = open + run;
        // A code span closes at the next run of exactly as many backticks.
        let close = find_run(&rest[body_start..], run);
        if let Some(close) = close {
            let body = &rest[body_start..body_start + close];
            out.push_str(&rest[open..body_start]);
            out.push_str(&body.replace(['\r', '\n'], " ").replace('|', "\\|"));
            out.push_str(&rest[open..body_start]);
            rest = &rest[body_start + close + run..];
        } else {
            // Unmatched backticks are literal.
            for _ in 0..run {
                out.push_str("\\`");
            }
            rest = &rest[body_start..];
        }
    }
    out
}

/// The offset of the first run of exactly `length` backticks in `text`.
fn find_run(text: &str, length: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'`' {
            let run = bytes[index..].iter().take_while(|&&b| b == b'`').count();
            if run == length {
                return Some(index);
            }
            index += run;
        } else {
            index += 1;
        }
    }
    None
}

fn escape_prose(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '\\' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            _ => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{code, text_cell};

    #[test]
    fn prose_is_escaped_outside_code_spans() {
        assert_eq!(
            text_cell("`TOKEN=****` in ENV TOKEN=****"),
            "`TOKEN=****` in ENV TOKEN=\\*\\*\\*\\*"
        );
        assert_eq!(
            text_cell("a | b <script> & [link](x) _em_"),
            "a \\| b &lt;script&gt; &amp; \\[link\\](x) \\_em\\_"
        );
        assert_eq!(text_cell("`a|b` and ``x ` y``"), "`a\\|b` and ``x ` y``");
        assert_eq!(text_cell("one\ntwo"), "one<br>two");
        assert_eq!(text_cell("it`s"), "it\\`s");
        assert_eq!(text_cell("ports < 1024"), "ports &lt; 1024");
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code("Dockerfile"), "`Dockerfile`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a|b\nc"), "`a\\|b c`");
    }
}
