//! `privileged` rules for containers: `privileged: true` and a missing `no-new-privileges`.

pub mod privileged_container;
