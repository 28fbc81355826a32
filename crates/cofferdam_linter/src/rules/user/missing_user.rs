//! `missing-user`: the final stage never sets `USER`, so the base image's user (root, for
//! nearly every base image) applies.

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, declare_rule};

use crate::model::Base;
use crate::rules::DockerfileContext;

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
    /// Display-only: adding a user can break an application that writes to root-owned paths or
    /// binds a port below 1024.
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
        fix: Always,
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
        .with_fix(Fix::display_only(
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
