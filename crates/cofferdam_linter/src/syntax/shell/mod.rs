//! Shell analysis of `RUN` bodies and heredoc scripts, built on tree-sitter-bash.
//!
//! This module owns the shell view that `build` and `image` rules read: every simple command of a
//! script (nested ones included) with its assignments, words, redirects and byte ranges, the
//! `|` pipelines that join them, and whether `set -o pipefail` is in force. Offsets are byte
//! offsets into the text handed to [`parse`]; the Dockerfile layer maps them back to the file.
//!
//! The work is split in five: `fast` parses the simple shell of most `RUN` lines directly and
//! declines everything else, `walk` turns a tree-sitter syntax tree into [`Script`] for the rest,
//! `word` performs quote removal, `heredoc` masks heredoc bodies (tree-sitter-bash mis-nests the
//! rest of a command line into a heredoc redirect), and `wrappers` sees through `sudo`, `env`,
//! `xargs` and friends. Commands in `sh -c '…'`, `su -c …`, `eval '…'` and `bash <<EOF` bodies
//! are parsed again and merged in, with their ranges mapped back into the outer text.

mod fast;
mod heredoc;
mod nodes;
mod walk;
mod word;
mod wrappers;

#[cfg(test)]
mod tests;

use cofferdam_diagnostics::TextRange;

/// Parses a shell script (a `RUN` command line or a heredoc body that is a script).
///
/// Never fails: tree-sitter recovers from syntax errors, the commands it could still recognise
/// are returned, and [`Script::has_errors`] is set. A heredoc operator whose body is missing
/// (`cat <<EOF > /etc/app.conf`, as on a Dockerfile `RUN` line) is not an error.
pub fn parse(text: &str) -> Script {
    parse_at(text, 0, false)
}

/// Parses a script at re-entry depth `depth`, optionally with pipefail already on: through the
/// fast path when the text is simple enough, through tree-sitter otherwise. Both give the same
/// [`Script`] for the texts the fast path accepts.
fn parse_at(text: &str, depth: u8, initial_pipefail: bool) -> Script {
    fast::parse(text, depth, initial_pipefail)
        .unwrap_or_else(|| walk::parse_script(text, depth, initial_pipefail))
}

/// The commands and pipelines of one shell script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    /// Every simple command in source order (by start offset), including those nested in
    /// compound commands, functions, command substitutions and re-entered `sh -c` scripts.
    pub commands: Vec<Command>,
    /// Every `|` / `|&` pipeline of two or more elements.
    pub pipelines: Vec<Pipeline>,
    /// Whether the tree had syntax errors (in the script or in a re-entered one).
    pub has_errors: bool,
    /// `set -o pipefail` / `set +o pipefail` effects, in source order.
    pipefail_toggles: Vec<PipefailToggle>,
}

/// One simple command: `VAR=x name arg… >redirect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The whole command, including assignments, arguments and redirects (but not heredoc bodies).
    pub range: TextRange,
    /// Leading `VAR=value` prefixes.
    pub assignments: Vec<Assignment>,
    /// The literal first word (`sudo` in `sudo apt-get …`); see [`Command::unwrapped`].
    pub name: ShellWord,
    /// The words after the name, in source order; redirect targets are excluded.
    pub args: Vec<ShellWord>,
    /// Set when the command is an element of a pipeline with two or more elements.
    pub pipeline: Option<PipelineRef>,
    pub redirects: Vec<Redirect>,
    /// Inside `$(…)`, backticks or a process substitution `<(…)`.
    pub in_substitution: bool,
    /// The command's failure is tested or tolerated rather than fatal: it is in the condition of
    /// an `if`, `elif`, `while` or `until`, in the left operand of `||` (for `a && b || c` that is
    /// both `a` and `b`), or negated with `!`. The flag is inherited by everything nested inside
    /// such a command, substitutions included. The left operand of `&&` alone is not a condition.
    pub condition: bool,
    /// 0 for commands written in the parsed text; 1 and more for commands found by re-parsing a
    /// `sh -c` / `su -c` / `eval` argument or a `bash <<EOF` body (see [`parse`]).
    pub script_depth: u8,
}

/// A `VAR=value` prefix of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    /// The value; empty (with an empty range after `=`) for `VAR=`.
    pub value: ShellWord,
    pub range: TextRange,
}

/// Where a command sits in a pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipelineRef {
    /// Index into [`Script::pipelines`].
    pub index: usize,
    /// Position among [`Pipeline::commands`].
    pub position: usize,
}

/// A pipeline `a | b |& c`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    pub range: TextRange,
    /// Indices into [`Script::commands`], left to right. Elements that are compound commands
    /// (`curl x | (cd /; sh)`) are not listed, so this can be shorter than the pipeline.
    pub commands: Vec<usize>,
    /// Whether `set -o pipefail` (or `bash -o pipefail -c`) is in force where the pipeline starts.
    pub pipefail: bool,
}

/// A redirect such as `2>/dev/null`, `>>file`, `<<EOF` or `<<< "text"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The operator without its descriptor: `>`, `>>`, `<`, `>&`, `&>`, `&>>`, `<<`, `<<-`, `<<<`, ….
    pub operator: String,
    /// The explicit file descriptor (`2` in `2>/dev/null`).
    pub fd: Option<u32>,
    /// The file, descriptor, here-string or heredoc delimiter word.
    pub target: Option<ShellWord>,
    /// The redirect from its descriptor to the end of its target (a heredoc's body is excluded).
    pub range: TextRange,
    /// For `<<` / `<<-`: the body lines (up to the terminator line) when present in the text.
    pub heredoc_body: Option<TextRange>,
}

/// One shell word with its source text and, when it is a literal, its value after quote removal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShellWord {
    pub range: TextRange,
    /// The word as written. For commands of a re-entered script whose argument needed unescaping,
    /// this is the text of the decoded script while `range` covers the whole outer argument.
    pub raw: String,
    /// The value after quote and backslash removal (`'a b'`, `"x"`, `a\ b`, `--foo="bar"`), or
    /// `None` when the word contains a parameter, command or arithmetic expansion. Globs, brace
    /// patterns and a leading `~` are kept as literal text.
    pub value: Option<String>,
}

/// A command as it runs once wrappers such as `sudo` or `env X=1` are removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandView<'a> {
    pub command: &'a Command,
    /// The effective command word (the command's own name when nothing was unwrapped).
    pub name: &'a ShellWord,
    /// The effective command's arguments.
    pub args: &'a [ShellWord],
    /// The arguments that belonged to wrappers: `-u app env X=1` in `sudo -u app env X=1 id`.
    pub wrapper_args: &'a [ShellWord],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PipefailToggle {
    /// Where the new setting takes effect (the end of the `set` command).
    at: u32,
    enabled: bool,
    /// The (sub)shell the setting is confined to: the script, a subshell or a substitution.
    scope: TextRange,
}

/// The shells whose `-c` argument or heredoc stdin is parsed as a nested script.
pub(crate) const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"];

impl Script {
    /// The commands whose literal name or unwrapped name is `name`, compared by basename so that
    /// `/usr/bin/curl` and `sudo curl` both match `"curl"`.
    pub fn commands_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Command> + 'a {
        self.commands
            .iter()
            .filter(move |c| c.program() == Some(name) || c.unwrapped().program() == Some(name))
    }

    /// Whether `set -o pipefail` is in force at `offset`, taking into account later
    /// `set +o pipefail` and the subshell, substitution or nested script a `set` ran in.
    pub fn pipefail_before(&self, offset: u32) -> bool {
        self.pipefail_toggles
            .iter()
            .rev()
            .find(|t| t.at <= offset && t.scope.start() <= offset && offset <= t.scope.end())
            .is_some_and(|t| t.enabled)
    }

    /// The pipeline `command` belongs to.
    pub fn pipeline_of(&self, command: &Command) -> Option<&Pipeline> {
        command.pipeline.and_then(|p| self.pipelines.get(p.index))
    }

    /// The commands of `pipeline`, left to right.
    pub fn pipeline_commands<'a>(
        &'a self,
        pipeline: &'a Pipeline,
    ) -> impl Iterator<Item = &'a Command> + 'a {
        pipeline
            .commands
            .iter()
            .filter_map(|&i| self.commands.get(i))
    }

    /// The command that `command` pipes its output into, if any.
    pub fn piped_into(&self, command: &Command) -> Option<&Command> {
        let r = command.pipeline?;
        let next = *self.pipelines.get(r.index)?.commands.get(r.position + 1)?;
        self.commands.get(next)
    }
}

impl Command {
    /// The literal command name, e.g. `sudo` or `/usr/bin/apt-get`.
    pub fn name_value(&self) -> Option<&str> {
        self.name.value.as_deref()
    }

    /// The literal command name without its directory: `apt-get` for `/usr/bin/apt-get`.
    pub fn program(&self) -> Option<&str> {
        self.name_value().map(basename)
    }

    /// The literal values of the arguments (`None` for words with expansions).
    pub fn arg_values(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.args.iter().map(|a| a.value.as_deref())
    }

    /// Whether an argument before `--` is the short flag `-short` (also inside a cluster such as
    /// `-yq`), `--long` or `--long=value`. Pass `""` as `long` when there is no long form.
    pub fn has_flag(&self, short: char, long: &str) -> bool {
        has_flag(
            &self.args,
            Some(short),
            Some(long).filter(|l| !l.is_empty()),
        )
    }

    /// Like [`Command::has_flag`] for an option that only has a long form.
    pub fn has_long_flag(&self, long: &str) -> bool {
        has_flag(&self.args, None, Some(long))
    }

    /// Like [`Command::has_flag`] for an option that only has a short form.
    pub fn has_short_flag(&self, short: char) -> bool {
        has_flag(&self.args, Some(short), None)
    }

    /// The command with wrappers removed: `sudo [opts]`, `doas`, `env [opts] [VAR=x…]`, `exec`,
    /// `nohup`, `time`, `nice`, `command` (not `command -v`), `xargs [opts]`, `timeout DURATION`,
    /// `stdbuf`, `chroot DIR`, `gosu USER`, `su-exec USER`, `busybox`, nested in any order.
    /// When a wrapper has no command after it (`sudo -v`, `env`), the view stops at the wrapper.
    pub fn unwrapped(&self) -> CommandView<'_> {
        let skipped = wrappers::unwrap(self);
        match skipped {
            Some(i) => CommandView {
                command: self,
                name: &self.args[i],
                args: &self.args[i + 1..],
                wrapper_args: &self.args[..i],
            },
            None => CommandView {
                command: self,
                name: &self.name,
                args: &self.args,
                wrapper_args: &[],
            },
        }
    }
}

impl<'a> CommandView<'a> {
    /// The effective command name as written (possibly with a directory).
    pub fn name_value(&self) -> Option<&'a str> {
        self.name.value.as_deref()
    }

    /// The effective command name without its directory.
    pub fn program(&self) -> Option<&'a str> {
        self.name_value().map(basename)
    }

    pub fn arg_values(&self) -> impl Iterator<Item = Option<&'a str>> + 'a {
        self.args.iter().map(|a| a.value.as_deref())
    }

    /// See [`Command::has_flag`]; only the effective command's arguments are searched.
    pub fn has_flag(&self, short: char, long: &str) -> bool {
        has_flag(self.args, Some(short), Some(long).filter(|l| !l.is_empty()))
    }

    pub fn has_long_flag(&self, long: &str) -> bool {
        has_flag(self.args, None, Some(long))
    }

    pub fn has_short_flag(&self, short: char) -> bool {
        has_flag(self.args, Some(short), None)
    }

    /// Whether at least one wrapper was removed.
    pub fn is_wrapped(&self) -> bool {
        !std::ptr::eq(self.name, &raw const self.command.name)
    }

    /// From the effective name to the end of the command.
    pub fn range(&self) -> TextRange {
        TextRange::new(
            self.name.range.start(),
            self.command.range.end().max(self.name.range.end()),
        )
    }
}

impl ShellWord {
    /// The literal value, if the word has no expansions.
    pub fn literal(&self) -> Option<&str> {
        self.value.as_deref()
    }
}

/// The text after the last `/`. A byte search: this runs for every command name each time a
/// rule unwraps a command, and `str::rsplit` costs several times more on such short names.
fn basename(path: &str) -> &str {
    match path.bytes().rposition(|b| b == b'/') {
        Some(slash) => &path[slash + 1..],
        None => path,
    }
}

fn has_flag(args: &[ShellWord], short: Option<char>, long: Option<&str>) -> bool {
    for arg in args {
        let Some(v) = arg.value.as_deref() else {
            continue;
        };
        if v == "--" {
            break;
        }
        if let Some(rest) = v.strip_prefix("--") {
            if let Some(long) = long
                && rest
                    .strip_prefix(long)
                    .is_some_and(|tail| tail.is_empty() || tail.starts_with('='))
            {
                return true;
            }
        } else if let Some(cluster) = v.strip_prefix('-')
            && let Some(short) = short
            && cluster.contains(short)
        {
            return true;
        }
    }
    false
}
