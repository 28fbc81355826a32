//! `filesystem` rules: the Dockerfile's world-writable permissions, and for containers a
//! writable root filesystem, unhardened tmpfs mounts, sensitive host paths and writable binds,
//! mount propagation and volumes shared between services.
//!
//! [`host_paths`] holds the one table of sensitive host locations, which the socket family
//! also reads.

pub(crate) mod host_paths;
pub mod sensitive_host_path_mounted;
pub mod shared_mount_propagation;
pub mod tmpfs_without_hardening;
pub mod volume_shared_between_services;
pub mod world_writable_permissions;
pub mod writable_bind_mount;
pub mod writable_root_filesystem;

use crate::rules::Rule;

/// This family's container rules (its Dockerfile rules are listed in `rules::DOCKERFILE_RULES`),
/// in the order they run.
pub(crate) static RULES: &[Rule] = &[
    Rule::container(
        writable_root_filesystem::WritableRootFilesystem::META,
        writable_root_filesystem::check,
    ),
    Rule::container(
        tmpfs_without_hardening::TmpfsWithoutHardening::META,
        tmpfs_without_hardening::check,
    ),
    Rule::container(
        sensitive_host_path_mounted::SensitiveHostPathMounted::META,
        sensitive_host_path_mounted::check,
    ),
    Rule::container(
        writable_bind_mount::WritableBindMount::META,
        writable_bind_mount::check,
    ),
    Rule::container(
        shared_mount_propagation::SharedMountPropagation::META,
        shared_mount_propagation::check,
    ),
    Rule::project(
        volume_shared_between_services::VolumeSharedBetweenServices::META,
        volume_shared_between_services::check,
    ),
];
