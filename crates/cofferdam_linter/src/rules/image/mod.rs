//! `image` rules: what a Dockerfile's build starts from and what it pulls in, and which image a
//! container runs.
//!
//! [`image_origin`] tells container rules (here and in the `user` and `healthcheck` families)
//! whether a container's image is built in the project — by its own `build:` or by another
//! service that builds the same `image:` name — or pulled, and [`pulled_reference`] gives a
//! pulled image's reference when the parts a rule judges are known.

pub mod add_from_url;
pub mod image_from_unapproved_registry;
pub mod image_not_digest_pinned;
pub mod latest_tag;
pub mod remote_script_piped_to_shell;
pub mod tls_verification_disabled;
pub mod untagged_image;

use cofferdam_diagnostics::{Edit, Fix, TextRange};

use crate::model::container::{ImageConfig, is_variable};
use crate::model::{Base, ImageRef, Stage};
use crate::rules::{ContainerContext, Rule};

/// The pulled images of every stage: `(stage, image)` for stages whose base is an image whose
/// reference is fully known (variables without values make it unknowable, so rules stay quiet).
pub(crate) fn pulled_images<'s, 'a>(
    stages: &'s [Stage<'a>],
) -> impl Iterator<Item = (&'s Stage<'a>, &'s ImageRef)> {
    stages.iter().filter_map(|stage| match &stage.base {
        Base::Image {
            image,
            unresolved: false,
            ..
        } => Some((stage, image)),
        _ => None,
    })
}

/// Where a container's image comes from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ImageOrigin<'a> {
    /// Built in this project, from a Dockerfile.
    Built {
        /// The final stage's settings, when the Dockerfile could be read.
        config: Option<&'a ImageConfig>,
        /// The other service whose `build:` produces the image this one names, if not its own.
        builder: Option<&'a str>,
    },
    /// Pulled from a registry (or already present on the engine).
    Pulled,
}

/// Where the container's image comes from: its own `build:`, another service of the project
/// that builds the same `image:` (compose runs that image, it does not pull it), or a registry.
pub(crate) fn image_origin<'a>(ctx: &ContainerContext<'a>) -> ImageOrigin<'a> {
    let spec = ctx.spec;
    if spec.build.is_some() {
        return ImageOrigin::Built {
            config: spec.image_config.as_ref(),
            builder: None,
        };
    }
    let Some(image) = &spec.image else {
        return ImageOrigin::Pulled;
    };
    ctx.project
        .services
        .iter()
        .find(|other| {
            other.build.is_some()
                && other.name != spec.name
                && other
                    .image
                    .as_ref()
                    .is_some_and(|built| built.value == image.value)
        })
        .map_or(ImageOrigin::Pulled, |builder| ImageOrigin::Built {
            config: builder.image_config.as_ref(),
            builder: Some(builder.name.as_str()),
        })
}

/// The reference of the image a container pulls, with its range, when the repository's last
/// part, the tag and the digest are known. `None` for images built in the project (their
/// `image:` names what is built, not what is pulled), for engine image ids (`sha256:…`), and
/// when a variable decides any of those parts (`$REG/app:$TAG`, `${IMAGE:-nginx:1.27}`): that
/// is chosen at deploy time. A variable registry (`$REG/app:1.4`) leaves the tag known.
pub(crate) fn pulled_reference(ctx: &ContainerContext<'_>) -> Option<(ImageRef, TextRange)> {
    if !matches!(image_origin(ctx), ImageOrigin::Pulled) {
        return None;
    }
    let image = ctx.spec.image.as_ref()?;
    let value = image.value.trim();
    if value.is_empty() || value.starts_with("sha256:") {
        return None;
    }
    let written = ctx.text(image.range);
    if is_variable(after_last_path_separator(value))
        || is_variable(after_last_path_separator(written))
    {
        return None;
    }
    Some((ImageRef::parse(value), image.range))
}

/// The text after the last `/` that is not inside a `${…}` expansion: the part of an image
/// reference that holds the name's last component, the tag and the digest.
fn after_last_path_separator(text: &str) -> &str {
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = text.as_bytes();
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'{' if at > 0 && bytes[at - 1] == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b'/' if depth == 0 => start = at + 1,
            _ => {}
        }
    }
    &text[start..]
}

/// The fix for an image that runs `latest` (named or implied): the tag configured for it in
/// `pinned-tags`, as an unsafe edit of the reference where it is written (`written`, the text
/// of `range`), else `suggestion` alone. No edit when the written reference is not the pulled
/// one (a variable or an `ARG` decides it).
pub(crate) fn pin_fix(
    settings: &crate::Settings,
    image: &ImageRef,
    written: &str,
    range: TextRange,
    suggestion: &str,
) -> Fix {
    let Some(tag) = settings.pinned_tag(image) else {
        return Fix::display_only(suggestion);
    };
    let description = format!("pin `{}` to `{tag}` (from `pinned-tags`)", image.text);
    let Some(at) = written.find(image.text.as_str()) else {
        return Fix::display_only(description);
    };
    let start = range.start() + at as u32;
    let edit = match image.tag.as_deref() {
        Some("latest") => {
            let tag_at = image.text.rfind(":latest").expect("a latest tag") as u32 + 1;
            Edit::replace(
                TextRange::new(start + tag_at, start + tag_at + "latest".len() as u32),
                tag,
            )
        }
        None => Edit::insert(start + image.text.len() as u32, format!(":{tag}")),
        Some(_) => return Fix::display_only(suggestion),
    };
    Fix::unsafe_edits(description, vec![edit])
}

/// This family's container and two-input rules (its Dockerfile-only rules are listed in
/// `rules::DOCKERFILE_RULES`), in the order they run.
pub(crate) static RULES: &[Rule] = &[
    Rule::both(
        untagged_image::UntaggedImage::META,
        untagged_image::check,
        untagged_image::check_container,
    ),
    Rule::both(
        latest_tag::LatestTag::META,
        latest_tag::check,
        latest_tag::check_container,
    ),
    Rule::both(
        image_not_digest_pinned::ImageNotDigestPinned::META,
        image_not_digest_pinned::check,
        image_not_digest_pinned::check_container,
    ),
    Rule::both(
        image_from_unapproved_registry::ImageFromUnapprovedRegistry::META,
        image_from_unapproved_registry::check,
        image_from_unapproved_registry::check_container,
    ),
];

#[cfg(test)]
mod tests {
    use super::after_last_path_separator;

    #[test]
    fn the_last_component_ignores_slashes_inside_expansions() {
        assert_eq!(after_last_path_separator("$REG/app:$TAG"), "app:$TAG");
        assert_eq!(after_last_path_separator("${REG}/team/app:1.4"), "app:1.4");
        assert_eq!(
            after_last_path_separator("${IMAGE:-nginx/nginx:1}"),
            "${IMAGE:-nginx/nginx:1}"
        );
        assert_eq!(after_last_path_separator("nginx"), "nginx");
    }
}
