//! `writable-bind-mount`: a host directory outside the project is bind-mounted writable.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::host_paths::{self, HostPath};
use crate::model::container::MountKind;
use crate::rules::ContainerContext;
use crate::rules::socket::runtime_socket_mounted;

declare_rule! {
    /// ## What it does
    /// Reports bind mounts of absolute host paths and home-directory paths (`/srv/app/data`,
    /// `~/cache`) that are not read-only (no `:ro` in short syntax, no `read_only: true` in
    /// long syntax, no `readonly` on `--mount`). It is informational: a writable bind for
    /// application data is normal, and the finding is a prompt to check that the container
    /// really has to write there.
    ///
    /// To keep the noise down, paths relative to the project (`./data`, `../shared`) are not
    /// reported (they are the project's own data), and neither are paths that
    /// `sensitive-host-path-mounted` or `runtime-socket-mounted` already report.
    ///
    /// ## Why is this bad?
    /// Whatever a container can write on the host outlives the container and is read by
    /// others: a compromised container can plant files that a host job, a backup or another
    /// container will read or run, fill the host's disk, or change data it only had to read.
    /// A read-only bind keeps the container's reach to what it needs.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     volumes:
    ///       - /srv/www:/usr/share/nginx/html
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     volumes:
    ///       - /srv/www:/usr/share/nginx/html:ro
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: a workload that writes to the mount fails once it is read-only; keep it
    /// writable where the container owns the data.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/storage/bind-mounts/#use-a-read-only-bind-mount>
    /// - CIS Docker Benchmark 5.5
    pub struct WritableBindMount {
        code: "FSY005",
        name: "writable-bind-mount",
        category: Filesystem,
        severity: Info,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for mount in &ctx.spec.mounts {
        let mount = &mount.value;
        if mount.kind != MountKind::Bind
            || mount.read_only
            || runtime_socket_mounted::exposed(&mount.source).is_some()
        {
            continue;
        }
        let Some(path) = HostPath::parse(&mount.source) else {
            continue;
        };
        if host_paths::grade(&path, false).is_some() {
            continue;
        }
        out.push(
            ctx.diagnostic(
                WritableBindMount::META,
                mount.source_range,
                format!(
                    "host path `{}` is bind-mounted writable at `{}`",
                    path.display(),
                    mount.target
                ),
            )
            .with_fix(Fix::display_only(ctx.spelled(
                "append `:ro` (or set `read_only: true`) unless the container must write there",
                "add `:ro` (or `readonly` on `--mount`) unless the container must write there",
            ))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::WritableBindMount;
    use crate::rules::test::compose_lines;

    #[test]
    fn absolute_writable_binds_only() {
        let text = "services:\n  a:\n    volumes:\n      - /srv/data:/data\n      - /srv/conf:/conf:ro\n      - ./app:/app\n      - data:/var/lib/data\n      - type: bind\n        source: /opt/cache\n        target: /cache\n      - type: bind\n        source: /opt/in\n        target: /in\n        read_only: true\n      - /etc:/host/etc\n";
        assert_eq!(compose_lines(WritableBindMount::META, text), [4, 9]);
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text =
            "x-data: &data\n  volumes: [\"/srv/data:/data\"]\nservices:\n  a:\n    <<: *data\n";
        assert_eq!(compose_lines(WritableBindMount::META, text), [2]);
    }
}
