//! [`SourceFile`]: a file's name and text with a line index, turning byte offsets into 1-based
//! lines and columns only when something is printed.

use std::sync::Arc;

use crate::TextRange;

/// A 1-based line and column. Columns count Unicode scalar values, as editors and SARIF do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColumn {
    pub line: u32,
    pub column: u32,
}

/// A file's path (as shown to users), its text, and the start offset of each line.
///
/// Cloning is cheap: the text and index are shared.
#[derive(Clone, Debug)]
pub struct SourceFile {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    name: String,
    text: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).expect("file smaller than 4 GiB")),
        );
        Self {
            inner: Arc::new(Inner {
                name: name.into(),
                text,
                line_starts,
            }),
        }
    }

    pub fn name(&self) -> &str {
        &self.inner.name
    }

    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// Number of lines (a trailing newline does not start an extra counted line of content, but
    /// an empty last line is still addressable).
    pub fn line_count(&self) -> usize {
        self.inner.line_starts.len()
    }

    /// The 0-based line index containing `offset`.
    pub fn line_index(&self, offset: u32) -> usize {
        match self.inner.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// The byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.inner.line_starts[line]
    }

    /// The byte range of 0-based `line`, without its line terminator.
    pub fn line_range(&self, line: usize) -> TextRange {
        let start = self.inner.line_starts[line];
        let mut end = self
            .inner
            .line_starts
            .get(line + 1)
            .map_or(self.inner.text.len() as u32, |&next| next - 1);
        if end > start && self.inner.text.as_bytes()[end as usize - 1] == b'\r' {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// The text of 0-based `line`, without its terminator.
    pub fn line_text(&self, line: usize) -> &str {
        &self.inner.text[self.line_range(line).to_std()]
    }

    /// The 1-based line and column of `offset`. Offsets inside a multi-byte character resolve to
    /// that character's column.
    pub fn line_column(&self, offset: u32) -> LineColumn {
        let offset = offset.min(self.inner.text.len() as u32);
        let line = self.line_index(offset);
        let start = self.inner.line_starts[line] as usize;
        let mut end = offset as usize;
        while !self.inner.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.inner.text[start..end].chars().count() + 1;
        LineColumn {
            line: u32::try_from(line + 1).expect("line count fits in u32"),
            column: u32::try_from(column).expect("column fits in u32"),
        }
    }

    /// The byte offset of a 1-based line and column, if they exist.
    pub fn offset(&self, position: LineColumn) -> Option<u32> {
        let line = usize::try_from(position.line).ok()?.checked_sub(1)?;
        let range = self.line_range(*self.inner.line_starts.get(line).map(|_| &line)?);
        let text = &self.inner.text[range.to_std()];
        let column = usize::try_from(position.column).ok()?.checked_sub(1)?;
        if column == text.chars().count() {
            return Some(range.end());
        }
        text.char_indices()
            .nth(column)
            .map(|(i, _)| range.start() + i as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::{LineColumn, SourceFile};

    #[test]
    fn line_columns() {
        let file = SourceFile::new("Dockerfile", "FROM a\r\nRUN é x\n\nUSER b");
        assert_eq!(file.line_count(), 4);
        assert_eq!(file.line_column(0), LineColumn { line: 1, column: 1 });
        assert_eq!(file.line_text(0), "FROM a");
        assert_eq!(file.line_text(1), "RUN é x");
        // "x" comes after the two-byte "é": byte 15, column 7.
        assert_eq!(file.line_column(15), LineColumn { line: 2, column: 7 });
        assert_eq!(file.line_text(2), "");
        assert_eq!(file.line_column(19), LineColumn { line: 4, column: 2 });
        assert_eq!(file.offset(LineColumn { line: 2, column: 7 }), Some(15));
        assert_eq!(file.offset(LineColumn { line: 9, column: 1 }), None);
    }
}
