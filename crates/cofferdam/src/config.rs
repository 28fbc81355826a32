//! `cofferdam.toml`: rule selection, severities, thresholds and per-path overrides, kept with the
//! code they apply to.
//!
//! Each checked file uses the nearest `cofferdam.toml` in its directory or above (so a monorepo
//! can give a subproject its own), and `[[overrides]]` whose `paths` globs (relative to the
//! configuration's directory) match it. Layers, later winning: built-in defaults, the file, the
//! environment (`COFFERDAM_CONFIG` names the one file to use instead of searching;
//! `COFFERDAM_FAIL_ON`), then the command line: `--select` replaces the file's `select` (and
//! its `extend-select` and `ignore`, which refined it), `--extend-select`, `--ignore` and
//! `--severity-override` add to the file's. Run-wide options
//! (`fail-on`, `require-reason`) come from the configuration found from the current directory.
//!
//! ```toml
//! extend-select = ["unpinned-package"]
//! ignore = ["image-not-digest-pinned"]
//! fail-on = "medium"
//! require-reason = true
//!
//! [severity]
//! latest-tag = "high"
//!
//! [settings]
//! restart-max-retries = 5
//! memory-ceiling = "2g"
//! allowed-registries = ["registry.example.com", "docker.io/library"]
//! allowed-capabilities = { vpn = ["NET_ADMIN"] }
//!
//! [[overrides]]
//! paths = ["legacy/**"]
//! ignore = ["container-runs-as-root"]
//! ```
//!
//! Unknown keys and values are errors that name the file, line and column. The keys are
//! documented once, in [`KEYS`] and the linter's `SETTINGS`, from which `cargo xtask
//! generate` writes `docs/configuration.md`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cofferdam_diagnostics::{Severity, SourceFile};
use cofferdam_linter::Settings;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

/// The file name searched for.
pub(crate) const FILE_NAME: &str = "cofferdam.toml";

/// A configuration file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    extend_select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    require_reason: Option<bool>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Thresholds, checked key by key against the linter's `SETTINGS`.
    #[serde(default)]
    settings: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    overrides: Vec<Override>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Override {
    paths: Vec<Spanned<String>>,
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    extend_select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// A configuration mistake, with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConfigError {
    pub(crate) path: String,
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ConfigError {}

/// A loaded configuration.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) path: PathBuf,
    source: SourceFile,
    file: ConfigFile,
    overrides: Vec<GlobSet>,
}

/// What the command line said about rules, layered on top of a file.
#[derive(Clone, Debug, Default)]
pub(crate) struct Flags {
    pub(crate) select: Vec<String>,
    pub(crate) extend_select: Vec<String>,
    pub(crate) ignore: Vec<String>,
    /// `KEY=SEVERITY`.
    pub(crate) severity_override: Vec<String>,
    pub(crate) restart_max_retries: Option<u32>,
}

impl Config {
    /// Reads and checks a configuration file.
    pub(crate) fn load(path: &Path) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
            path: name.clone(),
            line: 1,
            column: 1,
            message: format!("cannot read the configuration: {error}"),
        })?;
        let source = SourceFile::new(name.clone(), text);
        let file: ConfigFile = toml::from_str(source.text()).map_err(|error| {
            let at = error.span().map_or(0, |span| span.start);
            let position = source.line_column(at as u32);
            ConfigError {
                path: name.clone(),
                line: position.line,
                column: position.column,
                message: error.message().trim().to_owned(),
            }
        })?;
        let mut overrides = Vec::new();
        for entry in &file.overrides {
            let mut builder = GlobSetBuilder::new();
            for pattern in &entry.paths {
                let glob = Glob::new(pattern.get_ref()).map_err(|error| {
                    Self::error_at(
                        &source,
                        pattern.span().start,
                        format!("invalid glob: {error}"),
                    )
                })?;
                builder.add(glob);
            }
            overrides.push(
                builder.build().map_err(|error| {
                    Self::error_at(&source, 0, format!("invalid globs: {error}"))
                })?,
            );
        }
        let config = Config {
            path: path.to_path_buf(),
            source,
            file,
            overrides,
        };
        // Validate every selector and severity now, so mistakes surface before any linting.
        config.settings(Path::new(""), &Flags::default(), true)?;
        if let Some(fail_on) = &config.file.fail_on {
            fail_on
                .get_ref()
                .parse::<Severity>()
                .map_err(|message| Self::error_at(&config.source, fail_on.span().start, message))?;
        }
        Ok(config)
    }

    fn error_at(source: &SourceFile, offset: usize, message: String) -> ConfigError {
        let position = source.line_column(offset as u32);
        ConfigError {
            path: source.name().to_owned(),
            line: position.line,
            column: position.column,
            message,
        }
    }

    /// The directory the configuration's globs are relative to.
    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// The run-wide `fail-on`, if set.
    pub(crate) fn fail_on(&self) -> Option<Severity> {
        self.file.fail_on.as_ref()?.get_ref().parse().ok()
    }

    pub(crate) fn require_reason(&self) -> Option<bool> {
        self.file.require_reason
    }

    /// The settings for `file`: this configuration, the overrides matching it, then `flags`.
    /// With `all_overrides`, every override applies (to validate them).
    fn settings(
        &self,
        file: &Path,
        flags: &Flags,
        all_overrides: bool,
    ) -> Result<Settings, ConfigError> {
        let strings = |items: &[Spanned<String>]| -> Vec<String> {
            items.iter().map(|item| item.get_ref().clone()).collect()
        };
        let select = if flags.select.is_empty() {
            self.file.select.as_deref().map(strings).unwrap_or_default()
        } else {
            flags.select.clone()
        };
        // `--select` on the command line starts the selection afresh, as ruff's does: the
        // file's `extend-select` and `ignore` belonged to the file's `select`.
        let (mut extend, mut ignore) = if flags.select.is_empty() {
            (
                strings(&self.file.extend_select),
                strings(&self.file.ignore),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        self.check_selectors(&self.file.extend_select)?;
        self.check_selectors(&self.file.ignore)?;
        if flags.select.is_empty()
            && let Some(select) = &self.file.select
        {
            self.check_selectors(select)?;
        }
        let relative = file.strip_prefix(self.dir()).unwrap_or(file);
        let matching: Vec<&Override> = self
            .file
            .overrides
            .iter()
            .zip(&self.overrides)
            .filter(|(_, globs)| all_overrides || globs.is_match(relative))
            .map(|(entry, _)| entry)
            .collect();
        let mut settings = Settings::default()
            .with_selection(&select, &extend, &ignore)
            .map_err(|error| self.error_at_text(&error.0, error.to_string()))?;
        for entry in &matching {
            self.check_selectors(&entry.extend_select)?;
            self.check_selectors(&entry.ignore)?;
            let select = entry.select.as_deref().map(strings).unwrap_or_default();
            if let Some(items) = &entry.select {
                self.check_selectors(items)?;
            }
            extend = strings(&entry.extend_select);
            ignore = strings(&entry.ignore);
            settings = settings
                .with_selection(&select, &extend, &ignore)
                .map_err(|error| self.error_at_text(&error.0, error.to_string()))?;
        }
        for (key, severity) in self
            .file
            .severity
            .iter()
            .chain(matching.iter().flat_map(|entry| entry.severity.iter()))
        {
            let level: Severity = severity
                .get_ref()
                .parse()
                .map_err(|message| Self::error_at(&self.source, severity.span().start, message))?;
            settings = settings
                .with_severity(key.get_ref(), level)
                .map_err(|error| {
                    Self::error_at(&self.source, key.span().start, error.to_string())
                })?;
        }
        for (key, value) in &self.file.settings {
            let json = serde_json::to_value(value.get_ref()).map_err(|error| {
                Self::error_at(&self.source, value.span().start, error.to_string())
            })?;
            settings
                .apply_setting(key.get_ref(), &json)
                .map_err(|message| {
                    let at = if message.starts_with("unknown setting") {
                        key.span().start
                    } else {
                        value.span().start
                    };
                    Self::error_at(&self.source, at, message)
                })?;
        }
        apply_flags(settings, flags).map_err(|message| ConfigError {
            path: "command line".to_owned(),
            line: 1,
            column: 1,
            message,
        })
    }

    fn check_selectors(&self, items: &[Spanned<String>]) -> Result<(), ConfigError> {
        for item in items {
            Settings::default()
                .with_selection(&[], std::slice::from_ref(item.get_ref()), &[])
                .map_err(|error| {
                    Self::error_at(&self.source, item.span().start, error.to_string())
                })?;
        }
        Ok(())
    }

    fn error_at_text(&self, needle: &str, message: String) -> ConfigError {
        let offset = self.source.text().find(needle).unwrap_or(0);
        Self::error_at(&self.source, offset, message)
    }

    /// The configuration as `cofferdam config` shows it.
    pub(crate) fn text(&self) -> &str {
        self.source.text()
    }
}

/// The command line's selection on top of `settings`.
pub(crate) fn apply_flags(settings: Settings, flags: &Flags) -> Result<Settings, String> {
    // `--select` was already used in place of the file's `select`; apply it again only when
    // there is no file (then `settings` are the defaults).
    let mut settings = settings
        .with_selection(&[], &flags.extend_select, &flags.ignore)
        .map_err(|error| format!("invalid rule selection: {error}"))?;
    for value in &flags.severity_override {
        settings = crate::resolve::apply_override(settings, value)?;
    }
    if let Some(retries) = flags.restart_max_retries {
        settings.restart_max_retries = retries;
    }
    Ok(settings)
}

/// The nearest `cofferdam.toml` in `dir` or above.
pub(crate) fn find(dir: &Path) -> Option<PathBuf> {
    let absolute = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        // `./a/./b` → `a/b`, so the path shown for the configuration reads cleanly.
        let relative: PathBuf = dir
            .components()
            .filter(|component| !matches!(component, std::path::Component::CurDir))
            .collect();
        std::env::current_dir().ok()?.join(relative)
    };
    absolute
        .ancestors()
        .map(|ancestor| ancestor.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Finds, loads and caches configurations, and the settings of each file.
#[derive(Debug, Default)]
pub(crate) struct Resolver {
    /// `COFFERDAM_CONFIG`: the one configuration to use.
    forced: Option<PathBuf>,
    flags: Flags,
    /// Settings without any configuration file (the defaults and the flags).
    plain: Option<Arc<Settings>>,
    by_dir: Mutex<HashMap<PathBuf, Option<Arc<Config>>>>,
    loaded: Mutex<HashMap<PathBuf, Arc<Config>>>,
}

impl Resolver {
    pub(crate) fn new(flags: Flags, plain: Settings) -> Resolver {
        Resolver {
            forced: std::env::var_os("COFFERDAM_CONFIG")
                .filter(|value| !value.is_empty())
                .map(PathBuf::from),
            flags,
            plain: Some(Arc::new(plain)),
            ..Resolver::default()
        }
    }

    /// The configuration that applies to files in `dir`.
    pub(crate) fn config_for_dir(&self, dir: &Path) -> Result<Option<Arc<Config>>, ConfigError> {
        let path = if let Some(forced) = &self.forced {
            Some(forced.clone())
        } else {
            if let Some(known) = self.by_dir.lock().expect("lock").get(dir) {
                return Ok(known.clone());
            }
            find(dir)
        };
        let config = match path {
            None => None,
            Some(path) => {
                let cached = self.loaded.lock().expect("lock").get(&path).cloned();
                if let Some(config) = cached {
                    Some(config)
                } else {
                    let config = Arc::new(Config::load(&path)?);
                    self.loaded
                        .lock()
                        .expect("lock")
                        .insert(path, Arc::clone(&config));
                    Some(config)
                }
            }
        };
        self.by_dir
            .lock()
            .expect("lock")
            .insert(dir.to_path_buf(), config.clone());
        Ok(config)
    }

    /// The settings one file is linted with.
    pub(crate) fn settings_for(&self, file: &Path) -> Result<Arc<Settings>, ConfigError> {
        let dir = file.parent().unwrap_or(Path::new("."));
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        match self.config_for_dir(dir)? {
            None => Ok(Arc::clone(self.plain.as_ref().expect("built with new"))),
            Some(config) => {
                let absolute = if file.is_absolute() {
                    file.to_path_buf()
                } else {
                    std::env::current_dir()
                        .map_or_else(|_| file.to_path_buf(), |cwd| cwd.join(file))
                };
                Ok(Arc::new(config.settings(&absolute, &self.flags, false)?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn unknown_keys_and_rules_point_at_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "ignore = [\"IMG003\"]\nselec = [\"ALL\"]\n");
        let error = Config::load(&path).unwrap_err();
        assert_eq!((error.line, error.column), (2, 1), "{error}");
        assert!(
            error.message.starts_with("unknown field `selec`"),
            "{error}"
        );

        let path = write(
            dir.path(),
            "ignore = [\n  \"IMG003\",\n  \"no-such-rule\",\n]\n",
        );
        let error = Config::load(&path).unwrap_err();
        assert_eq!((error.line, error.column), (3, 3), "{error}");
        assert_eq!(
            error.message,
            "`no-such-rule` is not a rule code, rule name, category, peer alias or `ALL`"
        );

        let path = write(dir.path(), "[severity]\nlatest-tag = \"severe\"\n");
        let error = Config::load(&path).unwrap_err();
        assert_eq!((error.line, error.column), (2, 14), "{error}");

        let path = write(dir.path(), "fail-on = \"loud\"\n");
        assert_eq!(Config::load(&path).unwrap_err().line, 1);
    }

    #[test]
    fn layers_and_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "ignore = [\"IMG003\"]\nfail-on = \"medium\"\n[severity]\nlatest-tag = \"critical\"\n[settings]\nrestart-max-retries = 7\nallowed-capabilities = { vpn = [\"cap_net_admin\"] }\n[[overrides]]\npaths = [\"legacy/**\"]\nignore = [\"USR004\"]\n",
        );
        let config = Config::load(&path).unwrap();
        assert_eq!(config.fail_on(), Some(Severity::Medium));
        let meta = |code: &str| cofferdam_linter::rules::find_rule(code).unwrap().meta;
        let plain = config
            .settings(&dir.path().join("compose.yaml"), &Flags::default(), false)
            .unwrap();
        assert!(!plain.is_enabled(meta("IMG003")));
        assert!(plain.is_enabled(meta("USR004")));
        assert_eq!(
            plain.severity_override(meta("IMG002")),
            Some(Severity::Critical)
        );
        assert_eq!(plain.restart_max_retries, 7);
        assert!(plain.capability_allowed("vpn", "NET_ADMIN"));
        assert!(!plain.capability_allowed("web", "NET_ADMIN"));
        let legacy = config
            .settings(
                &dir.path().join("legacy/old/compose.yaml"),
                &Flags::default(),
                false,
            )
            .unwrap();
        assert!(!legacy.is_enabled(meta("USR004")));
        // The command line wins: --select replaces the file's selection, --ignore adds.
        let flags = Flags {
            select: vec!["IMG003".to_owned()],
            ignore: vec!["USR004".to_owned()],
            restart_max_retries: Some(2),
            ..Flags::default()
        };
        let cli = config
            .settings(&dir.path().join("compose.yaml"), &flags, false)
            .unwrap();
        assert!(cli.is_enabled(meta("IMG003")));
        assert!(!cli.is_enabled(meta("USR001")));
        assert_eq!(cli.restart_max_retries, 2);
    }

    /// The fields serde expects, from the message it gives for an unknown one.
    fn expected_fields<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        probe: &str,
    ) -> Vec<String> {
        let error = toml::from_str::<T>(probe).unwrap_err();
        let message = error.message();
        let (_, list) = message
            .split_once("expected one of ")
            .unwrap_or_else(|| panic!("{message}"));
        list.split(", ")
            .map(|field| field.trim().trim_matches('`').to_owned())
            .collect()
    }

    #[test]
    fn the_key_reference_lists_exactly_the_accepted_keys() {
        use cofferdam::config_keys::KEYS;
        let documented = |prefix: Option<&str>| -> Vec<String> {
            let mut keys: Vec<String> = KEYS
                .iter()
                .filter_map(|doc| match (prefix, doc.key.split_once('.')) {
                    (None, None) => Some(doc.key.to_owned()),
                    (Some(prefix), Some((table, key))) if table == prefix => Some(key.to_owned()),
                    _ => None,
                })
                .collect();
            keys.sort();
            keys
        };
        let mut top = expected_fields::<ConfigFile>("not-a-key = 1\n");
        top.sort();
        assert_eq!(top, documented(None));
        let mut entry = expected_fields::<ConfigFile>("[[overrides]]\nnot-a-key = 1\n");
        entry.sort();
        assert_eq!(entry, documented(Some("overrides")));
        // Every documented example is accepted where it belongs.
        for doc in KEYS {
            let text = match doc.key.split_once('.') {
                None if doc.key == "overrides" => format!("overrides = {}\n", doc.example),
                None => format!("{} = {}\n", doc.key, doc.example),
                Some((_, "paths")) => format!("[[overrides]]\npaths = {}\n", doc.example),
                Some((_, key)) => {
                    format!("[[overrides]]\npaths = [\"x\"]\n{key} = {}\n", doc.example)
                }
            };
            let dir = tempfile::tempdir().unwrap();
            let path = write(dir.path(), &text);
            Config::load(&path).unwrap_or_else(|error| panic!("{}: {error}", doc.key));
        }
    }

    #[test]
    fn the_generated_reference_example_loads() {
        let reference = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/configuration.md"
        ))
        .unwrap();
        let (_, rest) = reference.split_once("```toml\n").expect("an example");
        let (example, _) = rest.split_once("```").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), example);
        let config = Config::load(&path).unwrap_or_else(|error| panic!("{error}"));
        let settings = config
            .settings(
                &dir.path().join("legacy/compose.yaml"),
                &Flags::default(),
                false,
            )
            .unwrap();
        assert_eq!(settings.restart_max_retries, 5);
        assert!(settings.memory_ceiling.is_some());
    }

    #[test]
    fn thresholds_are_checked_where_they_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "[settings]\nmemory-ceiling = \"2g\"\nallowed-registries = [\"registry.example.com\"]\n",
        );
        let settings = Config::load(&path)
            .unwrap()
            .settings(&dir.path().join("compose.yaml"), &Flags::default(), false)
            .unwrap();
        assert_eq!(settings.memory_ceiling, Some(2 << 30));
        assert_eq!(settings.allowed_registries, ["registry.example.com"]);

        let path = write(dir.path(), "[settings]\nmemory-ceiling = \"big\"\n");
        let error = Config::load(&path).unwrap_err();
        assert_eq!((error.line, error.column), (2, 18), "{error}");
        let path = write(dir.path(), "[settings]\n\nmemory-limit = \"2g\"\n");
        let error = Config::load(&path).unwrap_err();
        assert_eq!((error.line, error.column), (3, 1), "{error}");
        assert!(
            error
                .message
                .contains("expected one of `restart-max-retries`"),
            "{error}"
        );
        let path = write(
            dir.path(),
            "[settings]\nallowed-registries = [\"registry.example.com\", \"nginx\"]\n",
        );
        let error = Config::load(&path).unwrap_err();
        assert_eq!(error.line, 2, "{error}");
        assert!(
            error.message.contains("`nginx` is not a registry"),
            "{error}"
        );
    }

    #[test]
    fn the_nearest_file_applies() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "ignore = [\"IMG003\"]\n");
        std::fs::create_dir_all(dir.path().join("sub/deeper")).unwrap();
        write(&dir.path().join("sub"), "ignore = [\"USR004\"]\n");
        assert_eq!(
            find(&dir.path().join("sub/deeper")),
            Some(dir.path().join("sub").join(FILE_NAME))
        );
        assert_eq!(find(dir.path()), Some(dir.path().join(FILE_NAME)));
    }
}
