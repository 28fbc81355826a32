//! Peer conformance: the Trivy and KICS Dockerfile fixtures in `resources/conformance/` are
//! golden tests. For every peer check that a cofferdam rule aliases, each bad/positive sample
//! must raise one of the aliasing rules (KICS: on every expected line) and each good/negative
//! sample must raise none of them. Peer checks no rule aliases must be listed in
//! `resources/conformance/unmapped.tsv` with a reason, so nothing is dropped silently. Samples
//! where cofferdam deliberately disagrees are listed in `exceptions.tsv` with the reason, and
//! an exception that no longer disagrees fails the test as stale.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use cofferdam_diagnostics::{SourceFile, Tool};
use cofferdam_linter::model::compose::{ComposeInput, NoFiles};
use cofferdam_linter::rules::RULES;
use cofferdam_linter::{Settings, lint_compose, lint_dockerfile};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/conformance")
}

/// Trivy's fixture file stems and the check ids they belong to (from trivy-checks METADATA).
const TRIVY_FILES: &[(&str, &str)] = &[
    ("add_instead_of_copy", "DS-0005"),
    ("apt_get_missing_yes_flag_to_avoid_manual_input", "DS-0021"),
    ("copy_from_references_current_from_alias", "DS-0006"),
    (
        "copy_with_more_than_two_arguments_not_ending_with_slash",
        "DS-0011",
    ),
    ("latest_tag", "DS-0001"),
    ("maintainer_is_deprecated", "DS-0022"),
    ("missing_dnf_clean_all", "DS-0019"),
    ("missing_zypper_clean", "DS-0020"),
    ("multiple_cmd_instructions_listed", "DS-0016"),
    ("multiple_entrypoint_instructions_listed", "DS-0007"),
    ("multiple_healthcheck_instructions", "DS-0023"),
    ("port22", "DS-0004"),
    ("root_user", "DS-0002"),
    ("run_apt_get_dist_upgrade", "DS-0024"),
    ("run_command_cd_instead_of_workdir", "DS-0013"),
    ("run_using_sudo", "DS-0010"),
    ("run_using_wget_and_curl", "DS-0014"),
    ("same_alias_in_different_froms", "DS-0012"),
    ("unix_ports_out_of_range", "DS-0008"),
    ("update_instruction_alone", "DS-0017"),
    ("workdir_path_not_absolute", "DS-0009"),
    ("yum_clean_all_missing", "DS-0015"),
];

/// `(tool, id) -> reason` for peer checks no rule maps to.
fn unmapped() -> BTreeMap<(String, String), String> {
    let text = fs::read_to_string(root().join("unmapped.tsv")).expect("unmapped.tsv");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.splitn(4, '\t');
            let tool = fields.next().expect("tool").to_owned();
            let id = fields.next().expect("id").to_owned();
            let _name = fields.next().expect("name");
            let reason = fields.next().unwrap_or_default().trim().to_owned();
            assert!(!reason.is_empty(), "unmapped {tool}:{id} needs a reason");
            ((tool, id), reason)
        })
        .collect()
}

/// `(tool, sample)` pairs where a disagreement with the peer is documented.
fn exceptions() -> BTreeSet<(String, String)> {
    let text = fs::read_to_string(root().join("exceptions.tsv")).expect("exceptions.tsv");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.splitn(3, '\t');
            let tool = fields.next().expect("tool").to_owned();
            let sample = fields.next().expect("sample").to_owned();
            let reason = fields.next().unwrap_or_default().trim();
            assert!(
                !reason.is_empty(),
                "exception {tool}:{sample} needs a reason"
            );
            (tool, sample)
        })
        .collect()
}

/// Sorts failures into real ones and documented exceptions; stale exceptions are failures.
fn settle(tool: &str, failed: &[(String, String)], checked: &BTreeSet<String>) -> Vec<String> {
    let exceptions = exceptions();
    let mut failures: Vec<String> = failed
        .iter()
        .filter(|(sample, _)| !exceptions.contains(&(tool.to_owned(), sample.clone())))
        .map(|(_, message)| message.clone())
        .collect();
    for (_, sample) in exceptions.iter().filter(|(t, _)| t == tool) {
        if checked.contains(sample) && !failed.iter().any(|(s, _)| s == sample) {
            failures.push(format!(
                "{sample}: listed in exceptions.tsv but now agrees with {tool}"
            ));
        }
    }
    failures
}

/// Codes of the rules that alias `id` of `tool`.
fn rules_for(tool: Tool, id: &str) -> Vec<String> {
    RULES
        .iter()
        .filter(|rule| {
            rule.meta
                .aliases
                .iter()
                .any(|alias| alias.tool == tool && alias.id.eq_ignore_ascii_case(id))
        })
        .map(|rule| rule.meta.code.to_owned())
        .collect()
}

/// The 1-based lines where any of `codes` fires.
fn lint_lines(codes: &[String], name: &str, text: &str) -> BTreeSet<u32> {
    let settings = Settings::default()
        .with_selection(codes, &[], &[])
        .expect("registered codes");
    let source = SourceFile::new(name, text);
    lint_dockerfile(&source, &settings)
        .diagnostics
        .iter()
        .map(|d| source.line_column(d.range.start()).line)
        .collect()
}

/// The 1-based lines of the compose file where any of `codes` fires.
fn lint_compose_lines(codes: &[String], name: &str, text: &str) -> BTreeSet<u32> {
    let settings = Settings::default()
        .with_selection(codes, &[], &[])
        .expect("registered codes");
    let environment = |_: &str| None;
    let results = lint_compose(
        ComposeInput {
            files: vec![SourceFile::new(name, text)],
            loader: &NoFiles,
            environment: &environment,
        },
        &settings,
    );
    results
        .iter()
        .filter(|(file, _)| file.name() == name)
        .flat_map(|(file, result)| {
            result
                .diagnostics
                .iter()
                .map(|d| file.line_column(d.range.start()).line)
        })
        .collect()
}

/// The `good` and `bad` snippets of a Trivy example file (`- |-` block scalars indented by 6).
fn trivy_snippets(text: &str) -> Vec<(bool, String)> {
    let mut snippets: Vec<(bool, String)> = Vec::new();
    let mut bad = false;
    for line in text.lines() {
        match line.trim_end() {
            "  good:" => bad = false,
            "  bad:" => bad = true,
            "    - |-" => snippets.push((bad, String::new())),
            _ => {
                if let Some((_, snippet)) = snippets.last_mut() {
                    snippet.push_str(line.get(6..).unwrap_or_default());
                    snippet.push('\n');
                }
            }
        }
    }
    snippets
}

#[test]
fn trivy_examples() {
    let unmapped = unmapped();
    let mut failed = Vec::new();
    let mut checked = BTreeSet::new();
    for (stem, id) in TRIVY_FILES {
        let codes = rules_for(Tool::Trivy, id);
        if codes.is_empty() {
            assert!(
                unmapped.contains_key(&("trivy".to_owned(), (*id).to_owned())),
                "trivy {id} ({stem}) is neither aliased by a rule nor listed in unmapped.tsv"
            );
            continue;
        }
        let text = fs::read_to_string(root().join(format!("trivy/docker/{stem}.yaml")))
            .expect("trivy example");
        for (index, (bad, snippet)) in trivy_snippets(&text).into_iter().enumerate() {
            let sample = format!("{stem}#{index}");
            checked.insert(sample.clone());
            let fired = lint_lines(&codes, "Dockerfile", &snippet);
            if bad && fired.is_empty() {
                failed.push((
                    sample.clone(),
                    format!("{sample} (bad): {codes:?} did not fire"),
                ));
            }
            if !bad && !fired.is_empty() {
                failed.push((
                    sample.clone(),
                    format!("{sample} (good): {codes:?} fired on lines {fired:?}"),
                ));
            }
        }
    }
    assert!(
        checked.len() >= 30,
        "only {} trivy samples checked",
        checked.len()
    );
    let failures = settle("trivy", &failed, &checked);
    assert!(
        failures.is_empty(),
        "trivy conformance:\n{}",
        failures.join("\n")
    );
}

#[derive(serde::Deserialize)]
struct Expected {
    line: u32,
    #[serde(alias = "fileName")]
    filename: Option<String>,
}

#[derive(serde::Deserialize)]
struct Query {
    platform: String,
    #[serde(rename = "query_dir")]
    directory: String,
    id: String,
}

#[test]
fn kics_dockerfile_queries() {
    kics_queries("dockerfile", "dockerfile", 30, lint_lines);
}

#[test]
fn kics_compose_queries() {
    kics_queries("dockerCompose", "yaml", 15, lint_compose_lines);
}

/// Runs every KICS query of `platform` whose id a rule aliases over its samples.
fn kics_queries(
    platform: &str,
    extension: &str,
    minimum_mapped: usize,
    lint: fn(&[String], &str, &str) -> BTreeSet<u32>,
) {
    let unmapped = unmapped();
    let index: Vec<Query> = serde_json::from_str(
        &fs::read_to_string(root().join("kics/index.json")).expect("kics index"),
    )
    .expect("valid index");
    let mut failed = Vec::new();
    let mut checked = BTreeSet::new();
    let mut mapped = 0;
    for query in index.iter().filter(|q| q.platform == platform) {
        let codes = rules_for(Tool::Kics, &query.id);
        if codes.is_empty() {
            assert!(
                unmapped.contains_key(&("kics".to_owned(), query.id.clone())),
                "kics {} ({}) is neither aliased by a rule nor listed in unmapped.tsv",
                query.id,
                query.directory
            );
            continue;
        }
        mapped += 1;
        let dir = root().join("kics").join(platform).join(&query.directory);
        let expected: Vec<Expected> = serde_json::from_str(
            &fs::read_to_string(dir.join("positive_expected_result.json")).expect("expectations"),
        )
        .expect("valid expectations");
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("query dir")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == extension))
            .collect();
        files.sort();
        let positives: Vec<&PathBuf> = files
            .iter()
            .filter(|path| {
                path.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("positive"))
            })
            .collect();
        for path in &files {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let text = fs::read_to_string(path).expect("fixture");
            let fired = lint(&codes, &name, &text);
            let sample = format!("{}/{name}", query.directory);
            checked.insert(sample.clone());
            if name.starts_with("negative") {
                if !fired.is_empty() {
                    failed.push((
                        sample.clone(),
                        format!("{sample}: {codes:?} fired on lines {fired:?}"),
                    ));
                }
                continue;
            }
            let wanted: BTreeSet<u32> = expected
                .iter()
                .filter(|e| match &e.filename {
                    Some(file) => *file == name,
                    None => positives.len() == 1,
                })
                .map(|e| e.line)
                .collect();
            let missing: Vec<_> = wanted.difference(&fired).collect();
            if !missing.is_empty() {
                failed.push((
                    sample.clone(),
                    format!(
                        "{sample}: {codes:?} missed expected lines {missing:?} (fired on {fired:?})"
                    ),
                ));
            }
        }
    }
    assert!(
        mapped >= minimum_mapped,
        "only {mapped} KICS {platform} queries mapped"
    );
    let failures = settle("kics", &failed, &checked);
    assert!(
        failures.is_empty(),
        "kics conformance:\n{}",
        failures.join("\n")
    );
    eprintln!(
        "kics {platform}: {mapped} queries mapped, {} samples checked",
        checked.len()
    );
}

#[test]
fn unmapped_entries_are_really_unmapped() {
    // An entry left in unmapped.tsv after a rule started aliasing the check is stale.
    for (tool, id) in unmapped().keys() {
        let tool = match tool.as_str() {
            "trivy" => Tool::Trivy,
            "kics" => Tool::Kics,
            "hadolint" => Tool::Hadolint,
            other => panic!("unknown tool {other} in unmapped.tsv"),
        };
        assert!(
            rules_for(tool, id).is_empty(),
            "{id} is mapped by a rule but listed as unmapped"
        );
    }
}
