//! Command wrappers (`sudo`, `env`, `xargs`, …) and the option grammar needed to find the command
//! they run, plus the invocation shapes of shells (`sh -c`) and `su -c` used for re-entry.

use super::{Command, SHELLS, ShellWord, basename};

/// How a wrapper's own options look, so that its command operand can be found.
struct Wrapper {
    name: &'static str,
    /// Short options that take an argument (attached or as the next word).
    short_with_arg: &'static str,
    /// Long options that take an argument as the next word unless written `--opt=value`.
    long_with_arg: &'static [&'static str],
    /// Short options that mean no command is run (`command -v`, `sudo -l`).
    stop: &'static str,
    /// Whether `NAME=value` words may precede the command (`env`, `sudo`).
    assignments: bool,
    /// Operands before the command (`timeout DURATION`, `gosu USER`).
    operands: usize,
}

const fn wrapper(name: &'static str) -> Wrapper {
    Wrapper {
        name,
        short_with_arg: "",
        long_with_arg: &[],
        stop: "",
        assignments: false,
        operands: 0,
    }
}

const WRAPPERS: &[Wrapper] = &[
    Wrapper {
        short_with_arg: "ugCDhprtUT",
        long_with_arg: &[
            "user",
            "group",
            "close-from",
            "chdir",
            "host",
            "prompt",
            "role",
            "type",
            "other-user",
            "command-timeout",
        ],
        stop: "lvKeV",
        assignments: true,
        ..wrapper("sudo")
    },
    Wrapper {
        short_with_arg: "u",
        stop: "CL",
        ..wrapper("doas")
    },
    Wrapper {
        short_with_arg: "uC",
        long_with_arg: &["unset", "chdir"],
        stop: "S",
        assignments: true,
        ..wrapper("env")
    },
    Wrapper {
        short_with_arg: "a",
        ..wrapper("exec")
    },
    wrapper("nohup"),
    Wrapper {
        short_with_arg: "fo",
        long_with_arg: &["format", "output"],
        ..wrapper("time")
    },
    Wrapper {
        short_with_arg: "n",
        long_with_arg: &["adjustment"],
        ..wrapper("nice")
    },
    Wrapper {
        stop: "vV",
        ..wrapper("command")
    },
    wrapper("builtin"),
    Wrapper {
        short_with_arg: "aEdILnPs",
        long_with_arg: &[
            "arg-file",
            "delimiter",
            "max-args",
            "max-procs",
            "max-chars",
            "max-lines",
            "process-slot-var",
        ],
        ..wrapper("xargs")
    },
    Wrapper {
        short_with_arg: "sk",
        long_with_arg: &["signal", "kill-after"],
        operands: 1,
        ..wrapper("timeout")
    },
    Wrapper {
        short_with_arg: "ioe",
        long_with_arg: &["input", "output", "error"],
        ..wrapper("stdbuf")
    },
    Wrapper {
        long_with_arg: &["userspec", "groups"],
        operands: 1,
        ..wrapper("chroot")
    },
    Wrapper {
        operands: 1,
        ..wrapper("gosu")
    },
    Wrapper {
        operands: 1,
        ..wrapper("su-exec")
    },
    wrapper("busybox"),
];

/// The index in `command.args` of the effective command word, if any wrapper was removed.
pub(super) fn unwrap(command: &Command) -> Option<usize> {
    let mut name = &command.name;
    let mut base = 0;
    let mut found = None;
    loop {
        let Some(program) = name.value.as_deref().map(basename) else {
            return found;
        };
        let Some(wrapper) = WRAPPERS.iter().find(|w| w.name == program) else {
            return found;
        };
        let rest = &command.args[base..];
        let Some(operand) = command_operand(wrapper, rest) else {
            return found;
        };
        let index = base + operand;
        found = Some(index);
        name = &command.args[index];
        base = index + 1;
    }
}

/// The index in `args` of the command a wrapper runs.
fn command_operand(wrapper: &Wrapper, args: &[ShellWord]) -> Option<usize> {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let Some(v) = arg.value.as_deref() else {
            break;
        };
        if v == "--" {
            i += 1;
            break;
        }
        if let Some(long) = v.strip_prefix("--") {
            if !long.contains('=') && wrapper.long_with_arg.contains(&long) {
                i += 1;
            }
            i += 1;
        } else if let Some(cluster) = v.strip_prefix('-').filter(|c| !c.is_empty()) {
            for (at, c) in cluster.char_indices() {
                if wrapper.stop.contains(c) {
                    return None;
                }
                if wrapper.short_with_arg.contains(c) {
                    // `-uroot` carries its argument; `-u root` takes the next word.
                    if at + c.len_utf8() == cluster.len() {
                        i += 1;
                    }
                    break;
                }
            }
            i += 1;
        } else if (wrapper.assignments && is_assignment(v)) || (wrapper.name == "env" && v == "-") {
            i += 1;
        } else {
            break;
        }
    }
    if wrapper.assignments {
        while args
            .get(i)
            .and_then(|a| a.value.as_deref())
            .is_some_and(is_assignment)
        {
            i += 1;
        }
    }
    i += wrapper.operands;
    (i < args.len()).then_some(i)
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// What a command re-enters: a script argument or its heredoc stdin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reentry {
    /// The argument at this index of the view's args holds a script; for `su --command=…` the
    /// script is the part after `=`.
    Argument { index: usize, after_equals: bool },
    /// A shell reading its script from stdin (`bash <<EOF`, `sh -s`).
    Stdin,
}

/// How a shell, `su` or `eval` invocation runs a nested script, and whether it starts with
/// `-o pipefail`.
pub(super) fn reentry(program: &str, args: &[ShellWord]) -> Option<(Reentry, bool)> {
    if SHELLS.contains(&program) {
        shell_reentry(args)
    } else if matches!(program, "su" | "runuser") {
        su_reentry(args).map(|r| (r, false))
    } else if program == "eval" && args.len() == 1 {
        Some((
            Reentry::Argument {
                index: 0,
                after_equals: false,
            },
            false,
        ))
    } else {
        None
    }
}

fn shell_reentry(args: &[ShellWord]) -> Option<(Reentry, bool)> {
    let mut command_mode = false;
    let mut stdin = false;
    let mut pipefail = false;
    let mut i = 0;
    while let Some(v) = args.get(i).and_then(|a| a.value.as_deref()) {
        if v == "--" || v == "-" {
            i += 1;
            break;
        }
        if let Some(long) = v.strip_prefix("--") {
            if matches!(long, "rcfile" | "init-file") {
                i += 1;
            }
            i += 1;
            continue;
        }
        let enable = v.starts_with('-');
        if !(enable || v.starts_with('+')) || v.len() < 2 {
            break;
        }
        for c in v[1..].chars() {
            match c {
                'c' => command_mode = true,
                's' => stdin = true,
                'o' | 'O' => {
                    i += 1;
                    if c == 'o' && args.get(i).and_then(|a| a.value.as_deref()) == Some("pipefail")
                    {
                        pipefail = enable;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    if command_mode {
        (i < args.len()).then_some((
            Reentry::Argument {
                index: i,
                after_equals: false,
            },
            pipefail,
        ))
    } else if stdin || i >= args.len() {
        Some((Reentry::Stdin, pipefail))
    } else {
        None
    }
}

fn su_reentry(args: &[ShellWord]) -> Option<Reentry> {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let v = arg.value.as_deref().unwrap_or("");
        if v == "--" {
            return None;
        }
        if v == "--command" {
            return (i + 1 < args.len()).then_some(Reentry::Argument {
                index: i + 1,
                after_equals: false,
            });
        }
        if v.starts_with("--command=") {
            return Some(Reentry::Argument {
                index: i,
                after_equals: true,
            });
        }
        if matches!(
            v,
            "--shell" | "--group" | "--supp-group" | "--whitelist-environment"
        ) {
            i += 1;
        } else if let Some(cluster) = v.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            // In a cluster the last letter may take the next word: `-lc CMD`, `-s /bin/sh`.
            match cluster.chars().last() {
                Some('c') => {
                    return (i + 1 < args.len()).then_some(Reentry::Argument {
                        index: i + 1,
                        after_equals: false,
                    });
                }
                Some('s' | 'g' | 'G' | 'w') => i += 1,
                _ => {}
            }
        }
        i += 1;
    }
    None
}
