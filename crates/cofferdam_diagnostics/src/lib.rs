//! The vocabulary every cofferdam crate shares: byte ranges into a source file, the file with its
//! line index, severities and categories, diagnostics with their fixes, and the metadata each rule
//! declares once through [`declare_rule!`].
//!
//! Nothing here reads files or prints: rules produce [`Diagnostic`]s with byte ranges, and
//! printers turn them into lines and columns through [`SourceFile`] at the edge.

mod diagnostic;
mod fix;
mod range;
mod rule;
mod severity;
mod source;

pub use diagnostic::{Diagnostic, Label};
pub use fix::{Applicability, Edit, Fix, non_overlapping};
pub use range::TextRange;
pub use rule::{Alias, FixAvailability, Input, RuleMeta, Tool};
pub use severity::{Category, Severity};
pub use source::{LineColumn, SourceFile};
