//! What a Dockerfile rule sees: the text, the syntax tree, the model, and every shell script the
//! build will run (`RUN` bodies and shell heredocs), parsed once and shared.

use std::cell::OnceCell;

use cofferdam_diagnostics::TextRange;

use crate::rules::build::runs::Run;
use crate::rules::secrets::detect::{SecretKind, find_in_text};

use crate::Settings;
use crate::model::DockerfileModel;
use crate::syntax::dockerfile::{Dockerfile, Heredoc, Instruction, MappedText, ShellOrExec};
use crate::syntax::shell::{self, Script};

/// The input of every Dockerfile rule.
pub struct DockerfileContext<'a> {
    pub text: &'a str,
    pub file: &'a Dockerfile,
    pub model: &'a DockerfileModel<'a>,
    pub scripts: &'a [RunScript<'a>],
    /// The thresholds of the run (`allowed-registries`, …).
    pub settings: &'a Settings,
    /// Scripts made from exec-form `RUN`s that `scripts` lacks (`rules::build::runs`).
    pub(crate) exec_scripts: &'a [RunScript<'a>],
    /// Every `RUN` grouped with its scripts, built on first use (`rules::build::runs::runs`).
    pub(crate) runs: OnceCell<Vec<Run<'a>>>,
    /// Credential-shaped spans of the whole text, scanned once for the rule and for redaction.
    pub(crate) secrets: OnceCell<Vec<(usize, usize, SecretKind)>>,
    /// Literal passwords that `RUN` steps set, found once for the rule and for redaction
    /// (`rules::secrets::password_set_in_build::password_ranges`).
    pub(crate) passwords: OnceCell<Vec<TextRange>>,
}

impl<'a> DockerfileContext<'a> {
    pub fn new(
        text: &'a str,
        file: &'a Dockerfile,
        model: &'a DockerfileModel<'a>,
        scripts: &'a [RunScript<'a>],
        exec_scripts: &'a [RunScript<'a>],
        settings: &'a Settings,
    ) -> Self {
        Self {
            text,
            file,
            model,
            scripts,
            settings,
            exec_scripts,
            runs: OnceCell::new(),
            secrets: OnceCell::new(),
            passwords: OnceCell::new(),
        }
    }

    /// Credential-shaped spans of the text: `(start, end, kind)`.
    pub(crate) fn secret_spans(&self) -> &[(usize, usize, SecretKind)] {
        self.secrets.get_or_init(|| find_in_text(self.text))
    }

    /// The source text of a range.
    pub fn slice(&self, range: TextRange) -> &str {
        &self.text[range.to_std()]
    }

    /// Whether the final stage is the stage with index `stage`.
    pub fn is_final_stage(&self, stage: usize) -> bool {
        self.model.stages.len() == stage + 1
    }
}

/// One shell script that a `RUN` executes, with the map from script offsets to the Dockerfile.
pub struct RunScript<'a> {
    /// Index of the stage holding the instruction.
    pub stage: usize,
    /// Index into that stage's instructions.
    pub index: usize,
    /// The `RUN` (for `ONBUILD RUN`, the inner trigger).
    pub instruction: &'a Instruction,
    /// The shell text that was parsed.
    pub text: MappedText,
    /// Set when the script is a heredoc body rather than the command line.
    pub heredoc: Option<&'a Heredoc>,
    pub script: Script,
}

impl<'a> RunScript<'a> {
    /// Maps a range of the script back to the Dockerfile.
    pub fn source_range(&self, range: TextRange) -> TextRange {
        self.text.range_to_source(range)
    }

    /// Parses the shell of every `RUN` of every stage (including `ONBUILD RUN` triggers).
    pub fn collect(model: &DockerfileModel<'a>) -> Vec<RunScript<'a>> {
        let mut scripts = Vec::new();
        for (stage, index, run, command) in model.run_instructions() {
            let push = |scripts: &mut Vec<RunScript<'a>>, text: MappedText, heredoc| {
                let script = shell::parse(&text.text);
                scripts.push(RunScript {
                    stage,
                    index,
                    instruction: run,
                    text,
                    heredoc,
                    script,
                });
            };
            match command {
                ShellOrExec::Shell(text) => {
                    push(&mut scripts, text.clone(), None);
                    for heredoc in &run.heredocs {
                        if heredoc_is_script(&text.text, heredoc) {
                            push(&mut scripts, heredoc.body.clone(), Some(heredoc));
                        }
                    }
                }
                ShellOrExec::Exec { args, .. } => {
                    if let Some(text) = exec_shell_script(args) {
                        push(&mut scripts, text, None);
                    }
                }
            }
        }
        scripts
    }
}

fn is_shell(program: &str) -> bool {
    let name = program.rsplit('/').next().unwrap_or(program);
    shell::SHELLS.contains(&name)
}

/// Whether a heredoc of a `RUN` line is executed as a shell script: `RUN <<EOF` alone (BuildKit
/// runs the body with the default shell unless it starts with a non-shell shebang), or a shell
/// reading the heredoc on stdin (`RUN bash -e <<EOF`).
fn heredoc_is_script(command_line: &str, heredoc: &Heredoc) -> bool {
    let words: Vec<&str> = command_line
        .split_whitespace()
        .filter(|word| !word.starts_with("<<"))
        .collect();
    if words.is_empty() {
        return match heredoc.body.text.lines().next() {
            Some(first) if first.starts_with("#!") => first
                .trim_start_matches("#!")
                .split_whitespace()
                .find(|word| !word.ends_with("/env"))
                .is_some_and(is_shell),
            _ => true,
        };
    }
    // `bash`, `sh -ex`, `/bin/bash -o pipefail`: a shell with options only reads its stdin.
    is_shell(words[0])
        && words[1..]
            .iter()
            .all(|word| word.starts_with('-') || *word == "pipefail" || word.starts_with('>'))
}

/// `RUN ["sh", "-c", "script"]`: the script argument, when it can be mapped exactly.
fn exec_shell_script(args: &[crate::syntax::dockerfile::Word]) -> Option<MappedText> {
    let [program, flag, script, ..] = args else {
        return None;
    };
    if !is_shell(&program.raw) || flag.raw != "-c" {
        return None;
    }
    // The word's range includes the JSON quotes. Map exactly only when the literal has no
    // escapes, so that every decoded byte sits at a known source offset.
    if script.range.len() as usize != script.raw.len() + 2 {
        return None;
    }
    let start = script.range.start() + 1;
    Some(MappedText {
        text: script.raw.clone(),
        range: TextRange::new(start, script.range.end() - 1),
        segments: vec![(0, start)],
    })
}
