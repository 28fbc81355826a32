//! `sensitive-host-path-mounted`: a bind mount exposes a sensitive host location (`/`, `/etc`,
//! `/proc`, `/var/lib/docker`, a home directory's credentials, …), graded by what it holds and
//! lowered, not cleared, when read-only.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::host_paths::{self, HostPath};
use crate::model::container::MountKind;
use crate::rules::ContainerContext;
use crate::rules::socket::runtime_socket_mounted;

declare_rule! {
    /// ## What it does
    /// Checks the host paths a container bind-mounts (short and long volume syntax, and named
    /// volumes of the local driver that bind a host path through `driver_opts`) against a
    /// table of sensitive host locations, and grades each mount by what it exposes:
    ///
    /// - critical when writable, high when read-only: `/`, `/etc`, `/root`, `/proc`,
    ///   `/var/lib/docker` (and containerd's, Podman's and the kubelet's state), `/etc/shadow`,
    ///   `/etc/ssh`, `/etc/docker`, `/etc/kubernetes`;
    /// - critical when writable, lower when read-only: `/boot`, `/sys`, `/proc/sys`,
    ///   `/sys/fs/cgroup`, `/etc/passwd`, `/etc/sudoers`, cron and systemd configuration;
    /// - high when writable: `/dev`, `/usr`, `/bin`, `/sbin`, `/lib*`, `/home` and any home
    ///   directory (`~`, `/home/<user>`); credential directories in a home (`.ssh`, `.aws`,
    ///   `.kube`, `.docker`, `.gnupg`, …) and the D-Bus and systemd sockets stay high when
    ///   read-only, because reading or connecting is the harm;
    /// - medium when writable: `/var/log`.
    ///
    /// A directory that holds a sensitive location gets its grade (`/var` holds
    /// `/var/lib/docker`); a path beneath one gets at most medium when writable and low when
    /// read-only (`/var/lib/docker/containers:ro` for a log shipper is low). Files mounted
    /// read-only everywhere for good reasons (`/etc/localtime`, `/etc/timezone`,
    /// `/usr/share/zoneinfo`, CA certificates, `/etc/hosts`, `/etc/machine-id`) are not reported
    /// unless writable. Paths relative to the project and paths with unresolved variables are
    /// not judged. Runtime sockets and the directories holding them (`/run`, `/var/run`) are
    /// `runtime-socket-mounted`'s.
    ///
    /// ## Why is this bad?
    /// A bind mount hands the container the host's own files. Writable `/etc` means a new
    /// root account or sudo rule on the host, writable `/proc` or `/sys` means host kernel
    /// settings (`core_pattern` runs a program of the container's choosing as host root),
    /// `/var/lib/docker` means every other container's files and secrets, and `/` means all
    /// of it. Read-only still leaks: password hashes, SSH and TLS keys, the environment of every
    /// host process through `/proc`, cloud credentials from a home directory.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.0
    ///     volumes:
    ///       - /:/host
    ///       - /etc:/host/etc:ro
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.0
    ///     volumes:
    ///       - /etc/localtime:/etc/localtime:ro
    ///       - ./agent.yml:/etc/agent/agent.yml:ro
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: monitoring and backup agents mount host paths on purpose. Mount only the
    /// files the workload reads, read-only, and review what remains.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/storage/bind-mounts/>
    /// - <https://man7.org/linux/man-pages/man5/core.5.html>
    /// - CIS Docker Benchmark 5.5
    pub struct SensitiveHostPathMounted {
        code: "FSY004",
        name: "sensitive-host-path-mounted",
        category: Filesystem,
        severity: High,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [Kics "1c1325ff-831d-43a1-973e-839ae57dfcc0", Cis "5.5"],
    }
}

/// How this rule grades a bind mount of host path `source` (absolute or `~/…`): the severity
/// for the mount's mode and what the path exposes; `None` when it is not sensitive. `cofferdam
/// self` grades the host paths it finds in a container's mount table with it.
pub fn grade(source: &str, read_only: bool) -> Option<(cofferdam_diagnostics::Severity, String)> {
    host_paths::grade(&HostPath::parse(source)?, read_only)
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for mount in &ctx.spec.mounts {
        let mount = &mount.value;
        if mount.kind != MountKind::Bind || runtime_socket_mounted::exposed(&mount.source).is_some()
        {
            continue;
        }
        let Some(path) = HostPath::parse(&mount.source) else {
            continue;
        };
        let Some((severity, what)) = host_paths::grade(&path, mount.read_only) else {
            continue;
        };
        let mode = if mount.read_only {
            "read-only"
        } else {
            "writable"
        };
        let mut message = format!("host path `{}` is mounted {mode}: {what}", path.display());
        // Long paths leave no room for the explanation in parentheses.
        if message.len() > 120
            && let Some(at) = message.rfind(" (")
        {
            message.truncate(at);
        }
        let fix = if mount.read_only {
            "mount only the files the workload needs, or none"
        } else {
            ctx.spelled(
                "mount only the files the workload needs, read-only (`:ro` or `read_only: true`)",
                "mount only the files the workload needs, read-only (`:ro` or `readonly`)",
            )
        };
        out.push(
            ctx.diagnostic(SensitiveHostPathMounted::META, mount.source_range, message)
                .with_severity(severity)
                .with_fix(Fix::display_only(fix)),
        );
    }
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::Severity;

    use super::SensitiveHostPathMounted;
    use crate::rules::test::{compose_findings, compose_lines};

    fn severities(text: &str) -> Vec<(u32, Severity)> {
        let settings = crate::Settings::default()
            .with_selection(&["FSY004".to_owned()], &[], &[])
            .expect("registered");
        let environment = |_: &str| None;
        let results = crate::lint_compose(
            crate::model::compose::ComposeInput {
                files: vec![cofferdam_diagnostics::SourceFile::new("c.yaml", text)],
                loader: &crate::model::compose::NoFiles,
                environment: &environment,
            },
            &settings,
        );
        results
            .iter()
            .flat_map(|(file, result)| {
                result
                    .diagnostics
                    .iter()
                    .map(|d| (file.line_column(d.range.start()).line, d.severity))
            })
            .collect()
    }

    #[test]
    fn graded_by_location_and_mode() {
        let text = "services:\n  a:\n    volumes:\n      - /:/host\n      - /etc:/host/etc:ro\n      - type: bind\n        source: /proc\n        target: /host/proc\n        read_only: true\n      - /var/lib/docker/containers:/logs:ro\n      - /etc/localtime:/etc/localtime:ro\n      - ./data:/data\n      - /srv/app:/srv/app\n";
        assert_eq!(
            severities(text),
            [
                (4, Severity::Critical),
                (5, Severity::High),
                (7, Severity::High),
                (10, Severity::Low)
            ]
        );
    }

    #[test]
    fn sockets_are_left_to_the_socket_rule() {
        let text = "services:\n  a:\n    volumes:\n      - /var/run:/var/run\n      - /run/docker.sock:/s\n";
        assert!(compose_lines(SensitiveHostPathMounted::META, text).is_empty());
    }

    #[test]
    fn messages_say_what_the_path_holds() {
        let found = compose_findings(
            SensitiveHostPathMounted::META,
            &[(
                "compose.yaml",
                "services:\n  a:\n    volumes: [\"/var:/host/var\", \"~/.aws:/root/.aws:ro\"]\n",
            )],
        );
        let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "host path `/var` is mounted writable: it holds /var/lib/docker (every container's files, volumes and images)",
                "host path `~/.aws` is mounted read-only: credentials in .aws",
            ]
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text =
            "x-host: &host\n  volumes:\n    - /etc:/host/etc\nservices:\n  a:\n    <<: *host\n";
        assert_eq!(compose_lines(SensitiveHostPathMounted::META, text), [3]);
    }
}
