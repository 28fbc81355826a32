//! Shell code embedded in other files: where teams keep their `docker run` lines.
//!
//! [`fragments`] cuts a file into the pieces of shell it holds — a whole script, each Makefile
//! recipe line, each CI `run:`/`script:` entry, each systemd `Exec*=` value, each shell block
//! of a Markdown document — as [`MappedText`]: the text a shell would read, with a map back to
//! the file's bytes. [`container_commands`] then parses each fragment with the shell parser and
//! keeps the commands whose program (after `sudo`, `env VAR=…`, `exec` and other wrappers) is
//! `docker`, `podman` or `nerdctl`, with every word's range in the file. Only commands in
//! command position count: `echo "docker run --privileged"` is an argument, not a command.

use cofferdam_diagnostics::TextRange;

use crate::syntax::dockerfile::{MappedText, SyntaxError};
use crate::syntax::shell::{self, ShellWord};
use crate::syntax::yaml::{self, Kind, Node, Style};

/// The kinds of file that embed shell commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Embedding {
    /// A shell script: the whole file.
    Shell,
    /// A Makefile: each recipe line (with its continuations) is one shell invocation.
    Makefile,
    /// CI pipeline YAML: GitHub Actions `run:`, GitLab CI `script:`/`before_script:`/
    /// `after_script:`, CircleCI's `run:`/`run.command:`, Bitbucket, Drone and Woodpecker `script`/
    /// `commands`.
    CiYaml,
    /// A systemd unit: `ExecStart=` and the other `Exec*=` values.
    Systemd,
    /// Markdown: fenced code blocks tagged `sh`, `bash`, `shell`, `zsh` or `console`.
    Markdown,
}

/// The programs whose `run`/`create` subcommands start containers.
pub const CONTAINER_CLIS: &[&str] = &["docker", "podman", "nerdctl"];

/// A command of a container CLI found in a file: the program word and its arguments, with
/// ranges in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerCommand {
    /// From the program to the end of the command.
    pub range: TextRange,
    /// The program word first, then its arguments.
    pub words: Vec<ShellWord>,
}

/// The shell fragments of a file, and the syntax errors of the file itself (CI YAML that does
/// not parse: its pipeline is broken, and its commands cannot be found).
pub fn fragments(kind: Embedding, text: &str) -> (Vec<MappedText>, Vec<SyntaxError>) {
    match kind {
        Embedding::Shell => (vec![whole(text)], Vec::new()),
        Embedding::Makefile => (makefile(text), Vec::new()),
        Embedding::CiYaml => ci_yaml(text),
        Embedding::Systemd => (systemd(text), Vec::new()),
        Embedding::Markdown => (markdown(text), Vec::new()),
    }
}

/// The container-CLI commands of a file, in source order.
pub fn container_commands(kind: Embedding, text: &str) -> Vec<ContainerCommand> {
    scan(kind, text).0
}

/// The container-CLI commands of a file, in source order, and the file's syntax errors.
pub fn scan(kind: Embedding, text: &str) -> (Vec<ContainerCommand>, Vec<SyntaxError>) {
    let (fragments, errors) = fragments(kind, text);
    let mut found = Vec::new();
    for fragment in fragments {
        // Cheap pre-check: most fragments never mention a container CLI.
        if !CONTAINER_CLIS.iter().any(|cli| fragment.text.contains(cli)) {
            continue;
        }
        let script = shell::parse(&fragment.text);
        for command in &script.commands {
            let view = command.unwrapped();
            let Some(program) = view.program() else {
                continue;
            };
            if !CONTAINER_CLIS.contains(&program) {
                continue;
            }
            let map = |word: &ShellWord| ShellWord {
                range: fragment.range_to_source(word.range),
                raw: word.raw.clone(),
                value: word.value.clone(),
            };
            let mut words = vec![map(view.name)];
            words.extend(view.args.iter().map(map));
            found.push(ContainerCommand {
                range: fragment.range_to_source(view.range()),
                words,
            });
        }
    }
    found.sort_by_key(|command| (command.range.start(), command.range.end()));
    found.dedup();
    (found, errors)
}

/// Builds a [`MappedText`] piece by piece.
#[derive(Default)]
struct Builder {
    text: String,
    segments: Vec<(u32, u32)>,
    start: Option<u32>,
    end: u32,
}

impl Builder {
    /// Appends `piece`, which is the source text at `source`.
    fn source(&mut self, source: u32, piece: &str) {
        if piece.is_empty() {
            return;
        }
        let logical = self.text.len() as u32;
        let contiguous = self
            .segments
            .last()
            .is_some_and(|&(l, s)| s + (logical - l) == source && self.end == source);
        if !contiguous {
            self.segments.push((logical, source));
        }
        self.start.get_or_insert(source);
        self.text.push_str(piece);
        self.end = source + piece.len() as u32;
    }

    /// Appends text that is not in the source (a joining space), mapped to `at`.
    fn synthetic(&mut self, at: u32, piece: &str) {
        for (index, _) in piece.char_indices() {
            self.segments
                .push((self.text.len() as u32 + index as u32, at));
        }
        self.text.push_str(piece);
        // The next source piece starts a new segment.
        self.end = u32::MAX;
    }

    fn finish(self) -> Option<MappedText> {
        let start = self.start?;
        Some(MappedText {
            text: self.text,
            range: TextRange::new(start, self.end.max(start).min(u32::MAX - 1)),
            segments: self.segments,
        })
    }
}

fn whole(text: &str) -> MappedText {
    MappedText {
        text: text.to_owned(),
        range: TextRange::new(0, text.len() as u32),
        segments: vec![(0, 0)],
    }
}

/// Lines of `text` with their start offsets, without line terminators.
fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    let mut offset = 0u32;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len() as u32;
        (start, line.trim_end_matches(['\n', '\r']))
    })
}

/// Appends a Makefile recipe line, turning make's `$$` into the `$` the shell receives.
fn push_make_line(builder: &mut Builder, start: u32, line: &str) {
    let mut rest = line;
    let mut offset = start;
    while let Some(at) = rest.find("$$") {
        builder.source(offset, &rest[..=at]);
        rest = &rest[at + 2..];
        offset += at as u32 + 2;
    }
    builder.source(offset, rest);
}

fn makefile(text: &str) -> Vec<MappedText> {
    let mut out = Vec::new();
    let mut in_rule = false;
    let mut current: Option<Builder> = None;
    for (start, line) in lines(text) {
        if let Some(mut builder) = current.take() {
            // A continuation line of the previous recipe line.
            builder.source(start - 1, "\n");
            push_make_line(&mut builder, start, line);
            if line.ends_with('\\') {
                current = Some(builder);
            } else {
                out.extend(builder.finish());
            }
            continue;
        }
        if let Some(recipe) = line.strip_prefix('\t') {
            if !in_rule {
                continue;
            }
            // `@` (silent), `-` (ignore errors) and `+` (always run) are make's, not the shell's.
            let trimmed = recipe.trim_start_matches(['@', '-', '+', ' ', '\t']);
            let skipped = (line.len() - trimmed.len()) as u32;
            let mut builder = Builder::default();
            push_make_line(&mut builder, start + skipped, trimmed);
            if trimmed.ends_with('\\') {
                current = Some(builder);
            } else {
                out.extend(builder.finish());
            }
            continue;
        }
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        // A rule line has a `:` that is not part of an assignment (`:=`, `::=`) before any `=`.
        in_rule = is_rule_line(content);
        // `target: prerequisites ; recipe` puts a recipe on the rule line itself.
        if in_rule && let Some(at) = content.find(';') {
            let recipe = content[at + 1..].trim_start();
            let offset = start + (line.len() - recipe.len()) as u32;
            let mut builder = Builder::default();
            push_make_line(&mut builder, offset, recipe);
            out.extend(builder.finish());
        }
    }
    out.extend(current.and_then(Builder::finish));
    out
}

fn is_rule_line(content: &str) -> bool {
    let Some(colon) = content.find(':') else {
        return false;
    };
    let before = &content[..colon];
    let after = &content[colon..];
    let assignment = after.starts_with(":=") || after.starts_with("::=");
    !assignment && !before.contains('=') && !before.starts_with("export ")
}

/// Keys whose values are shell in CI pipeline files.
const CI_SCRIPT_KEYS: &[&str] = &[
    "run",
    "script",
    "before_script",
    "after_script",
    "commands",
    "pre_script",
];

fn ci_yaml(text: &str) -> (Vec<MappedText>, Vec<SyntaxError>) {
    let parsed = yaml::parse(text, 0);
    let mut out = Vec::new();
    if let Some(root) = &parsed.root {
        collect_ci(text, root, &mut out);
    }
    for fragment in &mut out {
        mask_expressions(&mut fragment.text);
    }
    (out, parsed.errors)
}

fn collect_ci(text: &str, node: &Node, out: &mut Vec<MappedText>) {
    match &node.kind {
        Kind::Mapping(entries) => {
            for entry in entries {
                let key = entry.key.as_str().unwrap_or_default();
                if CI_SCRIPT_KEYS.contains(&key) {
                    match &entry.value.kind {
                        Kind::Scalar(_) => out.extend(scalar_fragment(text, &entry.value)),
                        Kind::Sequence(items) => {
                            for item in items {
                                if item.scalar().is_some() {
                                    out.extend(scalar_fragment(text, item));
                                } else {
                                    collect_ci(text, item, out);
                                }
                            }
                        }
                        // CircleCI: `run: {name: …, command: …}`.
                        Kind::Mapping(_) => {
                            if let Some(command) = entry.value.get("command") {
                                out.extend(scalar_fragment(text, command));
                            }
                            collect_ci(text, &entry.value, out);
                        }
                    }
                } else {
                    collect_ci(text, &entry.value, out);
                }
            }
        }
        Kind::Sequence(items) => {
            for item in items {
                collect_ci(text, item, out);
            }
        }
        Kind::Scalar(_) => {}
    }
}

/// The shell text of a YAML scalar, mapped back to the source. Block scalars lose their
/// indentation and folded ones their line breaks, so words are found in the source one by one
/// from where the scalar starts; whitespace between them is synthetic.
fn scalar_fragment(text: &str, node: &Node) -> Option<MappedText> {
    let scalar = node.scalar()?;
    if scalar.is_null() {
        return None;
    }
    let value = &scalar.value;
    let start = node.range.start();
    let mut builder = Builder::default();
    // A plain one-line scalar is its source text exactly.
    if scalar.style == Style::Plain && text.get(node.range.to_std()) == Some(value.as_str()) {
        builder.source(start, value);
        return builder.finish();
    }
    let mut cursor = start as usize;
    let mut rest = value.as_str();
    while !rest.is_empty() {
        let space = rest.len() - rest.trim_start().len();
        if space > 0 {
            let at = cursor.min(text.len()) as u32;
            builder.synthetic(at, &rest[..space]);
            rest = &rest[space..];
            continue;
        }
        let token_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..token_end];
        match text.get(cursor..).and_then(|source| source.find(token)) {
            Some(found) => {
                let at = cursor + found;
                builder.source(at as u32, token);
                cursor = at + token.len();
            }
            None => builder.synthetic(cursor.min(text.len()) as u32, token),
        }
        rest = &rest[token_end..];
    }
    builder.finish()
}

/// GitHub Actions `${{ expression }}` would confuse the shell parser; it becomes an opaque
/// parameter expansion of the same length (`$___…`), so offsets do not move.
fn mask_expressions(text: &mut String) {
    while let Some(start) = text.find("${{") {
        let Some(length) = text[start..].find("}}") else {
            return;
        };
        let end = start + length + 2;
        let mask: String = std::iter::once('$')
            .chain(text[start + 1..end].chars().map(|_| '_'))
            .collect();
        // Characters and bytes differ for non-ASCII text; keep byte length equal.
        if mask.len() == end - start {
            text.replace_range(start..end, &mask);
        } else {
            return;
        }
    }
}

/// `Exec*=` directives of a systemd unit (with `\` continuations).
fn systemd(text: &str) -> Vec<MappedText> {
    let mut out = Vec::new();
    let mut current: Option<Builder> = None;
    for (start, line) in lines(text) {
        if let Some(mut builder) = current.take() {
            builder.source(start - 1, "\n");
            builder.source(start, line);
            if line.ends_with('\\') {
                current = Some(builder);
            } else {
                out.extend(builder.finish());
            }
            continue;
        }
        let content = line.trim_start();
        let Some((key, value)) = content.split_once('=') else {
            continue;
        };
        if !key.trim_end().starts_with("Exec") {
            continue;
        }
        // `-`, `@`, `:`, `+`, `!` prefixes change how systemd runs the command.
        let command = value
            .trim_start()
            .trim_start_matches(['-', '@', ':', '+', '!']);
        let offset = start + (line.len() - command.len()) as u32;
        let mut builder = Builder::default();
        builder.source(offset, command);
        if command.ends_with('\\') {
            current = Some(builder);
        } else {
            out.extend(builder.finish());
        }
    }
    out.extend(current.and_then(Builder::finish));
    out
}

/// Info strings of Markdown code blocks that hold shell.
const SHELL_FENCES: &[&str] = &[
    "sh",
    "bash",
    "shell",
    "zsh",
    "console",
    "shell-session",
    "sh-session",
    "terminal",
];

/// Where the Markdown scanner is.
enum Fence {
    Outside,
    /// Inside a shell block: its fence marker, whether it is a console transcript, the text.
    Shell {
        marker: String,
        console: bool,
        builder: Builder,
    },
    /// Inside another block, skipped up to its closing fence.
    Other {
        marker: String,
    },
}

/// Shell blocks of a Markdown document. In `console` blocks only prompt lines (`$ `, `# `)
/// and their continuations are commands; everything else is output. Prompts are stripped in
/// every shell block.
fn markdown(text: &str) -> Vec<MappedText> {
    let mut out = Vec::new();
    let mut state = Fence::Outside;
    let mut continuation = false;
    for (start, line) in lines(text) {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let closes = |marker: &str| {
            indent <= 3 && trimmed.starts_with(marker) && trimmed[marker.len()..].trim().is_empty()
        };
        state = match state {
            Fence::Other { marker } => {
                if closes(&marker) {
                    Fence::Outside
                } else {
                    Fence::Other { marker }
                }
            }
            Fence::Shell {
                marker,
                console,
                mut builder,
            } => {
                if closes(&marker) {
                    out.extend(builder.finish());
                    continuation = false;
                    Fence::Outside
                } else {
                    let prompt = ["$ ", "# "]
                        .iter()
                        .find(|prompt| trimmed.starts_with(**prompt));
                    let command = match prompt {
                        Some(prompt) if !continuation => Some(&trimmed[prompt.len()..]),
                        // `> ` is the shell's continuation prompt (PS2) in transcripts.
                        _ if continuation && trimmed.starts_with("> ") => Some(&trimmed[2..]),
                        _ if continuation || !console => Some(line),
                        _ => None,
                    };
                    match command {
                        Some(command) => {
                            let offset = start + (line.len() - command.len()) as u32;
                            builder.source(offset, command);
                            builder.synthetic(offset + command.len() as u32, "\n");
                            continuation = command.trim_end().ends_with('\\');
                        }
                        None => continuation = false,
                    }
                    Fence::Shell {
                        marker,
                        console,
                        builder,
                    }
                }
            }
            Fence::Outside => opening_fence(trimmed, indent),
        };
    }
    if let Fence::Shell { builder, .. } = state {
        out.extend(builder.finish());
    }
    out
}

/// The state after a line outside any block: a fence opens a shell or another block.
fn opening_fence(trimmed: &str, indent: usize) -> Fence {
    if indent > 3 {
        return Fence::Outside;
    }
    let Some(marker_char @ ('`' | '~')) = trimmed.chars().next() else {
        return Fence::Outside;
    };
    let marker_len = trimmed.chars().take_while(|&c| c == marker_char).count();
    if marker_len < 3 {
        return Fence::Outside;
    }
    let marker: String = std::iter::repeat_n(marker_char, marker_len).collect();
    let language = trimmed[marker_len..]
        .trim()
        .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if SHELL_FENCES.contains(&language.as_str()) {
        Fence::Shell {
            marker,
            console: matches!(
                language.as_str(),
                "console" | "shell-session" | "sh-session" | "terminal"
            ),
            builder: Builder::default(),
        }
    } else {
        Fence::Other { marker }
    }
}

#[cfg(test)]
mod tests;
