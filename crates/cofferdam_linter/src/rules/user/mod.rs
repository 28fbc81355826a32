//! `user` rules for Dockerfiles: who the final image runs as.

pub mod last_user_root;
pub mod missing_user;
pub mod named_user;

/// This family's container rules (its Dockerfile rules are listed in `rules::DOCKERFILE_RULES`),
/// in the order they run.
pub(crate) static RULES: &[crate::rules::Rule] = &[];
