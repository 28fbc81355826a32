//! `socket` rules for containers: container runtime sockets mounted into a workload.

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[];
