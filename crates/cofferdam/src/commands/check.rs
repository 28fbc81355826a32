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

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use cofferdam_diagnostics::{LineColumn, SourceFile};
use cofferdam_linter::model::compose::{ComposeInput, Loader, NoFiles};
use cofferdam_linter::suppress::{self, CommentStyle};
use cofferdam_linter::syntax::embedded::Embedding;
use cofferdam_linter::{LintResult, Settings, lint_compose, lint_dockerfile, lint_run_lines};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::discover::{self, FileKind};
use crate::exit::ExitStatus;
use crate::loader::{self, Disk};
use crate::printer;
use crate::report::{ErrorKind, FileError, Report};
use crate::resolve::{CheckSettings, InputPath};

/// Runs below this many files finish before a progress bar would be worth drawing.
const PROGRESS_MIN_FILES: usize = 200;

pub(crate) fn check(settings: &CheckSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    if settings.fix.mode != crate::fix::FixMode::Off {
        return crate::fix::check(settings, out);
    }
    let mut report = run(settings);
    apply_baseline(&mut report, settings)?;
    if report.files.is_empty() && report.errors.is_empty() && !settings.quiet {
        // Not an error (an empty directory is clean), but usually a wrong path.
        eprintln!(
            "cofferdam: warning: no Dockerfiles or compose files found under the given paths"
        );
    }
    printer::print_report(&report, settings, out)?;
    Ok(report.exit_status(Some(settings.fail_on)))
}

/// `--baseline`: drops the known findings from `report` (or writes them), with a note.
pub(crate) fn apply_baseline(report: &mut Report, settings: &CheckSettings) -> Result<()> {
    let Some((path, update)) = &settings.baseline else {
        return Ok(());
    };
    let applied = crate::baseline::apply(report, path, *update)?;
    report.notes.push(match applied.written {
        Some(count) => format!(
            "baseline {} written with {}; later runs report only new findings",
            path.display(),
            crate::printer::plural(count, "finding")
        ),
        None => format!(
            "baseline {}: {} not reported, {} fixed since it was written",
            path.display(),
            crate::printer::plural(applied.known, "known finding"),
            applied.fixed
        ),
    });
    Ok(())
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

/// Runs the review `check` prints; `report` renders the same result as HTML.
pub(crate) fn run(settings: &CheckSettings) -> Report {
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
    let plain = std::sync::Arc::new(settings.linter.clone());
    let lint_one = |candidate: &discover::Candidate| {
        // Each file is linted with the configuration nearest to it.
        let linter = match &settings.resolver {
            Some(resolver) => match resolver.settings_for(&candidate.path) {
                Ok(linter) => linter,
                Err(error) => {
                    progress.inc(1);
                    return Outcome::Failed(config_error(error));
                }
            },
            None => std::sync::Arc::clone(&plain),
        };
        // A file without an extension is read only when it starts like a script.
        let outcome = if candidate.kind == FileKind::MaybeScript
            && !loader::starts_with_shebang(&candidate.path)
        {
            Outcome::Skipped
        } else {
            lint_loaded(read_file(&candidate.path, candidate.kind), &linter)
        };
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
    outcomes.extend(
        loaded
            .into_iter()
            .map(|item| lint_loaded(item, &settings.linter)),
    );
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
    for (source, mut result) in linted {
        if let Some(style) = CommentStyle::for_path(source.name()) {
            let outcome = suppress::apply(
                source.text(),
                style,
                std::mem::take(&mut result.diagnostics),
                &settings.linter,
                settings.require_reason,
            );
            result.diagnostics = outcome.kept;
            report.suppressed += outcome.suppressed;
            for (range, note) in outcome.notes {
                let at = source.line_column(range.start());
                report.notes.push(format!(
                    "{}:{}:{}: {note}",
                    source.name(),
                    at.line,
                    at.column
                ));
            }
        }
        // A file can be reached twice (an `extends` target that is also a compose file of its
        // own); its findings are merged and duplicates dropped after sorting.
        report.add(source, result);
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

fn lint_loaded(loaded: Loaded, settings: &Settings) -> Outcome {
    match loaded {
        Loaded::Source(source, kind) => lint(source, kind, &Disk, settings),
        Loaded::Stdin(source, kind) => lint(source, kind, &NoFiles, settings),
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
        FileKind::Embedded(embedding) => {
            Outcome::Linted(lint_run_lines(&source, embedding, loader, settings))
        }
        FileKind::MaybeScript if discover::has_shell_shebang(source.text()) => {
            Outcome::Linted(lint_run_lines(&source, Embedding::Shell, loader, settings))
        }
        FileKind::MaybeScript => Outcome::Skipped,
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

/// A configuration mistake, reported at its place in the configuration file.
fn config_error(error: crate::config::ConfigError) -> FileError {
    let start = LineColumn {
        line: error.line,
        column: error.column,
    };
    FileError {
        path: error.path,
        file: None,
        range: None,
        located: true,
        start,
        end: start,
        kind: ErrorKind::Syntax,
        message: format!("invalid configuration: {}", error.message),
    }
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
    let kind = FileKind::from_path(Path::new(name)).unwrap_or(FileKind::Dockerfile);
    match loader::read_stdin(name) {
        Ok(source) => Loaded::Stdin(source, kind),
        Err(error) => failed(error),
    }
}

fn read_file(path: &Path, kind: FileKind) -> Loaded {
    match loader::read_file(path) {
        Ok(source) => Loaded::Source(source, kind),
        Err(error) => failed(error),
    }
}

fn failed(error: loader::ReadError) -> Loaded {
    Loaded::Failed {
        path: error.path,
        message: error.message,
        position: error.position,
    }
}
