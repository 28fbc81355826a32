//! [`Diagnostic`]: one finding, as data. Rules create them; printers render them.

use crate::{Fix, RuleMeta, Severity, TextRange};

/// A secondary location that explains a finding (for example where an inherited value is set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub range: TextRange,
    pub message: String,
}

/// One finding of one rule at one place.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub range: TextRange,
    pub message: String,
    /// Starts as the rule's default; rules that grade by risk (a capability, a tag kind) raise or
    /// lower it, and configuration may override it afterwards.
    pub severity: Severity,
    pub fix: Option<Fix>,
    /// Extra locations shown with the main one.
    pub labels: Vec<Label>,
    /// The compose service or container the finding belongs to, when there is one.
    pub service: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: &'static RuleMeta, range: TextRange, message: impl Into<String>) -> Self {
        Self {
            rule,
            range,
            message: message.into(),
            severity: rule.severity,
            fix: None,
            labels: Vec::new(),
            service: None,
        }
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    #[must_use]
    pub fn with_label(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            range,
            message: message.into(),
        });
        self
    }

    #[must_use]
    pub fn with_service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }
}
