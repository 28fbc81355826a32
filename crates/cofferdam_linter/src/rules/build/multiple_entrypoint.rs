//! `multiple-entrypoint`: a stage sets `ENTRYPOINT` more than once, so every one but the last
//! is dead.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::multiple_cmd::overridden;
use crate::syntax::dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Checks for stages with more than one `ENTRYPOINT` and reports every `ENTRYPOINT` that a
    /// later one in the same stage overrides. All stages are checked: a build stage can be
    /// built on its own with `--target` or used as the base of another stage.
    ///
    /// ## Why is this bad?
    /// Only the last `ENTRYPOINT` of a stage takes effect. The earlier ones mislead readers
    /// about what runs as PID 1 (for example an init such as `tini` that is in fact dropped).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// USER 10001
    /// ENTRYPOINT ["/sbin/tini", "--"]
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// USER 10001
    /// ENTRYPOINT ["/sbin/tini", "--", "/app"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix deletes the overridden `ENTRYPOINT`, which never took effect. Whether its
    /// intent (such as an init process) should be merged into the last one is left to you.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#entrypoint>
    pub struct MultipleEntrypoint {
        code: "BLD015",
        name: "multiple-entrypoint",
        category: Build,
        severity: Low,
        inputs: [Dockerfile],
        fix: Safe,
        aliases: [Hadolint "DL4004", Trivy "DS-0007", Kics "6938958b-3f1a-451c-909b-baeee14bdc97"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    overridden(ctx, MultipleEntrypoint::META, Keyword::Entrypoint, out);
}

#[cfg(test)]
mod tests {
    use super::MultipleEntrypoint;
    use crate::rules::test::lines;

    #[test]
    fn flags_overridden_entrypoints() {
        let rule = MultipleEntrypoint::META;
        assert_eq!(
            lines(rule, "FROM a:1\nENTRYPOINT a\nCMD x\nENTRYPOINT [\"b\"]\n"),
            [2]
        );
        assert!(lines(rule, "FROM a:1\nENTRYPOINT a\nFROM a:1\nENTRYPOINT b\n").is_empty());
    }
}
