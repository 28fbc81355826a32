//! [`lint_dockerfile`]: parse, build the model, run every enabled Dockerfile rule.

use cofferdam_diagnostics::{Diagnostic, Fix, SourceFile, TextRange};

use crate::Settings;
use crate::model::DockerfileModel;
use crate::model::compose::{self, ComposeInput, ComposeProject, Loader, SourceMap};
use crate::model::container::{EnvVar, Spanned};
use crate::model::inspect::{self, InspectedContainer};
use crate::model::run::{self, RunCommand};
use crate::rules::{
    Check, ContainerContext, DockerfileContext, ProjectContext, ProjectView, RULES, RunScript,
};
use crate::syntax::dockerfile::{self, Dockerfile, Keyword, SyntaxError};
use crate::syntax::embedded::{self, Embedding};

/// Everything linting one file produced.
#[derive(Debug, Default)]
pub struct LintResult {
    /// Findings of enabled rules, sorted by position then rule code.
    pub diagnostics: Vec<Diagnostic>,
    /// Syntax errors; the rules still ran on what could be parsed.
    pub errors: Vec<SyntaxError>,
    /// Byte ranges holding secret values. Printers must mask these wherever they show source
    /// text, whether or not a secrets rule is enabled.
    pub redactions: Vec<TextRange>,
}

/// Lints one Dockerfile.
pub fn lint_dockerfile(source: &SourceFile, settings: &Settings) -> LintResult {
    let file = dockerfile::parse(source.text());
    let model = DockerfileModel::new(&file);
    let scripts = RunScript::collect(&model);
    let exec_scripts = crate::rules::build::runs::exec_scripts(&model, &scripts);
    let context = DockerfileContext::new(
        source.text(),
        &file,
        &model,
        &scripts,
        &exec_scripts,
        settings,
    );
    let mut diagnostics = Vec::new();
    for (index, rule) in RULES.iter().enumerate() {
        if !settings.is_enabled_at(index) {
            continue;
        }
        let start = diagnostics.len();
        match rule.check {
            Check::Dockerfile(check) | Check::Both(check, _) => check(&context, &mut diagnostics),
            Check::Container(_) | Check::Project(_) | Check::SeccompProfile | Check::Host(_) => {
                continue;
            }
        }
        if let Some(severity) = settings.severity_override_at(index) {
            for diagnostic in &mut diagnostics[start..] {
                diagnostic.severity = severity;
            }
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.range.start(), a.range.end(), a.rule.code).cmp(&(
            b.range.start(),
            b.range.end(),
            b.rule.code,
        ))
    });
    let redactions = crate::rules::secrets::secret_value_ranges(&context);
    let mut errors = file.errors.clone();
    errors.extend(structure_errors(&file));
    errors.sort_by_key(|error| (error.range.start(), error.range.end()));
    LintResult {
        diagnostics,
        errors,
        redactions,
    }
}

/// Loads a compose project (main files, override, includes, extends, `.env`) and lints it.
/// Returns one result per file that was read and has something to report, plus every main
/// file, with ranges local to each file.
pub fn lint_compose(input: ComposeInput<'_>, settings: &Settings) -> Vec<(SourceFile, LintResult)> {
    let project = compose::load(input);
    lint_project(&project, settings)
}

/// Finds the `docker run`/`create` commands (and podman's and nerdctl's) in a file that embeds
/// shell — a script, a Makefile, CI YAML, a systemd unit, Markdown — and runs the container
/// rules on each, exactly as for a compose service. `--env-file` files are read through
/// `loader`, relative to the file. A file without any such command yields nothing (it is not
/// counted as checked), unless it is CI YAML that does not parse, whose errors are returned.
pub fn lint_run_lines(
    source: &SourceFile,
    embedding: Embedding,
    loader: &dyn Loader,
    settings: &Settings,
) -> Vec<(SourceFile, LintResult)> {
    let (commands, errors) = embedded::scan(embedding, source.text());
    let runs: Vec<RunCommand> = commands
        .iter()
        .filter_map(|command| run::parse_run(&command.words))
        // A command cut short before its image (`docker run -d` in prose) is not a container.
        .filter(|run| run.image_index.is_some())
        .collect();
    // A pipeline that does not parse is reported even when no command could be found in it.
    if runs.is_empty() && errors.is_empty() {
        return Vec::new();
    }
    let mut project = ComposeProject {
        errors,
        ..ComposeProject::default()
    };
    project.sources.add(source.clone());
    project.roots.push(source.name().to_owned());
    for run in runs {
        let mut spec = run.spec;
        for env_file in &run.env_files {
            let path = compose::join(source.name(), &env_file.value);
            match loader.load(&path) {
                Some(Ok(text)) => {
                    let file = SourceFile::new(path, text);
                    let base = project.sources.add(file.clone());
                    for entry in compose::parse_dotenv(file.text(), base) {
                        project.env_file_values.push(entry.value_range);
                        spec.environment.push(EnvVar {
                            name: Spanned::new(entry.name, entry.name_range),
                            value: Some(Spanned::new(entry.value, entry.value_range)),
                            expanded: None,
                            from_env_file: true,
                        });
                    }
                }
                Some(Err(message)) => project.errors.push(SyntaxError {
                    range: env_file.range,
                    message: format!("cannot read `{path}`: {message}"),
                }),
                // The file may only exist where the command runs; nothing to review here.
                None => {}
            }
        }
        spec.notes.extend(
            run.notes
                .into_iter()
                .map(|(range, message)| Spanned::new(message, range)),
        );
        project.services.push(spec);
    }
    crate::profiles::collect(&mut project, loader, false);
    lint_services(&project, settings, false)
}

/// Lowers `docker inspect` documents (containers and images, in any of the files) and runs the
/// container rules on every container, each with the configuration of its image when one of the
/// files holds it. Returns the results per file and the containers (ranges global to the files
/// in the order given), so callers can group findings by container (`Diagnostic::service` is the
/// container's name). The project rules (reachability between services) run over each compose
/// project whose containers are all here with every network they join (`docker network
/// inspect` documents among the files: inspect output names a container's networks but not
/// whether they are internal or another project's), each container standing for its service;
/// the notes name the projects left out and the networks they lack.
pub fn lint_inspect(
    files: Vec<SourceFile>,
    engine: &inspect::EngineContext,
    settings: &Settings,
) -> (
    Vec<(SourceFile, LintResult)>,
    Vec<InspectedContainer>,
    Vec<String>,
) {
    let mut project = ComposeProject::default();
    let mut documents = Vec::new();
    for file in files {
        let base = project.sources.add(file.clone());
        let mut document = inspect::lower(file.text(), base, engine);
        for container in &mut document.containers {
            file.name().clone_into(&mut container.source);
        }
        // A file of images or networks only is context for the containers, not a reviewed
        // document.
        if !document.containers.is_empty() || !document.errors.is_empty() {
            project.roots.push(file.name().to_owned());
        }
        documents.push(document);
    }
    let images: Vec<_> = documents
        .iter()
        .flat_map(|document| document.images.iter().cloned())
        .collect();
    let mut containers = Vec::new();
    let mut networks = Vec::new();
    for mut document in documents {
        document.attach_images(&images);
        project.errors.append(&mut document.errors);
        containers.append(&mut document.containers);
        networks.append(&mut document.networks);
    }
    project.services = containers
        .iter()
        .map(|container| container.spec.clone())
        .collect();
    let mut results = lint_services(&project, settings, false);
    let (groups, notes) = inspect::compose_groups(&containers, &networks);
    for group in groups {
        let view = ProjectView {
            sources: &project.sources,
            services: &group.services,
            networks: &group.networks,
        };
        for mut diagnostic in project_diagnostics(view, settings) {
            // Findings name the container, as every other finding of the review does.
            if let Some(index) = group
                .services
                .iter()
                .position(|service| diagnostic.service.as_deref() == Some(service.name.as_str()))
            {
                diagnostic.service = Some(group.containers[index].clone());
            }
            let name = project
                .sources
                .file_name(diagnostic.range.start())
                .to_owned();
            if localize(&mut diagnostic, &project.sources).is_none() {
                continue;
            }
            // A finding may point into a network's document, which is otherwise only context.
            if !results.iter().any(|(source, _)| source.name() == name)
                && let Some(source) = project.sources.files().find(|source| source.name() == name)
            {
                results.push((source.clone(), LintResult::default()));
            }
            if let Some((_, result)) = results.iter_mut().find(|(source, _)| source.name() == name)
            {
                result.diagnostics.push(diagnostic);
                result
                    .diagnostics
                    .sort_by_key(|diagnostic| (diagnostic.range.start(), diagnostic.rule.code));
            }
        }
    }
    (results, containers, notes)
}

/// Maps a finding from the project's address space into its file: its range, the labels in
/// that file (others are dropped) and its fix. Returns the file's index, or `None` when the
/// range is in no file.
fn localize(diagnostic: &mut Diagnostic, sources: &SourceMap) -> Option<usize> {
    let (file, range) = sources.local(diagnostic.range)?;
    diagnostic.range = range;
    diagnostic.labels = std::mem::take(&mut diagnostic.labels)
        .into_iter()
        .filter_map(|mut label| {
            let (label_file, range) = sources.local(label.range)?;
            label.range = range;
            (label_file == file).then_some(label)
        })
        .collect();
    localize_fix(diagnostic, sources, file);
    Some(file)
}

/// Maps a fix's edits from the project's address space into the file of its finding (index
/// `file`). A fix whose edits reach into another file cannot be applied to that file alone: it
/// is kept as a suggestion without edits.
fn localize_fix(diagnostic: &mut Diagnostic, sources: &SourceMap, file: usize) {
    let Some(fix) = &mut diagnostic.fix else {
        return;
    };
    let mut local = Vec::with_capacity(fix.edits.len());
    for edit in &fix.edits {
        match sources.local(edit.range) {
            Some((edit_file, range)) if edit_file == file => {
                local.push(cofferdam_diagnostics::Edit::replace(
                    range,
                    edit.content.clone(),
                ));
            }
            _ => {
                *fix = Fix::display_only(std::mem::take(&mut fix.description));
                return;
            }
        }
    }
    fix.edits = local;
}

/// The project rules over one view, with severity overrides applied; ranges stay global.
fn project_diagnostics(view: ProjectView<'_>, settings: &Settings) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (index, rule) in RULES.iter().enumerate() {
        let Check::Project(check) = rule.check else {
            continue;
        };
        if !settings.is_enabled_at(index) {
            continue;
        }
        let start = diagnostics.len();
        check(
            &ProjectContext {
                project: view,
                settings,
            },
            &mut diagnostics,
        );
        if let Some(severity) = settings.severity_override_at(index) {
            for diagnostic in &mut diagnostics[start..] {
                diagnostic.severity = severity;
            }
        }
    }
    diagnostics
}

/// Runs the container and project rules over a loaded project.
pub fn lint_project(
    project: &ComposeProject,
    settings: &Settings,
) -> Vec<(SourceFile, LintResult)> {
    lint_services(project, settings, true)
}

/// Runs the container rules, and the project rules when `project_rules` (a compose project is
/// one deployment; the commands of a script are not).
fn lint_services(
    project: &ComposeProject,
    settings: &Settings,
    project_rules: bool,
) -> Vec<(SourceFile, LintResult)> {
    let view = ProjectView {
        sources: &project.sources,
        services: &project.services,
        networks: &project.networks,
    };
    let mut diagnostics = Vec::new();
    for (index, rule) in RULES.iter().enumerate() {
        if !settings.is_enabled_at(index) {
            continue;
        }
        let start = diagnostics.len();
        match rule.check {
            Check::Dockerfile(_) | Check::SeccompProfile | Check::Host(_) => continue,
            Check::Container(check) | Check::Both(_, check) => {
                for spec in &project.services {
                    let context = ContainerContext {
                        spec,
                        project: view,
                        settings,
                    };
                    check(&context, &mut diagnostics);
                }
            }
            Check::Project(check) => {
                if !project_rules {
                    continue;
                }
                check(
                    &ProjectContext {
                        project: view,
                        settings,
                    },
                    &mut diagnostics,
                );
            }
        }
        if let Some(severity) = settings.severity_override_at(index) {
            for diagnostic in &mut diagnostics[start..] {
                diagnostic.severity = severity;
            }
        }
    }

    let (profile_findings, profile_errors) = crate::profiles::lint_collected(project, settings);
    diagnostics.extend(profile_findings);

    let files: Vec<SourceFile> = project.sources.files().cloned().collect();
    let mut results: Vec<LintResult> = files.iter().map(|_| LintResult::default()).collect();
    for mut diagnostic in diagnostics {
        let Some(file) = localize(&mut diagnostic, &project.sources) else {
            continue;
        };
        results[file].diagnostics.push(diagnostic);
    }
    for error in project.errors.iter().chain(&profile_errors) {
        if let Some((file, range)) = project.sources.local(error.range) {
            results[file].errors.push(SyntaxError {
                range,
                message: error.message.clone(),
            });
        }
    }
    for range in crate::rules::secrets::container_redactions(project) {
        if let Some((file, range)) = project.sources.local(range) {
            results[file].redactions.push(range);
        }
    }
    files
        .into_iter()
        .zip(results)
        .filter(|(file, result)| {
            project.roots.iter().any(|root| root == file.name())
                || !result.diagnostics.is_empty()
                || !result.errors.is_empty()
        })
        .map(|(file, mut result)| {
            result.diagnostics.sort_by(|a, b| {
                (a.range.start(), a.range.end(), a.rule.code, &a.service).cmp(&(
                    b.range.start(),
                    b.range.end(),
                    b.rule.code,
                    &b.service,
                ))
            });
            result.diagnostics.dedup_by(|a, b| {
                a.range == b.range
                    && a.rule.code == b.rule.code
                    && a.service == b.service
                    && a.message == b.message
            });
            result
                .errors
                .sort_by_key(|error| (error.range.start(), error.range.end()));
            result
                .redactions
                .sort_by_key(|range| (range.start(), range.end()));
            result.redactions.dedup();
            (file, result)
        })
        .collect()
}

/// Errors BuildKit reports before building that the syntax alone does not show: a file without
/// any `FROM`, and instructions other than `ARG` before the first `FROM`.
fn structure_errors(file: &Dockerfile) -> Vec<SyntaxError> {
    let mut errors = Vec::new();
    for instruction in &file.instructions {
        match instruction.keyword {
            Keyword::From => return errors,
            Keyword::Arg | Keyword::Unknown => {}
            keyword => errors.push(SyntaxError {
                range: instruction.keyword_range,
                message: format!(
                    "expected `FROM` before `{}`: only `ARG` may precede the first `FROM`",
                    keyword.as_str()
                ),
            }),
        }
    }
    if file.errors.is_empty() {
        errors.push(SyntaxError {
            range: TextRange::empty(0),
            message: "expected a `FROM` instruction; the file has none".to_owned(),
        });
    }
    errors
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::SourceFile;

    use super::lint_dockerfile;
    use crate::Settings;

    fn errors(text: &str) -> Vec<String> {
        lint_dockerfile(&SourceFile::new("Dockerfile", text), &Settings::default())
            .errors
            .into_iter()
            .map(|error| error.message)
            .collect()
    }

    #[test]
    fn instructions_before_the_first_from() {
        assert_eq!(
            errors("ARG V=1\nRUN echo hi\nFROM a:$V\n"),
            ["expected `FROM` before `RUN`: only `ARG` may precede the first `FROM`"]
        );
        assert!(errors("# comment\nARG V=1\nFROM a:$V\nRUN x\n").is_empty());
        assert_eq!(
            errors("# nothing here\n"),
            ["expected a `FROM` instruction; the file has none"]
        );
    }
}
