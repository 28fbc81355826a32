//! `image-not-digest-pinned`: a tagged base image without `@sha256:` digest.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::image::pulled_images;

declare_rule! {
    /// ## What it does
    /// Checks for `FROM` images that have a version tag but no digest. Untagged and `latest`
    /// images are reported by `untagged-image` and `latest-tag` instead.
    ///
    /// ## Why is this bad?
    /// Tags are mutable: a registry (or whoever can push to it) can move `python:3.12` to
    /// different content at any time. A digest names exactly one image, so the build is
    /// reproducible and a tampered tag cannot reach it. The risk is lower than with `latest`,
    /// hence the low severity; update digests with a bot such as Renovate or Dependabot.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// USER 10001
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim@sha256:2b0079146a74e23bf4ae8f6a28e1b484c6292f6fb904cbb51825b4a19812fcd8
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the digest must be looked up in the registry.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#pin-base-image-versions>
    pub struct ImageNotDigestPinned {
        code: "IMG003",
        name: "image-not-digest-pinned",
        category: Image,
        severity: Low,
        inputs: [Dockerfile],
        fix: Always,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for (stage, image) in pulled_images(&ctx.model.stages) {
        match image.tag.as_deref() {
            Some(tag) if tag != "latest" && image.digest.is_none() => {}
            _ => continue,
        }
        out.push(
            Diagnostic::new(
                ImageNotDigestPinned::META,
                stage.image.range,
                format!("`{}` is pinned by a mutable tag, not a digest", image.text),
            )
            .with_fix(Fix::display_only(
                "append the image digest: `image:tag@sha256:…` (`docker buildx imagetools inspect image:tag`)",
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::ImageNotDigestPinned;
    use crate::rules::test::lines;

    #[test]
    fn tag_without_digest() {
        assert_eq!(lines(ImageNotDigestPinned::META, "FROM alpine:3.20\n"), [1]);
        assert!(lines(ImageNotDigestPinned::META, "FROM alpine:3.20@sha256:ab\n").is_empty());
        assert!(lines(ImageNotDigestPinned::META, "FROM alpine\n").is_empty());
        assert!(lines(ImageNotDigestPinned::META, "FROM alpine:latest\n").is_empty());
    }
}
