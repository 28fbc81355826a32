//! `latest-tag`: `FROM image:latest`, or a container that runs `image:latest`.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::rules::image::{pin_fix, pulled_images, pulled_reference};
use crate::rules::{ContainerContext, DockerfileContext};

declare_rule! {
    /// ## What it does
    /// Checks for `FROM` lines that use the `latest` tag without a digest, after resolving
    /// `ARG` defaults.
    ///
    /// For containers it checks the image that is pulled: compose `image:`, the image of a
    /// `docker run` line, inspect output's `Config.Image`. A service with `build:` is not
    /// checked (its `image:` names what is built), nor is a service that runs the image another
    /// service of the project builds. A tag that is a variable (`app:$TAG`, `app:${TAG:-latest}`)
    /// is chosen at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// `latest` moves: rebuilding the same commit can produce a different image with a new
    /// major version or a different distribution, which breaks reproducibility and lets an
    /// upstream change (or a compromised push) flow straight into production.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:latest
    /// USER 10001
    /// ```
    ///
    /// ```yaml
    /// services:
    ///   proxy:
    ///     image: nginx:latest
    /// ```
    ///
    /// ```sh
    /// docker run -d -p 127.0.0.1:8080:80 nginx:latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// USER 10001
    /// ```
    ///
    /// ```yaml
    /// services:
    ///   proxy:
    ///     image: nginx:1.27-alpine
    /// ```
    ///
    /// ```sh
    /// docker run -d -p 127.0.0.1:8080:80 nginx:1.27-alpine
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe when `pinned-tags` in cofferdam.toml names the tag for the image: `latest` is
    /// replaced with it where the reference is written, and a new version can change what the
    /// container does. Display-only otherwise: the right version is a decision for the team.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#from>
    pub struct LatestTag {
        code: "IMG002",
        name: "latest-tag",
        category: Image,
        severity: Medium,
        inputs: [Dockerfile, Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Hadolint "DL3007", Trivy "DS-0001", Kics "f45ea400-6bbe-4501-9fc7-1c3d75c32067"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for (stage, image) in pulled_images(&ctx.model.stages) {
        if image.digest.is_some() || image.tag.as_deref() != Some("latest") {
            continue;
        }
        out.push(
            Diagnostic::new(
                LatestTag::META,
                stage.image.range,
                format!("`{}` uses the moving `latest` tag", image.text),
            )
            .with_fix(pin_fix(
                ctx.settings,
                image,
                ctx.slice(stage.image.range),
                stage.image.range,
                SUGGESTION,
            )),
        );
    }
}

pub(crate) fn check_container(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((image, range)) = pulled_reference(ctx) else {
        return;
    };
    if image.digest.is_some() || image.tag.as_deref() != Some("latest") {
        return;
    }
    out.push(
        ctx.diagnostic(
            LatestTag::META,
            range,
            format!("`{}` uses the moving `latest` tag", image.text),
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

const SUGGESTION: &str = "replace `latest` with a specific version tag, or pin a digest";

#[cfg(test)]
mod tests {
    use super::LatestTag;
    use crate::rules::test::{compose_lines, lines};

    #[test]
    fn configured_tags_pin_latest_where_it_is_written() {
        use crate::rules::image::untagged_image::UntaggedImage;
        use crate::rules::test::{compose_fixed_in, dockerfile_fixed_in};

        let mut settings = crate::Settings::default();
        settings
            .apply_setting(
                "pinned-tags",
                &serde_json::json!({"nginx": "1.27-alpine", "docker.io/library/alpine": "3.20"}),
            )
            .unwrap();
        let dockerfile = "FROM nginx:latest AS web\nFROM alpine\nFROM redis:latest\nARG T=latest\nFROM nginx:$T\n";
        assert_eq!(
            dockerfile_fixed_in(LatestTag::META, dockerfile, settings.clone()),
            "FROM nginx:1.27-alpine AS web\nFROM alpine\nFROM redis:latest\nARG T=latest\nFROM nginx:$T\n"
        );
        assert_eq!(
            dockerfile_fixed_in(UntaggedImage::META, dockerfile, settings.clone()),
            "FROM nginx:latest AS web\nFROM alpine:3.20\nFROM redis:latest\nARG T=latest\nFROM nginx:$T\n"
        );
        let compose = "services:\n  a:\n    image: \"nginx:latest\"\n  b:\n    image: docker.io/library/alpine\n";
        assert_eq!(
            compose_fixed_in(LatestTag::META, compose, settings.clone()),
            "services:\n  a:\n    image: \"nginx:1.27-alpine\"\n  b:\n    image: docker.io/library/alpine\n"
        );
        assert_eq!(
            compose_fixed_in(UntaggedImage::META, compose, settings),
            "services:\n  a:\n    image: \"nginx:latest\"\n  b:\n    image: docker.io/library/alpine:3.20\n"
        );
    }

    #[test]
    fn latest_only() {
        assert_eq!(lines(LatestTag::META, "FROM alpine:latest\n"), [1]);
        assert_eq!(
            lines(LatestTag::META, "ARG T=latest\nFROM alpine:$T\n"),
            [2]
        );
        assert!(lines(LatestTag::META, "FROM alpine\n").is_empty());
        assert!(lines(LatestTag::META, "FROM alpine:latest@sha256:abcd\n").is_empty());
        assert!(lines(LatestTag::META, "FROM alpine:3.20\n").is_empty());
    }

    #[test]
    fn containers_pulling_latest() {
        let text = "x-base: &base\n  image: nginx:latest\nservices:\n  a:\n    <<: *base\n  b:\n    image: \"${REG:-ghcr.io}/app:latest\"\n  c:\n    image: app:${TAG:-latest}\n  d:\n    image: nginx:latest@sha256:0123\n  e:\n    build: .\n    image: app:latest\n  f:\n    image: redis\n";
        assert_eq!(compose_lines(LatestTag::META, text), [2, 7]);
    }
}
