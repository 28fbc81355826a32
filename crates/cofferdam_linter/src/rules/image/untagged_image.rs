//! `untagged-image`: `FROM image`, `image: name` or `docker run name` without a tag or digest,
//! which pulls whatever `latest` is.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::rules::image::{pin_fix, pulled_images, pulled_reference};
use crate::rules::{ContainerContext, DockerfileContext};

declare_rule! {
    /// ## What it does
    /// Checks for `FROM` lines whose image has neither a tag nor a digest. References built from
    /// `ARG`s are resolved with their defaults first; stage names and `scratch` are not images.
    ///
    /// For containers it checks the image that is pulled: compose `image:`, the image of a
    /// `docker run` line, inspect output's `Config.Image`. A service with `build:` is not
    /// checked (its `image:` names what is built), nor is a service that runs the image another
    /// service of the project builds. A reference whose name or tag is a variable
    /// (`$REG/app:$TAG`, `${IMAGE}`) is chosen at deploy time and not reported; a variable
    /// registry (`${REGISTRY}/app`) still leaves the tag missing.
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
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis
    /// ```
    ///
    /// ```sh
    /// docker run -d --name cache redis
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// USER 10001
    /// ```
    ///
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.4
    /// ```
    ///
    /// ```sh
    /// docker run -d --name cache redis:7.4
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe when `pinned-tags` in cofferdam.toml names the tag for the image: the tag is
    /// added where the reference is written (`FROM alpine` → `FROM alpine:3.20`), and a new
    /// version can change what the container does. Display-only otherwise: the right version
    /// is a decision for the team.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#from>
    pub struct UntaggedImage {
        code: "IMG001",
        name: "untagged-image",
        category: Image,
        severity: Medium,
        inputs: [Dockerfile, Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
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
        let fix = pin_fix(
            ctx.settings,
            image,
            ctx.slice(stage.image.range),
            stage.image.range,
            SUGGESTION,
        );
        out.push(Diagnostic::new(UntaggedImage::META, stage.image.range, shown).with_fix(fix));
    }
}

pub(crate) fn check_container(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((image, range)) = pulled_reference(ctx) else {
        return;
    };
    if image.tag.is_some() || image.digest.is_some() {
        return;
    }
    out.push(
        ctx.diagnostic(
            UntaggedImage::META,
            range,
            format!("`{}` has no tag, so every pull takes `latest`", image.text),
        )
        .with_fix(pin_fix(
            ctx.settings,
            &image,
            ctx.text(range),
            range,
            SUGGESTION,
        )),
    );
}

const SUGGESTION: &str = "add a specific version tag, e.g. `image:1.2`, or a digest";

#[cfg(test)]
mod tests {
    use super::UntaggedImage;
    use crate::rules::test::{compose_lines, compose_lines_with, lines};

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

    #[test]
    fn containers_pulling_an_untagged_image() {
        let text = "services:
  a:
    image: redis
  b:
    image: ${REGISTRY}/team/api
  c:
    image: redis:7.4
  d:
    image: redis@sha256:0123
  e:
    image: $REG/app:$TAG
  f:
    image: ${IMAGE:-redis}
  g:
    build: .
    image: shop/web
  h:
    image: shop/web
";
        assert_eq!(compose_lines(UntaggedImage::META, text), [3, 5]);
    }

    #[test]
    fn images_built_by_another_service_are_not_pulled() {
        let text = "services:\n  web:\n    build: ./web\n    image: shop/web\n  worker:\n    image: shop/web\n  other:\n    image: shop/other\n";
        assert_eq!(
            compose_lines_with(UntaggedImage::META, &[("compose.yaml", text)]),
            [8]
        );
    }
}
