//! `devices` rules for containers: device passthrough broader than needed.

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[];
