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
    /// Unsafe when the build creates the user with a uid it states (`useradd -u 10001 app`,
    /// also through a build variable with a value) and the `USER` names no group: the name is
    /// replaced with that uid. At runtime the uid resolves to the same passwd entry (its
    /// primary group, supplementary groups and home), but a later step or base image that
    /// changes the user's uid would make the two differ. Display-only otherwise: the uid
    /// behind the name is assigned when the image is built.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    pub struct NamedUser {
        code: "USR003",
        name: "named-user",
        category: User,
        severity: Info,
        inputs: [Dockerfile],
        fix: Unsafe,
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
        .with_fix(uid_fix(ctx, &user)),
    );
}

/// `USER app` → `USER 10001` when the build creates `app` with that uid.
fn uid_fix(ctx: &DockerfileContext<'_>, user: &crate::model::EffectiveUser<'_>) -> Fix {
    const SUGGESTION: &str = "use the numeric uid (and gid) that the image assigns to this user";
    if user.group.is_some() || ctx.slice(user.word.range) != user.user {
        return Fix::display_only(SUGGESTION);
    }
    match super::create_user::created_uid(ctx, &user.user) {
        Some(uid) => Fix::unsafe_edits(
            format!(
                "switch to `USER {uid}`, the uid the build gives `{}`",
                user.user
            ),
            vec![cofferdam_diagnostics::Edit::replace(user.word.range, uid)],
        ),
        None => Fix::display_only(SUGGESTION),
    }
}

#[cfg(test)]
mod tests {
    use super::NamedUser;
    use crate::rules::test::{lines, lint};

    /// The text after the rule's fix, when it has edits.
    fn fixed(text: &str) -> Option<String> {
        let fix = lint(NamedUser::META, text).pop()?.fix?;
        (!fix.edits.is_empty()).then(|| fix.apply(text).expect("edits apply"))
    }

    #[test]
    fn a_name_the_build_gives_a_uid_becomes_that_uid() {
        assert_eq!(
            fixed("FROM alpine:3.20\nRUN adduser -D -u 10001 app\nUSER app\n").as_deref(),
            Some("FROM alpine:3.20\nRUN adduser -D -u 10001 app\nUSER 10001\n")
        );
        assert_eq!(
            fixed("FROM debian:12\nARG UID=2000\nRUN groupadd app && useradd --uid \"$UID\" -g app -m app\nUSER app\n").as_deref(),
            Some("FROM debian:12\nARG UID=2000\nRUN groupadd app && useradd --uid \"$UID\" -g app -m app\nUSER 2000\n")
        );
        // A group in USER, a user created without a uid, another user's uid: suggestions only.
        assert_eq!(
            fixed("FROM alpine:3.20\nRUN adduser -D -u 10001 app\nUSER app:app\n"),
            None
        );
        assert_eq!(
            fixed("FROM debian:12\nRUN useradd -r app\nUSER app\n"),
            None
        );
        assert_eq!(
            fixed("FROM debian:12\nRUN useradd -u 5 web\nUSER app\n"),
            None
        );
        assert_eq!(
            fixed("FROM alpine:3.20\nRUN adduser app wheel\nUSER app\n"),
            None
        );
    }

    #[test]
    fn names_but_not_numbers() {
        assert_eq!(lines(NamedUser::META, "FROM a:1\nUSER app\n"), [2]);
        assert!(lines(NamedUser::META, "FROM a:1\nUSER 1000:1000\n").is_empty());
        assert!(lines(NamedUser::META, "FROM a:1\nUSER root\n").is_empty());
    }
}
