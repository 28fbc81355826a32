//! [`TextRange`]: a half-open byte range into a source file's text.

use std::fmt;
use std::ops::Range;

/// A half-open byte range `[start, end)` into a source text.
///
/// Offsets are `u32`: files larger than 4 GiB are rejected before parsing, and halving the size
/// of every span keeps syntax trees and diagnostics small.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TextRange {
    start: u32,
    end: u32,
}

impl TextRange {
    /// Creates a range; `start` must not be greater than `end`.
    #[inline]
    pub const fn new(start: u32, end: u32) -> Self {
        assert!(start <= end, "TextRange start must not exceed end");
        Self { start, end }
    }

    /// Creates a range from `usize` offsets, as produced by string slicing.
    #[inline]
    pub fn from_usize(start: usize, end: usize) -> Self {
        Self::new(to_u32(start), to_u32(end))
    }

    /// An empty range at `offset`.
    #[inline]
    pub const fn empty(offset: u32) -> Self {
        Self::new(offset, offset)
    }

    #[inline]
    pub const fn start(self) -> u32 {
        self.start
    }

    #[inline]
    pub const fn end(self) -> u32 {
        self.end
    }

    #[inline]
    pub const fn len(self) -> u32 {
        self.end - self.start
    }

    #[inline]
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the range (the end is exclusive).
    #[inline]
    pub const fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Whether `other` lies entirely inside `self`.
    #[inline]
    pub const fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The smallest range covering both.
    #[inline]
    #[must_use]
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The range moved right by `offset` bytes.
    #[inline]
    #[must_use]
    pub const fn shift(self, offset: u32) -> TextRange {
        TextRange::new(self.start + offset, self.end + offset)
    }

    /// The range as `usize` offsets, for slicing.
    #[inline]
    pub const fn to_std(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<Range<u32>> for TextRange {
    fn from(range: Range<u32>) -> Self {
        TextRange::new(range.start, range.end)
    }
}

impl From<Range<usize>> for TextRange {
    fn from(range: Range<usize>) -> Self {
        TextRange::from_usize(range.start, range.end)
    }
}

fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).expect("source offsets fit in u32 (files over 4 GiB are rejected)")
}

#[cfg(test)]
mod tests {
    use super::TextRange;

    #[test]
    fn cover_and_contains() {
        let a = TextRange::new(2, 5);
        let b = TextRange::new(4, 9);
        assert_eq!(a.cover(b), TextRange::new(2, 9));
        assert!(a.contains(4));
        assert!(!a.contains(5));
        assert!(a.cover(b).contains_range(b));
        assert_eq!(&"hello world"[TextRange::new(6, 11).to_std()], "world");
    }

    #[test]
    #[should_panic(expected = "start must not exceed end")]
    fn inverted_range_panics() {
        let _ = TextRange::new(3, 2);
    }
}
