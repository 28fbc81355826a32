//! `resources` rules for containers: memory, CPU and pids limits, swap, restart policy.

pub mod cpu_not_limited;
pub mod memory_limit_above_ceiling;
pub mod memory_not_limited;
pub mod pids_not_limited;
pub mod swap_exceeds_memory;
pub mod unbounded_restart_policy;

use crate::rules::Rule;

/// Starting points for limits a fix or `harden-run` inserts when none is set; the fix
/// description says to adjust them to the workload. 512 MiB, one core and 256 processes fit a
/// typical web service or worker; the restart policy is `on-failure:N` with the default `N`.
pub mod starting_points {
    pub const MEMORY: &str = "512m";
    pub const CPUS: &str = "1";
    pub const PIDS: &str = "256";
    pub const RESTART: &str = "on-failure:3";
    pub const TMPFS_SIZE: &str = "64m";
}

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[
    Rule::container(
        memory_not_limited::MemoryNotLimited::META,
        memory_not_limited::check,
    ),
    Rule::container(cpu_not_limited::CpuNotLimited::META, cpu_not_limited::check),
    Rule::container(
        pids_not_limited::PidsNotLimited::META,
        pids_not_limited::check,
    ),
    Rule::container(
        swap_exceeds_memory::SwapExceedsMemory::META,
        swap_exceeds_memory::check,
    ),
    Rule::container(
        unbounded_restart_policy::UnboundedRestartPolicy::META,
        unbounded_restart_policy::check,
    ),
    Rule::container(
        memory_limit_above_ceiling::MemoryLimitAboveCeiling::META,
        memory_limit_above_ceiling::check,
    ),
];
