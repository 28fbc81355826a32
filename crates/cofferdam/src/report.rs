//! [`Report`]: the outcome of one `check` run, as data for the printers and the exit status.
//!
//! Lines and columns are computed here, once, because the contract orders findings by path,
//! line, column and rule, and every printer needs the same positions.

use cofferdam_diagnostics::{Diagnostic, LineColumn, Severity, SourceFile, TextRange};

/// A file that was read and linted.
#[derive(Debug)]
pub(crate) struct CheckedFile {
    pub(crate) source: SourceFile,
    /// Byte ranges of secret values; never printed.
    pub(crate) redactions: Vec<TextRange>,
}

impl CheckedFile {
    /// Secret values of this file, for scrubbing free text.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        crate::mask::secret_values(self.source.text(), &self.redactions)
    }
}

/// One finding with its resolved position.
#[derive(Debug)]
pub(crate) struct Finding {
    /// Index into [`Report::files`].
    pub(crate) file: usize,
    pub(crate) diagnostic: Diagnostic,
    pub(crate) start: LineColumn,
    /// Exclusive end, as editors and SARIF count it.
    pub(crate) end: LineColumn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// The file could not be parsed completely; its rules still ran on what could be.
    Syntax,
    /// The file or directory could not be read.
    Io,
}

impl ErrorKind {
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::Io => "io",
        }
    }
}

/// A syntax or I/O error in one file.
#[derive(Debug)]
pub(crate) struct FileError {
    pub(crate) path: String,
    /// Index into [`Report::files`] when the file was read, so the error can show its source.
    pub(crate) file: Option<usize>,
    pub(crate) range: Option<TextRange>,
    /// Whether `start` is a real position; JSON consumers always get a position (1:1 for a file
    /// that could not be opened), but humans are not shown an invented one.
    pub(crate) located: bool,
    pub(crate) start: LineColumn,
    pub(crate) end: LineColumn,
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
}

/// Everything a `check` run produced, sorted as the contract requires.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub(crate) files: Vec<CheckedFile>,
    pub(crate) findings: Vec<Finding>,
    pub(crate) errors: Vec<FileError>,
    /// The containers an `audit` reviewed, for the per-container summary.
    pub(crate) containers: Vec<ContainerSummary>,
    /// What a run could not look at, and why (checks that need root, a container that went
    /// away); printed after the findings.
    pub(crate) notes: Vec<String>,
    /// Findings silenced by inline suppressions.
    pub(crate) suppressed: usize,
    /// Index into `files` by name, for [`Report::add`].
    file_index: std::collections::HashMap<String, usize>,
}

/// One reviewed container: findings are matched to it by `Diagnostic::service`.
#[derive(Debug, Default, serde::Serialize)]
pub(crate) struct ContainerSummary {
    pub(crate) name: String,
    /// The short id.
    pub(crate) id: String,
    /// The source its findings point into (`container:web`, or the inspect file).
    pub(crate) path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) compose_project: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) compose_service: Option<String>,
    /// The compose files the project was started from: where to change the settings (relative
    /// ones joined to the project's working directory).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) compose_files: Vec<String>,
    /// The directory `docker compose` ran in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) compose_working_dir: Option<String>,
    /// What the container's init process really has, read from /proc on the engine's host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) effective: Option<Effective>,
}

/// What a container's init process really has, read on the engine's host.
pub(crate) use cofferdam_audit::effective::Effective;

/// A finding or an error, for printers that interleave both in file order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Item<'a> {
    Finding(&'a Finding),
    Error(&'a FileError),
}

impl Report {
    /// Sorts findings by path, line, column, rule code, and errors by path, line, column.
    pub(crate) fn sort(&mut self) {
        let files = &self.files;
        // The key borrows the path, so that comparing two findings never allocates.
        self.findings.sort_by(|a, b| {
            let key = |finding: &Finding| {
                (
                    files[finding.file].source.name(),
                    finding.start,
                    finding.diagnostic.rule.code,
                    finding.end,
                )
            };
            key(a).cmp(&key(b))
        });
        // A file reached by two projects (an `extends` target that is also checked on its own)
        // reports each finding once.
        self.findings.dedup_by(|a, b| {
            a.file == b.file
                && a.diagnostic.range == b.diagnostic.range
                && a.diagnostic.rule.code == b.diagnostic.rule.code
                && a.diagnostic.service == b.diagnostic.service
                && a.diagnostic.message == b.diagnostic.message
        });
        self.errors
            .sort_by(|a, b| (&a.path, a.start, &a.message).cmp(&(&b.path, b.start, &b.message)));
        // A broken configuration is met by every file under it: report it once.
        self.errors
            .dedup_by(|a, b| a.path == b.path && a.start == b.start && a.message == b.message);
    }

    pub(crate) fn path(&self, finding: &Finding) -> &str {
        self.files[finding.file].source.name()
    }

    /// Findings and errors merged in path, line, column order; an error comes before a finding
    /// at the same place because it may explain it.
    pub(crate) fn items(&self) -> Vec<Item<'_>> {
        let mut items: Vec<Item<'_>> = self
            .errors
            .iter()
            .map(Item::Error)
            .chain(self.findings.iter().map(Item::Finding))
            .collect();
        items.sort_by(|a, b| self.item_key(*a).cmp(&self.item_key(*b)));
        items
    }

    fn item_key<'a>(&'a self, item: Item<'a>) -> (&'a str, LineColumn, u8) {
        match item {
            Item::Error(error) => (error.path.as_str(), error.start, 0),
            Item::Finding(finding) => (self.path(finding), finding.start, 1),
        }
    }

    /// The exit status the contract gives this report: an error wins, then any finding at or
    /// above `fail_on` (none when `None`, as `report` without `--fail-on`).
    pub(crate) fn exit_status(&self, fail_on: Option<Severity>) -> crate::exit::ExitStatus {
        if !self.errors.is_empty() {
            crate::exit::ExitStatus::Error
        } else if fail_on.is_some_and(|threshold| {
            self.findings
                .iter()
                .any(|finding| finding.diagnostic.severity >= threshold)
        }) {
            crate::exit::ExitStatus::Failure
        } else {
            crate::exit::ExitStatus::Success
        }
    }

    /// Adds one linted source: the file (merged with an earlier one of the same name, as a file
    /// reached by two compose projects is), its syntax errors and its findings with positions.
    pub(crate) fn add(&mut self, source: SourceFile, result: cofferdam_linter::LintResult) {
        let index = if let Some(&index) = self.file_index.get(source.name()) {
            self.files[index].redactions.extend(result.redactions);
            index
        } else {
            let index = self.files.len();
            self.file_index.insert(source.name().to_owned(), index);
            self.files.push(CheckedFile {
                source,
                redactions: result.redactions,
            });
            index
        };
        let source = &self.files[index].source;
        for error in result.errors {
            self.errors.push(FileError {
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
            self.findings.push(Finding {
                file: index,
                start: source.line_column(diagnostic.range.start()),
                end: source.line_column(diagnostic.range.end()),
                diagnostic,
            });
        }
    }

    /// Number of files that were read and linted.
    pub(crate) fn files_checked(&self) -> usize {
        self.files.len()
    }

    /// Findings per severity, most severe first.
    pub(crate) fn counts(&self) -> [(Severity, usize); 5] {
        Severity::ALL.map(|severity| {
            let count = self
                .findings
                .iter()
                .filter(|finding| finding.diagnostic.severity == severity)
                .count();
            (severity, count)
        })
    }
}
