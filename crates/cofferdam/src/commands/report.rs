//! `cofferdam report`: the review `check` runs, written as one self-contained HTML file.
//!
//! The findings come from [`check::run`] (same discovery, configuration, selection and inline
//! suppressions); the network diagrams from the compose projects [`graph::load_projects`] finds
//! under the same paths, drawn from the reachability [`Graph`] the `network` rules judge. The
//! page is rendered by [`crate::printer::html`] and replaces the output file atomically, so a
//! reviewer never opens a half-written report.
//!
//! Exit status: 0 when the report was written, 1 when `--fail-on` was given and a finding is at
//! or above it, 2 when an input could not be read or parsed (the report is still written and
//! lists the error) or the report could not be written.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use cofferdam_diagnostics::Severity;
use cofferdam_linter::model::reachability::{Graph, Via};

use super::{check, graph};
use crate::exit::ExitStatus;
use crate::printer::html::{self, Diagram, DiagramContent, PageInfo};
use crate::resolve::{CheckSettings, InputPath};

/// What `cofferdam report` runs with.
#[derive(Debug)]
pub(crate) struct ReportSettings {
    /// The review, resolved as for `check`; its output options are not used.
    pub(crate) check: CheckSettings,
    pub(crate) output: PathBuf,
    /// Only an explicit `--fail-on` makes findings fail the run.
    pub(crate) fail_on: Option<Severity>,
}

pub(crate) fn report(settings: &ReportSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    if settings.check.inputs.contains(&InputPath::Stdin) {
        bail!(
            "`cofferdam report` reads files and directories, not standard input (`-`): name the files"
        );
    }
    let report = check::run(&settings.check);
    let paths: Vec<PathBuf> = settings
        .check
        .inputs
        .iter()
        .filter_map(|input| match input {
            InputPath::Path(path) => Some(path.clone()),
            InputPath::Stdin => None,
        })
        .collect();
    // Read errors were already met (and reported) by the review itself.
    let (projects, _) = graph::load_projects(&graph::GraphSettings {
        paths: paths.clone(),
        compose_files: settings.check.compose_files.clone(),
        format: graph::GraphFormat::Text,
    });
    let mut diagrams = Vec::with_capacity(projects.len());
    let mut services: Vec<String> = Vec::new();
    for project in &projects {
        let name = project.roots.join(" + ");
        if !graph::located_errors(project).is_empty() {
            diagrams.push(Diagram {
                project: name,
                content: DiagramContent::Omitted(
                    "No diagram: the project has errors (listed under Errors); a partial graph \
                     would mislead."
                        .to_owned(),
                ),
            });
            continue;
        }
        let graph = Graph::new(&project.services, &project.networks);
        services.extend(
            graph
                .services
                .iter()
                .map(|service| service.name().to_owned()),
        );
        let placements: Vec<String> = (0..graph.services.len())
            .map(|index| graph::placement(&graph, index))
            .collect();
        let svg = crate::printer::network_svg::render(&name, &graph, &placements);
        diagrams.push(Diagram {
            project: name,
            content: DiagramContent::Drawn {
                svg,
                paths: path_rows(&graph),
            },
        });
    }
    services.sort_unstable();
    services.dedup();

    let inputs: Vec<String> = paths
        .iter()
        .map(|path| path.display().to_string())
        .chain(
            settings
                .check
                .compose_files
                .iter()
                .map(|path| format!("-f {}", path.display())),
        )
        .collect();
    let page = html::render(
        &report,
        &diagrams,
        &PageInfo {
            inputs: &inputs,
            services: &services,
        },
    );
    crate::loader::write_atomically(&settings.output, page.as_bytes())
        .with_context(|| format!("cannot write {}", settings.output.display()))?;

    // The errors are in the report; they are repeated on standard error so that a run in CI
    // shows why it failed without opening the file.
    let secrets: Vec<Vec<&str>> = report.files.iter().map(|file| file.secrets()).collect();
    for error in &report.errors {
        let message = match error.file {
            Some(index) => crate::mask::scrub(&error.message, &secrets[index]),
            None => error.message.clone(),
        };
        if error.located {
            eprintln!(
                "cofferdam: error: {}:{}:{}: {message}",
                error.path, error.start.line, error.start.column
            );
        } else {
            eprintln!("cofferdam: error: {}: {message}", error.path);
        }
    }
    writeln!(
        out,
        "wrote {}: {}",
        settings.output.display(),
        crate::printer::summary_line(&report)
    )
    .context("cannot write to standard output")?;

    Ok(report.exit_status(settings.fail_on))
}

/// Who reaches whom, as `cofferdam graph` lists it: `a <-> b` through a network or a shared
/// namespace, `a -> b` through a host port.
fn path_rows(graph: &Graph<'_>) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = graph
        .paths()
        .into_iter()
        .map(|path| {
            let from = graph.services[path.from].name();
            let to = graph.services[path.to].name();
            let (a, b) = if from <= to { (from, to) } else { (to, from) };
            match path.via {
                Via::Network(network) => (format!("{a} <-> {b}"), format!("network {network}")),
                Via::Namespace => (
                    format!("{a} <-> {b}"),
                    "shared network namespace".to_owned(),
                ),
                Via::HostPort(port) => (format!("{from} -> {to}"), format!("host port {port}")),
            }
        })
        .collect();
    rows.sort();
    rows.dedup();
    rows
}
