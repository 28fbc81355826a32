//! `socket` rules for containers: container runtime sockets mounted into a workload.

pub mod runtime_socket_mounted;

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[Rule::container(
    runtime_socket_mounted::RuntimeSocketMounted::META,
    runtime_socket_mounted::check,
)];
