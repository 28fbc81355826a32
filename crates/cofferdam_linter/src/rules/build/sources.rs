//! The sources of `ADD` instructions, expanded and classified (remote URL, git repository,
//! local archive, heredoc, local file), for the rules on `ADD`.

use crate::rules::DockerfileContext;
use crate::rules::build::packages::ends_with_ignore_case;
use crate::syntax::dockerfile::{Instruction, InstructionKind, Word};

/// One source of an `ADD`.
pub(crate) struct Source<'a> {
    pub(crate) word: &'a Word,
    /// The value after variable expansion in the instruction's scope.
    pub(crate) value: String,
    /// A variable without a value was involved.
    pub(crate) unresolved: bool,
}

/// An `ADD` instruction (or `ONBUILD ADD` trigger) with its sources.
pub(crate) struct Add<'a> {
    pub(crate) instruction: &'a Instruction,
    pub(crate) sources: Vec<Source<'a>>,
}

/// Every `ADD` of the Dockerfile.
pub(crate) fn adds<'a>(ctx: &DockerfileContext<'a>) -> Vec<Add<'a>> {
    let mut out = Vec::new();
    for stage in &ctx.model.stages {
        for (index, instruction) in stage.instructions.iter().enumerate() {
            let add = match &instruction.kind {
                InstructionKind::Onbuild(inner) => inner.as_ref(),
                _ => instruction,
            };
            let InstructionKind::Add(args) = &add.kind else {
                continue;
            };
            let sources = args
                .sources
                .iter()
                .map(|word| {
                    let expanded = ctx.model.expand_at(stage.index, index, word);
                    Source {
                        word,
                        value: expanded.value,
                        unresolved: !expanded.unresolved.is_empty(),
                    }
                })
                .collect();
            out.push(Add {
                instruction: add,
                sources,
            });
        }
    }
    out
}

/// A URL `ADD` downloads (`http://`, `https://`).
pub(crate) fn is_url(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A git repository `ADD` clones (`git@host:repo`, `git://`, `ssh://`, `https://….git`).
pub(crate) fn is_git(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let path = lower.split('#').next().unwrap_or(&lower);
    lower.starts_with("git@")
        || lower.starts_with("git://")
        || lower.starts_with("ssh://")
        || (is_url(&lower) && ends_with_ignore_case(path, ".git"))
}

/// A name `ADD` may extract: tar archives, possibly compressed. `ADD` detects archives by
/// content, so a compressed file is treated as a possible tarball.
pub(crate) fn is_archive(value: &str) -> bool {
    const EXTENSIONS: [&str; 16] = [
        ".tar", ".tgz", ".tbz", ".tbz2", ".tb2", ".txz", ".tlz", ".tzst", ".taz", ".tz", ".gz",
        ".bz2", ".xz", ".zst", ".lz", ".lzma",
    ];
    EXTENSIONS.iter().any(|e| ends_with_ignore_case(value, e)) || ends_with_ignore_case(value, ".z")
}

/// A heredoc source: `ADD <<EOF /dest`.
pub(crate) fn is_heredoc(word: &Word) -> bool {
    word.raw.starts_with("<<")
}
