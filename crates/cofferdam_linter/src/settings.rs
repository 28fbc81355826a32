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
    /// The largest memory limit a container may have, in bytes; `None` for no ceiling.
    pub memory_ceiling: Option<u64>,
    /// Where images may be pulled from: registry hosts, optionally with a path prefix
    /// (`docker.io/library`, `ghcr.io/acme`), normalised as Docker names them. Empty: anywhere.
    pub allowed_registries: Vec<String>,
    /// The tag to pin each image to when a fix replaces `latest` or adds a missing tag:
    /// `(canonical name, tag)`, see [`crate::model::ImageRef::canonical_name`].
    pub pinned_tags: Vec<(String, String)>,
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
            memory_ceiling: None,
            allowed_registries: Vec::new(),
            pinned_tags: Vec::new(),
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

    /// The tag configured for `image` (`pinned-tags`).
    pub fn pinned_tag(&self, image: &crate::model::ImageRef) -> Option<&str> {
        let name = image.canonical_name();
        self.pinned_tags
            .iter()
            .find(|(pinned, _)| *pinned == name)
            .map(|(_, tag)| tag.as_str())
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

/// One key of the `[settings]` table of `cofferdam.toml`, documented once here: the
/// configuration loader accepts exactly these keys, and `cargo xtask generate` writes the
/// configuration reference from this table.
#[derive(Clone, Copy, Debug)]
pub struct SettingDoc {
    pub key: &'static str,
    /// The TOML type, as the reference shows it.
    pub kind: &'static str,
    pub default: &'static str,
    /// What it changes, in Markdown.
    pub description: &'static str,
    /// A TOML value for the key, as the reference's example shows it.
    pub example: &'static str,
    /// The rules whose findings the setting changes.
    pub rules: &'static [&'static str],
}

/// Every threshold a team can set.
pub const SETTINGS: &[SettingDoc] = &[
    SettingDoc {
        key: "restart-max-retries",
        kind: "integer",
        default: "3",
        description: "The `N` of the recommended restart policy `on-failure:N`: policies that \
                      restart more often, or forever, are reported. The command line's \
                      `--restart-max-retries` wins over it.",
        example: "5",
        rules: &["unbounded-restart-policy"],
    },
    SettingDoc {
        key: "memory-ceiling",
        kind: "string or integer",
        default: "none",
        description: "The largest memory limit a container may have, in Docker's notation \
                      (`512m`, `2g`) or in bytes. A container whose limit is above it is \
                      reported: a limit larger than the host, or larger than the team \
                      budgets for one container, protects nothing.",
        example: "\"2g\"",
        rules: &["memory-limit-above-ceiling"],
    },
    SettingDoc {
        key: "allowed-registries",
        kind: "array of strings",
        default: "[]",
        description: "Where images may come from: registry hosts, optionally followed by a \
                      path prefix, as Docker names them (`docker.io` is Docker Hub, \
                      `docker.io/library` only its official images, `ghcr.io/acme` one \
                      organisation). When set, an image pulled from anywhere else is \
                      reported.",
        example: "[\"registry.example.com\", \"docker.io/library\"]",
        rules: &["image-from-unapproved-registry"],
    },
    SettingDoc {
        key: "pinned-tags",
        kind: "table of strings",
        default: "{}",
        description: "The version tag a fix pins each image to, by image name as Docker \
                      resolves it (`nginx` is `docker.io/library/nginx`). With it, \
                      `--unsafe-fixes` replaces `latest` and adds the missing tag of an \
                      untagged image; without an entry for an image, those findings stay \
                      suggestions.",
        example: "{ nginx = \"1.27-alpine\", \"ghcr.io/acme/api\" = \"2.4.1\" }",
        rules: &["latest-tag", "untagged-image"],
    },
    SettingDoc {
        key: "allowed-capabilities",
        kind: "table of arrays of strings",
        default: "{}",
        description: "Capabilities a team has accepted for a service or container, by its \
                      name (`*` for every one); `cap_add` of these is not reported as \
                      dangerous. Names are case-insensitive, with or without `CAP_`.",
        example: "{ vpn = [\"NET_ADMIN\"] }",
        rules: &["dangerous-capability-added"],
    },
];

impl Settings {
    /// Sets one `[settings]` key from its value (as JSON, whatever the configuration's own
    /// syntax). Errors say what was expected; unknown keys list the known ones.
    pub fn apply_setting(&mut self, key: &str, value: &serde_json::Value) -> Result<(), String> {
        use serde_json::Value;
        let expected = |what: &str| format!("`{key}` expects {what}, found `{value}`");
        match key {
            "restart-max-retries" => {
                self.restart_max_retries = value
                    .as_u64()
                    .and_then(|number| u32::try_from(number).ok())
                    .ok_or_else(|| expected("a non-negative integer"))?;
            }
            "memory-ceiling" => {
                let bytes = match value {
                    Value::Number(number) => number.as_u64(),
                    Value::String(text) => match crate::model::container::Bytes::parse(text) {
                        Some(crate::model::container::Bytes::Limited(bytes)) => Some(bytes),
                        _ => None,
                    },
                    _ => None,
                };
                self.memory_ceiling = Some(
                    bytes
                        .filter(|bytes| *bytes > 0)
                        .ok_or_else(|| expected("a size such as \"512m\" or \"2g\""))?,
                );
            }
            "allowed-registries" => {
                let items = value
                    .as_array()
                    .ok_or_else(|| expected("an array of registries"))?;
                let mut registries = Vec::with_capacity(items.len());
                for item in items {
                    let text = item
                        .as_str()
                        .ok_or_else(|| expected("an array of registries"))?;
                    registries.push(crate::model::image::normalize_registry_prefix(text)?);
                }
                self.allowed_registries = registries;
            }
            "pinned-tags" => {
                let table = value
                    .as_object()
                    .ok_or_else(|| expected("a table of image names to tags"))?;
                let mut pinned = Vec::with_capacity(table.len());
                for (image, tag) in table {
                    let tag = tag
                        .as_str()
                        .map(str::trim)
                        .filter(|tag| is_tag(tag))
                        .ok_or_else(|| {
                            format!(
                                "`pinned-tags.{image}` expects a tag such as \"1.27-alpine\", \
                                 found `{tag}`"
                            )
                        })?;
                    let reference = crate::model::ImageRef::parse(image.trim());
                    if reference.tag.is_some() || reference.digest.is_some() {
                        return Err(format!(
                            "`pinned-tags` names images without a tag or digest, found `{image}`"
                        ));
                    }
                    pinned.push((reference.canonical_name(), tag.to_owned()));
                }
                self.pinned_tags = pinned;
            }
            "allowed-capabilities" => {
                let table = value
                    .as_object()
                    .ok_or_else(|| expected("a table of service names to capability arrays"))?;
                let mut allowed = Vec::with_capacity(table.len());
                for (service, caps) in table {
                    let caps = caps
                        .as_array()
                        .and_then(|caps| {
                            caps.iter()
                                .map(|cap| {
                                    let upper = cap.as_str()?.trim().to_ascii_uppercase();
                                    Some(upper.strip_prefix("CAP_").unwrap_or(&upper).to_owned())
                                })
                                .collect::<Option<Vec<String>>>()
                        })
                        .ok_or_else(|| {
                            format!(
                                "`allowed-capabilities.{service}` expects an array of \
                                 capability names, found `{caps}`"
                            )
                        })?;
                    allowed.push((service.clone(), caps));
                }
                self.allowed_capabilities = allowed;
            }
            _ => {
                let known: Vec<String> = SETTINGS
                    .iter()
                    .map(|setting| format!("`{}`", setting.key))
                    .collect();
                return Err(format!(
                    "unknown setting `{key}`, expected one of {}",
                    known.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// Docker's tag grammar: up to 128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`.
fn is_tag(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 128
        && !text.starts_with(['.', '-'])
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::{SETTINGS, Settings};

    /// A TOML value, as the configuration loader hands it over (as JSON).
    fn toml_value(text: &str) -> serde_json::Value {
        let table: toml::Table = toml::from_str(&format!("value = {text}"))
            .unwrap_or_else(|error| panic!("{text}: {error}"));
        serde_json::to_value(&table["value"]).expect("TOML values are JSON values")
    }

    #[test]
    fn every_documented_setting_accepts_its_example() {
        for setting in SETTINGS {
            let mut settings = Settings::default();
            settings
                .apply_setting(setting.key, &toml_value(setting.example))
                .unwrap_or_else(|error| panic!("{}: {error}", setting.key));
            for rule in setting.rules {
                assert!(
                    crate::rules::find_rule(rule).is_some(),
                    "{}: no rule {rule}",
                    setting.key
                );
            }
        }
        let mut settings = Settings::default();
        settings
            .apply_setting("memory-ceiling", &toml_value("\"1.5g\""))
            .unwrap();
        assert_eq!(settings.memory_ceiling, Some(3 << 29));
        settings
            .apply_setting(
                "allowed-registries",
                &toml_value("[\"Index.Docker.io/Library\", \"localhost:5000\"]"),
            )
            .unwrap();
        assert_eq!(
            settings.allowed_registries,
            ["docker.io/library", "localhost:5000"]
        );
        settings
            .apply_setting(
                "pinned-tags",
                &serde_json::json!({"nginx": "1.27", "ghcr.io/acme/api": "2.4.1"}),
            )
            .unwrap();
        let tag = |image: &str| {
            settings
                .pinned_tag(&crate::model::ImageRef::parse(image))
                .map(str::to_owned)
        };
        assert_eq!(
            tag("docker.io/library/nginx:latest").as_deref(),
            Some("1.27")
        );
        assert_eq!(tag("ghcr.io/acme/api").as_deref(), Some("2.4.1"));
        assert_eq!(tag("redis"), None);
        let mut fresh = Settings::default();
        assert!(
            fresh
                .apply_setting("pinned-tags", &serde_json::json!({"nginx": "1 27"}))
                .is_err()
        );
        assert!(
            fresh
                .apply_setting("pinned-tags", &serde_json::json!({"nginx:1": "1.27"}))
                .is_err()
        );
    }

    #[test]
    fn wrong_values_and_keys_say_what_was_expected() {
        let mut settings = Settings::default();
        let error = settings
            .apply_setting("memory-ceiling", &toml_value("\"lots\""))
            .unwrap_err();
        assert_eq!(
            error,
            "`memory-ceiling` expects a size such as \"512m\" or \"2g\", found `\"lots\"`"
        );
        let error = settings
            .apply_setting("allowed-registries", &toml_value("[\"nginx\"]"))
            .unwrap_err();
        assert!(error.contains("`nginx` is not a registry"), "{error}");
        let error = settings
            .apply_setting("restart-max-retry", &toml_value("3"))
            .unwrap_err();
        assert!(
            error.starts_with(
                "unknown setting `restart-max-retry`, expected one of `restart-max-retries`"
            ),
            "{error}"
        );
        assert!(
            settings
                .apply_setting("restart-max-retries", &toml_value("-1"))
                .is_err()
        );
    }
}
