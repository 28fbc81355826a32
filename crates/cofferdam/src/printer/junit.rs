//! `--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure
//! Pipelines, test-report actions).
//!
//! Each checked file is a `testsuite` named by its path; each finding is a `testcase` whose
//! class is the rule (`USR001 last-user-root`) and whose name is the position and message. A
//! finding at or above `--fail-on` is a `failure`, so the report fails exactly when the exit
//! status does; one below it is a passing testcase that still carries the finding in its
//! output. A file without findings has one passing `no findings` testcase, so that its suite
//! is not empty. Unreadable and unparsable files are testcases with an `error`. The XML is
//! written by quick-junit, which escapes and drops characters XML cannot hold.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use cofferdam_diagnostics::{Applicability, RuleMeta};
use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use crate::mask::scrub;
use crate::report::{CheckedFile, FileError, Finding, Report};
use crate::resolve::CheckSettings;

/// The class of testcases that are about a file rather than a rule.
const TOOL_CLASS: &str = "cofferdam";

pub(super) fn print(
    report: &Report,
    settings: &CheckSettings,
    out: &mut dyn Write,
) -> io::Result<()> {
    let xml = render(report, settings)?;
    out.write_all(xml.as_bytes())
}

fn render(report: &Report, settings: &CheckSettings) -> io::Result<String> {
    let secrets: Vec<Vec<&str>> = report.files.iter().map(CheckedFile::secrets).collect();
    // Suites by path; a path can have findings, errors or both.
    let mut suites: BTreeMap<&str, Suite<'_>> = BTreeMap::new();
    for file in &report.files {
        suites.entry(file.source.name()).or_default();
    }
    for finding in &report.findings {
        suites
            .entry(report.path(finding))
            .or_default()
            .findings
            .push(finding);
    }
    for error in &report.errors {
        suites
            .entry(error.path.as_str())
            .or_default()
            .errors
            .push(error);
    }

    let mut junit = quick_junit::Report::new("cofferdam");
    for (path, suite) in suites {
        let mut test_suite = TestSuite::new(path);
        // Errors first: like the other formats, an error may explain the findings after it.
        for error in suite.errors {
            let secrets = error.file.map_or(&[][..], |file| secrets[file].as_slice());
            test_suite.add_test_case(error_case(error, secrets));
        }
        for finding in &suite.findings {
            let secrets = &secrets[finding.file];
            test_suite.add_test_case(finding_case(report, finding, secrets, settings));
        }
        if suite.findings.is_empty() && test_suite.test_cases.is_empty() {
            let mut case = TestCase::new("no findings", TestCaseStatus::success());
            case.set_classname(TOOL_CLASS);
            case.extra.insert("file".into(), path.into());
            test_suite.add_test_case(case);
        }
        junit.add_test_suite(test_suite);
    }
    junit.to_string().map_err(io::Error::other)
}

#[derive(Default)]
struct Suite<'a> {
    findings: Vec<&'a Finding>,
    errors: Vec<&'a FileError>,
}

fn finding_case(
    report: &Report,
    finding: &Finding,
    secrets: &[&str],
    settings: &CheckSettings,
) -> TestCase {
    let diagnostic = &finding.diagnostic;
    let rule = diagnostic.rule;
    let path = report.path(finding);
    let message = scrub(&diagnostic.message, secrets);
    let position = format!("{}:{}", finding.start.line, finding.start.column);
    let details = details(path, &position, finding, &message, secrets);
    let status = if diagnostic.severity >= settings.fail_on {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status
            .set_message(message.as_str())
            .set_type(diagnostic.severity.as_str())
            .set_description(details.as_str());
        status
    } else {
        TestCaseStatus::success()
    };
    let passed = matches!(status, TestCaseStatus::Success { .. });
    let mut case = TestCase::new(format!("{position} {message}"), status);
    case.set_classname(class(rule));
    // The attributes pytest writes; test-report actions use them to annotate the line.
    case.extra.insert("file".into(), path.into());
    case.extra
        .insert("line".into(), finding.start.line.to_string().into());
    case.add_properties([
        Property::new("severity", diagnostic.severity.as_str()),
        Property::new("category", rule.category.as_str()),
    ]);
    if let Some(service) = &diagnostic.service {
        case.add_property(Property::new("service", service.as_str()));
    }
    if passed {
        // Below the threshold the finding passes but is not lost.
        case.set_system_out(details);
    }
    case
}

/// `USR001 last-user-root`.
fn class(rule: &RuleMeta) -> String {
    format!("{} {}", rule.code, rule.name)
}

/// The body of a failure: where, what, why and how to fix it.
fn details(
    path: &str,
    position: &str,
    finding: &Finding,
    message: &str,
    secrets: &[&str],
) -> String {
    let diagnostic = &finding.diagnostic;
    let rule = diagnostic.rule;
    let mut text = format!(
        "{path}:{position}: {} {} {}: {message}\n",
        diagnostic.severity, rule.code, rule.name
    );
    // Writing to a `String` cannot fail.
    if let Some(service) = &diagnostic.service {
        let _ = writeln!(text, "service: {service}");
    }
    let why = super::why(rule);
    if !why.is_empty() {
        let _ = writeln!(text, "why: {why}");
    }
    if let Some(fix) = &diagnostic.fix {
        let description = scrub(&fix.description, secrets);
        let _ = match fix.applicability {
            Applicability::Safe => writeln!(text, "fix: {description} [safe fix]"),
            Applicability::Unsafe => writeln!(text, "fix: {description} [unsafe fix]"),
            Applicability::DisplayOnly => writeln!(text, "fix: {description}"),
        };
    }
    let _ = write!(text, "rule: cofferdam rule {}", rule.code);
    text
}

fn error_case(error: &FileError, secrets: &[&str]) -> TestCase {
    let message = scrub(&error.message, secrets);
    let kind = match error.kind {
        crate::report::ErrorKind::Syntax => "syntax error",
        crate::report::ErrorKind::Io => "unreadable",
    };
    let name = if error.located {
        format!("{}:{} {kind}", error.start.line, error.start.column)
    } else {
        kind.to_owned()
    };
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    let location = if error.located {
        format!("{}:{}:{}", error.path, error.start.line, error.start.column)
    } else {
        error.path.clone()
    };
    status
        .set_message(message.as_str())
        .set_type(error.kind.as_str())
        .set_description(format!("{location}: {message}"));
    let mut case = TestCase::new(name, status);
    case.set_classname(TOOL_CLASS);
    case.extra.insert("file".into(), error.path.as_str().into());
    if error.located {
        case.extra
            .insert("line".into(), error.start.line.to_string().into());
    }
    case
}
