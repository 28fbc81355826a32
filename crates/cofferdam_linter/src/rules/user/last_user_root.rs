//! `last-user-root`: the final stage sets `USER root` (or uid 0) last.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::user::create_user::run_as_non_root;

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
    /// Unsafe: the application then runs without root, which breaks one that writes to
    /// root-owned paths or binds a port below 1024; which user it can run as cannot be known from
    /// the Dockerfile. Review the result and run the image before shipping.
    ///
    /// The fix switches to a numeric non-root user, chosen as `missing-user`'s fix chooses it: the
    /// uid of a user the build creates, else a user created for the base image's family (`addgroup`
    /// and `adduser` on Alpine, `groupadd` and `useradd` on Debian, Ubuntu and the RHEL family),
    /// or the `nonroot` user 65532 of distroless and Chainguard images, or 10001 on `scratch`.
    /// When no user has to be created and no `RUN`, `COPY`, `ADD` or `WORKDIR` follows the root
    /// `USER`, its value is replaced (`USER root` becomes `USER 10001`). Otherwise the root `USER`
    /// stays, because the steps after it (and a `RUN` that creates the user) need root, and the
    /// new `USER` goes after them, before the `CMD` or `ENTRYPOINT` that follows; the same
    /// happens when root is inherited from an earlier stage, which other stages may build on.
    ///
    /// Display-only when the base image's family is not known or the created user's uid is not
    /// known statically.
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
        fix: Unsafe,
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
    // The final stage's own root `USER` may be rewritten; an inherited one belongs to a stage
    // that others may build on.
    let own = ctx
        .model
        .locate(user.instruction)
        .filter(|&(located, _)| located == stage.index)
        .map(|(_, index)| (index, user.word));
    let mut diagnostic =
        Diagnostic::new(LastUserRoot::META, user.word.range, message).with_fix(run_as_non_root(
            ctx,
            own,
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
    use crate::rules::user::create_user::test::{display_only, fixed};

    const RULE: &cofferdam_diagnostics::RuleMeta = LastUserRoot::META;
    const BUSYBOX: &str = "RUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app";
    const SHADOW: &str = "RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app";

    #[test]
    fn fix_rewrites_a_root_user_that_nothing_follows() {
        assert_eq!(
            fixed(
                RULE,
                "FROM alpine:3.20\nRUN adduser -D -u 10001 app\n# back to root\nUSER root\nCMD [\"/app\"]\n"
            ),
            "FROM alpine:3.20\nRUN adduser -D -u 10001 app\n# back to root\nUSER 10001\nCMD [\"/app\"]\n"
        );
        assert_eq!(
            fixed(
                RULE,
                "FROM gcr.io/distroless/static-debian12:nonroot\r\nUSER root\r\nENTRYPOINT [\"/app\"]\r\n"
            ),
            "FROM gcr.io/distroless/static-debian12:nonroot\r\nUSER 65532:65532\r\nENTRYPOINT [\"/app\"]\r\n"
        );
        assert_eq!(
            fixed(RULE, "FROM scratch\nCOPY app /app\nUSER 0:0\n"),
            "FROM scratch\nCOPY app /app\nUSER 10001:10001\n"
        );
    }

    #[test]
    fn fix_keeps_root_for_the_steps_that_follow_it() {
        // The user is created by the fix: its `RUN` needs root, so `USER root` stays.
        assert_eq!(
            fixed(
                RULE,
                "FROM golang:1.23 AS build\nUSER root\nRUN go build -o /out/app ./...\n\nFROM debian:12-slim\nARG RUN_AS=root\nCOPY --from=build /out/app /usr/local/bin/app\nUSER ${RUN_AS}\nCMD [\"app\"]\n"
            ),
            format!(
                "FROM golang:1.23 AS build\nUSER root\nRUN go build -o /out/app ./...\n\nFROM debian:12-slim\nARG RUN_AS=root\nCOPY --from=build /out/app /usr/local/bin/app\nUSER ${{RUN_AS}}\n{SHADOW}\nUSER 10001:10001\nCMD [\"app\"]\n"
            )
        );
        // Steps after `USER root` keep running as root; the switch comes after them.
        assert_eq!(
            fixed(
                RULE,
                "FROM python:3.12-slim\nRUN useradd -u 10001 app\nUSER root\nRUN pip install flask\nCMD [\"flask\", \"run\"]\n"
            ),
            "FROM python:3.12-slim\nRUN useradd -u 10001 app\nUSER root\nRUN pip install flask\nUSER 10001\nCMD [\"flask\", \"run\"]\n"
        );
        assert_eq!(
            fixed(
                RULE,
                "FROM debian:12\r\nUSER root\r\nRUN apt-get update\r\n"
            ),
            format!(
                "FROM debian:12\r\nUSER root\r\nRUN apt-get update\r\n{SHADOW}\r\nUSER 10001:10001\r\n"
            )
        );
    }

    #[test]
    fn fix_for_inherited_root_goes_in_the_final_stage() {
        assert_eq!(
            fixed(
                RULE,
                "FROM alpine:3.20 AS base\nUSER root\nFROM base\nRUN apk add curl\n"
            ),
            format!(
                "FROM alpine:3.20 AS base\nUSER root\nFROM base\nRUN apk add curl\n{BUSYBOX}\nUSER 10001:10001\n"
            )
        );
    }

    #[test]
    fn no_edit_without_a_known_family() {
        let description = display_only(RULE, "FROM ghcr.io/acme/base:1.4\nUSER root\n");
        assert!(description.contains("USER 10001"), "{description}");
    }

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
