//! The formats for other tools and people — SARIF, JUnit, GitHub annotations, Markdown — run
//! through the binary: valid against their
//! specification, the same findings as `--format json`, stable identities, and never a secret.

mod common;

use common::Run;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use serde_json::Value;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The workspace root, which holds `examples/`.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

fn cofferdam(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("the binary runs");
    Run::of(output)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("invalid JSON ({error}):\n{text}"))
}

fn assert_no_secret(format: &str, run: &Run) {
    for needle in [SECRET, "wJalrXUtnFEMI", "EXAMPLEKEY"] {
        assert!(
            !run.stdout.contains(needle) && !run.stderr.contains(needle),
            "{format} leaked the secret:\n{}",
            run.stdout
        );
    }
}

// --- sarif --------------------------------------------------------------------------------

/// The official SARIF 2.1.0 schema (draft-04), vendored; its `$ref`s are all local, and the
/// draft's meta-schema ships with the validator, so nothing is fetched.
static SARIF_SCHEMA: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema = json(&fs::read_to_string(path).expect("vendored schema"));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
});

/// Runs cofferdam with `--format sarif`, checks the log against the schema and returns it.
fn sarif(dir: &Path, args: &[&str]) -> (i32, Value) {
    let run = cofferdam(dir, &[args, &["--format", "sarif"]].concat());
    let log = json(&run.stdout);
    let errors: Vec<String> = SARIF_SCHEMA
        .iter_errors(&log)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "invalid SARIF:\n{}\n{}",
        errors.join("\n"),
        run.stdout
    );
    (run.code, log)
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

fn fingerprints(log: &Value) -> Vec<(String, String)> {
    results(log)
        .iter()
        .map(|result| {
            (
                result["ruleId"].as_str().unwrap().to_owned(),
                result["partialFingerprints"]["cofferdamFindingHash/v1"]
                    .as_str()
                    .expect("a fingerprint")
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
fn sarif_the_validator_rejects_what_the_schema_forbids() {
    // The validation below is only worth something if it can fail.
    let bad = serde_json::json!({
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x", "informationUri": "not a uri"}},
                  "results": [{"message": {}, "level": "fatal"}]}]
    });
    assert!(SARIF_SCHEMA.iter_errors(&bad).count() >= 2);
}

#[test]
fn sarif_with_zero_results_is_valid() {
    let (code, log) = sarif(
        &fixtures(),
        &["check", "nonroot.Dockerfile", "--select", "USR001"],
    );
    assert_eq!(code, 0);
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["results"], serde_json::json!([]));
    assert_eq!(run["tool"]["driver"]["name"], "cofferdam");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["tool"]["driver"]["rules"], serde_json::json!([]));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

/// The examples project: every finding of `--format json` is a result at the same place, with
/// a descriptor for its rule, GitHub's severity mapping and a relative URI.
#[test]
fn sarif_examples_match_the_json_findings() {
    let root = workspace();
    let (code, log) = sarif(&root, &["check", "examples"]);
    let plain = json(&cofferdam(&root, &["check", "examples", "--format", "json"]).stdout);
    assert_eq!(code, 1);
    let findings = plain["findings"].as_array().unwrap();
    let results = results(&log);
    assert!(findings.len() > 50, "the examples have many findings");
    assert_eq!(results.len(), findings.len());

    let run = &log["runs"][0];
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert_eq!(
        base,
        format!("file://{}/", root.display()),
        "%SRCROOT% is the current directory"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "one descriptor per rule, by code");

    // A rule that grades its findings is described at the highest severity it reported.
    let rank = |severity: &str| {
        ["info", "low", "medium", "high", "critical"]
            .iter()
            .position(|word| *word == severity)
            .expect("a severity word")
    };
    let mut highest: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for finding in findings {
        let severity = finding["severity"].as_str().unwrap();
        let entry = highest
            .entry(finding["rule"].as_str().unwrap())
            .or_insert(severity);
        if rank(severity) > rank(entry) {
            *entry = severity;
        }
    }
    let mapping = |severity: &str| match severity {
        "critical" => ("error", "9.5"),
        "high" => ("error", "8.0"),
        "medium" => ("warning", "5.5"),
        "low" => ("note", "3.0"),
        "info" => ("note", "1.0"),
        other => panic!("severity {other}"),
    };
    assert_eq!(
        highest.len(),
        rules.len(),
        "a descriptor per rule with a result"
    );

    for (finding, result) in findings.iter().zip(results) {
        assert_eq!(result["ruleId"], finding["rule"]);
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], finding["rule"]);
        assert_eq!(rule["name"], finding["name"]);
        assert_eq!(
            result["level"],
            mapping(finding["severity"].as_str().unwrap()).0
        );
        assert_eq!(result["properties"]["severity"], finding["severity"]);
        let (level, score) = mapping(highest[finding["rule"].as_str().unwrap()]);
        assert_eq!(rule["properties"]["security-severity"], score);
        assert_eq!(rule["defaultConfiguration"]["level"], level);
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.contains(&Value::from("security")));
        assert!(tags.contains(&finding["category"]));
        assert_eq!(result["message"]["text"], finding["message"]);

        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(location["artifactLocation"]["uri"], finding["path"]);
        let region = &location["region"];
        assert_eq!(region["startLine"], finding["line"]);
        assert_eq!(region["startColumn"], finding["column"]);
        if finding["end_column"] == 1 && finding["end_line"] != finding["line"] {
            // A span ending after a line break ends at the end of that line instead.
            assert_eq!(
                region["endLine"].as_u64().unwrap() + 1,
                finding["end_line"].as_u64().unwrap()
            );
        } else {
            assert_eq!(region["endLine"], finding["end_line"]);
            assert_eq!(region["endColumn"], finding["end_column"]);
        }
    }

    // Descriptors carry the rule documentation.
    let privileged = rules
        .iter()
        .find(|rule| rule["id"] == "PRV001")
        .expect("the examples run a privileged container");
    assert!(
        privileged["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why is this bad?")
    );
    assert!(
        !privileged["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert!(
        privileged["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .len()
            > privileged["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .len()
    );

    // Fixes with edits are offered as SARIF fixes on the finding's file.
    let fixes: Vec<&Value> = results
        .iter()
        .filter_map(|result| result.get("fixes"))
        .collect();
    assert!(!fixes.is_empty(), "some examples findings have edits");
    for (finding, result) in findings.iter().zip(results) {
        if let Some(fixes) = result.get("fixes") {
            let change = &fixes[0]["artifactChanges"][0];
            assert_eq!(change["artifactLocation"]["uri"], finding["path"]);
            assert_eq!(
                fixes[0]["properties"]["applicability"],
                finding["fix"]["applicability"]
            );
            assert_eq!(
                fixes[0]["description"]["text"],
                finding["fix"]["description"]
            );
        }
    }

    // Every finding has its own identity.
    let mut all = fingerprints(&log);
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count, "fingerprints are unique");
}

/// Paths are relative to where cofferdam runs, however they were given; a file outside it keeps
/// an absolute `file://` URI.
#[test]
fn sarif_uris_are_relative_to_the_current_directory() {
    let root = workspace();
    let shop = root.join("examples/shop");
    let dockerfile = shop.join("Dockerfile");
    let (_, log) = sarif(&shop, &["check", dockerfile.to_str().unwrap()]);
    let location = &results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "Dockerfile");
    assert_eq!(location["uriBaseId"], "%SRCROOT%");

    let (_, log) = sarif(
        &fixtures(),
        &["check", "../../../../examples/shop/Dockerfile"],
    );
    let location = &results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(
        location["uri"],
        format!("file://{}", dockerfile.display()).as_str()
    );
    assert!(location.get("uriBaseId").is_none());
}

#[test]
fn sarif_masks_secrets() {
    let args = [
        "check",
        "secret.Dockerfile",
        "--select",
        "ALL",
        "--format",
        "sarif",
    ];
    let run = cofferdam(&fixtures(), &args);
    assert_eq!(run.code, 1);
    assert_no_secret("sarif", &run);
    // The secret finding itself is there, and so are fingerprints of its (masked) line.
    let (_, log) = sarif(&fixtures(), &args[..4]);
    assert!(
        results(&log)
            .iter()
            .any(|result| result["properties"]["category"] == "secrets"),
        "{log}"
    );
}

/// A finding keeps its fingerprint when lines are inserted above it; equal lines are told apart
/// by their occurrence; a changed line is a new finding.
#[test]
fn sarif_fingerprints_survive_line_moves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |text: &str| fs::write(dir.path().join("Dockerfile"), text).expect("write");
    let run = || {
        sarif(
            dir.path(),
            &["check", "Dockerfile", "--select", "IMG002,USR001"],
        )
        .1
    };

    write("FROM alpine:latest\nFROM alpine:latest\nUSER root\n");
    let before = run();
    let first = fingerprints(&before);
    assert_eq!(first.len(), 3, "{before}");
    assert_eq!(first[0].0, first[1].0);
    assert_ne!(first[0].1, first[1].1, "equal lines differ by occurrence");

    write(
        "# syntax=docker/dockerfile:1\n\n# base image\nFROM alpine:latest\nFROM alpine:latest\nUSER root\n",
    );
    let after = run();
    assert_eq!(fingerprints(&after), first);
    let line = |log: &Value| {
        results(log)[2]["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(line(&after), line(&before) + 3, "the finding did move");

    write("FROM alpine:latest\nFROM alpine:latest\nUSER 0\n");
    let changed = fingerprints(&run());
    assert_eq!(changed[..2], first[..2]);
    assert_ne!(changed[2], first[2]);
}

/// Unreadable and unparsable files are tool notifications and make the execution unsuccessful;
/// the other files' results are still there.
#[test]
fn sarif_errors_are_notifications() {
    let (code, log) = sarif(
        &fixtures(),
        &[
            "check",
            "unterminated-heredoc.Dockerfile",
            "missing.Dockerfile",
            "root.Dockerfile",
        ],
    );
    assert_eq!(code, 2);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    let by_kind = |kind: &str| {
        notifications
            .iter()
            .find(|notification| notification["descriptor"]["id"] == kind)
            .unwrap_or_else(|| panic!("a {kind} notification in {notifications:?}"))
    };
    let syntax = by_kind("syntax");
    assert_eq!(syntax["level"], "error");
    let location = &syntax["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "unterminated-heredoc.Dockerfile"
    );
    assert!(location["region"]["startLine"].as_u64().unwrap() >= 2);
    let io = by_kind("io");
    assert_eq!(
        io["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "missing.Dockerfile"
    );
    assert!(
        results(&log)
            .iter()
            .any(|result| result["ruleId"] == "USR001")
    );
}

/// `audit` and `seccomp lint` print through the same printer: valid SARIF, with the containers
/// reviewed as run properties.
#[test]
fn sarif_for_audit_and_seccomp_lint() {
    let inspect = fixtures().join("inspect/engine-26.1/container-insecure.json");
    let (code, log) = sarif(
        &fixtures(),
        &["audit", "--inspect", inspect.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert!(!results(&log).is_empty());
    let containers = log["runs"][0]["properties"]["containers"]
        .as_array()
        .unwrap();
    assert_eq!(containers.len(), 1);
    let text = log.to_string();
    assert!(!text.contains("SECRET_TOKEN=dummy"), "{text}");
    let services: Vec<&Value> = results(&log)
        .iter()
        .filter_map(|result| result["locations"][0].get("logicalLocations"))
        .collect();
    assert!(
        !services.is_empty(),
        "container findings name the container"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("profile.json"),
        r#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["keyctl"], "action": "SCMP_ACT_ALLOW"}]}"#,
    )
    .expect("write");
    let (code, log) = sarif(dir.path(), &["seccomp", "lint", "profile.json"]);
    assert_eq!(code, 1);
    assert!(
        results(&log)
            .iter()
            .any(|result| result["ruleId"] == "SCP105"),
        "{log}"
    );
}

// --- junit --------------------------------------------------------------------------------

/// An XML element read back with quick-xml, independently of the writer.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: std::collections::BTreeMap<String, String>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn attribute(&self, name: &str) -> &str {
        self.attributes
            .get(name)
            .unwrap_or_else(|| panic!("<{}> has no {name}: {self:?}", self.name))
    }

    fn count(&self, name: &str) -> usize {
        self.children
            .iter()
            .filter(|child| child.name == name)
            .count()
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |child| child.name == name)
    }

    fn child<'a>(&'a self, name: &'a str) -> Option<&'a Element> {
        self.children(name).next()
    }
}

/// Parses a whole document into its root element; panics on anything that is not well-formed.
fn parse_xml(text: &str) -> Element {
    use quick_xml::events::{BytesStart, Event};

    fn element(start: &BytesStart<'_>) -> Element {
        Element {
            name: String::from_utf8(start.name().as_ref().to_vec()).unwrap(),
            attributes: start
                .attributes()
                .map(|attribute| {
                    let attribute = attribute.expect("a well-formed attribute");
                    (
                        String::from_utf8(attribute.key.as_ref().to_vec()).unwrap(),
                        attribute
                            .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                            .expect("escaped value")
                            .into_owned(),
                    )
                })
                .collect(),
            ..Element::default()
        }
    }

    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => stack.last_mut().unwrap().children.push(element(&start)),
            Event::End(end) => {
                let done = stack.pop().unwrap();
                assert_eq!(done.name.as_bytes(), end.name().as_ref(), "balanced tags");
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(content) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&content.decode().unwrap()),
            Event::GeneralRef(reference) => {
                let entity = format!("&{};", reference.decode().unwrap());
                let resolved = quick_xml::escape::unescape(&entity).expect("a known entity");
                stack.last_mut().unwrap().text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().expect("the document");
    assert!(stack.is_empty(), "every element closed");
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().unwrap()
}

/// Runs `--format junit`, parses the XML and checks that every count attribute matches the
/// elements it counts.
fn junit(dir: &Path, args: &[&str]) -> (i32, Element) {
    let run = cofferdam(dir, &[args, &["--format", "junit"]].concat());
    assert!(
        run.stdout
            .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
    );
    let root = parse_xml(&run.stdout);
    assert_eq!(root.name, "testsuites");
    let mut totals = [0; 3];
    for suite in root.children("testsuite") {
        let cases: Vec<&Element> = suite.children("testcase").collect();
        assert!(!cases.is_empty(), "no empty suite: {suite:?}");
        let failures = cases
            .iter()
            .filter(|case| case.child("failure").is_some())
            .count();
        let errors = cases
            .iter()
            .filter(|case| case.child("error").is_some())
            .count();
        assert_eq!(suite.attribute("tests"), cases.len().to_string());
        assert_eq!(suite.attribute("failures"), failures.to_string());
        assert_eq!(suite.attribute("errors"), errors.to_string());
        totals[0] += cases.len();
        totals[1] += failures;
        totals[2] += errors;
    }
    assert_eq!(root.attribute("tests"), totals[0].to_string());
    assert_eq!(root.attribute("failures"), totals[1].to_string());
    assert_eq!(root.attribute("errors"), totals[2].to_string());
    (run.code, root)
}

#[test]
fn junit_xml_reader_rejects_broken_xml() {
    // The structural checks below rely on this reader refusing what is not XML.
    let broken = std::panic::catch_unwind(|| parse_xml("<a><b></a>"));
    assert!(broken.is_err());
}

/// The examples: one suite per file, one failing testcase per finding (all of them fail at the
/// default `--fail-on info`), classed by rule, with the exit status of every other format.
#[test]
fn junit_examples_have_a_failure_per_finding() {
    let root = workspace();
    let (code, xml) = junit(&root, &["check", "examples"]);
    let plain_run = cofferdam(&root, &["check", "examples", "--format", "json"]);
    let plain = json(&plain_run.stdout);
    assert_eq!(code, plain_run.code);
    assert_eq!(code, 1);
    let findings = plain["findings"].as_array().unwrap();

    let mut suites: Vec<&str> = xml
        .children("testsuite")
        .map(|suite| suite.attribute("name"))
        .collect();
    let mut paths: Vec<&str> = findings
        .iter()
        .map(|finding| finding["path"].as_str().unwrap())
        .collect();
    paths.dedup();
    assert_eq!(suites, paths, "a suite per file, sorted by path");
    suites.dedup();
    assert_eq!(suites.len(), paths.len());

    assert_eq!(xml.attribute("failures"), findings.len().to_string());
    let cases: Vec<&Element> = xml
        .children("testsuite")
        .flat_map(|suite| suite.children("testcase"))
        .collect();
    assert_eq!(cases.len(), findings.len());
    for (case, finding) in cases.iter().zip(findings) {
        assert_eq!(
            case.attribute("classname"),
            format!(
                "{} {}",
                finding["rule"].as_str().unwrap(),
                finding["name"].as_str().unwrap()
            )
        );
        assert_eq!(case.attribute("file"), finding["path"].as_str().unwrap());
        assert_eq!(case.attribute("line"), finding["line"].to_string());
        let failure = case.child("failure").expect("a failure");
        assert_eq!(
            failure.attribute("message"),
            finding["message"].as_str().unwrap()
        );
        assert_eq!(
            failure.attribute("type"),
            finding["severity"].as_str().unwrap()
        );
        assert!(
            failure.text.starts_with(&format!(
                "{}:{}:{}: ",
                finding["path"].as_str().unwrap(),
                finding["line"],
                finding["column"]
            )),
            "{}",
            failure.text
        );
    }
}

/// Below `--fail-on`, findings pass (as the exit status does) but keep their text; a file
/// without findings has one passing testcase; errors are `error` elements.
#[test]
fn junit_threshold_clean_files_and_errors() {
    let args = [
        "check",
        "root.Dockerfile",
        "nonroot.Dockerfile",
        "unterminated-heredoc.Dockerfile",
        "missing.Dockerfile",
        "--fail-on",
        "high",
    ];
    let (code, xml) = junit(&fixtures(), &args);
    assert_eq!(code, 2, "errors keep exit status 2");
    let suite = |name: &str| {
        xml.children("testsuite")
            .find(|suite| suite.attribute("name") == name)
            .unwrap_or_else(|| panic!("a suite for {name}"))
    };

    let root = suite("root.Dockerfile");
    let failed: Vec<&str> = root
        .children("testcase")
        .filter(|case| case.child("failure").is_some())
        .map(|case| case.attribute("classname"))
        .collect();
    assert_eq!(failed, ["USR001 last-user-root"]);
    for case in root.children("testcase") {
        if case.child("failure").is_none() {
            let out = &case.child("system-out").expect("the finding's text").text;
            assert!(out.contains(case.attribute("classname")), "{out}");
        }
    }

    let (code, clean) = junit(
        &fixtures(),
        &["check", "nonroot.Dockerfile", "--select", "USR001"],
    );
    assert_eq!(code, 0);
    let cases: Vec<&Element> = clean
        .child("testsuite")
        .unwrap()
        .children("testcase")
        .collect();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].attribute("name"), "no findings");
    assert!(cases[0].children.is_empty(), "it passes");

    let heredoc = suite("unterminated-heredoc.Dockerfile");
    let error = heredoc
        .children("testcase")
        .find_map(|case| case.child("error"))
        .expect("a syntax error");
    assert_eq!(error.attribute("type"), "syntax");
    assert!(error.attribute("message").contains("heredoc"));
    let missing = suite("missing.Dockerfile");
    assert_eq!(missing.count("testcase"), 1);
    let error = missing.child("testcase").unwrap().child("error").unwrap();
    assert_eq!(error.attribute("type"), "io");
}

#[test]
fn junit_masks_secrets() {
    let run = cofferdam(
        &fixtures(),
        &[
            "check",
            "secret.Dockerfile",
            "--select",
            "ALL",
            "--format",
            "junit",
        ],
    );
    assert_eq!(run.code, 1);
    assert_no_secret("junit", &run);
    let xml = parse_xml(&run.stdout);
    assert!(
        xml.children("testsuite")
            .flat_map(|suite| suite.children("testcase"))
            .any(|case| case.attribute("classname").starts_with("SEC")),
        "{}",
        run.stdout
    );
}

// --- github -------------------------------------------------------------------------------

/// One parsed workflow command: level, properties (unescaped) and message (unescaped).
#[derive(Debug)]
struct Annotation {
    level: String,
    properties: std::collections::BTreeMap<String, String>,
    message: String,
}

/// The runner's unescaping, as GitHub documents it for workflow commands.
fn unescape(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn annotations(stdout: &str) -> Vec<Annotation> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("::"))
        .map(|command| {
            let (head, message) = command.split_once("::").expect("`::` ends the properties");
            let (level, properties) = head.split_once(' ').unwrap_or((head, ""));
            let properties = properties
                .split(',')
                .filter(|property| !property.is_empty())
                .map(|property| {
                    let (key, value) = property.split_once('=').expect("key=value");
                    (key.to_owned(), unescape(value))
                })
                .collect();
            Annotation {
                level: level.to_owned(),
                properties,
                message: unescape(message),
            }
        })
        .collect()
}

/// The examples: one annotation per finding, at the finding's place, with the level of its
/// severity; plain output lines are only the summary.
#[test]
fn github_annotations_match_the_json_findings() {
    let root = workspace();
    let run = cofferdam(&root, &["check", "examples", "--format", "github"]);
    let plain_run = cofferdam(&root, &["check", "examples", "--format", "json"]);
    assert_eq!((run.code, plain_run.code), (1, 1));
    let plain = json(&plain_run.stdout);
    let findings = plain["findings"].as_array().unwrap();
    let annotations = annotations(&run.stdout);
    assert_eq!(annotations.len(), findings.len());
    let other: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| !line.starts_with("::"))
        .collect();
    assert_eq!(other.len(), 1, "{other:?}");
    assert!(other[0].contains("findings"), "{}", other[0]);

    // The annotations come in the findings' order: by path, line, column and rule.
    for (annotation, finding) in annotations.iter().zip(findings) {
        let severity = finding["severity"].as_str().unwrap();
        let level = match severity {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "notice",
        };
        assert_eq!(annotation.level, level);
        let property = |key: &str| annotation.properties[key].as_str();
        assert_eq!(property("file"), finding["path"].as_str().unwrap());
        assert_eq!(property("line"), finding["line"].to_string());
        assert_eq!(property("col"), finding["column"].to_string());
        assert_eq!(property("endLine"), finding["end_line"].to_string());
        assert_eq!(property("endColumn"), finding["end_column"].to_string());
        assert_eq!(
            property("title"),
            format!(
                "{} {}",
                finding["rule"].as_str().unwrap(),
                finding["name"].as_str().unwrap()
            )
        );
        let first_line = annotation.message.lines().next().unwrap();
        assert!(
            first_line.starts_with(&format!(
                "{severity}: {}",
                finding["message"].as_str().unwrap()
            )),
            "{first_line}"
        );
        if let Some(fix) = finding["fix"]["description"].as_str() {
            assert!(
                annotation.message.contains(&format!("\nfix: {fix}")),
                "{}",
                annotation.message
            );
        }
    }
}

/// Text that could break a command out of its line or its property list is escaped: a file
/// name with `,` and `:`, and a compose service named with `%0A` (which must stay literal).
#[test]
fn github_escapes_what_the_runner_would_read_as_syntax() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "odd,name:1.Dockerfile";
    fs::write(dir.path().join(name), "FROM alpine:3.20\nUSER root\n").expect("write");
    fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  \"web%0A::error::x\":\n    image: nginx:1.27\n    privileged: true\n",
    )
    .expect("write");
    let run = cofferdam(
        dir.path(),
        &[
            "check",
            name,
            "compose.yaml",
            "--select",
            "USR001,PRV001",
            "--format",
            "github",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "two annotations and the summary:\n{}",
        run.stdout
    );
    assert!(
        lines[1].starts_with("::error file=odd%2Cname%3A1.Dockerfile,line=2,col=6,"),
        "{}",
        lines[1]
    );
    let parsed = annotations(&run.stdout);
    assert_eq!(parsed[1].properties["file"], name);
    assert_eq!(parsed[0].properties["file"], "compose.yaml");
    assert_eq!(parsed[0].level, "error");
    assert!(
        parsed[0].message.contains("(service web%0A::error::x)"),
        "the service name comes back exactly: {}",
        parsed[0].message
    );
    assert_eq!(parsed[0].message.lines().count(), 2, "message and fix");
}

#[test]
fn github_errors_notes_and_secrets() {
    let run = cofferdam(
        &fixtures(),
        &[
            "check",
            "unterminated-heredoc.Dockerfile",
            "missing.Dockerfile",
            "secret.Dockerfile",
            "--select",
            "ALL",
            "--format",
            "github",
        ],
    );
    assert_eq!(run.code, 2);
    assert_no_secret("github", &run);
    let parsed = annotations(&run.stdout);
    let syntax = parsed
        .iter()
        .find(|annotation| annotation.properties["title"] == "cofferdam syntax error")
        .expect("the syntax error");
    assert_eq!(syntax.level, "error");
    assert_eq!(syntax.properties["file"], "unterminated-heredoc.Dockerfile");
    assert!(syntax.properties.contains_key("line"));
    let io = parsed
        .iter()
        .find(|annotation| annotation.properties["title"] == "cofferdam io error")
        .expect("the unreadable file");
    assert_eq!(io.properties["file"], "missing.Dockerfile");
    assert!(!io.properties.contains_key("line"), "no invented position");
    assert!(
        parsed
            .iter()
            .any(|annotation| annotation.properties["title"].starts_with("SEC")),
        "{}",
        run.stdout
    );

    // --quiet leaves the annotations only.
    let quiet = cofferdam(
        &fixtures(),
        &["check", "root.Dockerfile", "--format", "github", "--quiet"],
    );
    assert_eq!(quiet.code, 1);
    assert!(quiet.stdout.lines().all(|line| line.starts_with("::")));
}

// --- markdown -----------------------------------------------------------------------------

/// A small project: a Dockerfile with a secret in `ENV`, a compose service with a secret in its
/// environment, and a path that does not exist.
fn markdown_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM alpine:3.20\nENV AWS_SECRET_ACCESS_KEY={SECRET}\nUSER root\n"),
    )
    .expect("write");
    fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n    ports:\n      - \"80:80\"\n    environment:\n      DB_PASSWORD: hunter2hunter2\n",
    )
    .expect("write");
    dir
}

/// The whole report, exactly: summary, counts, a table per file (with a service column for
/// compose), escaped text, fixes, errors.
#[test]
fn markdown_report() {
    let dir = markdown_project();
    let run = cofferdam(
        dir.path(),
        &[
            "check",
            "Dockerfile",
            "compose.yaml",
            "missing.Dockerfile",
            "--select",
            "USR001,SEC002,PRV001,NET006,RES001",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(run.code, 2, "an error keeps exit status 2");
    assert_no_secret("markdown", &run);
    assert!(!run.stdout.contains("hunter2hunter2"), "{}", run.stdout);
    insta::assert_snapshot!("markdown_report", run.stdout);
}

/// Every finding of `--format json` is one table row, under its file's heading.
#[test]
fn markdown_has_a_row_per_finding() {
    let root = workspace();
    let run = cofferdam(&root, &["check", "examples", "--format", "markdown"]);
    let plain_run = cofferdam(&root, &["check", "examples", "--format", "json"]);
    assert_eq!((run.code, plain_run.code), (1, 1));
    let plain = json(&plain_run.stdout);
    let findings = plain["findings"].as_array().unwrap();
    let rows: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| {
            line.starts_with("| ")
                && line
                    .split(" | ")
                    .nth(1)
                    .is_some_and(|rule| rule.starts_with('`'))
        })
        .collect();
    assert_eq!(rows.len(), findings.len());
    for (row, finding) in rows.iter().zip(findings) {
        let cells: Vec<&str> = row.split(" | ").collect();
        assert_eq!(cells[0], format!("| {}", finding["line"]));
        assert_eq!(
            cells[1],
            format!(
                "`{}` {}",
                finding["rule"].as_str().unwrap(),
                finding["name"].as_str().unwrap()
            )
        );
        assert_eq!(cells[2], finding["severity"].as_str().unwrap());
    }
    let summary = plain["summary"]["by_severity"].as_object().unwrap();
    for (severity, count) in summary {
        assert!(
            run.stdout.contains(&format!("| {severity} | {count} |")),
            "{severity}: {count}\n{}",
            run.stdout
        );
    }
    for path in ["examples/shop/Dockerfile", "examples/shop/compose.yaml"] {
        assert!(run.stdout.contains(&format!("\n### `{path}` (")), "{path}");
    }
}

#[test]
fn markdown_without_findings_is_the_summary_only() {
    let run = cofferdam(
        &fixtures(),
        &[
            "check",
            "nonroot.Dockerfile",
            "--select",
            "USR001",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "## cofferdam\n\nno findings in 1 file checked\n"
    );
}

/// `audit`'s containers are a table with their findings and how they run.
#[test]
fn markdown_lists_audited_containers() {
    let inspect = fixtures().join("inspect/engine-26.1/container-insecure.json");
    let run = cofferdam(
        &fixtures(),
        &[
            "audit",
            "--inspect",
            inspect.to_str().unwrap(),
            "--format",
            "markdown",
        ],
    );
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains("SECRET_TOKEN=dummy"), "{}", run.stdout);
    let table = run
        .stdout
        .split("\n### Containers\n\n")
        .nth(1)
        .expect("a containers section");
    let lines: Vec<&str> = table
        .lines()
        .take_while(|line| line.starts_with('|'))
        .collect();
    assert_eq!(
        lines[0],
        "| container | id | findings | settings and runtime |"
    );
    assert_eq!(
        lines.len(),
        3,
        "header, alignment and one container:\n{table}"
    );
    let cells: Vec<&str> = lines[2].split(" | ").collect();
    assert!(cells[0].starts_with("| `"), "{}", lines[2]);
    assert!(
        cells[2].contains("critical") || cells[2].contains("high"),
        "{}",
        lines[2]
    );
}
