//! `apt-instead-of-apt-get`: the interactive `apt` front end used in a build script.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::runs::runs;

declare_rule! {
    /// ## What it does
    /// Checks for `apt` (rather than `apt-get` or `apt-cache`) run in a `RUN` step.
    ///
    /// ## Why is this bad?
    /// `apt` is meant for people at a terminal: its output and behaviour may change between
    /// releases (it warns "apt does not have a stable CLI interface" when piped), and some of
    /// its subcommands do more than their `apt-get` namesakes (`apt upgrade` also installs new
    /// dependencies). Scripts should use the stable `apt-get` and `apt-cache`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt update && apt install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
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
    /// Safe for `install`, `update`, `remove`, `purge`, `autoremove`, `clean` and the other
    /// subcommands whose `apt-get` form does the same thing; the only difference is that `apt`
    /// deletes downloaded `.deb` files after installing, which the cache cleanup this linter
    /// also asks for takes care of. `apt upgrade`, `search`, `show` and `list` get no fix.
    ///
    /// ## References
    /// - <https://manpages.debian.org/bookworm/apt/apt.8.en.html#SCRIPT_USAGE_AND_DIFFERENCES_FROM_OTHER_APT_TOOLS>
    pub struct AptInsteadOfAptGet {
        code: "BLD010",
        name: "apt-instead-of-apt-get",
        category: Build,
        severity: Info,
        inputs: [Dockerfile],
        fix: Safe,
        aliases: [Hadolint "DL3027", Kics "b84a0b47-2e99-4c9f-8933-98bcabe2b94d"],
    }
}

/// Subcommands that `apt-get` runs the same way.
const SAME_IN_APT_GET: [&str; 11] = [
    "install",
    "reinstall",
    "update",
    "remove",
    "purge",
    "autoremove",
    "clean",
    "autoclean",
    "build-dep",
    "source",
    "download",
];

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for run in runs(ctx) {
        for (script, command) in run.commands() {
            let view = command.unwrapped();
            if view.program() != Some("apt") {
                continue;
            }
            let range = script.source_range(view.name.range);
            let mut diagnostic = Diagnostic::new(
                AptInsteadOfAptGet::META,
                range,
                "`apt` has no stable command-line interface for scripts: use `apt-get`",
            );
            let subcommand = view
                .args
                .iter()
                .filter_map(|a| a.value.as_deref())
                .find(|a| !a.starts_with('-'));
            let exact = !run.is_exec()
                && command.script_depth == 0
                && ctx.slice(range) == view.name.raw
                && view.name.raw.ends_with("apt");
            if exact && subcommand.is_some_and(|s| SAME_IN_APT_GET.contains(&s)) {
                let name = format!("{}-get", view.name.raw);
                diagnostic = diagnostic.with_fix(Fix::safe(
                    "replace `apt` with `apt-get`",
                    vec![Edit::replace(range, name)],
                ));
            } else {
                diagnostic = diagnostic.with_fix(Fix::display_only(
                    "use `apt-get` (or `apt-cache` for queries)",
                ));
            }
            out.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AptInsteadOfAptGet;
    use crate::rules::test::{lines, lint};

    #[test]
    fn apt_only() {
        let meta = AptInsteadOfAptGet::META;
        assert_eq!(lines(meta, "FROM a:1\nRUN apt install -y curl\n"), [2]);
        assert_eq!(lines(meta, "FROM a:1\nRUN sudo /usr/bin/apt update\n"), [2]);
        assert!(
            lines(
                meta,
                "FROM a:1\nRUN apt-get install -y curl && apt-cache policy\n"
            )
            .is_empty()
        );
        assert!(lines(meta, "FROM a:1\nRUN echo apt install\n").is_empty());
        let text = "FROM a:1\nRUN apt update\n";
        let fix = lint(meta, text)[0].fix.clone().expect("fix");
        assert_eq!(
            fix.apply(text).as_deref(),
            Some("FROM a:1\nRUN apt-get update\n")
        );
        assert!(
            lint(meta, "FROM a:1\nRUN apt upgrade -y\n")[0]
                .fix
                .as_ref()
                .is_some_and(|f| f.edits.is_empty())
        );
    }
}
