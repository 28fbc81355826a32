//! `network` rules for Dockerfiles.

mod exposed_ports;
pub mod port_out_of_range;
pub mod privileged_port_non_root;
pub mod ssh_port_exposed;
pub mod ssh_server_installed;

/// This family's container rules (its Dockerfile rules are listed in `rules::DOCKERFILE_RULES`),
/// in the order they run.
pub(crate) static RULES: &[crate::rules::Rule] = &[];
