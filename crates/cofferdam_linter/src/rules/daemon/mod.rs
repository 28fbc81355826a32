//! `daemon` rules: how the Docker daemon and its host are configured — the API's sockets and
//! TCP listener, `daemon.json` defaults every container inherits, the files the daemon trusts,
//! and who may talk to it. They run on [`HostFacts`] (gathered by `cofferdam audit`) and carry
//! their CIS Docker Benchmark (v1.6) ids as aliases.

pub mod aufs_storage_driver;
pub mod authorization_plugin_missing;
pub mod daemon_debug_logging;
pub mod daemon_file_permissions;
pub mod daemon_seccomp_unconfined;
pub mod daemon_tcp_without_tls;
pub mod daemon_tls_key_exposed;
pub mod default_ulimits_unset;
pub mod docker_group_members;
pub mod experimental_features_enabled;
pub mod icc_enabled;
pub mod insecure_registry;
pub mod iptables_disabled;
pub mod live_restore_disabled;
pub mod new_privileges_allowed_by_default;
pub mod runtime_socket_permissions;
pub mod userland_proxy_enabled;
pub mod userns_remap_disabled;

use cofferdam_diagnostics::{Diagnostic, RuleMeta, TextRange};

use crate::Settings;
use crate::model::host::{DAEMON_JSON, HostFacts};
use crate::rules::{Check, Rule};

/// One host under review.
pub struct HostContext<'a> {
    pub facts: &'a HostFacts,
    pub settings: &'a Settings,
}

impl HostContext<'_> {
    pub fn diagnostic(
        &self,
        rule: &'static RuleMeta,
        range: TextRange,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(rule, range, message)
    }

    /// Whether the daemon's configuration is known: a `daemon.json` was read or dockerd's
    /// command line was given. Without either, a setting that `docker info` does not show
    /// cannot be said to be missing.
    pub fn config_known(&self) -> bool {
        self.facts.daemon_json_exists || self.facts.settings_from_flags
    }

    /// Where a setting to add belongs, and how to say so.
    pub fn add_here(&self) -> (TextRange, &'static str) {
        if self.facts.daemon_json_exists {
            (self.facts.daemon_anchor, "add to daemon.json")
        } else {
            (
                self.facts.daemon_anchor,
                "create /etc/docker/daemon.json with",
            )
        }
    }
}

/// Whether a path is the daemon configuration file.
pub(crate) fn is_daemon_json(path: &str) -> bool {
    path == DAEMON_JSON
}

/// A host rule.
const fn host(meta: &'static RuleMeta, check: crate::rules::HostCheck) -> Rule {
    Rule {
        meta,
        check: Check::Host(check),
    }
}

/// This family's rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[
    host(
        daemon_tcp_without_tls::DaemonTcpWithoutTls::META,
        daemon_tcp_without_tls::check,
    ),
    host(
        runtime_socket_permissions::RuntimeSocketPermissions::META,
        runtime_socket_permissions::check,
    ),
    host(
        daemon_file_permissions::DaemonFilePermissions::META,
        daemon_file_permissions::check,
    ),
    host(
        daemon_tls_key_exposed::DaemonTlsKeyExposed::META,
        daemon_tls_key_exposed::check,
    ),
    host(
        userns_remap_disabled::UsernsRemapDisabled::META,
        userns_remap_disabled::check,
    ),
    host(icc_enabled::IccEnabled::META, icc_enabled::check),
    host(
        live_restore_disabled::LiveRestoreDisabled::META,
        live_restore_disabled::check,
    ),
    host(
        new_privileges_allowed_by_default::NewPrivilegesAllowedByDefault::META,
        new_privileges_allowed_by_default::check,
    ),
    host(
        userland_proxy_enabled::UserlandProxyEnabled::META,
        userland_proxy_enabled::check,
    ),
    host(
        insecure_registry::InsecureRegistry::META,
        insecure_registry::check,
    ),
    host(
        daemon_seccomp_unconfined::DaemonSeccompUnconfined::META,
        daemon_seccomp_unconfined::check,
    ),
    host(
        default_ulimits_unset::DefaultUlimitsUnset::META,
        default_ulimits_unset::check,
    ),
    host(
        docker_group_members::DockerGroupMembers::META,
        docker_group_members::check,
    ),
    host(
        daemon_debug_logging::DaemonDebugLogging::META,
        daemon_debug_logging::check,
    ),
    host(
        iptables_disabled::IptablesDisabled::META,
        iptables_disabled::check,
    ),
    host(
        experimental_features_enabled::ExperimentalFeaturesEnabled::META,
        experimental_features_enabled::check,
    ),
    host(
        authorization_plugin_missing::AuthorizationPluginMissing::META,
        authorization_plugin_missing::check,
    ),
    host(
        aufs_storage_driver::AufsStorageDriver::META,
        aufs_storage_driver::check,
    ),
];
