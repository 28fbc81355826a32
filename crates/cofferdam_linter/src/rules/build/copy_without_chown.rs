//! `copy-without-chown`: `COPY`/`ADD` after a non-root `USER` in the final stage creates files
//! owned by root, not by that user.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::Base;
use crate::model::dockerfile::is_root_user;
use crate::rules::DockerfileContext;
use crate::syntax::dockerfile::{InstructionKind, Word};

declare_rule! {
    /// ## What it does
    /// Checks the final stage for `COPY` and `ADD` without `--chown` (or `--chmod`) that come
    /// after a `USER` switching to a known non-root user (set in the stage or inherited from a
    /// stage it is built `FROM`). `COPY --from` is not reported: its files keep the ownership
    /// they had in the source stage. The rule does not guess which paths the application
    /// writes: an explicit `--chown=root:root` records that read-only ownership is intended.
    ///
    /// ## Why is this bad?
    /// `USER` does not apply to `COPY` and `ADD`: their files are created as root (uid 0) unless
    /// `--chown` says otherwise. An application that expects to write next to its files
    /// (uploads, caches, generated config) then fails with "permission denied", and the usual
    /// workaround is `RUN chmod -R 777` or `RUN chown -R`, which makes everything writable or
    /// duplicates every file in a new layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --uid 10001 app
    /// USER 10001
    /// WORKDIR /srv/app
    /// COPY . .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --uid 10001 app
    /// USER 10001
    /// WORKDIR /srv/app
    /// COPY --chown=10001:10001 . .
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: giving the application user ownership lets it modify its own files, which
    /// is only right for paths it has to write; for the rest, root ownership is the safer
    /// choice and `--chown=root:root` says so.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#copy---chown---chmod>
    pub struct CopyWithoutChown {
        code: "BLD020",
        name: "copy-without-chown",
        category: Build,
        severity: Info,
        inputs: [Dockerfile],
        fix: Always,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(stage) = ctx.model.final_stage() else {
        return;
    };
    // The user in effect before the stage's first instruction: inherited from a parent stage.
    let inherited = match stage.base {
        Base::Stage(parent) if parent < stage.index => {
            ctx.model.effective_user(parent).and_then(|user| {
                (!user.unresolved && !user.is_root()).then_some((user.word, user.user))
            })
        }
        _ => None,
    };
    let mut current: Option<(&Word, String)> = inherited;
    for (index, instruction) in stage.instructions.iter().enumerate() {
        match &instruction.kind {
            InstructionKind::User(word) => {
                let expanded = ctx.model.expand_at(stage.index, index, word);
                let user = expanded
                    .value
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                current =
                    (expanded.unresolved.is_empty() && !user.is_empty() && !is_root_user(&user))
                        .then_some((word, user));
            }
            InstructionKind::Copy(_) | InstructionKind::Add(_) => {
                let Some((user_word, user)) = &current else {
                    continue;
                };
                if ["chown", "chmod", "from"]
                    .iter()
                    .any(|name| instruction.flag(name).is_some())
                {
                    continue;
                }
                let keyword = instruction.keyword.as_str();
                out.push(
                    Diagnostic::new(
                        CopyWithoutChown::META,
                        instruction.keyword_range,
                        format!("this {keyword} after `USER {user}` creates files owned by root, not by `{user}`"),
                    )
                    .with_label(user_word.range, "non-root user set here")
                    .with_fix(Fix::display_only(format!(
                        "add `--chown={user}` where the application writes, or `--chown=root:root` to keep files read-only"
                    ))),
                );
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CopyWithoutChown;
    use crate::rules::test::lines;

    #[test]
    fn flags_copies_after_a_non_root_user() {
        let rule = CopyWithoutChown::META;
        assert_eq!(
            lines(rule, "FROM a:1\nUSER app\nCOPY . .\nADD x.tar /x/\n"),
            [3, 4]
        );
        assert_eq!(
            lines(rule, "FROM a:1 AS b\nUSER 1000\nFROM b\nCOPY . /app/\n"),
            [4]
        );
        assert_eq!(lines(rule, "FROM a:1\nARG U=app\nUSER $U\nCOPY . .\n"), [4]);
    }

    #[test]
    fn accepts_root_chown_chmod_and_from() {
        let rule = CopyWithoutChown::META;
        assert!(lines(rule, "FROM a:1\nCOPY . .\nUSER app\n").is_empty());
        assert!(lines(rule, "FROM a:1\nUSER app\nUSER root\nCOPY . .\n").is_empty());
        assert!(
            lines(
                rule,
                "FROM a:1\nUSER app\nCOPY --chown=app . .\nCOPY --chmod=644 a /a\n"
            )
            .is_empty()
        );
        assert!(lines(rule, "FROM a:1\nUSER app\nCOPY --from=build /o /o\n").is_empty());
        assert!(lines(rule, "FROM a:1 AS b\nUSER app\nCOPY . .\nFROM c:1\n").is_empty());
        assert!(lines(rule, "FROM a:1\nARG U\nUSER $U\nCOPY . .\n").is_empty());
    }
}
