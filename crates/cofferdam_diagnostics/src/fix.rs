//! [`Fix`]: text edits that resolve a finding, with an [`Applicability`] saying whether applying
//! them can change what the container does at runtime.

use serde::Serialize;

use crate::TextRange;

/// Whether a fix may be applied automatically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown to the user as a suggestion; never applied automatically (the right value cannot be
    /// known, e.g. which user id the application needs).
    DisplayOnly,
    /// Applied with `--unsafe-fixes`: correct for most projects but it can change runtime
    /// behaviour (dropping capabilities, a read-only root filesystem, a new `USER`).
    Unsafe,
    /// Applied with `--fix`: cannot change what the application does.
    Safe,
}

impl Applicability {
    pub const fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// Replace `range` with `content` (an empty range inserts, an empty content deletes).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replace(range: TextRange, content: impl Into<String>) -> Self {
        Self {
            range,
            content: content.into(),
        }
    }

    pub fn insert(offset: u32, content: impl Into<String>) -> Self {
        Self::replace(TextRange::empty(offset), content)
    }

    pub fn delete(range: TextRange) -> Self {
        Self::replace(range, "")
    }
}

/// A described set of edits. Display-only fixes may carry no edits at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub description: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(description: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(Applicability::Safe, description, edits)
    }

    pub fn unsafe_edits(description: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(Applicability::Unsafe, description, edits)
    }

    pub fn display_only(description: impl Into<String>) -> Self {
        Self::new(Applicability::DisplayOnly, description, Vec::new())
    }

    pub fn new(
        applicability: Applicability,
        description: impl Into<String>,
        mut edits: Vec<Edit>,
    ) -> Self {
        edits.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
        Self {
            applicability,
            description: description.into(),
            edits,
        }
    }

    /// Applies the edits to `text`. Returns `None` when two edits overlap.
    pub fn apply(&self, text: &str) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        let mut last = 0usize;
        for edit in &self.edits {
            let range = edit.range.to_std();
            if range.start < last {
                return None;
            }
            out.push_str(&text[last..range.start]);
            out.push_str(&edit.content);
            last = range.end;
        }
        out.push_str(&text[last..]);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::{Edit, Fix};
    use crate::TextRange;

    #[test]
    fn apply_sorted_edits() {
        let fix = Fix::safe(
            "pin",
            vec![
                Edit::insert(11, ":1.2"),
                Edit::replace(TextRange::new(0, 4), "from"),
            ],
        );
        assert_eq!(fix.apply("FROM ubuntu").as_deref(), Some("from ubuntu:1.2"));
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let fix = Fix::safe(
            "bad",
            vec![
                Edit::delete(TextRange::new(0, 4)),
                Edit::delete(TextRange::new(2, 6)),
            ],
        );
        assert_eq!(fix.apply("abcdefgh"), None);
    }
}
