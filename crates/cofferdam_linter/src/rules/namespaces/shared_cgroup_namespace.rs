//! `shared-cgroup-namespace`: `cgroup: host` shows the container the host's whole cgroup tree.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::rules::ContainerContext;
use crate::rules::namespaces::{Mode, is_host};

declare_rule! {
    /// ## What it does
    /// Checks whether a container runs in the host's cgroup namespace (`cgroup: host`,
    /// `--cgroupns host`, `HostConfig.CgroupnsMode: host`). `cgroup: private` and no setting
    /// are fine. (`cgroup_parent`, which only chooses where the container's cgroup is
    /// created, is a different setting and not reported.)
    ///
    /// ## Why is this bad?
    /// In its own cgroup namespace a container sees its own cgroup as the root of the tree.
    /// In the host's, `/proc/self/cgroup` and `/sys/fs/cgroup` show the host's hierarchy:
    /// the ids, resource settings and usage of every other container and system service.
    /// The tree is mounted read-only, but a container that also holds `SYS_ADMIN` can
    /// remount it and change other cgroups' limits, and on cgroup v1 hosts that is the
    /// first step of the `release_agent` escape. Docker makes the namespace private by
    /// default on cgroup v2 hosts; `cgroup: host` asks for the old behaviour.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     cgroup: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     cgroup: private
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: removes the setting where it is written (its compose key or list item, or the
    /// run-line option with its value), as `harden-run` does. Tools inside the container that read the host's cgroup tree
    /// (some monitoring agents, nested container runtimes) lose it.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#cgroupns>
    /// - <https://docs.docker.com/reference/compose-file/services/#cgroup>
    /// - <https://man7.org/linux/man-pages/man7/cgroup_namespaces.7.html>
    pub struct SharedCgroupNamespace {
        code: "NSP005",
        name: "shared-cgroup-namespace",
        category: Namespaces,
        severity: Low,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(mode) = &ctx.spec.namespaces.cgroupns else {
        return;
    };
    if Mode::parse(&mode.value) != Mode::Host {
        return;
    }
    out.push(
        ctx.diagnostic(
            SharedCgroupNamespace::META,
            mode.range,
            "the container shares the host's cgroup namespace: it sees every container's and \
             service's cgroup",
        )
        .with_fix(ctx.removal_fix(
            ctx.spelled(
                "remove `cgroup: host` or set `cgroup: private`",
                "remove `--cgroupns host` or pass `--cgroupns private`",
            ),
            "cgroup",
            mode.range,
            |other| is_host(other.namespaces.cgroupns.as_ref()),
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::SharedCgroupNamespace;
    use crate::rules::test::compose_lines;

    #[test]
    fn host_only() {
        let text = "services:\n  a:\n    cgroup: host\n  b:\n    cgroup: private\n  c:\n    cgroup_parent: nat-docker\n";
        assert_eq!(compose_lines(SharedCgroupNamespace::META, text), [3]);
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-host: &host\n  cgroup: host\nservices:\n  a:\n    <<: *host\n";
        assert_eq!(compose_lines(SharedCgroupNamespace::META, text), [2]);
    }
}
