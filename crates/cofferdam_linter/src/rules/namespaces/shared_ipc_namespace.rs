//! `shared-ipc-namespace`: `ipc: host` gives the container the host's System V IPC objects,
//! POSIX message queues and `/dev/shm`.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::rules::ContainerContext;
use crate::rules::namespaces::{Mode, is_host};

declare_rule! {
    /// ## What it does
    /// Checks whether a container shares the host's IPC namespace (`ipc: host`, `--ipc host`,
    /// `HostConfig.IpcMode: host`).
    ///
    /// Sharing another container's IPC namespace (`ipc: service:x` with `ipc: shareable` on
    /// `x`) is not reported: that is what `shareable` exists for, and what it exposes is
    /// only the memory the two containers deliberately place there.
    ///
    /// ## Why is this bad?
    /// The host's IPC namespace holds the System V shared-memory segments, semaphores and
    /// message queues of every host process, and Docker also mounts the host's `/dev/shm`
    /// into the container. Databases, browsers, X11 and many daemons keep data in shared
    /// memory; root in the container can read and change it, corrupting or spying on host
    /// processes, and can exhaust the host's IPC limits.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: example/worker:1.0
    ///     ipc: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   producer:
    ///     image: example/producer:1.0
    ///     ipc: shareable
    ///   worker:
    ///     image: example/worker:1.0
    ///     ipc: "service:producer"
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: removes the setting where it is written (its compose key or list item, or the
    /// run-line option with its value), as `harden-run` does. Software that talks to host processes through shared memory stops
    /// working.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#ipc>
    /// - <https://docs.docker.com/reference/compose-file/services/#ipc>
    /// - CIS Docker Benchmark 5.16
    pub struct SharedIpcNamespace {
        code: "NSP002",
        name: "shared-ipc-namespace",
        category: Namespaces,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Kics "baa3890f-bed7-46f5-ab8f-1da8fc91c729", Cis "5.16"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(mode) = &ctx.spec.namespaces.ipc else {
        return;
    };
    if Mode::parse(&mode.value) != Mode::Host {
        return;
    }
    out.push(
        ctx.diagnostic(
            SharedIpcNamespace::META,
            mode.range,
            "the container shares the host's IPC namespace: host shared memory and /dev/shm are \
             open to it",
        )
        .with_fix(ctx.removal_fix(
            ctx.spelled(
                "remove `ipc: host`; to share memory with another service, set `ipc: shareable` \
             there and `ipc: service:<name>` here",
                "remove `--ipc host`; to share memory with another container, run it with `--ipc \
             shareable` and this one with `--ipc container:<name>`",
            ),
            "ipc",
            mode.range,
            |other| is_host(other.namespaces.ipc.as_ref()),
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::SharedIpcNamespace;
    use crate::rules::test::compose_lines;

    #[test]
    fn host_only() {
        let text = "services:\n  a:\n    ipc: \"host\"\n  b:\n    ipc: shareable\n  c:\n    ipc: service:b\n  d:\n    ipc: container:other\n  e:\n    ipc: private\n";
        assert_eq!(compose_lines(SharedIpcNamespace::META, text), [3]);
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-shm: &shm\n  ipc: host\nservices:\n  a:\n    <<: *shm\n";
        assert_eq!(compose_lines(SharedIpcNamespace::META, text), [2]);
    }
}
