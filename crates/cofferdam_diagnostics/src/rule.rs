//! [`RuleMeta`]: everything about a rule except its check, declared once with [`declare_rule!`].
//!
//! The doc comment given to the macro is the rule's documentation. `cofferdam rule <code>`, the
//! generated rule pages and the SARIF rule descriptors all read this one record.

use std::fmt;

use crate::{Category, Severity};

/// The inputs a rule can see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    Dockerfile,
    Compose,
    RunLine,
    Inspect,
    ApiRequest,
    SeccompProfile,
    Host,
}

impl Input {
    pub const fn as_str(self) -> &'static str {
        match self {
            Input::Dockerfile => "dockerfile",
            Input::Compose => "compose",
            Input::RunLine => "run-line",
            Input::Inspect => "inspect",
            Input::ApiRequest => "api-request",
            Input::SeccompProfile => "seccomp-profile",
            Input::Host => "host",
        }
    }
}

/// The most a rule's fixes do: `--fix` applies [`FixAvailability::Safe`] fixes,
/// `--unsafe-fixes` also [`FixAvailability::Unsafe`] ones; a rule may give some findings a
/// weaker fix (its doc's "Fix safety" says when). A meta test holds this equal to the fixes
/// the rule makes on its fixtures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FixAvailability {
    /// No fix and no suggestion.
    None,
    /// A suggestion that is never applied.
    DisplayOnly,
    /// Edits applied with `--unsafe-fixes`.
    Unsafe,
    /// Edits applied with `--fix`.
    Safe,
}

impl FixAvailability {
    pub const fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::DisplayOnly => "display-only",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::Safe => "safe",
        }
    }
}

/// A peer tool whose check a rule matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tool {
    Hadolint,
    Trivy,
    Kics,
    Cis,
}

impl Tool {
    pub const fn as_str(self) -> &'static str {
        match self {
            Tool::Hadolint => "hadolint",
            Tool::Trivy => "trivy",
            Tool::Kics => "kics",
            Tool::Cis => "cis",
        }
    }
}

/// The id of an equivalent check in a peer tool, so that users can migrate suppressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Alias {
    pub tool: Tool,
    pub id: &'static str,
}

impl fmt::Display for Alias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.tool.as_str(), self.id)
    }
}

/// A rule's identity and documentation.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct RuleMeta {
    /// Stable code such as `USR001`; never reused for another meaning.
    pub code: &'static str,
    /// Stable kebab-case name naming the hazard, such as `last-user-root`.
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub inputs: &'static [Input],
    pub fix: FixAvailability,
    /// Rules that peers found noisy are off unless selected.
    pub default_enabled: bool,
    pub aliases: &'static [Alias],
    /// The Markdown documentation, from the rule's doc comment.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation with the one leading space of each doc-comment line removed.
    pub fn documentation(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The first paragraph under `## What it does`, on one line.
    pub fn summary(&self) -> String {
        self.first_paragraph("What it does")
    }

    /// The first paragraph under one `## heading`, with its lines joined into one.
    pub fn first_paragraph(&self, heading: &str) -> String {
        self.section(heading)
            .split("\n\n")
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The text under one `## heading` of the documentation, trimmed; empty if absent.
    pub fn section(&self, heading: &str) -> String {
        let doc = self.documentation();
        let marker = format!("## {heading}\n");
        let Some((_, rest)) = doc.split_once(&marker) else {
            return String::new();
        };
        let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
        rest[..end].trim().to_owned()
    }

    /// Whether `key` names this rule: its code, its name, or one of its aliases (with or without
    /// the tool prefix). Comparison ignores ASCII case.
    pub fn matches(&self, key: &str) -> bool {
        self.code.eq_ignore_ascii_case(key)
            || self.name.eq_ignore_ascii_case(key)
            || self.aliases.iter().any(|alias| {
                alias.id.eq_ignore_ascii_case(key) || alias.to_string().eq_ignore_ascii_case(key)
            })
    }
}

/// Declares a rule's metadata once.
///
/// ```
/// cofferdam_diagnostics::declare_rule! {
///     /// ## What it does
///     /// Checks for an example.
///     pub struct ExampleRule {
///         code: "EXM001",
///         name: "example-rule",
///         category: Build,
///         severity: Low,
///         inputs: [Dockerfile],
///         fix: None,
///         aliases: [Hadolint "DL0000"],
///     }
/// }
/// assert_eq!(ExampleRule::META.name, "example-rule");
/// assert!(ExampleRule::META.default_enabled);
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $rule:ident {
            code: $code:literal,
            name: $name:literal,
            category: $category:ident,
            severity: $severity:ident,
            inputs: [$($input:ident),* $(,)?],
            fix: $fix:ident,
            $(default_enabled: $enabled:literal,)?
            aliases: [$($tool:ident $alias:literal),* $(,)?] $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy)]
        $vis struct $rule;

        impl $rule {
            $vis const META: &'static $crate::RuleMeta = &$crate::RuleMeta {
                code: $code,
                name: $name,
                category: $crate::Category::$category,
                severity: $crate::Severity::$severity,
                inputs: &[$($crate::Input::$input),*],
                fix: $crate::FixAvailability::$fix,
                default_enabled: $crate::declare_rule!(@enabled $($enabled)?),
                aliases: &[$($crate::Alias { tool: $crate::Tool::$tool, id: $alias }),*],
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
    (@enabled) => { true };
    (@enabled $enabled:literal) => { $enabled };
}

#[cfg(test)]
mod tests {
    declare_rule! {
        /// ## What it does
        /// Checks that the
        /// summary joins lines.
        ///
        /// ## Why is this bad?
        /// Because.
        pub(crate) struct Sample {
            code: "TST001",
            name: "sample-rule",
            category: Image,
            severity: High,
            inputs: [Dockerfile, Compose],
            fix: Unsafe,
            default_enabled: false,
            aliases: [Hadolint "DL3007", Trivy "DS-0001"],
        }
    }

    #[test]
    fn meta_fields() {
        let meta = Sample::META;
        assert_eq!(meta.summary(), "Checks that the summary joins lines.");
        assert_eq!(meta.section("Why is this bad?"), "Because.");
        assert!(!meta.default_enabled);
        assert!(meta.matches("dl3007"));
        assert!(meta.matches("trivy:DS-0001"));
        assert!(meta.matches("SAMPLE-RULE"));
        assert!(!meta.matches("DS-0002"));
    }
}
