//! Fixture tests: every file under `resources/fixtures/<category>/` is linted and its findings
//! must equal the `# expect: <rule-name>` markers it carries, no more and no less.
//!
//! A marker line applies to the next line that is not itself a marker. A fixture named
//! `<rule-name>.Dockerfile` or `<rule-name>.compose.yml` is linted with that rule and every rule
//! named in its markers enabled; `<rule-name>.ok.Dockerfile` / `.ok.compose.yml` is the rule's
//! negative fixture and must not raise it; `<rule-name>.sh` fixtures are shell scripts whose
//! `docker run` lines are reviewed. Compose fixtures may read support files (override
//! files, `extends` targets, Dockerfiles of `build:`, `.env`) from a `<rule-name>.files/`
//! directory next to them; findings in those files must match their own markers. A rule that
//! needs a threshold has a `<rule-name>.toml` next to its fixtures: the `[settings]` table of a
//! cofferdam.toml, applied to every fixture of that rule (and to no other fixture).

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use cofferdam_diagnostics::{Input, SourceFile};
use cofferdam_linter::model::compose::{ComposeInput, Loader};
use cofferdam_linter::rules::{RULES, find_rule};
use cofferdam_linter::syntax::embedded::Embedding;
use cofferdam_linter::{LintResult, Settings, lint_compose, lint_dockerfile, lint_run_lines};

/// Reads support files from disk, as the binary does.
struct Disk;

impl Loader for Disk {
    fn load(&self, path: &str) -> Option<Result<String, String>> {
        match fs::read_to_string(path) {
            Ok(text) => Some(Ok(text)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => Some(Err(error.to_string())),
        }
    }
}

fn is_compose(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".compose.yml")
}

/// Lints a fixture: one result per file with findings (the fixture itself first).
fn lint_fixture(path: &Path, text: String, settings: &Settings) -> Vec<(SourceFile, LintResult)> {
    let source = SourceFile::new(path.display().to_string(), text);
    if path.to_string_lossy().ends_with(".sh") {
        return lint_run_lines(&source, Embedding::Shell, &Disk, settings);
    }
    if is_compose(path) {
        let environment = |_: &str| None;
        lint_compose(
            ComposeInput {
                files: vec![source],
                loader: &Disk,
                environment: &environment,
            },
            settings,
        )
    } else {
        let result = lint_dockerfile(&source, settings);
        vec![(source, result)]
    }
}

pub fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/fixtures")
}

fn fixture_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for category in fs::read_dir(fixture_root()).expect("fixture directory") {
        let category = category.expect("entry").path();
        for file in fs::read_dir(&category).expect("category directory") {
            let path = file.expect("entry").path();
            // `<rule-name>.files/` directories hold support files and `<rule-name>.toml` its
            // settings, not fixtures.
            if path.is_file() && path.extension().is_none_or(|extension| extension != "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `(line, rule name)` pairs from the markers.
fn expectations(text: &str) -> BTreeSet<(u32, String)> {
    let mut pending: Vec<String> = Vec::new();
    let mut expected = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(names) = line.trim_start().strip_prefix("# expect:") {
            pending.extend(names.split(',').map(|name| name.trim().to_owned()));
            continue;
        }
        let number = u32::try_from(index + 1).expect("line fits");
        for name in pending.drain(..) {
            expected.insert((number, name));
        }
    }
    assert!(pending.is_empty(), "marker at end of file: {pending:?}");
    expected
}

/// The settings of a fixture's rule: the defaults, with `<rule-name>.toml`'s `[settings]`.
fn rule_settings(fixture: &Path) -> Settings {
    let mut settings = Settings::default();
    let path = fixture.with_file_name(format!("{}.toml", rule_of(fixture)));
    let Ok(text) = fs::read_to_string(&path) else {
        return settings;
    };
    common::apply_settings_toml(&mut settings, &text, &path.display().to_string());
    settings
}

fn rule_of(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("utf-8 name");
    name.split('.').next().expect("stem").to_owned()
}

#[test]
fn fixtures_match_their_markers() {
    let mut failures = Vec::new();
    let files = fixture_files();
    assert!(!files.is_empty(), "no fixtures found");
    for path in files {
        let text = fs::read_to_string(&path).expect("readable fixture");
        let expected = expectations(&text);
        let owner = rule_of(&path);
        let mut selected: BTreeSet<String> =
            expected.iter().map(|(_, name)| name.clone()).collect();
        selected.insert(owner.clone());
        for name in &selected {
            assert!(
                find_rule(name).is_some(),
                "{}: unknown rule `{name}`",
                path.display()
            );
        }
        let settings = rule_settings(&path)
            .with_selection(&selected.iter().cloned().collect::<Vec<_>>(), &[], &[])
            .expect("known rules");
        for (source, result) in lint_fixture(&path, text.clone(), &settings) {
            assert!(
                result.errors.is_empty(),
                "{}: syntax errors {:?}",
                source.name(),
                result.errors
            );
            let own = source.name() == path.display().to_string();
            let expected_here = if own {
                expected.clone()
            } else {
                expectations(source.text())
            };
            let actual: BTreeSet<(u32, String)> = result
                .diagnostics
                .iter()
                .map(|d| {
                    (
                        source.line_column(d.range.start()).line,
                        d.rule.name.to_owned(),
                    )
                })
                .collect();
            for missing in expected_here.difference(&actual) {
                failures.push(format!(
                    "{}:{}: expected `{}` but it did not fire",
                    source.name(),
                    missing.0,
                    missing.1
                ));
            }
            for extra in actual.difference(&expected_here) {
                let message = result
                    .diagnostics
                    .iter()
                    .find(|d| {
                        source.line_column(d.range.start()).line == extra.0
                            && d.rule.name == extra.1
                    })
                    .map(|d| d.message.clone())
                    .unwrap_or_default();
                failures.push(format!(
                    "{}:{}: unexpected `{}`: {message}",
                    source.name(),
                    extra.0,
                    extra.1
                ));
            }
        }
        let is_negative = path.to_string_lossy().contains(".ok.");
        if is_negative {
            assert!(
                !expected.iter().any(|(_, name)| *name == owner),
                "{}: a negative fixture must not expect its own rule",
                path.display()
            );
        } else {
            assert!(
                expected.iter().any(|(_, name)| *name == owner),
                "{}: a positive fixture must expect its own rule at least once",
                path.display()
            );
        }
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_positive_and_a_negative_fixture() {
    let files = fixture_files();
    let mut missing = Vec::new();
    for rule in RULES.iter() {
        let category = fixture_root().join(rule.meta.category.as_str());
        let mut suffixes = Vec::new();
        if rule.meta.inputs.contains(&Input::Dockerfile) {
            suffixes.push("Dockerfile");
        }
        if rule.meta.inputs.contains(&Input::Compose) {
            suffixes.push("compose.yml");
        }
        // Container rules are exercised through compose fixtures; a rule that only run lines
        // can raise needs shell-script fixtures.
        if rule.meta.inputs.contains(&Input::RunLine) && !rule.meta.inputs.contains(&Input::Compose)
        {
            suffixes.push("sh");
        }
        for suffix in suffixes {
            let positive = category.join(format!("{}.{suffix}", rule.meta.name));
            let negative = category.join(format!("{}.ok.{suffix}", rule.meta.name));
            for path in [positive, negative] {
                if !files.contains(&path) {
                    missing.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing fixtures:\n{}",
        missing.join("\n")
    );
}

#[test]
fn messages_are_short_lower_case_without_trailing_period() {
    let mut bad = Vec::new();
    for path in fixture_files() {
        let text = fs::read_to_string(&path).expect("readable fixture");
        let settings = Settings::default()
            .with_selection(&["ALL".to_owned()], &[], &[])
            .expect("ALL");
        let diagnostics = lint_fixture(&path, text, &settings)
            .into_iter()
            .flat_map(|(_, result)| result.diagnostics);
        for diagnostic in diagnostics {
            let message = &diagnostic.message;
            let first = message.chars().next().unwrap_or('?');
            if message.ends_with('.')
                || first.is_uppercase()
                || message.len() > 120
                || message.is_empty()
            {
                bad.push(format!(
                    "{} ({}): {message}",
                    path.display(),
                    diagnostic.rule.name
                ));
            }
        }
    }
    assert!(bad.is_empty(), "badly formed messages:\n{}", bad.join("\n"));
}
