//! Meta-tests that keep the rule registry honest: unique stable codes, a snapshot of the code
//! list, documentation with the required headings, and doc examples that behave as documented.

mod common;

use std::collections::HashSet;

use cofferdam_diagnostics::{Diagnostic, Input, SourceFile};
use cofferdam_linter::model::compose::{ComposeInput, NoFiles};
use cofferdam_linter::model::host::{DAEMON_JSON, HostFacts, HostInput};
use cofferdam_linter::rules::{RULES, find_rule};
use cofferdam_linter::syntax::embedded::Embedding;
use cofferdam_linter::{Settings, lint_compose, lint_dockerfile, lint_host, lint_run_lines};

const HEADINGS: [&str; 6] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Fix safety",
    "## References",
];

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for rule in RULES.iter() {
        let meta = rule.meta;
        assert!(codes.insert(meta.code), "duplicate code {}", meta.code);
        assert!(names.insert(meta.name), "duplicate name {}", meta.name);
        let (prefix, digits) = meta.code.split_at(3);
        assert!(
            prefix.bytes().all(|b| b.is_ascii_uppercase()),
            "{}",
            meta.code
        );
        assert!(
            digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            meta.code
        );
        assert!(
            meta.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !meta.name.starts_with("no-"),
            "rule names are kebab-case and name the hazard: {}",
            meta.name
        );
        assert_eq!(find_rule(meta.code).map(|r| r.meta.name), Some(meta.name));
    }
}

#[test]
fn code_list_snapshot() {
    // Codes never change meaning: this snapshot changes only by appending new rules.
    let list: Vec<String> = RULES
        .iter()
        .map(|rule| {
            format!(
                "{} {} {} {}",
                rule.meta.code, rule.meta.name, rule.meta.category, rule.meta.severity
            )
        })
        .collect();
    insta::assert_snapshot!(list.join("\n"));
}

#[test]
fn docs_have_the_required_sections_in_order() {
    for rule in RULES.iter() {
        let doc = rule.meta.documentation();
        let mut last = 0;
        for heading in HEADINGS {
            let position = doc
                .find(&format!("{heading}\n"))
                .unwrap_or_else(|| panic!("{}: missing `{heading}`", rule.meta.name));
            assert!(
                position >= last,
                "{}: `{heading}` out of order",
                rule.meta.name
            );
            last = position;
        }
        assert!(
            !rule.meta.summary().is_empty(),
            "{}: empty summary",
            rule.meta.name
        );
    }
}

/// Every fenced code block between `heading` and the next `## ` heading, with its language.
fn code_blocks(doc: &str, heading: &str) -> Vec<(String, String)> {
    let Some((_, rest)) = doc.split_once(heading) else {
        return Vec::new();
    };
    let section = rest.split("\n## ").next().unwrap_or_default();
    let mut blocks = Vec::new();
    let mut parts = section.split("```");
    parts.next();
    while let (Some(block), _) = (parts.next(), parts.next()) {
        let (language, body) = block.split_once('\n').unwrap_or((block, ""));
        blocks.push((language.trim().to_owned(), body.to_owned()));
    }
    blocks
}

/// Lints a host rule's doc snippet: `json` is daemon.json, `console` is `ls -l` lines of the
/// daemon's files, `text` is `/etc/group`.
fn lint_host_snippet(language: &str, text: &str, settings: &Settings) -> Vec<Diagnostic> {
    let mut input = HostInput::default();
    match language {
        "json" => input.daemon_json = Some(SourceFile::new(DAEMON_JSON, text)),
        "console" => input.files = text.lines().map(str::to_owned).collect(),
        "text" => input.group = Some(SourceFile::new("/etc/group", text)),
        other => panic!("unsupported host code block language `{other}`"),
    }
    let facts = HostFacts::load(input);
    assert!(facts.errors.is_empty(), "{:?}", facts.errors);
    lint_host(&facts, settings)
        .into_iter()
        .flat_map(|(_, result)| result.diagnostics)
        .collect()
}

/// Lints a doc snippet as what its fence language says it is.
fn lint_snippet(language: &str, text: &str, settings: &Settings) -> Vec<Diagnostic> {
    match language {
        "dockerfile" => lint_dockerfile(&SourceFile::new("Dockerfile", text), settings).diagnostics,
        "yaml" => {
            let environment = |_: &str| None;
            lint_compose(
                ComposeInput {
                    files: vec![SourceFile::new("compose.yaml", text)],
                    loader: &NoFiles,
                    environment: &environment,
                },
                settings,
            )
            .into_iter()
            .flat_map(|(_, result)| result.diagnostics)
            .collect()
        }
        "sh" => lint_run_lines(
            &SourceFile::new("run.sh", text),
            Embedding::Shell,
            &NoFiles,
            settings,
        )
        .into_iter()
        .flat_map(|(_, result)| result.diagnostics)
        .collect(),
        "json" => {
            let (diagnostics, error) = cofferdam_linter::profiles::lint_profile(
                text,
                &cofferdam_linter::profiles::LintOptions::default(),
                settings,
            );
            // A profile the engine cannot decode is what SCP101's examples show, as an error.
            assert!(error.is_none(), "doc profile does not decode: {error:?}");
            diagnostics
        }
        other => panic!("unsupported code block language `{other}`"),
    }
}

#[test]
fn doc_examples_fire_and_use_instead_is_clean() {
    for rule in RULES.iter() {
        let doc = rule.meta.documentation();
        let mut settings = Settings::default()
            .with_selection(&[rule.meta.code.to_owned()], &[], &[])
            .expect("registered");
        // A rule that needs a threshold shows it under "What it does", as cofferdam.toml.
        for (_, toml) in code_blocks(&doc, "## What it does")
            .iter()
            .filter(|(language, _)| language == "toml")
        {
            common::apply_settings_toml(&mut settings, toml, rule.meta.name);
        }
        let examples = code_blocks(&doc, "## Example");
        let instead = code_blocks(&doc, "## Use instead");
        for (input, language) in [(Input::Dockerfile, "dockerfile"), (Input::Compose, "yaml")] {
            if !rule.meta.inputs.contains(&input) {
                continue;
            }
            assert!(
                examples.iter().any(|(lang, _)| lang == language),
                "{}: no `{language}` Example code block",
                rule.meta.name
            );
            assert!(
                instead.iter().any(|(lang, _)| lang == language),
                "{}: no `{language}` Use instead code block",
                rule.meta.name
            );
        }
        let lint = |language: &str, text: &str| {
            if rule.meta.inputs.contains(&Input::Host) {
                lint_host_snippet(language, text, &settings)
            } else {
                lint_snippet(language, text, &settings)
            }
        };
        for (language, example) in &examples {
            assert!(
                !lint(language, example).is_empty(),
                "{}: the `{language}` Example does not fire",
                rule.meta.name
            );
        }
        for (language, use_instead) in &instead {
            let clean = lint(language, use_instead);
            assert!(
                clean.is_empty(),
                "{}: `{language}` Use instead still fires: {:?}",
                rule.meta.name,
                clean.iter().map(|d| &d.message).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn readme_lists_every_rule() {
    // The README's rule table is written by hand; this keeps it from going stale.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md at the workspace root");
    let missing: Vec<&str> = RULES
        .iter()
        .filter(|rule| !readme.contains(&format!("| {} | `{}`", rule.meta.code, rule.meta.name)))
        .map(|rule| rule.meta.code)
        .collect();
    assert!(
        missing.is_empty(),
        "rules missing from the README table: {missing:?}"
    );
}
