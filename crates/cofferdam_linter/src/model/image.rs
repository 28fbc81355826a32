//! Image references (`[registry/]repository[:tag][@digest]`) split into their parts.

/// A parsed image reference. Parsing is lenient: it never fails, it only splits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The reference as it will be pulled (after `ARG` expansion).
    pub text: String,
    pub registry: Option<String>,
    /// The path without registry, tag or digest, e.g. `library/python` or `python`.
    pub repository: String,
    pub tag: Option<String>,
    /// `sha256:…` without the `@`.
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(text: &str) -> ImageRef {
        let (name, digest) = match text.split_once('@') {
            Some((name, digest)) => (name, Some(digest.to_owned())),
            None => (text, None),
        };
        // A tag is a `:` after the last `/`; a `:` before it belongs to a registry port.
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (
                &name[..last_slash + i],
                Some(name[last_slash + i + 1..].to_owned()),
            ),
            None => (name, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first.to_owned()), rest.to_owned())
            }
            _ => (None, name.to_owned()),
        };
        ImageRef {
            text: text.to_owned(),
            registry,
            repository,
            tag,
            digest,
        }
    }

    /// The last path component of the repository, e.g. `python` for `docker.io/library/python`.
    pub fn short_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// The registry host and repository path as Docker resolves them when pulling, without tag
    /// or digest: `nginx` → `docker.io/library/nginx`, `ghcr.io/acme/app` stays. Lower-case.
    pub fn canonical_name(&self) -> String {
        let host = self
            .registry
            .as_deref()
            .map_or_else(|| DOCKER_HUB.to_owned(), canonical_host);
        let repository = self.repository.to_ascii_lowercase();
        if host == DOCKER_HUB && !repository.contains('/') {
            format!("{host}/library/{repository}")
        } else {
            format!("{host}/{repository}")
        }
    }

    /// `scratch` is the empty image, not something pulled.
    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.repository.eq_ignore_ascii_case("scratch")
    }
}

/// Docker Hub's canonical registry name.
const DOCKER_HUB: &str = "docker.io";

/// A registry host as Docker names it: lower-case, Docker Hub's aliases folded into
/// `docker.io`.
fn canonical_host(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            DOCKER_HUB.to_owned()
        }
        _ => host,
    }
}

/// An allowed-registry entry (`registry.example.com:5000`, `docker.io/library`,
/// `ghcr.io/acme/`) in the form [`ImageRef::canonical_name`] is compared with. It must start
/// with a registry host, so that `nginx` is not silently read as a host.
pub(crate) fn normalize_registry_prefix(entry: &str) -> Result<String, String> {
    let trimmed = entry.trim().trim_end_matches('/');
    let (host, path) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    let is_host =
        host.contains('.') || host.contains(':') || host.eq_ignore_ascii_case("localhost");
    if !is_host || trimmed.contains(['@', ' ']) {
        return Err(format!(
            "`{entry}` is not a registry: write a host such as `docker.io` or \
             `registry.example.com:5000`, optionally followed by a path prefix such as \
             `ghcr.io/acme`"
        ));
    }
    let host = canonical_host(host);
    Ok(if path.is_empty() {
        host
    } else {
        format!("{host}/{}", path.to_ascii_lowercase())
    })
}

/// Whether an image's [`ImageRef::canonical_name`] is under an allowed registry prefix.
pub(crate) fn is_under(canonical: &str, prefix: &str) -> bool {
    canonical
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::{ImageRef, is_under, normalize_registry_prefix};

    #[test]
    fn canonical_names_and_registry_prefixes() {
        let name = |text: &str| ImageRef::parse(text).canonical_name();
        assert_eq!(name("nginx:1.27"), "docker.io/library/nginx");
        assert_eq!(name("bitnami/redis@sha256:ab"), "docker.io/bitnami/redis");
        assert_eq!(
            name("index.docker.io/library/nginx"),
            "docker.io/library/nginx"
        );
        assert_eq!(name("GHCR.io/acme/app:1"), "ghcr.io/acme/app");
        assert_eq!(name("localhost:5000/app"), "localhost:5000/app");
        let prefix = |text: &str| normalize_registry_prefix(text).unwrap();
        assert_eq!(prefix("registry-1.docker.io/library/"), "docker.io/library");
        assert!(is_under(&name("nginx"), &prefix("docker.io")));
        assert!(is_under(&name("nginx"), &prefix("docker.io/library")));
        assert!(!is_under(
            &name("bitnami/redis"),
            &prefix("docker.io/library")
        ));
        assert!(!is_under(
            &name("ghcr.io/acme-evil/app"),
            &prefix("ghcr.io/acme")
        ));
        assert!(is_under(
            &name("ghcr.io/acme/team/app"),
            &prefix("ghcr.io/acme")
        ));
        assert!(normalize_registry_prefix("nginx").is_err());
        assert!(normalize_registry_prefix("library/nginx").is_err());
    }

    #[test]
    fn splits_references() {
        let image = ImageRef::parse("registry.example.com:5000/team/app:1.2@sha256:abc");
        assert_eq!(image.registry.as_deref(), Some("registry.example.com:5000"));
        assert_eq!(image.repository, "team/app");
        assert_eq!(image.tag.as_deref(), Some("1.2"));
        assert_eq!(image.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(image.short_name(), "app");

        let image = ImageRef::parse("localhost:5000/app");
        assert_eq!(image.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(image.tag, None);

        let image = ImageRef::parse("library/python:3.12-slim");
        assert_eq!(image.registry, None);
        assert_eq!(image.repository, "library/python");
        assert_eq!(image.tag.as_deref(), Some("3.12-slim"));

        assert!(ImageRef::parse("scratch").is_scratch());
    }
}
