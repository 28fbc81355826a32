//! `filesystem` rules for Dockerfiles.

pub mod world_writable_permissions;
