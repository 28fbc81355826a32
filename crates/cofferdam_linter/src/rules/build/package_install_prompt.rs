//! `package-install-prompt`: a package install that stops to ask for confirmation.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::packages::{Action, Manager, PackageCommand};
use crate::rules::build::runs::runs;
use crate::syntax::shell::Command;

declare_rule! {
    /// ## What it does
    /// Checks that package installs, upgrades and removals in `RUN` steps cannot stop at a
    /// confirmation prompt: `apt-get`/`apt` need `-y` (or `--yes`, `--assume-yes`, `-qq`),
    /// `yum`, `dnf` and `microdnf` need `-y`, `zypper` needs `-n`/`--non-interactive` before the
    /// subcommand or `-y` after it, and `pacman` needs `--noconfirm`. Piping `yes` into the
    /// command also counts.
    ///
    /// ## Why is this bad?
    /// A build has no one to answer the prompt. The command reads end-of-file and aborts, so the
    /// build fails, or, depending on the tool and version, proceeds with a default that differs
    /// between machines.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe: adding the non-interactive flag only answers the prompt the build cannot answer.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    pub struct PackageInstallPrompt {
        code: "BLD003",
        name: "package-install-prompt",
        category: Build,
        severity: Low,
        inputs: [Dockerfile],
        fix: Safe,
        aliases: [
            Hadolint "DL3014",
            Hadolint "DL3030",
            Hadolint "DL3034",
            Hadolint "DL3038",
            Trivy "DS-0021",
            Kics "77783205-c4ca-4f80-bb80-c777f267c547",
            Kics "6e19193a-8753-436d-8a09-76dcff91bb03",
            Kics "7ebd323c-31b7-4e5b-b26f-de5e9e477af8",
            Kics "45e1fca5-f90e-465d-825f-c2cb63fa3944",
        ],
    }
}

/// Whether the subcommand can prompt.
fn prompts(package: &PackageCommand<'_>) -> bool {
    let sub = package
        .subcommand
        .and_then(|w| w.value.as_deref())
        .unwrap_or_default();
    match package.manager {
        Manager::Apt | Manager::Yum | Manager::Dnf | Manager::Zypper => {
            matches!(
                package.action,
                Action::Install | Action::Upgrade | Action::DistUpgrade
            ) || matches!(
                sub,
                "remove" | "purge" | "autoremove" | "erase" | "rm" | "autoremove-unused"
            )
        }
        Manager::Pacman => matches!(package.action, Action::Install | Action::Upgrade),
        _ => false,
    }
}

/// apt's quiet level: `-q` counts one, `-qq` two, `-q=2` two, `--quiet` one.
fn apt_quiet_level(package: &PackageCommand<'_>) -> usize {
    package
        .option_values()
        .map(|value| {
            if let Some(rest) = value.strip_prefix("--quiet") {
                rest.strip_prefix('=').map_or(1, |n| n.parse().unwrap_or(1))
            } else if let Some(cluster) = value.strip_prefix('-').filter(|c| !c.starts_with('-')) {
                match cluster.split_once('=') {
                    Some((letters, n)) if letters.ends_with('q') => n.parse().unwrap_or(1),
                    _ => cluster.chars().filter(|&c| c == 'q').count(),
                }
            } else {
                0
            }
        })
        .sum()
}

/// The flag to add, or `None` when the command cannot prompt.
fn missing_flag(package: &PackageCommand<'_>) -> Option<&'static str> {
    match package.manager {
        Manager::Apt => {
            let assume_yes = package.has_option('y', "yes")
                || package.has_option('\0', "assume-yes")
                || package.has_option('\0', "force-yes")
                || apt_quiet_level(package) >= 2
                || package.option_argument('o', "option").is_some_and(|w| {
                    let v = w.value.as_deref().unwrap_or_default().to_ascii_lowercase();
                    v.contains("assume-yes=") && !v.ends_with("=false") && !v.ends_with("=0")
                });
            (!assume_yes).then_some("-y")
        }
        Manager::Yum | Manager::Dnf => (!package.has_option('y', "assumeyes")).then_some("-y"),
        Manager::Zypper => {
            let global = package
                .global_option_values()
                .any(|v| v == "--non-interactive" || (!v.starts_with("--") && v.contains('n')));
            let confirm = package.has_option('y', "no-confirm");
            (!global && !confirm).then_some("-y")
        }
        Manager::Pacman => (!package.has_option('\0', "noconfirm")).then_some("--noconfirm"),
        _ => None,
    }
}

fn fed_by_yes(ctx_commands: &[Command], command: &Command) -> bool {
    // `yes | apt-get install x`: the element before the command in its pipeline is `yes`.
    let Some(place) = command.pipeline else {
        return false;
    };
    place.position > 0
        && ctx_commands.iter().any(|other| {
            other
                .pipeline
                .is_some_and(|p| p.index == place.index && p.position + 1 == place.position)
                && other.unwrapped().program() == Some("yes")
        })
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for run in runs(ctx) {
        for (script, command, package) in run.packages() {
            if !prompts(package) || fed_by_yes(&script.script.commands, command) {
                continue;
            }
            let Some(flag) = missing_flag(package) else {
                continue;
            };
            let name = package.display();
            let mut diagnostic = Diagnostic::new(
                PackageInstallPrompt::META,
                run.span_to(script, command.range),
                format!("`{name}` without `{flag}` waits for a confirmation the build cannot give"),
            )
            .with_label(
                script.source_range(command.range),
                "this command can prompt",
            );
            if let Some(sub) = package.subcommand
                && !run.is_exec()
                && command.script_depth == 0
            {
                let at = script.source_range(sub.range).end();
                diagnostic = diagnostic.with_fix(Fix::safe(
                    format!("add `{flag}`"),
                    vec![Edit::insert(at, format!(" {flag}"))],
                ));
            }
            out.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PackageInstallPrompt;
    use crate::rules::test::lines;

    #[test]
    fn prompts_and_their_answers() {
        let meta = PackageInstallPrompt::META;
        assert_eq!(lines(meta, "FROM a:1\nRUN apt-get install x\n"), [2]);
        assert_eq!(lines(meta, "FROM a:1\nRUN apt-get -q install x\n"), [2]);
        assert!(lines(meta, "FROM a:1\nRUN apt-get -qq install x\n").is_empty());
        assert!(lines(meta, "FROM a:1\nRUN apt-get -q -q install x\n").is_empty());
        assert!(lines(meta, "FROM a:1\nRUN apt-get -q=2 install x\n").is_empty());
        assert!(lines(meta, "FROM a:1\nRUN apt-get -fmy install x\n").is_empty());
        assert!(lines(meta, "FROM a:1\nRUN yes | apt-get install x\n").is_empty());
        assert!(lines(meta, "FROM a:1\nRUN apt-get update\n").is_empty());
        assert_eq!(lines(meta, "FROM a:1\nRUN dnf in x\n"), [2]);
        assert!(lines(meta, "FROM a:1\nRUN microdnf install -y x\n").is_empty());
        assert_eq!(lines(meta, "FROM a:1\nRUN zypper install -n x\n"), [2]);
        assert!(lines(meta, "FROM a:1\nRUN zypper -n install x\n").is_empty());
        assert!(lines(meta, "FROM a:1\nRUN zypper --non-interactive install x\n").is_empty());
        assert_eq!(lines(meta, "FROM a:1\nRUN pacman -Syu\n"), [2]);
        assert!(lines(meta, "FROM a:1\nRUN apk add x\n").is_empty());
        assert_eq!(
            lines(meta, "FROM a:1\nRUN set -e; \\\n  dnf install x\n"),
            [2]
        );
    }
}
