//! `docker run` and `docker create` command lines — and podman's and nerdctl's — read with the
//! flag grammar of the current CLIs and lowered into a [`ContainerSpec`].
//!
//! The caller finds a command in a script (`syntax::embedded` for scripts, Makefiles, CI YAML,
//! systemd units and Markdown; `cofferdam harden-run` for one command line), removes wrappers
//! such as `sudo` or `env X=1`, and hands [`parse_run`] the words from the program on. The
//! parser skips the CLI's global options (`docker --context prod -H tcp://… run`), recognises
//! `run`, `create`, `container run` and `container create`, reads every option in its long,
//! short, `--flag=value`, `--flag value`, attached (`-p8080:80`) and clustered (`-itd`) forms,
//! and stops at the image: what follows is the container's command and is never read as flags.
//!
//! The result keeps two views. [`RunCommand::options`] is the normalised option list, with the
//! words each option occupies, which the renderer ([`render`]) and `harden-run` (which edits the
//! command as written) work from. [`RunCommand::spec`] is the option list lowered into the
//! shared [`ContainerSpec`], with every value's byte range — the value word, or the value part of
//! a `--flag=value` word when it maps exactly onto the source — so that container rules fire on
//! the line of a multi-line command where the flag is written. Words with expansions (`$UID`,
//! `"$REG/app:$TAG"`) are kept as written, without quotes, so that rules see them as chosen at
//! deploy time (`is_variable`). Options this module does not know become low-severity notes,
//! never errors: CLIs grow flags faster than any table.

#[cfg(test)]
mod tests;

use std::fmt::Write as _;
use std::ops::Range;

use cofferdam_diagnostics::TextRange;

use crate::model::container::{
    Bytes, ContainerSpec, Device, EnvVar, Healthcheck, Mount, MountKind, Port, RestartPolicy,
    SecurityOpt, Spanned, SpecSource, Tmpfs, normalize_capability,
};
use crate::model::image::ImageRef;
use crate::syntax::shell::ShellWord;

/// The container CLIs whose `run`/`create` commands are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cli {
    Docker,
    Podman,
    Nerdctl,
}

impl Cli {
    /// The CLI a program word names: `docker`, `/usr/local/bin/podman`, `nerdctl.exe`.
    pub fn from_program(program: &str) -> Option<Self> {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        let name = name.strip_suffix(".exe").unwrap_or(name);
        match name {
            "docker" => Some(Cli::Docker),
            "podman" => Some(Cli::Podman),
            "nerdctl" => Some(Cli::Nerdctl),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Cli::Docker => "docker",
            Cli::Podman => "podman",
            Cli::Nerdctl => "nerdctl",
        }
    }
}

/// `run` (create and start) or `create` (create only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subcommand {
    Run,
    Create,
}

impl Subcommand {
    pub fn name(self) -> &'static str {
        match self {
            Subcommand::Run => "run",
            Subcommand::Create => "create",
        }
    }
}

/// Whether an option takes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// A boolean: `--rm`, `--rm=false`, `-d`.
    Flag,
    /// `--name web`, `--name=web`, `-p80:80`, `-p 80:80`.
    Value,
}

/// One option of the `run`/`create` grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionSpec {
    /// The long name without dashes.
    pub long: &'static str,
    pub short: Option<char>,
    pub arity: Arity,
    /// For a deprecated or hidden spelling (`--net`), the option it stands for (`network`).
    pub alias_of: Option<&'static str>,
}

impl OptionSpec {
    /// The name the option is known by: `network` for `--net`.
    pub fn canonical(&self) -> &'static str {
        self.alias_of.unwrap_or(self.long)
    }
}

const fn value(long: &'static str) -> OptionSpec {
    OptionSpec {
        long,
        short: None,
        arity: Arity::Value,
        alias_of: None,
    }
}

const fn value_short(long: &'static str, short: char) -> OptionSpec {
    OptionSpec {
        long,
        short: Some(short),
        arity: Arity::Value,
        alias_of: None,
    }
}

const fn flag(long: &'static str) -> OptionSpec {
    OptionSpec {
        long,
        short: None,
        arity: Arity::Flag,
        alias_of: None,
    }
}

const fn flag_short(long: &'static str, short: char) -> OptionSpec {
    OptionSpec {
        long,
        short: Some(short),
        arity: Arity::Flag,
        alias_of: None,
    }
}

const fn alias(long: &'static str, of: &'static str) -> OptionSpec {
    OptionSpec {
        long,
        short: None,
        arity: Arity::Value,
        alias_of: Some(of),
    }
}

/// Every option of `docker run`/`docker create` (Docker CLI 28: the generated reference of
/// `docker container run` plus its hidden and deprecated spellings), then the options podman
/// and nerdctl add. One table for the three CLIs: a podman-only option on a `docker` line is
/// Docker's error to report, and reading it with the right arity keeps the rest of the line
/// right.
pub const RUN_OPTIONS: &[OptionSpec] = &[
    // Docker: generated reference.
    value("add-host"),
    value("annotation"),
    value_short("attach", 'a'),
    value("blkio-weight"),
    value("blkio-weight-device"),
    value("cap-add"),
    value("cap-drop"),
    value("cgroup-parent"),
    value("cgroupns"),
    value("cidfile"),
    value("cpu-count"),
    value("cpu-percent"),
    value("cpu-period"),
    value("cpu-quota"),
    value("cpu-rt-period"),
    value("cpu-rt-runtime"),
    value_short("cpu-shares", 'c'),
    value("cpus"),
    value("cpuset-cpus"),
    value("cpuset-mems"),
    flag_short("detach", 'd'),
    value("detach-keys"),
    value("device"),
    value("device-cgroup-rule"),
    value("device-read-bps"),
    value("device-read-iops"),
    value("device-write-bps"),
    value("device-write-iops"),
    flag("disable-content-trust"),
    value("dns"),
    value("dns-option"),
    value("dns-search"),
    value("domainname"),
    value("entrypoint"),
    value_short("env", 'e'),
    value("env-file"),
    value("expose"),
    value("gpus"),
    value("group-add"),
    value("health-cmd"),
    value("health-interval"),
    value("health-retries"),
    value("health-start-interval"),
    value("health-start-period"),
    value("health-timeout"),
    flag("help"),
    value_short("hostname", 'h'),
    flag("init"),
    flag_short("interactive", 'i'),
    value("io-maxbandwidth"),
    value("io-maxiops"),
    value("ip"),
    value("ip6"),
    value("ipc"),
    value("isolation"),
    value_short("label", 'l'),
    value("label-file"),
    value("link"),
    value("link-local-ip"),
    value("log-driver"),
    value("log-opt"),
    value("mac-address"),
    value_short("memory", 'm'),
    value("memory-reservation"),
    value("memory-swap"),
    value("memory-swappiness"),
    value("mount"),
    value("name"),
    value("network"),
    value("network-alias"),
    flag("no-healthcheck"),
    flag("oom-kill-disable"),
    value("oom-score-adj"),
    value("pid"),
    value("pids-limit"),
    value("platform"),
    flag("privileged"),
    value_short("publish", 'p'),
    flag_short("publish-all", 'P'),
    value("pull"),
    flag_short("quiet", 'q'),
    flag("read-only"),
    value("restart"),
    flag("rm"),
    value("runtime"),
    value("security-opt"),
    value("shm-size"),
    flag("sig-proxy"),
    value("stop-signal"),
    value("stop-timeout"),
    value("storage-opt"),
    value("sysctl"),
    value("tmpfs"),
    flag_short("tty", 't'),
    value("ulimit"),
    flag("use-api-socket"),
    value_short("user", 'u'),
    value("userns"),
    value("uts"),
    value_short("volume", 'v'),
    value("volume-driver"),
    value("volumes-from"),
    value_short("workdir", 'w'),
    // Docker: hidden and deprecated spellings that still work.
    alias("net", "network"),
    alias("net-alias", "network-alias"),
    alias("dns-opt", "dns-option"),
    value("kernel-memory"),
    value("cpuset"),
    // Podman.
    value("arch"),
    value("authfile"),
    value("cert-dir"),
    value("cgroup-conf"),
    value("cgroups"),
    value("chrootdirs"),
    value("conmon-pidfile"),
    value("creds"),
    value("decryption-key"),
    flag("env-host"),
    value("env-merge"),
    value("gidmap"),
    value("group-entry"),
    value("health-log-destination"),
    value("health-max-log-count"),
    value("health-max-log-size"),
    value("health-on-failure"),
    value("health-startup-cmd"),
    value("health-startup-interval"),
    value("health-startup-retries"),
    value("health-startup-success"),
    value("health-startup-timeout"),
    value("hostuser"),
    flag("http-proxy"),
    value("image-volume"),
    value("init-ctr"),
    value("init-path"),
    value("log-level"),
    flag("no-hosts"),
    value("os"),
    flag("passwd"),
    value("passwd-entry"),
    value("personality"),
    value("pidfile"),
    value("pod"),
    value("pod-id-file"),
    value("preserve-fd"),
    value("preserve-fds"),
    flag("read-only-tmpfs"),
    flag("replace"),
    value("requires"),
    value("retry"),
    value("retry-delay"),
    flag("rmi"),
    flag("rootfs"),
    value("sdnotify"),
    value("seccomp-policy"),
    value("secret"),
    value("shm-size-systemd"),
    value("subgidname"),
    value("subuidname"),
    value("systemd"),
    value("timeout"),
    flag("tls-verify"),
    value("tz"),
    value("uidmap"),
    value("umask"),
    value("unsetenv"),
    flag("unsetenv-all"),
    value("variant"),
    // nerdctl.
    value("cosign-certificate-identity"),
    value("cosign-certificate-identity-regexp"),
    value("cosign-certificate-oidc-issuer"),
    value("cosign-certificate-oidc-issuer-regexp"),
    value("cosign-key"),
    value("ipfs-address"),
    value("notation-key-name"),
    value("soci-index-digest"),
    value("verify"),
];

/// Global options (before the subcommand) that take no value, for the three CLIs.
const GLOBAL_FLAGS: &[&str] = &[
    "debug",
    "debug-full",
    "experimental",
    "help",
    "insecure-registry",
    "kube-hide-dupe",
    "noout",
    "remote",
    "syslog",
    "tls",
    "tlsverify",
    "transient-store",
    "version",
];

/// Short global options that take no value: docker's `-D`, podman's `-r` (remote).
const GLOBAL_SHORT_FLAGS: &[char] = &['D', 'r', 'v'];

/// Looks an option up by its long name, as written (Go's flag names are case-sensitive).
pub fn option_by_long(name: &str) -> Option<&'static OptionSpec> {
    RUN_OPTIONS.iter().find(|option| option.long == name)
}

fn option_by_short(short: char) -> Option<&'static OptionSpec> {
    RUN_OPTIONS
        .iter()
        .find(|option| option.short == Some(short))
}

/// A word (or the part of a word) with its text, how it was written and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WordText {
    /// The value after quote removal. When the word has expansions, the text as written with its
    /// quotes removed and expansions kept (`"$REG/app:$TAG"` gives `$REG/app:$TAG`; `$1` is
    /// braced to `${1}` so that `is_variable` recognises it).
    pub text: String,
    /// Shell text that gives this value: the source text when it could be cut out of the word,
    /// otherwise the value quoted for the shell.
    pub raw: String,
    /// Whether the value is known (no expansions).
    pub literal: bool,
    pub range: TextRange,
    /// Whether `range` covers exactly `text`, byte for byte, so that parts of the value can be
    /// given their own ranges.
    pub exact: bool,
}

impl WordText {
    /// The range of `text[start..end]`: exact when the value maps byte for byte onto the
    /// source, the whole value's range otherwise.
    pub fn sub_range(&self, start: usize, end: usize) -> TextRange {
        if self.exact && start <= end && end <= self.text.len() {
            TextRange::new(
                self.range.start() + start as u32,
                self.range.start() + end as u32,
            )
        } else {
            self.range
        }
    }
}

/// One option as written on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOption {
    /// The canonical long name without dashes (`network` for `--net` and `publish` for `-p`);
    /// for an unknown option, the name as written, dashes included; for a word whose expansion
    /// may hold options (`$DOCKER_OPTS`), its raw text.
    pub name: String,
    /// Whether the option is in [`RUN_OPTIONS`].
    pub known: bool,
    /// Whether the word is an expansion that may stand for any number of options.
    pub opaque: bool,
    pub arity: Arity,
    /// The flag as written, with its dashes: `-p`, `--net`, `--frobnicate`.
    pub spelled: String,
    /// The range of the flag: the `--net` of `--net=host`, the `p` of `-itp`, or the whole word.
    pub flag_range: TextRange,
    /// The value; for a boolean, only when one was given (`--rm=false`).
    pub value: Option<WordText>,
    /// Whether the value is a word of its own (`--name web`) rather than part of the flag's word
    /// (`--name=web`, `-p80:80`).
    pub separate_value: bool,
    /// The indices of the words the option occupies in the slice given to [`parse_run`].
    pub words: Range<usize>,
    /// Whether the flag shares its word with other short flags (`-itd`).
    pub clustered: bool,
}

impl RunOption {
    /// A boolean option's value: `--rm` and `--rm=true` are true, `--rm=false` is false; `None`
    /// for a value that is not a Go boolean or is chosen at run time.
    pub fn bool_value(&self) -> Option<bool> {
        match &self.value {
            None => Some(true),
            Some(value) if value.literal => parse_go_bool(&value.text),
            Some(_) => None,
        }
    }

    /// The value's text, if any.
    pub fn text(&self) -> Option<&str> {
        self.value.as_ref().map(|value| value.text.as_str())
    }

    /// From the flag to the end of its value.
    pub fn range(&self) -> TextRange {
        match &self.value {
            Some(value) => self.flag_range.cover(value.range),
            None => self.flag_range,
        }
    }

    /// The range of the value, or of the flag for a boolean without one.
    pub fn value_range(&self) -> TextRange {
        self.value
            .as_ref()
            .map_or(self.flag_range, |value| value.range)
    }
}

/// A parse note: something on the line that was not understood, with where it is.
pub type Note = (TextRange, String);

/// A `run`/`create` command line, read.
#[derive(Clone, Debug, PartialEq)]
pub struct RunCommand {
    pub cli: Cli,
    pub subcommand: Subcommand,
    /// The words given to [`parse_run`]: the program first.
    pub words: Vec<ShellWord>,
    /// Global options between the program and the subcommand (`--context prod`), as indices.
    pub global_words: Range<usize>,
    /// The index of the `run`/`create` word (`container` is just before it when written).
    pub subcommand_index: usize,
    pub options: Vec<RunOption>,
    /// The index of `--` when it ended the options.
    pub double_dash: Option<usize>,
    /// The index of the image word.
    pub image_index: Option<usize>,
    pub image: Option<WordText>,
    /// The container's command and arguments: the words after the image, as indices.
    pub args: Range<usize>,
    /// The range of those words, when there are any.
    pub args_range: Option<TextRange>,
    /// `--env-file` paths as written, in order; reading them is the caller's business.
    pub env_files: Vec<Spanned<String>>,
    /// What was not understood: unknown flags, values Docker would reject, missing values.
    pub notes: Vec<Note>,
    /// The options lowered into the shared model.
    pub spec: ContainerSpec,
}

impl RunCommand {
    /// The options with canonical name `name`, in order.
    pub fn options_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a RunOption> {
        self.options
            .iter()
            .filter(move |option| option.name == name)
    }

    /// Whether an option with canonical name `name` is present.
    pub fn has_option(&self, name: &str) -> bool {
        self.options.iter().any(|option| option.name == name)
    }

    /// `docker run`, `podman create`, …: how the command is called, for messages.
    pub fn invocation(&self) -> String {
        format!("{} {}", self.cli.name(), self.subcommand.name())
    }
}

/// Reads a `run`/`create` command from its words, the program first (`docker`, a path to it,
/// `podman` or `nerdctl`). Returns `None` for other programs and subcommands (`docker ps`,
/// `docker build`, `docker compose up`), for `--help`, and when the program or subcommand word
/// is not a literal.
pub fn parse_run(words: &[ShellWord]) -> Option<RunCommand> {
    let program = words.first()?;
    let cli = Cli::from_program(program.value.as_deref()?)?;
    let (global_end, subcommand, subcommand_index) = subcommand(words)?;
    let mut parser = Parser {
        cli,
        subcommand,
        words,
        options: Vec::new(),
        notes: Vec::new(),
    };
    let mut index = subcommand_index + 1;
    let mut double_dash = None;
    while index < words.len() {
        let word = &words[index];
        let text = word_text(word);
        if text.literal && text.text == "--" {
            double_dash = Some(index);
            index += 1;
            break;
        }
        if is_opaque_expansion(word) && next_looks_like_option(words, index + 1) {
            parser.opaque(index);
            index += 1;
            continue;
        }
        if text.text.starts_with("--") && text.text.len() > 2 {
            index = parser.long(index, &text);
        } else if text.text.starts_with('-') && text.text.len() > 1 {
            index = parser.cluster(index, &text);
        } else if is_special_parameter(word) {
            // `"$@"` in a wrapper script: the image and options come from the script's caller.
            parser.opaque(index);
            index += 1;
        } else {
            break;
        }
    }
    if parser
        .options
        .iter()
        .any(|option| option.name == "help" && option.bool_value() == Some(true))
    {
        return None;
    }
    let image_index = (index < words.len()).then_some(index);
    let image = image_index.map(|index| word_text(&words[index]));
    let args = image_index.map_or(words.len()..words.len(), |index| index + 1..words.len());
    let args_range =
        (!args.is_empty()).then(|| words[args.start].range.cover(words[args.end - 1].range));
    let mut notes = parser.notes;
    let options = parser.options;
    let end = image
        .as_ref()
        .map(|image| image.range)
        .or_else(|| options.last().map(RunOption::range))
        .unwrap_or(words[subcommand_index].range);
    // Findings about a setting missing from the whole command point at `docker run` itself (one
    // line, like a compose service's key), not at every line of a long command.
    let range = program.range.cover(words[subcommand_index].range);
    let whole = program.range.cover(end);
    if image.is_none() {
        notes.push((
            whole,
            format!(
                "`{} {}` names no image; nothing after the options was read",
                cli.name(),
                subcommand.name()
            ),
        ));
    }
    let mut lowering = Lowering {
        cli,
        subcommand,
        spec: ContainerSpec::new(SpecSource::RunLine, String::new(), range),
        env_files: Vec::new(),
        notes,
    };
    lowering.spec.written = Some(args_range.map_or(whole, |args| whole.cover(args)));
    lowering.lower(&options, image.as_ref());
    let Lowering {
        spec,
        env_files,
        notes,
        ..
    } = lowering;
    Some(RunCommand {
        cli,
        subcommand,
        words: words.to_vec(),
        global_words: 1..global_end,
        subcommand_index,
        options,
        double_dash,
        image_index,
        image,
        args,
        args_range,
        env_files,
        notes,
        spec,
    })
}

/// Skips the CLI's global options and finds `run`, `create`, `container run` or
/// `container create`: the end of the global options, the subcommand and its word's index.
fn subcommand(words: &[ShellWord]) -> Option<(usize, Subcommand, usize)> {
    let is_subcommand = |word: Option<&ShellWord>| {
        word.and_then(|word| word.value.as_deref())
            .is_some_and(|text| matches!(text, "run" | "create" | "container"))
    };
    let mut index = 1;
    loop {
        let word = words.get(index)?;
        let Some(text) = word.value.as_deref() else {
            // `docker $TLS_OPTS run …`: an expansion among the global options.
            index += 1;
            continue;
        };
        if let Some(long) = text.strip_prefix("--") {
            if long.is_empty() {
                return None;
            }
            let takes_value = if long.contains('=') || GLOBAL_FLAGS.contains(&long) {
                false
            } else {
                // `--context prod`, `-H tcp://…`, and any global option this table does not know
                // unless it is directly followed by the subcommand.
                !is_subcommand(words.get(index + 1))
            };
            index += if takes_value { 2 } else { 1 };
            continue;
        }
        if let Some(short) = text.strip_prefix('-') {
            let mut chars = short.chars();
            let first = chars.next()?;
            let attached = chars.next().is_some();
            let takes_value = !attached
                && !GLOBAL_SHORT_FLAGS.contains(&first)
                && !is_subcommand(words.get(index + 1));
            index += if takes_value { 2 } else { 1 };
            continue;
        }
        let global_end = index;
        return match text {
            "run" => Some((global_end, Subcommand::Run, index)),
            "create" => Some((global_end, Subcommand::Create, index)),
            "container" => match words.get(index + 1)?.value.as_deref()? {
                "run" => Some((global_end, Subcommand::Run, index + 1)),
                "create" => Some((global_end, Subcommand::Create, index + 1)),
                _ => None,
            },
            _ => None,
        };
    }
}

/// A whole word's text: its literal value, or its raw text with quotes removed.
fn word_text(word: &ShellWord) -> WordText {
    match &word.value {
        Some(value) => WordText {
            exact: word.raw == *value && word.raw.len() == word.range.len() as usize,
            text: value.clone(),
            raw: word.raw.clone(),
            literal: true,
            range: word.range,
        },
        None => WordText {
            text: unquote_expansion(&word.raw),
            raw: word.raw.clone(),
            literal: false,
            range: word.range,
            exact: false,
        },
    }
}

/// The part of a word after its first `at` bytes of text (the value of `--name=web` or
/// `-p80:80`), with the source text and range cut out when the raw word starts with the same
/// bytes as its text (no quotes in the flag part).
fn tail(word: &ShellWord, whole: &WordText, at: usize) -> WordText {
    let text = whole.text[at..].to_owned();
    let head = &whole.text[..at];
    let maps = word.raw.starts_with(head) && word.raw.len() == word.range.len() as usize;
    if maps {
        let raw = word.raw[at..].to_owned();
        let range = TextRange::new(word.range.start() + at as u32, word.range.end());
        WordText {
            exact: whole.literal && raw == text,
            text,
            raw,
            literal: whole.literal,
            range,
        }
    } else {
        let raw = if whole.literal {
            shell_quote(&text)
        } else {
            double_quote(&text)
        };
        WordText {
            text,
            raw,
            literal: whole.literal,
            range: word.range,
            exact: false,
        }
    }
}

/// The range of the first `len` bytes of a word's text, when the word starts with them as written.
fn head_range(word: &ShellWord, whole: &WordText, start: usize, end: usize) -> TextRange {
    let head = &whole.text[..end];
    if word.raw.starts_with(head) && word.raw.len() == word.range.len() as usize {
        TextRange::new(
            word.range.start() + start as u32,
            word.range.start() + end as u32,
        )
    } else {
        word.range
    }
}

struct Parser<'w> {
    cli: Cli,
    subcommand: Subcommand,
    words: &'w [ShellWord],
    options: Vec<RunOption>,
    notes: Vec<Note>,
}

impl Parser<'_> {
    fn invocation(&self) -> String {
        format!("{} {}", self.cli.name(), self.subcommand.name())
    }

    /// A word whose expansion may stand for options (`$DOCKER_OPTS`).
    fn opaque(&mut self, index: usize) {
        let word = &self.words[index];
        self.notes.push((
            word.range,
            format!(
                "`{}` is expanded when the command runs; the options it holds were not read",
                word.raw
            ),
        ));
        self.options.push(RunOption {
            name: word.raw.clone(),
            known: false,
            opaque: true,
            arity: Arity::Flag,
            spelled: word.raw.clone(),
            flag_range: word.range,
            value: None,
            separate_value: false,
            words: index..index + 1,
            clustered: false,
        });
    }

    /// `--name`, `--name=value`, `--name value`; returns the index of the next word.
    fn long(&mut self, index: usize, text: &WordText) -> usize {
        let word = &self.words[index];
        let body = &text.text[2..];
        let (name, inline) = match body.find('=') {
            Some(at) => (&body[..at], Some(2 + at + 1)),
            None => (body, None),
        };
        let flag_range = head_range(word, text, 0, 2 + name.len());
        let spelled = format!("--{name}");
        let Some(spec) = option_by_long(name) else {
            let how = if inline.is_some() {
                "read with the value in the same word"
            } else {
                "read as a flag without a value"
            };
            self.notes.push((
                flag_range,
                format!(
                    "unknown `{}` flag `{spelled}`; the rest of the command was still read ({how})",
                    self.invocation()
                ),
            ));
            self.options.push(RunOption {
                name: spelled.clone(),
                known: false,
                opaque: false,
                arity: if inline.is_some() {
                    Arity::Value
                } else {
                    Arity::Flag
                },
                spelled,
                flag_range,
                value: inline.map(|at| tail(word, text, at)),
                separate_value: false,
                words: index..index + 1,
                clustered: false,
            });
            return index + 1;
        };
        let mut option = RunOption {
            name: spec.canonical().to_owned(),
            known: true,
            opaque: false,
            arity: spec.arity,
            spelled,
            flag_range,
            value: inline.map(|at| tail(word, text, at)),
            separate_value: false,
            words: index..index + 1,
            clustered: false,
        };
        let next = self.take_value(&mut option, index);
        self.check_bool(&option);
        self.options.push(option);
        next
    }

    /// Gives a value option without an inline value the next word; returns the next index.
    fn take_value(&mut self, option: &mut RunOption, index: usize) -> usize {
        if option.arity != Arity::Value || option.value.is_some() {
            return index + 1;
        }
        if let Some(next) = self.words.get(index + 1) {
            option.value = Some(word_text(next));
            option.separate_value = true;
            option.words = option.words.start..index + 2;
            index + 2
        } else {
            self.notes.push((
                option.flag_range,
                format!(
                    "`{}` needs a value; the command ends before one",
                    option.spelled
                ),
            ));
            index + 1
        }
    }

    fn check_bool(&mut self, option: &RunOption) {
        if option.arity == Arity::Flag
            && let Some(value) = &option.value
            && value.literal
            && parse_go_bool(&value.text).is_none()
        {
            self.notes.push((
                value.range,
                format!(
                    "`{}` takes `true` or `false`, found `{}`; Docker refuses the command",
                    option.spelled, value.text
                ),
            ));
        }
    }

    /// A cluster of short flags: `-d`, `-itd`, `-p8080:80`, `-eKEY=v`, `-d=false`.
    fn cluster(&mut self, index: usize, text: &WordText) -> usize {
        let word = &self.words[index];
        let letters = &text.text[1..];
        let first_option = self.options.len();
        let mut next = index + 1;
        for (offset, letter) in letters.char_indices() {
            let at = 1 + offset;
            let end = at + letter.len_utf8();
            // The first flag's range includes the dash: `-p` of `-p80`, `-i` and `t` of `-it`.
            let flag_range = head_range(word, text, if offset == 0 { 0 } else { at }, end);
            let spelled = format!("-{letter}");
            let rest = &text.text[end..];
            let Some(spec) = option_by_short(letter) else {
                self.notes.push((
                    flag_range,
                    format!(
                        "unknown `{}` flag `{spelled}`; the rest of the command was still read (read as a flag without a value)",
                        self.invocation()
                    ),
                ));
                self.options.push(RunOption {
                    name: spelled.clone(),
                    known: false,
                    opaque: false,
                    arity: Arity::Flag,
                    spelled,
                    flag_range,
                    value: None,
                    separate_value: false,
                    words: index..index + 1,
                    clustered: false,
                });
                if rest.starts_with('=') {
                    break;
                }
                continue;
            };
            let mut option = RunOption {
                name: spec.canonical().to_owned(),
                known: true,
                opaque: false,
                arity: spec.arity,
                spelled,
                flag_range,
                value: None,
                separate_value: false,
                words: index..index + 1,
                clustered: false,
            };
            let last = !rest.is_empty();
            if spec.arity == Arity::Value || rest.starts_with('=') {
                // pflag: the rest of the cluster is the value (`-p80`, `-p=80`, `-d=false`).
                if last {
                    let skip = usize::from(rest.starts_with('='));
                    option.value = Some(tail(word, text, end + skip));
                } else {
                    next = self.take_value(&mut option, index);
                }
                self.check_bool(&option);
                self.options.push(option);
                break;
            }
            self.options.push(option);
        }
        if self.options.len() - first_option > 1 {
            for option in &mut self.options[first_option..] {
                option.clustered = true;
            }
        }
        next
    }
}

/// Whether a word is one unquoted expansion (`$OPTS`, `${OPTS}`) that the shell splits into
/// any number of words.
fn is_opaque_expansion(word: &ShellWord) -> bool {
    let raw = word.raw.as_str();
    let name = if let Some(inner) = raw.strip_prefix("${") {
        inner.strip_suffix('}')
    } else {
        raw.strip_prefix('$')
    };
    word.value.is_none()
        && name.is_some_and(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// `$@`, `"$@"`, `$*`, `"${@}"`: the arguments of the script the command is in.
fn is_special_parameter(word: &ShellWord) -> bool {
    word.value.is_none()
        && matches!(
            word.raw.trim_matches('"'),
            "$@" | "${@}" | "$*" | "${*}" | "${@:2}" | "${@:1}"
        )
}

/// Whether the word at `index` is a literal option, so that an expansion before it is read as
/// options rather than as the image.
fn next_looks_like_option(words: &[ShellWord], index: usize) -> bool {
    words
        .get(index)
        .and_then(|word| word.value.as_deref())
        .is_some_and(|text| text.starts_with('-') && text.len() > 1)
}

/// Go's `strconv.ParseBool`, which pflag uses for `--flag=value`.
pub fn parse_go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// The text of a word with expansions, quotes and backslashes removed and expansions kept as
/// written. Positional and special parameters are braced (`$1` → `${1}`, `$@` → `${@}`) so that
/// `is_variable` recognises them; the shell reads both spellings the same.
pub fn unquote_expansion(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    let mut in_double = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => match chars.get(i + 1) {
                Some('\n') => i += 2,
                Some(&next) if !in_double || matches!(next, '$' | '`' | '"' | '\\') => {
                    out.push(next);
                    i += 2;
                }
                _ => {
                    out.push('\\');
                    i += 1;
                }
            },
            '\'' if !in_double => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '\'')
                    .map_or(chars.len(), |at| i + 1 + at);
                out.extend(&chars[i + 1..end]);
                i = end + 1;
            }
            '"' => {
                in_double = !in_double;
                i += 1;
            }
            '`' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '`')
                    .map_or(chars.len(), |at| i + 2 + at);
                out.extend(&chars[i..end.min(chars.len())]);
                i = end;
            }
            '$' => i = copy_expansion(&chars, i, in_double, &mut out),
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Copies the expansion at `chars[at]` (a `$`) to `out`; returns the index after it.
fn copy_expansion(chars: &[char], at: usize, in_double: bool, out: &mut String) -> usize {
    match chars.get(at + 1) {
        Some('(' | '{') => {
            let (open, close) = if chars[at + 1] == '(' {
                ('(', ')')
            } else {
                ('{', '}')
            };
            let mut depth = 0usize;
            let mut quote: Option<char> = None;
            let mut i = at + 1;
            while i < chars.len() {
                let c = chars[i];
                match quote {
                    Some(q) if c == q => quote = None,
                    None if c == '\'' || c == '"' => quote = Some(c),
                    None if c == open => depth += 1,
                    None if c == close => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    Some(_) | None => {}
                }
                i += 1;
            }
            out.extend(&chars[at..i.min(chars.len())]);
            i.min(chars.len())
        }
        Some('\'') if !in_double => {
            // `$'…'`: ANSI-C quoting; its escapes are kept as written.
            let end = chars[at + 2..]
                .iter()
                .position(|&c| c == '\'')
                .map_or(chars.len(), |pos| at + 2 + pos);
            out.extend(&chars[at + 2..end]);
            end + 1
        }
        Some(&c) if c.is_ascii_digit() || "@*#?$!-".contains(c) => {
            let _ = write!(out, "${{{c}}}");
            at + 2
        }
        Some(&c) if c.is_ascii_alphabetic() || c == '_' => {
            let end = chars[at + 1..]
                .iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(chars.len(), |pos| at + 1 + pos);
            out.extend(&chars[at..end]);
            end
        }
        _ => {
            out.push('$');
            at + 1
        }
    }
}

/// Quotes `text` for a POSIX shell: as is when it needs no quotes, in single quotes otherwise.
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.starts_with('~')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=,@%+^".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Wraps text that holds expansions in double quotes so that they still expand.
fn double_quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', r"\\").replace('"', "\\\""))
}

/// Lowers the option list into a [`ContainerSpec`].
struct Lowering {
    cli: Cli,
    subcommand: Subcommand,
    spec: ContainerSpec,
    env_files: Vec<Spanned<String>>,
    notes: Vec<Note>,
}

impl Lowering {
    /// Records the range of the first option that sets `key` (compose's key names, so that
    /// `spec.anchor` and `spec.key` work the same for both).
    fn key(&mut self, key: &'static str, range: TextRange) {
        if !self.spec.keys.iter().any(|(known, _)| *known == key) {
            self.spec.keys.push((key, range));
        }
    }

    fn note(&mut self, range: TextRange, message: String) {
        self.notes.push((range, message));
    }

    fn lower(&mut self, options: &[RunOption], image: Option<&WordText>) {
        let mut name = None;
        let mut health: Option<(bool, TextRange)> = None;
        for option in options {
            if !option.known {
                continue;
            }
            let Some(value) = &option.value else {
                self.lower_flag(option, &mut health);
                continue;
            };
            if option.arity == Arity::Flag {
                self.lower_flag(option, &mut health);
                continue;
            }
            let text = value.text.as_str();
            let range = value.range;
            let flag = option.flag_range;
            match option.name.as_str() {
                "name" => name = Some(text.to_owned()),
                "user" => {
                    self.key("user", flag);
                    self.spec.user = Some(Spanned::new(text.to_owned(), range));
                }
                "cap-add" | "cap-drop" => {
                    let drop = option.name == "cap-drop";
                    self.key(if drop { "cap_drop" } else { "cap_add" }, flag);
                    for (start, end) in split_positions(text, ',') {
                        let cap = text[start..end].trim();
                        if cap.is_empty() {
                            continue;
                        }
                        let cap =
                            Spanned::new(normalize_capability(cap), value.sub_range(start, end));
                        if drop {
                            self.spec.cap_drop.push(cap);
                        } else {
                            self.spec.cap_add.push(cap);
                        }
                    }
                }
                "security-opt" => {
                    self.key("security_opt", flag);
                    self.spec
                        .security_opt
                        .push(Spanned::new(SecurityOpt::parse(text), range));
                }
                "tmpfs" => {
                    self.key("tmpfs", flag);
                    self.spec
                        .tmpfs
                        .push(Spanned::new(Tmpfs::parse(text), range));
                }
                "volume" => {
                    self.key("volumes", flag);
                    let mount = parse_volume(value);
                    self.spec.mounts.push(Spanned::new(mount, range));
                }
                "mount" => self.lower_mount(option, value),
                "device" => {
                    self.key("devices", flag);
                    self.spec
                        .devices
                        .push(Spanned::new(Device::parse(text), range));
                }
                "device-cgroup-rule" => {
                    self.key("device_cgroup_rules", flag);
                    self.spec
                        .device_cgroup_rules
                        .push(Spanned::new(text.to_owned(), range));
                }
                "memory" => {
                    self.key("mem_limit", flag);
                    self.spec.limits.memory = self.bytes(option, value);
                }
                "memory-swap" => {
                    self.key("memswap_limit", flag);
                    self.spec.limits.memory_swap = self.bytes(option, value);
                }
                "cpus" => {
                    self.key("cpus", flag);
                    self.spec.limits.cpus = match text.trim().parse::<f64>() {
                        Ok(cpus) if cpus.is_finite() => Some(Spanned::new(cpus, range)),
                        _ => {
                            self.invalid(option, value, "a number such as `0.5`");
                            None
                        }
                    };
                }
                "cpu-shares" | "cpu-quota" | "cpu-period" | "cpuset-cpus" => {
                    self.key("cpu_shares", flag);
                    self.spec.limits.cpu_other =
                        Some(Spanned::new(format!("--{}={text}", option.name), range));
                }
                "pids-limit" => {
                    self.key("pids_limit", flag);
                    self.spec.limits.pids = if let Ok(pids) = text.trim().parse::<i64>() {
                        Some(Spanned::new(pids, range))
                    } else {
                        self.invalid(option, value, "an integer");
                        None
                    };
                }
                "restart" => {
                    self.key("restart", flag);
                    self.spec.restart = Some(Spanned::new(RestartPolicy::parse(text), range));
                }
                "pid" => {
                    self.key("pid", flag);
                    self.spec.namespaces.pid = Some(Spanned::new(text.to_owned(), range));
                }
                "ipc" => {
                    self.key("ipc", flag);
                    self.spec.namespaces.ipc = Some(Spanned::new(text.to_owned(), range));
                }
                "uts" => {
                    self.key("uts", flag);
                    self.spec.namespaces.uts = Some(Spanned::new(text.to_owned(), range));
                }
                "userns" => {
                    self.key("userns_mode", flag);
                    self.spec.namespaces.userns = Some(Spanned::new(text.to_owned(), range));
                }
                "cgroupns" => {
                    self.key("cgroup", flag);
                    self.spec.namespaces.cgroupns = Some(Spanned::new(text.to_owned(), range));
                }
                "network" => self.lower_network(option, value),
                "publish" => {
                    self.key("ports", flag);
                    match parse_port(text) {
                        Some(port) => self.spec.ports.push(Spanned::new(port, range)),
                        None if value.literal => self.invalid(
                            option,
                            value,
                            "a port as `[ip:][host:]container[/protocol]`",
                        ),
                        None => {}
                    }
                }
                "expose" => {
                    self.key("expose", flag);
                    let first = text.split(['/', '-']).next().unwrap_or_default();
                    match first.trim().parse() {
                        Ok(port) => self.spec.expose.push(Spanned::new(port, range)),
                        Err(_) if value.literal => {
                            self.invalid(option, value, "a port such as `3000` or `8000-8010/tcp`");
                        }
                        Err(_) => {}
                    }
                }
                "env" => {
                    self.key("environment", flag);
                    let (name, env_value) = match text.find('=') {
                        Some(at) => (
                            Spanned::new(text[..at].to_owned(), value.sub_range(0, at)),
                            Some(Spanned::new(
                                text[at + 1..].to_owned(),
                                value.sub_range(at + 1, text.len()),
                            )),
                        ),
                        None => (Spanned::new(text.to_owned(), range), None),
                    };
                    self.spec.environment.push(EnvVar {
                        name,
                        value: env_value,
                        expanded: None,
                        from_env_file: false,
                    });
                }
                "env-file" => {
                    self.key("env_file", flag);
                    self.env_files.push(Spanned::new(text.to_owned(), range));
                }
                "secret" => {
                    self.key("secrets", flag);
                    let source = text.split(',').next().unwrap_or_default();
                    let source = source.strip_prefix("source=").unwrap_or(source);
                    self.spec.secrets.push(Spanned::new(
                        source.to_owned(),
                        value.sub_range(0, source.len()),
                    ));
                }
                "link" => {
                    let target = text.split(':').next().unwrap_or_default();
                    self.spec.depends_on.push(Spanned::new(
                        target.to_owned(),
                        value.sub_range(0, target.len()),
                    ));
                }
                "ulimit" => self.key("ulimits", flag),
                name if name.starts_with("health-") => {
                    self.key("healthcheck", flag);
                    health.get_or_insert((false, flag));
                }
                _ => {}
            }
        }
        if let Some((disabled, range)) = health {
            self.spec.healthcheck = Some(Spanned::new(Healthcheck { disabled }, range));
        }
        if let Some(image) = image {
            self.key("image", image.range);
            self.spec.image = Some(Spanned::new(image.text.clone(), image.range));
        }
        self.spec.name = name.unwrap_or_else(|| match image {
            Some(image) if image.literal => ImageRef::parse(&image.text).short_name().to_owned(),
            Some(image) => image.text.clone(),
            None => format!("{} {}", self.cli.name(), self.subcommand.name()),
        });
    }

    /// Booleans: `--privileged`, `--read-only=true`, `--rm`, `-P`, `--no-healthcheck`, ….
    fn lower_flag(&mut self, option: &RunOption, health: &mut Option<(bool, TextRange)>) {
        let Some(on) = option.bool_value() else {
            // `--read-only=$RO`: written, but chosen at deploy time; the key tells rules so.
            match option.name.as_str() {
                "privileged" => self.key("privileged", option.flag_range),
                "read-only" => self.key("read_only", option.flag_range),
                _ => {}
            }
            return;
        };
        let range = option.range();
        match option.name.as_str() {
            "privileged" => {
                self.key("privileged", option.flag_range);
                self.spec.privileged = Some(Spanned::new(on, range));
            }
            "read-only" => {
                self.key("read_only", option.flag_range);
                self.spec.read_only = Some(Spanned::new(on, range));
            }
            "rm" => self.spec.one_shot = on,
            "publish-all" => {
                self.key("ports", option.flag_range);
                self.spec.publish_all = Some(Spanned::new(on, range));
            }
            "no-healthcheck" if on => {
                self.key("healthcheck", option.flag_range);
                *health = Some((true, range));
            }
            "use-api-socket" if on => {
                // Docker bind-mounts its API socket (and credentials) into the container.
                self.key("volumes", option.flag_range);
                self.spec.mounts.push(Spanned::new(
                    Mount {
                        kind: MountKind::Bind,
                        source: "/var/run/docker.sock".to_owned(),
                        target: "/var/run/docker.sock".to_owned(),
                        read_only: false,
                        source_range: option.flag_range,
                        propagation: None,
                    },
                    range,
                ));
            }
            _ => {}
        }
    }

    fn invalid(&mut self, option: &RunOption, value: &WordText, expected: &str) {
        if !value.literal {
            return;
        }
        self.note(
            value.range,
            format!(
                "expected {expected} for `{}`, found `{}`",
                option.spelled, value.text
            ),
        );
    }

    fn bytes(&mut self, option: &RunOption, value: &WordText) -> Option<Spanned<Bytes>> {
        if let Some(bytes) = Bytes::parse(&value.text) {
            Some(Spanned::new(bytes, value.range))
        } else {
            self.invalid(option, value, "a size such as `512m` or `1g`");
            None
        }
    }

    /// `--network host|none|bridge|default|container:x|name`, and the long form
    /// `--network name=x,alias=y`.
    fn lower_network(&mut self, option: &RunOption, value: &WordText) {
        let text = value.text.as_str();
        let (name, start) = match split_positions(text, ',')
            .into_iter()
            .find(|&(start, end)| text[start..end].starts_with("name="))
        {
            Some((start, end)) if text.contains('=') => (&text[start + 5..end], start + 5),
            _ => (text, 0),
        };
        let range = if start == 0 && name.len() == text.len() {
            value.range
        } else {
            value.sub_range(start, start + name.len())
        };
        if is_network_mode(name) {
            self.key("network_mode", option.flag_range);
            self.spec.namespaces.network = Some(Spanned::new(name.to_owned(), range));
        } else {
            self.key("networks", option.flag_range);
            self.spec
                .networks
                .push(Spanned::new(name.to_owned(), range));
        }
    }

    /// `--mount type=bind,source=…,target=…,readonly`, `type=volume`, `type=tmpfs,tmpfs-size=…`.
    fn lower_mount(&mut self, option: &RunOption, value: &WordText) {
        let text = value.text.as_str();
        let mut kind = "volume".to_owned();
        let mut source = None;
        let mut target = String::new();
        let mut read_only = false;
        let mut tmpfs_options = Vec::new();
        let mut propagation = None;
        for (start, end, field) in csv_fields(text) {
            let (key, field_value, value_start) = match field.find('=') {
                Some(at) => (
                    field[..at].trim().to_ascii_lowercase(),
                    Some(field[at + 1..].to_owned()),
                    start + at + 1,
                ),
                None => (field.trim().to_ascii_lowercase(), None, end),
            };
            match key.as_str() {
                "type" => kind = field_value.unwrap_or_default().to_ascii_lowercase(),
                "source" | "src" => {
                    let field_value = field_value.unwrap_or_default();
                    let range = if value.text[value_start..].starts_with(field_value.as_str()) {
                        value.sub_range(value_start, value_start + field_value.len())
                    } else {
                        value.range
                    };
                    source = Some((field_value, range));
                }
                "target" | "destination" | "dst" => target = field_value.unwrap_or_default(),
                "bind-propagation" => propagation = field_value,
                "readonly" | "ro" => {
                    read_only = field_value.as_deref().is_none_or(|v| {
                        parse_go_bool(v).unwrap_or_else(|| {
                            self.note(
                                value.sub_range(start, end),
                                format!("`{key}` takes `true` or `false`, found `{v}`"),
                            );
                            false
                        })
                    });
                }
                "tmpfs-size" => {
                    tmpfs_options.push(format!("size={}", field_value.unwrap_or_default()));
                }
                "tmpfs-mode" => {
                    tmpfs_options.push(format!("mode={}", field_value.unwrap_or_default()));
                }
                _ => {}
            }
        }
        if kind == "tmpfs" {
            self.key("tmpfs", option.flag_range);
            if read_only {
                tmpfs_options.push("ro".to_owned());
            }
            self.spec.tmpfs.push(Spanned::new(
                Tmpfs {
                    target,
                    options: tmpfs_options,
                },
                value.range,
            ));
            return;
        }
        self.key("volumes", option.flag_range);
        let mount_kind = match kind.as_str() {
            "bind" => MountKind::Bind,
            "npipe" => MountKind::NamedPipe,
            "image" => MountKind::Image,
            _ => MountKind::Volume,
        };
        let (source, source_range) = source.unwrap_or((String::new(), value.range));
        self.spec.mounts.push(Spanned::new(
            Mount {
                kind: mount_kind,
                source,
                target,
                read_only,
                source_range,
                propagation,
            },
            value.range,
        ));
    }
}

/// Network modes rather than network names: the host's, none, Docker's default bridge, another
/// container's namespace, and podman's modes.
fn is_network_mode(name: &str) -> bool {
    let mode = name.split(':').next().unwrap_or(name);
    matches!(name, "host" | "none" | "bridge" | "default" | "private")
        || matches!(
            mode,
            "container" | "ns" | "slirp4netns" | "pasta" | "bridge" | "service"
        ) && name.contains(':')
        || matches!(name, "slirp4netns" | "pasta")
}

/// Start and end byte offsets of the `separator`-separated parts of `text`.
fn split_positions(text: &str, separator: char) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if c == separator {
            parts.push((start, at));
            start = at + c.len_utf8();
        }
    }
    parts.push((start, text.len()));
    parts
}

/// The fields of `--mount`'s comma-separated value, read as CSV as Docker does (a field may be
/// double-quoted, `""` inside it is a quote): start and end offsets in `text` and the field.
fn csv_fields(text: &str) -> Vec<(usize, usize, String)> {
    let mut fields = Vec::new();
    let mut start = 0;
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' if quoted && chars.peek().is_some_and(|&(_, next)| next == '"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => {
                fields.push((start, at, std::mem::take(&mut field)));
                start = at + 1;
            }
            _ => field.push(c),
        }
    }
    fields.push((start, text.len(), field));
    fields
}

/// `-v [source:]target[:options]`, read as compose reads its short volume syntax.
fn parse_volume(value: &WordText) -> Mount {
    let (mut mount, source_length) = Mount::parse_short(&value.text);
    mount.source_range = if source_length == 0 {
        value.range
    } else {
        value.sub_range(0, source_length)
    };
    mount
}

/// `-p [ip:][host:]container[/protocol]`: the same reading as compose's short port syntax.
pub fn parse_port(text: &str) -> Option<Port> {
    Port::parse(text)
}

/// Renders a command in canonical form: the program and global options as written, `run` or
/// `create`, every option by its long name (`--publish 8080:80`, `--rm`, `--read-only=false`)
/// with its value as written or quoted, the image, and the container's command as written.
/// Reading the result again gives the same [`ContainerSpec`] (ranges aside).
pub fn render(command: &RunCommand) -> String {
    let mut parts: Vec<String> = vec![command.cli.name().to_owned()];
    parts.extend(
        command.words[command.global_words.clone()]
            .iter()
            .map(|word| word.raw.clone()),
    );
    parts.push(command.subcommand.name().to_owned());
    for option in &command.options {
        parts.push(render_option(option));
    }
    if let Some(image) = &command.image {
        if image.text.starts_with('-') {
            parts.push("--".to_owned());
        }
        parts.push(render_value(image));
    }
    parts.extend(
        command.words[command.args.clone()]
            .iter()
            .map(|word| word.raw.clone()),
    );
    parts.join(" ")
}

/// One option in canonical form.
pub fn render_option(option: &RunOption) -> String {
    if option.opaque {
        return option.spelled.clone();
    }
    if !option.known {
        return match &option.value {
            Some(value) => format!("{}={}", option.spelled, render_value(value)),
            None => option.spelled.clone(),
        };
    }
    let flag = format!("--{}", option.name);
    match (option.arity, &option.value) {
        (Arity::Flag, Some(value)) if option.bool_value() != Some(true) => {
            format!("{flag}={}", render_value(value))
        }
        (Arity::Value, Some(value)) => format!("{flag} {}", render_value(value)),
        _ => flag,
    }
}

/// A value as shell text: as written when that is known, quoted otherwise.
fn render_value(value: &WordText) -> String {
    if value.raw.is_empty() {
        "''".to_owned()
    } else if value.literal {
        shell_quote(&value.text)
    } else {
        value.raw.clone()
    }
}

/// A copy of `spec` with every range set to zero, for comparing what two specs mean.
pub fn without_ranges(spec: &ContainerSpec) -> ContainerSpec {
    fn clear<T: Clone>(items: &[Spanned<T>]) -> Vec<Spanned<T>> {
        items
            .iter()
            .map(|item| Spanned::new(item.value.clone(), TextRange::default()))
            .collect()
    }
    fn clear_one<T: Clone>(item: Option<&Spanned<T>>) -> Option<Spanned<T>> {
        item.map(|item| Spanned::new(item.value.clone(), TextRange::default()))
    }
    let mut out = spec.clone();
    out.range = TextRange::default();
    out.written = None;
    out.keys = spec
        .keys
        .iter()
        .map(|(key, _)| (*key, TextRange::default()))
        .collect();
    out.build = spec.build.map(|_| TextRange::default());
    out.image = clear_one(spec.image.as_ref());
    out.user = clear_one(spec.user.as_ref());
    out.privileged = clear_one(spec.privileged.as_ref());
    out.read_only = clear_one(spec.read_only.as_ref());
    out.cap_add = clear(&spec.cap_add);
    out.cap_drop = clear(&spec.cap_drop);
    out.security_opt = clear(&spec.security_opt);
    out.tmpfs = clear(&spec.tmpfs);
    out.mounts = spec
        .mounts
        .iter()
        .map(|mount| {
            let mut value = mount.value.clone();
            value.source_range = TextRange::default();
            Spanned::new(value, TextRange::default())
        })
        .collect();
    out.devices = clear(&spec.devices);
    out.device_cgroup_rules = clear(&spec.device_cgroup_rules);
    out.limits.memory = clear_one(spec.limits.memory.as_ref());
    out.limits.memory_swap = clear_one(spec.limits.memory_swap.as_ref());
    out.limits.cpus = clear_one(spec.limits.cpus.as_ref());
    out.limits.cpu_other = clear_one(spec.limits.cpu_other.as_ref());
    out.limits.pids = clear_one(spec.limits.pids.as_ref());
    out.restart = clear_one(spec.restart.as_ref());
    out.namespaces.pid = clear_one(spec.namespaces.pid.as_ref());
    out.namespaces.ipc = clear_one(spec.namespaces.ipc.as_ref());
    out.namespaces.uts = clear_one(spec.namespaces.uts.as_ref());
    out.namespaces.userns = clear_one(spec.namespaces.userns.as_ref());
    out.namespaces.cgroupns = clear_one(spec.namespaces.cgroupns.as_ref());
    out.namespaces.network = clear_one(spec.namespaces.network.as_ref());
    out.networks = clear(&spec.networks);
    out.ports = clear(&spec.ports);
    out.publish_all = clear_one(spec.publish_all.as_ref());
    out.expose = clear(&spec.expose);
    out.environment = spec
        .environment
        .iter()
        .map(|env| EnvVar {
            name: Spanned::new(env.name.value.clone(), TextRange::default()),
            value: clear_one(env.value.as_ref()),
            expanded: env.expanded.clone(),
            from_env_file: env.from_env_file,
        })
        .collect();
    out.secrets = clear(&spec.secrets);
    out.healthcheck = clear_one(spec.healthcheck.as_ref());
    out.depends_on = clear(&spec.depends_on);
    out
}
