//! `namespaces` rules for containers: host pid, ipc, uts, user and cgroup namespaces shared.

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[];
