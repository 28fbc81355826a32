//! `resources` rules for containers: memory, CPU and pids limits, swap, restart policy.

pub mod cpu_not_limited;
pub mod memory_limit_above_ceiling;
pub mod memory_not_limited;
pub mod pids_not_limited;
pub mod swap_exceeds_memory;
pub mod unbounded_restart_policy;

use crate::rules::Rule;

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
