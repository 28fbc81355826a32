//! `cofferdam check`: discover files, read them, lint them in parallel, print, decide the exit
//! status.
//!
//! A file that cannot be read (missing, a directory walk error, larger than 4 GiB, not UTF-8)
//! becomes an error entry in the report and the run goes on with the other files.
//!
//! A compose file is linted as a project: the loader reads its override file, `extends` and
//! `include` targets, `.env`, `env_file:` files and the Dockerfiles of `build:` from disk, and
//! findings may land in any of them. `--compose-file a --compose-file b` merges files into one
//! project like `docker compose -f a -f b`.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::Result;
use cofferdam_diagnostics::{LineColumn, SourceFile};
use cofferdam_linter::model::compose::{ComposeInput, Loader, NoFiles};
use cofferdam_linter::{LintResult, Settings, lint_compose, lint_dockerfile};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::discover::{self, FileKind, io_message};
use crate::exit::ExitStatus;
use crate::printer;
use crate::report::{CheckedFile, ErrorKind, FileError, Finding, Report};
use crate::resolve::{CheckSettings, InputPath};

/// Runs below this many files finish before a progress bar would be worth drawing.
const PROGRESS_MIN_FILES: usize = 200;

/// Offsets are `u32` in the linter; a larger file cannot be addressed.
const MAX_FILE_SIZE: u64 = u32::MAX as u64;

pub(crate) fn check(settings: &CheckSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    let report = run(settings);
    if report.files.is_empty() && report.errors.is_empty() && !settings.quiet {
        // Not an error (an empty directory is clean), but usually a wrong path.
        eprintln!(
            "cofferdam: warning: no Dockerfiles or compose files found under the given paths"
        );
    }
    printer::print_report(&report, settings, out)?;
    Ok(exit_status(&report, settings))
}

fn exit_status(report: &Report, settings: &CheckSettings) -> ExitStatus {
    if !report.errors.is_empty() {
        ExitStatus::Error
    } else if report
        .findings
        .iter()
        .any(|finding| finding.diagnostic.severity >= settings.fail_on)
    {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// The outcome of reading one input.
enum Loaded {
    Source(SourceFile, FileKind),
    /// Standard input: a compose file read from it has no directory to load other files from.
    Stdin(SourceFile, FileKind),
    Failed {
        path: String,
        message: String,
        position: Option<LineColumn>,
    },
}

fn run(settings: &CheckSettings) -> Report {
    let mut report = Report::default();
    let mut loaded = Vec::new();
    if settings.inputs.contains(&InputPath::Stdin) {
        loaded.push(read_stdin(&settings.stdin_filename));
    }
    let paths: Vec<_> = settings
        .inputs
        .iter()
        .filter_map(|input| match input {
            InputPath::Path(path) => Some(path.clone()),
            InputPath::Stdin => None,
        })
        .collect();
    let discovered = if paths.is_empty() {
        discover::Discovered::default()
    } else {
        discover::discover(&paths)
    };
    for error in discovered.errors {
        let path = display(&error.path);
        report.errors.push(io_error(path, error.message, None));
    }

    // Reading and linting happen in one parallel pass so that the progress bar measures both.
    let progress = progress_bar(settings, discovered.files.len());
    let lint_one = |candidate: &discover::Candidate| {
        let outcome = lint_loaded(read_file(&candidate.path, candidate.kind), settings);
        progress.inc(1);
        outcome
    };
    // A single file (pre-commit, editors) is linted on this thread: starting the worker pool
    // would cost more than the lint itself.
    let mut outcomes: Vec<Outcome> = if discovered.files.len() <= 1 {
        discovered.files.iter().map(lint_one).collect()
    } else {
        discovered.files.par_iter().map(lint_one).collect()
    };
    progress.finish_and_clear();
    outcomes.extend(loaded.into_iter().map(|item| lint_loaded(item, settings)));
    if !settings.compose_files.is_empty() {
        outcomes.push(lint_compose_files(&settings.compose_files, settings));
    }

    let mut linted = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        match outcome {
            Outcome::Linted(results) => linted.extend(results),
            Outcome::Skipped => {}
            Outcome::Failed(error) => report.errors.push(error),
        }
    }

    // Findings are large; growing the vector by doubling would copy them several times.
    let findings = linted
        .iter()
        .map(|(_, result)| result.diagnostics.len())
        .sum();
    report.findings.reserve(findings);
    report.files.reserve(linted.len());
    let mut indices: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (source, result) in linted {
        // A file can be reached twice (an `extends` target that is also a compose file of its
        // own); its findings are merged and duplicates dropped after sorting.
        let index = if let Some(&index) = indices.get(source.name()) {
            report.files[index].redactions.extend(result.redactions);
            index
        } else {
            let index = report.files.len();
            indices.insert(source.name().to_owned(), index);
            report.files.push(CheckedFile {
                source: source.clone(),
                redactions: result.redactions,
            });
            index
        };
        for error in result.errors {
            report.errors.push(FileError {
                path: source.name().to_owned(),
                file: Some(index),
                range: Some(error.range),
                located: true,
                start: source.line_column(error.range.start()),
                end: source.line_column(error.range.end()),
                kind: ErrorKind::Syntax,
                message: error.message,
            });
        }
        for diagnostic in result.diagnostics {
            report.findings.push(Finding {
                file: index,
                start: source.line_column(diagnostic.range.start()),
                end: source.line_column(diagnostic.range.end()),
                diagnostic,
            });
        }
    }
    report.sort();
    report
}

enum Outcome {
    /// Every file the input reached with what it produced (a compose project spans several).
    Linted(Vec<(SourceFile, LintResult)>),
    /// A YAML file that turned out not to be a compose file.
    Skipped,
    Failed(FileError),
}

fn lint_loaded(loaded: Loaded, settings: &CheckSettings) -> Outcome {
    match loaded {
        Loaded::Source(source, kind) => lint(source, kind, &Disk, &settings.linter),
        Loaded::Stdin(source, kind) => lint(source, kind, &NoFiles, &settings.linter),
        Loaded::Failed {
            path,
            message,
            position,
        } => Outcome::Failed(io_error(path, message, position)),
    }
}

fn lint(source: SourceFile, kind: FileKind, loader: &dyn Loader, settings: &Settings) -> Outcome {
    match kind {
        FileKind::Dockerfile => {
            let result = lint_dockerfile(&source, settings);
            Outcome::Linted(vec![(source, result)])
        }
        FileKind::Yaml if !discover::looks_like_compose(source.text()) => Outcome::Skipped,
        FileKind::Compose | FileKind::Yaml => {
            Outcome::Linted(compose(vec![source], loader, settings))
        }
    }
}

fn compose(
    files: Vec<SourceFile>,
    loader: &dyn Loader,
    settings: &Settings,
) -> Vec<(SourceFile, LintResult)> {
    let environment = |name: &str| std::env::var(name).ok();
    lint_compose(
        ComposeInput {
            files,
            loader,
            environment: &environment,
        },
        settings,
    )
}

/// `--compose-file` files, merged into one project in the order given.
fn lint_compose_files(paths: &[std::path::PathBuf], settings: &CheckSettings) -> Outcome {
    let mut files = Vec::new();
    for path in paths {
        match read_file(path, FileKind::Compose) {
            Loaded::Source(source, _) | Loaded::Stdin(source, _) => files.push(source),
            Loaded::Failed {
                path,
                message,
                position,
            } => return Outcome::Failed(io_error(path, message, position)),
        }
    }
    Outcome::Linted(compose(files, &Disk, &settings.linter))
}

/// Reads the files a compose project refers to.
struct Disk;

impl Loader for Disk {
    fn load(&self, path: &str) -> Option<Result<String, String>> {
        let path = Path::new(path);
        if !path.is_file() {
            return None;
        }
        match read_file(path, FileKind::Compose) {
            Loaded::Source(source, _) | Loaded::Stdin(source, _) => {
                Some(Ok(source.text().to_owned()))
            }
            Loaded::Failed { message, .. } => Some(Err(message)),
        }
    }
}

fn progress_bar(settings: &CheckSettings, files: usize) -> ProgressBar {
    if !settings.progress || files <= PROGRESS_MIN_FILES {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} checking {pos}/{len} files {wide_bar}")
    {
        bar.set_style(style);
    }
    bar
}

fn io_error(path: String, message: String, position: Option<LineColumn>) -> FileError {
    let start = position.unwrap_or(LineColumn { line: 1, column: 1 });
    FileError {
        path,
        file: None,
        range: None,
        located: position.is_some(),
        start,
        end: start,
        kind: ErrorKind::Io,
        message,
    }
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn read_stdin(name: &str) -> Loaded {
    let mut bytes = Vec::new();
    let result = std::io::stdin()
        .lock()
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes);
    match result {
        Ok(_) => {
            let kind =
                discover::FileKind::from_path(Path::new(name)).unwrap_or(FileKind::Dockerfile);
            match decode(name.to_owned(), bytes, kind) {
                Loaded::Source(source, kind) => Loaded::Stdin(source, kind),
                other => other,
            }
        }
        Err(error) => Loaded::Failed {
            path: name.to_owned(),
            message: format!("cannot read standard input: {}", io_message(&error)),
            position: None,
        },
    }
}

fn read_file(path: &Path, kind: FileKind) -> Loaded {
    let name = display(path);
    let failed = |message: String| Loaded::Failed {
        path: name.clone(),
        message,
        position: None,
    };
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) => return failed(format!("cannot read file: {}", io_message(&error))),
    };
    let capacity = file.metadata().map_or(0, |metadata| metadata.len());
    if capacity > MAX_FILE_SIZE {
        return failed("file is larger than 4 GiB".to_owned());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    // `take` guards against a file that grows while it is read.
    if let Err(error) = (&mut file).take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes) {
        return failed(format!("cannot read file: {}", io_message(&error)));
    }
    decode(name, bytes, kind)
}

fn decode(name: String, bytes: Vec<u8>, kind: FileKind) -> Loaded {
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Loaded::Failed {
            path: name,
            message: "file is larger than 4 GiB".to_owned(),
            position: None,
        };
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            // BuildKit ignores a UTF-8 byte order mark; dropping it keeps columns as editors
            // show them.
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Loaded::Source(SourceFile::new(name, text), kind)
        }
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.as_bytes();
            // The prefix is valid UTF-8, so the position can be given in characters.
            let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            let position = SourceFile::new("", prefix).line_column(valid as u32);
            Loaded::Failed {
                path: name,
                message: format!("file is not valid UTF-8 (invalid byte at offset {valid})"),
                position: Some(position),
            }
        }
    }
}
