//! `remote-script-piped-to-shell`: `curl … | sh` and its variants in a `RUN` step.

use cofferdam_diagnostics::{Diagnostic, Fix, TextRange, declare_rule};

use crate::rules::build::runs::runs;
use crate::rules::{DockerfileContext, RunScript};
use crate::syntax::shell::{Command, CommandView, ShellWord};

declare_rule! {
    /// ## What it does
    /// Checks for scripts downloaded with `curl` or `wget` and executed straight away: piped
    /// into a shell or interpreter that reads its program from standard input (`| sh`,
    /// `| sudo bash -s --`, `| python3 -`), or passed as code (`sh -c "$(curl …)"`,
    /// `bash <(curl …)`, `eval "$(wget -qO- …)"`). `RUN` command lines, shell heredocs and
    /// `bash -c '…'` strings are all searched; text inside quotes given to other commands
    /// (`echo "curl x | sh"`) is not.
    ///
    /// ## Why is this bad?
    /// The build runs, as root, whatever the server sends at that moment, without any check:
    /// a compromised or hijacked host, a changed installer or a truncated download (run half
    /// way) all end up in the image with nothing in the repository showing it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/install.sh /tmp/install.sh
    /// RUN sh /tmp/install.sh && rm /tmp/install.sh
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the script's checksum or signature has to come from a trusted source.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#add---checksum>
    pub struct RemoteScriptPipedToShell {
        code: "IMG005",
        name: "remote-script-piped-to-shell",
        category: Image,
        severity: High,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [],
    }
}

const FETCHERS: [&str; 2] = ["curl", "wget"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Shell,
    Python,
    Perl,
    Ruby,
    Node,
    Php,
}

fn kind(program: &str) -> Option<Kind> {
    let versioned = |prefix: &str| {
        program
            .strip_prefix(prefix)
            .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    };
    match program {
        "sh" | "bash" | "zsh" | "dash" | "ash" | "ksh" | "mksh" => Some(Kind::Shell),
        "perl" => Some(Kind::Perl),
        "ruby" => Some(Kind::Ruby),
        "node" | "nodejs" => Some(Kind::Node),
        "php" => Some(Kind::Php),
        _ if versioned("python") => Some(Kind::Python),
        _ => None,
    }
}

/// Where an interpreter takes its program from.
enum Program<'a> {
    /// Standard input.
    Stdin,
    /// A code argument (`-c CODE`, `-e CODE`) or a script-file argument.
    Argument(&'a ShellWord),
    /// Nothing it could run (an option that stops, `-m module`, …).
    Unknown,
}

/// Reads an interpreter's arguments the way it does.
fn program_of<'a>(view: &CommandView<'a>, kind: Kind) -> Program<'a> {
    let (code, with_arg): (&str, &str) = match kind {
        Kind::Shell => ("c", "o"),
        Kind::Python => ("c", "WXQ"),
        Kind::Perl => ("eE", "IMmx"),
        Kind::Ruby => ("e", "IrEC"),
        Kind::Node => ("ep", "r"),
        Kind::Php => ("r", "dcf"),
    };
    let mut code_next = false;
    let mut options_done = false;
    let mut iter = view.args.iter();
    while let Some(arg) = iter.next() {
        let Some(value) = arg.value.as_deref() else {
            return if code_next || !options_done {
                Program::Argument(arg)
            } else {
                Program::Unknown
            };
        };
        if code_next {
            return Program::Argument(arg);
        }
        if !options_done && value == "--" {
            // `php -- args` reads the script from standard input and hands it the arguments
            // (the usual Composer installer line); other interpreters take a script path next.
            if kind == Kind::Php {
                return Program::Stdin;
            }
            options_done = true;
            continue;
        }
        if !options_done && (value.starts_with('-') || value.starts_with('+')) && value != "-" {
            if matches!(value, "--eval" | "--print" | "--command") {
                code_next = true;
                continue;
            }
            if value.starts_with("--") {
                continue;
            }
            let cluster = &value[1..];
            if kind == Kind::Python && cluster.starts_with('m') {
                return Program::Unknown;
            }
            if kind == Kind::Shell && cluster.contains('s') && !cluster.contains('c') {
                return Program::Stdin;
            }
            if let Some(position) = cluster.find(|c| code.contains(c)) {
                let attached = &cluster[position + 1..];
                if attached.is_empty() || kind == Kind::Shell {
                    code_next = true;
                } else {
                    return Program::Argument(arg);
                }
                continue;
            }
            if cluster.chars().last().is_some_and(|c| with_arg.contains(c)) {
                iter.next();
            }
            continue;
        }
        return if value == "-" {
            Program::Stdin
        } else {
            Program::Argument(arg)
        };
    }
    if code_next {
        Program::Unknown
    } else {
        Program::Stdin
    }
}

fn is_fetcher(command: &Command) -> bool {
    command
        .unwrapped()
        .program()
        .is_some_and(|p| FETCHERS.contains(&p))
}

/// `curl … | sh`: the fetcher earlier in the same pipeline (or substituted into an earlier
/// element, as in `echo "$(curl …)" | sh`), if the interpreter reads stdin.
fn piped_fetcher<'s>(script: &'s RunScript<'_>, command: &Command) -> Option<&'s Command> {
    let place = command.pipeline?;
    let pipeline = script.script.pipelines.get(place.index)?;
    script
        .script
        .pipeline_commands(pipeline)
        .filter(|other| other.pipeline.is_some_and(|p| p.position < place.position))
        .find_map(|other| {
            if is_fetcher(other) {
                return Some(other);
            }
            other
                .args
                .iter()
                .find_map(|arg| substituted_fetcher(script, arg))
        })
}

/// `sh -c "$(curl …)"`, `bash <(curl …)`, `eval "$(curl …)"`: a fetcher substituted into the
/// word the interpreter runs.
fn substituted_fetcher<'s>(script: &'s RunScript<'_>, code: &ShellWord) -> Option<&'s Command> {
    script.script.commands.iter().find(|other| {
        other.in_substitution && code.range.contains_range(other.range) && is_fetcher(other)
    })
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for run in runs(ctx) {
        for script in run.scripts() {
            for command in &script.script.commands {
                let view = command.unwrapped();
                let Some(program) = view.program() else {
                    continue;
                };
                let (fetcher, range) = match (program, kind(program)) {
                    ("eval" | "source" | ".", _) => {
                        let Some(fetcher) = view
                            .args
                            .iter()
                            .find_map(|arg| substituted_fetcher(script, arg))
                        else {
                            continue;
                        };
                        (fetcher, command.range)
                    }
                    (_, Some(kind)) => match program_of(&view, kind) {
                        Program::Stdin => {
                            let Some(fetcher) = piped_fetcher(script, command) else {
                                continue;
                            };
                            let start = script
                                .script
                                .pipeline_of(command)
                                .map_or(fetcher.range.start(), |p| p.range.start());
                            (
                                fetcher,
                                TextRange::new(
                                    start.min(command.range.start()),
                                    command.range.end(),
                                ),
                            )
                        }
                        Program::Argument(code) => {
                            let Some(fetcher) = substituted_fetcher(script, code) else {
                                continue;
                            };
                            (fetcher, command.range)
                        }
                        Program::Unknown => continue,
                    },
                    _ => continue,
                };
                let fetcher_name = fetcher.unwrapped().program().unwrap_or("curl");
                out.push(
                    Diagnostic::new(
                        RemoteScriptPipedToShell::META,
                        script.source_range(range),
                        format!(
                            "code downloaded by `{fetcher_name}` is run by `{program}` without verification"
                        ),
                    )
                    .with_fix(Fix::display_only(
                        "download to a file, verify its checksum or signature, then run it",
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RemoteScriptPipedToShell;
    use crate::rules::test::lines;

    #[test]
    fn piped_and_substituted() {
        let meta = RemoteScriptPipedToShell::META;
        let fires = |run: &str| lines(meta, &format!("FROM a:1\nRUN {run}\n")).len();
        assert_eq!(fires("curl -fsSL https://x/install.sh | sh"), 1);
        assert_eq!(fires("wget -qO- https://x | sudo -E bash -s -- --yes"), 1);
        assert_eq!(fires("curl https://x | tee /tmp/i.sh | bash -"), 1);
        assert_eq!(fires("curl https://x | python3"), 1);
        assert_eq!(
            fires(
                "curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/local/bin"
            ),
            1
        );
        assert_eq!(fires("sh -c \"$(curl -fsSL https://x)\""), 1);
        assert_eq!(fires("/bin/bash -c \"$(curl -fsSL https://x)\""), 1);
        assert_eq!(fires("bash <(curl -s https://x)"), 1);
        assert_eq!(fires("eval \"$(wget -qO- https://x)\""), 1);
        assert_eq!(fires("bash -c 'curl -s https://x | sh'"), 1);
        assert_eq!(fires("echo \"curl x | sh\""), 0);
        assert_eq!(
            fires("curl -s https://x | python3 -c 'import json,sys; print(1)'"),
            0
        );
        assert_eq!(fires("curl -s https://x | python3 -m json.tool"), 0);
        assert_eq!(fires("curl -fsSL https://x | tar -xz"), 0);
        assert_eq!(fires("curl -o /tmp/i.sh https://x | bash /tmp/other.sh"), 0);
        assert_eq!(fires("echo \"$(curl -s https://x)\" | sh"), 1);
        let heredoc = "FROM a:1\nRUN <<EOF\nset -e\ncurl -fsSL https://x | sh\nEOF\n";
        assert_eq!(lines(meta, heredoc), [4]);
    }
}
