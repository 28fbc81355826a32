//! `apt-install-recommends`: `apt-get install` also pulls in every recommended package.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, declare_rule};

use crate::model::Base;
use crate::rules::DockerfileContext;
use crate::rules::build::packages::{Action, Manager};
use crate::rules::build::runs::{Run, runs};

declare_rule! {
    /// ## What it does
    /// Checks that `apt-get install` (and `apt install`) is given `--no-install-recommends`,
    /// unless an `-o APT::Install-Recommends=false` option or an earlier `RUN` writing
    /// `APT::Install-Recommends "false"` into the apt configuration already turns
    /// recommendations off.
    ///
    /// ## Why is this bad?
    /// Recommended packages are installed by default: often dozens of them, with their own
    /// binaries, services and vulnerabilities, none of which the application asked for. They
    /// grow the image and its attack surface and make scanners report issues in code that is
    /// never used.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl ca-certificates \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the application may rely on a package that was only recommended (for example
    /// `ca-certificates`, recommended by `curl`); add it explicitly after applying the fix.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    pub struct AptInstallRecommends {
        code: "BLD004",
        name: "apt-install-recommends",
        category: Build,
        severity: Info,
        inputs: [Dockerfile],
        fix: Unsafe,
        aliases: [
            Hadolint "DL3015",
            Trivy "DS-0029",
            Kics "7384dfb2-fcd1-4fbf-91cd-6c44c318c33c",
        ],
    }
}

/// An `APT::Install-Recommends` setting turning recommendations off, in any spelling apt
/// accepts (`"false"`, `0`, `no`, with `=` or a space).
fn disables_recommends(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.match_indices("install-recommends").any(|(at, key)| {
        let rest = lower[at + key.len()..].trim_start_matches(['"', '\'', ' ', '=', '\t']);
        rest.starts_with("false") || rest.starts_with('0') || rest.starts_with("no")
    })
}

/// Whether an earlier `RUN` of the stage (or of a stage it is built on) configured apt
/// without recommendations.
fn configured_earlier(ctx: &DockerfileContext<'_>, all: &[Run<'_>], run: &Run<'_>) -> bool {
    let mut stages = vec![run.stage];
    let mut current = run.stage;
    while let Base::Stage(parent) = ctx.model.stages[current].base {
        if parent >= current {
            break;
        }
        stages.push(parent);
        current = parent;
    }
    all.iter()
        .filter(|other| {
            stages.contains(&other.stage) && (other.stage != run.stage || other.index < run.index)
        })
        .flat_map(Run::scripts)
        .any(|script| disables_recommends(&script.text.text))
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    let all = runs(ctx);
    for run in all {
        for (script, command, package) in run.packages() {
            let program = package.program.value.as_deref().unwrap_or_default();
            if package.manager != Manager::Apt
                || program.ends_with("aptitude")
                || package.action != Action::Install
                || package.subcommand.and_then(|s| s.value.as_deref()) == Some("build-dep")
                || package.has_option('\0', "no-install-recommends")
                || command
                    .args
                    .iter()
                    .any(|a| disables_recommends(a.value.as_deref().unwrap_or(&a.raw)))
                || configured_earlier(ctx, all, run)
            {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                AptInstallRecommends::META,
                run.span_to(script, command.range),
                format!(
                    "`{}` without `--no-install-recommends` also installs recommended packages",
                    package.display()
                ),
            )
            .with_label(
                script.source_range(command.range),
                "installs recommended packages",
            );
            if let Some(sub) = package.subcommand
                && !run.is_exec()
                && command.script_depth == 0
            {
                let at = script.source_range(sub.range).end();
                diagnostic = diagnostic.with_fix(Fix::unsafe_edits(
                    "add `--no-install-recommends`",
                    vec![Edit::insert(at, " --no-install-recommends")],
                ));
            }
            out.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AptInstallRecommends;
    use crate::rules::test::lines;

    #[test]
    fn recommends() {
        let meta = AptInstallRecommends::META;
        assert_eq!(lines(meta, "FROM a:1\nRUN apt-get install -y x\n"), [2]);
        assert_eq!(
            lines(meta, "FROM a:1\nRUN [\"apt-get\", \"install\", \"x\"]\n"),
            [2]
        );
        assert!(
            lines(
                meta,
                "FROM a:1\nRUN apt-get install -y --no-install-recommends x\n"
            )
            .is_empty()
        );
        assert!(
            lines(
                meta,
                "FROM a:1\nRUN apt-get -o APT::Install-Recommends=0 install x\n"
            )
            .is_empty()
        );
        let configured = "FROM a:1\nRUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/90\nRUN apt-get install -y x\n";
        assert!(lines(meta, configured).is_empty());
        assert!(lines(meta, "FROM a:1\nRUN apt-get update\n").is_empty());
    }
}
