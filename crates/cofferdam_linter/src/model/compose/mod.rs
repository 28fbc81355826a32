//! Compose projects: the files `docker compose` would read, merged the way it merges them, and
//! lowered into one [`ContainerSpec`] per service.
//!
//! Loading follows the compose specification: each file is parsed ([`crate::syntax::yaml`],
//! which already applies `<<` merge keys) and interpolated (`${VAR}` from the environment, then
//! `.env`); `include:` brings in other projects' files; `-f a -f b` files and the implicit
//! `compose.override.yaml` merge key by key (mappings recursively, sequences appended, `!reset`
//! and `!override` honoured); `extends:` pulls a service from the same or another file. Every
//! file is given its own slice of one address space ([`SourceMap`]), so a value inherited from
//! another file keeps a range that says which file and line it is written on.
//!
//! The linter never touches the file system: files other than the ones handed in are read
//! through a [`Loader`] the caller provides.

mod dotenv;
mod interpolate;
mod lower;

use std::path::{Component, Path, PathBuf};

use cofferdam_diagnostics::{SourceFile, TextRange};

use crate::model::container::ContainerSpec;
use crate::syntax::dockerfile::SyntaxError;
use crate::syntax::yaml::{self, Entry, Kind, Node};

pub use dotenv::{DotenvEntry, parse as parse_dotenv};
pub use interpolate::interpolate;

/// Reads files a project refers to (override files, `extends: file:`, `include:`, `.env`,
/// `env_file:`, Dockerfiles of `build:`). Paths are joined lexically from the referring file.
pub trait Loader: Sync {
    /// The file's text, or a message saying why it cannot be read (`None` when it does not
    /// exist, which is not an error for optional files).
    fn load(&self, path: &str) -> Option<Result<String, String>>;
}

/// A loader that knows no files: for a single compose file read from standard input.
pub struct NoFiles;

impl Loader for NoFiles {
    fn load(&self, _path: &str) -> Option<Result<String, String>> {
        None
    }
}

/// The files of one project, each at its own offset in a shared address space.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<(SourceFile, u32)>,
    next: u32,
}

impl SourceMap {
    /// Adds a file and returns its base offset.
    pub fn add(&mut self, file: SourceFile) -> u32 {
        if let Some((_, base)) = self
            .files
            .iter()
            .find(|(known, _)| known.name() == file.name())
        {
            return *base;
        }
        let base = self.next;
        // One byte of gap keeps an empty range at the end of one file apart from the next file.
        self.next = base.saturating_add(file.text().len() as u32 + 1);
        self.files.push((file, base));
        base
    }

    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter().map(|(file, _)| file)
    }

    /// The file named `name` and its base offset, if the project read it.
    pub fn file(&self, name: &str) -> Option<(&SourceFile, u32)> {
        self.files
            .iter()
            .find(|(file, _)| file.name() == name)
            .map(|(file, base)| (file, *base))
    }

    /// The file holding global offset `offset`, its index and base.
    pub fn locate(&self, offset: u32) -> Option<(usize, &SourceFile, u32)> {
        let index = self
            .files
            .partition_point(|(_, base)| *base <= offset)
            .checked_sub(1)?;
        let (file, base) = &self.files[index];
        Some((index, file, *base))
    }

    /// Maps a global range to its file index and local range.
    pub fn local(&self, range: TextRange) -> Option<(usize, TextRange)> {
        let (index, file, base) = self.locate(range.start())?;
        let end = (range.end() - base).min(file.text().len() as u32);
        Some((
            index,
            TextRange::new(range.start() - base, end.max(range.start() - base)),
        ))
    }

    /// The source text of a global range.
    pub fn text(&self, range: TextRange) -> &str {
        self.local(range)
            .and_then(|(index, local)| self.files[index].0.text().get(local.to_std()))
            .unwrap_or_default()
    }

    /// The name of the file holding a global offset.
    pub fn file_name(&self, offset: u32) -> &str {
        self.locate(offset).map_or("", |(_, file, _)| file.name())
    }
}

/// A top-level network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkDef {
    pub name: String,
    pub range: TextRange,
    /// `internal: true`: no route to the outside.
    pub internal: bool,
    pub external: bool,
}

/// A loaded project.
#[derive(Clone, Debug, Default)]
pub struct ComposeProject {
    pub sources: SourceMap,
    /// The files `docker compose -f` would be given (with the implicit override file), in order.
    pub roots: Vec<String>,
    pub services: Vec<ContainerSpec>,
    pub networks: Vec<NetworkDef>,
    /// Parse, interpolation and structure errors, with global ranges.
    pub errors: Vec<SyntaxError>,
    /// Global ranges of values in `.env` and `env_file:` files, which hold secrets more often
    /// than not; printers mask secret values among them.
    pub env_file_values: Vec<TextRange>,
    /// Seccomp profile files the containers name, read into `sources`, to lint with them.
    pub seccomp_profiles: Vec<crate::profiles::ProfileUse>,
}

/// What to load: the main files in `-f` order (the first one names the project directory).
pub struct ComposeInput<'a> {
    pub files: Vec<SourceFile>,
    pub loader: &'a dyn Loader,
    /// The caller's environment, which wins over `.env`.
    pub environment: &'a dyn Fn(&str) -> Option<String>,
}

/// The override files `docker compose` reads implicitly next to a main file.
pub fn implicit_override(name: &str) -> Option<&'static [&'static str]> {
    match name {
        "compose.yaml" | "compose.yml" => Some(&["compose.override.yaml", "compose.override.yml"]),
        "docker-compose.yaml" | "docker-compose.yml" => Some(&[
            "docker-compose.override.yaml",
            "docker-compose.override.yml",
        ]),
        _ => None,
    }
}

/// Joins `relative` to the directory of `from`, lexically (`..` pops a component).
pub fn join(from: &str, relative: &str) -> String {
    let relative_path = Path::new(relative);
    let joined = if relative_path.is_absolute() {
        relative_path.to_path_buf()
    } else {
        Path::new(from)
            .parent()
            .unwrap_or(Path::new(""))
            .join(relative_path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out.to_string_lossy().into_owned()
}

struct Context<'a> {
    loader: &'a dyn Loader,
    environment: &'a dyn Fn(&str) -> Option<String>,
    dotenv: Vec<(String, String)>,
    project: ComposeProject,
}

impl Context<'_> {
    fn lookup(&self, name: &str) -> Option<String> {
        (self.environment)(name).or_else(|| {
            self.dotenv
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        })
    }

    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.project.errors.push(SyntaxError {
            range,
            message: message.into(),
        });
    }

    /// Loads and parses a file by path; `None` if it cannot be read (an error is recorded when
    /// `required`, pointing at `referenced_at`).
    fn parse_path(&mut self, path: &str, referenced_at: TextRange, required: bool) -> Option<Node> {
        let text = match self.loader.load(path) {
            Some(Ok(text)) => text,
            Some(Err(message)) => {
                self.error(referenced_at, format!("cannot read `{path}`: {message}"));
                return None;
            }
            None => {
                if required {
                    self.error(
                        referenced_at,
                        format!("expected a file at `{path}`; it does not exist"),
                    );
                }
                return None;
            }
        };
        self.parse_file(&SourceFile::new(path, text))
    }

    fn parse_file(&mut self, file: &SourceFile) -> Option<Node> {
        let base = self.project.sources.add(file.clone());
        let parsed = yaml::parse(file.text(), base);
        self.project.errors.extend(parsed.errors);
        let mut root = parsed.root?;
        self.interpolate(&mut root, false);
        Some(root)
    }

    /// Interpolates scalar values (not keys), recording errors at the scalar.
    fn interpolate(&mut self, node: &mut Node, is_key: bool) {
        match &mut node.kind {
            Kind::Scalar(scalar) => {
                if is_key || !scalar.value.contains('$') {
                    return;
                }
                let result = {
                    let lookup = |name: &str| self.lookup(name);
                    interpolate(&scalar.value, &lookup).map(std::borrow::Cow::into_owned)
                };
                match result {
                    Ok(value) => {
                        if value != scalar.value {
                            let original = std::mem::replace(&mut scalar.value, value);
                            scalar.original = Some(original.into_boxed_str());
                        }
                    }
                    Err(message) => {
                        let range = node.range;
                        self.error(range, message);
                    }
                }
            }
            Kind::Sequence(items) => {
                for item in items {
                    self.interpolate(item, false);
                }
            }
            Kind::Mapping(entries) => {
                // `x-` extension blocks are not interpolated by compose.
                for entry in entries {
                    if entry.key.as_str().is_some_and(|key| key.starts_with("x-")) {
                        continue;
                    }
                    self.interpolate(&mut entry.value, false);
                }
            }
        }
    }

    /// Resolves `include:` of a parsed main file: each included project is loaded and merged
    /// underneath the file that includes it.
    fn with_includes(&mut self, root: Node, path: &str, depth: usize) -> Node {
        let Some(include) = root.get("include").cloned() else {
            return root;
        };
        let mut merged: Option<Node> = None;
        for item in include.items().unwrap_or_default() {
            let paths: Vec<(String, TextRange)> = match &item.kind {
                Kind::Scalar(_) => item
                    .as_str()
                    .map(|value| vec![(value.to_owned(), item.range)])
                    .unwrap_or_default(),
                Kind::Mapping(_) => match item.get("path") {
                    Some(node) if node.items().is_some() => node
                        .items()
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|node| Some((node.as_str()?.to_owned(), node.range)))
                        .collect(),
                    Some(node) => node
                        .as_str()
                        .map(|value| vec![(value.to_owned(), node.range)])
                        .unwrap_or_default(),
                    None => Vec::new(),
                },
                Kind::Sequence(_) => Vec::new(),
            };
            for (relative, range) in paths {
                if depth > 8 {
                    self.error(range, "`include:` nests more than 8 levels deep");
                    continue;
                }
                let included_path = join(path, &relative);
                if let Some(included) = self.parse_path(&included_path, range, true) {
                    let included = self.with_includes(included, &included_path, depth + 1);
                    merged = Some(match merged {
                        Some(base) => merge(base, included),
                        None => included,
                    });
                }
            }
        }
        match merged {
            Some(base) => merge(base, root),
            None => root,
        }
    }
}

/// Loads a project: main files in order, their implicit override file, includes, `.env`,
/// `extends`, then one spec per service.
pub fn load(input: ComposeInput<'_>) -> ComposeProject {
    let mut context = Context {
        loader: input.loader,
        environment: input.environment,
        dotenv: Vec::new(),
        project: ComposeProject::default(),
    };
    let Some(first) = input.files.first() else {
        return context.project;
    };
    let first_name = first.name().to_owned();
    // `.env` next to the first file feeds interpolation.
    let dotenv_path = join(&first_name, ".env");
    if let Some(Ok(text)) = context.loader.load(&dotenv_path) {
        let file = SourceFile::new(dotenv_path, text);
        let base = context.project.sources.add(file.clone());
        for entry in dotenv::parse(file.text(), base) {
            context.project.env_file_values.push(entry.value_range);
            context.dotenv.push((entry.name, entry.value));
        }
    }

    let mut files = input.files;
    if files.len() == 1 {
        let file_name = Path::new(&first_name)
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(candidates) = implicit_override(&file_name) {
            for candidate in candidates {
                let path = join(&first_name, candidate);
                if let Some(Ok(text)) = context.loader.load(&path) {
                    files.push(SourceFile::new(path, text));
                    break;
                }
            }
        }
    }

    let mut merged: Option<Node> = None;
    let mut names = Vec::new();
    for file in files {
        let name = file.name().to_owned();
        let Some(root) = context.parse_file(&file) else {
            names.push(name);
            continue;
        };
        if root.entries().is_none() {
            context.error(
                root.range,
                format!(
                    "expected a mapping at the top of a compose file, found {}",
                    root.describe()
                ),
            );
            names.push(name);
            continue;
        }
        let root = context.with_includes(root, &name, 0);
        names.push(name);
        merged = Some(match merged {
            Some(base) => merge(base, root),
            None => root,
        });
    }
    context.project.roots = names;
    let Some(root) = merged else {
        return context.project;
    };
    lower::lower_project(&mut context, &root);
    crate::profiles::collect(&mut context.project, context.loader, true);
    context.project
}

/// Merges `overlay` onto `base` the way compose merges files: mappings key by key, sequences
/// appended (identical scalars once), scalars replaced; `!reset` removes a key and `!override`
/// replaces a value wholesale.
pub fn merge(base: Node, overlay: Node) -> Node {
    if overlay.tag.as_deref() == Some("override") {
        return overlay;
    }
    match (base.kind, overlay.kind) {
        (Kind::Mapping(mut entries), Kind::Mapping(overlay_entries)) => {
            for entry in overlay_entries {
                let position = entries
                    .iter()
                    .position(|existing| existing.key.as_str() == entry.key.as_str());
                if entry.value.tag.as_deref() == Some("reset") {
                    if let Some(position) = position {
                        entries.remove(position);
                    }
                    continue;
                }
                match position {
                    Some(position) => {
                        let existing = entries.remove(position);
                        let value = merge(existing.value, entry.value);
                        entries.insert(
                            position,
                            Entry {
                                key: entry.key,
                                value,
                                merged: entry.merged,
                            },
                        );
                    }
                    None => entries.push(entry),
                }
            }
            Node {
                range: overlay.range,
                kind: Kind::Mapping(entries),
                tag: None,
            }
        }
        (Kind::Sequence(mut items), Kind::Sequence(overlay_items)) => {
            for item in overlay_items {
                let duplicate = item.as_str().is_some()
                    && items
                        .iter()
                        .any(|existing| existing.as_str() == item.as_str());
                if !duplicate {
                    items.push(item);
                }
            }
            Node {
                range: overlay.range,
                kind: Kind::Sequence(items),
                tag: None,
            }
        }
        (_, kind) => Node {
            range: overlay.range,
            kind,
            tag: overlay.tag,
        },
    }
}

#[cfg(test)]
mod tests;
