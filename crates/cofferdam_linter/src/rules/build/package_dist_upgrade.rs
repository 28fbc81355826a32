//! `package-dist-upgrade`: a distribution upgrade inside an image build.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::packages::Action;
use crate::rules::build::runs::runs;

declare_rule! {
    /// ## What it does
    /// Checks for `apt-get dist-upgrade`, `apt full-upgrade` and `zypper dist-upgrade`/`dup` in
    /// `RUN` steps.
    ///
    /// ## Why is this bad?
    /// A distribution upgrade may install new packages, remove others and move the image to
    /// whatever the configured repositories now hold, so the result no longer matches the base
    /// image's tag and differs from build to build. Upgrading the base image tag (or rebuilding
    /// on a fresh base) gets the fixes while keeping the image reviewable; a plain `upgrade`
    /// stays within the release.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12.7
    /// RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: choosing a newer base image is a decision for the team.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    pub struct PackageDistUpgrade {
        code: "BLD007",
        name: "package-dist-upgrade",
        category: Build,
        severity: Info,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [Hadolint "DL3035", Trivy "DS-0024"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for run in runs(ctx) {
        for (script, _, package) in run.packages() {
            let Some(sub) = package.subcommand else {
                continue;
            };
            if package.action != Action::DistUpgrade {
                continue;
            }
            out.push(
                Diagnostic::new(
                    PackageDistUpgrade::META,
                    script.source_range(sub.range),
                    format!(
                        "`{}` moves the image away from its base release",
                        package.display()
                    ),
                )
                .with_fix(Fix::display_only(
                    "use a newer base image tag, or `upgrade` within the release",
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PackageDistUpgrade;
    use crate::rules::test::lines;

    #[test]
    fn dist_upgrades() {
        let meta = PackageDistUpgrade::META;
        assert_eq!(lines(meta, "FROM a:1\nRUN apt-get dist-upgrade -y\n"), [2]);
        assert_eq!(lines(meta, "FROM a:1\nRUN zypper -n dup\n"), [2]);
        assert_eq!(lines(meta, "FROM a:1\nRUN apt full-upgrade -y\n"), [2]);
        assert!(lines(meta, "FROM a:1\nRUN apt-get upgrade -y\n").is_empty());
        assert!(lines(meta, "FROM a:1\nRUN echo apt-get dist-upgrade\n").is_empty());
    }
}
