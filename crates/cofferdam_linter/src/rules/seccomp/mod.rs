//! `seccomp` rules for containers: the seccomp filter switched off or loosened.

pub mod seccomp_unconfined;

use std::sync::LazyLock;

use crate::rules::{Check, Rule};

/// The rules about profile files, declared with their checks in `cofferdam_seccomp::lint`.
pub(crate) static PROFILE_RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    cofferdam_seccomp::lint::RULES
        .iter()
        .map(|meta| Rule {
            meta,
            check: Check::SeccompProfile,
        })
        .collect()
});

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[Rule::container(
    seccomp_unconfined::SeccompUnconfined::META,
    seccomp_unconfined::check,
)];
