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

    /// `scratch` is the empty image, not something pulled.
    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.repository.eq_ignore_ascii_case("scratch")
    }
}

#[cfg(test)]
mod tests {
    use super::ImageRef;

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
