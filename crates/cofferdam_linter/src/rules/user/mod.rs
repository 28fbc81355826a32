//! `user` rules for Dockerfiles: who the final image runs as.

pub mod last_user_root;
pub mod missing_user;
pub mod named_user;
