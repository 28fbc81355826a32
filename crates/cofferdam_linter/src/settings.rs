//! [`Settings`]: which rules run and at what severity. The binary resolves flags and
//! configuration into this; the linter only reads it.

use cofferdam_diagnostics::{Category, RuleMeta, Severity};

use crate::rules::{RULES, find_rule};

/// Resolved linter settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Indexed like [`RULES`].
    enabled: Vec<bool>,
    /// Per-rule severity overrides, indexed like [`RULES`].
    severity: Vec<Option<Severity>>,
    /// The `N` of the recommended restart policy `on-failure:N`.
    pub restart_max_retries: u32,
    /// Capabilities a team has accepted for a service or container, by its name (upper-case,
    /// without `CAP_`): `cap_add` of these is not reported as dangerous for that service.
    pub allowed_capabilities: Vec<(String, Vec<String>)>,
}

/// The default `N` of `on-failure:N`: enough to ride out a transient failure, few enough that a
/// crash loop stops and gets noticed.
pub const DEFAULT_RESTART_MAX_RETRIES: u32 = 3;

impl Default for Settings {
    fn default() -> Self {
        Self {
            enabled: RULES.iter().map(|rule| rule.meta.default_enabled).collect(),
            severity: vec![None; RULES.len()],
            restart_max_retries: DEFAULT_RESTART_MAX_RETRIES,
            allowed_capabilities: Vec::new(),
        }
    }
}

/// A `--select`/`--ignore` value that names no rule, category or alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSelector(pub String);

impl std::fmt::Display for UnknownSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` is not a rule code, rule name, category, peer alias or `ALL`",
            self.0
        )
    }
}

impl std::error::Error for UnknownSelector {}

impl Settings {
    /// Applies rule selection like ruff: a non-empty `select` replaces the default set,
    /// `extend_select` adds to it, and `ignore` removes from the result. Each value is a rule
    /// code, a rule name, a category, a peer alias (`DL3002`, `trivy:DS-0002`) or `ALL`.
    pub fn with_selection(
        mut self,
        select: &[String],
        extend_select: &[String],
        ignore: &[String],
    ) -> Result<Self, UnknownSelector> {
        if !select.is_empty() {
            self.enabled.iter_mut().for_each(|enabled| *enabled = false);
            for key in select {
                self.set(key, true)?;
            }
        }
        for key in extend_select {
            self.set(key, true)?;
        }
        for key in ignore {
            self.set(key, false)?;
        }
        Ok(self)
    }

    /// Overrides the severity of the rules `key` selects.
    pub fn with_severity(mut self, key: &str, severity: Severity) -> Result<Self, UnknownSelector> {
        let matched = matching(key)?;
        for index in matched {
            self.severity[index] = Some(severity);
        }
        Ok(self)
    }

    fn set(&mut self, key: &str, enabled: bool) -> Result<(), UnknownSelector> {
        for index in matching(key)? {
            self.enabled[index] = enabled;
        }
        Ok(())
    }

    /// Whether `capability` (upper-case, without `CAP_`) is accepted for `service`.
    pub fn capability_allowed(&self, service: &str, capability: &str) -> bool {
        self.allowed_capabilities.iter().any(|(name, caps)| {
            (name == service || name == "*")
                && caps.iter().any(|cap| cap.eq_ignore_ascii_case(capability))
        })
    }

    /// Whether the rule at `index` in [`RULES`] runs; the linter's hot path.
    pub(crate) fn is_enabled_at(&self, index: usize) -> bool {
        self.enabled[index]
    }

    /// The severity override of the rule at `index` in [`RULES`].
    pub(crate) fn severity_override_at(&self, index: usize) -> Option<Severity> {
        self.severity[index]
    }

    pub fn is_enabled(&self, meta: &RuleMeta) -> bool {
        index_of(meta).is_some_and(|index| self.enabled[index])
    }

    /// The configured severity override of a rule, if any.
    pub fn severity_override(&self, meta: &RuleMeta) -> Option<Severity> {
        index_of(meta).and_then(|index| self.severity[index])
    }

    /// The rules that will run.
    pub fn enabled_rules(&self) -> impl Iterator<Item = &'static RuleMeta> + '_ {
        RULES
            .iter()
            .zip(&self.enabled)
            .filter(|(_, enabled)| **enabled)
            .map(|(rule, _)| rule.meta)
    }
}

fn index_of(meta: &RuleMeta) -> Option<usize> {
    RULES
        .iter()
        .position(|rule| std::ptr::eq(rule.meta, meta) || rule.meta.code == meta.code)
}

fn matching(key: &str) -> Result<Vec<usize>, UnknownSelector> {
    let key = key.trim();
    if key.eq_ignore_ascii_case("all") {
        return Ok((0..RULES.len()).collect());
    }
    if let Ok(category) = key.parse::<Category>() {
        return Ok(RULES
            .iter()
            .enumerate()
            .filter(|(_, rule)| rule.meta.category == category)
            .map(|(index, _)| index)
            .collect());
    }
    if let Some(rule) = find_rule(key) {
        return Ok(vec![index_of(rule.meta).expect("registered rule")]);
    }
    // Aliases may map to several rules (Trivy's DS-0001 covers untagged and `latest`).
    let matched: Vec<usize> = RULES
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule.meta.matches(key))
        .map(|(index, _)| index)
        .collect();
    if matched.is_empty() {
        Err(UnknownSelector(key.to_owned()))
    } else {
        Ok(matched)
    }
}
