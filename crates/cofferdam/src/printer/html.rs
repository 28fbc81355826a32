//! `cofferdam report`: one self-contained HTML page for a reviewer.
//!
//! The page loads nothing: styles are inline, there is no script and no font but the system's,
//! and the network diagrams are inline SVG (see [`super::network_svg`]). It shows the totals by
//! severity, a score per service (or per file, for findings that belong to no service) and per
//! practice, every finding grouped by file with its source lines and fix, the errors met, and the
//! diagram of each compose project.
//!
//! Secrets are masked as in every other printer: source lines through [`MaskedWindow`], messages,
//! labels and fixes through [`scrub`]. Every piece of text, including file names, is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cofferdam_diagnostics::{Applicability, Category, Severity, TextRange};

use crate::mask::{MaskedWindow, scrub};
use crate::report::{CheckedFile, Finding, Report};

/// Lines of context shown above and below a finding.
const CONTEXT_LINES: usize = 2;
/// A finding whose secondary labels would stretch the snippet beyond this many lines shows only
/// the lines of its primary range.
const MAX_SNIPPET_LINES: usize = 14;

/// What a finding of each severity takes off a score of 100.
pub(crate) const fn weight(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 25,
        Severity::High => 10,
        Severity::Medium => 4,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

/// 100 minus the weights of `severities`, at least 0.
pub(crate) fn score(severities: impl IntoIterator<Item = Severity>) -> u32 {
    let lost: u32 = severities.into_iter().map(weight).sum();
    100u32.saturating_sub(lost)
}

/// The diagram of one compose project, or why there is none.
pub(crate) struct Diagram {
    /// The project's compose files, joined with ` + `.
    pub(crate) project: String,
    pub(crate) content: DiagramContent,
}

pub(crate) enum DiagramContent {
    Drawn {
        svg: String,
        /// `(path, how)` rows such as `("api <-> db", "network back")`, sorted.
        paths: Vec<(String, String)>,
    },
    /// The project has errors: a partial graph would mislead.
    Omitted(String),
}

/// What the page says about the run besides the report.
pub(crate) struct PageInfo<'a> {
    pub(crate) inputs: &'a [String],
    /// Services of the compose projects, scored even when they have no finding.
    pub(crate) services: &'a [String],
}

/// `text` with the HTML special characters escaped, for element content and quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

const STYLE: &str = r#"
:root { --critical:#b71c1c; --high:#e65100; --medium:#f9a825; --low:#1e88e5; --info:#78909c; }
* { box-sizing: border-box; }
body { margin:0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:#1c2733; background:#f5f7fa; line-height:1.45; }
header.top { background:#0d3b66; color:#fff; padding:20px 32px; }
header.top h1 { margin:0 0 4px; font-size:26px; }
header.top p { margin:0; opacity:.85; }
main { padding:16px 32px 40px; max-width:1400px; }
h2 { border-bottom:2px solid #d0d7de; padding-bottom:4px; margin-top:32px; }
.cards { display:flex; gap:12px; flex-wrap:wrap; }
.card { background:#fff; border-radius:8px; padding:12px 18px; min-width:120px; border-left:6px solid var(--info); box-shadow:0 1px 2px rgba(0,0,0,.08); }
.card .n { font-size:28px; font-weight:700; }
.card.critical { border-color:var(--critical); } .card.high { border-color:var(--high); }
.card.medium { border-color:var(--medium); } .card.low { border-color:var(--low); }
.card.total { border-color:#0d3b66; }
.formula { background:#fff; border:1px solid #d0d7de; border-radius:6px; padding:8px 12px; }
.tables { display:flex; gap:24px; flex-wrap:wrap; align-items:flex-start; }
table { border-collapse:collapse; background:#fff; box-shadow:0 1px 2px rgba(0,0,0,.08); }
th, td { text-align:left; padding:5px 10px; border-bottom:1px solid #e4e8ec; vertical-align:top; }
th { background:#eef2f6; }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
.bar { width:120px; height:10px; background:#e4e8ec; border-radius:5px; display:inline-block; margin-right:6px; vertical-align:middle; }
.bar span { display:block; height:100%; border-radius:5px; }
.good { background:#2e7d32; } .fair { background:#f9a825; } .poor { background:#c62828; }
.sev { display:inline-block; color:#fff; font-weight:700; font-size:12px; padding:1px 8px; border-radius:10px; text-transform:uppercase; }
.sev.critical { background:var(--critical); } .sev.high { background:var(--high); }
.sev.medium { background:var(--medium); color:#1c2733; } .sev.low { background:var(--low); } .sev.info { background:var(--info); }
details.file { background:#fff; border-radius:8px; margin:12px 0; box-shadow:0 1px 2px rgba(0,0,0,.08); }
details.file > summary { cursor:pointer; padding:10px 14px; font-weight:600; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.finding { border-top:1px solid #e4e8ec; padding:10px 14px; }
.finding .head { display:flex; gap:10px; align-items:center; flex-wrap:wrap; }
.finding .code { font-weight:700; } .finding .cat, .finding .where { color:#546e7a; font-size:13px; }
.finding .msg { margin:6px 0; font-weight:600; }
pre.snippet { background:#1e2630; color:#e6edf3; padding:8px 0; border-radius:6px; overflow-x:auto; font-size:13px; margin:6px 0; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre.snippet .line { display:block; padding:0 12px 0 0; }
pre.snippet .line.hit { background:#2d3a48; }
pre.snippet .ln { display:inline-block; width:4em; text-align:right; padding-right:12px; color:#7d8b99; user-select:none; }
pre.snippet mark { background:#ffd54f; color:#1c2733; border-radius:2px; }
pre.snippet mark.label { background:#90caf9; }
.why { color:#37474f; font-size:14px; margin:4px 0; }
.fix { background:#e8f5e9; border-left:4px solid #2e7d32; padding:6px 10px; margin:6px 0; font-size:14px; }
.labels { font-size:13px; color:#37474f; margin:4px 0; }
.errors li { margin:4px 0; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.diagram { background:#fff; border-radius:8px; padding:12px; margin:12px 0; box-shadow:0 1px 2px rgba(0,0,0,.08); overflow-x:auto; }
.diagram h3 { margin-top:0; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.legend { font-size:13px; color:#37474f; }
.muted { color:#607d8b; }
footer { color:#607d8b; font-size:13px; padding:16px 32px; }
"#;

/// The whole page.
pub(crate) fn render(report: &Report, diagrams: &[Diagram], info: &PageInfo<'_>) -> String {
    let secrets: Vec<Vec<&str>> = report.files.iter().map(CheckedFile::secrets).collect();
    let mut page = String::with_capacity(64 * 1024);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str("<title>cofferdam report</title>\n<style>");
    page.push_str(STYLE);
    page.push_str("</style>\n</head>\n<body>\n");
    let inputs = if info.inputs.is_empty() {
        ".".to_owned()
    } else {
        info.inputs.join(" ")
    };
    let _ = write!(
        page,
        "<header class=\"top\"><h1>cofferdam report</h1><p>{} reviewed by cofferdam {}: {} \
         checked</p></header>\n<main>\n",
        escape(&inputs),
        env!("CARGO_PKG_VERSION"),
        super::plural(report.files_checked(), "file")
    );
    summary(report, info, &mut page);
    errors(report, &secrets, &mut page);
    findings(report, &secrets, &mut page);
    networks(diagrams, &mut page);
    page.push_str("</main>\n<footer>Generated by cofferdam ");
    page.push_str(env!("CARGO_PKG_VERSION"));
    page.push_str(
        ". Secret values are masked with <code>*</code>. Run <code>cofferdam rule CODE</code> \
         for the full documentation of a rule.</footer>\n</body>\n</html>\n",
    );
    page
}

fn score_class(score: u32) -> &'static str {
    match score {
        90.. => "good",
        60..=89 => "fair",
        _ => "poor",
    }
}

fn score_cell(score: u32) -> String {
    format!(
        "<td class=\"num\"><span class=\"bar\"><span class=\"{}\" style=\"width:{score}%\">\
         </span></span>{score}</td>",
        score_class(score)
    )
}

/// "2 high, 1 low", or "none".
fn counts_text(severities: &[Severity]) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|severity| {
            let count = severities.iter().filter(|s| *s == severity).count();
            (count > 0).then(|| format!("{count} {severity}"))
        })
        .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

fn summary(report: &Report, info: &PageInfo<'_>, page: &mut String) {
    page.push_str("<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">");
    let _ = write!(
        page,
        "<div class=\"card total\"><div class=\"n\">{}</div>findings</div>",
        report.findings.len()
    );
    for (severity, count) in report.counts() {
        let _ = write!(
            page,
            "<div class=\"card {severity}\"><div class=\"n\">{count}</div>{severity}</div>"
        );
    }
    page.push_str("</div>\n");
    let _ = write!(
        page,
        "<p>{} checked, {}",
        super::plural(report.files_checked(), "file"),
        super::plural(report.errors.len(), "error")
    );
    if report.suppressed > 0 {
        let _ = write!(page, ", {} suppressed inline", report.suppressed);
    }
    page.push_str(".</p>\n");
    let _ = write!(
        page,
        "<p class=\"formula\"><b>Score</b> = max(0, 100 &minus; {}&times;critical &minus; \
         {}&times;high &minus; {}&times;medium &minus; {}&times;low), counting the findings of \
         the service or practice; info findings do not lower it. 90 and above is shown green, \
         60 to 89 amber, below 60 red.</p>",
        weight(Severity::Critical),
        weight(Severity::High),
        weight(Severity::Medium),
        weight(Severity::Low)
    );

    // Per service (or per file for findings that belong to no service).
    let mut subjects: BTreeMap<(u8, String), Vec<Severity>> = BTreeMap::new();
    for service in info.services {
        subjects.entry((0, service.clone())).or_default();
    }
    for finding in &report.findings {
        let key = match &finding.diagnostic.service {
            Some(service) => (0, service.clone()),
            None => (1, report.path(finding).to_owned()),
        };
        subjects
            .entry(key)
            .or_default()
            .push(finding.diagnostic.severity);
    }
    let mut rows: Vec<(u32, &(u8, String), &Vec<Severity>)> = subjects
        .iter()
        .map(|(key, severities)| (score(severities.iter().copied()), key, severities))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    page.push_str("<div class=\"tables\">");
    page.push_str(
        "<table id=\"service-scores\"><caption><b>By service or container</b></caption>\
         <tr><th>service / file</th><th>findings</th><th>score</th></tr>",
    );
    if rows.is_empty() {
        page.push_str(
            "<tr><td colspan=\"3\" class=\"muted\">no services and no findings</td></tr>",
        );
    }
    for (score, (kind, name), severities) in rows {
        let label = if *kind == 0 {
            format!("<b>{}</b>", escape(name))
        } else {
            format!(
                "<code>{}</code> <span class=\"muted\">(no service)</span>",
                escape(name)
            )
        };
        let _ = write!(
            page,
            "<tr><td>{label}</td><td>{}</td>{}</tr>",
            counts_text(severities),
            score_cell(score)
        );
    }
    page.push_str("</table>");

    // Per practice.
    let mut practices: Vec<(u32, usize, Category, Vec<Severity>)> = Category::ALL
        .iter()
        .enumerate()
        .map(|(order, &category)| {
            let severities: Vec<Severity> = report
                .findings
                .iter()
                .filter(|finding| finding.diagnostic.rule.category == category)
                .map(|finding| finding.diagnostic.severity)
                .collect();
            (
                score(severities.iter().copied()),
                order,
                category,
                severities,
            )
        })
        .collect();
    practices.sort_by_key(|(score, order, _, _)| (*score, *order));
    page.push_str(
        "<table id=\"practice-scores\"><caption><b>By practice</b></caption>\
         <tr><th>practice</th><th>findings</th><th>score</th></tr>",
    );
    for (score, _, category, severities) in &practices {
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td>{}</tr>",
            category.as_str(),
            counts_text(severities),
            score_cell(*score)
        );
    }
    page.push_str("</table></div></section>\n");
}

fn errors(report: &Report, secrets: &[Vec<&str>], page: &mut String) {
    if report.errors.is_empty() {
        return;
    }
    page.push_str(
        "<section id=\"errors\"><h2>Errors</h2><p>These inputs could not be read or parsed \
         completely; their findings may be missing.</p><ul class=\"errors\">",
    );
    for error in &report.errors {
        let message = match error.file {
            Some(index) => scrub(&error.message, &secrets[index]),
            None => error.message.clone(),
        };
        let place = if error.located {
            format!("{}:{}:{}", error.path, error.start.line, error.start.column)
        } else {
            error.path.clone()
        };
        let _ = write!(
            page,
            "<li>{}: {} error: {}</li>",
            escape(&place),
            error.kind.as_str(),
            escape(&message)
        );
    }
    page.push_str("</ul></section>\n");
}

fn findings(report: &Report, secrets: &[Vec<&str>], page: &mut String) {
    page.push_str("<section id=\"findings\"><h2>Findings by file</h2>\n");
    if report.findings.is_empty() {
        page.push_str("<p class=\"muted\">No findings.</p>");
    }
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in &report.findings {
        by_file
            .entry(report.path(finding))
            .or_default()
            .push(finding);
    }
    for (number, (path, findings)) in by_file.iter().enumerate() {
        let severities: Vec<Severity> = findings
            .iter()
            .map(|finding| finding.diagnostic.severity)
            .collect();
        let _ = write!(
            page,
            "<details class=\"file\" id=\"file-{number}\" open><summary>{} \
             <span class=\"muted\">&mdash; {}: {}</span></summary>",
            escape(path),
            super::plural(findings.len(), "finding"),
            counts_text(&severities)
        );
        for finding in findings {
            render_finding(report, finding, &secrets[finding.file], page);
        }
        page.push_str("</details>\n");
    }
    page.push_str("</section>\n");
}

fn render_finding(report: &Report, finding: &Finding, secrets: &[&str], page: &mut String) {
    let diagnostic = &finding.diagnostic;
    let rule = diagnostic.rule;
    let _ = write!(
        page,
        "<article class=\"finding\"><div class=\"head\"><span class=\"sev {0}\">{0}</span>\
         <span class=\"code\">{1}</span><span class=\"name\">{2}</span>\
         <span class=\"cat\">{3}</span><span class=\"where\">{4}:{5}:{6}",
        diagnostic.severity,
        rule.code,
        rule.name,
        rule.category.as_str(),
        escape(report.path(finding)),
        finding.start.line,
        finding.start.column
    );
    if let Some(service) = &diagnostic.service {
        let _ = write!(page, " &middot; service <b>{}</b>", escape(service));
    }
    let _ = write!(
        page,
        "</span></div><p class=\"msg\">{}</p>",
        escape(&scrub(&diagnostic.message, secrets))
    );
    snippet(&report.files[finding.file], finding, page);
    if !diagnostic.labels.is_empty() {
        page.push_str("<ul class=\"labels\">");
        for label in &diagnostic.labels {
            let at = report.files[finding.file]
                .source
                .line_column(label.range.start());
            let _ = write!(
                page,
                "<li>line {}: {}</li>",
                at.line,
                escape(&scrub(&label.message, secrets))
            );
        }
        page.push_str("</ul>");
    }
    let why = super::why(rule);
    if !why.is_empty() {
        let _ = write!(page, "<p class=\"why\"><b>Why:</b> {}</p>", escape(&why));
    }
    if let Some(fix) = &diagnostic.fix {
        let kind = match fix.applicability {
            Applicability::Safe => "safe fix, applied by <code>--fix</code>",
            Applicability::Unsafe => "unsafe fix: may change behaviour",
            Applicability::DisplayOnly => "to do by hand",
        };
        let _ = write!(
            page,
            "<p class=\"fix\"><b>Fix</b> ({kind}): {}</p>",
            escape(&scrub(&fix.description, secrets))
        );
    }
    page.push_str("</article>\n");
}

/// The lines around a finding, masked, numbered, with its range and labels highlighted.
fn snippet(file: &CheckedFile, finding: &Finding, page: &mut String) {
    let source = &file.source;
    if source.text().is_empty() {
        return;
    }
    let diagnostic = &finding.diagnostic;
    let primary = diagnostic.range;
    let covered = diagnostic
        .labels
        .iter()
        .fold(primary, |range, label| range.cover(label.range));
    let lines_of = |range: TextRange| {
        let last = if range.is_empty() {
            range.start()
        } else {
            range.end() - 1
        };
        let first = source.line_index(range.start());
        (first, source.line_index(last).max(first))
    };
    let (mut first, mut last) = lines_of(covered);
    let mut labels = true;
    if last - first + 1 > MAX_SNIPPET_LINES {
        (first, last) = lines_of(primary);
        labels = false;
    }
    let first = first.saturating_sub(CONTEXT_LINES);
    let last = (last + CONTEXT_LINES).min(source.line_count() - 1);
    let window = source.line_start(first) as usize..source.line_range(last).end() as usize;
    let masked = MaskedWindow::new(source.text(), window.clone(), &file.redactions);
    let text = masked.text();

    // One mark per byte of the masked text: 0 none, 1 label, 2 primary.
    let mut marks = vec![0u8; text.len()];
    let mut paint = |range: TextRange, value: u8| {
        let (start, end) = (
            masked.map(range.start() as usize),
            masked.map(range.end() as usize),
        );
        for mark in &mut marks[start.min(text.len())..end.min(text.len())] {
            *mark = (*mark).max(value);
        }
    };
    if labels {
        for label in &diagnostic.labels {
            paint(label.range, 1);
        }
    }
    // An empty range (an insertion point) highlights the rest of its line, or the whole line
    // when it is at the end.
    let primary = if primary.is_empty() {
        let line = source.line_range(source.line_index(primary.start()));
        if primary.start() < line.end() {
            TextRange::new(primary.start(), line.end())
        } else {
            line
        }
    } else {
        primary
    };
    paint(primary, 2);
    let hit_lines = lines_of(primary);

    page.push_str("<pre class=\"snippet\">");
    let mut offset = 0;
    for (index, line) in text.split('\n').enumerate() {
        let number = first + index;
        let end = offset + line.len();
        let content = line.strip_suffix('\r').unwrap_or(line);
        let hit = (hit_lines.0..=hit_lines.1).contains(&number);
        let _ = write!(
            page,
            "<span class=\"line{}\"><span class=\"ln\">{}</span>",
            if hit { " hit" } else { "" },
            number + 1
        );
        let mut run_start = offset;
        let mut current = marks.get(offset).copied().unwrap_or(0);
        let content_end = offset + content.len();
        let mut position = offset;
        while position <= content_end {
            let mark = if position < content_end {
                marks[position]
            } else {
                u8::MAX
            };
            if mark != current || position == content_end {
                let piece = &text[run_start..position];
                if !piece.is_empty() {
                    match current {
                        2 => {
                            let _ = write!(page, "<mark>{}</mark>", escape(piece));
                        }
                        1 => {
                            let _ = write!(page, "<mark class=\"label\">{}</mark>", escape(piece));
                        }
                        _ => page.push_str(&escape(piece)),
                    }
                }
                run_start = position;
                current = mark;
            }
            if position == content_end {
                break;
            }
            // Advance by whole characters so that slices stay on boundaries.
            position += text[position..].chars().next().map_or(1, char::len_utf8);
        }
        page.push_str("</span>");
        offset = end + 1;
    }
    page.push_str("</pre>");
}

fn networks(diagrams: &[Diagram], page: &mut String) {
    page.push_str("<section id=\"networks\"><h2>Network reachability</h2>\n");
    if diagrams.is_empty() {
        page.push_str("<p class=\"muted\">No compose project was found.</p></section>\n");
        return;
    }
    page.push_str(
        "<p class=\"legend\">Services are boxes (blue: application, amber: data store, green: \
         edge proxy, red border: <code>network_mode: host</code>). Each network is a horizontal \
         line (dashed: internal); a dot joins a service to a network, and services on the same \
         network can reach each other. Ports published on the host hang between the host bar and \
         the service: red on all interfaces, orange on one address, grey on loopback only. A \
         dashed brown curve joins services that share a network namespace. Hover for details.\
         </p>\n",
    );
    for diagram in diagrams {
        let _ = write!(
            page,
            "<div class=\"diagram\"><h3>{}</h3>",
            escape(&diagram.project)
        );
        match &diagram.content {
            DiagramContent::Drawn { svg, paths } => {
                page.push_str(svg);
                if paths.is_empty() {
                    page.push_str("<p class=\"muted\">No service reaches another.</p>");
                } else {
                    page.push_str("<table class=\"paths\"><tr><th>path</th><th>through</th></tr>");
                    for (path, how) in paths {
                        let _ = write!(
                            page,
                            "<tr><td>{}</td><td>{}</td></tr>",
                            escape(path),
                            escape(how)
                        );
                    }
                    page.push_str("</table>");
                }
            }
            DiagramContent::Omitted(reason) => {
                let _ = write!(page, "<p class=\"muted\">{}</p>", escape(reason));
            }
        }
        page.push_str("</div>\n");
    }
    page.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::Severity;

    use super::{escape, score};

    #[test]
    fn scores_subtract_weights_and_stop_at_zero() {
        assert_eq!(score([]), 100);
        assert_eq!(score([Severity::High, Severity::Low, Severity::Info]), 89);
        assert_eq!(score([Severity::Medium; 3]), 88);
        assert_eq!(score([Severity::Critical; 5]), 0);
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
