//! `privileged` rules for containers: `privileged: true` and a missing `no-new-privileges`.

pub mod privileged_container;

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[Rule::container(
    privileged_container::PrivilegedContainer::META,
    privileged_container::check,
)];
