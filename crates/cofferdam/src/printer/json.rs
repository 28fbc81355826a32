//! `--format json`: one object, `{"tool","version","findings","errors","summary"}`.
//!
//! The field names are a contract (DESIGN.md): other tools parse them. Positions are 1-based and
//! `end_column` is exclusive, as in SARIF. `fix` and `service` appear only when present.

use std::io::{self, Write};

use serde::Serialize;

use crate::mask::scrub;
use crate::report::Report;

#[derive(Serialize)]
struct Output<'a> {
    tool: &'static str,
    version: &'static str,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
    /// `audit` only: the containers reviewed.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    containers: &'a [crate::report::ContainerSummary],
    /// What the run could not look at.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    notes: &'a [String],
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    name: &'static str,
    category: &'static str,
    severity: &'static str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<&'a str>,
    /// `audit` only: the container the finding is about, and where its settings are changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    container: Option<JsonContainer<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix>,
}

#[derive(Serialize)]
struct JsonContainer<'a> {
    /// The short id.
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    compose_project: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compose_service: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    compose_files: &'a [String],
}

#[derive(Serialize)]
struct JsonFix {
    applicability: &'static str,
    description: String,
}

#[derive(Serialize)]
struct JsonError<'a> {
    /// `syntax` or `io`.
    kind: &'static str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: String,
}

#[derive(Serialize)]
struct Summary {
    files_checked: usize,
    findings: usize,
    errors: usize,
    /// Findings silenced by inline suppressions.
    suppressed: usize,
    by_severity: BySeverity,
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

pub(super) fn print(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let secrets: Vec<Vec<&str>> = report.files.iter().map(|file| file.secrets()).collect();
    let findings = report
        .findings
        .iter()
        .map(|finding| {
            let diagnostic = &finding.diagnostic;
            let secrets = &secrets[finding.file];
            JsonFinding {
                rule: diagnostic.rule.code,
                name: diagnostic.rule.name,
                category: diagnostic.rule.category.as_str(),
                severity: diagnostic.severity.as_str(),
                path: report.path(finding),
                line: finding.start.line,
                column: finding.start.column,
                end_line: finding.end.line,
                end_column: finding.end.column,
                message: scrub(&diagnostic.message, secrets),
                service: diagnostic.service.as_deref(),
                container: report
                    .containers
                    .iter()
                    .find(|container| {
                        diagnostic.service.as_deref() == Some(container.name.as_str())
                            && container.path == report.path(finding)
                    })
                    .map(|container| JsonContainer {
                        id: &container.id,
                        compose_project: container.compose_project.as_deref(),
                        compose_service: container.compose_service.as_deref(),
                        compose_files: &container.compose_files,
                    }),
                fix: diagnostic.fix.as_ref().map(|fix| JsonFix {
                    applicability: fix.applicability.as_str(),
                    description: scrub(&fix.description, secrets),
                }),
            }
        })
        .collect();
    let errors = report
        .errors
        .iter()
        .map(|error| JsonError {
            kind: error.kind.as_str(),
            path: &error.path,
            line: error.start.line,
            column: error.start.column,
            end_line: error.end.line,
            end_column: error.end.column,
            message: error.file.map_or_else(
                || error.message.clone(),
                |file| scrub(&error.message, &secrets[file]),
            ),
        })
        .collect();
    let [critical, high, medium, low, info] = report.counts().map(|(_, count)| count);
    let output = Output {
        tool: "cofferdam",
        version: env!("CARGO_PKG_VERSION"),
        findings,
        errors,
        containers: &report.containers,
        notes: &report.notes,
        summary: Summary {
            files_checked: report.files_checked(),
            findings: report.findings.len(),
            errors: report.errors.len(),
            suppressed: report.suppressed,
            by_severity: BySeverity {
                critical,
                high,
                medium,
                low,
                info,
            },
        },
    };
    // Serializing into memory and writing once is cheaper than serde_json's many small writes,
    // each of which would go through the `dyn Write` and the buffered writer behind it.
    let mut bytes = serde_json::to_vec_pretty(&output).map_err(io::Error::from)?;
    bytes.push(b'\n');
    out.write_all(&bytes)
}
