//! `filesystem` rules for Dockerfiles.

pub mod world_writable_permissions;

/// This family's container rules (its Dockerfile rules are listed in `rules::DOCKERFILE_RULES`),
/// in the order they run.
pub(crate) static RULES: &[crate::rules::Rule] = &[];
