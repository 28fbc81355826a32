//! Quote removal: the literal value of a tree-sitter-bash word node, or `None` when the word
//! contains an expansion whose value is only known at run time.

use tree_sitter::Node;

use super::nodes::{Cursors, Kind, kind};

/// The value of `node` after quote and backslash removal, if it is a literal.
pub(super) fn value<'n>(node: Node<'n>, text: &str, cursors: &Cursors<'n>) -> Option<String> {
    let mut out = String::new();
    push_value(node, text, &mut out, cursors).then_some(out)
}

/// Appends the decoded value of `node` to `out`; returns `false` at the first expansion.
fn push_value<'n>(node: Node<'n>, text: &str, out: &mut String, cursors: &Cursors<'n>) -> bool {
    let raw = super::walk::src(text, node);
    if !node.is_named() {
        // Keywords and operators used as words: `export`, `[[`, `==`.
        out.push_str(raw);
        return true;
    }
    match kind(node) {
        Kind::Word
        | Kind::Number
        | Kind::VariableName
        | Kind::FileDescriptor
        | Kind::TestOperator
        | Kind::ExtglobPattern
        | Kind::Regex
        | Kind::HeredocStart => {
            push_unquoted(raw, out);
            true
        }
        Kind::RawString => {
            out.push_str(strip_quotes(raw, '\''));
            true
        }
        Kind::String | Kind::TranslatedString => {
            let mut cursor = cursors.take(node);
            let literal = node
                .named_children(&mut cursor)
                .all(|c| kind(c) == Kind::StringContent);
            cursors.release(cursor);
            if literal {
                push_double_quoted(strip_quotes(raw.trim_start_matches('$'), '"'), out);
            }
            literal
        }
        Kind::AnsiCString => push_ansi_c(strip_quotes(raw.trim_start_matches('$'), '\''), out),
        // A concatenation (`--foo="bar"`), a command name or an assignment (`A=1` as a `export`
        // argument) is the concatenation of its parts; anonymous parts such as `=` are literal.
        Kind::Concatenation | Kind::CommandName | Kind::VariableAssignment => {
            let mut cursor = cursors.take(node);
            let mut ok = true;
            for child in node.children(&mut cursor) {
                if child.is_named() {
                    ok = push_value(child, text, out, cursors);
                } else {
                    out.push_str(super::walk::src(text, child));
                }
                if !ok {
                    break;
                }
            }
            cursors.release(cursor);
            ok
        }
        _ => false,
    }
}

/// `'x'` → `x`, tolerating a missing closing quote in erroneous input.
fn strip_quotes(raw: &str, quote: char) -> &str {
    let inner = raw.strip_prefix(quote).unwrap_or(raw);
    inner.strip_suffix(quote).unwrap_or(inner)
}

/// Outside quotes a backslash keeps the next character literally, and a backslash-newline is a
/// line continuation that disappears.
pub(super) fn push_unquoted(raw: &str, out: &mut String) {
    if !raw.contains('\\') {
        out.push_str(raw);
        return;
    }
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('\n') => {}
                Some(next) => out.push(next),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
}

/// Inside double quotes a backslash only escapes `$`, `` ` ``, `"`, `\` and newline.
fn push_double_quoted(inner: &str, out: &mut String) {
    if !inner.contains('\\') {
        out.push_str(inner);
        return;
    }
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('\n') => {
                    chars.next();
                }
                Some(&next @ ('$' | '`' | '"' | '\\')) => {
                    chars.next();
                    out.push(next);
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
}

/// `$'…'` strings: C-style escapes. Unicode (`\u`) and control (`\c`) escapes are rare in
/// Dockerfiles and treated as non-literal rather than decoded half-right.
fn push_ansi_c(inner: &str, out: &mut String) -> bool {
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let decoded = match e {
            'a' => '\x07',
            'b' => '\x08',
            'e' | 'E' => '\x1b',
            'f' => '\x0c',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\x0b',
            '\\' | '\'' | '"' | '?' => e,
            'x' => {
                let mut n = 0u32;
                let mut digits = 0;
                while digits < 2
                    && let Some(d) = chars.peek().and_then(|c| c.to_digit(16))
                {
                    n = n * 16 + d;
                    digits += 1;
                    chars.next();
                }
                if digits == 0 {
                    out.push_str("\\x");
                    continue;
                }
                char::from_u32(n).unwrap_or('\u{fffd}')
            }
            '0'..='7' => {
                let mut n = e.to_digit(8).unwrap_or(0);
                let mut digits = 1;
                while digits < 3
                    && let Some(d) = chars.peek().and_then(|c| c.to_digit(8))
                {
                    n = n * 8 + d;
                    digits += 1;
                    chars.next();
                }
                char::from_u32(n & 0xff).unwrap_or('\u{fffd}')
            }
            'u' | 'U' | 'c' => return false,
            other => {
                out.push('\\');
                other
            }
        };
        out.push(decoded);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{push_ansi_c, push_double_quoted, push_unquoted};

    fn run(f: impl Fn(&str, &mut String), s: &str) -> String {
        let mut out = String::new();
        f(s, &mut out);
        out
    }

    #[test]
    fn unquoted_escapes_and_continuations() {
        assert_eq!(run(push_unquoted, r"a\ b"), "a b");
        assert_eq!(run(push_unquoted, "ins\\\ntall"), "install");
        assert_eq!(run(push_unquoted, "x\\"), "x\\");
    }

    #[test]
    fn double_quoted_escapes_only_special_characters() {
        assert_eq!(run(push_double_quoted, r#"a\"b\$c\d"#), r#"a"b$c\d"#);
        assert_eq!(run(push_double_quoted, "a\\\nb"), "ab");
    }

    #[test]
    fn ansi_c_escapes() {
        let mut out = String::new();
        assert!(push_ansi_c(r"a\tb\x41\101\'\q", &mut out));
        assert_eq!(out, "a\tbAA'\\q");
        assert!(!push_ansi_c(r"\u00e9", &mut String::new()));
    }
}
