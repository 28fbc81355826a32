//! `copy-dest-not-directory`: `COPY`/`ADD` with several sources into a destination that does not
//! end with `/`.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::syntax::dockerfile::{CopyArgs, Instruction, InstructionKind};

declare_rule! {
    /// ## What it does
    /// Checks for `COPY` and `ADD` (also as `ONBUILD` triggers, and in JSON form) with more than
    /// one source, heredocs included, whose destination does not end with `/` (or is not `.`).
    /// Destinations with variables are expanded first; unknown ones are skipped.
    ///
    /// ## Why is this bad?
    /// With several sources the destination must be a directory written with a trailing slash;
    /// otherwise Docker stops the build with "When using COPY with more than one source file, the
    /// destination must be a directory and end with a /". The mistake usually hides until a
    /// second file is added to a line that used to copy one.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// COPY package.json package-lock.json /app
    /// USER node
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-alpine
    /// COPY package.json package-lock.json /app/
    /// USER node
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix appends `/` to the destination; the build failed before, so no working
    /// build can change.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#copy>
    pub struct CopyDestNotDirectory {
        code: "BLD017",
        name: "copy-dest-not-directory",
        category: Build,
        severity: Medium,
        inputs: [Dockerfile],
        fix: Safe,
        aliases: [Hadolint "DL3021", Trivy "DS-0011", Kics "6db6e0c2-32a3-4a2e-93b5-72c35f4119db"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for stage in &ctx.model.stages {
        for (index, instruction) in stage.instructions.iter().enumerate() {
            // An `ONBUILD` trigger runs in another build, whose variables are unknown here.
            let (copy, args, in_scope) = match &instruction.kind {
                InstructionKind::Onbuild(inner) => match copy_args(inner) {
                    Some(args) => (inner.as_ref(), args, false),
                    None => continue,
                },
                _ => match copy_args(instruction) {
                    Some(args) => (instruction, args, true),
                    None => continue,
                },
            };
            let Some(dest) = &args.dest else {
                continue;
            };
            if args.sources.len() < 2 {
                continue;
            }
            let value = if in_scope {
                let expanded = ctx.model.expand_at(stage.index, index, dest);
                if !expanded.unresolved.is_empty() {
                    continue;
                }
                expanded.value
            } else if dest.raw.contains('$') {
                continue;
            } else {
                dest.raw.clone()
            };
            if value.ends_with('/') || value.ends_with('\\') || value == "." {
                continue;
            }
            // Insert inside a closing quote (always there in the JSON form).
            let inside_quote = dest.raw.ends_with(['"', '\'']) || args.json;
            let at = if inside_quote {
                dest.range.end() - 1
            } else {
                dest.range.end()
            };
            out.push(
                Diagnostic::new(
                    CopyDestNotDirectory::META,
                    dest.range,
                    format!(
                        "destination `{value}` must end with `/` because {} has {} sources",
                        copy.keyword.as_str(),
                        args.sources.len()
                    ),
                )
                .with_fix(Fix::safe(
                    "append `/` to the destination",
                    vec![Edit::insert(at, "/")],
                )),
            );
        }
    }
}

fn copy_args(instruction: &Instruction) -> Option<&CopyArgs> {
    match &instruction.kind {
        InstructionKind::Copy(args) | InstructionKind::Add(args) => Some(args),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::CopyDestNotDirectory;
    use crate::rules::test::{lines, lint};

    #[test]
    fn flags_multi_source_copies_into_files() {
        let rule = CopyDestNotDirectory::META;
        assert_eq!(lines(rule, "FROM a:1\nCOPY a b dir\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nADD a b c /dir\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nCOPY [\"a\", \"b\", \"dir\"]\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nARG D=/app\nCOPY a b $D\n"), [3]);
        assert_eq!(lines(rule, "FROM a:1\nONBUILD COPY a b dir\n"), [2]);
        assert_eq!(
            lines(rule, "FROM a:1\nCOPY <<A <<B /etc/x\nx\nA\ny\nB\n"),
            [2]
        );
    }

    #[test]
    fn accepts_directories_and_single_sources() {
        let rule = CopyDestNotDirectory::META;
        assert!(lines(rule, "FROM a:1\nCOPY a b dir/\nCOPY a b .\nCOPY a b ./\n").is_empty());
        assert!(lines(rule, "FROM a:1\nCOPY a dir\nCOPY --from=x /a /b\n").is_empty());
        assert!(
            lines(
                rule,
                "FROM a:1\nARG D=/app/\nCOPY a b $D\nARG E\nCOPY a b $E\n"
            )
            .is_empty()
        );
        assert!(lines(rule, "FROM a:1\nCOPY [\"a\", \"b\", \"dir/\"]\n").is_empty());
    }

    #[test]
    fn fix_appends_a_slash() {
        let rule = CopyDestNotDirectory::META;
        for (text, fixed) in [
            ("FROM a:1\nCOPY a b dir\n", "FROM a:1\nCOPY a b dir/\n"),
            (
                "FROM a:1\nCOPY [\"a\", \"b\", \"dir\"]\n",
                "FROM a:1\nCOPY [\"a\", \"b\", \"dir/\"]\n",
            ),
            (
                "FROM a:1\nCOPY a b \"my dir\"\n",
                "FROM a:1\nCOPY a b \"my dir/\"\n",
            ),
        ] {
            let diagnostics = lint(rule, text);
            let fix = diagnostics[0].fix.as_ref().expect("fix");
            assert_eq!(fix.apply(text).as_deref(), Some(fixed));
        }
    }
}
