//! `orphan-package-update`: a package index refreshed in a `RUN` that installs nothing, so the
//! installs that follow depend on a layer the build cache can keep stale.

use cofferdam_diagnostics::{Diagnostic, Fix, TextRange, declare_rule};

use crate::rules::build::packages::{Action, Manager, PackageCommand, pacman_refreshes};
use crate::rules::build::runs::{Run, runs};
use crate::rules::{DockerfileContext, RunScript};
use crate::syntax::shell::Command;

declare_rule! {
    /// ## What it does
    /// Checks for a package-index refresh (`apt-get update`, `apk update`, `yum`/`dnf
    /// makecache` or `update`, `zypper refresh`, `pacman -Sy`) in a `RUN` that installs nothing
    /// with the same manager. When later `RUN`s of the stage install packages without
    /// refreshing, the finding is reported on each of those installs (they rely on the earlier
    /// layer); otherwise on the refresh itself. `apk add --update` and `pacman -Syu pkg` refresh
    /// and install in one command.
    ///
    /// ## Why is this bad?
    /// The build cache reuses the refresh layer as long as its line does not change, for months
    /// if need be. A later install then resolves packages against an outdated index: it can fail
    /// because the mirror dropped the old versions, or quietly install versions that have known
    /// fixes. A refresh that nothing uses only adds the index to the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the refresh and the install have to be merged into one `RUN`.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    pub struct OrphanPackageUpdate {
        code: "BLD006",
        name: "orphan-package-update",
        category: Build,
        severity: Low,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [Trivy "DS-0017", Kics "9bae49be-0aa3-4de5-bab2-4c3a069e40cd"],
    }
}

/// Managers that share one package index.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Index {
    Apt,
    Apk,
    Rpm,
    Zypper,
    Pacman,
}

fn index_of(manager: Manager) -> Option<Index> {
    match manager {
        Manager::Apt => Some(Index::Apt),
        Manager::Apk => Some(Index::Apk),
        Manager::Yum | Manager::Dnf => Some(Index::Rpm),
        Manager::Zypper => Some(Index::Zypper),
        Manager::Pacman => Some(Index::Pacman),
        _ => None,
    }
}

/// What one command does to an index.
struct Effect<'r, 'a> {
    script: &'r RunScript<'a>,
    command: &'r Command,
    index: Index,
    /// How to name the command in messages (`apt-get update`).
    name: String,
    /// Fetches a fresh index (`apt-get update`, `apk add --no-cache`, `pacman -Sy`).
    refreshes: bool,
    /// Refreshes and does nothing else.
    only_refresh: bool,
    /// Installs named packages.
    installs: bool,
    /// Resolves packages against the index (installs and upgrades).
    consumes: bool,
    /// Deletes the index or cache (`dnf clean all`, `zypper clean`), so that the next command
    /// has to fetch a fresh one.
    cleans: bool,
}

fn effect<'r, 'a>(
    script: &'r RunScript<'a>,
    command: &'r Command,
    package: &PackageCommand<'_>,
) -> Option<Effect<'r, 'a>> {
    let index = index_of(package.manager)?;
    let refresh_flag = match package.manager {
        // `--no-cache` fetches the index on the fly.
        Manager::Apk => {
            package.has_option('U', "update-cache")
                || package.has_option('\0', "update")
                || package.has_option('\0', "no-cache")
        }
        Manager::Pacman => pacman_refreshes(package),
        _ => false,
    };
    let upgrade_all = package.action == Action::Upgrade && package.packages.is_empty();
    let refreshes = match package.manager {
        // `yum update` / `dnf upgrade` fetch fresh metadata before upgrading.
        Manager::Yum | Manager::Dnf => package.action == Action::Refresh || upgrade_all,
        _ => package.action == Action::Refresh || refresh_flag,
    };
    let installs = package.action == Action::Install;
    let consumes = installs || matches!(package.action, Action::Upgrade | Action::DistUpgrade);
    Some(Effect {
        script,
        command,
        index,
        name: package.display(),
        refreshes,
        only_refresh: package.action == Action::Refresh,
        installs,
        consumes,
        cleans: package.action == Action::Clean,
    })
}

fn effects_of<'r, 'a>(run: &'r Run<'a>) -> Vec<Effect<'r, 'a>> {
    run.packages()
        .iter()
        .filter_map(|(script, command, package)| effect(script, command, package))
        .collect()
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    let all = runs(ctx);
    let effects: Vec<Vec<Effect<'_, '_>>> = all.iter().map(effects_of).collect();
    // Installs already reported, so that each is reported once, against the nearest refresh.
    let mut reported: Vec<usize> = Vec::new();
    for (position, run) in all.iter().enumerate().rev() {
        for (i, refresh) in effects[position].iter().enumerate() {
            let index = refresh.index;
            let mine = &effects[position];
            let cleaned = mine.iter().any(|e| e.index == index && e.cleans)
                || (index == Index::Apt
                    && run.removes(|path| path.starts_with("/var/lib/apt/lists")));
            if !refresh.refreshes
                || cleaned
                || mine.iter().any(|e| e.index == index && e.installs)
                || mine[..i].iter().any(|e| e.index == index && e.refreshes)
            {
                continue;
            }
            let update_range = refresh.script.source_range(refresh.command.range);
            let mut dependents = 0;
            for later in position + 1..all.len() {
                let other = &all[later];
                if other.stage != run.stage
                    || effects[later]
                        .iter()
                        .any(|e| e.index == index && e.refreshes)
                {
                    break;
                }
                let Some(install) = effects[later]
                    .iter()
                    .find(|e| e.index == index && e.consumes)
                else {
                    continue;
                };
                dependents += 1;
                if reported.contains(&later) {
                    continue;
                }
                reported.push(later);
                out.push(dependent(other, install, refresh, update_range));
            }
            let consumed_here = mine.iter().any(|e| e.index == index && e.consumes);
            if dependents == 0 && refresh.only_refresh && !consumed_here {
                out.push(
                    Diagnostic::new(
                        OrphanPackageUpdate::META,
                        update_range,
                        format!(
                            "`{}` in a RUN that installs nothing: the refreshed index is unused",
                            refresh.name
                        ),
                    )
                    .with_fix(Fix::display_only(
                        "run the refresh in the same RUN as the install, or remove it",
                    )),
                );
            }
        }
    }
}

fn dependent(
    run: &Run<'_>,
    install: &Effect<'_, '_>,
    refresh: &Effect<'_, '_>,
    update_range: TextRange,
) -> Diagnostic {
    Diagnostic::new(
        OrphanPackageUpdate::META,
        run.span_to(install.script, install.command.range),
        format!(
            "`{}` relies on `{}` from an earlier RUN, which the build cache can keep stale",
            install.name, refresh.name
        ),
    )
    .with_label(update_range, "index refreshed in another layer")
    .with_fix(Fix::display_only(
        "refresh the index in the same RUN as the install",
    ))
}

#[cfg(test)]
mod tests {
    use super::OrphanPackageUpdate;
    use crate::rules::test::lines;

    #[test]
    fn refresh_without_install() {
        let meta = OrphanPackageUpdate::META;
        assert_eq!(
            lines(
                meta,
                "FROM a:1\nRUN apt-get update\nRUN apt-get install -y x\n"
            ),
            [3]
        );
        assert_eq!(lines(meta, "FROM a:1\nRUN apk update\n"), [2]);
        assert!(
            lines(
                meta,
                "FROM a:1\nRUN apt-get update && apt-get install -y x\n"
            )
            .is_empty()
        );
        assert!(
            lines(
                meta,
                "FROM a:1\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n"
            )
            .is_empty()
        );
        assert!(lines(meta, "FROM a:1\nRUN apk --update add x\n").is_empty());
        assert_eq!(
            lines(meta, "FROM a:1\nRUN yum update\nRUN yum install x\n"),
            [3]
        );
        assert!(lines(meta, "FROM a:1\nRUN yum update -y\n").is_empty());
        assert_eq!(
            lines(meta, "FROM a:1\nRUN pacman -Syu\nRUN pacman -S nginx\n"),
            [3]
        );
        let two = "FROM a:1\nRUN apt-get update\nRUN apt-get install a\nRUN apt-get install b\n";
        assert_eq!(lines(meta, two), [3, 4]);
        assert_eq!(
            lines(
                meta,
                "FROM a:1\nRUN apt-get update\nFROM b:1\nRUN apt-get install x\n"
            ),
            [2]
        );
    }
}
