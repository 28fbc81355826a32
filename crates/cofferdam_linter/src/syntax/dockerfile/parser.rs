//! The Dockerfile parser: text in, the lossless tree of [`super::ast`] out.
//!
//! It follows `BuildKit`'s Dockerfile front-end: parser directives at the top, logical lines
//! joined at the escape character (skipping comment and blank lines inside a continuation),
//! heredocs for `RUN`, `COPY` and `ADD`, the JSON exec form with a shell-form fallback, and
//! per-keyword argument shapes. Every instruction's logical text is kept as a [`MappedText`],
//! so each token's range is computed from its logical offsets and points at the exact source
//! bytes. Parsing never fails: a problem becomes a [`SyntaxError`] and parsing resumes at the
//! next line.

mod json;
#[cfg(test)]
mod tests;

use cofferdam_diagnostics::TextRange;

use super::ast::{
    CopyArgs, Directive, Dockerfile, Flag, Healthcheck, Heredoc, Instruction, InstructionKind,
    KeyValue, Keyword, MappedText, ShellOrExec, SyntaxError, Word,
};

/// Parses a Dockerfile. Never panics; problems are reported in [`Dockerfile::errors`].
pub fn parse(text: &str) -> Dockerfile {
    if u32::try_from(text.len()).is_err() {
        // Offsets are u32 across the project; the binary rejects such files before parsing.
        return Dockerfile {
            escape: '\\',
            errors: vec![SyntaxError {
                range: TextRange::empty(0),
                message: "expected a file smaller than 4 GiB".to_owned(),
            }],
            ..Dockerfile::default()
        };
    }
    Parser::new(text).run()
}

/// One physical line.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    /// End of the content: before `\n`, and before a `\r` that precedes it.
    content_end: usize,
    /// Offset of the terminating `\n`, if any.
    newline: Option<usize>,
}

fn split_lines(text: &str, start: usize) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut pos = start;
    while pos < bytes.len() {
        let newline = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| pos + i);
        let end = newline.unwrap_or(bytes.len());
        let content_end = if end > pos && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        lines.push(Line {
            start: pos,
            content_end,
            newline,
        });
        pos = end + 1;
    }
    lines
}

/// Whitespace as `BuildKit` trims it around lines and splits words (ASCII only, so that every
/// split lands on a char boundary).
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

fn skip_space(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    while pos < bytes.len() && is_space(bytes[pos]) {
        pos += 1;
    }
    pos
}

/// The end of `text` with trailing whitespace removed, but not before `floor`.
fn trim_end(text: &str, floor: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    while end > floor && is_space(bytes[end - 1]) {
        end -= 1;
    }
    end
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::from_usize(start, end)
}

/// The end of the shell-like word starting at `pos`: unquoted whitespace ends it; quotes and the
/// escape character protect what follows them (`BuildKit`'s `parseWords`).
fn scan_word(text: &str, mut pos: usize, escape: u8) -> usize {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    while pos < bytes.len() {
        let byte = bytes[pos];
        match quote {
            None if is_space(byte) => break,
            None if byte == b'\'' || byte == b'"' => quote = Some(byte),
            Some(q) if byte == q => quote = None,
            // Nothing can be escaped inside single quotes.
            Some(b'\'') => {}
            _ if byte == escape => pos += 1,
            _ => {}
        }
        pos += 1;
    }
    // Skipping an escaped byte may have stepped into a multi-byte character; words end on a
    // char boundary because they end at ASCII whitespace or the end of the text.
    pos.min(bytes.len())
}

/// Logical-offset spans of the words of `text[from..]`.
fn split_words(text: &str, from: usize, escape: u8) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut pos = skip_space(text, from);
    while pos < text.len() {
        let end = scan_word(text, pos, escape);
        words.push((pos, end));
        pos = skip_space(text, end);
    }
    words
}

/// Builds a [`MappedText`] from runs of source bytes.
#[derive(Default)]
struct Builder {
    text: String,
    segments: Vec<(u32, u32)>,
    last_end: Option<usize>,
    first_start: Option<usize>,
}

impl Builder {
    fn push(&mut self, source: &str, start: usize, end: usize) {
        if start >= end {
            return;
        }
        if self.last_end != Some(start) {
            self.segments.push((self.text.len() as u32, start as u32));
        }
        self.first_start.get_or_insert(start);
        self.text.push_str(&source[start..end]);
        self.last_end = Some(end);
    }

    /// Finishes with an explicit source range (for heredoc bodies, whose range includes
    /// stripped tabs); `None` uses the first to the last source byte pushed.
    fn finish(self, source_range: Option<TextRange>, fallback: usize) -> MappedText {
        let range = source_range.unwrap_or_else(|| {
            let start = self.first_start.unwrap_or(fallback);
            range(start, self.last_end.unwrap_or(start))
        });
        MappedText {
            text: self.text,
            range,
            segments: self.segments,
        }
    }
}

/// The part `[start, end)` of a mapped text, mapped to the same source bytes.
fn slice(mapped: &MappedText, start: usize, end: usize) -> MappedText {
    let range = mapped.range_to_source(range(start, end));
    let (start32, end32) = (start as u32, end as u32);
    let mut segments = vec![(0, mapped.to_source(start32))];
    segments.extend(
        mapped
            .segments
            .iter()
            .filter(|&&(logical, _)| logical > start32 && logical < end32)
            .map(|&(logical, source)| (logical - start32, source)),
    );
    if start == end {
        segments.clear();
    }
    MappedText {
        text: mapped.text[start..end].to_owned(),
        range,
        segments,
    }
}

/// A heredoc marker found on an instruction line, waiting for its body.
struct Marker {
    delimiter: String,
    quoted: bool,
    strip_tabs: bool,
    range: TextRange,
}

/// Recognises a heredoc marker word (`<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<EOF`) like `BuildKit`:
/// the whole word must be the marker, `<<<` is a here-string, and a delimiter that names a
/// variable is not a heredoc.
fn heredoc_marker(raw: &str, escape: char) -> Option<(String, bool, bool)> {
    let rest = raw.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix("<<")?;
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let mut delimiter = String::new();
    let mut quote: Option<char> = None;
    let mut quoted = false;
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some('\'') => delimiter.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                quoted = true;
            }
            _ if c == escape => delimiter.extend(chars.next()),
            _ if c == '$' => return None,
            _ => delimiter.push(c),
        }
    }
    (!delimiter.is_empty()).then_some((delimiter, quoted, strip_tabs))
}

/// Shortens text quoted in an error message.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(MAX).collect();
    short.push('…');
    short
}

struct Parser<'t> {
    text: &'t str,
    lines: Vec<Line>,
    /// Index of the next unread line.
    next: usize,
    escape: u8,
    out: Dockerfile,
    /// Heredoc markers of the instruction being built, in order.
    markers: Vec<Marker>,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Self {
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Parser {
            text,
            lines: split_lines(text, start),
            next: 0,
            escape: b'\\',
            out: Dockerfile {
                escape: '\\',
                ..Dockerfile::default()
            },
            markers: Vec::new(),
        }
    }

    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.out.errors.push(SyntaxError {
            range,
            message: message.into(),
        });
    }

    fn run(mut self) -> Dockerfile {
        let mut directives_open = true;
        while let Some(&line) = self.lines.get(self.next) {
            if directives_open {
                if self.directive(line) {
                    self.next += 1;
                    continue;
                }
                directives_open = false;
            }
            match self.first_non_blank(line) {
                None => self.next += 1,
                Some(pos) if self.text.as_bytes()[pos] == b'#' => {
                    self.out.comments.push(range(pos, line.content_end));
                    self.next += 1;
                }
                Some(pos) => self.instruction(pos),
            }
        }
        self.out
    }

    fn first_non_blank(&self, line: Line) -> Option<usize> {
        let pos = skip_space(&self.text[..line.content_end], line.start);
        (pos < line.content_end).then_some(pos)
    }

    /// Records `line` as a parser directive if it is one. Returns false when directives are
    /// over: `BuildKit` stops looking at the first line that is not a known directive.
    fn directive(&mut self, line: Line) -> bool {
        let content = &self.text[..line.content_end];
        let bytes = content.as_bytes();
        let is_blank = |b: u8| matches!(b, b' ' | b'\t' | b'\x0c');
        let skip = |mut pos: usize| {
            while pos < bytes.len() && is_blank(bytes[pos]) {
                pos += 1;
            }
            pos
        };
        let hash = skip(line.start);
        if bytes.get(hash) != Some(&b'#') {
            return false;
        }
        let name_start = skip(hash + 1);
        let mut name_end = name_start;
        while name_end < bytes.len()
            && (bytes[name_end].is_ascii_alphabetic()
                || (name_end > name_start && bytes[name_end].is_ascii_digit()))
        {
            name_end += 1;
        }
        let equals = skip(name_end);
        if name_end == name_start || bytes.get(equals) != Some(&b'=') {
            return false;
        }
        let value_start = skip(equals + 1);
        let mut value_end = bytes.len();
        while value_end > value_start && is_space(bytes[value_end - 1]) {
            value_end -= 1;
        }
        let name = content[name_start..name_end].to_ascii_lowercase();
        if value_start == value_end || !matches!(name.as_str(), "syntax" | "escape" | "check") {
            return false;
        }
        let value = &content[value_start..value_end];
        let value_range = range(value_start, value_end);
        if self.out.directives.iter().any(|d| d.name == name) {
            self.error(
                value_range,
                format!("expected only one `{name}` parser directive"),
            );
        } else if name == "escape" {
            match value {
                "\\" | "`" => {
                    self.escape = value.as_bytes()[0];
                    self.out.escape = char::from(self.escape);
                }
                _ => self.error(
                    value_range,
                    "expected `\\` or `` ` `` as the escape character",
                ),
            }
        }
        self.out.directives.push(Directive {
            name,
            value: value.to_owned(),
            range: range(line.start, line.content_end),
            value_range,
        });
        true
    }

    /// Where the escape character that continues this line starts, if it does: the escape
    /// character followed only by spaces and tabs.
    fn continuation_cut(&self, start: usize, end: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut pos = end;
        while pos > start && matches!(bytes[pos - 1], b' ' | b'\t') {
            pos -= 1;
        }
        (pos > start && bytes[pos - 1] == self.escape).then(|| pos - 1)
    }

    /// Parses the instruction whose keyword starts at `keyword_start` on the next line.
    fn instruction(&mut self, keyword_start: usize) {
        let mut logical = Builder::default();
        let mut index = self.next;
        let mut content_start = keyword_start;
        let mut last_end;
        loop {
            let line = self.lines[index];
            index += 1;
            last_end = line.content_end;
            let Some(cut) = self.continuation_cut(content_start, line.content_end) else {
                logical.push(self.text, content_start, line.content_end);
                break;
            };
            logical.push(self.text, content_start, cut);
            // Comment and blank lines inside a continuation are skipped, as BuildKit does.
            while let Some(&next) = self.lines.get(index) {
                match self.first_non_blank(next) {
                    None => index += 1,
                    Some(pos) if self.text.as_bytes()[pos] == b'#' => {
                        self.out.comments.push(range(pos, next.content_end));
                        index += 1;
                    }
                    Some(_) => break,
                }
            }
            match self.lines.get(index) {
                Some(next) => content_start = next.start,
                None => break,
            }
        }
        self.next = index;
        let logical = logical.finish(None, keyword_start);
        self.markers.clear();
        let mut instruction = self.build(&logical, 0, last_end as u32, 0);
        if !self.markers.is_empty() {
            let markers = std::mem::take(&mut self.markers);
            let mut end = last_end;
            let heredocs: Vec<Heredoc> = markers
                .into_iter()
                .map(|marker| {
                    let (heredoc, body_end) = self.heredoc(marker);
                    end = end.max(body_end);
                    heredoc
                })
                .collect();
            let mut current = &mut instruction;
            loop {
                current.range = range(current.range.start() as usize, end);
                if let InstructionKind::Onbuild(inner) = &mut current.kind {
                    current = inner;
                } else {
                    break;
                }
            }
            current.heredocs = heredocs;
        }
        self.out.instructions.push(instruction);
    }

    /// Reads the body of one heredoc from the next lines. Returns it and the end of the last
    /// line it used.
    fn heredoc(&mut self, marker: Marker) -> (Heredoc, usize) {
        let mut body = Builder::default();
        let body_start = self
            .lines
            .get(self.next)
            .map_or(self.text.len(), |l| l.start);
        loop {
            let Some(&line) = self.lines.get(self.next) else {
                self.error(
                    marker.range,
                    format!(
                        "expected a heredoc terminator `{}` before the end of the file",
                        shorten(&marker.delimiter)
                    ),
                );
                let heredoc = Heredoc {
                    delimiter: marker.delimiter,
                    quoted: marker.quoted,
                    strip_tabs: marker.strip_tabs,
                    marker_range: marker.range,
                    body: body.finish(Some(range(body_start, self.text.len())), body_start),
                    terminator_range: TextRange::empty(self.text.len() as u32),
                };
                // The body runs to the end of the file; the instruction ends with its last
                // line, not with the line breaks after it.
                let end = self.text.trim_end_matches(['\n', '\r']).len();
                return (heredoc, end);
            };
            self.next += 1;
            let mut content_start = line.start;
            if marker.strip_tabs {
                while content_start < line.content_end
                    && self.text.as_bytes()[content_start] == b'\t'
                {
                    content_start += 1;
                }
            }
            if self.text[content_start..line.content_end] == marker.delimiter {
                let heredoc = Heredoc {
                    delimiter: marker.delimiter,
                    quoted: marker.quoted,
                    strip_tabs: marker.strip_tabs,
                    marker_range: marker.range,
                    body: body.finish(Some(range(body_start, line.start)), body_start),
                    terminator_range: range(line.start, line.content_end),
                };
                return (heredoc, line.content_end);
            }
            body.push(self.text, content_start, line.content_end);
            if let Some(newline) = line.newline {
                body.push(self.text, newline, newline + 1);
            }
        }
    }

    fn word(mapped: &MappedText, start: usize, end: usize) -> Word {
        Word {
            raw: mapped.text[start..end].to_owned(),
            range: mapped.range_to_source(range(start, end)),
        }
    }

    fn words(&self, mapped: &MappedText, from: usize) -> Vec<Word> {
        split_words(&mapped.text, from, self.escape)
            .into_iter()
            .map(|(start, end)| Self::word(mapped, start, end))
            .collect()
    }

    /// Builds the instruction whose keyword starts at logical offset `keyword_start`
    /// (non-zero for an `ONBUILD` trigger). `depth` is 1 inside `ONBUILD`.
    fn build(
        &mut self,
        mapped: &MappedText,
        keyword_start: usize,
        end: u32,
        depth: u8,
    ) -> Instruction {
        let text = mapped.text.as_str();
        let keyword_end = (keyword_start..text.len())
            .find(|&i| is_space(text.as_bytes()[i]))
            .unwrap_or(text.len());
        let keyword_text = &text[keyword_start..keyword_end];
        let keyword = Keyword::parse(keyword_text);
        let keyword_range = mapped.range_to_source(range(keyword_start, keyword_end));
        let (flags, args) = self.flags(mapped, keyword_end);
        let named = keyword.as_str();
        let kind = match keyword {
            // `ONBUILD ONBUILD` is not parsed further, which also bounds the recursion.
            Keyword::Onbuild if depth > 0 => {
                self.error(
                    keyword_range,
                    "expected a trigger instruction other than `ONBUILD`, `FROM` or `MAINTAINER`",
                );
                InstructionKind::Invalid {
                    args: self.words(mapped, args),
                }
            }
            Keyword::Unknown => {
                let message = if keyword_text.is_empty() {
                    // Only possible for a line holding nothing but a continuation.
                    "expected an instruction such as `FROM`, `RUN` or `COPY`".to_owned()
                } else {
                    format!(
                        "expected an instruction such as `FROM`, `RUN` or `COPY`, found `{}`",
                        shorten(keyword_text)
                    )
                };
                self.error(keyword_range, message);
                InstructionKind::Invalid {
                    args: self.words(mapped, args),
                }
            }
            Keyword::From => self.from(mapped, args, keyword_range),
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell => {
                match self.command(mapped, args, keyword == Keyword::Run) {
                    None => self.missing(keyword_range, "a command", named),
                    Some(command) => match keyword {
                        Keyword::Run => InstructionKind::Run(command),
                        Keyword::Cmd => InstructionKind::Cmd(command),
                        Keyword::Entrypoint => InstructionKind::Entrypoint(command),
                        _ => {
                            if let ShellOrExec::Shell(shell) = &command {
                                self.error(
                                    shell.range,
                                    "expected a JSON array of strings after `SHELL`",
                                );
                            }
                            InstructionKind::Shell(command)
                        }
                    },
                }
            }
            Keyword::Healthcheck => self.healthcheck(mapped, args, keyword_range),
            Keyword::Env | Keyword::Label => self.pairs(mapped, args, keyword, keyword_range),
            Keyword::Arg => {
                let pairs: Vec<KeyValue> = split_words(text, args, self.escape)
                    .into_iter()
                    .map(|(start, end)| split_pair(mapped, start, end))
                    .collect();
                if pairs.is_empty() {
                    self.missing(keyword_range, "a name", named)
                } else {
                    InstructionKind::Arg(pairs)
                }
            }
            Keyword::Copy | Keyword::Add => self.copy(mapped, args, keyword, keyword_range),
            Keyword::User | Keyword::Workdir | Keyword::Stopsignal | Keyword::Maintainer => {
                let start = skip_space(text, args);
                let stop = trim_end(text, start);
                if start == stop {
                    self.missing(keyword_range, "an argument", named)
                } else {
                    let word = Self::word(mapped, start, stop);
                    match keyword {
                        Keyword::User => InstructionKind::User(word),
                        Keyword::Workdir => InstructionKind::Workdir(word),
                        Keyword::Stopsignal => InstructionKind::Stopsignal(word),
                        _ => InstructionKind::Maintainer(word),
                    }
                }
            }
            Keyword::Expose => {
                let words = self.words(mapped, args);
                if words.is_empty() {
                    self.missing(keyword_range, "a port", named)
                } else {
                    InstructionKind::Expose(words)
                }
            }
            Keyword::Volume => {
                let words = match self.json_words(mapped, args) {
                    Some(words) => words,
                    None => self.words(mapped, args),
                };
                if words.is_empty() {
                    self.missing(keyword_range, "a path", named)
                } else {
                    InstructionKind::Volume(words)
                }
            }
            Keyword::Onbuild => {
                let start = skip_space(text, args);
                if start == text.len() {
                    self.missing(keyword_range, "an instruction", named)
                } else {
                    let trigger = self.build(mapped, start, end, depth + 1);
                    if matches!(trigger.keyword, Keyword::From | Keyword::Maintainer) {
                        self.error(
                            trigger.keyword_range,
                            "expected a trigger instruction other than `ONBUILD`, `FROM` or `MAINTAINER`",
                        );
                    }
                    InstructionKind::Onbuild(Box::new(trigger))
                }
            }
        };
        Instruction {
            range: range(
                keyword_range.start() as usize,
                (end as usize).max(keyword_range.end() as usize),
            ),
            keyword,
            keyword_range,
            flags,
            kind,
            heredocs: Vec::new(),
        }
    }

    /// Records "expected … after `KEYWORD`" and returns an invalid instruction.
    fn missing(&mut self, keyword_range: TextRange, what: &str, keyword: &str) -> InstructionKind {
        self.error(keyword_range, format!("expected {what} after `{keyword}`"));
        InstructionKind::Invalid { args: Vec::new() }
    }

    /// Leading `--name[=value]` flags from logical offset `pos`; returns them and the offset
    /// where the arguments start. A bare `--` ends the flags.
    fn flags(&self, mapped: &MappedText, mut pos: usize) -> (Vec<Flag>, usize) {
        let text = mapped.text.as_str();
        let mut flags = Vec::new();
        loop {
            pos = skip_space(text, pos);
            if !text[pos..].starts_with("--") {
                break;
            }
            let end = scan_word(text, pos, self.escape);
            if end == pos + 2 {
                pos = end;
                break;
            }
            let name_start = pos + 2;
            let equals = text[name_start..end].find('=').map(|i| name_start + i);
            let name_end = equals.unwrap_or(end);
            flags.push(Flag {
                name: text[name_start..name_end].to_owned(),
                name_range: mapped.range_to_source(range(name_start, name_end)),
                value: equals.map(|equals| Self::word(mapped, equals + 1, end)),
                range: mapped.range_to_source(range(pos, end)),
            });
            pos = end;
        }
        (flags, pos)
    }

    /// The JSON array form at logical offset `pos`, if the arguments are one.
    fn json_words(&mut self, mapped: &MappedText, pos: usize) -> Option<Vec<Word>> {
        let text = mapped.text.as_str();
        let start = skip_space(text, pos);
        let end = trim_end(text, start);
        if text.as_bytes().get(start) != Some(&b'[') {
            return None;
        }
        let Some(items) = json::string_array(&text[start..end]) else {
            if json::is_non_string_array(&text[start..end]) {
                self.error(
                    mapped.range_to_source(range(start, end)),
                    "expected a JSON array of strings",
                );
            }
            return None;
        };
        Some(
            items
                .into_iter()
                .map(|item| Word {
                    raw: item.value,
                    range: mapped.range_to_source(range(start + item.start, start + item.end)),
                })
                .collect(),
        )
    }

    /// Exec or shell form at logical offset `pos`; `None` when there is nothing. For `RUN`,
    /// heredoc markers in the shell form are collected.
    fn command(&mut self, mapped: &MappedText, pos: usize, heredocs: bool) -> Option<ShellOrExec> {
        let text = mapped.text.as_str();
        let start = skip_space(text, pos);
        let end = trim_end(text, start);
        if start == end {
            return None;
        }
        if let Some(args) = self.json_words(mapped, start) {
            return Some(ShellOrExec::Exec {
                args,
                range: mapped.range_to_source(range(start, end)),
            });
        }
        // Every heredoc marker contains `<<`: most `RUN` lines have none, and need not be split
        // into words just to find that out.
        if heredocs && text[start..].contains("<<") {
            let words = self.words(mapped, start);
            self.collect_markers(&words);
        }
        Some(ShellOrExec::Shell(slice(mapped, start, end)))
    }

    fn collect_markers(&mut self, words: &[Word]) {
        for word in words {
            if let Some((delimiter, quoted, strip_tabs)) =
                heredoc_marker(&word.raw, char::from(self.escape))
            {
                self.markers.push(Marker {
                    delimiter,
                    quoted,
                    strip_tabs,
                    range: word.range,
                });
            }
        }
    }

    fn from(
        &mut self,
        mapped: &MappedText,
        pos: usize,
        keyword_range: TextRange,
    ) -> InstructionKind {
        let mut words = self.words(mapped, pos);
        match words.len() {
            0 => self.missing(keyword_range, "an image", "FROM"),
            1 => InstructionKind::From {
                image: words.remove(0),
                alias: None,
            },
            3 if words[1].raw.eq_ignore_ascii_case("as") => {
                let alias = words.pop();
                InstructionKind::From {
                    image: words.remove(0),
                    alias,
                }
            }
            _ => {
                let covered = words[0].range.cover(words[words.len() - 1].range);
                self.error(covered, "expected `FROM image` or `FROM image AS name`");
                InstructionKind::Invalid { args: words }
            }
        }
    }

    fn healthcheck(
        &mut self,
        mapped: &MappedText,
        pos: usize,
        keyword_range: TextRange,
    ) -> InstructionKind {
        let text = mapped.text.as_str();
        let start = skip_space(text, pos);
        if start == text.len() {
            return self.missing(keyword_range, "`NONE` or `CMD`", "HEALTHCHECK");
        }
        let end = scan_word(text, start, self.escape);
        let first = &text[start..end];
        let first_range = mapped.range_to_source(range(start, end));
        if first.eq_ignore_ascii_case("none") {
            let rest = skip_space(text, end);
            if rest < text.len() {
                let rest_end = trim_end(text, rest);
                self.error(
                    mapped.range_to_source(range(rest, rest_end)),
                    "expected nothing after `HEALTHCHECK NONE`",
                );
            }
            return InstructionKind::Healthcheck(Healthcheck::None { range: first_range });
        }
        if first.eq_ignore_ascii_case("cmd") {
            return match self.command(mapped, end, false) {
                Some(command) => InstructionKind::Healthcheck(Healthcheck::Cmd {
                    cmd_keyword_range: first_range,
                    command,
                }),
                None => self.missing(first_range, "a command", "HEALTHCHECK CMD"),
            };
        }
        self.error(
            first_range,
            format!(
                "expected `NONE` or `CMD` after `HEALTHCHECK`, found `{}`",
                shorten(first)
            ),
        );
        InstructionKind::Invalid {
            args: self.words(mapped, start),
        }
    }

    /// `ENV`/`LABEL`: `k=v` pairs, or the legacy `k v` form whose value is the rest of the line.
    fn pairs(
        &mut self,
        mapped: &MappedText,
        pos: usize,
        keyword: Keyword,
        keyword_range: TextRange,
    ) -> InstructionKind {
        let text = mapped.text.as_str();
        let spans = split_words(text, pos, self.escape);
        let Some(&(key_start, key_end)) = spans.first() else {
            return self.missing(keyword_range, "`name=value`", keyword.as_str());
        };
        let pairs = if text[key_start..key_end].contains('=') {
            let mut pairs = Vec::new();
            for (start, end) in spans {
                if text[start..end].contains('=') {
                    pairs.push(split_pair(mapped, start, end));
                } else {
                    self.error(
                        mapped.range_to_source(range(start, end)),
                        format!(
                            "expected `name=value`, found `{}`",
                            shorten(&text[start..end])
                        ),
                    );
                }
            }
            pairs
        } else {
            let first = Self::word(mapped, key_start, key_end);
            let value_start = skip_space(text, key_end);
            let value_end = trim_end(text, value_start);
            if value_start == value_end {
                self.error(
                    first.range,
                    format!("expected a value after `{}`", shorten(&first.raw)),
                );
                return InstructionKind::Invalid { args: vec![first] };
            }
            let value = Self::word(mapped, value_start, value_end);
            vec![KeyValue {
                range: first.range.cover(value.range),
                key: first,
                value: Some(value),
                legacy: true,
            }]
        };
        if keyword == Keyword::Env {
            InstructionKind::Env(pairs)
        } else {
            InstructionKind::Label(pairs)
        }
    }

    fn copy(
        &mut self,
        mapped: &MappedText,
        pos: usize,
        keyword: Keyword,
        keyword_range: TextRange,
    ) -> InstructionKind {
        let (mut words, json) = match self.json_words(mapped, pos) {
            Some(words) => (words, true),
            None => (self.words(mapped, pos), false),
        };
        if words.is_empty() {
            return self.missing(
                keyword_range,
                "a source and a destination",
                keyword.as_str(),
            );
        }
        if !json {
            self.collect_markers(&words);
        }
        let dest = if words.len() == 1 {
            self.error(
                words[0].range,
                format!(
                    "expected a destination after the source of `{}`",
                    keyword.as_str()
                ),
            );
            None
        } else {
            words.pop()
        };
        let args = CopyArgs {
            sources: words,
            dest,
            json,
        };
        if keyword == Keyword::Copy {
            InstructionKind::Copy(args)
        } else {
            InstructionKind::Add(args)
        }
    }
}

/// Splits the word `[start, end)` of `mapped` at its first `=` (as `BuildKit` does, even inside
/// quotes); without `=` the value is `None`.
fn split_pair(mapped: &MappedText, start: usize, end: usize) -> KeyValue {
    let whole = mapped.range_to_source(range(start, end));
    let Some(equals) = mapped.text[start..end].find('=').map(|i| start + i) else {
        return KeyValue {
            key: Parser::word(mapped, start, end),
            value: None,
            range: whole,
            legacy: false,
        };
    };
    KeyValue {
        key: Parser::word(mapped, start, equals),
        value: Some(Parser::word(mapped, equals + 1, end)),
        range: whole,
        legacy: false,
    }
}
