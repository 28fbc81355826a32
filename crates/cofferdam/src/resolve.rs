//! The resolve step: turns what the user typed (`args`) into the settings commands run with.
//!
//! Precedence is defaults < flags today; a configuration file and environment variables slot in
//! here later without touching the commands. Every mistake found here is a usage error (exit 2).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use cofferdam_diagnostics::{Category, Severity};
use cofferdam_linter::Settings;
use cofferdam_linter::rules::RULES;

use crate::args::{CheckArgs, CheckFormat, ColorChoice, ReviewArgs, RulesArgs, RulesFormat};
use crate::suggest;

/// What `cofferdam check` runs with.
#[derive(Debug)]
pub(crate) struct CheckSettings {
    pub(crate) inputs: Vec<InputPath>,
    pub(crate) stdin_filename: String,
    /// Compose files merged into one project (`-f a -f b`).
    pub(crate) compose_files: Vec<PathBuf>,
    pub(crate) format: OutputFormat,
    pub(crate) fail_on: Severity,
    pub(crate) linter: Settings,
    pub(crate) color: bool,
    pub(crate) quiet: bool,
    /// Whether a progress bar may be shown at all; the command still requires a long run.
    pub(crate) progress: bool,
    /// Inline suppressions without a reason are not applied.
    pub(crate) require_reason: bool,
    /// `--baseline FILE` and whether to rewrite it.
    pub(crate) baseline: Option<(PathBuf, bool)>,
    /// Per-file settings from cofferdam.toml files (`check` only).
    pub(crate) resolver: Option<std::sync::Arc<crate::config::Resolver>>,
    /// `--fix`, `--unsafe-fixes`, `--diff`.
    pub(crate) fix: crate::fix::FixSettings,
}

/// One path argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum InputPath {
    Stdin,
    Path(PathBuf),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutputFormat {
    Human,
    Concise,
    Json,
    Sarif,
    Junit,
    Github,
    Markdown,
}

/// What `cofferdam rules` runs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RulesOutput {
    Table,
    Json,
}

pub(crate) fn check_settings(args: CheckArgs) -> Result<CheckSettings> {
    let mut linter = selection(
        &args.select,
        &args.extend_select,
        &args.ignore,
        &args.severity_override,
    )?;
    if let Some(retries) = args.restart_max_retries {
        linter.restart_max_retries = retries;
    }
    let flags = crate::config::Flags {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        severity_override: args.severity_override.clone(),
        restart_max_retries: args.restart_max_retries,
    };
    let resolver = crate::config::Resolver::new(flags, linter.clone());
    // Run-wide options come from the configuration that applies to the current directory.
    let root = resolver.config_for_dir(Path::new("."))?;
    let environment_fail_on = match std::env::var("COFFERDAM_FAIL_ON") {
        Ok(value) if !value.trim().is_empty() => Some(
            value
                .trim()
                .parse::<Severity>()
                .map_err(|message| anyhow!("COFFERDAM_FAIL_ON: {message}"))?,
        ),
        _ => None,
    };
    let fail_on = args
        .fail_on
        .or(environment_fail_on)
        .or_else(|| root.as_ref().and_then(|config| config.fail_on()))
        .unwrap_or(Severity::Info);
    let require_reason = args.require_reason
        || root
            .as_ref()
            .and_then(|config| config.require_reason())
            .unwrap_or(false);

    let format = OutputFormat::from(args.format);
    let color = use_color(args.color);
    // With no paths, the current directory is checked, unless `-f` files say what to check.
    let paths = if args.paths.is_empty() && args.compose_files.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let inputs = paths
        .into_iter()
        .map(|path| {
            if path.as_os_str() == "-" {
                InputPath::Stdin
            } else {
                InputPath::Path(path)
            }
        })
        .collect();
    Ok(CheckSettings {
        inputs,
        stdin_filename: args.stdin_filename,
        compose_files: args.compose_files,
        format,
        fail_on,
        linter,
        color: color && format == OutputFormat::Human,
        quiet: args.quiet,
        progress: !args.no_progress
            && !args.quiet
            && format == OutputFormat::Human
            && std::io::stderr().is_terminal(),
        require_reason,
        baseline: args.baseline.map(|path| (path, args.update_baseline)),
        resolver: Some(std::sync::Arc::new(resolver)),
        fix: crate::fix::FixSettings {
            mode: if args.diff {
                crate::fix::FixMode::Diff
            } else if args.fix || args.unsafe_fixes {
                crate::fix::FixMode::Apply
            } else {
                crate::fix::FixMode::Off
            },
            unsafe_fixes: args.unsafe_fixes,
        },
    })
}

/// The output and selection of a review command other than `check` (`audit`), as `check`
/// resolves them; there are no paths.
pub(crate) fn review_settings(args: &ReviewArgs) -> Result<CheckSettings> {
    let linter = selection(
        &args.select,
        &args.extend_select,
        &args.ignore,
        &args.severity_override,
    )?;
    let format = OutputFormat::from(args.format);
    let color = use_color(args.color);
    Ok(CheckSettings {
        inputs: Vec::new(),
        stdin_filename: String::new(),
        compose_files: Vec::new(),
        format,
        fail_on: args.fail_on,
        linter,
        color: color && format == OutputFormat::Human,
        quiet: args.quiet,
        progress: false,
        require_reason: false,
        baseline: None,
        resolver: None,
        fix: crate::fix::FixSettings::default(),
    })
}

pub(crate) fn rules_output(args: &RulesArgs) -> RulesOutput {
    match args.format {
        RulesFormat::Table => RulesOutput::Table,
        RulesFormat::Json => RulesOutput::Json,
    }
}

impl From<CheckFormat> for OutputFormat {
    fn from(format: CheckFormat) -> Self {
        match format {
            CheckFormat::Human => OutputFormat::Human,
            CheckFormat::Concise => OutputFormat::Concise,
            CheckFormat::Json => OutputFormat::Json,
            CheckFormat::Sarif => OutputFormat::Sarif,
            CheckFormat::Junit => OutputFormat::Junit,
            CheckFormat::Github => OutputFormat::Github,
            CheckFormat::Markdown => OutputFormat::Markdown,
        }
    }
}

/// Whether to colour human output. <https://no-color.org>: a non-empty `NO_COLOR` disables
/// colour unless it was asked for.
pub(crate) fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// `--select`, `--extend-select`, `--ignore` and `--severity-override` on the defaults.
fn selection(
    select: &[String],
    extend_select: &[String],
    ignore: &[String],
    overrides: &[String],
) -> Result<Settings> {
    let linter = Settings::default()
        .with_selection(select, extend_select, ignore)
        .map_err(|error| {
            let hint = suggest::did_you_mean(&error.0, selector_candidates());
            anyhow!("{error}{hint}")
        })
        .context("invalid rule selection")?;
    overrides.iter().try_fold(linter, |settings, value| {
        apply_override(settings, value).map_err(|message| anyhow!(message))
    })
}

/// One `--severity-override KEY=SEVERITY` on `settings`; the message says what was expected,
/// with a "did you mean" for a misspelt rule.
pub(crate) fn apply_override(settings: Settings, value: &str) -> Result<Settings, String> {
    let Some((key, severity)) = value.split_once('=') else {
        return Err(format!(
            "invalid --severity-override `{value}`: expected KEY=SEVERITY, e.g. latest-tag=high"
        ));
    };
    let severity: Severity = severity
        .trim()
        .parse()
        .map_err(|message: String| format!("invalid --severity-override `{value}`: {message}"))?;
    settings
        .with_severity(key.trim(), severity)
        .map_err(|error| {
            let hint = suggest::did_you_mean(&error.0, selector_candidates());
            format!("invalid --severity-override `{value}`: {error}{hint}")
        })
}

/// Every word a selector may be: codes, names, categories and peer alias ids.
pub(crate) fn selector_candidates() -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for rule in RULES.iter() {
        words.push(rule.meta.code.to_owned());
        words.push(rule.meta.name.to_owned());
        words.extend(rule.meta.aliases.iter().map(|alias| alias.id.to_owned()));
    }
    words.extend(
        Category::ALL
            .iter()
            .map(|category| category.as_str().to_owned()),
    );
    words
}
