//! The lossless Dockerfile syntax tree: every token keeps the byte range it came from, so that
//! findings point at the exact text and fixes can edit the original bytes.
//!
//! The tree is produced by [`super::parse`]. It records what was written; meaning (which stage
//! is last, what an `ARG` expands to, who the final user is) lives in `crate::model`.

use cofferdam_diagnostics::TextRange;

/// A parsed Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dockerfile {
    /// Parser directives (`# syntax=…`, `# escape=…`, `# check=…`) found before the first
    /// instruction, in order.
    pub directives: Vec<Directive>,
    /// The escape character: `\` unless a `# escape=` directive chose `` ` ``.
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// Every comment line, including comments inside line continuations (which `BuildKit` drops)
    /// and excluding parser directives and heredoc bodies.
    pub comments: Vec<TextRange>,
    /// Recoverable syntax errors. The parser always returns a tree; an instruction it cannot
    /// understand is kept as [`InstructionKind::Invalid`] and an error is recorded here.
    pub errors: Vec<SyntaxError>,
}

/// A syntax error with the range it concerns and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    /// Lower-case, no trailing period, says what was expected, e.g.
    /// "expected a heredoc terminator `EOF` before the end of the file".
    pub message: String,
}

/// A parser directive such as ``# escape=` ``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased directive name (`syntax`, `escape`, `check`).
    pub name: String,
    pub value: String,
    /// The whole comment line.
    pub range: TextRange,
    pub value_range: TextRange,
}

/// A token of an instruction as written, with the line continuations removed.
///
/// `raw` keeps quotes, escapes and variable references exactly as written (minus
/// escape-newline continuations); `crate::model::expand` turns it into a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub raw: String,
    /// From the first to the last source byte of the token.
    pub range: TextRange,
}

/// Text whose logical form (continuations, and comment lines inside continuations, removed; for
/// `<<-` heredocs, leading tabs removed) differs from the source bytes, with the map back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappedText {
    pub text: String,
    /// The source range the text was taken from.
    pub range: TextRange,
    /// Sorted `(logical offset, source offset)` pairs: each starts a run of bytes that are
    /// contiguous in both the logical text and the source.
    pub segments: Vec<(u32, u32)>,
}

impl MappedText {
    /// Maps a byte offset into `text` back to a byte offset in the source file.
    pub fn to_source(&self, logical: u32) -> u32 {
        let index = match self.segments.binary_search_by_key(&logical, |&(l, _)| l) {
            Ok(i) => i,
            Err(0) => return self.range.start() + logical,
            Err(i) => i - 1,
        };
        let (l, s) = self.segments[index];
        s + (logical - l)
    }

    /// Maps a range of `text` back to a source range. The end maps to just after the last byte
    /// of the range, so a range that spans a continuation covers it.
    pub fn range_to_source(&self, logical: TextRange) -> TextRange {
        let start = self.to_source(logical.start());
        if logical.is_empty() {
            return TextRange::empty(start);
        }
        let end = self.to_source(logical.end() - 1) + 1;
        TextRange::new(start, end.max(start))
    }
}

/// One instruction, including its continuation lines and heredoc bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// From the keyword to the end of the last continuation line or heredoc terminator, without
    /// the final line break.
    pub range: TextRange,
    pub keyword: Keyword,
    /// The keyword as written (any case).
    pub keyword_range: TextRange,
    /// Leading `--name[=value]` flags, in order.
    pub flags: Vec<Flag>,
    pub kind: InstructionKind,
    /// Heredocs opened on the instruction line, in order.
    pub heredocs: Vec<Heredoc>,
}

impl Instruction {
    /// The first flag named `name` (without the leading dashes).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|flag| flag.name == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Anything else; reported as a syntax error.
    Unknown,
}

impl Keyword {
    /// Parses a keyword case-insensitively.
    pub fn parse(word: &str) -> Keyword {
        const KEYWORDS: [(&str, Keyword); 18] = [
            ("ADD", Keyword::Add),
            ("ARG", Keyword::Arg),
            ("CMD", Keyword::Cmd),
            ("COPY", Keyword::Copy),
            ("ENTRYPOINT", Keyword::Entrypoint),
            ("ENV", Keyword::Env),
            ("EXPOSE", Keyword::Expose),
            ("FROM", Keyword::From),
            ("HEALTHCHECK", Keyword::Healthcheck),
            ("LABEL", Keyword::Label),
            ("MAINTAINER", Keyword::Maintainer),
            ("ONBUILD", Keyword::Onbuild),
            ("RUN", Keyword::Run),
            ("SHELL", Keyword::Shell),
            ("STOPSIGNAL", Keyword::Stopsignal),
            ("USER", Keyword::User),
            ("VOLUME", Keyword::Volume),
            ("WORKDIR", Keyword::Workdir),
        ];
        KEYWORDS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
            .map_or(Keyword::Unknown, |&(_, keyword)| keyword)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "UNKNOWN",
        }
    }
}

/// A leading `--name` or `--name=value` flag of an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// Without the leading `--`, e.g. `mount`, `chown`, `from`, `platform`.
    pub name: String,
    pub name_range: TextRange,
    /// The text after `=`; `None` for a bare `--link`.
    pub value: Option<Word>,
    /// The whole flag, `--` through the end of the value.
    pub range: TextRange,
}

/// What an instruction says, per keyword.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstructionKind {
    /// `FROM [--platform=…] image [AS name]`.
    From {
        image: Word,
        alias: Option<Word>,
    },
    Run(ShellOrExec),
    Cmd(ShellOrExec),
    Entrypoint(ShellOrExec),
    /// `SHELL ["executable", "param"]` (the JSON form is the only valid one).
    Shell(ShellOrExec),
    /// `HEALTHCHECK NONE` or `HEALTHCHECK [options] CMD …` (options are in `Instruction::flags`).
    Healthcheck(Healthcheck),
    /// `ENV k=v …` or the legacy `ENV k v` (then one pair whose value is the rest of the line).
    Env(Vec<KeyValue>),
    /// `LABEL k=v …`.
    Label(Vec<KeyValue>),
    /// `ARG name[=default] …`.
    Arg(Vec<KeyValue>),
    /// `COPY`/`ADD` in shell-like form or JSON form. With heredocs, sources name them (`<<EOF`).
    Copy(CopyArgs),
    Add(CopyArgs),
    /// `USER user[:group]`.
    User(Word),
    Workdir(Word),
    Expose(Vec<Word>),
    /// `VOLUME ["/a", "/b"]` or `VOLUME /a /b`.
    Volume(Vec<Word>),
    Stopsignal(Word),
    Maintainer(Word),
    /// `ONBUILD <instruction>`: the trigger is parsed like a top-level instruction.
    Onbuild(Box<Instruction>),
    /// An unknown keyword or arguments that could not be understood (an error was recorded).
    Invalid {
        args: Vec<Word>,
    },
}

/// `RUN`/`CMD`/`ENTRYPOINT`/`SHELL`/`HEALTHCHECK CMD` arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShellOrExec {
    /// A JSON array of strings. Each word's `raw` is the decoded string value and its range is
    /// the string literal including its quotes.
    Exec { args: Vec<Word>, range: TextRange },
    /// Shell form: the command line as the shell will receive it (before heredoc bodies).
    Shell(MappedText),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Healthcheck {
    None {
        range: TextRange,
    },
    Cmd {
        cmd_keyword_range: TextRange,
        command: ShellOrExec,
    },
}

/// One `key=value` (or legacy `key value`) pair of ENV, LABEL or ARG.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    /// `None` for an `ARG name` without default; `Some` with an empty `raw` for `ENV k=`.
    pub value: Option<Word>,
    /// The whole pair.
    pub range: TextRange,
    /// The legacy space-separated `ENV k v` form.
    pub legacy: bool,
}

/// Sources and destination of COPY/ADD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyArgs {
    pub sources: Vec<Word>,
    /// `None` when only one argument was written (an error is recorded).
    pub dest: Option<Word>,
    /// Whether the JSON array form was used.
    pub json: bool,
}

/// A heredoc opened on an instruction line: `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter without quotes.
    pub delimiter: String,
    /// A quoted delimiter disables variable expansion in the body.
    pub quoted: bool,
    /// `<<-`: leading tabs are stripped from body lines and the terminator.
    pub strip_tabs: bool,
    /// The `<<EOF` marker on the instruction line.
    pub marker_range: TextRange,
    /// The body lines (after tab stripping for `<<-`), without the terminator line.
    pub body: MappedText,
    /// The terminator line; empty at end of file when the terminator is missing (an error is
    /// recorded).
    pub terminator_range: TextRange,
}
