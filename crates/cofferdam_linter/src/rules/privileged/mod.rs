//! `privileged` rules for containers: `privileged: true`, a missing `no-new-privileges`, and
//! `systempaths=unconfined` (one piece of what `privileged` does, asked for on its own).

pub mod privilege_escalation_allowed;
pub mod privileged_container;
pub mod system_paths_unmasked;

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[
    Rule::container(
        privileged_container::PrivilegedContainer::META,
        privileged_container::check,
    ),
    Rule::container(
        privilege_escalation_allowed::PrivilegeEscalationAllowed::META,
        privilege_escalation_allowed::check,
    ),
    Rule::container(
        system_paths_unmasked::SystemPathsUnmasked::META,
        system_paths_unmasked::check,
    ),
];
