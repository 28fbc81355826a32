//! The JSON exec form (`["executable", "arg"]`) of `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`,
//! `HEALTHCHECK CMD`, `COPY`, `ADD` and `VOLUME`.
//!
//! `serde_json` would decode the strings but forget where each literal was, so this small
//! scanner accepts exactly a JSON array of strings and reports every literal's offsets. It
//! decodes like Go's `encoding/json`, which `BuildKit` uses: a lone UTF-16 surrogate in a `\u`
//! escape becomes U+FFFD instead of an error.

/// One string literal of the array: offsets of the opening and just past the closing quote,
/// relative to the scanned text, and the decoded value.
pub(super) struct JsonString {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) value: String,
}

/// Parses `text` (already trimmed) as a JSON array of strings. Anything else, including
/// trailing text after the closing bracket, is `None`: `BuildKit` then treats the arguments as
/// shell form.
pub(super) fn string_array(text: &str) -> Option<Vec<JsonString>> {
    let mut scanner = Scanner { text, pos: 0 };
    scanner.skip_space();
    scanner.eat(b'[')?;
    let mut items = Vec::new();
    scanner.skip_space();
    if scanner.eat(b']').is_none() {
        loop {
            scanner.skip_space();
            let start = scanner.pos;
            let value = scanner.string()?;
            items.push(JsonString {
                start,
                end: scanner.pos,
                value,
            });
            scanner.skip_space();
            if scanner.eat(b',').is_some() {
                continue;
            }
            scanner.eat(b']')?;
            break;
        }
    }
    scanner.skip_space();
    (scanner.pos == text.len()).then_some(items)
}

/// Whether `text` is valid JSON for an array whose elements are not all strings, such as
/// `["a", 1]`. `BuildKit` rejects that outright instead of falling back to shell form.
pub(super) fn is_non_string_array(text: &str) -> bool {
    matches!(
        serde_json::from_str::<serde_json::Value>(text),
        Ok(serde_json::Value::Array(items)) if items.iter().any(|item| !item.is_string())
    )
}

struct Scanner<'t> {
    text: &'t str,
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// A string literal starting at the current position.
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut value = String::new();
        loop {
            let c = self.text.get(self.pos..)?.chars().next()?;
            self.pos += c.len_utf8();
            match c {
                '"' => return Some(value),
                '\\' => self.escape(&mut value)?,
                // JSON forbids raw control characters inside strings.
                c if u32::from(c) < 0x20 => return None,
                c => value.push(c),
            }
        }
    }

    /// The escape sequence after a backslash.
    fn escape(&mut self, value: &mut String) -> Option<()> {
        let byte = self.peek()?;
        self.pos += 1;
        let decoded = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return None,
        };
        value.push(decoded);
        Some(())
    }

    /// The code point of a `\uXXXX` escape (the `\u` already consumed), combining a surrogate
    /// pair when a low surrogate escape follows a high one.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if !(0xD800..0xDC00).contains(&first) {
            return Some(char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        let save = self.pos;
        if self.text.get(self.pos..)?.starts_with("\\u") {
            self.pos += 2;
            if let Some(second) = self.hex4()
                && (0xDC00..0xE000).contains(&second)
            {
                let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Some(char::from_u32(combined).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
        }
        // A lone high surrogate: Go substitutes U+FFFD and rescans what follows.
        self.pos = save;
        Some(char::REPLACEMENT_CHARACTER)
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..self.pos + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        u32::from_str_radix(digits, 16).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::{is_non_string_array, string_array};

    fn values(text: &str) -> Option<Vec<String>> {
        string_array(text).map(|items| items.into_iter().map(|item| item.value).collect())
    }

    #[test]
    fn accepts_string_arrays() {
        assert_eq!(
            values(r#"["a", "b c"]"#),
            Some(vec!["a".into(), "b c".into()])
        );
        assert_eq!(values("[]"), Some(vec![]));
        assert_eq!(values(" [ \"x\" ] "), Some(vec!["x".into()]));
        let items = string_array(r#"["sh",  "-c"]"#).unwrap();
        assert_eq!((items[1].start, items[1].end), (8, 12));
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(
            values(r#"["a\"b\\c\/\n\t\u00e9\ud83d\ude00\ud800x"]"#),
            Some(vec!["a\"b\\c/\n\té😀\u{fffd}x".into()])
        );
    }

    #[test]
    fn rejects_everything_else() {
        for text in [
            r#"["a", 'b']"#,
            r#"["a",]"#,
            r#"["a"] x"#,
            r#"["a""#,
            r#"["\x"]"#,
            r#"["\u12"]"#,
            "[\"a\u{1}\"]",
            r#"["a", 1]"#,
            "[",
            "",
        ] {
            assert_eq!(values(text), None, "{text}");
        }
    }

    #[test]
    fn detects_non_string_arrays() {
        assert!(is_non_string_array(r#"["a", 1]"#));
        assert!(!is_non_string_array(r#"["a"]"#));
        assert!(!is_non_string_array(r#"["a", 'b']"#));
        assert!(!is_non_string_array("{}"));
    }
}
