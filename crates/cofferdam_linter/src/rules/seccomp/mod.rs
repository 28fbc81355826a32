//! `seccomp` rules for containers: the seccomp filter switched off or loosened.

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[];
