//! `capabilities` rules for containers: `cap_drop: [ALL]` missing, dangerous `cap_add`, and root
//! kept only to bind a port below 1024 (where `NET_BIND_SERVICE`, or nothing at all, suffices).
//!
//! [`grants`] holds the one table of what each capability allows and how risky it is.

pub mod capabilities_not_dropped;
pub mod dangerous_capability_added;
pub(crate) mod grants;
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

#[cfg(test)]
pub(crate) mod test {
    //! A snippet-test helper for rules that grade their findings (used by the capability,
    //! privileged, seccomp, mac, namespaces and devices families).

    use cofferdam_diagnostics::{RuleMeta, SourceFile};

    use crate::Settings;
    use crate::model::compose::{ComposeInput, NoFiles};

    /// `(line, severity)` of every finding of `rule` on the compose file `text`.
    pub(crate) fn graded(rule: &RuleMeta, text: &str) -> Vec<(u32, &'static str)> {
        let settings = Settings::default()
            .with_selection(&[rule.code.to_owned()], &[], &[])
            .expect("registered rule");
        let environment = |_: &str| None;
        let results = crate::lint_compose(
            ComposeInput {
                files: vec![SourceFile::new("compose.yaml", text)],
                loader: &NoFiles,
                environment: &environment,
            },
            &settings,
        );
        let mut found = Vec::new();
        for (file, result) in results {
            for diagnostic in result.diagnostics {
                found.push((
                    file.line_column(diagnostic.range.start()).line,
                    diagnostic.severity.as_str(),
                ));
            }
        }
        found.sort_unstable();
        found
    }
}
