//! Pure analysis: source text and settings in, diagnostics out.
//!
//! `syntax` turns text into lossless trees with byte ranges, `model` gives them meaning (stages,
//! resolved `ARG`s, the final user), `rules` holds one file per rule and the registry, and
//! [`lint_dockerfile`] ties them together. This crate never touches the file system or the
//! network: the binary reads files and hands their text in.

pub mod fixes;
pub mod host;
pub mod model;
pub mod profiles;
pub mod rules;
pub mod settings;
pub mod suppress;
pub mod syntax;

mod linter;

pub use host::lint_host;
pub use linter::{
    LintResult, lint_compose, lint_dockerfile, lint_inspect, lint_project, lint_run_lines,
};
pub use settings::Settings;
