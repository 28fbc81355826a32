//! `devices` rules for containers: device passthrough broader than needed, by device path
//! (`devices:`) and by device cgroup rule (`device_cgroup_rules`). [`classes`] holds the one
//! table of which devices are dangerous and how much.

pub mod broad_device_cgroup_rule;
pub(crate) mod classes;
pub mod sensitive_device_passthrough;

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[
    Rule::container(
        sensitive_device_passthrough::SensitiveDevicePassthrough::META,
        sensitive_device_passthrough::check,
    ),
    Rule::container(
        broad_device_cgroup_rule::BroadDeviceCgroupRule::META,
        broad_device_cgroup_rule::check,
    ),
];
