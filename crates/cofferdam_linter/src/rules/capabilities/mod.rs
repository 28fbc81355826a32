//! `capabilities` rules for containers: `cap_drop: [ALL]` missing, dangerous `cap_add`.

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[];
