//! `cofferdam harden-run`: one `docker run` command in, the same command hardened out.
//!
//! The command line is parsed with the shell parser (quotes, `\` continuations, `sudo`/`env`
//! prefixes) and read with `model::run`, the grammar `check` uses for run lines. The output is
//! the input text with edits: flags that are missing are inserted before the image, dangerous
//! ones are cut out, and every other byte — quoting, order, the line layout of a multi-line
//! command — stays as written. Standard output is only the command, so that it can be pasted or
//! piped; each change is explained on a `#` line, on standard error by default (`--explain
//! comments` puts the lines above the command instead, `--explain none` drops them).
//!
//! Nothing is invented: the user id is a placeholder unless `--user` gives one, and the resource
//! limits are documented starting points marked "adjust".

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};

use anyhow::{Context, Result, bail};
use cofferdam_diagnostics::{Severity, TextRange};
use cofferdam_linter::model::container::{
    MountKind, RestartPolicy, SecurityOpt, is_root_user, is_variable,
};
use cofferdam_linter::model::run::{Arity, RunCommand, RunOption, parse_run, shell_quote};
use cofferdam_linter::rules::capabilities::grants;
use cofferdam_linter::rules::resources::starting_points::{CPUS, MEMORY, PIDS, RESTART};
use cofferdam_linter::rules::socket::runtime_socket_mounted;
use cofferdam_linter::syntax::shell::{self, ShellWord};

use crate::exit::ExitStatus;

/// Where explanations go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Explain {
    /// One `#` line per change on standard error; standard output is only the command.
    Stderr,
    /// The `#` lines above the command on standard output, for pasting into a script.
    Comments,
    None,
}

/// What `harden-run` runs with.
#[derive(Debug)]
pub(crate) struct HardenSettings {
    /// The command's words as given on the command line: one word is the command's text, several
    /// are joined with shell quoting; none or `-` reads standard input.
    pub(crate) command: Vec<String>,
    pub(crate) explain: Explain,
    /// The user to run as (`uid[:gid]`), instead of a placeholder.
    pub(crate) user: Option<String>,
}

/// The placeholder inserted when the user to run as is unknown; Docker refuses to start with it,
/// so a forgotten placeholder fails loudly instead of running as root.
const USER_PLACEHOLDER: &str = "'<uid:gid>'";

/// A tmpfs for `/tmp` when the root filesystem becomes read-only. The limits' starting points
/// (the explanation says to adjust them) are the ones `--unsafe-fixes` inserts too.
const TMPFS: &str = "/tmp:rw,noexec,nosuid,size=64m";

pub(crate) fn harden_run(
    settings: &HardenSettings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus> {
    if let Some(user) = &settings.user
        && (is_root_user(user) || is_variable(user))
    {
        bail!(
            "`--user {user}` is not a non-root uid[:gid]; harden-run inserts it as the user to run as"
        );
    }
    let text = input(&settings.command)?;
    let script = shell::parse(&text);
    let mut commands = Vec::new();
    let mut first_program = None;
    for command in &script.commands {
        if command.script_depth > 0 {
            continue;
        }
        let view = command.unwrapped();
        let mut words: Vec<ShellWord> = vec![view.name.clone()];
        words.extend(view.args.iter().cloned());
        if first_program.is_none() {
            first_program = Some(
                words
                    .iter()
                    .take(2)
                    .map(|word| word.raw.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        if let Some(run) = parse_run(&words) {
            commands.push(run);
        }
    }
    if commands.is_empty() {
        match first_program {
            Some(found) => bail!(
                "expected a `docker run` or `docker create` command (or podman's or nerdctl's), found `{found}`"
            ),
            None => bail!(
                "expected a `docker run` or `docker create` command, found no command; pass it as one quoted argument or on standard input"
            ),
        }
    }
    let mut edits = Vec::new();
    let mut explanations = Vec::new();
    let several = commands.len() > 1;
    for command in &commands {
        if command.image_index.is_none() {
            bail!(
                "`{}` names no image, so there is nothing to harden",
                command.invocation()
            );
        }
        let plan = Plan::new(command, settings);
        let prefix = if several {
            format!(
                "{}: ",
                command
                    .image
                    .as_ref()
                    .map_or(String::new(), |image| image.text.clone())
            )
        } else {
            String::new()
        };
        for (_, note) in &command.notes {
            explanations.push(format!("# {prefix}note: {note}"));
        }
        if plan.is_empty() {
            explanations.push(format!(
                "# {prefix}nothing to change: the command already has every flag cofferdam adds and none it removes"
            ));
        }
        explanations.extend(
            plan.explanations
                .iter()
                .map(|line| format!("# {prefix}{line}")),
        );
        edits.extend(plan.edits(&text));
    }
    let hardened = apply(&text, edits);
    let explained = explanations.join("\n") + "\n";
    match settings.explain {
        Explain::Stderr => {
            err.write_all(explained.as_bytes())
                .context("cannot write to standard error")?;
        }
        Explain::Comments => out
            .write_all(explained.as_bytes())
            .context("cannot write to standard output")?,
        Explain::None => {}
    }
    out.write_all(hardened.trim_end().as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .context("cannot write to standard output")?;
    Ok(ExitStatus::Success)
}

/// The command's text: the argument, the arguments joined as shell words, or standard input.
fn input(words: &[String]) -> Result<String> {
    match words {
        [] => read_stdin(),
        [single] if single == "-" => read_stdin(),
        [single] => Ok(single.clone()),
        several => Ok(several
            .iter()
            .map(|word| shell_quote(word))
            .collect::<Vec<_>>()
            .join(" ")),
    }
}

fn read_stdin() -> Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read the command from standard input")?;
    if text.trim().is_empty() {
        bail!("no command on standard input; pass it as one quoted argument or on standard input");
    }
    Ok(text)
}

/// Applies non-overlapping edits (range, replacement) to `text`.
fn apply(text: &str, mut edits: Vec<(TextRange, String)>) -> String {
    edits.sort_by_key(|(range, _)| (range.start(), range.end()));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0usize;
    for (range, replacement) in edits {
        let start = range.start() as usize;
        if start < at {
            // Overlapping edits cannot happen by construction; keep the first one.
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&replacement);
        at = range.end() as usize;
    }
    out.push_str(&text[at..]);
    out
}

/// The changes to one command.
struct Plan<'a> {
    command: &'a RunCommand,
    /// Options to cut out, by index into `command.options`.
    removed: BTreeSet<usize>,
    /// New shell text for an option's value, by option index.
    replaced: BTreeMap<usize, String>,
    /// Options to insert before the image, as shell text (`--cap-drop ALL`).
    added: Vec<String>,
    explanations: Vec<String>,
}

impl<'a> Plan<'a> {
    fn new(command: &'a RunCommand, settings: &HardenSettings) -> Self {
        let mut plan = Plan {
            command,
            removed: BTreeSet::new(),
            replaced: BTreeMap::new(),
            added: Vec::new(),
            explanations: Vec::new(),
        };
        plan.remove_dangerous();
        plan.add_missing(settings);
        plan
    }

    fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.replaced.is_empty() && self.added.is_empty()
    }

    /// The option as written (`--cap-add SYS_ADMIN`, `-v /var/run/docker.sock:/x`).
    fn written(&self, index: usize) -> String {
        let option = &self.command.options[index];
        match &option.value {
            Some(value) if option.separate_value => format!("{} {}", option.spelled, value.raw),
            Some(value) => format!("{}={}", option.spelled, value.raw),
            None => option.spelled.clone(),
        }
    }

    fn remove(&mut self, index: usize, why: &str) {
        if self.removed.insert(index) {
            let written = self.written(index);
            self.explanations
                .push(format!("removed `{written}`: {why}"));
        }
    }

    fn remove_dangerous(&mut self) {
        let command = self.command;
        for (index, option) in command.options.iter().enumerate() {
            if !option.known {
                continue;
            }
            let text = option.text().unwrap_or_default();
            match option.name.as_str() {
                "privileged" if option.bool_value() == Some(true) => self.remove(
                    index,
                    "it gives the container every capability and host device and turns off \
                     seccomp and AppArmor; grant only what the workload needs with `--cap-add` \
                     and `--device`",
                ),
                "cap-add" => self.remove_capabilities(index, option),
                "security-opt" => {
                    if let Some(why) = dangerous_security_opt(text) {
                        self.remove(index, why);
                    }
                }
                "pid" | "ipc" | "uts" | "userns" | "cgroupns" if text == "host" => {
                    let why = match option.name.as_str() {
                        "pid" => "the container would see and signal every process on the host",
                        "ipc" => {
                            "the container would share the host's shared memory and message queues"
                        }
                        "uts" => "the container could change the host's hostname",
                        "userns" => {
                            "it opts out of user-namespace remapping, so root in the container is \
                             root on the host"
                        }
                        _ => "the container would see the host's whole cgroup tree",
                    };
                    self.remove(index, why);
                }
                "network" if text == "host" => self.explanations.push(format!(
                    "kept `{}`, review it: the container shares the host's network stack (every \
                     interface, port and loopback service of the host); prefer a user-defined \
                     network and `-p 127.0.0.1:HOST:CONTAINER` for the ports it serves",
                    self.written(index)
                )),
                "volume" | "mount" if mounts_runtime_socket(command, index) => self.remove(
                    index,
                    "whoever can talk to a container runtime's socket is root on the host; if \
                     the workload needs the API, put a socket proxy in front that allows only \
                     the calls it makes",
                ),
                "use-api-socket" if option.bool_value() == Some(true) => self.remove(
                    index,
                    "it mounts the Docker API socket (root on the host) and registry \
                     credentials into the container",
                ),
                _ => {}
            }
        }
    }

    /// `--cap-add` values that grant too much; a list (`NET_ADMIN,CHOWN`) keeps its safe part.
    fn remove_capabilities(&mut self, index: usize, option: &RunOption) {
        let Some(value) = &option.value else {
            return;
        };
        if !value.literal {
            return;
        }
        let mut kept = Vec::new();
        let mut dropped = Vec::new();
        for cap in value.text.split(',').filter(|cap| !cap.trim().is_empty()) {
            let normalized = cofferdam_linter::model::container::normalize_capability(cap);
            // The critical and high grades of `dangerous-capability-added`, from its table.
            match grants::find(&normalized).filter(|grant| grant.severity >= Severity::High) {
                Some(grant) => dropped.push((grant.name, grant.effect)),
                None => kept.push(cap.trim()),
            }
        }
        if dropped.is_empty() {
            return;
        }
        let reasons = dropped
            .iter()
            .map(|(name, why)| format!("{name} ({why})"))
            .collect::<Vec<_>>()
            .join("; ");
        let why = format!("{reasons}; add it back only if the workload cannot run without it");
        if kept.is_empty() {
            self.remove(index, &why);
        } else {
            let written = self.written(index);
            let new = kept.join(",");
            self.explanations.push(format!(
                "replaced `{written}` with `{} {new}`: {why}",
                option.spelled
            ));
            self.replaced.insert(index, shell_quote(&new));
        }
    }

    fn add(&mut self, flag: String, why: &str) {
        self.explanations.push(format!("added `{flag}`: {why}"));
        self.added.push(flag);
    }

    /// Adds a flag whose value is a starting point or a placeholder: `note` says which.
    fn add_marked(&mut self, flag: String, note: &str, why: &str) {
        self.explanations
            .push(format!("added `{flag}` ({note}): {why}"));
        self.added.push(flag);
    }

    fn add_missing(&mut self, settings: &HardenSettings) {
        let command = self.command;
        let spec = &command.spec;
        let kept = |plan: &Self, name: &str| {
            command
                .options
                .iter()
                .enumerate()
                .any(|(index, option)| option.name == name && !plan.removed.contains(&index))
        };
        self.add_user(settings);
        if !spec.drops_all_capabilities() {
            self.add(
                "--cap-drop ALL".to_owned(),
                "the container keeps no Linux capability it does not ask for; add back only \
                 what it needs with `--cap-add` (for example CHOWN, SETUID or NET_BIND_SERVICE)",
            );
        }
        // `no-new-privileges=false` is removed, then the option is added.
        let mut no_new_privileges = false;
        for (index, option) in command.options.iter().enumerate() {
            if option.name != "security-opt" {
                continue;
            }
            match option.text().map(SecurityOpt::parse) {
                Some(SecurityOpt::NoNewPrivileges(false)) => self.remove(
                    index,
                    "it lets setuid and setcap binaries raise the process's privileges",
                ),
                Some(SecurityOpt::NoNewPrivileges(true)) => no_new_privileges = true,
                _ => {}
            }
        }
        if !no_new_privileges {
            self.add(
                "--security-opt no-new-privileges".to_owned(),
                "setuid and setcap binaries cannot raise the process's privileges",
            );
        }
        let mut read_only = spec.read_only.as_ref().is_some_and(|flag| flag.value);
        if !read_only {
            let why = "the root filesystem cannot be changed at run time; give the paths the \
                       workload writes to a `--tmpfs` or a volume";
            let disabled: Vec<usize> = command
                .options
                .iter()
                .enumerate()
                .filter(|(_, option)| {
                    option.name == "read-only" && option.bool_value() == Some(false)
                })
                .map(|(index, _)| index)
                .collect();
            self.removed.extend(disabled.iter().copied());
            if !kept(self, "read-only") {
                if let Some(&index) = disabled.last() {
                    let written = self.written(index);
                    self.explanations
                        .push(format!("replaced `{written}` with `--read-only`: {why}"));
                    self.added.push("--read-only".to_owned());
                } else {
                    self.add("--read-only".to_owned(), why);
                }
                read_only = true;
            }
        }
        let has_tmp = spec.tmpfs.iter().any(|tmpfs| is_tmp(&tmpfs.value.target))
            || spec
                .mounts
                .iter()
                .any(|mount| is_tmp(&mount.value.target) && mount.value.kind != MountKind::Image);
        if read_only && !has_tmp {
            self.add(
                format!("--tmpfs {TMPFS}"),
                "a small scratch directory for temporary files, from which nothing can be \
                 executed",
            );
        }
        self.add_limits(&kept);
        self.add_restart();
    }

    fn add_user(&mut self, settings: &HardenSettings) {
        let (value, note, why) = match &settings.user {
            Some(user) => (
                shell_quote(user),
                "given to harden-run",
                "the process does not run as root",
            ),
            None => (
                USER_PLACEHOLDER.to_owned(),
                "fill in",
                "the image's user is not known here and cofferdam does not guess a uid; use the \
                 non-root uid:gid that owns what the process writes (`docker image inspect -f \
                 '{{.Config.User}}' IMAGE` shows the image's own; drop this flag if that is \
                 already non-root), or pass `--user` to harden-run",
            ),
        };
        let command = self.command;
        let Some(index) = command
            .options
            .iter()
            .rposition(|option| option.name == "user" && option.value.is_some())
        else {
            self.add_marked(format!("--user {value}"), note, why);
            return;
        };
        let user = command.options[index].text().unwrap_or_default();
        if is_variable(user) || !is_root_user(user) {
            return;
        }
        let written = self.written(index);
        self.explanations.push(format!(
            "replaced `{written}` with `{} {value}` ({note}): root in the container is root on \
             the host's kernel; {why}",
            command.options[index].spelled
        ));
        self.replaced.insert(index, value);
    }

    fn add_limits(&mut self, kept: &dyn Fn(&Self, &str) -> bool) {
        let command = self.command;
        let spec = &command.spec;
        if !kept(self, "memory") {
            self.add_marked(
                format!("--memory {MEMORY}"),
                "adjust",
                "a starting point; size it to the workload's peak use so that one \
                 container cannot exhaust the host's memory",
            );
        }
        if !kept(self, "memory-swap") {
            let memory = command
                .options_named("memory")
                .last()
                .and_then(|option| option.value.as_ref())
                .map_or_else(|| MEMORY.to_owned(), |value| value.raw.clone());
            self.add_marked(
                format!("--memory-swap {memory}"),
                "adjust",
                "equal to `--memory`, so the container does not swap",
            );
        }
        let bounds_cpu = kept(self, "cpus")
            || command.options_named("cpu-quota").any(|option| {
                option
                    .text()
                    .is_some_and(|quota| quota.trim().parse::<i64>().map_or(true, |q| q > 0))
            })
            || kept(self, "cpuset-cpus");
        if !bounds_cpu {
            self.add_marked(
                format!("--cpus {CPUS}"),
                "adjust",
                "at most one core, so that a busy container cannot starve the host",
            );
        }
        match spec.limits.pids.as_ref() {
            Some(pids) if pids.value <= 0 => {
                let index = command
                    .options
                    .iter()
                    .rposition(|option| option.name == "pids-limit")
                    .unwrap_or_default();
                let written = self.written(index);
                self.explanations.push(format!(
                    "replaced `{written}` with `--pids-limit {PIDS}` (adjust): an unlimited \
                     process count lets a fork bomb take the host down; threads count too"
                ));
                self.replaced.insert(index, PIDS.to_owned());
            }
            None if !kept(self, "pids-limit") => self.add_marked(
                format!("--pids-limit {PIDS}"),
                "adjust",
                "stops a fork bomb from taking the host down; threads count too",
            ),
            _ => {}
        }
    }

    fn add_restart(&mut self) {
        let command = self.command;
        if command.spec.one_shot {
            return;
        }
        let Some(restart) = &command.spec.restart else {
            if !command.has_option("restart") {
                self.add(
                    format!("--restart {RESTART}"),
                    "a crashing container is restarted three times, not forever (one-shot jobs \
                     use `--rm` instead)",
                );
            }
            return;
        };
        if !matches!(
            restart.value,
            RestartPolicy::Always
                | RestartPolicy::UnlessStopped
                | RestartPolicy::OnFailure(None | Some(0))
        ) {
            return;
        }
        let Some(index) = command
            .options
            .iter()
            .rposition(|option| option.name == "restart")
        else {
            return;
        };
        let written = self.written(index);
        self.explanations.push(format!(
            "replaced `{written}` with `--restart {RESTART}`: a failing container is retried \
             three times instead of forever (on-failure does not start it again after a daemon \
             restart or reboot)"
        ));
        self.replaced.insert(index, RESTART.to_owned());
    }

    /// The text edits that carry out the plan on `text`.
    fn edits(&self, text: &str) -> Vec<(TextRange, String)> {
        let command = self.command;
        let words = &command.words;
        let mut deleted: BTreeSet<usize> = BTreeSet::new();
        let mut replaced_words: BTreeMap<usize, String> = BTreeMap::new();
        let mut clusters: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (index, option) in command.options.iter().enumerate() {
            if option.clustered {
                clusters.entry(option.words.start).or_default().push(index);
                continue;
            }
            if self.removed.contains(&index) {
                deleted.extend(option.words.clone());
            } else if let Some(new) = self.replaced.get(&index) {
                if option.separate_value {
                    replaced_words.insert(option.words.end - 1, new.clone());
                } else {
                    replaced_words.insert(option.words.start, format!("{}={new}", option.spelled));
                }
            }
        }
        for (word, members) in clusters {
            let changed = members
                .iter()
                .any(|index| self.removed.contains(index) || self.replaced.contains_key(index));
            if !changed {
                continue;
            }
            let mut letters = String::from("-");
            let mut separate: Option<(usize, Option<String>)> = None;
            for &index in &members {
                let option = &command.options[index];
                let removed = self.removed.contains(&index);
                if option.separate_value {
                    let value_word = option.words.end - 1;
                    separate = Some((
                        value_word,
                        (!removed)
                            .then(|| self.replaced.get(&index).cloned())
                            .flatten(),
                    ));
                    if removed {
                        deleted.insert(value_word);
                    }
                }
                if removed {
                    continue;
                }
                letters.push_str(option.spelled.trim_start_matches('-'));
                if !option.separate_value
                    && let Some(value) = &option.value
                {
                    if let Some(new) = self.replaced.get(&index) {
                        letters.push_str(new);
                    } else {
                        if option.arity == Arity::Flag {
                            letters.push('=');
                        }
                        letters.push_str(&value.raw);
                    }
                }
            }
            if let Some((value_word, Some(new))) = separate {
                replaced_words.insert(value_word, new);
            }
            if letters == "-" {
                deleted.insert(word);
            } else {
                replaced_words.insert(word, letters);
            }
        }
        let mut edits: Vec<(TextRange, String)> = replaced_words
            .into_iter()
            .map(|(index, new)| (words[index].range, new))
            .collect();
        // Consecutive deleted words go together, so that their whitespace is cut once.
        let deleted: Vec<usize> = deleted.into_iter().collect();
        let mut start = 0;
        while start < deleted.len() {
            let mut end = start;
            while end + 1 < deleted.len() && deleted[end + 1] == deleted[end] + 1 {
                end += 1;
            }
            edits.push(deletion(text, words, deleted[start], deleted[end]));
            start = end + 1;
        }
        if !self.added.is_empty()
            && let Some(image) = command.image_index
        {
            let deleted: BTreeSet<usize> = deleted.iter().copied().collect();
            edits.push(insertion(text, command, image, &deleted, &self.added));
        }
        edits
    }
}

/// The range to cut for words `first..=last`: the whole line when they fill a continuation line,
/// up to the next word when they start a line, and from the end of the previous word otherwise,
/// so that the layout around them stays as it was.
fn deletion(text: &str, words: &[ShellWord], first: usize, last: usize) -> (TextRange, String) {
    let start = words[first].range.start() as usize;
    let end = words[last].range.end() as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |at| end + at);
    let first_on_line = text[line_start..start].trim().is_empty();
    let rest = text[end..line_end].trim();
    let cut = if first_on_line && rest == "\\" && line_end < text.len() {
        (line_start, line_end + 1)
    } else if first_on_line {
        let next = words
            .get(last + 1)
            .map_or(end, |word| word.range.start() as usize);
        (start, next)
    } else {
        let previous = first
            .checked_sub(1)
            .map_or(start, |index| words[index].range.end() as usize);
        (previous, end)
    };
    (TextRange::from_usize(cut.0, cut.1), String::new())
}

/// The insertion of the added flags before the image: inline for a one-line command, one flag
/// per continuation line, indented like the image's line, for a multi-line one.
fn insertion(
    text: &str,
    command: &RunCommand,
    image: usize,
    deleted: &BTreeSet<usize>,
    added: &[String],
) -> (TextRange, String) {
    let words = &command.words;
    let at = words[image].range.start() as usize;
    let command_start = words[0].range.start() as usize;
    let multi_line = text[command_start..at].contains("\\\n")
        || command
            .args_range
            .is_some_and(|args| text[at..args.end() as usize].contains("\\\n"));
    if !multi_line {
        let mut inserted = added.join(" ");
        inserted.push(' ');
        return (TextRange::from_usize(at, at), inserted);
    }
    let line_start = text[..at].rfind('\n').map_or(0, |found| found + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let indent = if line_start <= command_start || indent.is_empty() {
        "  ".to_owned()
    } else {
        indent
    };
    // Whether the image starts its line once the deleted words before it are gone.
    let alone = (0..image).all(|index| {
        deleted.contains(&index) || (words[index].range.start() as usize) < line_start
    }) && line_start > command_start;
    let mut inserted = String::new();
    if !alone {
        inserted.push_str("\\\n");
        inserted.push_str(&indent);
    }
    for flag in added {
        inserted.push_str(flag);
        inserted.push_str(" \\\n");
        inserted.push_str(&indent);
    }
    (TextRange::from_usize(at, at), inserted)
}

fn is_tmp(target: &str) -> bool {
    target.trim_end_matches('/') == "/tmp"
}

/// Why a `--security-opt` value is removed, if it is.
fn dangerous_security_opt(text: &str) -> Option<&'static str> {
    match SecurityOpt::parse(text) {
        SecurityOpt::Seccomp(profile) if profile == "unconfined" => Some(
            "Docker's default seccomp profile blocks the system calls container escapes use; \
             give a profile of your own (`seccomp=profile.json`) if the default is too strict",
        ),
        SecurityOpt::AppArmor(profile) if profile == "unconfined" => {
            Some("the docker-default AppArmor profile confines the container again")
        }
        SecurityOpt::Label(label)
            if label == "disable" || label.contains("spc_t") || label.contains("unconfined_t") =>
        {
            Some(
                "SELinux separation between the container and the host is on again (relabel \
                 bind mounts with `:z` or `:Z` if they need it)",
            )
        }
        SecurityOpt::SystemPaths(value) if value == "unconfined" => {
            Some("sensitive /proc and /sys paths stay masked")
        }
        SecurityOpt::Other(other) if other.eq_ignore_ascii_case("unmask=ALL") => {
            Some("sensitive /proc and /sys paths stay masked")
        }
        _ => None,
    }
}

/// Whether the option at `index` (`-v`, `--mount`) mounts a container runtime's socket.
fn mounts_runtime_socket(command: &RunCommand, index: usize) -> bool {
    let option = &command.options[index];
    let Some(value) = &option.value else {
        return false;
    };
    command.spec.mounts.iter().any(|mount| {
        mount.value.kind == MountKind::Bind
            && (mount.range == value.range)
            // The socket files `runtime-socket-mounted` knows; a mounted directory that holds
            // one is that rule's to report, not this command's to cut.
            && matches!(
                runtime_socket_mounted::exposed(&mount.value.source),
                Some(runtime_socket_mounted::Exposed::Socket(_))
            )
    })
}
