//! `cofferdam audit`: the containers of a running engine (or saved `docker inspect` output) and
//! the daemon and host they run on.
//!
//! The engine's answers are reviewed as documents (`container:web` is the container's inspect
//! JSON as the engine gave it), so findings point at the line of the setting, exactly as for a
//! saved file. On the engine's own host, each running container's init process is read from
//! /proc and its cgroup files (`cofferdam_audit::effective`): what it really has is shown, a
//! finding the process contradicts (no `no-new-privileges` in the configuration, but the
//! daemon's default set it; no memory limit, but a parent cgroup's) is dropped with a note, and
//! one it confirms cites it.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use cofferdam_audit::effective;
use cofferdam_audit::engine::{self, EngineOptions};
use cofferdam_audit::host;
use cofferdam_diagnostics::{LineColumn, SourceFile};
use cofferdam_linter::model::host::{HostFacts, HostInput};
use cofferdam_linter::model::inspect::{EngineContext, InspectedContainer};
use cofferdam_linter::{LintResult, lint_host, lint_inspect};

use crate::exit::ExitStatus;
use crate::printer;
use crate::report::{ContainerSummary, Effective, ErrorKind, FileError, Report};
use crate::resolve::CheckSettings;

/// What `audit` runs with.
#[derive(Debug)]
pub(crate) struct AuditSettings {
    /// Saved files to review instead of a live engine.
    pub(crate) inspect: Vec<PathBuf>,
    pub(crate) engine: EngineOptions,
    pub(crate) host_checks: bool,
    /// Where the host's files are read from (`/`).
    pub(crate) host_root: PathBuf,
    pub(crate) output: CheckSettings,
}

pub(crate) fn audit(settings: &AuditSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    let mut report = Report::default();
    let mut documents = Vec::new();
    let mut info: Option<SourceFile> = None;
    let mut local_engine = false;
    if settings.inspect.is_empty() {
        let fetched = match engine::fetch(&settings.engine) {
            Ok(fetched) => fetched,
            Err(error) => {
                eprintln!("cofferdam: error: {error}");
                return Ok(ExitStatus::Error);
            }
        };
        local_engine = fetched.endpoint.starts_with("unix://");
        for (name, json) in fetched.containers {
            documents.push(SourceFile::new(format!("container:{name}"), json));
        }
        for (index, json) in fetched.images.into_iter().enumerate() {
            documents.push(SourceFile::new(format!("image:{index}"), json));
        }
        for (name, json) in fetched.networks {
            documents.push(SourceFile::new(format!("network:{name}"), json));
        }
        info = fetched
            .info
            .map(|text| SourceFile::new("docker info", text));
        report.notes.extend(fetched.notes);
    } else {
        for path in &settings.inspect {
            match crate::loader::read_file(path) {
                Ok(source) if is_docker_info(source.text()) => info = Some(source),
                Ok(source) => documents.push(source),
                Err(error) => report.errors.push(io_error(error)),
            }
        }
    }

    let engine_context = info
        .as_ref()
        .map(|info| EngineContext::from_info(info.text()))
        .unwrap_or_default();
    let (results, mut containers, notes) =
        lint_inspect(documents, &engine_context, &settings.output.linter);
    report.notes.extend(notes);
    let mut results: Vec<(SourceFile, LintResult)> = results
        .into_iter()
        // Image documents are context for their containers, not reviewed on their own.
        .filter(|(source, result)| {
            !source.name().starts_with("image:")
                || !result.diagnostics.is_empty()
                || !result.errors.is_empty()
        })
        .collect();
    // `--container` on saved files (the engine already selected the live ones): the others'
    // findings go, and so do files left with no selected container.
    let wanted = &settings.engine.containers;
    if !settings.inspect.is_empty() && !wanted.is_empty() {
        let (kept, dropped): (Vec<_>, Vec<_>) = containers
            .into_iter()
            .partition(|container| engine::selects(wanted, &container.spec.name, &container.id));
        containers = kept;
        for (source, result) in &mut results {
            result.diagnostics.retain(|diagnostic| {
                !dropped.iter().any(|container| {
                    container.source == source.name()
                        && diagnostic.service.as_deref() == Some(&container.spec.name)
                })
            });
        }
        results.retain(|(source, result)| {
            !result.errors.is_empty()
                || containers
                    .iter()
                    .any(|container| container.source == source.name())
        });
    }
    for container in &containers {
        let effective = if local_engine && container.running && container.pid > 0 {
            let pid = u32::try_from(container.pid).unwrap_or_default();
            match effective::read(&settings.host_root, pid, &container.id) {
                Ok(effective) => Some(effective),
                Err(reason) => {
                    report.notes.push(format!(
                        "{}: what its process really has is not shown: {reason}",
                        container.spec.name
                    ));
                    None
                }
            }
        } else {
            None
        };
        if let Some(effective) = &effective {
            let spec = &container.spec;
            let keeps_seccomp = !spec.is_privileged()
                && spec
                    .seccomp_profile()
                    .is_none_or(|profile| profile.value != "unconfined");
            for (source, result) in &mut results {
                if source.name() == container.source {
                    report.notes.extend(effective::reconcile(
                        &mut result.diagnostics,
                        &spec.name,
                        effective,
                        keeps_seccomp,
                    ));
                }
            }
        }
        report.containers.push(summary(container, effective));
    }

    if settings.host_checks {
        let local_files = local_engine || settings.host_root != Path::new("/");
        let facts = if local_files {
            let gathered =
                host::gather(&settings.host_root, info.map(|file| file.text().to_owned()));
            report.notes.extend(
                gathered
                    .skipped
                    .into_iter()
                    .map(|skipped| format!("host check skipped: {skipped}")),
            );
            Some(gathered.facts)
        } else {
            info.map(|info| {
                HostFacts::load(HostInput {
                    info: Some(info),
                    ..HostInput::default()
                })
            })
        };
        if let Some(facts) = facts {
            let mut host_results = lint_host(&facts, &settings.output.linter);
            cite_inherited_ulimits(&mut host_results, &containers, &report.containers);
            results.extend(host_results);
        }
    }

    for (source, result) in results {
        report.add(source, result);
    }
    report.sort();
    if report.files.is_empty() && report.errors.is_empty() && !settings.output.quiet {
        eprintln!("cofferdam: no containers to review (`--all` includes stopped ones)");
    }
    printer::print_report(&report, &settings.output, out)?;
    Ok(report.exit_status(Some(settings.output.fail_on)))
}

/// The rule about the daemon's missing default ulimits.
const DEFAULT_ULIMITS_UNSET: &str = "DMN012";

/// Without default ulimits in daemon.json, containers inherit dockerd's own: a running container
/// that sets no `nofile` of its own shows what that means.
fn cite_inherited_ulimits(
    results: &mut [(SourceFile, LintResult)],
    containers: &[InspectedContainer],
    summaries: &[ContainerSummary],
) {
    let example = containers
        .iter()
        .zip(summaries)
        .find_map(|(container, summary)| {
            let effective = summary.effective.as_ref()?;
            let limit = effective.open_files?;
            (!container.ulimits.iter().any(|name| name == "nofile")).then_some((
                &container.spec.name,
                effective.pid,
                limit,
            ))
        });
    let Some((name, pid, limit)) = example else {
        return;
    };
    let soft = limit
        .soft
        .map_or_else(|| "unlimited".to_owned(), |soft| soft.to_string());
    for (_, result) in results {
        for diagnostic in &mut result.diagnostics {
            if diagnostic.rule.code == DEFAULT_ULIMITS_UNSET {
                let _ = write!(
                    diagnostic.message,
                    "; container {name} may open {soft} files (soft limit in /proc/{pid}/limits)"
                );
            }
        }
    }
}

/// `docker info` JSON rather than inspect output.
fn is_docker_info(text: &str) -> bool {
    let head: String = text.chars().take(65_536).collect();
    head.contains("\"ServerVersion\"")
        && head.contains("\"SecurityOptions\"")
        && !head.contains("\"HostConfig\"")
}

fn summary(container: &InspectedContainer, effective: Option<Effective>) -> ContainerSummary {
    let compose = container.compose.as_ref();
    ContainerSummary {
        name: container.spec.name.clone(),
        id: container.id.chars().take(12).collect(),
        path: container.source.clone(),
        compose_project: compose.map(|labels| labels.project.clone()),
        compose_service: compose.map(|labels| labels.service.clone()),
        compose_files: compose
            .map(|labels| {
                labels
                    .config_files
                    .iter()
                    .map(|file| match &labels.working_dir {
                        Some(dir) if !file.starts_with('/') => {
                            Path::new(dir).join(file).display().to_string()
                        }
                        _ => file.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        compose_working_dir: compose.and_then(|labels| labels.working_dir.clone()),
        effective,
    }
}

fn io_error(error: crate::loader::ReadError) -> FileError {
    let start = error.position.unwrap_or(LineColumn { line: 1, column: 1 });
    FileError {
        path: error.path,
        file: None,
        range: None,
        located: error.position.is_some(),
        start,
        end: start,
        kind: ErrorKind::Io,
        message: error.message,
    }
}
