//! `user` rules: who the final image (Dockerfiles) and the container (compose, run lines) run as.

pub mod container_runs_as_root;
pub(crate) mod create_user;
pub mod last_user_root;
pub mod missing_user;
pub mod named_user;

/// This family's container rules (its Dockerfile rules are listed in `rules::DOCKERFILE_RULES`),
/// in the order they run.
pub(crate) static RULES: &[crate::rules::Rule] = &[crate::rules::Rule::container(
    container_runs_as_root::ContainerRunsAsRoot::META,
    container_runs_as_root::check,
)];
