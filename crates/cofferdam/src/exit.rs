//! Exit statuses (part of the contract in DESIGN.md) and how a failed run is reported.

use std::process::ExitCode;

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExitStatus {
    /// Nothing at or above the fail threshold.
    Success,
    /// Findings at or above the fail threshold.
    Failure,
    /// A usage error, a syntax error or an unreadable file; wins over findings.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

/// Reports an error that ended the run on stderr, with its cause chain on one line.
///
/// A closed stdout (`cofferdam check | head`) is not a failure: the reader got what it wanted.
pub(crate) fn report_error(error: &anyhow::Error) -> ExitCode {
    let broken_pipe = error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        return ExitCode::SUCCESS;
    }
    eprintln!("cofferdam: error: {error:#}");
    ExitStatus::Error.into()
}
