//! Host fixtures: every directory under `resources/host-fixtures/` describes one host and names
//! the rule it tests: `<rule-name>/` must raise exactly the findings its `expected.txt` lists,
//! `<rule-name>.ok/` must raise none. A directory may hold `daemon.json`, `dockerd.args` (one
//! argument per line), `info.json` (`docker info` output), `ls.txt` (`ls -l` lines of the
//! daemon's files) and `group` (`/etc/group`). `expected.txt` lines are `<source>:<line>` where
//! the source is `daemon.json`, `dockerd`, `info.json`, `group` or a file's path.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use cofferdam_diagnostics::SourceFile;
use cofferdam_linter::model::host::{DAEMON_JSON, HostFacts, HostInput};
use cofferdam_linter::rules::find_rule;
use cofferdam_linter::{Settings, lint_host};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/host-fixtures")
}

fn read(dir: &Path, name: &str) -> Option<String> {
    fs::read_to_string(dir.join(name)).ok()
}

/// The host a fixture directory describes.
fn load(dir: &Path) -> HostFacts {
    HostFacts::load(HostInput {
        daemon_json: read(dir, "daemon.json").map(|text| SourceFile::new(DAEMON_JSON, text)),
        dockerd_args: read(dir, "dockerd.args").map(|text| {
            (
                "dockerd".to_owned(),
                text.lines()
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )
        }),
        info: read(dir, "info.json").map(|text| SourceFile::new("info.json", text)),
        files: read(dir, "ls.txt")
            .map(|text| text.lines().map(str::to_owned).collect())
            .unwrap_or_default(),
        group: read(dir, "group").map(|text| SourceFile::new("/etc/group", text)),
    })
}

/// A source's short name in `expected.txt`.
fn short(name: &str) -> &str {
    match name {
        DAEMON_JSON => "daemon.json",
        "/etc/group" => "group",
        other => other,
    }
}

#[test]
fn host_fixtures_raise_exactly_what_they_expect() {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root())
        .expect("host fixture directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no host fixtures");
    let mut failures = Vec::new();
    let mut positives = BTreeSet::new();
    let mut negatives = BTreeSet::new();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (rule_name, negative) = match name.strip_suffix(".ok") {
            Some(rule) => (rule.to_owned(), true),
            None => (name.clone(), false),
        };
        let rule =
            find_rule(&rule_name).unwrap_or_else(|| panic!("{name}: no rule named `{rule_name}`"));
        if negative {
            negatives.insert(rule_name.clone());
        } else {
            positives.insert(rule_name.clone());
        }
        let settings = Settings::default()
            .with_selection(std::slice::from_ref(&rule_name), &[], &[])
            .expect("known rule");
        let facts = load(&dir);
        assert!(facts.errors.is_empty(), "{name}: {:?}", facts.errors);
        let actual: BTreeSet<String> = lint_host(&facts, &settings)
            .into_iter()
            .flat_map(|(source, result)| {
                result
                    .diagnostics
                    .iter()
                    .map(|diagnostic| {
                        assert_eq!(diagnostic.rule.code, rule.meta.code);
                        format!(
                            "{}:{}",
                            short(source.name()),
                            source.line_column(diagnostic.range.start()).line
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let expected: BTreeSet<String> = read(&dir, "expected.txt")
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        if negative {
            assert!(
                expected.is_empty(),
                "{name}: a negative fixture expects nothing"
            );
        } else {
            assert!(
                !expected.is_empty(),
                "{name}: a positive fixture must expect findings"
            );
        }
        if actual != expected {
            failures.push(format!("{name}: expected {expected:?}, got {actual:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every host rule has both kinds.
    for rule in cofferdam_linter::rules::RULES.iter() {
        if matches!(rule.check, cofferdam_linter::rules::Check::Host(_)) {
            assert!(
                positives.contains(rule.meta.name) && negatives.contains(rule.meta.name),
                "{} needs a positive and a negative host fixture",
                rule.meta.name
            );
        }
    }
}
