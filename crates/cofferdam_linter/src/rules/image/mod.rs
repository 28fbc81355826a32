//! `image` rules for Dockerfiles: what the build starts from and what it pulls in.

pub mod add_from_url;
pub mod image_not_digest_pinned;
pub mod latest_tag;
pub mod remote_script_piped_to_shell;
pub mod tls_verification_disabled;
pub mod untagged_image;

use crate::model::{Base, ImageRef, Stage};

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

/// This family's container rules (its Dockerfile rules are listed in `rules::DOCKERFILE_RULES`),
/// in the order they run.
pub(crate) static RULES: &[crate::rules::Rule] = &[];
