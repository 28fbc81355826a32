//! `add-instead-of-copy`: `ADD` used for local files that `COPY` would copy the same way.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::sources::{adds, is_archive, is_git, is_heredoc, is_url};

declare_rule! {
    /// ## What it does
    /// Checks for `ADD` instructions whose sources are all local files or directories that are
    /// not archives. `ADD` of a URL or git repository (see `add-from-url`), of a tar archive it
    /// will extract, and heredoc sources (`ADD <<EOF`) are not reported.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it extracts anything that looks like a tar archive (judged by
    /// content, not name) and fetches URLs. Using it for plain files hides that behaviour where
    /// nobody expects it — a file that happens to be a tarball is unpacked instead of copied —
    /// and makes real downloads and extractions harder to spot in review. `COPY` does only what
    /// it says.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM eclipse-temurin:21-jre
    /// ADD target/app.jar /app/app.jar
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM eclipse-temurin:21-jre
    /// COPY target/app.jar /app/app.jar
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: `ADD` recognises tar archives by their content, so a source that is a tarball
    /// under another name would be copied instead of extracted after the fix.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#add-or-copy>
    pub struct AddInsteadOfCopy {
        code: "BLD009",
        name: "add-instead-of-copy",
        category: Build,
        severity: Low,
        inputs: [Dockerfile],
        fix: Unsafe,
        aliases: [
            Hadolint "DL3020",
            Trivy "DS-0005",
            Kics "9513a694-aa0d-41d8-be61-3271e056f36b",
        ],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for add in adds(ctx) {
        let instruction = add.instruction;
        // Flags that only make sense for remote sources.
        if instruction.flag("checksum").is_some()
            || instruction.flag("keep-git-dir").is_some()
            || instruction.flag("unpack").is_some()
        {
            continue;
        }
        let local: Vec<_> = add.sources.iter().filter(|s| !is_heredoc(s.word)).collect();
        if local.is_empty()
            || local
                .iter()
                .any(|s| is_url(&s.value) || is_git(&s.value) || is_archive(&s.value))
        {
            continue;
        }
        let keyword = instruction.keyword_range;
        let written = ctx.slice(keyword);
        let replacement = if written.chars().all(|c| c.is_ascii_lowercase()) {
            "copy"
        } else {
            "COPY"
        };
        let message = if local.iter().any(|s| s.unresolved) {
            "`ADD` of a local path: use `COPY` unless an archive must be extracted"
        } else {
            "`ADD` of local files that are not archives: use `COPY`"
        };
        out.push(
            Diagnostic::new(AddInsteadOfCopy::META, keyword, message).with_fix(Fix::unsafe_edits(
                "replace `ADD` with `COPY`",
                vec![Edit::replace(keyword, replacement)],
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::AddInsteadOfCopy;
    use crate::rules::test::lines;

    #[test]
    fn local_non_archives_only() {
        let meta = AddInsteadOfCopy::META;
        assert_eq!(lines(meta, "FROM a:1\nADD app.jar /app/\n"), [2]);
        assert_eq!(
            lines(meta, "FROM a:1\nADD \"/target/app.jar\" \"app.jar\"\n"),
            [2]
        );
        assert_eq!(lines(meta, "FROM a:1\nARG JAR\nADD ${JAR} app.jar\n"), [3]);
        assert_eq!(lines(meta, "FROM a:1\nONBUILD ADD . /src\n"), [2]);
        assert!(
            lines(
                meta,
                "FROM a:1\nADD \"/target/resources.tar.gz\" \"resources\"\n"
            )
            .is_empty()
        );
        assert!(lines(meta, "FROM a:1\nADD https://example.com/x.jar /x\n").is_empty());
        assert!(lines(meta, "FROM a:1\nADD git@github.com:a/b.git /src\n").is_empty());
        assert!(lines(meta, "FROM a:1\nADD <<EOF /etc/motd\nhello\nEOF\n").is_empty());
        assert!(lines(meta, "FROM a:1\nARG V=1\nADD rootfs-${V}.tar.xz /\n").is_empty());
    }
}
