//! `last-user-root`: the final stage sets `USER root` (or uid 0) last.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;

declare_rule! {
    /// ## What it does
    /// Checks whether the user that the final stage's containers run as is `root` or uid `0`,
    /// after resolving `USER ${ARG}`, `uid:gid` forms and users inherited from an earlier stage.
    ///
    /// ## Why is this bad?
    /// A process running as root inside a container is root on the host's kernel: any escape
    /// (a kernel bug, a mounted socket, an added capability) starts with full privileges, and
    /// the process can rewrite every file in the image. Only the last stage's user matters:
    /// root in a build stage is fine.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -D -u 10001 app
    /// USER root
    /// CMD ["/app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -D -u 10001 app
    /// USER 10001
    /// CMD ["/app"]
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: which user the application can run as (file ownership, ports, writable
    /// paths) cannot be known from the Dockerfile.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#user>
    /// - CIS Docker Benchmark 4.1
    pub struct LastUserRoot {
        code: "USR001",
        name: "last-user-root",
        category: User,
        severity: High,
        inputs: [Dockerfile],
        fix: Always,
        aliases: [Hadolint "DL3002", Trivy "DS-0002", Kics "67fd0c4a-68cf-46d7-8c41-bc9fba7e40ae", Cis "4.1"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(stage) = ctx.model.final_stage() else {
        return;
    };
    let Some(user) = ctx.model.effective_user(stage.index) else {
        return;
    };
    if !user.is_root() {
        return;
    }
    let message = if user.stage == stage.index {
        "the final stage runs as root".to_owned()
    } else {
        format!("the final stage inherits root from stage {}", user.stage)
    };
    let mut diagnostic =
        Diagnostic::new(LastUserRoot::META, user.word.range, message).with_fix(Fix::display_only(
            "switch to a non-root numeric user, e.g. `USER 10001`, after the steps that need root",
        ));
    if user.stage != stage.index {
        diagnostic = diagnostic.with_label(stage.from.range, "final stage built from here");
    }
    out.push(diagnostic);
}

#[cfg(test)]
mod tests {
    use super::LastUserRoot;
    use crate::rules::test::lines;

    #[test]
    fn flags_only_the_final_user() {
        assert_eq!(lines(LastUserRoot::META, "FROM a:1\nUSER root\n"), [2]);
        assert_eq!(lines(LastUserRoot::META, "FROM a:1\nUSER 0:0\n"), [2]);
        assert!(
            lines(
                LastUserRoot::META,
                "FROM a:1 AS b\nUSER root\nFROM c:1\nUSER app\n"
            )
            .is_empty()
        );
        assert!(
            lines(
                LastUserRoot::META,
                "FROM a:1\nUSER root\nRUN x\nUSER 1000\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn resolves_arguments_and_inheritance() {
        assert_eq!(
            lines(LastUserRoot::META, "FROM a:1\nARG U=root\nUSER ${U}\n"),
            [3]
        );
        assert!(lines(LastUserRoot::META, "FROM a:1\nARG U\nUSER $U\n").is_empty());
        assert_eq!(
            lines(
                LastUserRoot::META,
                "FROM a:1 AS base\nUSER root\nFROM base\nRUN x\n"
            ),
            [2]
        );
    }
}
