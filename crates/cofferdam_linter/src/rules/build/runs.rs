//! Groups the shell a `RUN` executes by instruction, for the rules that reason about a whole
//! `RUN` (a package index fetched and removed in the same layer, a cache mount, a `SHELL`).
//!
//! [`RunScript::collect`] yields one script per command line and per shell heredoc, and none
//! for an exec-form `RUN ["apt-get", "install", "x"]`. Here every `RUN` becomes one [`Run`]
//! whose scripts include a one-command script made from such an exec form, so that rules see
//! `apt-get` whichever form was written. Those scripts are made up front by [`exec_scripts`]
//! (in `lint_dockerfile`), so that a [`Run`] only borrows scripts and can keep the package
//! manager view of its commands ([`Run::packages`]), which half a dozen rules read.

use std::cell::OnceCell;

use cofferdam_diagnostics::TextRange;

use crate::model::{Base, DockerfileModel};
use crate::rules::build::packages::{PackageCommand, classify};
use crate::rules::{DockerfileContext, RunScript};
use crate::syntax::dockerfile::{
    Instruction, InstructionKind, Keyword, MappedText, ShellOrExec, Word,
};
use crate::syntax::shell::{self, Command, Script, ShellWord};

/// One `RUN` instruction (or `ONBUILD RUN` trigger) and all the shell it runs.
pub(crate) struct Run<'a> {
    pub(crate) stage: usize,
    /// Index into the stage's instructions (of the `ONBUILD` for a trigger).
    pub(crate) index: usize,
    /// The `RUN` itself (for `ONBUILD RUN`, the inner trigger).
    pub(crate) instruction: &'a Instruction,
    scripts: Vec<&'a RunScript<'a>>,
    /// The package-manager commands, classified on first use.
    packages: OnceCell<Vec<Package<'a>>>,
}

/// A command of a [`Run`] that a package manager runs, with the script that maps its ranges
/// back and its package-manager view.
pub(crate) type Package<'a> = (&'a RunScript<'a>, &'a Command, PackageCommand<'a>);

impl<'a> Run<'a> {
    /// The command line, heredoc scripts, or the script made from an exec form.
    pub(crate) fn scripts(&self) -> impl Iterator<Item = &'a RunScript<'a>> + '_ {
        self.scripts.iter().copied()
    }

    /// Every command of every script, with the script that maps its ranges back.
    pub(crate) fn commands(&self) -> impl Iterator<Item = (&'a RunScript<'a>, &'a Command)> + '_ {
        self.scripts()
            .flat_map(|script| script.script.commands.iter().map(move |c| (script, c)))
    }

    /// The commands that [`classify`] recognises, in order, classified once per `RUN` rather
    /// than once per rule that asks.
    pub(crate) fn packages(&self) -> &[Package<'a>] {
        self.packages.get_or_init(|| {
            self.commands()
                .filter_map(|(script, command)| Some((script, command, classify(command)?)))
                .collect()
        })
    }

    /// Whether the `RUN` is in exec form (`RUN ["…"]`), which no `SHELL` applies to.
    pub(crate) fn is_exec(&self) -> bool {
        matches!(
            self.instruction.kind,
            InstructionKind::Run(ShellOrExec::Exec { .. })
        )
    }

    /// The targets of `--mount=type=cache` and `--mount=type=tmpfs` flags: files written there do
    /// not end up in the layer.
    pub(crate) fn cache_mount_targets(&self) -> Vec<String> {
        self.instruction
            .flags
            .iter()
            .filter(|flag| flag.name == "mount")
            .filter_map(|flag| flag.value.as_ref())
            .filter_map(|value| {
                let mut kind = "bind";
                let mut target = None;
                for part in value.raw.trim_matches('"').split(',') {
                    let (key, val) = part.split_once('=').unwrap_or((part, ""));
                    match key.trim() {
                        "type" => kind = val.trim(),
                        "target" | "dst" | "destination" => target = Some(val.trim()),
                        _ => {}
                    }
                }
                let target = target?;
                matches!(kind, "cache" | "tmpfs").then(|| target.trim_end_matches('/').to_owned())
            })
            .collect()
    }

    /// From the start of the `RUN` to the end of `range` (a range of `script`): the span of a
    /// finding about something missing from the instruction, which peers report on the `RUN`
    /// line, while still covering the command concerned.
    pub(crate) fn span_to(&self, script: &RunScript<'_>, range: TextRange) -> TextRange {
        let end = script.source_range(range).end();
        TextRange::new(
            self.instruction.range.start(),
            end.max(self.instruction.range.start()),
        )
    }
}

/// Every `RUN` of the Dockerfile, in order; built once per file and shared by every rule.
pub(crate) fn runs<'c, 'a>(ctx: &'c DockerfileContext<'a>) -> &'c [Run<'a>] {
    ctx.runs.get_or_init(|| collect(ctx))
}

fn collect<'a>(ctx: &DockerfileContext<'a>) -> Vec<Run<'a>> {
    let mut out = Vec::new();
    for (stage, index, run, command) in ctx.model.run_instructions() {
        let mut scripts: Vec<&'a RunScript<'a>> = ctx
            .scripts
            .iter()
            .filter(|script| std::ptr::eq(script.instruction, run))
            .collect();
        if scripts.is_empty() && matches!(command, ShellOrExec::Exec { .. }) {
            scripts.extend(
                ctx.exec_scripts
                    .iter()
                    .filter(|script| std::ptr::eq(script.instruction, run)),
            );
        }
        out.push(Run {
            stage,
            index,
            instruction: run,
            scripts,
            packages: OnceCell::new(),
        });
    }
    out
}

/// The scripts of the exec-form `RUN`s (and `ONBUILD RUN`s) that [`RunScript::collect`] did not
/// parse, one per instruction; see [`exec_script`].
pub(crate) fn exec_scripts<'a>(
    model: &DockerfileModel<'a>,
    scripts: &[RunScript<'a>],
) -> Vec<RunScript<'a>> {
    let mut out = Vec::new();
    for (stage, index, run, command) in model.run_instructions() {
        let ShellOrExec::Exec { args, .. } = command else {
            continue;
        };
        if scripts
            .iter()
            .any(|script| std::ptr::eq(script.instruction, run))
        {
            continue;
        }
        out.extend(exec_script(stage, index, run, args));
    }
    out
}

/// A script for an exec-form `RUN` that [`RunScript::collect`] did not parse: a shell with `-c`
/// whose argument has JSON escapes (parsed, with every range mapped to the argument), or any
/// other program (one command whose words are the array's strings).
fn exec_script<'a>(
    stage: usize,
    index: usize,
    instruction: &'a Instruction,
    args: &[Word],
) -> Option<RunScript<'a>> {
    let first = args.first()?;
    let program = first.raw.rsplit('/').next().unwrap_or(&first.raw);
    if shell::SHELLS.contains(&program)
        && args.get(1).is_some_and(|flag| flag.raw == "-c")
        && let Some(code) = args.get(2)
    {
        // Offsets inside the decoded string map to the literal's first byte plus the offset:
        // never past the literal's end, since escapes only make the decoded text shorter.
        let start = code.range.start() + 1;
        let text = MappedText {
            text: code.raw.clone(),
            range: TextRange::new(start, code.range.end().saturating_sub(1).max(start)),
            segments: vec![(0, start)],
        };
        let script = shell::parse(&text.text);
        return Some(RunScript {
            stage,
            index,
            instruction,
            text,
            heredoc: None,
            script,
        });
    }
    let word = |w: &Word| ShellWord {
        range: w.range,
        raw: w.raw.clone(),
        value: Some(w.raw.clone()),
    };
    let last = args.last()?;
    let command = Command {
        range: TextRange::new(first.range.start(), last.range.end()),
        assignments: Vec::new(),
        name: word(first),
        args: args[1..].iter().map(word).collect(),
        pipeline: None,
        redirects: Vec::new(),
        in_substitution: false,
        condition: false,
        script_depth: 0,
    };
    let mut script = Script::default();
    script.commands.push(command);
    // An empty map is the identity: the command's ranges are already Dockerfile offsets.
    Some(RunScript {
        stage,
        index,
        instruction,
        text: MappedText::default(),
        heredoc: None,
        script,
    })
}

/// Whether stage `stage` only feeds other stages through `COPY --from` (or `--mount=from=`):
/// it is not the final stage, no stage is built `FROM` it, and some later stage copies from it.
/// Leftovers in such a stage's layers never reach the shipped image.
pub(crate) fn only_copied_from(model: &DockerfileModel<'_>, stage: usize) -> bool {
    if stage + 1 >= model.stages.len() {
        return false;
    }
    let later = &model.stages[stage + 1..];
    if later
        .iter()
        .any(|s| matches!(s.base, Base::Stage(parent) if parent == stage))
    {
        return false;
    }
    later.iter().any(|s| {
        s.instructions.iter().any(|instruction| {
            let from = match instruction.keyword {
                Keyword::Copy => instruction.flag("from").and_then(|f| f.value.as_ref()),
                Keyword::Run => instruction
                    .flags
                    .iter()
                    .filter(|f| f.name == "mount")
                    .filter_map(|f| f.value.as_ref())
                    .find(|v| v.raw.split(',').any(|p| p.starts_with("from="))),
                _ => None,
            };
            from.is_some_and(|word| {
                let name = word
                    .raw
                    .split(',')
                    .find_map(|p| p.strip_prefix("from="))
                    .unwrap_or(&word.raw)
                    .trim_matches('"');
                model.stage_by_name(name, s.index) == Some(stage)
            })
        })
    })
}

impl Run<'_> {
    /// Whether the `RUN` deletes a path for which `matches` holds (`rm -rf /var/lib/apt/lists/*`,
    /// `find /var/cache/apk -delete`). Words with expansions are judged by their raw text.
    pub(crate) fn removes(&self, matches: impl Fn(&str) -> bool) -> bool {
        self.commands().any(|(_, command)| {
            let view = command.unwrapped();
            matches!(view.program(), Some("rm" | "find" | "rmdir"))
                && view
                    .args
                    .iter()
                    .any(|arg| matches(arg.value.as_deref().unwrap_or(&arg.raw)))
        })
    }

    /// Whether a cache or tmpfs mount covers `path` (or a directory above it).
    pub(crate) fn mounts_cache(&self, paths: &[&str]) -> bool {
        self.cache_mount_targets().iter().any(|target| {
            paths.iter().any(|path| {
                path.strip_prefix(target.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
        })
    }
}

/// The arguments of the `SHELL` in force before instruction `index` of stage `stage`, following
/// `FROM <stage>` chains; `None` for the default `["/bin/sh", "-c"]`.
pub(crate) fn active_shell<'a>(
    model: &DockerfileModel<'a>,
    stage: usize,
    index: usize,
) -> Option<&'a [Word]> {
    let current = &model.stages[stage];
    let before = &current.instructions[..index.min(current.instructions.len())];
    let found = before
        .iter()
        .rev()
        .find_map(|instruction| match &instruction.kind {
            InstructionKind::Shell(ShellOrExec::Exec { args, .. }) => Some(args.as_slice()),
            _ => None,
        });
    match (found, &current.base) {
        (Some(args), _) => Some(args),
        (None, Base::Stage(parent)) if *parent < stage => {
            active_shell(model, *parent, model.stages[*parent].instructions.len())
        }
        _ => None,
    }
}
