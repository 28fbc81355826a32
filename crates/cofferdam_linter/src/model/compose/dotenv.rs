//! `.env` and `env_file:` files as compose reads them: `KEY=value`, optional `export `,
//! single-quoted (literal), double-quoted (with `\n` escapes) or unquoted values with inline
//! `#` comments after whitespace, blank lines and comments skipped.

use cofferdam_diagnostics::TextRange;

/// One assignment with the range of its value (relative to the text given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotenvEntry {
    pub name: String,
    pub name_range: TextRange,
    pub value: String,
    pub value_range: TextRange,
}

/// Parses a dotenv file. Lines that are not assignments are skipped (compose errors on some of
/// them, but a linter should review what it can).
pub fn parse(text: &str, base: u32) -> Vec<DotenvEntry> {
    let mut entries = Vec::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        let indent = content.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (trimmed, indent) = match trimmed.strip_prefix("export ") {
            Some(rest) => {
                let rest_trimmed = rest.trim_start();
                (rest_trimmed, indent + (trimmed.len() - rest_trimmed.len()))
            }
            None => (trimmed, indent),
        };
        let Some(eq) = trimmed.find(['=', ':']) else {
            continue;
        };
        let name = trimmed[..eq].trim_end();
        if name.is_empty() || name.contains(char::is_whitespace) {
            continue;
        }
        let raw = &trimmed[eq + 1..];
        let leading = raw.len() - raw.trim_start().len();
        let raw = raw.trim_start();
        let value_start = start + indent + eq + 1 + leading;
        let (value, length) = value(raw);
        let name_start = (start + indent) as u32 + base;
        entries.push(DotenvEntry {
            name: name.to_owned(),
            name_range: TextRange::new(name_start, name_start + name.len() as u32),
            value,
            value_range: TextRange::new(
                value_start as u32 + base,
                (value_start + length) as u32 + base,
            ),
        });
    }
    entries
}

/// The value and how many bytes of `raw` it spans.
fn value(raw: &str) -> (String, usize) {
    if let Some(rest) = raw.strip_prefix('\'') {
        if let Some(end) = rest.find('\'') {
            return (rest[..end].to_owned(), end + 2);
        }
    } else if let Some(rest) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => return (out, at + 2),
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, other)) => out.push(other),
                    None => {}
                },
                c => out.push(c),
            }
        }
    }
    let end = raw
        .find(" #")
        .or_else(|| raw.find("\t#"))
        .unwrap_or(raw.len());
    let value = raw[..end].trim_end();
    (value.to_owned(), value.len())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn quoting_comments_and_ranges() {
        let text = "# c\nA=1\nexport B = 'x y' \nC=\"a\\nb\"\nD=plain # note\n\nE=\n";
        let entries = parse(text, 0);
        let pairs: Vec<_> = entries
            .iter()
            .map(|entry| (entry.name.as_str(), entry.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("A", "1"),
                ("B", "x y"),
                ("C", "a\nb"),
                ("D", "plain"),
                ("E", "")
            ]
        );
        assert_eq!(&text[entries[1].value_range.to_std()], "'x y'");
        assert_eq!(&text[entries[3].value_range.to_std()], "plain");
        assert_eq!(&text[entries[1].name_range.to_std()], "B");
    }
}
