//! The set of generated files, and how it is compared with and written to the working tree.
//!
//! Files are keyed by their path relative to the workspace root, with `/` separators. Some
//! directories are owned by the generator: every file there with the generated extension must
//! be generated, so a page left behind by a removed rule or command is reported as stale (and
//! removed by `generate`) instead of lingering.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::fs;
use std::io;
use std::path::Path;

use anyhow::{Context, Result};

/// Directories whose files with the given extension are all generated.
pub(crate) const OWNED_DIRS: &[(&str, &str)] = &[("docs/rules", "md"), ("docs/man", "1")];

#[derive(Debug, Default)]
pub(crate) struct Generated {
    files: BTreeMap<String, String>,
}

/// Why a committed file is stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stale {
    /// The file exists but its content differs from the generated one.
    Differs(String),
    /// The file should exist and does not.
    Missing(String),
    /// The file is in a generated directory but nothing generates it any more.
    Extra(String),
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stale::Differs(path) => write!(f, "{path}: differs from what the code generates"),
            Stale::Missing(path) => write!(f, "{path}: missing"),
            Stale::Extra(path) => write!(f, "{path}: no longer generated (remove it)"),
        }
    }
}

/// The message for stale files: each file and why, then how to fix it.
pub(crate) fn describe(stale: &[Stale]) -> String {
    let mut message = format!(
        "{} generated file{} stale:\n",
        stale.len(),
        if stale.len() == 1 { " is" } else { "s are" }
    );
    for entry in stale {
        let _ = writeln!(message, "  {entry}");
    }
    message.push_str("run `cargo xtask generate` and commit the result\n");
    message
}

/// One file `write` created, changed or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    Created(String),
    Updated(String),
    Removed(String),
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Created(path) => write!(f, "created {path}"),
            Change::Updated(path) => write!(f, "updated {path}"),
            Change::Removed(path) => write!(f, "removed {path}"),
        }
    }
}

impl Generated {
    /// Adds a file; a path may be generated only once.
    pub(crate) fn add(&mut self, path: impl Into<String>, content: String) {
        let path = path.into();
        let previous = self.files.insert(path.clone(), content);
        assert!(previous.is_none(), "{path} is generated twice");
    }

    #[cfg(test)]
    pub(crate) fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    pub(crate) fn len(&self) -> usize {
        self.files.len()
    }

    /// Files in the owned directories under `root` that nothing generates.
    fn extras(&self, root: &Path) -> Result<Vec<String>> {
        let mut extras = Vec::new();
        for (dir, extension) in OWNED_DIRS {
            let entries = match fs::read_dir(root.join(dir)) {
                Ok(entries) => entries,
                Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                Err(error) => return Err(error).with_context(|| format!("cannot list {dir}")),
            };
            for entry in entries {
                let entry = entry.with_context(|| format!("cannot list {dir}"))?;
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let path = format!("{dir}/{name}");
                let generated_kind = Path::new(&*name)
                    .extension()
                    .is_some_and(|found| found == *extension);
                if generated_kind && !self.files.contains_key(&path) {
                    extras.push(path);
                }
            }
        }
        extras.sort();
        Ok(extras)
    }

    /// Every committed file under `root` that differs from the generated set.
    pub(crate) fn stale(&self, root: &Path) -> Result<Vec<Stale>> {
        let mut stale = Vec::new();
        for (path, content) in &self.files {
            match fs::read(root.join(path)) {
                Ok(bytes) if bytes == content.as_bytes() => {}
                Ok(_) => stale.push(Stale::Differs(path.clone())),
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    stale.push(Stale::Missing(path.clone()));
                }
                Err(error) => return Err(error).with_context(|| format!("cannot read {path}")),
            }
        }
        stale.extend(self.extras(root)?.into_iter().map(Stale::Extra));
        Ok(stale)
    }

    /// Writes every file whose content changed (others keep their modification time) and
    /// removes the files of the owned directories that nothing generates.
    pub(crate) fn write(&self, root: &Path) -> Result<Vec<Change>> {
        let mut changes = Vec::new();
        for stale in self.stale(root)? {
            match stale {
                Stale::Differs(path) | Stale::Missing(path) => {
                    let target = root.join(&path);
                    if let Some(parent) = target.parent() {
                        fs::create_dir_all(parent)
                            .with_context(|| format!("cannot create {}", parent.display()))?;
                    }
                    let existed = target.exists();
                    fs::write(&target, &self.files[&path])
                        .with_context(|| format!("cannot write {path}"))?;
                    changes.push(if existed {
                        Change::Updated(path)
                    } else {
                        Change::Created(path)
                    });
                }
                Stale::Extra(path) => {
                    fs::remove_file(root.join(&path))
                        .with_context(|| format!("cannot remove {path}"))?;
                    changes.push(Change::Removed(path));
                }
            }
        }
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Generated {
        let mut generated = Generated::default();
        generated.add("docs/rules/AAA001.md", "# AAA001\n".to_owned());
        generated.add("docs/rules/README.md", "# Rules\n".to_owned());
        generated.add("docs/cli.md", "# CLI\n".to_owned());
        generated.add("docs/man/tool.1", ".TH tool 1\n".to_owned());
        generated
    }

    #[test]
    fn a_fresh_tree_is_not_stale_and_writing_it_again_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let generated = sample();
        let created = generated.write(dir.path()).unwrap();
        assert_eq!(created.len(), 4);
        assert!(
            created
                .iter()
                .all(|change| matches!(change, Change::Created(_)))
        );
        assert_eq!(generated.stale(dir.path()).unwrap(), []);
        assert_eq!(generated.write(dir.path()).unwrap(), []);
    }

    #[test]
    fn changed_missing_and_leftover_files_are_each_reported_then_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let generated = sample();
        generated.write(dir.path()).unwrap();
        let root = dir.path();
        fs::write(root.join("docs/cli.md"), "# CLI, edited by hand\n").unwrap();
        fs::remove_file(root.join("docs/man/tool.1")).unwrap();
        fs::write(root.join("docs/rules/OLD001.md"), "# a removed rule\n").unwrap();
        // Files of other kinds in owned directories, and files elsewhere, are not the
        // generator's business.
        fs::write(root.join("docs/rules/notes.txt"), "kept\n").unwrap();
        fs::write(root.join("docs/guide.md"), "kept\n").unwrap();

        let stale = generated.stale(root).unwrap();
        assert_eq!(
            stale,
            [
                Stale::Differs("docs/cli.md".to_owned()),
                Stale::Missing("docs/man/tool.1".to_owned()),
                Stale::Extra("docs/rules/OLD001.md".to_owned()),
            ]
        );
        let message = describe(&stale);
        assert!(
            message.starts_with("3 generated files are stale:\n"),
            "{message}"
        );
        assert!(message.contains("docs/rules/OLD001.md: no longer generated"));
        assert!(message.ends_with("run `cargo xtask generate` and commit the result\n"));

        let changes = generated.write(root).unwrap();
        assert_eq!(
            changes,
            [
                Change::Updated("docs/cli.md".to_owned()),
                Change::Created("docs/man/tool.1".to_owned()),
                Change::Removed("docs/rules/OLD001.md".to_owned()),
            ]
        );
        assert_eq!(generated.stale(root).unwrap(), []);
        assert!(root.join("docs/rules/notes.txt").exists());
        assert!(root.join("docs/guide.md").exists());
    }
}
