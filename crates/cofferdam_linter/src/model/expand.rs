//! `BuildKit`-style word expansion: turns a [`Word::raw`](crate::syntax::dockerfile::Word) into
//! the value `BuildKit` would use, given the variables in scope.
//!
//! It implements quote removal (single quotes are literal; double quotes still expand `$`), the
//! Dockerfile's escape character, and the parameter forms `BuildKit`'s shell lexer supports:
//! `$v`, `${v}`, `${v:-w}`, `${v-w}`, `${v:+w}`, `${v+w}`, `${v:?m}`, `${v?m}`, `${v#p}`,
//! `${v##p}`, `${v%p}`, `${v%%p}`, `${v/p/r}` and `${v//p/r}` with `*` and `?` glob patterns.
//! The model uses it to resolve `ARG`s in `FROM`, `ENV` values and the like; the caller supplies
//! the scope through `lookup`. Malformed input (an unterminated `${`, quote or escape) never
//! fails: whatever was read is used, which is what a linter needs to keep going.

/// The result of [`expand`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    pub value: String,
    /// Names referenced that had no value and no default, in order of first use, without
    /// duplicates. Only identifiers are listed (not `$1` or `$@`).
    pub unresolved: Vec<String>,
}

/// Expands `raw` like `BuildKit` does for `ENV`, `ARG`, `FROM`, `COPY` and friends.
pub fn expand(raw: &str, escape: char, lookup: &dyn Fn(&str) -> Option<String>) -> Expanded {
    let mut lexer = Lexer::new(raw, escape, Some(lookup));
    let (value, _) = lexer.word(&[]);
    Expanded {
        value,
        unresolved: lexer.unresolved,
    }
}

/// Removes quotes and escapes from `raw` without expanding variables (`$` stays literal).
pub fn unquote(raw: &str, escape: char) -> String {
    Lexer::new(raw, escape, None).word(&[]).0
}

/// Nesting deeper than this (`${a:-${a:-…}}`) is kept literally so that hostile input cannot
/// exhaust the stack.
const MAX_DEPTH: usize = 64;

type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    escape: char,
    /// `None` for quote removal only.
    lookup: Option<Lookup<'a>>,
    unresolved: Vec<String>,
    depth: usize,
}

impl<'a> Lexer<'a> {
    fn new(raw: &str, escape: char, lookup: Option<Lookup<'a>>) -> Self {
        Lexer {
            chars: raw.chars().collect(),
            pos: 0,
            escape,
            lookup,
            unresolved: Vec::new(),
            depth: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Processes a word up to an unquoted character in `stops` (consumed) or the end. Returns
    /// the value and the stop character met, if any.
    fn word(&mut self, stops: &[char]) -> (String, Option<char>) {
        let mut out = String::new();
        while let Some(c) = self.next() {
            if stops.contains(&c) {
                return (out, Some(c));
            }
            match c {
                '\'' => self.single_quoted(&mut out),
                '"' => self.double_quoted(&mut out),
                '$' if self.lookup.is_some() => self.dollar(&mut out),
                // An escape at the very end is dropped, as BuildKit does.
                c if c == self.escape => out.extend(self.next()),
                c => out.push(c),
            }
        }
        (out, None)
    }

    fn single_quoted(&mut self, out: &mut String) {
        while let Some(c) = self.next() {
            if c == '\'' {
                return;
            }
            out.push(c);
        }
    }

    fn double_quoted(&mut self, out: &mut String) {
        while let Some(c) = self.next() {
            match c {
                '"' => return,
                '$' if self.lookup.is_some() => self.dollar(out),
                // Inside double quotes only `"`, `$` and the escape character can be escaped;
                // before anything else the escape character is kept.
                c if c == self.escape => match self.peek() {
                    Some(n) if n == '"' || n == '$' || n == self.escape => {
                        self.pos += 1;
                        out.push(n);
                    }
                    Some(_) => out.push(c),
                    None => {}
                },
                c => out.push(c),
            }
        }
    }

    /// A word nested inside `${…}`, processed with the same rules. Returns the value, the stop
    /// character met, and the names it left unresolved (kept aside: they only count if the
    /// word is used).
    fn nested(&mut self, stops: &[char]) -> (String, Option<char>, Vec<String>) {
        let before = self.unresolved.len();
        self.depth += 1;
        let (value, stop) = self.word(stops);
        self.depth -= 1;
        let added = self.unresolved.split_off(before);
        (value, stop, added)
    }

    fn record(&mut self, name: &str) {
        let identifier = name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_');
        if identifier && !self.unresolved.iter().any(|n| n == name) {
            self.unresolved.push(name.to_owned());
        }
    }

    fn merge(&mut self, names: Vec<String>) {
        for name in names {
            self.record(&name);
        }
    }

    fn get(&self, name: &str) -> Option<String> {
        if name.is_empty() {
            return None;
        }
        self.lookup.and_then(|lookup| lookup(name))
    }

    /// The value of `name`, recording it as unresolved when it has none.
    fn value_or_record(&mut self, name: &str) -> String {
        if let Some(value) = self.get(name) {
            value
        } else {
            self.record(name);
            String::new()
        }
    }

    /// After a `$`.
    fn dollar(&mut self, out: &mut String) {
        if self.depth >= MAX_DEPTH {
            out.push('$');
            return;
        }
        if self.eat('{') {
            self.braced(out);
            return;
        }
        let name = self.name();
        if name.is_empty() {
            out.push('$');
        } else {
            let value = self.value_or_record(&name);
            out.push_str(&value);
        }
    }

    /// A parameter name: digits only when it starts with one, a single special parameter
    /// character, or letters, digits and `_`.
    fn name(&mut self) -> String {
        let mut name = String::new();
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                while let Some(c) = self.peek().filter(char::is_ascii_digit) {
                    name.push(c);
                    self.pos += 1;
                }
            }
            Some(c @ ('@' | '*' | '#' | '?' | '-' | '$' | '!')) => {
                self.pos += 1;
                name.push(c);
            }
            _ => {
                while let Some(c) = self.peek().filter(|&c| c.is_alphanumeric() || c == '_') {
                    name.push(c);
                    self.pos += 1;
                }
            }
        }
        name
    }

    /// Skips to the `}` closing an unsupported form, honouring quotes and nesting.
    fn skip_to_close(&mut self) {
        let saved = std::mem::take(&mut self.unresolved);
        let _ = self.nested(&['}']);
        self.unresolved = saved;
    }

    /// After `${`.
    fn braced(&mut self, out: &mut String) {
        let name = self.name();
        let Some(op) = self.next() else {
            // Unterminated `${name`: use what was read.
            let value = self.value_or_record(&name);
            out.push_str(&value);
            return;
        };
        match op {
            '}' => {
                let value = self.value_or_record(&name);
                out.push_str(&value);
            }
            ':' if matches!(self.peek(), Some('-' | '+' | '?')) => {
                let modifier = self.next().unwrap_or('-');
                self.modifier(&name, modifier, true, out);
            }
            '-' | '+' | '?' => self.modifier(&name, op, false, out),
            '#' | '%' => {
                let longest = self.eat(op);
                let (pattern, _, names) = self.nested(&['}']);
                self.merge(names);
                let value = self.value_or_record(&name);
                out.push_str(&trim_pattern(&value, &pattern, op == '#', longest));
            }
            '/' => {
                let all = self.eat('/');
                let (pattern, stop, names) = self.nested(&['/', '}']);
                self.merge(names);
                let replacement = if stop == Some('/') {
                    let (replacement, _, names) = self.nested(&['}']);
                    self.merge(names);
                    replacement
                } else {
                    String::new()
                };
                let value = self.value_or_record(&name);
                out.push_str(&replace_pattern(&value, &pattern, &replacement, all));
            }
            _ => {
                // Forms BuildKit does not support (`${v:0:2}`, `${v=w}`): keep the value.
                self.skip_to_close();
                let value = self.value_or_record(&name);
                out.push_str(&value);
            }
        }
    }

    /// `-`, `+` and `?`, with `colon` when written `:-`, `:+`, `:?` (then an empty value
    /// counts as unset).
    fn modifier(&mut self, name: &str, modifier: char, colon: bool, out: &mut String) {
        let (word, _, names) = self.nested(&['}']);
        let value = self.get(name);
        let set = value.as_ref().is_some_and(|v| !colon || !v.is_empty());
        match (modifier, set) {
            ('-' | '?', true) => out.push_str(&value.unwrap_or_default()),
            // `-` uses the word when unset, `+` when set.
            ('-', false) | ('+', true) => {
                out.push_str(&word);
                self.merge(names);
            }
            ('?', false) => self.record(name),
            _ => {}
        }
    }
}

/// Whether the glob `pattern` (`*` any run, `?` any one character) matches all of `text`.
/// Iterative with backtracking to the last `*`, so it runs in O(len(text) × len(pattern)).
fn glob_match(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == '*')
}

/// `${v#p}`, `${v##p}` (`prefix`) and `${v%p}`, `${v%%p}` (suffix).
fn trim_pattern(value: &str, pattern: &str, prefix: bool, longest: bool) -> String {
    let text: Vec<char> = value.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    let n = text.len();
    let cut = if prefix {
        // The prefix text[..i] that matches, shortest or longest.
        let mut candidates: Box<dyn Iterator<Item = usize>> = if longest {
            Box::new((0..=n).rev())
        } else {
            Box::new(0..=n)
        };
        candidates
            .find(|&i| glob_match(&pattern, &text[..i]))
            .map(|i| text[i..].iter().collect())
    } else {
        // The suffix text[i..] that matches, shortest (largest i) or longest.
        let mut candidates: Box<dyn Iterator<Item = usize>> = if longest {
            Box::new(0..=n)
        } else {
            Box::new((0..=n).rev())
        };
        candidates
            .find(|&i| glob_match(&pattern, &text[i..]))
            .map(|i| text[..i].iter().collect())
    };
    cut.unwrap_or_else(|| value.to_owned())
}

/// `${v/p/r}` (first match) and `${v//p/r}` (every match); each match is the longest one at
/// the leftmost position where the pattern matches, as in the shell.
fn replace_pattern(value: &str, pattern: &str, replacement: &str, all: bool) -> String {
    if pattern.is_empty() {
        return value.to_owned();
    }
    let text: Vec<char> = value.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut start = 0;
    let mut replaced = false;
    while start <= text.len() {
        let found = if replaced && !all {
            None
        } else {
            (start..=text.len())
                .rev()
                .find(|&end| glob_match(&pattern, &text[start..end]))
        };
        if let Some(end) = found {
            out.push_str(replacement);
            replaced = true;
            if end > start {
                start = end;
                continue;
            }
            // An empty match: keep one character so that the scan moves on.
        }
        if let Some(&c) = text.get(start) {
            out.push(c);
        }
        start += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::{Expanded, expand, unquote};

    fn scope() -> HashMap<&'static str, &'static str> {
        HashMap::from([
            ("A", "alpha"),
            ("EMPTY", ""),
            ("PATHV", "/usr/local/bin/tool.tar.gz"),
            ("SPACED", "x y"),
            ("BASE", "alpine:3.19"),
        ])
    }

    fn run(raw: &str) -> Expanded {
        let scope = scope();
        expand(raw, '\\', &|name: &str| {
            scope.get(name).map(|value| (*value).to_owned())
        })
    }

    fn value(raw: &str) -> String {
        run(raw).value
    }

    #[test]
    fn simple_references() {
        assert_eq!(value("$A"), "alpha");
        assert_eq!(value("${A}"), "alpha");
        assert_eq!(value("x${A}y"), "xalphay");
        assert_eq!(value("$A-$A"), "alpha-alpha");
        assert_eq!(value("${BASE}"), "alpine:3.19");
        assert_eq!(value("$"), "$");
        assert_eq!(value("a$ b"), "a$ b");
        assert_eq!(value("$/x"), "$/x");
    }

    #[test]
    fn unresolved_names_are_recorded_once() {
        let expanded = run("$NOPE ${NOPE} ${OTHER#x} $1 $@");
        assert_eq!(expanded.value, "    ");
        assert_eq!(expanded.unresolved, vec!["NOPE", "OTHER"]);
        assert!(run("${EMPTY}").unresolved.is_empty());
    }

    #[test]
    fn defaults_and_alternatives() {
        assert_eq!(value("${NOPE:-d}"), "d");
        assert_eq!(value("${EMPTY:-d}"), "d");
        assert_eq!(value("${EMPTY-d}"), "");
        assert_eq!(value("${NOPE-d}"), "d");
        assert_eq!(value("${A:-d}"), "alpha");
        assert_eq!(value("${A:+set}"), "set");
        assert_eq!(value("${EMPTY:+set}"), "");
        assert_eq!(value("${EMPTY+set}"), "set");
        assert_eq!(value("${NOPE+set}"), "");
        assert!(run("${NOPE:-d}").unresolved.is_empty());
        assert!(run("${NOPE:+x}").unresolved.is_empty());
    }

    #[test]
    fn required_values() {
        let expanded = run("${NOPE:?must be set}");
        assert_eq!(expanded.value, "");
        assert_eq!(expanded.unresolved, vec!["NOPE"]);
        assert_eq!(run("${EMPTY:?m}").unresolved, vec!["EMPTY"]);
        assert!(run("${EMPTY?m}").unresolved.is_empty());
        assert_eq!(value("${A?m}"), "alpha");
    }

    #[test]
    fn nested_defaults() {
        assert_eq!(value("${NOPE:-${A:-x}}"), "alpha");
        assert_eq!(value("${NOPE:-${NADA:-x}}"), "x");
        let expanded = run("${NOPE:-${NADA}}");
        assert_eq!(expanded.unresolved, vec!["NADA"]);
        // A default that is not used does not make its names unresolved.
        assert!(run("${A:-${NADA}}").unresolved.is_empty());
        assert_eq!(value("${NOPE:-\"a b\"}"), "a b");
        assert_eq!(value("${NOPE:-'}'}"), "}");
    }

    #[test]
    fn prefix_and_suffix_removal() {
        assert_eq!(value("${PATHV#*/}"), "usr/local/bin/tool.tar.gz");
        assert_eq!(value("${PATHV##*/}"), "tool.tar.gz");
        assert_eq!(value("${PATHV%.*}"), "/usr/local/bin/tool.tar");
        assert_eq!(value("${PATHV%%.*}"), "/usr/local/bin/tool");
        assert_eq!(value("${A#al}"), "pha");
        assert_eq!(value("${A%?}"), "alph");
        assert_eq!(value("${A#zz}"), "alpha");
        assert_eq!(value("${BASE%:*}"), "alpine");
        assert_eq!(value("${BASE#*:}"), "3.19");
    }

    #[test]
    fn substitution() {
        assert_eq!(value("${A/a/A}"), "Alpha");
        assert_eq!(value("${A//a/A}"), "AlphA");
        assert_eq!(value("${PATHV//\\//_}"), "_usr_local_bin_tool.tar.gz");
        assert_eq!(value("${A/l*/}"), "a");
        assert_eq!(value("${A/?/}"), "lpha");
        assert_eq!(value("${A/zz/y}"), "alpha");
        assert_eq!(value("${A/p}"), "alha");
        assert_eq!(value("${A//}"), "alpha");
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(value("'$A'"), "$A");
        assert_eq!(value("\"$A\""), "alpha");
        assert_eq!(value("\"${SPACED}\" z"), "x y z");
        assert_eq!(value("\\$A"), "$A");
        assert_eq!(value("a\\ b"), "a b");
        assert_eq!(value("\"a\\\"b\""), "a\"b");
        assert_eq!(value("\"a\\nb\""), "a\\nb");
        assert_eq!(value("\"\\$A\""), "$A");
        assert_eq!(value("trailing\\"), "trailing");
    }

    #[test]
    fn backtick_escape() {
        let scope = scope();
        let lookup = |name: &str| scope.get(name).map(|value| (*value).to_owned());
        assert_eq!(expand("C:\\dir\\$A", '`', &lookup).value, "C:\\dir\\alpha");
        assert_eq!(expand("`$A", '`', &lookup).value, "$A");
        assert_eq!(unquote("\"C:\\x\" `\"", '`'), "C:\\x \"");
    }

    #[test]
    fn unquote_keeps_variables() {
        assert_eq!(unquote("\"a b\"'c'd\\ e", '\\'), "a bcd e");
        assert_eq!(unquote("$A ${B:-x}", '\\'), "$A ${B:-x}");
        assert_eq!(unquote("\"\\$A\"", '\\'), "$A");
    }

    #[test]
    fn malformed_input_does_not_fail() {
        assert_eq!(value("${A"), "alpha");
        assert_eq!(value("${"), "");
        assert_eq!(value("${A:-"), "alpha");
        assert_eq!(value("${NOPE:-x"), "x");
        assert_eq!(value("\"unterminated $A"), "unterminated alpha");
        assert_eq!(value("'unterminated"), "unterminated");
        assert_eq!(value("${A:0:2}rest"), "alpharest");
        assert_eq!(value("${}"), "");
        let deep = "${A:-".repeat(10_000);
        let _ = value(&deep);
    }

    proptest! {
        #[test]
        fn never_panics(raw in "[-a-zA-Z${}:#%/?*+'\"\\\\` ]{0,64}") {
            let _ = run(&raw);
            let _ = unquote(&raw, '`');
        }

        #[test]
        fn plain_text_is_unchanged(raw in "[a-zA-Z0-9_./:@ -]{0,32}") {
            prop_assert_eq!(value(&raw), raw.clone());
            prop_assert_eq!(unquote(&raw, '\\'), raw);
        }
    }
}
