//! `healthcheck` rules for Dockerfiles.

pub mod missing_healthcheck;
pub mod multiple_healthchecks;
