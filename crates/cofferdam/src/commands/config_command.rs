//! `cofferdam config [PATH]`: which configuration applies to a path, and what it amounts to.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use cofferdam_linter::rules::RULES;

use crate::config::{Flags, Resolver};
use crate::exit::ExitStatus;

pub(crate) fn show(path: &Path, out: &mut dyn Write) -> Result<ExitStatus> {
    let resolver = Resolver::new(Flags::default(), cofferdam_linter::Settings::default());
    let dir = if path.is_dir() {
        path
    } else {
        path.parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    let config = match resolver.config_for_dir(dir) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("cofferdam: error: invalid configuration: {error}");
            return Ok(ExitStatus::Error);
        }
    };
    // A directory stands for a file in it, for override globs.
    let probe = if path.is_dir() {
        path.join("-")
    } else {
        path.to_path_buf()
    };
    let settings = match resolver.settings_for(&probe) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("cofferdam: error: invalid configuration: {error}");
            return Ok(ExitStatus::Error);
        }
    };
    match &config {
        Some(config) => {
            writeln!(out, "# configuration: {}", config.path.display())?;
            for line in config.text().lines() {
                writeln!(out, "#   {line}")?;
            }
        }
        None => writeln!(
            out,
            "# no cofferdam.toml in {} or above: built-in defaults",
            dir.display()
        )?,
    }
    let fail_on = config
        .as_ref()
        .and_then(|config| config.fail_on())
        .map_or("info", |severity| severity.as_str());
    writeln!(out, "fail-on = \"{fail_on}\"")?;
    writeln!(
        out,
        "require-reason = {}",
        config
            .as_ref()
            .and_then(|config| config.require_reason())
            .unwrap_or(false)
    )?;
    let enabled: Vec<&str> = RULES
        .iter()
        .filter(|rule| settings.is_enabled(rule.meta))
        .map(|rule| rule.meta.code)
        .collect();
    let disabled: Vec<&str> = RULES
        .iter()
        .filter(|rule| !settings.is_enabled(rule.meta))
        .map(|rule| rule.meta.code)
        .collect();
    writeln!(out, "# {} of {} rules enabled", enabled.len(), RULES.len())?;
    writeln!(out, "enabled = {enabled:?}")?;
    writeln!(out, "disabled = {disabled:?}")?;
    let overridden: Vec<String> = RULES
        .iter()
        .filter_map(|rule| {
            settings
                .severity_override(rule.meta)
                .map(|severity| format!("{} = \"{}\"", rule.meta.code, severity.as_str()))
        })
        .collect();
    writeln!(out, "[severity]")?;
    for line in overridden {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "[settings]")?;
    writeln!(
        out,
        "restart-max-retries = {}",
        settings.restart_max_retries
    )?;
    match settings.memory_ceiling {
        Some(bytes) => writeln!(out, "memory-ceiling = {bytes}")?,
        None => writeln!(out, "# memory-ceiling: none")?,
    }
    if settings.allowed_registries.is_empty() {
        writeln!(out, "# allowed-registries: any")?;
    } else {
        writeln!(
            out,
            "allowed-registries = {:?}",
            settings.allowed_registries
        )?;
    }
    writeln!(out, "[settings.pinned-tags]")?;
    for (image, tag) in &settings.pinned_tags {
        writeln!(out, "{image:?} = {tag:?}")?;
    }
    writeln!(out, "[settings.allowed-capabilities]")?;
    for (service, caps) in &settings.allowed_capabilities {
        writeln!(out, "{service:?} = {caps:?}")?;
    }
    Ok(ExitStatus::Success)
}
