//! `missing-user`: the final stage never sets `USER`, so the base image's user (root, for
//! nearly every base image) applies.

use cofferdam_diagnostics::{Diagnostic, Severity, declare_rule};

use crate::model::Base;
use crate::rules::DockerfileContext;
use crate::rules::user::create_user::run_as_non_root;

declare_rule! {
    /// ## What it does
    /// Checks whether the final stage (or a stage it is built `FROM`) sets a `USER`. Base images
    /// known to default to a non-root user (distroless `:nonroot`, Chainguard) are accepted.
    ///
    /// ## Why is this bad?
    /// Without `USER`, containers run as the base image's user, which is root for almost every
    /// official image. Root in the container is root on the host kernel, so any escape starts
    /// with full privileges.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --uid 10001 --no-create-home app
    /// COPY app.py /app/
    /// USER 10001
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the application then runs without root, which breaks one that writes to
    /// root-owned paths (its own files, `/var/run`, a volume) or binds a port below 1024, and the
    /// new user has to exist in the image. Review the result and run the image before shipping.
    ///
    /// The fix adds a numeric `USER` (so that `named-user` is satisfied and Kubernetes'
    /// `runAsNonRoot` can verify it) after the last `RUN`, `COPY`, `ADD` or `WORKDIR` of the final
    /// stage, so that no build step changes user, before the `CMD` or `ENTRYPOINT` that follows
    /// them (above the comment lines directly over it), or at the end of the stage:
    ///
    /// - A user that the build already creates (`useradd`, `adduser`) is switched to by its uid;
    ///   when its command gives none, `--uid 10001` (`-u 10001` for BusyBox `adduser`) is added.
    /// - Alpine and BusyBox images (`alpine`, `busybox`, tags containing `alpine`) get a user and
    ///   group `app` with id 10001 from `addgroup` and `adduser`, then `USER 10001:10001`.
    /// - Debian, Ubuntu and RHEL-family images get the same from `groupadd` and `useradd`: the
    ///   official `debian`, `ubuntu`, `python`, `node`, `golang`, `ruby`, `eclipse-temurin`,
    ///   `nginx`, `fedora`, `rockylinux`, `almalinux`, `ubi9` images and the like, and images
    ///   whose tag names a Debian or Ubuntu release (`-bookworm`, `-noble`).
    /// - Distroless and Chainguard images have no shell but ship a `nonroot` user:
    ///   `USER 65532:65532`.
    /// - `scratch` has no shell and no user database: `USER 10001:10001`, which the kernel
    ///   accepts without a passwd entry.
    ///
    /// The lines added on a Debian-based image, and on an Alpine one:
    ///
    /// ```dockerfile
    /// RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app
    /// USER 10001:10001
    /// ```
    ///
    /// ```dockerfile
    /// RUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app
    /// USER 10001:10001
    /// ```
    ///
    /// Display-only when the base image's family is not known (a variable, a namespaced or
    /// private image, Windows, a `-minimal` variant without `useradd`, a non-POSIX `SHELL`): how
    /// to create a user there cannot be told, and a bare uid would leave the process without the
    /// passwd entry (name, home directory) that many runtimes look up, or miss a non-root user
    /// the image already has. Also display-only when the build creates a user whose uid is not
    /// known statically (`useradd -u "$(…)"`).
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#user>
    /// - CIS Docker Benchmark 4.1
    pub struct MissingUser {
        code: "USR002",
        name: "missing-user",
        category: User,
        severity: High,
        inputs: [Dockerfile],
        fix: Unsafe,
        aliases: [Trivy "DS-0002", Kics "fd54f200-402c-4333-a5a4-36ef6709af2f", Cis "4.1"],
    }
}

/// Base images whose default user is not root.
pub(crate) fn is_nonroot_base(image: &crate::model::ImageRef) -> bool {
    let tag = image.tag.as_deref().unwrap_or_default();
    let registry = image.registry.as_deref().unwrap_or_default();
    (registry == "gcr.io" && image.repository.starts_with("distroless/") && tag.contains("nonroot"))
        || registry == "cgr.dev"
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(stage) = ctx.model.final_stage() else {
        return;
    };
    if ctx.model.effective_user(stage.index).is_some() {
        return;
    }
    // Follow `FROM <stage>` chains to the image that provides the default user.
    let mut root = stage;
    while let Base::Stage(parent) = root.base {
        root = &ctx.model.stages[parent];
    }
    let (message, severity) = match &root.base {
        Base::Image { image, .. } if is_nonroot_base(image) => return,
        Base::Scratch => (
            "the final stage has no `USER`: a `scratch` image runs as uid 0".to_owned(),
            Severity::High,
        ),
        Base::Image {
            unresolved: true, ..
        } => (
            "the final stage has no `USER`; its base image is not known, and most run as root"
                .to_owned(),
            Severity::Medium,
        ),
        _ => (
            "the final stage has no `USER`, so it runs as the base image's user (usually root)"
                .to_owned(),
            Severity::High,
        ),
    };
    let mut diagnostic = Diagnostic::new(MissingUser::META, stage.from.range, message)
        .with_severity(severity)
        .with_fix(run_as_non_root(
            ctx,
            None,
            "create an unprivileged user and add `USER <uid>` at the end of the final stage",
        ));
    // A user created in the final stage but never switched to is the most common cause.
    let created = ctx
        .scripts
        .iter()
        .filter(|script| script.stage == stage.index)
        .flat_map(|script| {
            script
                .script
                .commands
                .iter()
                .filter(|command| {
                    matches!(command.unwrapped().program(), Some("useradd" | "adduser"))
                })
                .map(|command| script.source_range(command.range))
        })
        .next();
    if let Some(range) = created {
        diagnostic = diagnostic.with_label(
            range,
            "a user is created here, but `USER` never switches to it",
        );
    }
    out.push(diagnostic);
}

#[cfg(test)]
mod tests {
    use super::MissingUser;
    use crate::rules::test::lines;
    use crate::rules::user::create_user::test::{display_only, fixed};

    const RULE: &cofferdam_diagnostics::RuleMeta = MissingUser::META;
    const BUSYBOX: &str = "RUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app";
    const SHADOW: &str = "RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app";

    #[test]
    fn fix_creates_a_user_for_the_base_family_before_cmd() {
        assert_eq!(
            fixed(
                RULE,
                "FROM alpine:3.20\nCOPY app /usr/local/bin/app\nCMD [\"app\"]\n"
            ),
            format!(
                "FROM alpine:3.20\nCOPY app /usr/local/bin/app\n{BUSYBOX}\nUSER 10001:10001\nCMD [\"app\"]\n"
            )
        );
        // Without CMD: at the end of the stage, before a trailing comment.
        assert_eq!(
            fixed(RULE, "FROM debian:12\nRUN apt-get update\n# the end\n"),
            format!("FROM debian:12\nRUN apt-get update\n{SHADOW}\nUSER 10001:10001\n# the end\n")
        );
        // Comments directly above CMD stay with it; metadata before it stays where it is.
        assert_eq!(
            fixed(
                RULE,
                "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nWORKDIR /srv/app\nCOPY . .\nEXPOSE 8000\n\n# Serve the app\n# on port 8000\nCMD [\"gunicorn\", \"app:app\"]\n"
            ),
            format!(
                "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nWORKDIR /srv/app\nCOPY . .\nEXPOSE 8000\n\n{SHADOW}\nUSER 10001:10001\n# Serve the app\n# on port 8000\nCMD [\"gunicorn\", \"app:app\"]\n"
            )
        );
        // A heredoc at the end of a file without a final line break.
        assert_eq!(
            fixed(RULE, "FROM alpine:3.20\nRUN <<EOF\napk add curl\nEOF"),
            format!("FROM alpine:3.20\nRUN <<EOF\napk add curl\nEOF\n{BUSYBOX}\nUSER 10001:10001")
        );
    }

    #[test]
    fn fix_for_images_without_a_shell_is_a_numeric_user() {
        assert_eq!(
            fixed(
                RULE,
                "FROM gcr.io/distroless/static-debian12\nCOPY app /app\nENTRYPOINT [\"/app\"]\n"
            ),
            "FROM gcr.io/distroless/static-debian12\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT [\"/app\"]\n"
        );
        assert_eq!(
            fixed(RULE, "FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]"),
            "FROM scratch\nCOPY app /app\nUSER 10001:10001\nENTRYPOINT [\"/app\"]"
        );
    }

    #[test]
    fn fix_changes_only_the_final_stage_and_keeps_line_endings() {
        let text = "FROM golang:1.23 AS build\nRUN go build -o /out/app .\nCMD [\"x\"]\n\nFROM alpine:3.20\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\nCMD [\"--serve\"]\n";
        assert_eq!(
            fixed(RULE, text),
            format!(
                "FROM golang:1.23 AS build\nRUN go build -o /out/app .\nCMD [\"x\"]\n\nFROM alpine:3.20\nCOPY --from=build /out/app /app\n{BUSYBOX}\nUSER 10001:10001\nENTRYPOINT [\"/app\"]\nCMD [\"--serve\"]\n"
            )
        );
        // The family comes from the image at the root of a `FROM <stage>` chain.
        assert_eq!(
            fixed(
                RULE,
                "FROM python:3.12-slim AS base\nRUN pip install flask\nFROM base\nCOPY . /app\n"
            ),
            format!(
                "FROM python:3.12-slim AS base\nRUN pip install flask\nFROM base\nCOPY . /app\n{SHADOW}\nUSER 10001:10001\n"
            )
        );
        assert_eq!(
            fixed(
                RULE,
                "FROM node:22-slim\r\nCOPY . /app\r\n# start\r\nCMD [\"node\", \"/app\"]\r\n"
            ),
            format!(
                "FROM node:22-slim\r\nCOPY . /app\r\n{SHADOW}\r\nUSER 10001:10001\r\n# start\r\nCMD [\"node\", \"/app\"]\r\n"
            )
        );
        // Indented instructions: the new lines are indented alike.
        assert_eq!(
            fixed(
                RULE,
                "FROM alpine:3.20\n    RUN apk add curl\n    CMD [\"sh\"]\n"
            ),
            format!(
                "FROM alpine:3.20\n    RUN apk add curl\n    {BUSYBOX}\n    USER 10001:10001\n    CMD [\"sh\"]\n"
            )
        );
    }

    #[test]
    fn fix_switches_to_a_user_the_build_creates() {
        assert_eq!(
            fixed(
                RULE,
                "FROM debian:12\nRUN useradd --uid 10001 app\nCMD [\"app\"]\n"
            ),
            "FROM debian:12\nRUN useradd --uid 10001 app\nUSER 10001\nCMD [\"app\"]\n"
        );
        let text = "FROM debian:12\nARG UID=1000\nRUN useradd -u \"$UID\" dev\nCMD [\"app\"]\n";
        assert_eq!(
            crate::rules::test::lint(RULE, text)[0]
                .fix
                .as_ref()
                .map(|fix| fix.description.as_str()),
            Some("switch to the user that the build creates, by its uid: `USER ${UID}`")
        );
        assert_eq!(
            fixed(RULE, text),
            "FROM debian:12\nARG UID=1000\nRUN useradd -u \"$UID\" dev\nUSER ${UID}\nCMD [\"app\"]\n"
        );
        // The variable is not in scope in the next stage: its value is written instead.
        assert_eq!(
            fixed(
                RULE,
                "FROM alpine:3.20 AS base\nARG UID=2000\nRUN adduser -D -u${UID} app\nFROM base\nCMD [\"app\"]\n"
            ),
            "FROM alpine:3.20 AS base\nARG UID=2000\nRUN adduser -D -u${UID} app\nFROM base\nUSER 2000\nCMD [\"app\"]\n"
        );
        // A user created without a uid gets one.
        assert_eq!(
            fixed(
                RULE,
                "FROM alpine:3.20\nRUN adduser -D app\nCMD [\"app\"]\n"
            ),
            "FROM alpine:3.20\nRUN adduser -u 10001 -D app\nUSER 10001\nCMD [\"app\"]\n"
        );
        assert_eq!(
            fixed(
                RULE,
                "FROM ubuntu:24.04\nRUN apt-get update && sudo useradd -m app\n"
            ),
            "FROM ubuntu:24.04\nRUN apt-get update && sudo useradd --uid 10001 -m app\nUSER 10001\n"
        );
        assert_eq!(
            fixed(
                RULE,
                "FROM debian:12\nRUN adduser --disabled-password app\n"
            ),
            "FROM debian:12\nRUN adduser --uid 10001 --disabled-password app\nUSER 10001\n"
        );
        // `adduser <user> <group>` adds a user to a group; the user was created before.
        assert_eq!(
            fixed(
                RULE,
                "FROM debian:12\nRUN adduser --uid 2000 --gecos '' app && adduser app audio\n"
            ),
            "FROM debian:12\nRUN adduser --uid 2000 --gecos '' app && adduser app audio\nUSER 2000\n"
        );
        // An `ONBUILD` trigger creates its user in the images built from this one.
        assert_eq!(
            fixed(
                RULE,
                "FROM debian:12\nONBUILD RUN useradd -u 5000 x\nCMD [\"x\"]\n"
            ),
            format!(
                "FROM debian:12\nONBUILD RUN useradd -u 5000 x\n{SHADOW}\nUSER 10001:10001\nCMD [\"x\"]\n"
            )
        );
    }

    #[test]
    fn no_edit_without_a_known_family_or_uid() {
        for text in [
            "FROM ghcr.io/acme/base:1.4\nCMD [\"app\"]\n",
            "ARG BASE\nFROM $BASE\n",
            "FROM rockylinux:9-minimal\n",
            "FROM debian:12\nSHELL [\"pwsh\", \"-c\"]\nRUN echo\n",
            "FROM debian:12\nRUN useradd -u \"$(cat /uid)\" app\n",
            "FROM ghcr.io/acme/base:1.4\nRUN adduser -D app\n",
        ] {
            assert!(display_only(RULE, text).contains("USER <uid>"), "{text}");
        }
    }

    #[test]
    fn flags_the_final_from() {
        assert_eq!(
            lines(
                MissingUser::META,
                "FROM a:1 AS b\nUSER app\nFROM c:1\nRUN x\n"
            ),
            [3]
        );
        assert!(
            lines(
                MissingUser::META,
                "FROM a:1 AS b\nUSER app\nFROM b\nRUN x\n"
            )
            .is_empty()
        );
        assert!(lines(MissingUser::META, "FROM gcr.io/distroless/static:nonroot\n").is_empty());
        assert_eq!(lines(MissingUser::META, "FROM scratch\nCOPY a /a\n"), [1]);
    }

    #[test]
    fn points_at_a_created_but_unused_user() {
        let found = crate::rules::test::lint(
            MissingUser::META,
            "FROM debian:12\nRUN useradd --uid 10001 app\nCMD [\"app\"]\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].labels.len(), 1);
        assert_eq!(
            found[0].labels[0].range,
            cofferdam_diagnostics::TextRange::new(19, 42)
        );
    }
}
