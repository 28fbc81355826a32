//! `unrecognised-run-option`: a `docker run` line holds something cofferdam could not read.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Reports what cofferdam could not read on a `docker run` / `docker create` line (and
    /// podman's and nerdctl's): a flag the CLI does not have, a flag without its value, a value
    /// the CLI would reject. The rest of the line is still reviewed.
    ///
    /// ## Why is this bad?
    /// A flag that is not understood may change what the container can do (a new CLI option, a
    /// typo that makes the engine refuse to start the container, or a value that silently means
    /// something else). The review of that container may be incomplete, and the command may not
    /// work at all.
    ///
    /// ## Example
    /// ```sh
    /// docker run --rm --privilegd app:1.4
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// docker run --rm app:1.4
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: only the author knows what the flag was meant to be.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/>
    pub struct UnrecognisedRunOption {
        code: "BLD023",
        name: "unrecognised-run-option",
        category: Build,
        severity: Low,
        inputs: [RunLine],
        fix: DisplayOnly,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for note in &ctx.spec.notes {
        out.push(
            ctx.diagnostic(UnrecognisedRunOption::META, note.range, note.value.clone())
                .with_fix(Fix::display_only(
                    "check the flag against `docker run --help` for the engine version in use",
                )),
        );
    }
}
