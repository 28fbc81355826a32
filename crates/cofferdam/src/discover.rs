//! File discovery: which files `check` looks at, and what kind of input each one is.
//!
//! Directories are walked in parallel with the `ignore` crate (ripgrep's walker), so
//! `.gitignore`, `.ignore` and git's exclude files are honoured and hidden entries are skipped,
//! except the CI configuration that hides in them (`.github/`, `.gitlab-ci.yml`, `.circleci/`, …).
//! Files named on the command line are always checked, even when ignored or oddly named: the
//! user asked for them. [`FileKind`] says which front-end reads a file: Dockerfiles and compose
//! files by name, and any other YAML file once its text shows a top-level `services:` map.
//!
//! A compose override file (`compose.override.yaml`) next to its main file is not a project of
//! its own: `docker compose` merges it into the main file, and so does the compose loader.
//!
//! Files that embed shell — scripts, Makefiles, CI pipelines, systemd units, Markdown — are
//! read for `docker run` lines ([`Embedding`]). A file without an extension is a script when its
//! first line is a shell shebang, which is decided after reading it.

use cofferdam_linter::syntax::embedded::Embedding;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

/// The kind of input a file holds, deciding which front-end lints it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum FileKind {
    Dockerfile,
    /// A compose file by name (`compose.yaml`, `docker-compose.prod.yml`, …).
    Compose,
    /// Some other YAML file: a compose file if it has a top-level `services:` map.
    Yaml,
    /// A file that embeds shell commands.
    Embedded(Embedding),
    /// A file without an extension: a shell script if it starts with a shell shebang.
    MaybeScript,
}

/// Hidden files and directories that hold CI pipelines, walked although hidden.
const HIDDEN_ALLOWED: &[&str] = &[
    ".github",
    ".gitlab",
    ".gitlab-ci.yml",
    ".gitlab-ci.yaml",
    ".circleci",
    ".drone.yml",
    ".woodpecker",
    ".woodpecker.yml",
    ".travis.yml",
];

impl FileKind {
    /// Recognises a file by its name alone, so that the walk never has to open a file to decide.
    ///
    /// Dockerfiles: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile` and
    /// `Containerfile.*`, ignoring ASCII case. `Dockerfile.dockerignore` is `BuildKit`'s
    /// per-Dockerfile ignore file, not a Dockerfile.
    pub(crate) fn from_path(path: &Path) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".dockerignore") {
            return None;
        }
        let dockerfile = name == "dockerfile"
            || name == "containerfile"
            || name.starts_with("dockerfile.")
            || name.starts_with("containerfile.")
            || (name.ends_with(".dockerfile") && name.len() > ".dockerfile".len());
        if dockerfile {
            return Some(FileKind::Dockerfile);
        }
        if matches!(name.as_str(), "makefile" | "gnumakefile") {
            return Some(FileKind::Embedded(Embedding::Makefile));
        }
        let extension = Path::new(&name)
            .extension()
            .and_then(|extension| extension.to_str())
            .unwrap_or_default();
        match extension {
            "yml" | "yaml" => {}
            "sh" | "bash" | "zsh" | "ksh" => return Some(FileKind::Embedded(Embedding::Shell)),
            "mk" => return Some(FileKind::Embedded(Embedding::Makefile)),
            "service" => return Some(FileKind::Embedded(Embedding::Systemd)),
            "md" | "markdown" => return Some(FileKind::Embedded(Embedding::Markdown)),
            "" if !name.starts_with('.') => return Some(FileKind::MaybeScript),
            _ => return None,
        }
        if is_ci_path(path, &name) {
            Some(FileKind::Embedded(Embedding::CiYaml))
        } else if name.starts_with("compose") || name.starts_with("docker-compose") {
            Some(FileKind::Compose)
        } else {
            Some(FileKind::Yaml)
        }
    }
}

/// CI pipeline files by their conventional locations (checked before compose, because a GitLab
/// pipeline may have a top-level `services:` list).
fn is_ci_path(path: &Path, name: &str) -> bool {
    let in_dir = |dir: &str| {
        path.components()
            .any(|component| component.as_os_str().eq_ignore_ascii_case(dir))
    };
    matches!(
        name,
        ".gitlab-ci.yml"
            | ".gitlab-ci.yaml"
            | "bitbucket-pipelines.yml"
            | "azure-pipelines.yml"
            | ".drone.yml"
            | ".woodpecker.yml"
            | ".travis.yml"
    ) || in_dir(".github")
        || in_dir(".gitlab")
        || in_dir(".circleci")
        || in_dir(".woodpecker")
}

/// Whether a script's first line is a shell shebang (`#!/bin/sh`, `#!/usr/bin/env bash`).
pub(crate) fn has_shell_shebang(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("#!") else {
        return false;
    };
    let line = rest.lines().next().unwrap_or_default().trim();
    let mut words = line.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let program = if first.ends_with("/env") {
        words
            .find(|word| !word.starts_with('-'))
            .unwrap_or_default()
    } else {
        first
    };
    let program = program.rsplit('/').next().unwrap_or_default();
    matches!(
        program,
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

/// Whether YAML text has a top-level `services:` key, the mark of a compose file. Checked on
/// the text so that unrelated YAML (CI pipelines, Kubernetes manifests) is never parsed.
pub(crate) fn looks_like_compose(text: &str) -> bool {
    text.lines().any(|line| {
        line.strip_prefix("services:")
            .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with(['#', '{']))
    })
}

/// The main file an override file belongs to (`compose.override.yaml` → `compose.yaml`), as
/// candidate names in the same directory.
pub(crate) fn override_of(path: &Path) -> Option<[PathBuf; 2]> {
    let name = path.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(".override.yaml")
        .or_else(|| name.strip_suffix(".override.yml"))?;
    if stem != "compose" && stem != "docker-compose" {
        return None;
    }
    Some([
        path.with_file_name(format!("{stem}.yaml")),
        path.with_file_name(format!("{stem}.yml")),
    ])
}

/// A file to check.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Candidate {
    pub(crate) path: PathBuf,
    pub(crate) kind: FileKind,
}

/// A path that could not be walked or does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DiscoveryError {
    pub(crate) path: PathBuf,
    pub(crate) message: String,
}

/// Everything discovery found, sorted by path and without duplicates.
#[derive(Debug, Default)]
pub(crate) struct Discovered {
    pub(crate) files: Vec<Candidate>,
    pub(crate) errors: Vec<DiscoveryError>,
}

/// Discovers the files to check under `paths`.
pub(crate) fn discover(paths: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    let mut directories = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => directories.push(path.clone()),
            // A file named explicitly is checked whatever its name: YAML by its content, anything
            // else as a Dockerfile.
            Ok(_) => found.files.push(Candidate {
                path: path.clone(),
                kind: FileKind::from_path(path).unwrap_or(FileKind::Dockerfile),
            }),
            Err(error) => found.errors.push(DiscoveryError {
                path: path.clone(),
                message: format!("cannot read path: {}", io_message(&error)),
            }),
        }
    }
    if let Some((first, rest)) = directories.split_first() {
        let mut builder = WalkBuilder::new(first);
        for directory in rest {
            builder.add(directory);
        }
        // Honour .gitignore even outside a git checkout (an unpacked release tarball, a
        // container build context): users expect the file to mean what it says.
        builder.require_git(false);
        // Hidden entries are skipped, except where CI pipelines live.
        builder.hidden(false);
        builder.filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            !name.starts_with('.') || entry.depth() == 0 || HIDDEN_ALLOWED.contains(&name.as_ref())
        });
        let walked = walk(&builder);
        found.files.extend(walked.files);
        found.errors.extend(walked.errors);
    }
    for file in &mut found.files {
        file.path = tidy(&file.path);
    }
    found.files.sort();
    found.files.dedup_by(|a, b| a.path == b.path);
    // An override file whose main file is being checked is merged into that project.
    let main_files: std::collections::HashSet<PathBuf> = found
        .files
        .iter()
        .filter(|file| file.kind == FileKind::Compose)
        .map(|file| file.path.clone())
        .collect();
    found.files.retain(|file| {
        override_of(&file.path)
            .is_none_or(|mains| !mains.iter().any(|main| main_files.contains(main)))
    });
    found.errors.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

fn walk(builder: &WalkBuilder) -> Discovered {
    let found = Mutex::new(Discovered::default());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                    if is_file && let Some(kind) = FileKind::from_path(entry.path()) {
                        let candidate = Candidate {
                            path: entry.into_path(),
                            kind,
                        };
                        lock(&found).files.push(candidate);
                    }
                }
                Err(error) => {
                    let path = error_path(&error).unwrap_or_default();
                    lock(&found).errors.push(DiscoveryError {
                        path,
                        message: format!("cannot walk directory: {error}"),
                    });
                }
            }
            WalkState::Continue
        })
    });
    found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn lock(found: &Mutex<Discovered>) -> std::sync::MutexGuard<'_, Discovered> {
    found
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// Drops a leading `./` so that `check .` reports `Dockerfile`, not `./Dockerfile`.
fn tidy(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .ok()
        .filter(|rest| !rest.as_os_str().is_empty())
        .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
}

/// An I/O error without the "(os error N)" suffix, lower-cased like our other messages.
pub(crate) fn io_message(error: &std::io::Error) -> String {
    let text = error.to_string();
    let text = text
        .split_once(" (os error")
        .map_or(text.as_str(), |(head, _)| head);
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{FileKind, tidy};

    #[test]
    fn recognises_dockerfile_names() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
            "web.dockerfile",
            "Containerfile",
            "Containerfile.dev",
            "sub/dir/Dockerfile",
        ] {
            assert_eq!(
                FileKind::from_path(Path::new(name)),
                Some(FileKind::Dockerfile),
                "{name}"
            );
        }
        for name in [
            "Dockerfile.dockerignore",
            ".dockerignore",
            ".dockerfile",
            "main.rs",
            "notes.txt",
        ] {
            assert_eq!(FileKind::from_path(Path::new(name)), None, "{name}");
        }
        assert_eq!(
            FileKind::from_path(Path::new("Dockerfiles")),
            Some(FileKind::MaybeScript)
        );
    }

    #[test]
    fn recognises_compose_names_and_content() {
        for name in [
            "compose.yaml",
            "docker-compose.yml",
            "docker-compose.prod.yaml",
            "compose.override.yml",
        ] {
            assert_eq!(
                FileKind::from_path(Path::new(name)),
                Some(FileKind::Compose),
                "{name}"
            );
        }
        assert_eq!(
            FileKind::from_path(Path::new("stack.yml")),
            Some(FileKind::Yaml)
        );
        assert!(super::looks_like_compose(
            "version: '3'\nservices:\n  a: {}\n"
        ));
        assert!(super::looks_like_compose("services: # the stack\n"));
        assert!(!super::looks_like_compose("jobs:\n  services:\n"));
        assert!(!super::looks_like_compose("services_extra: 1\n"));
        assert_eq!(
            super::override_of(Path::new("a/compose.override.yml")),
            Some([
                Path::new("a/compose.yaml").to_path_buf(),
                Path::new("a/compose.yml").to_path_buf()
            ])
        );
        assert_eq!(super::override_of(Path::new("a/compose.yaml")), None);
    }

    #[test]
    fn recognises_files_that_embed_shell() {
        use cofferdam_linter::syntax::embedded::Embedding;
        for (name, embedding) in [
            ("deploy.sh", Embedding::Shell),
            ("scripts/run.bash", Embedding::Shell),
            ("Makefile", Embedding::Makefile),
            ("build/rules.mk", Embedding::Makefile),
            (".github/workflows/ci.yml", Embedding::CiYaml),
            (".gitlab-ci.yml", Embedding::CiYaml),
            (".circleci/config.yml", Embedding::CiYaml),
            ("bitbucket-pipelines.yml", Embedding::CiYaml),
            ("app.service", Embedding::Systemd),
            ("README.md", Embedding::Markdown),
            ("docs/deploy.markdown", Embedding::Markdown),
        ] {
            assert_eq!(
                FileKind::from_path(Path::new(name)),
                Some(FileKind::Embedded(embedding)),
                "{name}"
            );
        }
        assert!(super::has_shell_shebang("#!/bin/sh\nset -e\n"));
        assert!(super::has_shell_shebang("#!/usr/bin/env -S bash -eu\n"));
        assert!(!super::has_shell_shebang("#!/usr/bin/env python3\n"));
        assert!(!super::has_shell_shebang("set -e\n"));
    }

    #[test]
    fn tidies_leading_dot() {
        assert_eq!(tidy(Path::new("./Dockerfile")), Path::new("Dockerfile"));
        assert_eq!(tidy(Path::new(".")), Path::new("."));
        assert_eq!(tidy(Path::new("a/Dockerfile")), Path::new("a/Dockerfile"));
    }
}
