//! `copy-without-chown`: `COPY`/`ADD` after a non-root `USER` in the final stage creates files
//! owned by root, not by that user.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, declare_rule};

use crate::model::Base;
use crate::model::dockerfile::is_root_user;
use crate::rules::DockerfileContext;
use crate::rules::user::create_user::is_windows_base;
use crate::syntax::dockerfile::{InstructionKind, Keyword, Word};

declare_rule! {
    /// ## What it does
    /// Checks the final stage for `COPY` and `ADD` without `--chown` (or `--chmod`) that come
    /// after a `USER` switching to a known non-root user (set in the stage or inherited from a
    /// stage it is built `FROM`). `COPY --from` is not reported: its files keep the ownership
    /// they had in the source stage. The rule does not guess which paths the application
    /// writes: an explicit `--chown=root:root` (or `--chown=0:0`) records that read-only ownership
    /// is intended.
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
    /// Unsafe for `COPY`: the fix adds `--chown=0:0`. That changes nothing in the image, since
    /// `COPY` already creates files owned by root, but it answers the question the finding asks
    /// (should the application user own these files?) with "no" on the author's behalf, and the
    /// rule is silent afterwards; so it is applied only when unsafe fixes are asked for. Root
    /// ownership is the edit offered because it is the safer default: a compromised process
    /// cannot rewrite files it does not own. The ids are numeric because `root:root` needs
    /// `/etc/passwd` and `/etc/group` in the image, which `scratch` and some distroless images
    /// lack. Where the application writes, use `--chown=<uid>:<gid>` instead; that edit is
    /// never made automatically, because it gives the process write access to its own files.
    ///
    /// Display-only for `ADD`, which unpacks local tar archives (recognised by their content,
    /// not their name) with the owners the archive records, so `--chown` could change them; and
    /// on Windows images, which do not support `--chown`.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#copy---chown---chmod>
    pub struct CopyWithoutChown {
        code: "BLD020",
        name: "copy-without-chown",
        category: Build,
        severity: Info,
        inputs: [Dockerfile],
        fix: Unsafe,
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
    let windows = is_windows_base(ctx);
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
                let fix = if instruction.keyword == Keyword::Copy && !windows {
                    Fix::unsafe_edits(
                        format!(
                            "add `--chown=0:0` to keep the files read-only to `{user}` on purpose (use `--chown={user}` instead where the application writes)"
                        ),
                        vec![Edit::insert(
                            instruction.keyword_range.end(),
                            " --chown=0:0",
                        )],
                    )
                } else {
                    Fix::display_only(format!(
                        "add `--chown={user}` where the application writes, or `--chown=0:0` to keep files read-only"
                    ))
                };
                out.push(
                    Diagnostic::new(
                        CopyWithoutChown::META,
                        instruction.keyword_range,
                        format!("this {keyword} after `USER {user}` creates files owned by root, not by `{user}`"),
                    )
                    .with_label(user_word.range, "non-root user set here")
                    .with_fix(fix),
                );
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::Applicability;

    use super::CopyWithoutChown;
    use crate::rules::test::{lines, lint};

    /// `text` with every fix of the rule applied, after checking that each is unsafe and that
    /// the rule no longer fires on the result.
    fn fixed(text: &str) -> String {
        let found = lint(CopyWithoutChown::META, text);
        let mut edits = Vec::new();
        for diagnostic in found {
            let fix = diagnostic.fix.expect("a fix");
            assert_eq!(
                fix.applicability,
                Applicability::Unsafe,
                "{}",
                fix.description
            );
            edits.extend(fix.edits);
        }
        let fixed = cofferdam_diagnostics::Fix::unsafe_edits("all", edits)
            .apply(text)
            .expect("edits do not overlap");
        assert!(lint(CopyWithoutChown::META, &fixed).is_empty(), "{fixed:?}");
        fixed
    }

    #[test]
    fn fix_keeps_copied_files_owned_by_root_explicitly() {
        assert_eq!(
            fixed(
                "FROM python:3.12-slim\r\nUSER 10001\r\n# the code\r\nCOPY . /srv/app\r\nCOPY --link \\\r\n  [\"a b\", \"/srv/\"]\r\n"
            ),
            "FROM python:3.12-slim\r\nUSER 10001\r\n# the code\r\nCOPY --chown=0:0 . /srv/app\r\nCOPY --chown=0:0 --link \\\r\n  [\"a b\", \"/srv/\"]\r\n"
        );
        assert_eq!(
            fixed("FROM scratch\nUSER 65532\ncopy app /app\n"),
            "FROM scratch\nUSER 65532\ncopy --chown=0:0 app /app\n"
        );
        // A name that merely contains a Windows marker is not a Windows image.
        assert_eq!(
            fixed("FROM acme/voltscan:1\nUSER 1000\nCOPY a /a\n"),
            "FROM acme/voltscan:1\nUSER 1000\nCOPY --chown=0:0 a /a\n"
        );
    }

    #[test]
    fn add_and_windows_copies_get_no_edit() {
        for text in [
            "FROM alpine:3.20\nUSER app\nADD rootfs.tar /\n",
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerUser\nCOPY app C:/app\n",
            "# escape=`\nFROM example/base:1\nUSER app\nCOPY app C:/app\n",
        ] {
            let found = lint(CopyWithoutChown::META, text);
            assert_eq!(found.len(), 1, "{text}");
            let fix = found[0].fix.as_ref().expect("a fix");
            assert_eq!(fix.applicability, Applicability::DisplayOnly, "{text}");
            assert!(
                fix.description.contains("where the application writes"),
                "{}",
                fix.description
            );
        }
    }

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
