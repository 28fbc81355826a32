//! `volume-shared-between-services`: two or more services can write the same named volume or
//! host path (a project rule).

use std::collections::BTreeMap;

use cofferdam_diagnostics::{Diagnostic, Fix, TextRange, declare_rule};

use super::host_paths::HostPath;
use crate::model::container::{MountKind, is_variable};
use crate::rules::ProjectContext;

declare_rule! {
    /// ## What it does
    /// Looks at every service of a project together and reports each writable mount of a
    /// named volume or host path that at least one other service also mounts writable. Read-
    /// only mounts are not counted: one writer with read-only readers (an app that renders
    /// files and a web server that serves them read-only) is the safe way to share, and is
    /// not reported. Relative host paths are compared as written in the same file.
    ///
    /// Off by default, and informational: sharing a volume is often the design. Enable it
    /// (`--select volume-shared-between-services`) to review the data paths between services.
    ///
    /// ## Why is this bad?
    /// A volume that two containers can write is a channel between them that bypasses the
    /// network policy: a compromised container can plant a file (a script, a template, a
    /// pickled object, a symlink) that the other one reads or runs with its own privileges,
    /// and two writers of the same files can corrupt each other's data.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     volumes: [uploads:/app/uploads]
    ///   scanner:
    ///     image: example/scanner:1.0
    ///     volumes: [uploads:/uploads]
    /// volumes:
    ///   uploads:
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     volumes: [uploads:/app/uploads]
    ///   scanner:
    ///     image: example/scanner:1.0
    ///     volumes: ["uploads:/uploads:ro"]
    /// volumes:
    ///   uploads:
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: decide which service owns the data and mount it read-only in the others.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/storage/volumes/#share-data-between-machines>
    pub struct VolumeSharedBetweenServices {
        code: "FSY007",
        name: "volume-shared-between-services",
        category: Filesystem,
        severity: Info,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        default_enabled: false,
        aliases: [Kics "8c978947-0ff6-485c-b0c2-0bfca6026466"],
    }
}

pub(crate) fn check(ctx: &ProjectContext<'_>, out: &mut Vec<Diagnostic>) {
    // What is shared -> the writable mounts of it: (service, range).
    let mut writers: BTreeMap<String, Vec<(&str, TextRange)>> = BTreeMap::new();
    for spec in ctx.project.services {
        for mount in &spec.mounts {
            let value = &mount.value;
            let source = value.source.trim();
            if value.read_only || source.is_empty() || is_variable(source) {
                continue;
            }
            let key = match value.kind {
                MountKind::Volume => format!("volume `{source}`"),
                MountKind::Bind => {
                    if let Some(path) = HostPath::parse(source) {
                        format!("host path `{}`", path.display())
                    } else {
                        // Relative paths mean the same directory only within one file.
                        let file = ctx.project.sources.file_name(mount.range.start());
                        let relative = source.trim_end_matches('/');
                        format!("host path `{relative}`\u{0}{file}")
                    }
                }
                MountKind::NamedPipe | MountKind::Image => continue,
            };
            let entry = writers.entry(key).or_default();
            if !entry.iter().any(|(service, _)| *service == spec.name) {
                entry.push((&spec.name, value.source_range));
            }
        }
    }
    for (key, mounts) in writers {
        if mounts.len() < 2 {
            continue;
        }
        let what = key.split('\u{0}').next().unwrap_or_default();
        for (service, range) in &mounts {
            let others: Vec<&str> = mounts
                .iter()
                .map(|(other, _)| *other)
                .filter(|other| other != service)
                .collect();
            let message = format!(
                "{what} is writable here and in {}: a channel between the containers",
                others.join(", ")
            );
            out.push(
                Diagnostic::new(VolumeSharedBetweenServices::META, *range, message)
                    .with_service(*service)
                    .with_fix(Fix::display_only(
                        "mount it read-only (`:ro`) in every service but the one that owns the data",
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::VolumeSharedBetweenServices;
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn two_writers_are_reported_one_writer_is_not() {
        let text = "services:\n  a:\n    volumes: [data:/data, ./logic:/app, /srv/x:/x]\n  b:\n    volumes: [\"data:/d:ro\", ./logic/:/app]\n  c:\n    volumes: [data:/data, /srv/x/:/y]\n";
        assert_eq!(
            compose_lines(VolumeSharedBetweenServices::META, text),
            [3, 3, 3, 5, 7, 7]
        );
    }

    #[test]
    fn messages_name_the_other_services() {
        let found = compose_findings(
            VolumeSharedBetweenServices::META,
            &[(
                "compose.yaml",
                "services:\n  a:\n    volumes: [up:/u]\n  b:\n    volumes: [up:/u]\n",
            )],
        );
        assert_eq!(
            found[0].2,
            "volume `up` is writable here and in b: a channel between the containers"
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text =
            "x-v: &v\n  volumes: [shared:/s]\nservices:\n  a:\n    <<: *v\n  b:\n    <<: *v\n";
        assert_eq!(
            compose_lines(VolumeSharedBetweenServices::META, text),
            [2, 2]
        );
    }
}
