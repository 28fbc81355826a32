//! `image-not-digest-pinned`: a tagged base image, or a container's pulled image, without an
//! `@sha256:` digest.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::image::{pulled_images, pulled_reference};
use crate::rules::{ContainerContext, DockerfileContext};

declare_rule! {
    /// ## What it does
    /// Checks for `FROM` images that have a version tag but no digest. Untagged and `latest`
    /// images are reported by `untagged-image` and `latest-tag` instead.
    ///
    /// For containers it checks the image that is pulled: compose `image:`, the image of a
    /// `docker run` line, inspect output's `Config.Image`. A service with `build:` is not
    /// checked (its `image:` names what is built), nor is a service that runs the image another
    /// service of the project builds. A tag that is a variable (`app:$TAG`) is chosen at deploy
    /// time and not reported.
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
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4-bookworm
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim@sha256:2b0079146a74e23bf4ae8f6a28e1b484c6292f6fb904cbb51825b4a19812fcd8
    /// USER 10001
    /// ```
    ///
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4-bookworm@sha256:4aea012537edfad80f98d870a36e6b90b4c09b27be7f4b4759d72db863baeebb
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
        inputs: [Dockerfile, Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
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

pub(crate) fn check_container(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((image, range)) = pulled_reference(ctx) else {
        return;
    };
    match image.tag.as_deref() {
        Some(tag) if tag != "latest" && image.digest.is_none() => {}
        _ => return,
    }
    out.push(
        ctx.diagnostic(
            ImageNotDigestPinned::META,
            range,
            format!("`{}` is pinned by a mutable tag, not a digest", image.text),
        )
        .with_fix(Fix::display_only(
            "append the image digest: `image:tag@sha256:…` (`docker buildx imagetools inspect image:tag`)",
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::ImageNotDigestPinned;
    use crate::rules::test::{compose_lines, lines};

    #[test]
    fn tag_without_digest() {
        assert_eq!(lines(ImageNotDigestPinned::META, "FROM alpine:3.20\n"), [1]);
        assert!(lines(ImageNotDigestPinned::META, "FROM alpine:3.20@sha256:ab\n").is_empty());
        assert!(lines(ImageNotDigestPinned::META, "FROM alpine\n").is_empty());
        assert!(lines(ImageNotDigestPinned::META, "FROM alpine:latest\n").is_empty());
    }

    #[test]
    fn containers_pulling_by_tag() {
        let text = "services:\n  a:\n    image: postgres:16.4\n  b:\n    image: $REG/app:1.4\n  c:\n    image: postgres:16.4@sha256:0123\n  d:\n    image: postgres:$PG\n  e:\n    image: redis\n  f:\n    image: redis:latest\n  g:\n    build: .\n    image: app:1.0\n  h:\n    image: sha256:4aea0125\n";
        assert_eq!(compose_lines(ImageNotDigestPinned::META, text), [3, 5]);
    }
}
