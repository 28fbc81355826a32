//! `package-cache-not-cleaned`: a `RUN` installs packages and leaves the package manager's
//! index or download cache in the layer.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, TextRange, declare_rule};

use crate::rules::build::packages::{Action, Manager, PackageCommand};
use crate::rules::build::runs::{Run, only_copied_from, runs};
use crate::rules::{DockerfileContext, RunScript};
use crate::syntax::shell::Command;

declare_rule! {
    /// ## What it does
    /// Checks that a `RUN` which installs packages also removes what the package manager leaves
    /// behind, in the same `RUN`:
    ///
    /// - `apt-get`/`apt` install or upgrade without `rm -rf /var/lib/apt/lists/*`;
    /// - `apk add` without `--no-cache`;
    /// - `yum`, `dnf`, `microdnf` install or update without `<manager> clean all`;
    /// - `zypper` install, update or `dup` without `zypper clean`;
    /// - `pip install` without `--no-cache-dir` (or `PIP_NO_CACHE_DIR` in the environment).
    ///
    /// Deleting the cache directory (`rm -rf /var/cache/apk/*`, `~/.cache/pip`) also counts, and
    /// `RUN --mount=type=cache` (or `tmpfs`) on the cache directory exempts the step. Stages
    /// that are only `COPY --from` sources are skipped: their layers never ship.
    ///
    /// ## Why is this bad?
    /// A file deleted in a later layer still occupies the earlier one. Package lists and caches
    /// add tens to hundreds of megabytes to every pull and every node's disk, and stale package
    /// indexes left in an image make later installs from it pick outdated versions.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
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
    /// Adding `--no-cache` to `apk add` and `--no-cache-dir` to `pip install` is safe: only the
    /// cache is affected. The cleanup commands of other managers are suggested but not inserted,
    /// since where they belong in a longer script is a judgement call.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    /// - <https://docs.docker.com/build/cache/optimize/#use-cache-mounts>
    pub struct PackageCacheNotCleaned {
        code: "BLD002",
        name: "package-cache-not-cleaned",
        category: Build,
        severity: Low,
        inputs: [Dockerfile],
        fix: Safe,
        aliases: [
            Hadolint "DL3009",
            Hadolint "DL3019",
            Hadolint "DL3032",
            Hadolint "DL3036",
            Hadolint "DL3040",
            Hadolint "DL3042",
            Trivy "DS-0015",
            Trivy "DS-0019",
            Trivy "DS-0020",
            Trivy "DS-0025",
            Trivy "DS-0027",
            Kics "df746b39-6564-4fed-bf85-e9c44382303c",
            Kics "ae9c56a6-3ed1-4ac0-9b54-31267f51151d",
            Kics "00481784-25aa-4a55-8633-3136dfcf4f37",
            Kics "295acb63-9246-4b21-b441-7c1f1fb62dc0",
            Kics "38300d1a-feb2-4a48-936a-d1ef1cd24313",
            Kics "f2f903fb-b977-461e-98d7-b3e2185c6118",
        ],
    }
}

/// The cache families: managers that share a cleanup command or directory.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Apt,
    Apk,
    Rpm,
    Zypper,
    Pip,
}

fn family(manager: Manager) -> Option<Family> {
    match manager {
        Manager::Apt => Some(Family::Apt),
        Manager::Apk => Some(Family::Apk),
        Manager::Yum | Manager::Dnf => Some(Family::Rpm),
        Manager::Zypper => Some(Family::Zypper),
        Manager::Pip => Some(Family::Pip),
        _ => None,
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for run in runs(ctx) {
        if only_copied_from(ctx.model, run.stage) {
            continue;
        }
        let commands = run.packages();
        let mut reported: Vec<Family> = Vec::new();
        for (script, command, package) in commands {
            let Some(family) = family(package.manager) else {
                continue;
            };
            if reported.contains(&family) {
                continue;
            }
            let finding = match family {
                Family::Apt => apt(run, package),
                Family::Apk => apk(run, package),
                Family::Rpm => rpm(run, commands, package),
                Family::Zypper => zypper(run, commands, package),
                Family::Pip => pip(ctx, run, command, package),
            };
            let Some((message, fix)) = finding else {
                continue;
            };
            reported.push(family);
            let range = run.span_to(script, command.range);
            let fix = fix.and_then(|(after, flag)| insertion(run, script, command, after, flag));
            let mut diagnostic = Diagnostic::new(PackageCacheNotCleaned::META, range, message)
                .with_label(
                    script.source_range(command.range),
                    "packages installed here",
                );
            if let Some(fix) = fix {
                diagnostic = diagnostic.with_fix(fix);
            }
            out.push(diagnostic);
        }
    }
}

/// A message and, for a missing flag, `(word the flag goes after, flag)`.
type Finding = Option<(String, Option<(TextRange, &'static str)>)>;

fn installs(package: &PackageCommand<'_>) -> bool {
    matches!(
        package.action,
        Action::Install | Action::Upgrade | Action::DistUpgrade
    )
}

fn apt(run: &Run<'_>, package: &PackageCommand<'_>) -> Finding {
    if !installs(package)
        || run.mounts_cache(&["/var/lib/apt/lists"])
        || run.removes(|path| {
            let path = path.trim_end_matches(['*', '/']);
            path == "/var/lib/apt" || path.starts_with("/var/lib/apt/lists")
        })
    {
        return None;
    }
    Some((
        format!(
            "`{}` leaves package lists in the layer: add `rm -rf /var/lib/apt/lists/*` to this RUN",
            package.display()
        ),
        None,
    ))
}

fn apk(run: &Run<'_>, package: &PackageCommand<'_>) -> Finding {
    if package.action != Action::Install
        || package.has_option('\0', "no-cache")
        || run.mounts_cache(&["/var/cache/apk", "/etc/apk/cache"])
        || run.removes(|path| path.starts_with("/var/cache/apk"))
    {
        return None;
    }
    let after = package.subcommand.map(|w| w.range)?;
    Some((
        "`apk add` keeps the package index in the layer: add `--no-cache`".to_owned(),
        Some((after, " --no-cache")),
    ))
}

fn cleans(
    commands: &[(&RunScript<'_>, &Command, PackageCommand<'_>)],
    family: Family,
    argument: Option<&str>,
) -> bool {
    commands.iter().any(|(_, _, other)| {
        self::family(other.manager) == Some(family)
            && other.action == Action::Clean
            && argument.is_none_or(|wanted| {
                other
                    .packages
                    .iter()
                    .any(|w| w.value.as_deref() == Some(wanted))
            })
    })
}

fn rpm(
    run: &Run<'_>,
    commands: &[(&RunScript<'_>, &Command, PackageCommand<'_>)],
    package: &PackageCommand<'_>,
) -> Finding {
    const CACHES: [&str; 3] = ["/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5"];
    if !installs(package)
        || cleans(commands, Family::Rpm, Some("all"))
        || run.mounts_cache(&CACHES)
        || run.removes(|path| CACHES.iter().any(|cache| path.starts_with(cache)))
    {
        return None;
    }
    let program = package
        .program
        .value
        .as_deref()
        .map_or("dnf", |p| p.rsplit('/').next().unwrap_or(p));
    Some((
        format!(
            "`{}` leaves its package cache in the layer: add `{program} clean all` to this RUN",
            package.display()
        ),
        None,
    ))
}

fn zypper(
    run: &Run<'_>,
    commands: &[(&RunScript<'_>, &Command, PackageCommand<'_>)],
    package: &PackageCommand<'_>,
) -> Finding {
    if !installs(package)
        || cleans(commands, Family::Zypper, None)
        || run.mounts_cache(&["/var/cache/zypp"])
        || run.removes(|path| path.starts_with("/var/cache/zypp"))
    {
        return None;
    }
    Some((
        format!(
            "`{}` leaves its package cache in the layer: add `zypper clean --all` to this RUN",
            package.display()
        ),
        None,
    ))
}

fn pip(
    ctx: &DockerfileContext<'_>,
    run: &Run<'_>,
    command: &Command,
    package: &PackageCommand<'_>,
) -> Finding {
    const VARIABLE: &str = "PIP_NO_CACHE_DIR";
    // pip disables its cache for any valid value, `false` and `0` included (kept for
    // backwards compatibility), so only an empty value leaves it on.
    let in_env = ctx
        .model
        .scope(run.stage, run.index)
        .get(VARIABLE)
        .flatten()
        .is_some_and(|value| !value.trim().is_empty());
    let assigned = command.assignments.iter().any(|a| a.name == VARIABLE)
        || command
            .unwrapped()
            .wrapper_args
            .iter()
            .chain(
                run.commands()
                    .filter(|(_, c)| c.program() == Some("export"))
                    .flat_map(|(_, c)| &c.args),
            )
            .any(|w| w.raw.starts_with("PIP_NO_CACHE_DIR="));
    let purged = run.packages().iter().any(|(_, _, p)| {
        p.manager == Manager::Pip && p.subcommand.and_then(|s| s.value.as_deref()) == Some("cache")
    });
    if package.action != Action::Install
        || package.has_option('\0', "no-cache-dir")
        || in_env
        || assigned
        || purged
        || run.mounts_cache(&["/root/.cache/pip"])
        || run
            .cache_mount_targets()
            .iter()
            .any(|target| target.ends_with("/.cache/pip") || target.ends_with("/.cache"))
        || run.removes(|path| path.trim_end_matches(['*', '/']).ends_with(".cache/pip"))
    {
        return None;
    }
    let after = package.subcommand.map(|w| w.range)?;
    Some((
        "`pip install` keeps downloaded packages in ~/.cache/pip: add `--no-cache-dir`".to_owned(),
        Some((after, " --no-cache-dir")),
    ))
}

/// A safe fix inserting `flag` after the subcommand word, when the word maps exactly onto the
/// Dockerfile (not in an exec-form array or a re-parsed `sh -c` string).
fn insertion(
    run: &Run<'_>,
    script: &RunScript<'_>,
    command: &Command,
    after: TextRange,
    flag: &str,
) -> Option<Fix> {
    if run.is_exec() || command.script_depth > 0 {
        return None;
    }
    let end = script.source_range(after).end();
    Some(Fix::safe(
        format!("add `{}`", flag.trim()),
        vec![Edit::insert(end, flag)],
    ))
}

#[cfg(test)]
mod tests {
    use super::PackageCacheNotCleaned;
    use crate::rules::test::{lines, lint};

    #[test]
    fn each_manager() {
        let meta = PackageCacheNotCleaned::META;
        assert_eq!(lines(meta, "FROM a:1\nRUN apt-get install -y x\n"), [2]);
        assert!(
            lines(
                meta,
                "FROM a:1\nRUN apt-get install -y x && rm -rf /var/lib/apt/lists/*\n"
            )
            .is_empty()
        );
        assert_eq!(lines(meta, "FROM a:1\nRUN apk add --update x\n"), [2]);
        assert!(lines(meta, "FROM a:1\nRUN apk add --no-cache x\n").is_empty());
        assert_eq!(lines(meta, "FROM a:1\nRUN yum install -y x\n"), [2]);
        assert!(lines(meta, "FROM a:1\nRUN yum install -y x && yum clean all\n").is_empty());
        assert!(
            lines(
                meta,
                "FROM a:1\nRUN microdnf install -y x && microdnf clean all\n"
            )
            .is_empty()
        );
        assert_eq!(lines(meta, "FROM a:1\nRUN zypper -n in x\n"), [2]);
        assert_eq!(
            lines(meta, "FROM a:1\nRUN python3 -m pip install flask\n"),
            [2]
        );
        assert!(
            lines(
                meta,
                "FROM a:1\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n"
            )
            .is_empty()
        );
        assert!(
            lines(
                meta,
                "FROM a:1\nRUN --mount=type=cache,target=/root/.cache pip install x\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn builder_stages_only_copied_from_are_skipped() {
        let text = "FROM a:1 AS build\nRUN apk add gcc\nFROM b:1\nCOPY --from=build /x /x\n";
        assert!(lines(PackageCacheNotCleaned::META, text).is_empty());
        let text = "FROM a:1 AS base\nRUN apk add gcc\nFROM base\n";
        assert_eq!(lines(PackageCacheNotCleaned::META, text), [2]);
    }

    #[test]
    fn safe_fix_adds_the_flag() {
        let text = "FROM a:1\nRUN apk add curl && pip install x\n";
        let found = lint(PackageCacheNotCleaned::META, text);
        let fixed: Vec<String> = found
            .iter()
            .filter_map(|d| d.fix.as_ref()?.apply(text))
            .collect();
        assert_eq!(
            fixed,
            [
                "FROM a:1\nRUN apk add --no-cache curl && pip install x\n",
                "FROM a:1\nRUN apk add curl && pip install --no-cache-dir x\n",
            ]
        );
    }
}
