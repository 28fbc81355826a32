//! [`DockerfileModel`]: stages, their bases, variable scopes and the effective user, computed
//! once from the syntax tree and shared by every Dockerfile rule.
//!
//! Variable scoping follows BuildKit: `ARG`s declared before the first `FROM` are visible only in
//! `FROM` lines, and inside a stage only after being redeclared (`ARG NAME` takes the global
//! default). `ENV` values are visible to later instructions and are inherited by stages built
//! `FROM` another stage, as are `USER` and `HEALTHCHECK`.

use std::cell::OnceCell;
use std::collections::HashMap;

use crate::model::expand::{Expanded, expand};
use crate::model::image::ImageRef;
use crate::syntax::dockerfile::{
    Dockerfile, Instruction, InstructionKind, Keyword, ShellOrExec, Word,
};

/// A Dockerfile with its stages resolved.
#[derive(Debug)]
pub struct DockerfileModel<'a> {
    pub file: &'a Dockerfile,
    /// `ARG`s before the first `FROM`: name and expanded default.
    pub global_args: Vec<(String, Option<String>)>,
    pub stages: Vec<Stage<'a>>,
    /// Per stage, the scope after each instruction that can change it (and at the stage start),
    /// as `(instructions before it, scope)`: rules expand words in many instructions of a stage,
    /// and rebuilding the scope from the stage start for each was a measurable share of linting.
    scopes: OnceCell<Vec<Vec<(usize, Scope)>>>,
}

/// One `FROM` and the instructions up to the next one.
#[derive(Debug)]
pub struct Stage<'a> {
    pub index: usize,
    pub from: &'a Instruction,
    /// The image word as written.
    pub image: &'a Word,
    pub alias: Option<&'a Word>,
    pub base: Base,
    /// The instructions after `FROM`, up to the next `FROM`.
    pub instructions: &'a [Instruction],
}

/// What a stage starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`.
    Scratch,
    /// `FROM <alias or index of an earlier stage>`.
    Stage(usize),
    /// An image pulled from a registry.
    Image {
        image: ImageRef,
        /// The reference was written with variables (`FROM $BASE`, `FROM app:${TAG}`).
        variable: bool,
        /// Variables with no value and no default were involved, so the reference is not
        /// fully known.
        unresolved: bool,
    },
}

/// Variables visible at one point of a stage.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    values: HashMap<String, Option<String>>,
}

impl Scope {
    /// The value of `name`: `Some(None)` when declared without a value (a build argument to be
    /// given on the command line), `None` when not declared.
    pub fn get(&self, name: &str) -> Option<Option<&str>> {
        self.values.get(name).map(Option::as_deref)
    }

    fn set(&mut self, name: String, value: Option<String>) {
        self.values.insert(name, value);
    }

    /// Expands a word's raw text in this scope.
    pub fn expand(&self, word: &Word, escape: char) -> Expanded {
        expand(&word.raw, escape, &|name| {
            self.values.get(name).cloned().flatten()
        })
    }
}

/// The user a stage's containers run as, from the last `USER` in the stage or inherited from
/// the stage it is built on.
#[derive(Clone, Debug)]
pub struct EffectiveUser<'a> {
    /// The `USER` instruction that set it.
    pub instruction: &'a Instruction,
    pub word: &'a Word,
    /// The stage the instruction is in (an earlier one when inherited).
    pub stage: usize,
    /// The user part after expansion (before any `:`).
    pub user: String,
    pub group: Option<String>,
    /// A variable without a value was involved: the user is not known statically.
    pub unresolved: bool,
}

impl EffectiveUser<'_> {
    /// `root` or uid 0. Unknown users are not root.
    pub fn is_root(&self) -> bool {
        !self.unresolved && is_root_user(&self.user)
    }

    /// Whether the user is given as a number.
    pub fn is_numeric(&self) -> bool {
        !self.user.is_empty() && self.user.bytes().all(|b| b.is_ascii_digit())
    }
}

/// `root`, `0` or `00`.
pub fn is_root_user(user: &str) -> bool {
    user == "root" || (!user.is_empty() && user.bytes().all(|b| b == b'0'))
}

impl<'a> DockerfileModel<'a> {
    pub fn new(file: &'a Dockerfile) -> Self {
        let escape = file.escape;
        let mut global_args = Vec::new();
        let mut global_scope = Scope::default();
        let mut stage_starts = Vec::new();
        for (index, instruction) in file.instructions.iter().enumerate() {
            match &instruction.kind {
                InstructionKind::From { .. } => stage_starts.push(index),
                InstructionKind::Arg(pairs) if stage_starts.is_empty() => {
                    for pair in pairs {
                        let value = pair
                            .value
                            .as_ref()
                            .map(|value| global_scope.expand(value, escape).value);
                        global_scope.set(pair.key.raw.clone(), value.clone());
                        global_args.push((pair.key.raw.clone(), value));
                    }
                }
                _ => {}
            }
        }

        let mut stages: Vec<Stage<'a>> = Vec::with_capacity(stage_starts.len());
        for (position, &start) in stage_starts.iter().enumerate() {
            let end = stage_starts
                .get(position + 1)
                .copied()
                .unwrap_or(file.instructions.len());
            let from = &file.instructions[start];
            let InstructionKind::From { image, alias } = &from.kind else {
                unreachable!("stage starts are FROM instructions");
            };
            let base = resolve_base(&stages, image, &global_scope, escape);
            stages.push(Stage {
                index: position,
                from,
                image,
                alias: alias.as_ref(),
                base,
                instructions: &file.instructions[start + 1..end],
            });
        }
        DockerfileModel {
            file,
            global_args,
            stages,
            scopes: OnceCell::new(),
        }
    }

    /// The last stage: the image that is shipped (unless a build targets another stage).
    pub fn final_stage(&self) -> Option<&Stage<'a>> {
        self.stages.last()
    }

    /// The final stage and the stages it is built `FROM`, final first: every stage whose
    /// layers end up in the shipped image.
    pub fn shipped_stages(&self) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut current = self.final_stage().map(|stage| stage.index);
        while let Some(index) = current {
            chain.push(index);
            current = match self.stages[index].base {
                Base::Stage(parent) if parent < index => Some(parent),
                _ => None,
            };
        }
        chain
    }

    /// Every `RUN` of every stage in order, with `ONBUILD RUN` triggers unwrapped:
    /// `(stage, index into the stage's instructions, the RUN instruction, its command)`.
    pub fn run_instructions(
        &self,
    ) -> impl Iterator<Item = (usize, usize, &'a Instruction, &'a ShellOrExec)> + '_ {
        self.stages.iter().flat_map(|stage| {
            stage
                .instructions
                .iter()
                .enumerate()
                .filter_map(move |(index, instruction)| {
                    let run = match &instruction.kind {
                        InstructionKind::Onbuild(inner) => inner.as_ref(),
                        _ => instruction,
                    };
                    match &run.kind {
                        InstructionKind::Run(command) => Some((stage.index, index, run, command)),
                        _ => None,
                    }
                })
        })
    }

    /// The stage an alias or numeric index refers to, if it is defined before `before`.
    pub fn stage_by_name(&self, name: &str, before: usize) -> Option<usize> {
        find_stage(&self.stages[..before.min(self.stages.len())], name)
    }

    /// The variables visible just before instruction `index` of stage `stage` (an index into
    /// [`Stage::instructions`]; `stage.instructions.len()` means at the end of the stage).
    pub fn scope(&self, stage: usize, index: usize) -> Scope {
        self.scope_ref(stage, index).clone()
    }

    /// Expands `word` as seen by instruction `index` of stage `stage`.
    pub fn expand_at(&self, stage: usize, index: usize, word: &Word) -> Expanded {
        self.scope_ref(stage, index).expand(word, self.file.escape)
    }

    /// Like [`DockerfileModel::scope`], borrowed from the per-stage cache.
    fn scope_ref(&self, stage: usize, index: usize) -> &Scope {
        let checkpoints = &self.scopes.get_or_init(|| self.stage_scopes())[stage];
        let index = index.min(self.stages[stage].instructions.len());
        // The first checkpoint is at 0, so at least one precedes any index.
        let after = checkpoints.partition_point(|(at, _)| *at <= index);
        &checkpoints[after - 1].1
    }

    /// The scope checkpoints of every stage, in stage order so that a derived stage finds its
    /// parent's final scope already computed.
    fn stage_scopes(&self) -> Vec<Vec<(usize, Scope)>> {
        let mut all: Vec<Vec<(usize, Scope)>> = Vec::with_capacity(self.stages.len());
        for (stage, current) in self.stages.iter().enumerate() {
            let mut scope = match current.base {
                Base::Stage(parent) if parent < stage => {
                    let parent_scope = all[parent]
                        .last()
                        .map(|(_, scope)| scope)
                        .expect("every stage has a checkpoint at its start");
                    // Only ENV is inherited by a derived stage; ARGs end with their stage.
                    let mut inherited = Scope::default();
                    for instruction in self.stages[parent].instructions {
                        if let InstructionKind::Env(pairs) = &instruction.kind {
                            for pair in pairs {
                                if let Some(value) = parent_scope.get(&pair.key.raw) {
                                    inherited.set(pair.key.raw.clone(), value.map(str::to_owned));
                                }
                            }
                        }
                    }
                    inherited
                }
                _ => Scope::default(),
            };
            let mut checkpoints = vec![(0, scope.clone())];
            for (index, instruction) in current.instructions.iter().enumerate() {
                if self.declare(&mut scope, instruction) {
                    checkpoints.push((index + 1, scope.clone()));
                }
            }
            all.push(checkpoints);
        }
        all
    }

    /// Applies an `ARG` or `ENV` to `scope`; returns whether `instruction` was one.
    fn declare(&self, scope: &mut Scope, instruction: &Instruction) -> bool {
        match &instruction.kind {
            InstructionKind::Arg(pairs) => {
                for pair in pairs {
                    let value = match &pair.value {
                        Some(value) => Some(scope.expand(value, self.file.escape).value),
                        None => self
                            .global_args
                            .iter()
                            .rev()
                            .find(|(name, _)| *name == pair.key.raw)
                            .and_then(|(_, value)| value.clone()),
                    };
                    // An ENV of the same name wins over an ARG.
                    if !matches!(scope.get(&pair.key.raw), Some(Some(_))) || pair.value.is_some() {
                        scope.set(pair.key.raw.clone(), value);
                    }
                }
                true
            }
            InstructionKind::Env(pairs) => {
                for pair in pairs {
                    let value = pair
                        .value
                        .as_ref()
                        .map_or_else(String::new, |v| scope.expand(v, self.file.escape).value);
                    scope.set(pair.key.raw.clone(), Some(value));
                }
                true
            }
            _ => false,
        }
    }

    /// The user containers of stage `stage` run as, following `FROM <stage>` chains. `None`
    /// when no `USER` is set in the chain (the base image's user applies, usually root).
    pub fn effective_user(&self, stage: usize) -> Option<EffectiveUser<'a>> {
        let current = &self.stages[stage];
        let found =
            current
                .instructions
                .iter()
                .enumerate()
                .rev()
                .find_map(|(index, instruction)| match &instruction.kind {
                    InstructionKind::User(word) => Some((index, instruction, word)),
                    _ => None,
                });
        match found {
            Some((index, instruction, word)) => {
                let expanded = self.expand_at(stage, index, word);
                let (user, group) = match expanded.value.split_once(':') {
                    Some((user, group)) => (user.to_owned(), Some(group.to_owned())),
                    None => (expanded.value.clone(), None),
                };
                Some(EffectiveUser {
                    instruction,
                    word,
                    stage,
                    unresolved: !expanded.unresolved.is_empty() || user.is_empty(),
                    user,
                    group,
                })
            }
            None => match current.base {
                Base::Stage(parent) if parent < stage => self.effective_user(parent),
                _ => None,
            },
        }
    }

    /// Whether stage `stage` or a stage it is built on has a `HEALTHCHECK`.
    pub fn has_healthcheck(&self, stage: usize) -> bool {
        let current = &self.stages[stage];
        current
            .instructions
            .iter()
            .any(|instruction| instruction.keyword == Keyword::Healthcheck)
            || matches!(current.base, Base::Stage(parent) if parent < stage && self.has_healthcheck(parent))
    }

    /// The stage containing instruction `instruction` (compared by address), with its index in
    /// [`Stage::instructions`].
    pub fn locate(&self, instruction: &Instruction) -> Option<(usize, usize)> {
        self.stages.iter().find_map(|stage| {
            stage
                .instructions
                .iter()
                .position(|candidate| std::ptr::eq(candidate, instruction))
                .map(|index| (stage.index, index))
        })
    }
}

fn find_stage(stages: &[Stage<'_>], name: &str) -> Option<usize> {
    if let Ok(index) = name.parse::<usize>() {
        return (index < stages.len()).then_some(index);
    }
    stages
        .iter()
        .rev()
        .find(|stage| {
            stage
                .alias
                .is_some_and(|alias| alias.raw.eq_ignore_ascii_case(name))
        })
        .map(|stage| stage.index)
}

fn resolve_base(stages: &[Stage<'_>], image: &Word, globals: &Scope, escape: char) -> Base {
    let expanded = globals.expand(image, escape);
    let text = expanded.value.trim();
    if let Some(index) = find_stage(stages, text).filter(|_| text.parse::<usize>().is_err()) {
        return Base::Stage(index);
    }
    let reference = ImageRef::parse(text);
    if reference.is_scratch() {
        return Base::Scratch;
    }
    Base::Image {
        image: reference,
        variable: image.raw.contains('$'),
        unresolved: !expanded.unresolved.is_empty() || text.is_empty(),
    }
}
