//! `named-user`: the final `USER` is a name rather than a numeric uid.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;

declare_rule! {
    /// ## What it does
    /// Checks whether the final stage's `USER` is given as a name (`USER app`) rather than a
    /// numeric uid (`USER 10001`).
    ///
    /// ## Why is this bad?
    /// Orchestrators can only prove that an image does not run as root when the user is a
    /// number: Kubernetes' `runAsNonRoot` refuses to start a container whose user is a name,
    /// and a name resolves through the image's `/etc/passwd`, which a later layer can change.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -D -u 10001 app
    /// USER app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -D -u 10001 app
    /// USER 10001:10001
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the uid behind the name is assigned when the image is built.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    pub struct NamedUser {
        code: "USR003",
        name: "named-user",
        category: User,
        severity: Info,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [Hadolint "DL3066"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(stage) = ctx.model.final_stage() else {
        return;
    };
    let Some(user) = ctx.model.effective_user(stage.index) else {
        return;
    };
    if user.unresolved || user.is_numeric() || user.is_root() {
        return;
    }
    out.push(
        Diagnostic::new(
            NamedUser::META,
            user.word.range,
            format!(
                "the final user `{}` is a name, not a numeric uid",
                user.user
            ),
        )
        .with_fix(Fix::display_only(
            "use the numeric uid (and gid) that the image assigns to this user",
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::NamedUser;
    use crate::rules::test::lines;

    #[test]
    fn names_but_not_numbers() {
        assert_eq!(lines(NamedUser::META, "FROM a:1\nUSER app\n"), [2]);
        assert!(lines(NamedUser::META, "FROM a:1\nUSER 1000:1000\n").is_empty());
        assert!(lines(NamedUser::META, "FROM a:1\nUSER root\n").is_empty());
    }
}
