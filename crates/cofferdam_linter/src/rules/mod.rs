//! The rule registry: one file per rule under `rules/<family>/`, listed once in [`RULES`].
//!
//! A rule is its metadata (declared with `declare_rule!` next to its check) plus a check
//! function. Codes are stable: a renamed rule keeps a redirect in [`REDIRECTS`], and a
//! snapshot test guards the code list.

mod context;

use cofferdam_diagnostics::{Diagnostic, RuleMeta};

pub use context::{DockerfileContext, RunScript};

/// A Dockerfile rule's check.
pub type DockerfileCheck = fn(&DockerfileContext<'_>, &mut Vec<Diagnostic>);

/// How a rule is run.
#[derive(Clone, Copy)]
pub enum Check {
    Dockerfile(DockerfileCheck),
}

/// A registered rule.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

/// Every rule, in code order.
pub static RULES: &[Rule] = &[];

/// Old rule names and codes that now resolve to another rule: `(old, new code)`.
pub static REDIRECTS: &[(&str, &str)] = &[];

/// Finds a rule by code or name (case-insensitive), following redirects. Aliases of peer tools
/// are not consulted here because one alias may cover several rules.
pub fn find_rule(key: &str) -> Option<&'static Rule> {
    let key = REDIRECTS
        .iter()
        .find(|(old, _)| old.eq_ignore_ascii_case(key))
        .map_or(key, |(_, new)| new);
    RULES.iter().find(|rule| {
        rule.meta.code.eq_ignore_ascii_case(key) || rule.meta.name.eq_ignore_ascii_case(key)
    })
}
