//! Fixes to a fixed point over every fixture and every conformance sample: with every rule
//! enabled and unsafe fixes included, fixes are applied round by round (whole fixes whose edits
//! do not touch, as `check --fix` takes them) until none applies. The test fails when the
//! rounds never settle, when a round's output no longer parses or loses a comment, when a
//! rule's own fix leaves that rule raised as often as before, and when a fixture's fixed text
//! differs from its insta snapshot (`snapshots/fixes__<fixture>.snap`, reviewed like code).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use cofferdam_diagnostics::{
    Applicability, Diagnostic, Fix, FixAvailability, SourceFile, non_overlapping,
};
use cofferdam_linter::fixes::{FixedKind, verify};
use cofferdam_linter::model::compose::{ComposeInput, NoFiles};
use cofferdam_linter::syntax::embedded::Embedding;
use cofferdam_linter::{Settings, lint_compose, lint_dockerfile, lint_run_lines};

const MAX_ROUNDS: usize = 10;

fn resources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn kind_of(path: &Path) -> Option<FixedKind> {
    let name = path.file_name()?.to_str()?;
    if name.ends_with("Dockerfile") {
        return Some(FixedKind::Dockerfile);
    }
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "dockerfile" => Some(FixedKind::Dockerfile),
        "yml" | "yaml" => Some(FixedKind::Yaml),
        "sh" => Some(FixedKind::Script),
        _ => None,
    }
}

/// The findings of one file, linted on its own (support files are not read).
fn lint(kind: FixedKind, text: &str, settings: &Settings) -> Vec<Diagnostic> {
    let source = SourceFile::new("input", text);
    match kind {
        FixedKind::Dockerfile => lint_dockerfile(&source, settings).diagnostics,
        FixedKind::Yaml => {
            let environment = |_: &str| None;
            lint_compose(
                ComposeInput {
                    files: vec![source],
                    loader: &NoFiles,
                    environment: &environment,
                },
                settings,
            )
            .into_iter()
            .filter(|(file, _)| file.name() == "input")
            .flat_map(|(_, result)| result.diagnostics)
            .collect()
        }
        FixedKind::Script => lint_run_lines(&source, Embedding::Shell, &NoFiles, settings)
            .into_iter()
            .filter(|(file, _)| file.name() == "input")
            .flat_map(|(_, result)| result.diagnostics)
            .collect(),
    }
}

fn counts(diagnostics: &[Diagnostic]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for diagnostic in diagnostics {
        *counts.entry(diagnostic.rule.code).or_insert(0) += 1;
    }
    counts
}

/// Fixes `text` to a fixed point; the fixed text, or what went wrong.
fn fix_to_fixed_point(kind: FixedKind, text: &str, settings: &Settings) -> Result<String, String> {
    let initial = lint(kind, text, settings);
    let before = counts(&initial);
    let mut fixed_in_first_round: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut current = text.to_owned();
    let mut diagnostics = initial;
    for round in 0..MAX_ROUNDS {
        let fixes: Vec<&Fix> = diagnostics.iter().filter_map(|d| d.fix.as_ref()).collect();
        let (edits, taken) = non_overlapping(fixes.iter().copied(), |fix| {
            fix.applicability != Applicability::DisplayOnly
        });
        if edits.is_empty() {
            let after = counts(&diagnostics);
            for (code, fixed) in &fixed_in_first_round {
                let was = before.get(code).copied().unwrap_or(0);
                let now = after.get(code).copied().unwrap_or(0);
                if now + fixed > was {
                    return Err(format!(
                        "{code}: {fixed} fixed in the first round, yet {now} of {was} remain"
                    ));
                }
            }
            return Ok(current);
        }
        if round == 0 {
            let with_fix: Vec<&Diagnostic> =
                diagnostics.iter().filter(|d| d.fix.is_some()).collect();
            for index in &taken {
                *fixed_in_first_round
                    .entry(with_fix[*index].rule.code)
                    .or_insert(0) += 1;
            }
        }
        let next = Fix::new(Applicability::Unsafe, "round", edits)
            .apply(&current)
            .ok_or("edits overlap")?;
        verify(kind, &current, &next).map_err(|error| format!("round {round}: {error}"))?;
        if next == current {
            return Err(format!("round {round}: fixes that change nothing"));
        }
        current = next;
        diagnostics = lint(kind, &current, settings);
    }
    Err(format!("no fixed point after {MAX_ROUNDS} rounds"))
}

fn all_rules() -> Settings {
    Settings::default()
        .with_selection(&["ALL".to_owned()], &[], &[])
        .expect("ALL")
}

#[test]
fn fixtures_fix_to_a_clean_fixed_point() {
    let mut files = Vec::new();
    files_under(&resources().join("fixtures"), &mut files);
    files.sort();
    let settings = all_rules();
    let mut failures = Vec::new();
    let mut changed = 0;
    for path in &files {
        // Support files of a fixture (`<rule>.files/`) are reviewed with it, not alone.
        if path.to_string_lossy().contains(".files/") {
            continue;
        }
        let Some(kind) = kind_of(path) else {
            continue;
        };
        let text = fs::read_to_string(path).expect("readable fixture");
        match fix_to_fixed_point(kind, &text, &settings) {
            Ok(fixed) if fixed != text => {
                changed += 1;
                let name = path
                    .strip_prefix(resources().join("fixtures"))
                    .expect("under fixtures")
                    .to_string_lossy()
                    .replace('/', "__");
                insta::assert_snapshot!(name, fixed);
            }
            Ok(_) => {}
            Err(error) => failures.push(format!("{}: {error}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The fixtures exercise the fixes: a change that stops every fix from applying fails.
    assert!(changed >= 10, "only {changed} fixtures changed");
}

#[test]
fn conformance_samples_fix_to_a_clean_fixed_point() {
    let mut files = Vec::new();
    files_under(&resources().join("conformance"), &mut files);
    files.sort();
    let settings = all_rules();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &files {
        let Some(kind) = kind_of(path) else {
            continue;
        };
        let text = fs::read_to_string(path).expect("readable sample");
        if kind == FixedKind::Yaml && !text.contains("services") {
            continue;
        }
        checked += 1;
        if let Err(error) = fix_to_fixed_point(kind, &text, &settings) {
            failures.push(format!("{}: {error}", path.display()));
        }
    }
    assert!(checked > 250, "only {checked} samples found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The documented fix safety agrees with the fixes rules make on the fixtures: a rule whose
/// "Fix safety" starts "Display-only" makes no edits, and a rule that makes edits of an
/// applicability says so (the section names `Safe` or `Unsafe`).
#[test]
fn fix_safety_docs_match_the_fixes_made() {
    use std::collections::BTreeSet;

    let mut files = Vec::new();
    files_under(&resources().join("fixtures"), &mut files);
    let settings = all_rules();
    let mut seen: BTreeMap<&'static str, BTreeSet<Applicability>> = BTreeMap::new();
    for path in &files {
        let Some(kind) = kind_of(path) else {
            continue;
        };
        let text = fs::read_to_string(path).expect("readable fixture");
        for diagnostic in lint(kind, &text, &settings) {
            if let Some(fix) = diagnostic.fix.filter(|fix| !fix.edits.is_empty()) {
                seen.entry(diagnostic.rule.code)
                    .or_default()
                    .insert(fix.applicability);
            }
        }
    }
    let mut wrong = Vec::new();
    for rule in cofferdam_linter::rules::RULES.iter() {
        let section = rule.meta.first_paragraph("Fix safety");
        let made = seen.get(rule.meta.code).cloned().unwrap_or_default();
        if section.starts_with("Display-only") && !made.is_empty() {
            wrong.push(format!(
                "{}: documented display-only, makes {made:?} edits",
                rule.meta.code
            ));
        }
        let section = rule.meta.section("Fix safety");
        for applicability in &made {
            let word = match applicability {
                Applicability::Safe => "Safe",
                Applicability::Unsafe => "Unsafe",
                Applicability::DisplayOnly => continue,
            };
            if !section.contains(word) && !section.contains(&word.to_lowercase()) {
                wrong.push(format!(
                    "{}: makes {word} edits, its Fix safety does not say so",
                    rule.meta.code
                ));
            }
        }
    }
    // The declared `fix:` is the strongest fix made, except that a fix needing a threshold
    // (`pinned-tags`) is not made with the fixtures' default settings.
    for rule in cofferdam_linter::rules::RULES.iter() {
        let made = seen
            .get(rule.meta.code)
            .and_then(|made| made.iter().max().copied());
        let expected = match made {
            Some(Applicability::Safe) => FixAvailability::Safe,
            Some(Applicability::Unsafe) => FixAvailability::Unsafe,
            _ => rule.meta.fix.min(FixAvailability::DisplayOnly),
        };
        let needs_setting = cofferdam_linter::settings::SETTINGS
            .iter()
            .any(|setting| setting.rules.contains(&rule.meta.name));
        if rule.meta.fix != expected && !(needs_setting && made.is_none()) {
            wrong.push(format!(
                "{}: declares `fix: {:?}`, its fixtures show {expected:?}",
                rule.meta.code, rule.meta.fix
            ));
        }
    }
    assert!(!seen.is_empty(), "no fixture produced a fix with edits");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
