//! `cofferdam seccomp default|lint|diff`: Docker's default seccomp profile resolved for one
//! container, custom profiles checked, and two profiles compared.
//!
//! The work is done by `cofferdam_seccomp`; this module reads files, turns the container the
//! user described (`--arch`, `--cap-add`, `--cap-drop`, `--kernel`) into its types, and
//! prints. Lint findings are `Diagnostic`s and go through the same printers as `check`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use cofferdam_diagnostics::Severity;
use cofferdam_seccomp::caps::CapSet;
use cofferdam_seccomp::default::docker_default;
use cofferdam_seccomp::diff::{Change, diff as diff_resolutions};
use cofferdam_seccomp::lint::{LintOptions, lint};
use cofferdam_seccomp::profile::Profile;
use cofferdam_seccomp::resolve::{Arch, Kernel, Resolution, Verdict, resolve, resolved_profile};
use serde_json::json;

use crate::exit::ExitStatus;
use crate::printer;
use crate::report::{CheckedFile, ErrorKind, FileError, Finding, Report};
use crate::resolve::{CheckSettings, InputPath, OutputFormat};

/// The container a profile is resolved for, as the user typed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ContainerSpec {
    pub(crate) arch: String,
    pub(crate) cap_add: Vec<String>,
    pub(crate) cap_drop: Vec<String>,
    pub(crate) kernel: String,
}

/// The container resolved: architecture, capability set (`docker run`'s rules for
/// `--cap-add`/`--cap-drop`) and kernel.
pub(crate) fn container(spec: &ContainerSpec) -> Result<LintOptions> {
    let Some(arch) = Arch::parse(&spec.arch) else {
        bail!(
            "unknown architecture `{}`: expected x86_64 (amd64) or aarch64 (arm64)",
            spec.arch
        );
    };
    let Some(kernel) = Kernel::parse(&spec.kernel) else {
        bail!(
            "expected a kernel version such as `6.1`, found `{}`",
            spec.kernel
        );
    };
    let caps = CapSet::docker_tweaked(&spec.cap_add, &spec.cap_drop)
        .map_err(|error| anyhow!("{error} in --cap-add/--cap-drop"))?;
    Ok(LintOptions { arch, caps, kernel })
}

/// What `seccomp default` runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DefaultSettings {
    pub(crate) container: ContainerSpec,
    pub(crate) blocked: bool,
    pub(crate) json: bool,
}

pub(crate) fn default(settings: &DefaultSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    let LintOptions { arch, caps, kernel } = container(&settings.container)?;
    let profile = docker_default();
    if !settings.blocked {
        // The resolved profile is JSON either way; `--format json` prints it on one line.
        let resolved = resolved_profile(profile, arch, caps, kernel);
        if settings.json {
            serde_json::to_writer(&mut *out, &resolved)?;
        } else {
            serde_json::to_writer_pretty(&mut *out, &resolved)?;
        }
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    let blocked = resolve(profile, arch, caps, kernel).blocked();
    if settings.json {
        let entries: Vec<_> = blocked
            .iter()
            .map(|(name, verdict)| verdict_json(name, *verdict))
            .collect();
        let value = json!({
            "arch": arch.name(),
            "kernel": kernel.to_string(),
            "capabilities": caps.names(),
            "blocked": entries,
        });
        writeln!(out, "{value}")?;
        return Ok(ExitStatus::Success);
    }
    for (name, verdict) in blocked {
        match verdict {
            Verdict::ArgumentFilter => writeln!(out, "{name} (argument filter)")?,
            Verdict::Denied(1) => writeln!(out, "{name}")?,
            other => writeln!(out, "{name} ({})", other.describe())?,
        }
    }
    Ok(ExitStatus::Success)
}

/// `{"name", "verdict", "errno"?}`; verdicts are `allowed`, `argument-filter`, `denied`
/// (with `errno`), `killed`, `trapped`, `traced`, `notified`.
fn verdict_json(name: &str, verdict: Verdict) -> serde_json::Value {
    let word = match verdict {
        Verdict::Allowed => "allowed",
        Verdict::ArgumentFilter => "argument-filter",
        Verdict::Denied(errno) => {
            return json!({"name": name, "verdict": "denied", "errno": errno});
        }
        Verdict::Killed => "killed",
        Verdict::Trapped => "trapped",
        Verdict::Traced => "traced",
        Verdict::Notified => "notified",
    };
    json!({"name": name, "verdict": word})
}

/// What `seccomp lint` runs with.
#[derive(Clone, Debug)]
pub(crate) struct LintSettings {
    pub(crate) profiles: Vec<PathBuf>,
    pub(crate) container: ContainerSpec,
    pub(crate) format: OutputFormat,
    pub(crate) fail_on: Severity,
    pub(crate) color: bool,
    pub(crate) quiet: bool,
}

/// `seccomp lint`: every profile read and linted, printed as `check` prints. A profile that
/// cannot be read or decoded is an error (exit 2) and the others are still linted.
pub(crate) fn lint_files(settings: &LintSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    let options = container(&settings.container)?;
    let mut report = Report::default();
    for path in &settings.profiles {
        lint_one(path, &options, &mut report);
    }
    report.sort();
    let printing = CheckSettings {
        inputs: settings
            .profiles
            .iter()
            .cloned()
            .map(InputPath::Path)
            .collect(),
        stdin_filename: String::new(),
        compose_files: Vec::new(),
        format: settings.format,
        fail_on: settings.fail_on,
        linter: cofferdam_linter::Settings::default(),
        color: settings.color && settings.format == OutputFormat::Human,
        quiet: settings.quiet,
        progress: false,
        require_reason: false,
        baseline: None,
        resolver: None,
        fix: crate::fix::FixSettings::default(),
    };
    printer::print_report(&report, &printing, out)?;
    Ok(report.exit_status(Some(settings.fail_on)))
}

fn lint_one(path: &Path, options: &LintOptions, report: &mut Report) {
    let source = match crate::loader::read_file(path) {
        Ok(source) => source,
        Err(error) => {
            let start = error
                .position
                .unwrap_or(cofferdam_diagnostics::LineColumn { line: 1, column: 1 });
            report.errors.push(FileError {
                path: error.path,
                file: None,
                range: None,
                located: error.position.is_some(),
                start,
                end: start,
                kind: ErrorKind::Io,
                message: error.message,
            });
            return;
        }
    };
    let index = report.files.len();
    match lint(source.text(), options) {
        Ok(diagnostics) => {
            for diagnostic in diagnostics {
                report.findings.push(Finding {
                    file: index,
                    start: source.line_column(diagnostic.range.start()),
                    end: source.line_column(diagnostic.range.end()),
                    diagnostic,
                });
            }
        }
        Err(error) => report.errors.push(FileError {
            path: source.name().to_owned(),
            file: Some(index),
            range: Some(error.range),
            located: true,
            start: source.line_column(error.range.start()),
            end: source.line_column(error.range.end()),
            kind: ErrorKind::Syntax,
            message: format!("invalid seccomp profile: {}", error.message),
        }),
    }
    report.files.push(CheckedFile {
        source,
        redactions: Vec::new(),
    });
}

/// What `seccomp diff` runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DiffSettings {
    pub(crate) a: String,
    pub(crate) b: String,
    pub(crate) container: ContainerSpec,
    pub(crate) json: bool,
}

/// A profile file, or Docker's default for `default`.
fn load_profile(which: &str) -> Result<Profile> {
    if which == "default" {
        return Ok(docker_default().clone());
    }
    let source = crate::loader::read_file(Path::new(which))
        .map_err(|error| anyhow!("{which}: {}", error.message))?;
    Profile::parse(source.text())
        .map_err(|error| anyhow!("{which}:{error} (run `cofferdam seccomp lint {which}`)"))
}

/// `seccomp diff A B`: `+` what B allows that A does not, `-` the reverse, `~` blocked in both
/// but differently. Exit status 0 whatever the difference (it is information, not a finding).
pub(crate) fn diff(settings: &DiffSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    let LintOptions { arch, caps, kernel } = container(&settings.container)?;
    let resolve_one = |which: &str| -> Result<Resolution> {
        Ok(resolve(&load_profile(which)?, arch, caps, kernel))
    };
    let a = resolve_one(&settings.a)?;
    let b = resolve_one(&settings.b)?;
    let changes = diff_resolutions(&a, &b);
    if settings.json {
        let entries = |changes: &[Change]| -> Vec<serde_json::Value> {
            changes
                .iter()
                .map(|change| {
                    json!({
                        "name": change.name,
                        "from": verdict_json(change.name, change.from)["verdict"],
                        "from_errno": errno(change.from),
                        "to": verdict_json(change.name, change.to)["verdict"],
                        "to_errno": errno(change.to),
                        "risk": change.risk.map(|(risk, why)| json!({
                            "level": match risk {
                                cofferdam_seccomp::default::Risk::High => "high",
                                cofferdam_seccomp::default::Risk::Medium => "medium",
                            },
                            "why": why,
                        })),
                    })
                })
                .collect()
        };
        let value = json!({
            "a": settings.a,
            "b": settings.b,
            "arch": arch.name(),
            "kernel": kernel.to_string(),
            "capabilities": caps.names(),
            "added": entries(&changes.added),
            "removed": entries(&changes.removed),
            "changed": entries(&changes.changed),
        });
        writeln!(out, "{value}")?;
        return Ok(ExitStatus::Success);
    }
    for (sign, list) in [
        ('+', &changes.added),
        ('-', &changes.removed),
        ('~', &changes.changed),
    ] {
        for change in list {
            let transition = format!("{} -> {}", change.from.describe(), change.to.describe());
            match (sign, change.risk) {
                ('+', Some((risk, why))) => {
                    let level = match risk {
                        cofferdam_seccomp::default::Risk::High => "high",
                        cofferdam_seccomp::default::Risk::Medium => "medium",
                    };
                    writeln!(
                        out,
                        "{sign} {} ({transition}; {level} risk: {why})",
                        change.name
                    )?;
                }
                _ => writeln!(out, "{sign} {} ({transition})", change.name)?,
            }
        }
    }
    eprintln!(
        "{} more permissive in {}, {} less, {} blocked differently",
        changes.added.len(),
        settings.b,
        changes.removed.len(),
        changes.changed.len()
    );
    Ok(ExitStatus::Success)
}

fn errno(verdict: Verdict) -> Option<u32> {
    match verdict {
        Verdict::Denied(errno) => Some(errno),
        _ => None,
    }
}
