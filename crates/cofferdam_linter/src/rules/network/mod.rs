//! `network` rules: Dockerfile `EXPOSE` hygiene, and for containers the network namespace,
//! published ports and (project-wide) which services can reach which.
//!
//! The project rules read [`crate::model::reachability::Graph`], the same graph that
//! `cofferdam graph` prints.

mod exposed_ports;
pub mod port_out_of_range;
pub mod privileged_port_non_root;
pub mod shared_network_namespace;
pub mod ssh_port_exposed;
pub mod ssh_server_installed;

use crate::rules::Rule;

/// This family's container and project rules (its Dockerfile-only rules are listed in
/// `rules::DOCKERFILE_RULES`), in the order they run.
pub(crate) static RULES: &[Rule] = &[Rule::container(
    shared_network_namespace::SharedNetworkNamespace::META,
    shared_network_namespace::check,
)];
