//! `cd-instead-of-workdir`: `cd` in a `RUN` step where `WORKDIR` would say it once.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::runs::runs;

declare_rule! {
    /// ## What it does
    /// Checks for `cd` commands in `RUN` steps (outside command substitutions).
    ///
    /// This rule is off by default: `cd` inside one `RUN` is harmless, and often clearer than a
    /// `WORKDIR` that later instructions inherit.
    ///
    /// ## Why is this bad?
    /// A `cd` lasts only until the end of its `RUN`, so the directory is repeated in every
    /// step that needs it and relative paths in `COPY`, `CMD` and later steps silently refer to
    /// another directory. `WORKDIR` sets it once, creates it if needed, and is visible to every
    /// following instruction and to the container at runtime.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN cd /usr/src/app && npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /usr/src/app
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: a `WORKDIR` also changes the directory of every later instruction.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#workdir>
    pub struct CdInsteadOfWorkdir {
        code: "BLD011",
        name: "cd-instead-of-workdir",
        category: Build,
        severity: Info,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        default_enabled: false,
        aliases: [
            Hadolint "DL3003",
            Trivy "DS-0013",
            Kics "f4a6bcd3-e231-4acf-993c-aa027be50d2e",
        ],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for run in runs(ctx) {
        for (script, command) in run.commands() {
            if command.in_substitution || command.program() != Some("cd") {
                continue;
            }
            out.push(
                Diagnostic::new(
                    CdInsteadOfWorkdir::META,
                    script.source_range(command.range),
                    "`cd` lasts only for this RUN: set the directory with `WORKDIR`",
                )
                .with_fix(Fix::display_only("use `WORKDIR <dir>` before the RUN")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CdInsteadOfWorkdir;
    use crate::rules::test::lines;

    #[test]
    fn cd_commands() {
        let meta = CdInsteadOfWorkdir::META;
        assert_eq!(lines(meta, "FROM a:1\nRUN cd /src && make\n"), [2]);
        assert!(lines(meta, "FROM a:1\nWORKDIR /src\nRUN make\n").is_empty());
        assert!(lines(meta, "FROM a:1\nRUN X=$(cd /src && pwd) make\n").is_empty());
        assert!(lines(meta, "FROM a:1\nCMD cd /src && ./run\n").is_empty());
    }
}
