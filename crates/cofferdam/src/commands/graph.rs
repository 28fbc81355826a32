//! `cofferdam graph`: which services of a compose project can reach which, printed as text or
//! as Graphviz DOT.
//!
//! Projects are found and loaded the way `check` loads them: a directory is searched for
//! compose files (with override files folded into their main file), a file named on the
//! command line is read as a compose file, `-f a -f b` merges files into one project, `-` reads
//! one compose file from standard input. Each project is loaded with its override file,
//! `include`, `extends`, `.env` and interpolation from the environment, then handed to
//! [`Graph`], the same reachability model the `network` rules judge.
//!
//! A file that cannot be read or parsed is reported on standard error as `path:line:col:
//! message`; that project's graph is not printed (a partial graph would mislead), the others
//! are, and the exit status is 2. Output is deterministic: networks, services, ports and paths
//! are sorted by name.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use cofferdam_diagnostics::SourceFile;
use cofferdam_linter::model::compose::{self, ComposeInput, ComposeProject, Loader, NoFiles};
use cofferdam_linter::model::reachability::{
    Binding, Graph, Interface, NetworkMode, Role, ServiceNode, Via,
};

use crate::discover::{self, FileKind};
use crate::exit::ExitStatus;
use crate::loader::{self, Disk, ReadError};

/// How to print the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GraphFormat {
    /// Sections for networks, services, published ports and paths.
    Text,
    /// One Graphviz `digraph` per project.
    Dot,
}

/// What `cofferdam graph` runs with.
#[derive(Debug)]
pub(crate) struct GraphSettings {
    /// Files or directories; `-` is standard input. Empty means the current directory unless
    /// `compose_files` are given.
    pub(crate) paths: Vec<PathBuf>,
    /// Files merged into one project (`-f a -f b`).
    pub(crate) compose_files: Vec<PathBuf>,
    pub(crate) format: GraphFormat,
}

/// The name standard input is reported under.
const STDIN_NAME: &str = "<stdin>";

pub(crate) fn graph(settings: &GraphSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    let (projects, mut errors) = load_projects(settings);
    let mut rendered = String::new();
    let mut shown = 0;
    for project in &projects {
        let project_errors = located_errors(project);
        if !project_errors.is_empty() {
            errors.extend(project_errors);
            continue;
        }
        let name = project.roots.join(" + ");
        let graph = Graph::new(&project.services, &project.networks);
        if shown > 0 && settings.format == GraphFormat::Text {
            rendered.push('\n');
        }
        match settings.format {
            GraphFormat::Text => render_text(&name, &graph, &mut rendered),
            GraphFormat::Dot => render_dot(&name, &graph, &mut rendered),
        }
        shown += 1;
    }
    out.write_all(rendered.as_bytes())
        .context("cannot write to standard output")?;
    if projects.is_empty() && errors.is_empty() {
        errors.push("no compose files found under the given paths".to_owned());
    }
    for error in &errors {
        eprintln!("cofferdam: error: {error}");
    }
    Ok(if errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}

/// Every project the settings name, in command-line order, and the errors met finding and
/// reading them. `report` draws its diagrams from the same projects.
pub(crate) fn load_projects(settings: &GraphSettings) -> (Vec<ComposeProject>, Vec<String>) {
    let mut projects = Vec::new();
    let mut errors = Vec::new();
    let paths = if settings.paths.is_empty() && settings.compose_files.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        settings.paths.clone()
    };
    for path in &paths {
        if path.as_os_str() == "-" {
            match loader::read_stdin(STDIN_NAME) {
                Ok(source) => projects.push(load(vec![source], &NoFiles)),
                Err(error) => errors.push(read_error(&error)),
            }
        } else if path.is_dir() {
            let discovered = discover::discover(std::slice::from_ref(path));
            for error in discovered.errors {
                errors.push(format!("{}: {}", error.path.display(), error.message));
            }
            for candidate in discovered.files {
                if !matches!(candidate.kind, FileKind::Compose | FileKind::Yaml) {
                    continue;
                }
                match loader::read_file(&candidate.path) {
                    Ok(source) => {
                        if candidate.kind == FileKind::Yaml
                            && !discover::looks_like_compose(source.text())
                        {
                            continue;
                        }
                        projects.push(load(vec![source], &Disk));
                    }
                    Err(error) => errors.push(read_error(&error)),
                }
            }
        } else {
            // A file named on the command line is a compose file: the user said so.
            match loader::read_file(path) {
                Ok(source) => projects.push(load(vec![source], &Disk)),
                Err(error) => errors.push(read_error(&error)),
            }
        }
    }
    if !settings.compose_files.is_empty() {
        let mut files = Vec::new();
        for path in &settings.compose_files {
            match loader::read_file(path) {
                Ok(source) => files.push(source),
                Err(error) => errors.push(read_error(&error)),
            }
        }
        if files.len() == settings.compose_files.len() {
            projects.push(load(files, &Disk));
        }
    }
    (projects, errors)
}

fn load(files: Vec<SourceFile>, loader: &dyn Loader) -> ComposeProject {
    let environment = |name: &str| std::env::var(name).ok();
    compose::load(ComposeInput {
        files,
        loader,
        environment: &environment,
    })
}

fn read_error(error: &ReadError) -> String {
    match error.position {
        Some(position) => format!(
            "{}:{}:{}: {}",
            error.path, position.line, position.column, error.message
        ),
        None => format!("{}: {}", error.path, error.message),
    }
}

/// A project's parse and structure errors as `path:line:col: message`, in file order.
pub(crate) fn located_errors(project: &ComposeProject) -> Vec<String> {
    let files: Vec<&SourceFile> = project.sources.files().collect();
    let mut located: Vec<(usize, u32, String)> = project
        .errors
        .iter()
        .map(|error| match project.sources.local(error.range) {
            Some((index, range)) => {
                let file = files[index];
                let position = file.line_column(range.start());
                (
                    index,
                    range.start(),
                    format!(
                        "{}:{}:{}: {}",
                        file.name(),
                        position.line,
                        position.column,
                        error.message
                    ),
                )
            }
            None => (usize::MAX, 0, error.message.clone()),
        })
        .collect();
    located.sort();
    located.dedup();
    located.into_iter().map(|(_, _, message)| message).collect()
}

/// Services in name order, with their index in the graph.
fn by_name<'g, 'a>(graph: &'g Graph<'a>) -> Vec<(usize, &'g ServiceNode<'a>)> {
    let mut services: Vec<(usize, &ServiceNode<'a>)> = graph.services.iter().enumerate().collect();
    services.sort_by(|a, b| a.1.name().cmp(b.1.name()));
    services
}

/// Where a service is on the network, in words.
pub(crate) fn placement(graph: &Graph<'_>, index: usize) -> String {
    let service = &graph.services[index];
    if let Some(owner) = service.namespace_of {
        return format!("network namespace of {}", graph.services[owner].name());
    }
    match service.mode.as_ref().map(|mode| &mode.value) {
        Some(NetworkMode::Host) => return "network_mode: host".to_owned(),
        Some(NetworkMode::None) => return "network_mode: none".to_owned(),
        Some(NetworkMode::Service(other) | NetworkMode::Container(other)) => {
            return format!("network namespace of {other} (not in this project)");
        }
        _ => {}
    }
    let mut names: Vec<String> = service
        .attachments
        .iter()
        .map(|attachment| {
            if attachment.implicit {
                format!("{} (implicit)", attachment.network)
            } else {
                attachment.network.clone()
            }
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    format!("networks: {}", names.join(", "))
}

fn interface_words(interface: &Interface) -> &'static str {
    match interface {
        Interface::All => "all interfaces",
        Interface::Loopback(_) => "loopback only",
        Interface::Address(_) => "one address",
    }
}

/// `0.0.0.0:443 -> proxy:8443/tcp`.
fn port_mapping(binding: &Binding, service: &str) -> String {
    format!(
        "{} -> {service}:{}/{}",
        binding.host_side(),
        binding.container_port,
        binding.protocol
    )
}

fn render_text(name: &str, graph: &Graph<'_>, out: &mut String) {
    let _ = writeln!(out, "project {name}");

    out.push_str("\nnetworks\n");
    let rows: Vec<Vec<String>> = graph
        .networks
        .iter()
        .map(|network| {
            let mut flags = Vec::new();
            if network.implicit() {
                flags.push("implicit default");
            }
            if network.internal() {
                flags.push("internal");
            }
            if network.external() {
                flags.push("external");
            }
            let mut members: Vec<&str> = network
                .members
                .iter()
                .map(|&member| graph.services[member].name())
                .collect();
            members.sort_unstable();
            vec![
                network.name.clone(),
                if flags.is_empty() {
                    "-".to_owned()
                } else {
                    flags.join(", ")
                },
                if members.is_empty() {
                    "(no service)".to_owned()
                } else {
                    members.join(", ")
                },
            ]
        })
        .collect();
    table(&rows, out);

    out.push_str("\nservices\n");
    let rows: Vec<Vec<String>> = by_name(graph)
        .into_iter()
        .map(|(index, service)| {
            // What the rules count as a need: `depends_on`, `links`, and services named as a
            // host in the environment.
            let mut needs: Vec<&str> = service
                .spec
                .depends_on
                .iter()
                .map(|dependency| dependency.value.as_str())
                .chain(
                    (0..graph.services.len())
                        .filter(|&other| other != index && graph.mentions(index, other))
                        .map(|other| graph.services[other].name()),
                )
                .collect();
            needs.sort_unstable();
            needs.dedup();
            let needs = if needs.is_empty() {
                String::new()
            } else {
                format!("needs {}", needs.join(", "))
            };
            vec![
                service.name().to_owned(),
                service.role.to_string(),
                placement(graph, index),
                needs,
            ]
        })
        .collect();
    table(&rows, out);

    out.push_str("\npublished on the host\n");
    let mut rows = Vec::new();
    for (_, service) in by_name(graph) {
        if service.on_host && service.namespace_of.is_none() {
            rows.push(vec![
                format!("{} (network_mode: host)", service.name()),
                "every host interface".to_owned(),
            ]);
        }
        for binding in &service.bindings {
            rows.push(vec![
                port_mapping(&binding.value, service.name()),
                interface_words(&binding.value.interface).to_owned(),
            ]);
        }
    }
    if rows.is_empty() {
        out.push_str("  (nothing)\n");
    } else {
        table(&rows, out);
    }

    out.push_str("\nreachability\n");
    let mut rows: Vec<Vec<String>> = graph
        .paths()
        .into_iter()
        .map(|path| {
            let from = graph.services[path.from].name();
            let to = graph.services[path.to].name();
            let (a, b) = if from <= to { (from, to) } else { (to, from) };
            match path.via {
                Via::Network(network) => vec![format!("{a} <-> {b}"), format!("network {network}")],
                Via::Namespace => vec![
                    format!("{a} <-> {b}"),
                    "shared network namespace".to_owned(),
                ],
                Via::HostPort(port) => vec![format!("{from} -> {to}"), format!("host port {port}")],
            }
        })
        .collect();
    rows.sort();
    rows.dedup();
    if rows.is_empty() {
        out.push_str("  (no service reaches another)\n");
    } else {
        table(&rows, out);
    }
}

/// Rows indented by two spaces, columns padded to the widest cell, no trailing spaces.
fn table(rows: &[Vec<String>], out: &mut String) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            rows.iter()
                .filter_map(|row| row.get(column))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::from("  ");
        for (column, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if column + 1 < row.len() {
                let padding = widths[column] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', padding));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// A DOT double-quoted string.
fn quoted(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

fn service_id(name: &str) -> String {
    quoted(&format!("service:{name}"))
}

fn network_id(name: &str) -> String {
    quoted(&format!("network:{name}"))
}

fn render_dot(name: &str, graph: &Graph<'_>, out: &mut String) {
    let _ = writeln!(out, "digraph {} {{", quoted(name));
    out.push_str("  graph [rankdir=LR, fontname=\"Helvetica\"];\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    out.push_str(
        "  \"host\" [label=\"host\", shape=house, style=filled, fillcolor=\"#eeeeee\"];\n",
    );

    for network in &graph.networks {
        let mut label = network.name.clone();
        let mut notes = Vec::new();
        if network.implicit() {
            notes.push("implicit default");
        }
        if network.internal() {
            notes.push("internal");
        }
        if network.external() {
            notes.push("external");
        }
        if !notes.is_empty() {
            let _ = write!(label, "\n({})", notes.join(", "));
        }
        let style = if network.internal() {
            "dashed"
        } else {
            "solid"
        };
        let _ = writeln!(
            out,
            "  {} [label={}, shape=ellipse, style={style}];",
            network_id(&network.name),
            quoted(&label)
        );
    }

    let services = by_name(graph);
    for (_, service) in &services {
        let shape = match service.role {
            Role::DataStore(_) => "cylinder",
            Role::EdgeProxy(_) => "component",
            Role::Application => "box",
        };
        let label = format!("{}\n{}", service.name(), service.role);
        let _ = writeln!(
            out,
            "  {} [label={}, shape={shape}];",
            service_id(service.name()),
            quoted(&label)
        );
    }

    for (_, service) in &services {
        let id = service_id(service.name());
        if let Some(owner) = service.namespace_of {
            let _ = writeln!(
                out,
                "  {id} -> {} [label=\"shares network namespace\", style=dashed];",
                service_id(graph.services[owner].name())
            );
            continue;
        }
        if service.on_host {
            let _ = writeln!(
                out,
                "  \"host\" -> {id} [label=\"network_mode: host\", dir=none, style=bold, color=red];"
            );
        }
        let mut networks: Vec<&str> = service
            .attachments
            .iter()
            .map(|attachment| attachment.network.as_str())
            .collect();
        networks.sort_unstable();
        networks.dedup();
        for network in networks {
            let _ = writeln!(out, "  {id} -> {} [dir=none];", network_id(network));
        }
        for binding in &service.bindings {
            let color = match binding.value.interface {
                Interface::All => "red",
                Interface::Address(_) => "darkorange",
                Interface::Loopback(_) => "gray40",
            };
            let label = format!(
                "{} -> {}/{}",
                binding.value.host_side(),
                binding.value.container_port,
                binding.value.protocol
            );
            let _ = writeln!(
                out,
                "  \"host\" -> {id} [label={}, color={color}, fontcolor={color}];",
                quoted(&label)
            );
        }
    }
    out.push_str("}\n");
}

#[cfg(test)]
mod tests {
    use super::{quoted, table};

    #[test]
    fn dot_strings_are_escaped() {
        assert_eq!(quoted("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }

    #[test]
    fn tables_pad_columns_and_trim_lines() {
        let rows = vec![
            vec!["a".to_owned(), "long cell".to_owned(), String::new()],
            vec!["longer".to_owned(), "x".to_owned(), "end".to_owned()],
        ];
        let mut out = String::new();
        table(&rows, &mut out);
        assert_eq!(out, "  a       long cell\n  longer  x          end\n");
    }
}
