//! `latest-tag`: `FROM image:latest`.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::image::pulled_images;

declare_rule! {
    /// ## What it does
    /// Checks for `FROM` lines that use the `latest` tag without a digest, after resolving
    /// `ARG` defaults.
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
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the right version is a decision for the team.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#from>
    pub struct LatestTag {
        code: "IMG002",
        name: "latest-tag",
        category: Image,
        severity: Medium,
        inputs: [Dockerfile],
        fix: Always,
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
            .with_fix(Fix::display_only(
                "replace `latest` with a specific version tag, or pin a digest",
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::LatestTag;
    use crate::rules::test::lines;

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
}
