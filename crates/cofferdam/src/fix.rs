//! `check --fix`, `--unsafe-fixes` and `--diff`: apply the fixes findings carry until nothing
//! changes, verify every step, and write (or show) the result.
//!
//! Each pass runs the same review `check` prints, with the texts fixed so far standing in for
//! the files on disk ([`crate::loader::overlay`]), and applies, per file, every applicable fix
//! whose edits do not overlap an edit already taken in that pass (identical edits — one anchor
//! fixed for several services — are taken once). Passes repeat until one applies nothing, at
//! most [`MAX_PASSES`] times; a review that never settles is reported, and nothing is written.
//!
//! A pass's new text for a file is kept only when it still parses as well as before (no new
//! syntax errors) and keeps every comment; otherwise that file's fixes of the rules involved
//! are reported and skipped from then on. Only files under the paths given on the command line
//! (or `--compose-file`s) are changed: a compose project may read an `extends` target or a
//! Dockerfile elsewhere, and those are left alone. Files are written at the end, each
//! atomically, and only when the file on disk is still what was read (another editor or a
//! formatter may have saved it meanwhile); a UTF-8 byte order mark is kept.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use cofferdam_diagnostics::{Applicability, Fix, non_overlapping};

use crate::exit::ExitStatus;
use crate::report::Report;
use crate::resolve::{CheckSettings, InputPath};

/// A run that has not settled after this many passes has fixes that undo each other.
pub(crate) const MAX_PASSES: usize = 10;

/// What `--fix`, `--unsafe-fixes` and `--diff` asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FixSettings {
    pub(crate) mode: FixMode,
    /// Whether unsafe fixes are applied too.
    pub(crate) unsafe_fixes: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum FixMode {
    /// Report only.
    #[default]
    Off,
    /// Write the fixed files, then report what remains.
    Apply,
    /// Print a unified diff of what would change; write nothing.
    Diff,
}

impl FixSettings {
    fn applies(self, applicability: Applicability) -> bool {
        match applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => self.unsafe_fixes,
            Applicability::DisplayOnly => false,
        }
    }
}

/// The outcome of fixing.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// The review of the fixed files.
    pub(crate) report: Report,
    /// `(path, text as read, fixed text)` of every file that changes.
    pub(crate) changed: Vec<(String, String, String)>,
    /// The secret values of each changed file, before and after fixing: a diff shows them
    /// masked.
    pub(crate) secrets: BTreeMap<String, Vec<String>>,
    /// Findings fixed, by rule code.
    pub(crate) fixed: BTreeMap<&'static str, usize>,
    /// Fixes that were not applied, and why.
    pub(crate) problems: Vec<String>,
    /// Whether the passes settled (no fix was still applicable in the last one).
    pub(crate) settled: bool,
}

impl Outcome {
    pub(crate) fn fixed_count(&self) -> usize {
        self.fixed.values().sum()
    }
}

/// `check` with `--fix` or `--diff`.
pub(crate) fn check(settings: &CheckSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    let mut outcome = fix(settings);
    let unsafe_left = count_unsafe(&outcome.report, settings.fix);
    match settings.fix.mode {
        FixMode::Diff => {
            for (path, before, after) in &outcome.changed {
                let secrets: Vec<&str> = outcome
                    .secrets
                    .get(path)
                    .map(|values| values.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                let (before, after) = (
                    crate::mask::scrub(before, &secrets),
                    crate::mask::scrub(after, &secrets),
                );
                write!(
                    out,
                    "{}",
                    similar::TextDiff::from_lines(before.as_str(), after.as_str())
                        .unified_diff()
                        .context_radius(3)
                        .header(&format!("a/{path}"), &format!("b/{path}"))
                )?;
            }
            for problem in &outcome.problems {
                eprintln!("cofferdam: warning: {problem}");
            }
            if !settings.quiet {
                eprintln!("{}", summary(&outcome, unsafe_left, true));
            }
            return Ok(if !outcome.settled {
                ExitStatus::Error
            } else if outcome.changed.is_empty() {
                ExitStatus::Success
            } else {
                ExitStatus::Failure
            });
        }
        FixMode::Apply => {
            if outcome.settled {
                write_files(&mut outcome);
            }
            // Known findings stay unreported after fixing too; the baseline is read (or
            // written) against what remains.
            crate::commands::check::apply_baseline(&mut outcome.report, settings)?;
            outcome
                .report
                .notes
                .extend(outcome.problems.iter().cloned());
            let line = summary(&outcome, unsafe_left, false);
            outcome.report.notes.push(line);
        }
        FixMode::Off => unreachable!("fix::check runs only with --fix or --diff"),
    }
    crate::printer::print_report(&outcome.report, settings, out)?;
    if !outcome.settled {
        return Ok(ExitStatus::Error);
    }
    Ok(outcome.report.exit_status(Some(settings.fail_on)))
}

fn summary(outcome: &Outcome, unsafe_left: usize, diff: bool) -> String {
    use std::fmt::Write as _;
    let files = outcome.changed.len();
    let mut line = if diff {
        format!(
            "would fix {} in {}",
            crate::printer::plural(outcome.fixed_count(), "finding"),
            crate::printer::plural(files, "file")
        )
    } else {
        format!(
            "fixed {} in {}",
            crate::printer::plural(outcome.fixed_count(), "finding"),
            crate::printer::plural(files, "file")
        )
    };
    if !outcome.fixed.is_empty() {
        let by_rule: Vec<String> = outcome
            .fixed
            .iter()
            .map(|(code, count)| format!("{code} {count}"))
            .collect();
        let _ = write!(line, " ({})", by_rule.join(", "));
    }
    if unsafe_left > 0 {
        let _ = write!(
            line,
            "; {} with --unsafe-fixes",
            crate::printer::plural(unsafe_left, "more finding")
        );
    }
    if !outcome.settled {
        let _ = write!(
            line,
            "; the fixes did not settle after {MAX_PASSES} passes, so nothing was written"
        );
    }
    line
}

/// Remaining findings whose fix only `--unsafe-fixes` would apply.
fn count_unsafe(report: &Report, settings: FixSettings) -> usize {
    if settings.unsafe_fixes {
        return 0;
    }
    report
        .findings
        .iter()
        .filter(|finding| {
            finding.diagnostic.fix.as_ref().is_some_and(|fix| {
                fix.applicability == Applicability::Unsafe && !fix.edits.is_empty()
            })
        })
        .count()
}

/// Runs the passes; writes nothing.
pub(crate) fn fix(settings: &CheckSettings) -> Outcome {
    let roots = fixable_roots(settings);
    let mut outcome = Outcome::default();
    // Texts as first read, by file name.
    let mut originals: BTreeMap<String, String> = BTreeMap::new();
    // The current fixed text of each changed file.
    let mut current: HashMap<String, String> = HashMap::new();
    // `(file, rule)` whose fixes broke the file once; not tried again.
    let mut blocked: BTreeSet<(String, &'static str)> = BTreeSet::new();
    let mut report = crate::commands::check::run(settings);
    for _ in 0..MAX_PASSES {
        let mut changed_any = false;
        for (index, file) in report.files.iter().enumerate() {
            let name = file.source.name();
            if !is_under(Path::new(name), &roots) {
                continue;
            }
            let findings = report
                .findings
                .iter()
                .filter(|finding| finding.file == index)
                .filter(|finding| {
                    !blocked.contains(&(name.to_owned(), finding.diagnostic.rule.code))
                });
            let Some((text, rules)) = apply(file.source.text(), findings, settings.fix) else {
                continue;
            };
            if let Err(problem) = verify(name, file.source.text(), &text) {
                let codes: Vec<&str> = rules.keys().copied().collect();
                outcome.problems.push(format!(
                    "{name}: fixes of {} not applied: {problem}",
                    codes.join(", ")
                ));
                blocked.extend(rules.keys().map(|code| (name.to_owned(), *code)));
                continue;
            }
            if let Err(error) = crate::loader::overlay(Path::new(name), text.clone()) {
                outcome
                    .problems
                    .push(format!("{name}: cannot stage the fixes: {error}"));
                continue;
            }
            originals
                .entry(name.to_owned())
                .or_insert_with(|| file.source.text().to_owned());
            remember_secrets(&mut outcome.secrets, file);
            current.insert(name.to_owned(), text);
            for (code, count) in rules {
                *outcome.fixed.entry(code).or_default() += count;
            }
            changed_any = true;
        }
        if !changed_any {
            outcome.settled = true;
            break;
        }
        report = crate::commands::check::run(settings);
    }
    for file in &report.files {
        if originals.contains_key(file.source.name()) {
            remember_secrets(&mut outcome.secrets, file);
        }
    }
    outcome.changed = originals
        .into_iter()
        .filter_map(|(name, before)| {
            let after = current.remove(&name)?;
            (after != before).then_some((name, before, after))
        })
        .collect();
    outcome.report = report;
    outcome
}

/// Adds the secret values of `file` (as the review read it) to those known for its path.
fn remember_secrets(
    secrets: &mut BTreeMap<String, Vec<String>>,
    file: &crate::report::CheckedFile,
) {
    let known = secrets.entry(file.source.name().to_owned()).or_default();
    for value in file.secrets() {
        if !known.iter().any(|other| other == value) {
            known.push(value.to_owned());
        }
    }
}

/// Applies the applicable fixes of one file's findings whose edits do not touch those taken
/// before them. `None` when nothing applies; else the new text and fixes taken per rule.
fn apply<'a>(
    text: &str,
    findings: impl Iterator<Item = &'a crate::report::Finding>,
    settings: FixSettings,
) -> Option<(String, BTreeMap<&'static str, usize>)> {
    let findings: Vec<&crate::report::Finding> = findings
        .filter(|finding| finding.diagnostic.fix.is_some())
        .collect();
    let (edits, taken) = non_overlapping(
        findings
            .iter()
            .filter_map(|finding| finding.diagnostic.fix.as_ref()),
        |fix| settings.applies(fix.applicability),
    );
    if edits.is_empty() {
        return None;
    }
    let fixed = Fix::new(Applicability::Unsafe, "", edits).apply(text)?;
    let mut rules: BTreeMap<&'static str, usize> = BTreeMap::new();
    for index in taken {
        *rules
            .entry(findings[index].diagnostic.rule.code)
            .or_default() += 1;
    }
    (fixed != text).then_some((fixed, rules))
}

/// Checks a fixed text: it parses with no more errors than before and keeps every comment.
fn verify(name: &str, before: &str, after: &str) -> Result<(), String> {
    use crate::discover::FileKind;
    use cofferdam_linter::fixes::FixedKind;
    let path = Path::new(name);
    // CI pipelines hold their run lines in YAML: they must still parse as YAML too.
    let yaml = path.extension().is_some_and(|extension| {
        extension.eq_ignore_ascii_case("yml") || extension.eq_ignore_ascii_case("yaml")
    });
    let kind = match FileKind::from_path(path) {
        Some(FileKind::Dockerfile) => FixedKind::Dockerfile,
        Some(FileKind::Compose | FileKind::Yaml) => FixedKind::Yaml,
        _ if yaml => FixedKind::Yaml,
        _ => FixedKind::Script,
    };
    cofferdam_linter::fixes::verify(kind, before, after)
}

/// The directories and files fixes may change: the paths given, canonical.
fn fixable_roots(settings: &CheckSettings) -> Vec<PathBuf> {
    settings
        .inputs
        .iter()
        .filter_map(|input| match input {
            InputPath::Path(path) => Some(path.clone()),
            InputPath::Stdin => None,
        })
        .chain(settings.compose_files.iter().cloned())
        .filter_map(|path| std::fs::canonicalize(path).ok())
        .collect()
}

fn is_under(path: &Path, roots: &[PathBuf]) -> bool {
    std::fs::canonicalize(path).is_ok_and(|path| roots.iter().any(|root| path.starts_with(root)))
}

/// Writes the changed files, each only if it is still what was read.
fn write_files(outcome: &mut Outcome) {
    let mut written = Vec::new();
    for (name, before, after) in std::mem::take(&mut outcome.changed) {
        let path = Path::new(&name);
        let on_disk = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                outcome.problems.push(format!(
                    "{name}: not written: cannot read it again: {error}"
                ));
                continue;
            }
        };
        let bom = on_disk.starts_with(b"\xEF\xBB\xBF");
        let text = if bom { &on_disk[3..] } else { &on_disk[..] };
        if text != before.as_bytes() {
            outcome.problems.push(format!(
                "{name}: not written: it changed on disk while cofferdam was fixing it"
            ));
            continue;
        }
        let mut bytes = Vec::with_capacity(after.len() + 3);
        if bom {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        bytes.extend_from_slice(after.as_bytes());
        match crate::loader::write_atomically(path, &bytes) {
            Ok(()) => written.push((name, before, after)),
            Err(error) => outcome
                .problems
                .push(format!("{name}: not written: {error}")),
        }
    }
    outcome.changed = written;
}

#[cfg(test)]
mod tests {
    use super::{Outcome, verify, write_files};

    #[test]
    fn a_file_that_changed_on_disk_meanwhile_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let edited = dir.path().join("edited.yaml");
        let kept = dir.path().join("kept.yaml");
        std::fs::write(&edited, "saved by an editor meanwhile\n").unwrap();
        std::fs::write(&kept, "\u{feff}as read\n").unwrap();
        let mut outcome = Outcome {
            changed: vec![
                (
                    edited.display().to_string(),
                    "as read\n".to_owned(),
                    "fixed\n".to_owned(),
                ),
                (
                    kept.display().to_string(),
                    "as read\n".to_owned(),
                    "fixed\n".to_owned(),
                ),
            ],
            ..Outcome::default()
        };
        write_files(&mut outcome);
        assert_eq!(
            std::fs::read_to_string(&edited).unwrap(),
            "saved by an editor meanwhile\n"
        );
        assert_eq!(outcome.problems.len(), 1);
        assert!(
            outcome.problems[0]
                .ends_with("not written: it changed on disk while cofferdam was fixing it"),
            "{:?}",
            outcome.problems
        );
        // The other file is written, its byte order mark kept.
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "\u{feff}fixed\n");
        assert_eq!(outcome.changed.len(), 1);
    }

    #[test]
    fn files_are_verified_as_what_their_name_says() {
        let broken = "services:\n  a:\n    image: [x:1\n";
        assert!(verify("compose.yaml", "services: {}\n", broken).is_err());
        // A script is not re-parsed; only its comments count.
        assert!(verify("run.sh", "docker run x\n", broken).is_ok());
        assert!(verify("run.sh", "# start\ndocker run x\n", "docker run x\n").is_err());
        // A CI pipeline's run lines live in YAML, which must still parse.
        assert!(verify(".github/workflows/ci.yml", "on: push\n", broken).is_err());
    }
}
