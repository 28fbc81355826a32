//! `image-from-unapproved-registry`: an image pulled from a registry outside the configured
//! `allowed-registries`.

use cofferdam_diagnostics::{Diagnostic, Fix, TextRange, declare_rule};

use crate::Settings;
use crate::model::ImageRef;
use crate::model::image::is_under;
use crate::rules::image::{pulled_images, pulled_reference};
use crate::rules::{ContainerContext, DockerfileContext};

declare_rule! {
    /// ## What it does
    /// Checks where each pulled image comes from — a `FROM` line's base image (after `ARG`
    /// defaults; stage names and `scratch` are not pulled), compose `image:`, the image of a
    /// `docker run` line, inspect output's `Config.Image` — against the `allowed-registries`
    /// setting of `cofferdam.toml`. Names are resolved as Docker resolves them: `nginx` is
    /// `docker.io/library/nginx`, `index.docker.io` is `docker.io`. An entry allows a whole
    /// registry (`registry.example.com:5000`) or a path under it (`docker.io/library`,
    /// `ghcr.io/acme`). Without the setting the rule reports nothing.
    ///
    /// Not reported: images built in the project (`build:`, or an `image:` another service
    /// builds), engine image ids, and references whose registry or path is a variable
    /// (`${REGISTRY}/app:1.4`), which is chosen at deploy time.
    ///
    /// With this setting:
    ///
    /// ```toml
    /// [settings]
    /// allowed-registries = ["registry.example.com", "docker.io/library"]
    /// ```
    ///
    /// ## Why is this bad?
    /// Every registry an image comes from is a party that can change what runs in production:
    /// a typo-squatted Hub name, a personal namespace that is later deleted and re-registered,
    /// or an unscanned public image bypasses the mirror where the team scans, signs and
    /// retains images. A list of approved sources, checked in review, keeps every pull going
    /// through it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM someuser/python:3.12
    /// USER 10001
    /// ```
    ///
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: quay.io/someone/redis:7.4
    /// ```
    ///
    /// ```sh
    /// docker run -d ghcr.io/someone/tool:1.0
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM registry.example.com/base/python:3.12
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
    /// docker run -d registry.example.com/tools/tool:1.0
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the approved copy of an image has to be mirrored (and maybe scanned)
    /// first, and its name is the team's.
    ///
    /// ## References
    /// - <https://docs.docker.com/docker-hub/image-library/mirror/>
    /// - <https://docs.docker.com/engine/security/trust/>
    /// - CIS Docker Benchmark 4.2
    pub struct ImageFromUnapprovedRegistry {
        code: "IMG007",
        name: "image-from-unapproved-registry",
        category: Image,
        severity: High,
        inputs: [Dockerfile, Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [Cis "4.2"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.settings.allowed_registries.is_empty() {
        return;
    }
    for (stage, image) in pulled_images(&ctx.model.stages) {
        if image.is_scratch() {
            continue;
        }
        if let Some(diagnostic) = judge(ctx.settings, image, stage.image.range) {
            out.push(diagnostic);
        }
    }
}

pub(crate) fn check_container(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.settings.allowed_registries.is_empty() {
        return;
    }
    let Some((image, range)) = pulled_reference(ctx) else {
        return;
    };
    // A variable anywhere before the last path component decides the registry or the path.
    let written = ctx.text(range);
    let path = written.rsplit_once('/').map_or("", |(path, _)| path);
    if path.contains('$') || image.text.contains('$') {
        return;
    }
    if let Some(diagnostic) = judge(ctx.settings, &image, range) {
        out.push(diagnostic.with_service(ctx.spec.name.clone()));
    }
}

fn judge(settings: &Settings, image: &ImageRef, range: TextRange) -> Option<Diagnostic> {
    let canonical = image.canonical_name();
    if settings
        .allowed_registries
        .iter()
        .any(|prefix| is_under(&canonical, prefix))
    {
        return None;
    }
    let allowed: Vec<String> = settings
        .allowed_registries
        .iter()
        .map(|prefix| format!("`{prefix}`"))
        .collect();
    Some(
        Diagnostic::new(
            ImageFromUnapprovedRegistry::META,
            range,
            format!(
                "`{}` comes from `{canonical}`, outside the allowed registries ({})",
                image.text,
                allowed.join(", ")
            ),
        )
        .with_fix(Fix::display_only(
            "pull the image through an approved registry (mirror it there first), or add its \
             source to `allowed-registries` in cofferdam.toml",
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::ImageFromUnapprovedRegistry;
    use crate::Settings;
    use crate::rules::test::{compose_lines_in, lines_in};

    fn allowing(registries: &[&str]) -> Settings {
        let mut settings = Settings::default();
        settings
            .apply_setting("allowed-registries", &serde_json::json!(registries))
            .unwrap();
        settings
    }

    #[test]
    fn dockerfile_bases_outside_the_list() {
        let rule = ImageFromUnapprovedRegistry::META;
        let text = "ARG REG=registry.example.com\nFROM $REG/base:1 AS base\nFROM base\nFROM scratch\nFROM nginx:1.27\nFROM bitnami/redis:7\n";
        assert!(lines_in(rule, text, Settings::default()).is_empty());
        let settings = allowing(&["registry.example.com", "docker.io/library"]);
        assert_eq!(lines_in(rule, text, settings), [6]);
        let settings = allowing(&["Registry.Example.com:443"]);
        assert_eq!(lines_in(rule, text, settings), [2, 5, 6]);
    }

    #[test]
    fn compose_images_that_are_pulled() {
        let rule = ImageFromUnapprovedRegistry::META;
        let text = "services:\n  a:\n    image: ghcr.io/acme/app:1\n  b:\n    image: ghcr.io/acme-evil/app:1\n  c:\n    build: .\n    image: quay.io/x/y:1\n  d:\n    image: ${REGISTRY}/app:1\n  e:\n    image: redis:7\n  f:\n    image: index.docker.io/library/redis:7\n";
        assert_eq!(
            compose_lines_in(rule, text, allowing(&["ghcr.io/acme", "docker.io/library"])),
            [5]
        );
        assert_eq!(
            compose_lines_in(rule, text, allowing(&["ghcr.io"])),
            [12, 14]
        );
    }
}
