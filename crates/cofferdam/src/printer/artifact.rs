//! Where a reported file is, for formats that hand locations to other tools (`sarif`, `github`).
//!
//! Code scanning and workflow annotations resolve paths against the repository checkout, which
//! is where CI runs cofferdam; so a file under the current directory is given relative to it,
//! with `/` separators and without `./` or `..` segments. A file elsewhere keeps its absolute
//! path. `audit` reviews documents that are not files (`container:web`, `docker info`): those
//! have no path at all and are named as logical locations instead.

use std::path::{Component, Path, PathBuf};

use url::Url;

/// What a report's file name refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Artifact {
    /// A file under the current directory, relative to it, `/`-separated.
    Relative(String),
    /// A file outside the current directory.
    Absolute(PathBuf),
    /// A document that is not a file: an engine's answer (`container:web`, `docker info`).
    Document,
}

/// Resolves report names against the directory cofferdam runs in.
#[derive(Debug)]
pub(super) struct Artifacts {
    cwd: Option<PathBuf>,
}

impl Artifacts {
    /// Resolves against the process's current directory.
    pub(super) fn current() -> Self {
        Self::new(std::env::current_dir().ok())
    }

    pub(super) fn new(cwd: Option<PathBuf>) -> Self {
        Self {
            cwd: cwd.map(|cwd| normalize(&cwd)),
        }
    }

    /// The `file://` URI of the current directory, with its trailing slash, for SARIF's
    /// `originalUriBaseIds`.
    pub(super) fn base_uri(&self) -> Option<String> {
        let cwd = self.cwd.as_ref()?;
        Url::from_directory_path(cwd).ok().map(String::from)
    }

    pub(super) fn locate(&self, name: &str) -> Artifact {
        if is_document(name) {
            return Artifact::Document;
        }
        let path = Path::new(name);
        match &self.cwd {
            Some(cwd) => {
                let absolute = normalize(&cwd.join(path));
                match absolute.strip_prefix(cwd) {
                    Ok(relative) if relative.as_os_str().is_empty() => Artifact::Absolute(absolute),
                    Ok(relative) => Artifact::Relative(slashed(relative)),
                    Err(_) => Artifact::Absolute(absolute),
                }
            }
            // Without a current directory, a relative name is the best guess there is.
            None if path.is_absolute() => Artifact::Absolute(normalize(path)),
            None => Artifact::Relative(slashed(&normalize(path))),
        }
    }
}

/// Whether `name` is an `audit` document rather than a file: it has a URI-like scheme
/// (`container:web`, `image:0`) or a space (`docker info`), and no such file exists. Checking
/// the disk keeps a real file named `a:b` or `my file` a file.
fn is_document(name: &str) -> bool {
    let scheme = name.split_once(':').is_some_and(|(scheme, _)| {
        // One letter would be a Windows drive.
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    (scheme || name.contains(char::is_whitespace)) && !Path::new(name).exists()
}

/// `.` removed and `..` applied lexically (the file was already read under this name, so what
/// the name means is settled; symbolic links are not resolved, so the path stays the user's).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let popped =
                    matches!(out.components().next_back(), Some(Component::Normal(_))) && out.pop();
                if !popped && !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn slashed(path: &Path) -> String {
    path.components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The SARIF `uri` of a file: a percent-encoded reference relative to `%SRCROOT%`, or an
/// absolute `file://` URI.
pub(super) fn uri(artifact: &Artifact) -> Option<String> {
    match artifact {
        Artifact::Relative(relative) => {
            // Encoding through a file URL applies exactly the escapes a path segment needs.
            let base = Url::parse("file:///").expect("a valid URL");
            let url = base.join(&encode_segments(relative)).ok()?;
            Some(url.path().trim_start_matches('/').to_owned())
        }
        Artifact::Absolute(path) => Url::from_file_path(path).ok().map(String::from),
        Artifact::Document => None,
    }
}

/// Escapes what `Url::join` would otherwise read as syntax (`%`, `?`, `#`) or change (`\`);
/// the rest is encoded by the URL parser.
fn encode_segments(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for ch in path.chars() {
        match ch {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            '\\' => out.push_str("%5C"),
            // A colon in the first segment would read as a scheme.
            ':' => out.push_str("%3A"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{Artifact, Artifacts, uri};

    fn artifacts() -> Artifacts {
        Artifacts::new(Some(PathBuf::from("/repo/sub")))
    }

    #[test]
    fn files_under_the_current_directory_are_relative() {
        let artifacts = artifacts();
        for (name, relative) in [
            ("Dockerfile", "Dockerfile"),
            ("./app/compose.yaml", "app/compose.yaml"),
            ("/repo/sub/app/./x/../Dockerfile", "app/Dockerfile"),
            ("app//deploy.sh", "app/deploy.sh"),
        ] {
            assert_eq!(
                artifacts.locate(name),
                Artifact::Relative(relative.to_owned()),
                "{name}"
            );
        }
    }

    #[test]
    fn files_elsewhere_are_absolute() {
        let artifacts = artifacts();
        assert_eq!(
            artifacts.locate("../other/Dockerfile"),
            Artifact::Absolute(PathBuf::from("/repo/other/Dockerfile"))
        );
        assert_eq!(
            artifacts.locate("/etc/docker/daemon.json"),
            Artifact::Absolute(PathBuf::from("/etc/docker/daemon.json"))
        );
        assert_eq!(
            artifacts.locate("/../../etc/hosts"),
            Artifact::Absolute(PathBuf::from("/etc/hosts"))
        );
    }

    #[test]
    fn engine_documents_are_not_files() {
        let artifacts = artifacts();
        for name in ["container:web", "image:0", "docker info"] {
            assert_eq!(artifacts.locate(name), Artifact::Document, "{name}");
        }
        // A drive-letter-like prefix is not a scheme.
        assert_eq!(
            artifacts.locate("c:file"),
            Artifact::Relative("c:file".to_owned())
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        let relative = |path: &str| uri(&Artifact::Relative(path.to_owned())).unwrap();
        assert_eq!(relative("app/Dockerfile"), "app/Dockerfile");
        assert_eq!(relative("my app/Docker file"), "my%20app/Docker%20file");
        assert_eq!(relative("a%b/c#d?e"), "a%25b/c%23d%3Fe");
        assert_eq!(relative("c:file"), "c%3Afile");
        assert_eq!(relative("ünï/Dockerfile"), "%C3%BCn%C3%AF/Dockerfile");
        assert_eq!(
            uri(&Artifact::Absolute(PathBuf::from(
                "/etc/my dir/daemon.json"
            )))
            .unwrap(),
            "file:///etc/my%20dir/daemon.json"
        );
        assert_eq!(uri(&Artifact::Document), None);
        assert_eq!(artifacts().base_uri().as_deref(), Some("file:///repo/sub/"));
    }
}
