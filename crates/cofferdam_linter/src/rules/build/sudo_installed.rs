//! `sudo-installed`: a package manager installs `sudo` into the image that ships.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::packages::shipped_installs;

declare_rule! {
    /// ## What it does
    /// Checks for `sudo` installed by a package manager (`apt-get install sudo`,
    /// `apk add sudo`, `dnf install sudo`, …) in the final stage or in a stage the final stage
    /// is built `FROM`. Installing it in a build-only stage is not a finding, and running
    /// `sudo` is reported by `sudo-in-run`.
    ///
    /// ## Why is this bad?
    /// `sudo` is a setuid-root binary, and images that install it almost always also grant
    /// the application user a passwordless sudoers entry. Whoever gets code execution as that
    /// user is then one command away from root in the container, which undoes running as a
    /// non-root user.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends sudo
    /// USER 10001
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends gosu
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: privileged steps must move to build time (as root) or to an entrypoint
    /// that drops privileges with `gosu`/`su-exec`.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#user>
    /// - <https://github.com/tianon/gosu>
    pub struct SudoInstalled {
        code: "BLD022",
        name: "sudo-installed",
        category: Build,
        severity: Medium,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [],
    }
}

fn is_sudo_package(name: &str) -> bool {
    // A bare name or a pinned one: `sudo`, `sudo=1.9.13p3-1`, `sudo-1.9.5p2` (rpm style).
    name == "sudo"
        || name.starts_with("sudo=")
        || name
            .strip_prefix("sudo-")
            .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for (range, name) in shipped_installs(ctx) {
        if !is_sudo_package(name) {
            continue;
        }
        out.push(
            Diagnostic::new(
                SudoInstalled::META,
                range,
                "`sudo` is installed into the shipped image, a setuid path to root",
            )
            .with_fix(Fix::display_only(
                "do not ship `sudo`: run privileged steps as root at build time, or drop privileges with `gosu`/`su-exec`",
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::SudoInstalled;
    use crate::rules::test::lines;

    #[test]
    fn sudo_in_shipped_stages_only() {
        let meta = SudoInstalled::META;
        assert_eq!(lines(meta, "FROM a:1\nRUN apt-get install -y sudo\n"), [2]);
        assert_eq!(
            lines(meta, "FROM a:1\nRUN dnf install -y sudo-1.9.5p2\n"),
            [2]
        );
        assert!(
            lines(
                meta,
                "FROM a:1 AS build\nRUN apk add sudo\nFROM a:1\nRUN id\n"
            )
            .is_empty()
        );
        assert_eq!(
            lines(
                meta,
                "FROM a:1 AS base\nRUN apk add --no-cache sudo\nFROM base\nRUN id\n"
            ),
            [2]
        );
        assert!(lines(meta, "FROM a:1\nRUN apt-get install -y sudo-ldap-docs-x\n").is_empty());
        assert!(lines(meta, "FROM a:1\nRUN apt-get remove -y sudo\n").is_empty());
    }
}
