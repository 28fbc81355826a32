//! `add-from-url`: `ADD` downloading a URL or cloning a repository without verifying it.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::sources::{adds, is_git, is_url};

declare_rule! {
    /// ## What it does
    /// Checks for `ADD` sources that are remote: `http://` and `https://` URLs and git
    /// repositories (`git@host:repo`, `git://`, `ssh://`, `https://….git`). An `ADD` with
    /// `--checksum=sha256:…` is verified by BuildKit and is not reported, nor is a git source
    /// pinned to a full commit id (`#<40 hex digits>`).
    ///
    /// ## Why is this bad?
    /// Whatever the server returns at build time goes into the image: a compromised or
    /// hijacked host, a replaced release asset or a moved branch changes the image without
    /// any change in the repository. Over plain `http://` anyone on the path can swap the
    /// content. `ADD` also never re-downloads once cached, so two builders can disagree.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD https://example.com/tool-1.2.tar.gz /opt/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool-1.2.tar.gz /opt/
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the checksum has to be taken from a trusted source.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#add---checksum>
    /// - <https://docs.docker.com/build/building/best-practices/#add-or-copy>
    pub struct AddFromUrl {
        code: "IMG004",
        name: "add-from-url",
        category: Image,
        severity: Medium,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [Kics "4b410d24-1cbe-4430-a632-62c9a931cf1c"],
    }
}

/// `#<full commit id>` at the end of a git source.
fn pinned_commit(value: &str) -> bool {
    value.rsplit_once('#').is_some_and(|(_, reference)| {
        let commit = reference.split(':').next().unwrap_or(reference);
        commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for add in adds(ctx) {
        if add.instruction.flag("checksum").is_some() {
            continue;
        }
        for source in &add.sources {
            let value = source.value.as_str();
            // The URL may carry credentials: messages never quote it.
            let message = if is_git(value) {
                if pinned_commit(value) {
                    continue;
                }
                "`ADD` of a git repository not pinned to a commit: the content can change"
            } else if value.to_ascii_lowercase().starts_with("http://") {
                "`ADD` over plain http without `--checksum`: anyone on the path can change the file"
            } else if is_url(value) {
                "`ADD` of a URL without `--checksum`: the downloaded content is not verified"
            } else {
                continue;
            };
            out.push(
                Diagnostic::new(AddFromUrl::META, source.word.range, message).with_fix(
                    Fix::display_only(
                        "add `--checksum=sha256:<digest>`, or pin a git source to a commit id",
                    ),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AddFromUrl;
    use crate::rules::test::lines;

    #[test]
    fn remote_sources() {
        let meta = AddFromUrl::META;
        assert_eq!(
            lines(meta, "FROM a:1\nADD https://example.com/big.tar.xz /src/\n"),
            [2]
        );
        assert_eq!(lines(meta, "FROM a:1\nADD http://example.com/x /x\n"), [2]);
        assert_eq!(
            lines(
                meta,
                "FROM a:1\nADD git@github.com:moby/buildkit.git#v0.14 /src\n"
            ),
            [2]
        );
        assert_eq!(
            lines(meta, "FROM a:1\nARG U=https://e.com/x\nADD ${U} /x\n"),
            [3]
        );
        let sha = "a".repeat(40);
        let pinned = format!("FROM a:1\nADD https://github.com/moby/buildkit.git#{sha} /src\n");
        assert!(lines(meta, &pinned).is_empty());
        assert!(
            lines(
                meta,
                "FROM a:1\nADD --checksum=sha256:abc https://e.com/x /x\n"
            )
            .is_empty()
        );
        assert!(lines(meta, "FROM a:1\nADD ./drop-http-proxy-header.conf /etc/\n").is_empty());
    }
}
