//! Heredoc masking. tree-sitter-bash nests the rest of a command line inside a heredoc redirect
//! (`cat <<EOF > f && a | b` becomes one redirect with `a | b` inside), mis-parses `a | cat <<EOF`
//! and lets a body end at an indented terminator. So heredocs are located with a first parse,
//! their bodies are found by the shell's own rule (the lines after the command line, up to the
//! delimiter line), and the script is parsed again with each `<<` turned into `< ` and each body
//! blanked. Every byte keeps its offset, so ranges from the second tree index the original text.

use cofferdam_diagnostics::TextRange;
use tree_sitter::Tree;

use super::nodes::{Kind, kind};

/// One heredoc operator found in the text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Heredoc {
    /// Offset of the `<<`; in the masked text this is a `<` file redirect.
    pub(super) operator_start: u32,
    /// `true` for `<<-`, which strips leading tabs.
    pub(super) strip_tabs: bool,
    /// The body lines, excluding the terminator line; `None` when the text ends on the
    /// operator's line (a Dockerfile `RUN` line whose body the caller holds separately).
    pub(super) body: Option<TextRange>,
}

/// The masked text and the heredocs in it, or `None` when the tree has no heredoc.
pub(super) fn mask(text: &str, tree: &Tree) -> Option<(String, Vec<Heredoc>)> {
    let starts = heredoc_starts(tree);
    if starts.is_empty() {
        return None;
    }
    let bytes = text.as_bytes();
    let mut masked = bytes.to_vec();
    let mut heredocs = Vec::with_capacity(starts.len());
    // Where the next body may begin: several heredocs on one line have consecutive bodies.
    let mut next_body = 0usize;
    for (start, end) in starts {
        if start < next_body {
            // A "heredoc" that tree-sitter found inside an earlier body is body text.
            continue;
        }
        let Some((operator_start, strip_tabs)) = operator_before(bytes, start) else {
            continue;
        };
        let Some(delimiter) = text.get(start..end) else {
            continue;
        };
        let delimiter: String = delimiter
            .chars()
            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
            .collect();
        let line_end = line_end(bytes, end);
        let body_start = line_end.map_or(bytes.len(), |nl| nl + 1).max(next_body);
        let (body_end, after) = terminator(text, body_start, &delimiter, strip_tabs);
        next_body = after;
        masked[operator_start + 1] = b' ';
        if strip_tabs {
            masked[operator_start + 2] = b' ';
        }
        for b in &mut masked[body_start..after] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        heredocs.push(Heredoc {
            operator_start: operator_start as u32,
            strip_tabs,
            body: line_end.map(|_| TextRange::from_usize(body_start, body_end)),
        });
    }
    if heredocs.is_empty() {
        return None;
    }
    // Only ASCII bytes and whole lines were replaced by spaces, so the text stays valid UTF-8.
    String::from_utf8(masked).ok().map(|m| (m, heredocs))
}

/// Byte ranges of `heredoc_start` nodes in source order, found without recursion.
fn heredoc_starts(tree: &Tree) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if kind(node) == Kind::HeredocStart {
            found.push((node.start_byte(), node.end_byte()));
        } else if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return found;
            }
        }
    }
}

/// The `<<` or `<<-` before a delimiter starting at `start`, skipping blanks.
fn operator_before(bytes: &[u8], start: usize) -> Option<(usize, bool)> {
    let mut i = start;
    while i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    let before = &bytes[..i];
    if before.ends_with(b"<<-") {
        Some((i - 3, true))
    } else if before.ends_with(b"<<") && !before.ends_with(b"<<<") {
        Some((i - 2, false))
    } else {
        None
    }
}

/// The newline ending the command line that contains `from`; backslash-newline continues it.
fn line_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'\n') {
        let nl = i + off;
        if nl > 0 && bytes[nl - 1] == b'\\' {
            i = nl + 1;
        } else {
            return Some(nl);
        }
    }
    None
}

/// Finds the terminator line at or after `body_start`: returns the body end (the terminator
/// line's start) and the offset after the terminator line. Without a terminator the body runs
/// to the end of the text.
fn terminator(text: &str, body_start: usize, delimiter: &str, strip_tabs: bool) -> (usize, usize) {
    let mut line_start = body_start;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let mut line = &text[line_start..line_end];
        line = line.strip_suffix('\r').unwrap_or(line);
        if strip_tabs {
            line = line.trim_start_matches('\t');
        }
        if line == delimiter {
            return (line_start, (line_end + 1).min(text.len()));
        }
        line_start = line_end + 1;
    }
    (text.len(), text.len())
}
