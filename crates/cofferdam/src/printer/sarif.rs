//! `--format sarif`: one SARIF 2.1.0 log with one run, as GitHub code scanning and other SARIF
//! viewers read it.
//!
//! - `tool.driver.rules` describes each rule that has a result, from the rule's own
//!   documentation (the record `cofferdam rule CODE` prints), with GitHub's
//!   `security-severity` and `security` tag so that results are filed as security alerts.
//! - Results point at files relative to `%SRCROOT%` (the current directory) when they are
//!   under it; `audit`'s engine documents (`container:web`) become logical locations.
//! - `partialFingerprints` identify a finding across runs while lines move: a hash of the rule,
//!   the file and the masked, trimmed text of the finding's first line, plus the occurrence of
//!   that triple in the file.
//! - Syntax and I/O errors are tool execution notifications, and `executionSuccessful` is false
//!   when there is one, matching exit status 2.
//!
//! The log is built from plain serde structs: only the subset of SARIF that cofferdam fills is
//! modelled, and the tests validate the output against the official schema.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};

use cofferdam_diagnostics::{LineColumn, RuleMeta, Severity, SourceFile, TextRange};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::artifact::{self, Artifact, Artifacts};
use crate::mask::{MaskedWindow, scrub};
use crate::report::{CheckedFile, Finding, Report};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// The key of cofferdam's own fingerprint; the version changes if the recipe ever does.
const FINGERPRINT_KEY: &str = "cofferdamFindingHash/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    results: Vec<SarifResult>,
    /// Columns count Unicode scalar values (`LineColumn`).
    column_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties<'a>>,
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

/// `audit`'s per-container summaries, as `--format json` gives them.
#[derive(Serialize)]
struct RunProperties<'a> {
    containers: &'a [crate::report::ContainerSummary],
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    tags: Vec<&'static str>,
    /// GitHub's severity score (a number as a string, as GitHub documents it).
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    precision: &'static str,
    /// `tool:id` of the equivalent checks of hadolint, Trivy, KICS and the CIS benchmark.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    /// Exclusive, as cofferdam's own `end_column`.
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fully_qualified_name: Option<String>,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: [ArtifactChange; 1],
    properties: FixProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: &'static str,
}

#[derive(Serialize)]
struct ResultProperties {
    severity: &'static str,
    category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<ResultFix>,
}

#[derive(Serialize)]
struct ResultFix {
    applicability: &'static str,
    description: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    descriptor: Option<DescriptorReference>,
}

#[derive(Serialize)]
struct DescriptorReference {
    id: &'static str,
}

pub(super) fn print(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let log = build(report, &Artifacts::current());
    let mut bytes = serde_json::to_vec_pretty(&log).map_err(io::Error::from)?;
    bytes.push(b'\n');
    out.write_all(&bytes)
}

fn build<'a>(report: &'a Report, artifacts: &Artifacts) -> Log<'a> {
    let secrets: Vec<Vec<&str>> = report.files.iter().map(CheckedFile::secrets).collect();
    let located: Vec<Located> = report
        .files
        .iter()
        .map(|file| Located::new(artifacts, file.source.name()))
        .collect();

    // One descriptor per rule with a result, by code; a rule's severity is the highest its
    // results have (they differ only when a rule grades its findings).
    let mut rules: BTreeMap<&'static str, (&'static RuleMeta, Severity)> = BTreeMap::new();
    for finding in &report.findings {
        let rule = finding.diagnostic.rule;
        let severity = finding.diagnostic.severity;
        rules
            .entry(rule.code)
            .and_modify(|(_, highest)| *highest = (*highest).max(severity))
            .or_insert((rule, severity));
    }
    let indices: HashMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(index, code)| (*code, index))
        .collect();

    let mut occurrences: HashMap<(usize, &str, String), usize> = HashMap::new();
    let results = report
        .findings
        .iter()
        .map(|finding| {
            let file = &report.files[finding.file];
            let location = &located[finding.file];
            let secrets = &secrets[finding.file];
            let line = masked_line(file, finding.diagnostic.range.start());
            let occurrence = occurrences
                .entry((finding.file, finding.diagnostic.rule.code, line.clone()))
                .and_modify(|count| *count += 1)
                .or_insert(1);
            let fingerprint = fingerprint(
                finding.diagnostic.rule.code,
                location.identity(),
                &line,
                *occurrence,
            );
            result(
                finding,
                file,
                location,
                secrets,
                indices[finding.diagnostic.rule.code],
                fingerprint,
            )
        })
        .collect();

    let mut notifications: Vec<Notification> = report
        .errors
        .iter()
        .map(|error| {
            let message = error.file.map_or_else(
                || error.message.clone(),
                |file| scrub(&error.message, &secrets[file]),
            );
            let location = error.file.map_or_else(
                || Located::new(artifacts, &error.path),
                |file| located[file].clone(),
            );
            let region = error.located.then_some(Region {
                start_line: error.start.line,
                start_column: error.start.column,
                end_line: error.end.line,
                end_column: error.end.column,
            });
            Notification {
                level: "error",
                message: Text { text: message },
                locations: vec![location.location(region)],
                descriptor: Some(DescriptorReference {
                    id: error.kind.as_str(),
                }),
            }
        })
        .collect();
    notifications.extend(report.notes.iter().map(|note| Notification {
        level: "note",
        message: Text { text: note.clone() },
        locations: Vec::new(),
        descriptor: None,
    }));

    let mut base_ids = BTreeMap::new();
    if let Some(uri) = artifacts.base_uri() {
        base_ids.insert(SRCROOT, BaseUri { uri });
    }
    let version = env!("CARGO_PKG_VERSION");
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "cofferdam",
                    version,
                    semantic_version: version,
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: rules
                        .values()
                        .map(|(rule, severity)| descriptor(rule, *severity))
                        .collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: base_ids,
            results,
            column_kind: "unicodeCodePoints",
            properties: (!report.containers.is_empty()).then_some(RunProperties {
                containers: &report.containers,
            }),
        }],
    }
}

/// A report file as SARIF locates it.
#[derive(Clone)]
enum Located {
    File(ArtifactLocation),
    /// An engine document, by its name.
    Document(String),
}

impl Located {
    fn new(artifacts: &Artifacts, name: &str) -> Self {
        let artifact = artifacts.locate(name);
        match artifact::uri(&artifact) {
            Some(uri) => Located::File(ArtifactLocation {
                uri,
                uri_base_id: matches!(artifact, Artifact::Relative(_)).then_some(SRCROOT),
            }),
            None => Located::Document(name.to_owned()),
        }
    }

    /// What the fingerprint hashes for the file: its URI, so that the same checkout gives the
    /// same value wherever it lives.
    fn identity(&self) -> &str {
        match self {
            Located::File(location) => &location.uri,
            Located::Document(name) => name,
        }
    }

    fn location(&self, region: Option<Region>) -> Location {
        match self {
            Located::File(artifact_location) => Location {
                physical_location: Some(PhysicalLocation {
                    artifact_location: artifact_location.clone(),
                    region,
                }),
                logical_locations: Vec::new(),
            },
            // The region would point into JSON that exists only in this run's memory.
            Located::Document(name) => Location {
                physical_location: None,
                logical_locations: vec![LogicalLocation {
                    name: name
                        .split_once(':')
                        .map_or(name.as_str(), |(_, rest)| rest)
                        .to_owned(),
                    fully_qualified_name: Some(name.clone()),
                    kind: "resource",
                }],
            },
        }
    }
}

fn result(
    finding: &Finding,
    file: &CheckedFile,
    location: &Located,
    secrets: &[&str],
    rule_index: usize,
    fingerprint: String,
) -> SarifResult {
    let diagnostic = &finding.diagnostic;
    let mut primary = location.location(Some(region(file, finding.start, finding.end)));
    if let Some(service) = &diagnostic.service {
        primary.logical_locations.push(LogicalLocation {
            name: service.clone(),
            fully_qualified_name: None,
            kind: "resource",
        });
    }
    let fixes = match (&diagnostic.fix, location) {
        (Some(fix), Located::File(artifact_location))
            if !fix.edits.is_empty()
                // An edit that would write a secret is not shown: scrubbing it would make the
                // replacement wrong.
                && !fix.edits.iter().any(|edit| {
                    secrets.iter().any(|secret| edit.content.contains(secret))
                }) =>
        {
            let source = &file.source;
            let replacements = fix
                .edits
                .iter()
                .map(|edit| Replacement {
                    deleted_region: position_region(source, edit.range),
                    inserted_content: Text {
                        text: edit.content.clone(),
                    },
                })
                .collect();
            vec![SarifFix {
                description: Text {
                    text: scrub(&fix.description, secrets),
                },
                artifact_changes: [ArtifactChange {
                    artifact_location: artifact_location.clone(),
                    replacements,
                }],
                properties: FixProperties {
                    applicability: fix.applicability.as_str(),
                },
            }]
        }
        _ => Vec::new(),
    };
    let mut partial_fingerprints = BTreeMap::new();
    partial_fingerprints.insert(FINGERPRINT_KEY, fingerprint);
    SarifResult {
        rule_id: diagnostic.rule.code,
        rule_index,
        level: level(diagnostic.severity),
        message: Text {
            text: scrub(&diagnostic.message, secrets),
        },
        locations: vec![primary],
        partial_fingerprints,
        fixes,
        properties: ResultProperties {
            severity: diagnostic.severity.as_str(),
            category: diagnostic.rule.category.as_str(),
            service: diagnostic.service.clone(),
            fix: diagnostic.fix.as_ref().map(|fix| ResultFix {
                applicability: fix.applicability.as_str(),
                description: scrub(&fix.description, secrets),
            }),
        },
    }
}

/// A finding's region. A span that ends right after a line break ends at the end of that line
/// instead, so that viewers do not highlight the next line.
fn region(file: &CheckedFile, start: LineColumn, end: LineColumn) -> Region {
    let end = if end.column == 1 && end.line > start.line {
        let line = end.line as usize - 2;
        let length = file.source.line_text(line).chars().count();
        LineColumn {
            line: end.line - 1,
            column: u32::try_from(length + 1).expect("line length fits in u32"),
        }
    } else {
        end
    };
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// The exact region of an edit (an empty one is an insertion point).
fn position_region(source: &SourceFile, range: TextRange) -> Region {
    let start = source.line_column(range.start());
    let end = source.line_column(range.end());
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// The line holding `offset`, secrets masked, without surrounding whitespace: what a finding's
/// fingerprint depends on besides the rule and the file.
fn masked_line(file: &CheckedFile, offset: u32) -> String {
    let source = &file.source;
    let range = source.line_range(source.line_index(offset));
    MaskedWindow::new(source.text(), range.to_std(), &file.redactions)
        .text()
        .trim()
        .to_owned()
}

/// `<first 16 bytes of SHA-256(rule, file, line) in hex>:<occurrence>`; the parts are joined
/// with NUL, which none of them contains.
fn fingerprint(code: &str, file: &str, line: &str, occurrence: usize) -> String {
    let mut hasher = Sha256::new();
    for part in [code, file, line] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let mut text = String::with_capacity(40);
    for byte in &digest[..16] {
        // Writing to a `String` cannot fail.
        let _ = write!(text, "{byte:02x}");
    }
    let _ = write!(text, ":{occurrence}");
    text
}

fn descriptor(rule: &'static RuleMeta, severity: Severity) -> Descriptor {
    let summary = rule.summary();
    // What the rule checks and why it matters, laid out as the documentation has them.
    let what = rule.section("What it does");
    let why = rule.section("Why is this bad?");
    let full = if why.is_empty() {
        what
    } else {
        format!("{what}\n\n{why}")
    };
    let documentation = rule.documentation();
    let mut tags = vec!["security", rule.category.as_str()];
    // Keep the tag list small and meaningful: the inputs the rule reads.
    tags.extend(rule.inputs.iter().map(|input| input.as_str()));
    Descriptor {
        id: rule.code,
        name: rule.name,
        short_description: Text { text: summary },
        full_description: Text { text: full },
        help: Help {
            text: documentation.clone(),
            markdown: documentation,
        },
        help_uri: reference_url(rule),
        default_configuration: Configuration {
            level: level(severity),
        },
        properties: DescriptorProperties {
            tags,
            security_severity: security_severity(severity),
            precision: "high",
            aliases: rule.aliases.iter().map(ToString::to_string).collect(),
        },
    }
}

/// The first web address under the rule's "References" heading.
fn reference_url(rule: &RuleMeta) -> Option<String> {
    let references = rule.section("References");
    let start = references.find("https://")?;
    let url: String = references[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '>' | ')' | ']' | '"' | '\''))
        .collect();
    Some(url.trim_end_matches(['.', ',', ';']).to_owned())
}

/// SARIF's level: critical and high fail a build as errors, medium warns, low and info are
/// notes.
const fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score: above 9.0 is critical, 7.0-8.9 high, 4.0-6.9 medium,
/// 0.1-3.9 low.
const fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::{LineColumn, SourceFile, TextRange};
    use cofferdam_linter::rules::RULES;

    use super::{fingerprint, masked_line, reference_url, region};
    use crate::report::CheckedFile;

    fn file(text: &str, redactions: Vec<TextRange>) -> CheckedFile {
        CheckedFile {
            source: SourceFile::new("Dockerfile", text),
            redactions,
        }
    }

    #[test]
    fn a_span_ending_after_a_line_break_ends_on_its_line() {
        let file = file("FROM a\nRUN ünï\nUSER b\n", Vec::new());
        let at = |line, column| LineColumn { line, column };
        let whole_line = region(&file, at(2, 1), at(3, 1));
        assert_eq!(
            (whole_line.end_line, whole_line.end_column),
            (2, 8),
            "`RUN ünï` is 7 characters"
        );
        let inside = region(&file, at(2, 5), at(2, 8));
        assert_eq!((inside.end_line, inside.end_column), (2, 8));
        let empty = region(&file, at(3, 1), at(3, 1));
        assert_eq!((empty.end_line, empty.end_column), (3, 1));
    }

    #[test]
    fn the_fingerprinted_line_is_masked() {
        let text = "FROM a\n  ENV TOKEN=hunter22  \n";
        let file = file(text, vec![TextRange::new(19, 27)]);
        assert_eq!(masked_line(&file, 20), "ENV TOKEN=********");
    }

    #[test]
    fn fingerprints_depend_on_rule_file_line_and_occurrence() {
        let base = fingerprint("USR001", "Dockerfile", "USER root", 1);
        assert_eq!(base, fingerprint("USR001", "Dockerfile", "USER root", 1));
        assert_eq!(base.len(), 32 + 2);
        assert!(base.ends_with(":1"));
        for other in [
            fingerprint("USR002", "Dockerfile", "USER root", 1),
            fingerprint("USR001", "app/Dockerfile", "USER root", 1),
            fingerprint("USR001", "Dockerfile", "USER 0", 1),
            fingerprint("USR001", "Dockerfile", "USER root", 2),
            // The separator keeps the parts apart.
            fingerprint("USR001D", "ockerfile", "USER root", 1),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn help_uri_is_the_first_reference_url() {
        let rule = RULES
            .iter()
            .find(|rule| rule.meta.code == "USR001")
            .expect("USR001 exists");
        assert_eq!(
            reference_url(rule.meta).as_deref(),
            Some("https://docs.docker.com/reference/dockerfile/#user")
        );
    }
}
