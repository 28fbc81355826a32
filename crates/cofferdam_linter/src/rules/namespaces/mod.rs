//! `namespaces` rules for containers: host pid, ipc, uts, user and cgroup namespaces shared
//! (and a pid namespace shared with another container). One rule per namespace, because
//! each has its own legitimate users (a process monitor needs `pid: host`, an shm-based
//! pipeline `ipc: host`) who suppress that one and keep the others. The network namespace is
//! the `network` family's `shared-network-namespace`.

pub mod shared_cgroup_namespace;
pub mod shared_ipc_namespace;
pub mod shared_pid_namespace;
pub mod shared_user_namespace;
pub mod shared_uts_namespace;

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[
    Rule::container(
        shared_pid_namespace::SharedPidNamespace::META,
        shared_pid_namespace::check,
    ),
    Rule::container(
        shared_ipc_namespace::SharedIpcNamespace::META,
        shared_ipc_namespace::check,
    ),
    Rule::container(
        shared_uts_namespace::SharedUtsNamespace::META,
        shared_uts_namespace::check,
    ),
    Rule::container(
        shared_user_namespace::SharedUserNamespace::META,
        shared_user_namespace::check,
    ),
    Rule::container(
        shared_cgroup_namespace::SharedCgroupNamespace::META,
        shared_cgroup_namespace::check,
    ),
];

/// What a namespace setting (`pid:`, `ipc:`, `--uts`, …) asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Mode<'a> {
    /// `host`: the host's namespace.
    Host,
    /// `service:x` / `container:x`: another container's namespace.
    Peer(&'a str),
    /// Anything else: the container's own (`private`, `shareable`, empty, a variable).
    Own,
}

impl<'a> Mode<'a> {
    pub(crate) fn parse(value: &'a str) -> Self {
        let value = value.trim();
        if value == "host" {
            return Mode::Host;
        }
        match value.split_once(':') {
            Some(("service" | "container", peer)) if !peer.trim().is_empty() => {
                Mode::Peer(peer.trim())
            }
            _ => Mode::Own,
        }
    }
}

/// Whether a namespace setting is the host's, for fixes that remove it from every service
/// that shares it.
pub(crate) fn is_host(mode: Option<&crate::model::container::Spanned<String>>) -> bool {
    mode.is_some_and(|mode| Mode::parse(&mode.value) == Mode::Host)
}

#[cfg(test)]
mod tests {
    use super::Mode;

    #[test]
    fn modes() {
        assert_eq!(Mode::parse("host"), Mode::Host);
        assert_eq!(Mode::parse(" host "), Mode::Host);
        assert_eq!(Mode::parse("service:db"), Mode::Peer("db"));
        assert_eq!(Mode::parse("container:app_1"), Mode::Peer("app_1"));
        for own in [
            "private",
            "shareable",
            "",
            "Host",
            "service:",
            "${PID_MODE}",
        ] {
            assert_eq!(Mode::parse(own), Mode::Own, "{own}");
        }
    }
}
