//! `runtime-socket-mounted`: a container runtime's API socket (Docker, containerd, Podman,
//! CRI-O, BuildKit) or a directory holding one is mounted into a container.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::model::container::{MountKind, is_variable};
use crate::rules::ContainerContext;
use crate::rules::filesystem::host_paths::HostPath;

declare_rule! {
    /// ## What it does
    /// Checks whether a container mounts a container runtime's API socket: Docker's
    /// (`/var/run/docker.sock`, `/run/docker.sock`, rootless `/run/user/<uid>/docker.sock`, the
    /// Windows pipe `\\.\pipe\docker_engine`), containerd's, Podman's (rootful and rootless),
    /// CRI-O's, cri-dockerd's and BuildKit's, wherever the file is (any `*/docker.sock`,
    /// `*/containerd.sock`, …), or a directory that holds one of them at its standard place
    /// (`/run`, `/var/run`, `/run/containerd`, `/var/run/docker`, `/run/user/<uid>`, …). Short
    /// and long volume syntax are read alike, and a read-only mount is reported the same. A
    /// named volume of the local driver whose `driver_opts` bind a host path (`o: bind`,
    /// `device: /var/run/docker.sock`) is a bind mount of that path, reported at its `device:`.
    ///
    /// The host's root `/` also holds the sockets; it is reported by
    /// `sensitive-host-path-mounted`.
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the runtime's socket can start a container that is privileged,
    /// shares the host's namespaces and mounts the host's `/`: it is root on the host, with
    /// no password and no log entry that names the container. Read-only does not help, because
    /// it only stops changes to the socket file, not connecting to it and sending API calls.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ci-agent:
    ///     image: example/agent:3.2
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock:ro
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ci-agent:
    ///     image: example/agent:3.2
    ///     environment:
    ///       # a filtering proxy that allows only the API calls the agent needs
    ///       DOCKER_HOST: tcp://docker-proxy:2375
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: removes the setting where it is written (its compose key or list item, or the
    /// run-line option with its value), as `harden-run` does. The workload presumably uses the API and fails without it: give
    /// it only what it needs through a filtering proxy (docker-socket-proxy), a rootless
    /// engine, or a build service, and establish that by testing.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/#docker-daemon-attack-surface>
    /// - <https://docs.docker.com/engine/security/protect-access/>
    /// - CIS Docker Benchmark 5.31
    pub struct RuntimeSocketMounted {
        code: "SCK001",
        name: "runtime-socket-mounted",
        category: Socket,
        severity: Critical,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Kics "d6355c88-1e8d-49e9-b2f2-f8a1ca12c75b", Cis "5.31"],
    }
}

/// Socket file names and the runtime they belong to.
pub const SOCKET_NAMES: &[(&str, &str)] = &[
    ("docker.sock", "Docker"),
    ("containerd.sock", "containerd"),
    ("podman.sock", "Podman"),
    ("crio.sock", "CRI-O"),
    ("cri-dockerd.sock", "cri-dockerd"),
    ("dockershim.sock", "dockershim"),
    ("buildkitd.sock", "BuildKit"),
];

/// Where the runtimes put their sockets; `<uid>` stands for a numeric user id.
pub const SOCKET_PATHS: &[&str] = &[
    "/run/docker.sock",
    "/var/run/docker.sock",
    "/run/user/<uid>/docker.sock",
    "/run/docker/containerd/containerd.sock",
    "/var/run/docker/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/run/k3s/containerd/containerd.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/run/user/<uid>/podman/podman.sock",
    "/run/crio/crio.sock",
    "/var/run/crio/crio.sock",
    "/run/cri-dockerd.sock",
    "/var/run/cri-dockerd.sock",
    "/run/buildkit/buildkitd.sock",
];

/// What a mount source exposes: the socket's runtime, or the runtimes whose sockets a
/// directory holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Exposed {
    Socket(&'static str),
    Directory(Vec<&'static str>),
}

/// Whether a bind source is a runtime socket or a directory holding one at its standard place.
pub fn exposed(source: &str) -> Option<Exposed> {
    let source = source.trim();
    if is_variable(source) {
        return None;
    }
    let lower = source.to_ascii_lowercase().replace('/', "\\");
    if lower.trim_end_matches('\\') == "\\\\.\\pipe\\docker_engine" {
        return Some(Exposed::Socket("Docker"));
    }
    let path = HostPath::parse(source)?;
    let path = match path {
        HostPath::Absolute(path) => path,
        HostPath::Home(rest) => format!("/~/{rest}"),
    };
    let file = path.rsplit('/').next().unwrap_or_default();
    if let Some((_, runtime)) = SOCKET_NAMES.iter().find(|(name, _)| *name == file) {
        return Some(Exposed::Socket(runtime));
    }
    // `/` and `/var` are left to sensitive-host-path-mounted: the first is the whole host, and
    // the second holds the sockets only through the `/var/run` symlink, which resolves inside
    // the container.
    if path == "/" || path == "/var" {
        return None;
    }
    let mut runtimes: Vec<&'static str> = Vec::new();
    for socket in SOCKET_PATHS {
        if holds(&path, socket) {
            let file = socket.rsplit('/').next().unwrap_or_default();
            let runtime = SOCKET_NAMES
                .iter()
                .find(|(name, _)| *name == file)
                .map_or("Docker", |(_, runtime)| runtime);
            if !runtimes.contains(&runtime) {
                runtimes.push(runtime);
            }
        }
    }
    (!runtimes.is_empty()).then_some(Exposed::Directory(runtimes))
}

/// Whether directory `path` is `socket` or one of its parents, `<uid>` matching a number.
fn holds(path: &str, socket: &str) -> bool {
    let mut socket_parts = socket.split('/');
    for part in path.split('/') {
        match socket_parts.next() {
            Some("<uid>") if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) => {}
            Some(expected) if expected == part => {}
            _ => return false,
        }
    }
    // `path` is `socket` or a prefix of it, segment by segment.
    true
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for spanned in &ctx.spec.mounts {
        let mount = &spanned.value;
        if !matches!(mount.kind, MountKind::Bind | MountKind::NamedPipe) {
            continue;
        }
        let Some(exposed) = exposed(&mount.source) else {
            continue;
        };
        let source = mount.source.trim();
        let message = match exposed {
            Exposed::Socket(runtime) => format!(
                "the {runtime} socket `{source}` is mounted: the container controls the runtime and so the host"
            ),
            Exposed::Directory(runtimes) => {
                let others = match runtimes.len() {
                    1 => String::new(),
                    n => format!(" (and {} more)", n - 1),
                };
                format!(
                    "`{source}` holds the {} socket{others}: the container controls the runtime and so the host",
                    runtimes[0]
                )
            }
        };
        out.push(
            ctx.diagnostic(RuntimeSocketMounted::META, mount.source_range, message)
                .with_fix(ctx.removal_fix(
                    "remove the mount; give the workload only the API calls it needs through a filtering proxy or a rootless engine",
                    "volumes",
                    spanned.range,
                    |other| other.mounts.iter().any(|other| other.range == spanned.range),
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{Exposed, RuntimeSocketMounted, exposed};
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn sockets_by_name_and_place() {
        assert_eq!(
            exposed("/var/run/docker.sock"),
            Some(Exposed::Socket("Docker"))
        );
        assert_eq!(
            exposed("/home/ci/.docker/run/docker.sock"),
            Some(Exposed::Socket("Docker"))
        );
        assert_eq!(
            exposed("/run/user/1000/podman/podman.sock"),
            Some(Exposed::Socket("Podman"))
        );
        assert_eq!(
            exposed(r"\\.\pipe\docker_engine"),
            Some(Exposed::Socket("Docker"))
        );
        assert_eq!(
            exposed("/run/containerd"),
            Some(Exposed::Directory(vec!["containerd"]))
        );
        assert_eq!(
            exposed("/var/run/docker/"),
            Some(Exposed::Directory(vec!["containerd"]))
        );
        assert_eq!(
            exposed("/run/user/1000"),
            Some(Exposed::Directory(vec!["Docker", "Podman"]))
        );
        assert!(matches!(exposed("/run"), Some(Exposed::Directory(all)) if all.len() == 6));
        assert_eq!(exposed("/run/user/alice"), None);
        assert_eq!(exposed("/run/secrets"), None);
        assert_eq!(exposed("/"), None);
        assert_eq!(exposed("/var"), None);
        assert_eq!(exposed("./docker.sock.txt"), None);
        assert_eq!(exposed("${SOCK}"), None);
    }

    #[test]
    fn every_syntax_and_read_only_too() {
        let text = "services:\n  a:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - type: bind\n        source: /run/podman/podman.sock\n        target: /run/podman/podman.sock\n        read_only: true\n      - \"/run:/host/run\"\n      - docker.sock:/x\n";
        assert_eq!(compose_lines(RuntimeSocketMounted::META, text), [4, 6, 9]);
    }

    #[test]
    fn messages_name_the_runtime() {
        let found = compose_findings(
            RuntimeSocketMounted::META,
            &[(
                "compose.yaml",
                "services:\n  a:\n    volumes: [\"/var/run/crio:/crio\"]\n",
            )],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].2,
            "`/var/run/crio` holds the CRI-O socket: the container controls the runtime and so the host"
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-sock: &sock\n  volumes:\n    - /var/run/docker.sock:/var/run/docker.sock\nservices:\n  a:\n    <<: *sock\n";
        assert_eq!(compose_lines(RuntimeSocketMounted::META, text), [3]);
    }
}
