//! Meta-tests that keep the rule registry honest: unique stable codes, a snapshot of the code
//! list, documentation with the required headings, and doc examples that behave as documented.

use std::collections::HashSet;

use cofferdam_diagnostics::{Input, SourceFile};
use cofferdam_linter::rules::{RULES, find_rule};
use cofferdam_linter::{Settings, lint_dockerfile};

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
    for rule in RULES {
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

/// The contents of the first fenced code block after `heading`.
fn code_block(doc: &str, heading: &str) -> Option<String> {
    let (_, rest) = doc.split_once(heading)?;
    let (_, rest) = rest.split_once("```")?;
    let (_, rest) = rest.split_once('\n')?;
    let (block, _) = rest.split_once("```")?;
    Some(block.to_owned())
}

#[test]
fn docs_have_the_required_sections_in_order() {
    for rule in RULES {
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

#[test]
fn doc_examples_fire_and_use_instead_is_clean() {
    for rule in RULES
        .iter()
        .filter(|rule| rule.meta.inputs.contains(&Input::Dockerfile))
    {
        let doc = rule.meta.documentation();
        let settings = Settings::default()
            .with_selection(&[rule.meta.code.to_owned()], &[], &[])
            .expect("registered");
        let example = code_block(&doc, "## Example")
            .unwrap_or_else(|| panic!("{}: no Example code block", rule.meta.name));
        let use_instead = code_block(&doc, "## Use instead")
            .unwrap_or_else(|| panic!("{}: no Use instead code block", rule.meta.name));
        let found = lint_dockerfile(&SourceFile::new("Dockerfile", example), &settings).diagnostics;
        assert!(
            !found.is_empty(),
            "{}: the Example does not fire",
            rule.meta.name
        );
        let clean =
            lint_dockerfile(&SourceFile::new("Dockerfile", use_instead), &settings).diagnostics;
        assert!(
            clean.is_empty(),
            "{}: `Use instead` still fires: {:?}",
            rule.meta.name,
            clean.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
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
