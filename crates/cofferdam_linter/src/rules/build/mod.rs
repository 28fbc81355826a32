//! `build` rules for Dockerfiles.

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
