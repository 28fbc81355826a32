//! `untagged-image`: `FROM image` without a tag or digest, which pulls whatever `latest` is.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::image::pulled_images;

declare_rule! {
    /// ## What it does
    /// Checks for `FROM` lines whose image has neither a tag nor a digest. References built from
    /// `ARG`s are resolved with their defaults first; stage names and `scratch` are not images.
    ///
    /// ## Why is this bad?
    /// An untagged image means `latest`: every build can silently pick up a new major version,
    /// a different distribution, or a compromised push, and two builds of the same commit no
    /// longer produce the same image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine
    /// USER 10001
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the right version is a decision for the team.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#from>
    pub struct UntaggedImage {
        code: "IMG001",
        name: "untagged-image",
        category: Image,
        severity: Medium,
        inputs: [Dockerfile],
        fix: Always,
        aliases: [Hadolint "DL3006", Trivy "DS-0001", Kics "9efb0b2d-89c9-41a3-91ca-dcc0aec911fd"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for (stage, image) in pulled_images(&ctx.model.stages) {
        if image.tag.is_some() || image.digest.is_some() {
            continue;
        }
        let shown = if stage.image.raw == image.text {
            format!("`{}` has no tag, so it means `latest`", image.text)
        } else {
            format!(
                "`{}` (resolved to `{}`) has no tag, so it means `latest`",
                stage.image.raw, image.text
            )
        };
        out.push(
            Diagnostic::new(UntaggedImage::META, stage.image.range, shown).with_fix(
                Fix::display_only("add a specific version tag, e.g. `image:1.2`, or a digest"),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::UntaggedImage;
    use crate::rules::test::lines;

    #[test]
    fn untagged_images_only() {
        assert_eq!(lines(UntaggedImage::META, "FROM alpine\n"), [1]);
        assert_eq!(
            lines(UntaggedImage::META, "ARG BASE=alpine\nFROM ${BASE}\n"),
            [2]
        );
        assert!(lines(UntaggedImage::META, "ARG BASE=alpine:3.20\nFROM ${BASE}\n").is_empty());
        assert!(lines(UntaggedImage::META, "ARG BASE\nFROM $BASE\n").is_empty());
        assert!(lines(UntaggedImage::META, "FROM a:1 AS build\nFROM build\n").is_empty());
        assert!(lines(UntaggedImage::META, "FROM scratch\n").is_empty());
        assert!(lines(UntaggedImage::META, "FROM alpine@sha256:abcd\n").is_empty());
        assert!(lines(UntaggedImage::META, "FROM localhost:5000/app:1\n").is_empty());
    }
}
