//! `password-set-in-build`: a build step sets an account password from a literal.

use cofferdam_diagnostics::{Diagnostic, Fix, TextRange, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::runs::runs;
use crate::syntax::shell::{Command, Script, ShellWord};

declare_rule! {
    /// ## What it does
    /// Checks `RUN` steps that set an account password from text written in the Dockerfile:
    /// `echo 'root:pw' | chpasswd`, `chpasswd <<< 'user:pw'`, `echo pw | passwd --stdin user`,
    /// and `useradd`/`usermod -p <hash>`. The password is never printed.
    ///
    /// ## Why is this bad?
    /// The password is in the repository and in the image history for everyone who can read
    /// either, and the same password is in every container started from the image. A known
    /// root password turns any foothold with `su` available into root; a known application
    /// password is a shared credential that can never be rotated per container.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN echo 'root:Docker!' | chpasswd
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin app
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: accounts in a container should have no password at all (locked);
    /// interactive access goes through `docker exec`.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/secrets/>
    pub struct PasswordSetInBuild {
        code: "SEC004",
        name: "password-set-in-build",
        category: Secrets,
        severity: High,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [],
    }
}

/// The range of the password inside a literal `user:password` (or bare `password`) word: the
/// text after the first `:` when `with_user`, else the whole value. Exact when the word's
/// source text is its value wrapped in at most one pair of quotes.
fn password_range(word: &ShellWord, with_user: bool) -> Option<TextRange> {
    let value = word.value.as_deref()?;
    let offset = if with_user { value.find(':')? + 1 } else { 0 };
    if value.len() <= offset {
        return None;
    }
    let quote = usize::from(word.raw.starts_with(['\'', '"']));
    if word.raw.len() == value.len() + 2 * quote {
        let start = word.range.start() + (quote + offset) as u32;
        Some(TextRange::new(start, start + (value.len() - offset) as u32))
    } else {
        Some(word.range)
    }
}

/// The literal words an `echo`/`printf` writes (options excluded).
fn printed(command: &Command) -> impl Iterator<Item = &ShellWord> {
    let view = command.unwrapped();
    let is_printer = matches!(view.program(), Some("echo" | "printf"));
    view.args
        .iter()
        .filter(move |arg| is_printer && !arg.raw.starts_with('-'))
}

/// Password ranges (in script offsets) set by one command.
fn passwords(script: &Script, command: &Command) -> Vec<TextRange> {
    let view = command.unwrapped();
    let mut found = Vec::new();
    match view.program() {
        Some("chpasswd") => {
            // `chpasswd <<< 'user:pw'` or a here-document-less redirect of a literal string.
            found.extend(
                command
                    .redirects
                    .iter()
                    .filter(|redirect| redirect.operator == "<<<")
                    .filter_map(|redirect| redirect.target.as_ref())
                    .filter_map(|target| password_range(target, true)),
            );
        }
        Some("useradd" | "usermod" | "adduser") => {
            let mut args = view.args.iter();
            while let Some(arg) = args.next() {
                let value = arg.value.as_deref().unwrap_or_default();
                if value == "-p" || value == "--password" {
                    if let Some(range) = args.next().and_then(|hash| password_range(hash, false)) {
                        found.push(range);
                    }
                } else if value
                    .strip_prefix("--password=")
                    .is_some_and(|hash| !hash.is_empty())
                {
                    found.push(arg.range);
                }
            }
        }
        Some("echo" | "printf") => {
            let Some(next) = script.piped_into(command) else {
                return found;
            };
            match next.unwrapped().program() {
                Some("chpasswd") => {
                    found.extend(printed(command).filter_map(|word| password_range(word, true)));
                }
                Some("passwd") => {
                    found.extend(printed(command).filter_map(|word| password_range(word, false)));
                }
                _ => {}
            }
        }
        _ => {}
    }
    found
}

/// Every literal password a `RUN` sets, as Dockerfile ranges in command order. Found once per
/// file and shared by the rule and the redaction ranges.
pub(crate) fn password_ranges<'c>(ctx: &'c DockerfileContext<'_>) -> &'c [TextRange] {
    ctx.passwords.get_or_init(|| {
        let mut ranges = Vec::new();
        for run in runs(ctx) {
            for (script, command) in run.commands() {
                ranges.extend(
                    passwords(&script.script, command)
                        .into_iter()
                        .map(|range| script.source_range(range)),
                );
            }
        }
        ranges
    })
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(password_ranges(ctx).iter().map(|&range| finding(range)));
}

fn finding(range: TextRange) -> Diagnostic {
    Diagnostic::new(
        PasswordSetInBuild::META,
        range,
        "an account password is set from a literal in the Dockerfile",
    )
    .with_fix(Fix::display_only(
        "leave the account without a password (locked) and use `docker exec` for access",
    ))
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::SourceFile;

    use super::PasswordSetInBuild;
    use crate::rules::test::{lines, lint};

    #[test]
    fn literal_passwords() {
        let meta = PasswordSetInBuild::META;
        let fires = |run: &str| lines(meta, &format!("FROM a:1\nRUN {run}\n")).len();
        assert_eq!(fires("echo 'root:Docker!' | chpasswd"), 1);
        assert_eq!(fires("echo \"app:secret\" | sudo chpasswd"), 1);
        assert_eq!(fires("chpasswd <<< 'root:toor'"), 1);
        assert_eq!(fires("echo hunter2 | passwd --stdin app"), 1);
        assert_eq!(fires("useradd -m -p '$6$abc$def' app"), 1);
        assert_eq!(fires("echo \"root:$ROOT_PASSWORD\" | chpasswd"), 0);
        assert_eq!(fires("echo 'root:x' > /tmp/notes"), 0);
        assert_eq!(fires("passwd -l root"), 0);
    }

    #[test]
    fn points_at_the_password_only() {
        let text = "FROM a:1\nRUN echo 'root:Docker!' | chpasswd\n";
        let found = lint(PasswordSetInBuild::META, text);
        let file = SourceFile::new("Dockerfile", text);
        assert_eq!(&file.text()[found[0].range.to_std()], "Docker!");
    }
}
