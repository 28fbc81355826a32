//! `writable-root-filesystem`: the container's root filesystem is writable (`read_only` not set,
//! or set to false).

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::ContainerContext;
use crate::rules::edit::Setting;

declare_rule! {
    /// ## What it does
    /// Checks that a container's root filesystem is read-only (`read_only: true`,
    /// `--read-only`, `HostConfig.ReadonlyRootfs`). A missing setting is reported at the
    /// service; an explicit `read_only: false` counts as set and is reported at its value.
    ///
    /// ## Why is this bad?
    /// With a writable root filesystem, an attacker who gets code execution in the container
    /// can replace its programs and libraries, drop tools and persist until the container is
    /// recreated, and the image no longer says what runs. A read-only root, with `tmpfs:` or
    /// volumes for the few paths the application writes, makes every change deliberate and
    /// visible in the configuration.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     read_only: true
    ///     tmpfs:
    ///       - /tmp:size=64m
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: sets `read_only: true` (or adds `--read-only` before a run line's image). An
    /// application that writes outside its volumes (caches, pid files, `/tmp`) fails at
    /// runtime until those paths get a `tmpfs:` or a volume; find them with `docker diff
    /// <container>` on a running instance before applying it with `--unsafe-fixes`.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#read-only>
    /// - CIS Docker Benchmark 5.12
    pub struct WritableRootFilesystem {
        code: "FSY002",
        name: "writable-root-filesystem",
        category: Filesystem,
        severity: Low,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Cis "5.12"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let (range, message) = match &ctx.spec.read_only {
        Some(read_only) if read_only.value => return,
        None if ctx.spec.set_at_deploy_time(&["read_only"]) => return,
        Some(read_only) => (
            read_only.range,
            ctx.spelled(
                "`read_only: false`: the root filesystem is writable, so programs can be replaced and tools dropped",
                "`--read-only=false`: the root filesystem is writable, so programs can be replaced and tools dropped",
            ),
        ),
        None => (
            ctx.spec.anchor("read_only"),
            "the root filesystem is writable: programs can be replaced and tools dropped",
        ),
    };
    let description = ctx.spelled(
        "set `read_only: true` and give the paths the application writes a `tmpfs:` or a volume",
        "add `--read-only` and give the paths the application writes `--tmpfs` or a volume",
    );
    let edits = ctx.set_scalar(
        Setting::new("read_only", "true", "--read-only"),
        ctx.spec.read_only.as_ref().map(|read_only| read_only.range),
        |other| {
            other
                .read_only
                .as_ref()
                .is_none_or(|read_only| !read_only.value)
        },
    );
    let fix = Fix::unsafe_or_display_only(description, edits);
    out.push(
        ctx.diagnostic(WritableRootFilesystem::META, range, message)
            .with_fix(fix),
    );
}

#[cfg(test)]
mod tests {
    use super::WritableRootFilesystem;
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn missing_at_the_service_false_at_the_value() {
        let rule = WritableRootFilesystem::META;
        let text = "services:\n  a:\n    image: x:1\n  b:\n    read_only: false\n  c:\n    read_only: true\n";
        assert_eq!(compose_lines(rule, text), [2, 5]);
        let found = compose_findings(rule, &[("compose.yaml", text)]);
        assert!(
            found[1].2.starts_with("`read_only: false`"),
            "{}",
            found[1].2
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-base: &base\n  read_only: true\nx-loose: &loose\n  read_only: false\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *loose\n";
        assert_eq!(compose_lines(WritableRootFilesystem::META, text), [4]);
    }
}
