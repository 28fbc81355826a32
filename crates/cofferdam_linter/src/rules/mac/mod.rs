//! `mac` rules for containers: AppArmor and SELinux confinement switched off.

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[];
