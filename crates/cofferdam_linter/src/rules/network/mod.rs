//! `network` rules: Dockerfile `EXPOSE` hygiene, and for containers the network namespace,
//! published ports and (project-wide) which services can reach which.
//!
//! The project rules read [`crate::model::reachability::Graph`], the same graph that
//! `cofferdam graph` prints.

pub mod data_store_reachable_from_published_service;
mod exposed_ports;
pub mod port_out_of_range;
pub mod port_published_on_all_interfaces;
pub mod privileged_port_mapped;
pub mod privileged_port_non_root;
pub mod service_on_default_network;
pub mod shared_network_namespace;
pub mod ssh_port_exposed;
pub mod ssh_server_installed;
pub mod unneeded_network_attachment;

use crate::rules::Rule;

/// This family's container, project and two-input rules (its Dockerfile-only rules are listed
/// in `rules::DOCKERFILE_RULES`), in the order they run.
pub(crate) static RULES: &[Rule] = &[
    Rule::both(
        ssh_port_exposed::SshPortExposed::META,
        ssh_port_exposed::check,
        ssh_port_exposed::check_container,
    ),
    Rule::container(
        shared_network_namespace::SharedNetworkNamespace::META,
        shared_network_namespace::check,
    ),
    Rule::container(
        port_published_on_all_interfaces::PortPublishedOnAllInterfaces::META,
        port_published_on_all_interfaces::check,
    ),
    Rule::container(
        privileged_port_mapped::PrivilegedPortMapped::META,
        privileged_port_mapped::check,
    ),
    Rule::project(
        data_store_reachable_from_published_service::DataStoreReachableFromPublishedService::META,
        data_store_reachable_from_published_service::check,
    ),
    Rule::project(
        service_on_default_network::ServiceOnDefaultNetwork::META,
        service_on_default_network::check,
    ),
    Rule::project(
        unneeded_network_attachment::UnneededNetworkAttachment::META,
        unneeded_network_attachment::check,
    ),
];

#[cfg(test)]
pub(crate) mod test {
    //! Test helpers of this family: findings with their severities.

    use cofferdam_diagnostics::{Diagnostic, RuleMeta, SourceFile};

    use crate::Settings;
    use crate::model::compose::{ComposeInput, NoFiles};

    /// Every diagnostic of `rule` on the compose file `text`, in file order.
    pub(crate) fn diagnostics(rule: &RuleMeta, text: &str) -> Vec<Diagnostic> {
        let settings = Settings::default()
            .with_selection(&[rule.code.to_owned()], &[], &[])
            .expect("registered rule");
        let environment = |_: &str| None;
        crate::lint_compose(
            ComposeInput {
                files: vec![SourceFile::new("compose.yaml", text)],
                loader: &NoFiles,
                environment: &environment,
            },
            &settings,
        )
        .into_iter()
        .flat_map(|(_, result)| result.diagnostics)
        .collect()
    }
}
