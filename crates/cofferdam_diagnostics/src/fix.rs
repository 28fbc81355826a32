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

    /// Unsafe edits when a rule could make them, else the description as a suggestion.
    pub fn unsafe_or_display_only(
        description: impl Into<String>,
        edits: Option<Vec<Edit>>,
    ) -> Self {
        match edits {
            Some(edits) => Self::unsafe_edits(description, edits),
            None => Self::display_only(description),
        }
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

/// The edits of one round of fixing: the fixes `take` accepts, in order, each taken whole when
/// none of its edits touches an edit already taken (an identical edit — one anchor fixed for
/// several findings — counts as taken, not as an overlap; two insertions at one offset do
/// overlap, since their order would be a guess). Returns the edits and, per taken fix, its
/// index in `fixes`.
pub fn non_overlapping<'a>(
    fixes: impl IntoIterator<Item = &'a Fix>,
    take: impl Fn(&Fix) -> bool,
) -> (Vec<Edit>, Vec<usize>) {
    let mut taken: Vec<Edit> = Vec::new();
    let mut indices = Vec::new();
    for (index, fix) in fixes.into_iter().enumerate() {
        if fix.edits.is_empty() || !take(fix) {
            continue;
        }
        let fresh: Vec<&Edit> = fix
            .edits
            .iter()
            .filter(|edit| !taken.contains(edit))
            .collect();
        if fresh
            .iter()
            .any(|edit| taken.iter().any(|other| touches(edit, other)))
        {
            continue;
        }
        taken.extend(fresh.into_iter().cloned());
        indices.push(index);
    }
    taken.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
    (taken, indices)
}

/// Whether two edits touch: overlapping ranges, two insertions at one offset, or an insertion
/// inside or at either end of a replaced range. The last is conservative: an item appended to
/// a list right where another fix deletes its only item would join text that no longer fits
/// (`[, x]`), so such edits wait for the next round, which sees the first one's result.
///
/// Two insertions of whole lines at one offset do not touch: each adds lines of its own (a key
/// at the end of a service, a flag on its own continuation line), and they go in the order the
/// fixes were taken.
fn touches(a: &Edit, b: &Edit) -> bool {
    let whole_lines = |edit: &Edit| edit.content.ends_with('\n');
    if a.range.is_empty() && b.range.is_empty() && whole_lines(a) && whole_lines(b) {
        return false;
    }
    let (a, b) = (a.range, b.range);
    if a.is_empty() && b.is_empty() {
        return a.start() == b.start();
    }
    if a.is_empty() {
        return b.start() <= a.start() && a.start() <= b.end();
    }
    if b.is_empty() {
        return a.start() <= b.start() && b.start() <= a.end();
    }
    a.start() < b.end() && b.start() < a.end()
}

#[cfg(test)]
mod tests {
    use super::{Edit, Fix, non_overlapping, touches};

    #[test]
    fn rounds_take_whole_fixes_that_do_not_touch() {
        let replace = Edit::replace(TextRange::new(4, 8), "x");
        assert!(touches(&replace, &Edit::insert(6, "y")));
        assert!(touches(&replace, &Edit::insert(8, "y")));
        assert!(!touches(&replace, &Edit::insert(9, "y")));
        assert!(!touches(
            &replace,
            &Edit::replace(TextRange::new(8, 9), "z")
        ));
        assert!(touches(&Edit::insert(3, "a"), &Edit::insert(3, "b")));
        assert!(!touches(
            &Edit::insert(3, "  a: 1\n"),
            &Edit::insert(3, "  b: 2\n")
        ));
        let fixes = [
            Fix::safe("a", vec![Edit::insert(0, "a"), Edit::insert(9, "x")]),
            Fix::safe("same anchor", vec![Edit::insert(9, "x")]),
            Fix::safe("b", vec![Edit::insert(0, "b")]),
            Fix::display_only("c"),
            Fix::unsafe_edits("d", vec![Edit::replace(TextRange::new(2, 4), "d")]),
        ];
        let (edits, taken) = non_overlapping(&fixes, |_| true);
        assert_eq!(taken, [0, 1, 4]);
        assert_eq!(edits.len(), 3);
        let (_, safe) = non_overlapping(&fixes, |fix| {
            fix.applicability == super::Applicability::Safe
        });
        assert_eq!(safe, [0, 1]);
    }
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
