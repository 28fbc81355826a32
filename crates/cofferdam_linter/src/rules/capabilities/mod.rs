//! `capabilities` rules for containers: `cap_drop: [ALL]` missing, dangerous `cap_add`, and root
//! kept only to bind a port below 1024 (where `NET_BIND_SERVICE`, or nothing at all, suffices).
//!
//! [`grants`] holds the one table of what each capability allows and how risky it is.

pub mod capabilities_not_dropped;
pub mod dangerous_capability_added;
pub mod grants;
pub mod root_for_privileged_port;

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[
    Rule::container(
        capabilities_not_dropped::CapabilitiesNotDropped::META,
        capabilities_not_dropped::check,
    ),
    Rule::container(
        dangerous_capability_added::DangerousCapabilityAdded::META,
        dangerous_capability_added::check,
    ),
    Rule::container(
        root_for_privileged_port::RootForPrivilegedPort::META,
        root_for_privileged_port::check,
    ),
];
