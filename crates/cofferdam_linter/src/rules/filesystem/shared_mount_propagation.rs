//! `shared-mount-propagation`: a bind mount with `shared`/`rshared` propagation (container
//! mounts reach the host) or `slave`/`rslave` (host mounts reach the container).

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, TextRange, declare_rule};

use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks the propagation of bind mounts: long syntax `bind: {propagation: …}`, short
    /// syntax options (`/mnt:/mnt:rshared`), `--mount bind-propagation=…`. `shared` and
    /// `rshared` are reported at medium, or high when the container can mount (it is
    /// privileged or has `SYS_ADMIN`); `slave` and `rslave` at low. `private` and `rprivate`
    /// (Docker's default) are fine.
    ///
    /// ## Why is this bad?
    /// With shared propagation, a mount the container makes beneath the bind appears on the
    /// host too: a container that can mount can then cover a host directory (`/etc`, a
    /// binary's directory) with its own files, which host processes will read and run. The
    /// slave modes work the other way: whatever the host mounts later beneath the path (a
    /// backup disk, a secrets volume, another container's filesystem) shows up inside the
    /// container. Only storage and device plugins have a reason for either.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.0
    ///     volumes:
    ///       - type: bind
    ///         source: /mnt/data
    ///         target: /data
    ///         bind:
    ///           propagation: rshared
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.0
    ///     volumes:
    ///       - type: bind
    ///         source: /mnt/data
    ///         target: /data
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: a storage plugin or CSI driver that mounts volumes for other containers
    /// needs `rshared`; such a container should be reviewed on its own.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/storage/bind-mounts/#configure-bind-propagation>
    /// - <https://docs.kernel.org/filesystems/sharedsubtree.html>
    /// - CIS Docker Benchmark 5.19
    pub struct SharedMountPropagation {
        code: "FSY006",
        name: "shared-mount-propagation",
        category: Filesystem,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [Kics "baa452f0-1f21-4a25-ace5-844e7a5f410d", Cis "5.19"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    let can_mount = spec.is_privileged()
        || spec
            .cap_add
            .iter()
            .any(|cap| cap.value == "SYS_ADMIN" || cap.value == "ALL");
    for mount in &spec.mounts {
        let Some(propagation) = &mount.value.propagation else {
            continue;
        };
        let mode = propagation.trim().to_ascii_lowercase();
        let source = mount.value.source.trim();
        let (severity, message) = match mode.as_str() {
            "shared" | "rshared" => (
                if can_mount {
                    Severity::High
                } else {
                    Severity::Medium
                },
                format!(
                    "bind `{source}` has `{mode}` propagation: mounts made in the container appear on the host"
                ),
            ),
            "slave" | "rslave" => (
                Severity::Low,
                format!(
                    "bind `{source}` has `{mode}` propagation: mounts the host makes there appear in the container"
                ),
            ),
            _ => continue,
        };
        // Point at the mode where it is written (`propagation: rshared`, `:ro,rslave`).
        let written = ctx.text(mount.range);
        let range = written.rfind(propagation.trim()).map_or(mount.range, |at| {
            let start = mount.range.start() + at as u32;
            TextRange::new(start, start + propagation.trim().len() as u32)
        });
        out.push(
            ctx.diagnostic(SharedMountPropagation::META, range, message)
                .with_severity(severity)
                .with_fix(Fix::display_only(ctx.spelled(
                    "remove `propagation:` (the default is `rprivate`)",
                    "remove the propagation option (the default is `rprivate`)",
                ))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::SharedMountPropagation;
    use crate::rules::test::compose_lines;

    #[test]
    fn shared_and_slave_modes_in_both_syntaxes() {
        let text = "services:\n  a:\n    volumes:\n      - /mnt:/mnt:rshared\n      - /srv:/srv:ro,rslave\n      - /opt:/opt:rprivate\n      - type: bind\n        source: /data\n        target: /data\n        bind:\n          propagation: shared\n      - type: bind\n        source: /x\n        target: /x\n        bind:\n          propagation: private\n";
        assert_eq!(
            compose_lines(SharedMountPropagation::META, text),
            [4, 5, 11]
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-m: &m\n  volumes: [\"/mnt:/mnt:shared\"]\nservices:\n  a:\n    <<: *m\n";
        assert_eq!(compose_lines(SharedMountPropagation::META, text), [2]);
    }
}
