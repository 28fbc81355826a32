//! Recognises package-manager commands in `RUN` scripts: which manager, what it is asked to do,
//! its options and the package words, with each manager's option grammar so that the value of
//! `-t release` or `--virtual .deps` is not mistaken for a package.
//!
//! The build rules (cache cleanup, prompts, pins, orphan updates) all read this one view.

use crate::syntax::shell::{Command, ShellWord};

/// The package managers the build rules know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Manager {
    /// `apt-get`, `apt` and `aptitude`.
    Apt,
    Apk,
    /// `yum`; `dnf`, `dnf5`, `microdnf` and `tdnf` are [`Manager::Dnf`].
    Yum,
    Dnf,
    Zypper,
    Pacman,
    Pip,
    Npm,
    Gem,
    Go,
}

/// What a package command does, as far as the rules care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Installs named packages (or reinstalls, downgrades, builds dependencies).
    Install,
    /// Refreshes the package index only (`apt-get update`, `apk update`, `dnf makecache`).
    Refresh,
    /// Upgrades installed packages (`apt-get upgrade`, `yum update`, `zypper patch`).
    Upgrade,
    /// Upgrades across releases (`apt-get dist-upgrade`, `zypper dup`).
    DistUpgrade,
    /// Removes the manager's cache (`yum clean all`, `zypper clean`, `apk cache clean`).
    Clean,
    /// Anything else (`remove`, `search`, `config`, …).
    Other,
}

/// One word of a command line, split by the manager's option grammar.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Token<'s> {
    /// An option word, with the separate word holding its argument when it takes one.
    Option(&'s ShellWord, Option<&'s ShellWord>),
    Operand(&'s ShellWord),
}

/// A package-manager invocation.
#[derive(Debug)]
pub(crate) struct PackageCommand<'s> {
    pub(crate) manager: Manager,
    /// The manager's program as written, e.g. `apt-get` or `python3`.
    pub(crate) program: &'s ShellWord,
    pub(crate) action: Action,
    /// The subcommand word (`install`, `add`, …); `-S` for pacman.
    pub(crate) subcommand: Option<&'s ShellWord>,
    /// The words after the program, split into options and operands.
    pub(crate) tokens: Vec<Token<'s>>,
    /// Position of the subcommand among `tokens`.
    subcommand_at: usize,
    /// The operands after the subcommand: package names, files, URLs.
    pub(crate) packages: Vec<&'s ShellWord>,
}

impl<'s> PackageCommand<'s> {
    /// The literal values of the option words (with their attached arguments).
    pub(crate) fn option_values(&self) -> impl Iterator<Item = &'s str> + '_ {
        self.tokens.iter().filter_map(|t| match t {
            Token::Option(word, _) => word.value.as_deref(),
            Token::Operand(_) => None,
        })
    }

    /// The options written before the subcommand (global options).
    pub(crate) fn global_option_values(&self) -> impl Iterator<Item = &'s str> + '_ {
        self.tokens[..self.subcommand_at.min(self.tokens.len())]
            .iter()
            .filter_map(|t| match t {
                Token::Option(word, _) => word.value.as_deref(),
                Token::Operand(_) => None,
            })
    }

    /// Whether the short option `short` (also inside a cluster such as `-yq`) or the long
    /// option `--long` / `--long=value` was given. Pass `'\0'` or `""` to skip a form.
    pub(crate) fn has_option(&self, short: char, long: &str) -> bool {
        self.option_values().any(|v| option_matches(v, short, long))
    }

    /// The argument of option `short`/`long`: the next word, or the attached value.
    pub(crate) fn option_argument(&self, short: char, long: &str) -> Option<&'s ShellWord> {
        self.tokens.iter().find_map(|t| match *t {
            Token::Option(word, arg) if option_matches(word.value.as_deref()?, short, long) => {
                arg.or(Some(word))
            }
            _ => None,
        })
    }

    /// The name to show in messages: `apt-get install`, `pip install`, `zypper dup`.
    pub(crate) fn display(&self) -> String {
        let program = self.program.value.as_deref().unwrap_or(&self.program.raw);
        let program = program.rsplit('/').next().unwrap_or(program);
        let program = if self.manager == Manager::Pip {
            "pip"
        } else {
            program
        };
        match self.subcommand.and_then(|s| s.value.as_deref()) {
            Some(sub) => format!("{program} {sub}"),
            None => program.to_owned(),
        }
    }
}

fn option_matches(value: &str, short: char, long: &str) -> bool {
    if let Some(rest) = value.strip_prefix("--") {
        return !long.is_empty()
            && rest
                .strip_prefix(long)
                .is_some_and(|tail| tail.is_empty() || tail.starts_with('='));
    }
    value.strip_prefix('-').is_some_and(|cluster| {
        short != '\0'
            && cluster
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .any(|c| c == short)
    })
}

/// Option grammar: short letters and long names whose argument may be the next word.
struct Grammar {
    short_with_arg: &'static str,
    long_with_arg: &'static [&'static str],
}

const APT: Grammar = Grammar {
    short_with_arg: "otca",
    long_with_arg: &[
        "option",
        "target-release",
        "default-release",
        "config-file",
        "host-architecture",
    ],
};
const APK: Grammar = Grammar {
    short_with_arg: "Xpt",
    long_with_arg: &[
        "repository",
        "root",
        "virtual",
        "repositories-file",
        "keys-dir",
        "cache-dir",
        "arch",
        "cache-max-age",
    ],
};
const RPM: Grammar = Grammar {
    short_with_arg: "cxde",
    long_with_arg: &[
        "config",
        "exclude",
        "installroot",
        "releasever",
        "enablerepo",
        "disablerepo",
        "repo",
        "repoid",
        "setopt",
        "downloaddir",
        "destdir",
        "forcearch",
        "debuglevel",
        "errorlevel",
    ],
};
const ZYPPER: Grammar = Grammar {
    short_with_arg: "RcDtrp",
    long_with_arg: &[
        "root",
        "config",
        "reposd-dir",
        "cache-dir",
        "raw-cache-dir",
        "solv-cache-dir",
        "pkg-cache-dir",
        "type",
        "repo",
        "from",
    ],
};
const PACMAN: Grammar = Grammar {
    short_with_arg: "brd",
    long_with_arg: &[
        "root",
        "dbpath",
        "cachedir",
        "config",
        "gpgdir",
        "hookdir",
        "logfile",
        "arch",
        "ignore",
        "ignoregroup",
        "overwrite",
        "assume-installed",
    ],
};
const PIP: Grammar = Grammar {
    short_with_arg: "rcetfiC",
    long_with_arg: &[
        "requirement",
        "constraint",
        "editable",
        "target",
        "find-links",
        "index-url",
        "extra-index-url",
        "prefix",
        "root",
        "src",
        "trusted-host",
        "platform",
        "python-version",
        "implementation",
        "abi",
        "upgrade-strategy",
        "progress-bar",
        "cache-dir",
        "log",
        "proxy",
        "retries",
        "timeout",
        "exists-action",
        "cert",
        "client-cert",
        "global-option",
        "config-settings",
        "only-binary",
        "no-binary",
        "report",
    ],
};
const NPM: Grammar = Grammar {
    short_with_arg: "w",
    long_with_arg: &[
        "registry",
        "prefix",
        "cache",
        "tag",
        "workspace",
        "userconfig",
        "omit",
        "include",
    ],
};
const GEM: Grammar = Grammar {
    short_with_arg: "vinsPg",
    long_with_arg: &[
        "version",
        "install-dir",
        "bindir",
        "source",
        "platform",
        "trust-policy",
        "file",
        "build-root",
    ],
};
const GO: Grammar = Grammar {
    short_with_arg: "",
    long_with_arg: &[],
};

/// Splits `args` into options (with separate arguments) and operands. Words with expansions are
/// operands unless they start with `-`; after `--` everything is an operand.
fn tokenize<'s>(args: &'s [ShellWord], grammar: &Grammar, go_style: bool) -> Vec<Token<'s>> {
    let mut tokens = Vec::with_capacity(args.len());
    let mut iter = args.iter().peekable();
    let mut operands_only = false;
    while let Some(word) = iter.next() {
        let text = word.value.as_deref().unwrap_or(&word.raw);
        if operands_only || !text.starts_with('-') || text == "-" {
            tokens.push(Token::Operand(word));
            continue;
        }
        if text == "--" {
            operands_only = true;
            tokens.push(Token::Option(word, None));
            continue;
        }
        let takes_arg = if let Some(long) = text.strip_prefix("--") {
            !long.contains('=') && grammar.long_with_arg.contains(&long)
        } else if go_style {
            // Go's flags are single-dash words; the ones taking a value are written `-o x`.
            matches!(
                &text[1..],
                "o" | "ldflags"
                    | "gcflags"
                    | "asmflags"
                    | "tags"
                    | "mod"
                    | "modfile"
                    | "p"
                    | "pkgdir"
                    | "toolexec"
                    | "overlay"
                    | "C"
            )
        } else {
            // The last letter of a cluster takes the next word only if nothing is attached.
            let cluster = &text[1..];
            let mut takes = false;
            for (i, c) in cluster.char_indices() {
                if grammar.short_with_arg.contains(c) {
                    takes = i + c.len_utf8() == cluster.len();
                    break;
                }
                if !c.is_ascii_alphanumeric() {
                    break;
                }
            }
            takes
        };
        let arg = if takes_arg { iter.next() } else { None };
        tokens.push(Token::Option(word, arg));
    }
    tokens
}

/// The package-manager view of `command` (seen through `sudo`, `env` and other wrappers).
pub(crate) fn classify(command: &Command) -> Option<PackageCommand<'_>> {
    let view = command.unwrapped();
    let program = view.program()?;
    let mut args = view.args;
    let program_word = view.name;
    let manager = match program {
        "apt-get" | "apt" | "aptitude" => Manager::Apt,
        "apk" => Manager::Apk,
        "yum" => Manager::Yum,
        "dnf" | "dnf5" | "microdnf" | "tdnf" => Manager::Dnf,
        "zypper" => Manager::Zypper,
        "pacman" => Manager::Pacman,
        "npm" => Manager::Npm,
        "gem" => Manager::Gem,
        "go" => Manager::Go,
        p if is_pip(p) => Manager::Pip,
        p if is_python(p) => {
            // `python -m pip install …`
            let at = args.iter().position(|a| {
                a.value
                    .as_deref()
                    .is_some_and(|v| !v.starts_with('-') || v == "-m")
            })?;
            let module = match args[at].value.as_deref() {
                Some("-m") => args.get(at + 1)?,
                _ => return None,
            };
            if !module.value.as_deref().is_some_and(is_pip) {
                return None;
            }
            args = &args[at + 2..];
            Manager::Pip
        }
        _ => return None,
    };
    let grammar = match manager {
        Manager::Apt => &APT,
        Manager::Apk => &APK,
        Manager::Yum | Manager::Dnf => &RPM,
        Manager::Zypper => &ZYPPER,
        Manager::Pacman => &PACMAN,
        Manager::Pip => &PIP,
        Manager::Npm => &NPM,
        Manager::Gem => &GEM,
        Manager::Go => &GO,
    };
    let tokens = tokenize(args, grammar, manager == Manager::Go);
    if manager == Manager::Pacman {
        return Some(pacman(program_word, tokens));
    }
    let subcommand_at = tokens
        .iter()
        .position(|t| matches!(t, Token::Operand(_)))
        .unwrap_or(tokens.len());
    let subcommand = match tokens.get(subcommand_at) {
        Some(Token::Operand(word)) => Some(*word),
        _ => None,
    };
    let sub = subcommand.and_then(|w| w.value.as_deref()).unwrap_or("");
    let mut operands = tokens[subcommand_at.min(tokens.len())..]
        .iter()
        .filter_map(|t| match t {
            Token::Operand(word) => Some(*word),
            Token::Option(..) => None,
        })
        .skip(1);
    let mut action = action_of(manager, sub);
    // `dnf group install x`, `dnf module install x`, `apk cache clean`.
    if matches!(manager, Manager::Yum | Manager::Dnf)
        && matches!(sub, "group" | "groups" | "module")
    {
        let next = operands.next();
        action = match next.and_then(|w| w.value.as_deref()) {
            Some("install") => Action::Install,
            Some("upgrade" | "update") => Action::Upgrade,
            _ => Action::Other,
        };
    } else if manager == Manager::Apk && sub == "cache" {
        let next = operands.next();
        action = match next.and_then(|w| w.value.as_deref()) {
            Some("clean" | "purge") => Action::Clean,
            _ => Action::Other,
        };
    }
    let packages = operands.collect();
    Some(PackageCommand {
        manager,
        program: program_word,
        action,
        subcommand,
        tokens,
        subcommand_at,
        packages,
    })
}

fn action_of(manager: Manager, sub: &str) -> Action {
    match manager {
        Manager::Apt => match sub {
            "install" | "reinstall" | "build-dep" => Action::Install,
            "update" => Action::Refresh,
            "upgrade" | "safe-upgrade" => Action::Upgrade,
            "dist-upgrade" | "full-upgrade" => Action::DistUpgrade,
            "clean" | "autoclean" => Action::Clean,
            _ => Action::Other,
        },
        Manager::Apk => match sub {
            "add" => Action::Install,
            "update" => Action::Refresh,
            "upgrade" => Action::Upgrade,
            _ => Action::Other,
        },
        Manager::Yum | Manager::Dnf => match sub {
            "install" | "in" | "groupinstall" | "localinstall" | "reinstall" | "downgrade"
            | "builddep" => Action::Install,
            "makecache" | "mc" | "check-update" => Action::Refresh,
            "update" | "up" | "upgrade" | "update-minimal" | "upgrade-minimal" | "distro-sync"
            | "groupupdate" => Action::Upgrade,
            "clean" => Action::Clean,
            _ => Action::Other,
        },
        Manager::Zypper => match sub {
            "install" | "in" | "source-install" | "si" => Action::Install,
            "refresh" | "ref" => Action::Refresh,
            "update" | "up" | "patch" => Action::Upgrade,
            "dist-upgrade" | "dup" => Action::DistUpgrade,
            "clean" | "cc" => Action::Clean,
            _ => Action::Other,
        },
        Manager::Npm => match sub {
            "install" | "i" | "add" | "in" | "ins" | "inst" | "insta" | "instal" | "isnt"
            | "isnta" | "isntal" | "isntall" => Action::Install,
            _ => Action::Other,
        },
        Manager::Gem => match sub {
            "install" | "i" => Action::Install,
            _ => Action::Other,
        },
        Manager::Pip | Manager::Go => match sub {
            "install" => Action::Install,
            _ => Action::Other,
        },
        Manager::Pacman => Action::Other,
    }
}

/// pacman has operations (`-S`, `-U`, `-R`) instead of subcommands: `-Syu` refreshes and
/// upgrades, `-S pkg` installs, `-Sc` cleans.
fn pacman<'s>(program: &'s ShellWord, tokens: Vec<Token<'s>>) -> PackageCommand<'s> {
    let operation = tokens.iter().find_map(|t| match t {
        Token::Option(word, _) => word
            .value
            .as_deref()
            .filter(|v| v.starts_with("-S") || v.starts_with("-U") || *v == "--sync")
            .map(|_| *word),
        Token::Operand(_) => None,
    });
    let packages: Vec<&ShellWord> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Operand(word) => Some(*word),
            Token::Option(..) => None,
        })
        .collect();
    let flags: String = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Option(word, _) => word
                .value
                .as_deref()
                .filter(|v| !v.starts_with("--"))
                .map(|v| v.trim_start_matches('-')),
            Token::Operand(_) => None,
        })
        .collect();
    let op = operation.and_then(|w| w.value.as_deref()).unwrap_or("");
    let action = if op.starts_with("-U") || (op.starts_with("-S") && !packages.is_empty()) {
        Action::Install
    } else if op.starts_with("-S") && flags.contains('c') {
        Action::Clean
    } else if op.starts_with("-S") && flags.contains('u') {
        Action::Upgrade
    } else if op.starts_with("-S") && flags.contains('y') {
        Action::Refresh
    } else {
        Action::Other
    };
    PackageCommand {
        manager: Manager::Pacman,
        program,
        action,
        subcommand: operation,
        tokens,
        subcommand_at: 0,
        packages,
    }
}

/// Whether `word` ends with `suffix`, ignoring ASCII case (file extensions).
pub(crate) fn ends_with_ignore_case(word: &str, suffix: &str) -> bool {
    word.len() >= suffix.len()
        && word
            .get(word.len() - suffix.len()..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
}

/// `pip`, `pip3`, `pip3.12`.
fn is_pip(program: &str) -> bool {
    program
        .strip_prefix("pip")
        .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// `python`, `python3`, `python3.12`.
fn is_python(program: &str) -> bool {
    program
        .strip_prefix("python")
        .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// pacman refreshes with `y` in its `-S` cluster (`-Sy`, `-Syu`).
pub(crate) fn pacman_refreshes(command: &PackageCommand<'_>) -> bool {
    command.manager == Manager::Pacman
        && command
            .option_values()
            .any(|v| (v.starts_with("-S") && v.contains('y')) || v == "--refresh")
}

/// Every package word that a package manager installs into the shipped image (the final stage
/// and the stages it is built `FROM`), as `(Dockerfile range, literal name)`. Words with
/// expansions are skipped: their value is not known.
pub(crate) fn shipped_installs<'c>(
    ctx: &'c crate::rules::DockerfileContext<'_>,
) -> Vec<(cofferdam_diagnostics::TextRange, &'c str)> {
    let shipped = ctx.model.shipped_stages();
    let mut found = Vec::new();
    for run in crate::rules::build::runs::runs(ctx) {
        if !shipped.contains(&run.stage) {
            continue;
        }
        for (script, _, package) in run.packages() {
            if package.action != Action::Install {
                continue;
            }
            for word in &package.packages {
                if let Some(name) = word.value.as_deref() {
                    found.push((script.source_range(word.range), name));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::{Action, Manager, classify};
    use crate::syntax::shell::parse;

    fn first(text: &str) -> (Manager, Action, Vec<String>) {
        let script = parse(text);
        let command = classify(&script.commands[0]).expect("a package command");
        (
            command.manager,
            command.action,
            command.packages.iter().map(|w| w.raw.clone()).collect(),
        )
    }

    #[test]
    fn managers_actions_and_packages() {
        assert_eq!(
            first("sudo apt-get -t bookworm-backports -o A=1 install -y curl git"),
            (
                Manager::Apt,
                Action::Install,
                vec!["curl".into(), "git".into()]
            )
        );
        assert_eq!(
            first("apk add --virtual .deps gcc"),
            (Manager::Apk, Action::Install, vec!["gcc".into()])
        );
        assert_eq!(
            first("python3 -m pip install --no-cache-dir -r r.txt flask"),
            (Manager::Pip, Action::Install, vec!["flask".into()])
        );
        assert_eq!(
            first("zypper -n in vim"),
            (Manager::Zypper, Action::Install, vec!["vim".into()])
        );
        assert_eq!(first("dnf -y group install tools").1, Action::Install);
        assert_eq!(first("apk cache clean").1, Action::Clean);
        assert_eq!(first("pacman -Syu").1, Action::Upgrade);
        assert_eq!(first("pacman -Sy").1, Action::Refresh);
        assert_eq!(
            first("pacman -S --noconfirm nginx"),
            (Manager::Pacman, Action::Install, vec!["nginx".into()])
        );
        assert_eq!(
            first("go install -ldflags -s ./cmd/x").2,
            vec!["./cmd/x".to_owned()]
        );
        assert!(classify(&parse("python3 app.py install").commands[0]).is_none());
    }
}
