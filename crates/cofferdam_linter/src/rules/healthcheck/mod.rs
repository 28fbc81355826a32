//! `healthcheck` rules: images and containers without a health check.

pub mod missing_healthcheck;
pub mod multiple_healthchecks;

/// This family's container rules (its Dockerfile rules are listed in `rules::DOCKERFILE_RULES`),
/// in the order they run.
pub(crate) static RULES: &[crate::rules::Rule] = &[crate::rules::Rule::both(
    missing_healthcheck::MissingHealthcheck::META,
    missing_healthcheck::check,
    missing_healthcheck::check_container,
)];
