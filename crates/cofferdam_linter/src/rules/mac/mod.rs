//! `mac` rules for containers: AppArmor and SELinux confinement switched off.

pub mod apparmor_unconfined;
pub mod selinux_unconfined;

use crate::rules::Rule;

/// This family's container rules, in the order they run.
pub(crate) static RULES: &[Rule] = &[
    Rule::container(
        apparmor_unconfined::ApparmorUnconfined::META,
        apparmor_unconfined::check,
    ),
    Rule::container(
        selinux_unconfined::SelinuxUnconfined::META,
        selinux_unconfined::check,
    ),
];
