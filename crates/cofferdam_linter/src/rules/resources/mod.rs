//! `resources` rules for containers: memory, CPU and pids limits, swap, restart policy.

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[];
