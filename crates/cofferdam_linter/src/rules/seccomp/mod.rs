//! `seccomp` rules for containers: the seccomp filter switched off or loosened.

pub mod seccomp_unconfined;

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[Rule::container(
    seccomp_unconfined::SeccompUnconfined::META,
    seccomp_unconfined::check,
)];
