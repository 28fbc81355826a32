//! `build` rules for Dockerfiles.

pub mod add_instead_of_copy;
pub mod apt_install_recommends;
pub mod apt_instead_of_apt_get;
pub mod cd_instead_of_workdir;
pub mod orphan_package_update;
pub mod package_cache_not_cleaned;
pub mod package_dist_upgrade;
pub mod package_install_prompt;
pub(crate) mod packages;
pub mod pipe_without_pipefail;
pub(crate) mod runs;
pub(crate) mod sources;
pub mod sudo_in_run;
pub mod sudo_installed;
pub mod unpinned_package;
pub mod unrecognised_run_option;

pub mod copy_dest_not_directory;
pub mod copy_from_own_stage;
pub mod copy_without_chown;
pub mod duplicate_stage_name;
pub mod maintainer_deprecated;
pub mod multiple_cmd;
pub mod multiple_entrypoint;
pub mod relative_workdir;
pub mod shell_form_entrypoint;
pub mod system_path_workdir;

/// This family's container rules (its Dockerfile rules are listed in `rules::DOCKERFILE_RULES`).
pub(crate) static RULES: &[crate::rules::Rule] = &[crate::rules::Rule::container(
    unrecognised_run_option::UnrecognisedRunOption::META,
    unrecognised_run_option::check,
)];
