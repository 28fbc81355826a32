//! A hand-written parser for the simple shell that most `RUN` lines are written in, producing the
//! same [`Script`] as the tree-sitter walk without building a syntax tree.
//!
//! Parsing with tree-sitter-bash and walking the tree cost more than every rule together, yet a
//! typical `RUN` line is `apt-get update && apt-get install -y a b && rm -rf /var/lib/apt/lists/*`:
//! plain words, quotes, `&&`, `||`, `;`, `|` and newlines. This module parses exactly that
//! subset and returns `None` for anything else (expansions, backslashes, redirects, compound
//! commands, comments, reserved words in command position, non-ASCII text, scripts that would be
//! re-entered), so that [`super::parse_at`] falls back to the walk. The differential tests in
//! `fast/tests.rs` hold the two paths to identical results; where tree-sitter-bash misreads
//! simple shell (`a | b | c && d`), this path declines rather than disagree.

use cofferdam_diagnostics::TextRange;

use super::walk::{MAX_SCRIPT_DEPTH, pipefail_setting};
use super::wrappers::{self, Reentry};
use super::{Assignment, Command, PipefailToggle, Pipeline, PipelineRef, Script, ShellWord};

/// Words that change the grammar when they start a command. Besides the reserved words these are
/// the declaration builtins, which tree-sitter-bash parses as their own node kinds.
const COMMAND_KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
    "function", "select", "time", "in", "coproc", "declare", "typeset", "export", "readonly",
    "local", "unset", "unsetenv",
];

/// The most `&&` / `||` operands or `|` elements accepted in one statement. tree-sitter-bash
/// nests one node per operator and the walk marks very deep trees as erroneous; staying far below
/// that depth keeps the two paths equal without modelling the limit.
const MAX_CHAIN: usize = 64;

/// The input is outside the supported subset; the caller parses it with tree-sitter instead.
struct Unsupported;

type Parsed<T> = Result<T, Unsupported>;

/// Parses `text` like `walk::parse_script(text, depth, initial_pipefail)`, or returns `None` when
/// `text` uses anything beyond the simple subset.
pub(super) fn parse(text: &str, depth: u8, initial_pipefail: bool) -> Option<Script> {
    // Offsets are `u32` throughout; a text that does not fit is left to the general path.
    u32::try_from(text.len()).ok()?;
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        script: Script::default(),
        depth,
    };
    if initial_pipefail {
        parser.script.pipefail_toggles.push(PipefailToggle {
            at: 0,
            enabled: true,
            scope: parser.whole(),
        });
    }
    parser.statements().ok()?;
    let mut script = parser.script;
    for i in 0..script.pipelines.len() {
        script.pipelines[i].pipefail = script.pipefail_before(script.pipelines[i].range.start());
    }
    Some(script)
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    script: Script,
    depth: u8,
}

/// A lexed word before it becomes a [`ShellWord`]: its byte range and its value after quote
/// removal.
struct Word {
    start: usize,
    end: usize,
    value: String,
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::from_usize(start, end)
}

/// Characters that may appear unquoted in a word. Everything else either ends a word (blanks and
/// operators) or is outside the subset.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'_' | b'-'
                | b'.'
                | b'/'
                | b':'
                | b','
                | b'+'
                | b'%'
                | b'@'
                | b'^'
                | b'~'
                | b'*'
                | b'?'
                | b'='
                | b'!'
        )
}

/// Characters of the command names this path accepts.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'+' | b'-')
}

/// Whether a word in command position starts with a keyword: tree-sitter-bash recognises `in`
/// in `in?x` as the keyword, so the identifier characters at the start are what count.
fn starts_with_keyword(bytes: &[u8]) -> bool {
    let len = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(bytes.len());
    std::str::from_utf8(&bytes[..len]).is_ok_and(|head| COMMAND_KEYWORDS.contains(&head))
}

/// `NAME=` at the start of a word: the length of `NAME` when the word is an assignment.
fn assignment_name_len(bytes: &[u8]) -> Option<usize> {
    let first = *bytes.first()?;
    // tree-sitter-bash does not take `_=x` for an assignment; names starting with `_` are rare
    // enough to leave to the general path altogether.
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let len = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))?;
    (bytes[len] == b'=').then_some(len)
}

impl Parser<'_> {
    fn whole(&self) -> TextRange {
        range(0, self.text.len())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn skip_blanks_and_newlines(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n')) {
            self.pos += 1;
        }
    }

    /// `statement ((';' | newline) statement)*`, with blank lines anywhere and an optional
    /// trailing terminator.
    fn statements(&mut self) -> Parsed<()> {
        loop {
            self.skip_blanks_and_newlines();
            if self.peek().is_none() {
                return Ok(());
            }
            let long_pipeline = self.and_or()?;
            self.skip_blanks();
            match self.peek() {
                None => return Ok(()),
                Some(b';') => self.pos += 1,
                Some(b'\n') => {
                    self.pos += 1;
                    // tree-sitter-bash reads `a | b | c` newline `d && e` as `a | b | c d && e`;
                    // after a pipeline of three or more commands only `;` or the end is safe.
                    self.skip_blanks_and_newlines();
                    if long_pipeline && self.peek().is_some() {
                        return Err(Unsupported);
                    }
                }
                Some(_) => return Err(Unsupported),
            }
        }
    }

    /// Pipelines joined by `&&` and `||`. These lists are left-associative, so an operand is a
    /// condition when any `||` follows it in the same list. Returns whether one of the pipelines
    /// has three or more commands.
    fn and_or(&mut self) -> Parsed<bool> {
        let mut long_pipeline = false;
        let first_command = self.script.commands.len();
        // Commands before this index are in the left operand of a later `||`.
        let mut condition_end = first_command;
        let mut operands = 0;
        loop {
            operands += 1;
            if operands > MAX_CHAIN {
                return Err(Unsupported);
            }
            let before = self.script.commands.len();
            self.pipeline()?;
            long_pipeline |= self.script.commands.len() - before >= 3;
            self.skip_blanks();
            match (self.peek(), self.peek_at(1)) {
                (Some(b'&'), Some(b'&')) => {}
                (Some(b'|'), Some(b'|')) => condition_end = self.script.commands.len(),
                _ => break,
            }
            // tree-sitter-bash parses `a | b | c && d` as `a | (b | c && d)`: a list that starts
            // with a pipeline of three or more commands is left to the general path so that
            // both paths keep agreeing (see the differential tests).
            if operands == 1 && self.script.commands.len() - first_command >= 3 {
                return Err(Unsupported);
            }
            self.pos += 2;
            self.skip_blanks_and_newlines();
        }
        for command in &mut self.script.commands[first_command..condition_end] {
            command.condition = true;
        }
        Ok(long_pipeline)
    }

    /// Commands joined by `|`.
    fn pipeline(&mut self) -> Parsed<()> {
        let first = self.script.commands.len();
        loop {
            if self.script.commands.len() - first >= MAX_CHAIN {
                return Err(Unsupported);
            }
            self.command()?;
            self.skip_blanks();
            match (self.peek(), self.peek_at(1)) {
                (Some(b'|'), Some(b'|')) => break,
                // `|&` also pipes standard error; it is left to the general path.
                (Some(b'|'), Some(b'&')) => return Err(Unsupported),
                (Some(b'|'), _) => {
                    self.pos += 1;
                    self.skip_blanks_and_newlines();
                }
                _ => break,
            }
        }
        let members: Vec<usize> = (first..self.script.commands.len()).collect();
        if members.len() < 2 {
            return Ok(());
        }
        let index = self.script.pipelines.len();
        for (position, &member) in members.iter().enumerate() {
            self.script.commands[member].pipeline = Some(PipelineRef { index, position });
        }
        let start = self.script.commands[first].range.start();
        let end = self.script.commands[members[members.len() - 1]].range.end();
        self.script.pipelines.push(Pipeline {
            range: TextRange::new(start, end),
            commands: members,
            pipefail: false,
        });
        Ok(())
    }

    /// `NAME=value… name args…`: a simple command with a literal name.
    fn command(&mut self) -> Parsed<()> {
        let mut assignments = Vec::new();
        let name = loop {
            let Some(word) = self.word()? else {
                // A command of assignments only is a different statement kind, and an empty
                // command is a syntax error: both are left to the general path.
                return Err(Unsupported);
            };
            let bytes = &self.bytes[word.start..word.end];
            if let Some(len) = assignment_name_len(bytes) {
                assignments.push(self.assignment(word, len)?);
                continue;
            }
            // tree-sitter-bash lexes command names containing globs, `:` or quotes, especially
            // after an assignment, in surprising ways (`A=1 a:b` runs `:b`, `- a?b` runs `?b`);
            // only plain names such as `apt-get`, `/usr/bin/pip3` or `./configure` are kept on
            // this path.
            if !bytes.iter().all(|&b| is_name_byte(b))
                || !bytes[0].is_ascii_alphabetic() && !matches!(bytes[0], b'.' | b'/')
                || starts_with_keyword(bytes)
            {
                return Err(Unsupported);
            }
            break self.shell_word(word);
        };
        let mut args = Vec::new();
        while let Some(word) = self.word()? {
            args.push(self.shell_word(word));
        }
        let start = assignments
            .first()
            .map_or(name.range.start(), |a: &Assignment| a.range.start());
        let end = args.last().map_or(name.range.end(), |a| a.range.end());
        let command = Command {
            range: TextRange::new(start, end),
            assignments,
            name,
            args,
            pipeline: None,
            redirects: Vec::new(),
            in_substitution: false,
            condition: false,
            script_depth: self.depth,
        };
        if let Some(enabled) = pipefail_setting(&command) {
            let scope = self.whole();
            self.script.pipefail_toggles.push(PipefailToggle {
                at: command.range.end(),
                enabled,
                scope,
            });
        }
        if self.reenters(&command) {
            return Err(Unsupported);
        }
        self.script.commands.push(command);
        Ok(())
    }

    /// Whether the walk would parse an argument of `command` as a nested script (`sh -c …`,
    /// `su -c …`, `eval …`). A shell reading stdin would re-enter only a heredoc body, and
    /// commands here have no redirects.
    fn reenters(&self, command: &Command) -> bool {
        if self.depth >= MAX_SCRIPT_DEPTH {
            return false;
        }
        let view = command.unwrapped();
        view.program()
            .and_then(|program| wrappers::reentry(program, view.args))
            .is_some_and(|(reentry, _)| matches!(reentry, Reentry::Argument { .. }))
    }

    /// Splits `NAME=value` after the `name_len` bytes of its name.
    fn assignment(&self, word: Word, name_len: usize) -> Parsed<Assignment> {
        let Word { start, end, value } = word;
        let equals = start + name_len;
        // `A==b` is left to the general path rather than modelled, and so is an empty value:
        // tree-sitter-bash can take the word after `A= ` for part of the assignment.
        if equals + 1 == end || self.bytes[equals + 1] == b'=' {
            return Err(Unsupported);
        }
        let mut value = value;
        value.drain(..=name_len);
        Ok(Assignment {
            name: self.text[start..equals].to_owned(),
            value: ShellWord {
                range: range(equals + 1, end),
                raw: self.text[equals + 1..end].to_owned(),
                value: Some(value),
            },
            range: range(start, end),
        })
    }

    fn shell_word(&self, word: Word) -> ShellWord {
        ShellWord {
            range: range(word.start, word.end),
            raw: self.text[word.start..word.end].to_owned(),
            value: Some(word.value),
        }
    }

    /// The next word after blanks, or `None` at an operator, a newline or the end.
    fn word(&mut self) -> Parsed<Option<Word>> {
        self.skip_blanks();
        let start = self.pos;
        // `{}` on its own, as in `find … -exec cmd {} +`, is a literal word; braces anywhere else
        // start a group or a brace expansion, which are left to the general path.
        if self.bytes[start..].starts_with(b"{}")
            && matches!(
                self.peek_at(2),
                None | Some(b' ' | b'\t' | b'\n' | b';' | b'&' | b'|')
            )
        {
            self.pos += 2;
            return Ok(Some(Word {
                start,
                end: self.pos,
                value: "{}".to_owned(),
            }));
        }
        let mut value = String::new();
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' => break,
                // tree-sitter-bash takes a word `==` for a test operator; words starting with
                // `=` are left to the general path.
                b'=' if self.pos == start => return Err(Unsupported),
                b'\'' => {
                    let inner = self.quoted(b'\'')?;
                    value.push_str(inner);
                }
                b'"' => {
                    let inner = self.quoted(b'"')?;
                    if inner.bytes().any(|c| matches!(c, b'$' | b'`' | b'\\')) {
                        return Err(Unsupported);
                    }
                    value.push_str(inner);
                }
                _ if is_word_byte(b) => {
                    let run_start = self.pos;
                    while self.peek().is_some_and(is_word_byte) {
                        self.pos += 1;
                    }
                    value.push_str(&self.text[run_start..self.pos]);
                }
                _ => return Err(Unsupported),
            }
        }
        Ok((self.pos > start).then_some(Word {
            start,
            end: self.pos,
            value,
        }))
    }

    /// The inside of a quoted section starting at the current position, which is moved past the
    /// closing quote. Only printable ASCII, tabs and newlines are accepted inside.
    fn quoted(&mut self, quote: u8) -> Parsed<&str> {
        let open = self.pos + 1;
        let len = self.bytes[open..]
            .iter()
            .position(|&b| b == quote)
            .ok_or(Unsupported)?;
        let inner = &self.bytes[open..open + len];
        if !inner
            .iter()
            .all(|&b| matches!(b, b' '..=b'~' | b'\t' | b'\n'))
        {
            return Err(Unsupported);
        }
        self.pos = open + len + 1;
        Ok(&self.text[open..open + len])
    }
}

#[cfg(test)]
mod tests;
