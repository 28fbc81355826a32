//! `multiple-healthchecks`: a stage has more than one `HEALTHCHECK`; only the last applies.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::multiple_cmd::overridden;
use crate::syntax::dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Checks for stages with more than one `HEALTHCHECK` (including `HEALTHCHECK NONE`) and
    /// reports every one that a later `HEALTHCHECK` in the same stage overrides.
    ///
    /// ## Why is this bad?
    /// Only the last `HEALTHCHECK` takes effect. An earlier, stricter probe that readers rely on
    /// may in fact be replaced by a weaker one, or disabled by a trailing `HEALTHCHECK NONE`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM busybox:1.36
    /// USER 10001
    /// HEALTHCHECK CMD wget -qO- http://localhost:8080/ready || exit 1
    /// HEALTHCHECK CMD /bin/true
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM busybox:1.36
    /// USER 10001
    /// HEALTHCHECK CMD wget -qO- http://localhost:8080/ready || exit 1
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix deletes the overridden `HEALTHCHECK`, which never took effect.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#healthcheck>
    pub struct MultipleHealthchecks {
        code: "HLT002",
        name: "multiple-healthchecks",
        category: Healthcheck,
        severity: Low,
        inputs: [Dockerfile],
        fix: Safe,
        aliases: [Hadolint "DL3012", Trivy "DS-0023"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    overridden(ctx, MultipleHealthchecks::META, Keyword::Healthcheck, out);
}

#[cfg(test)]
mod tests {
    use super::MultipleHealthchecks;
    use crate::rules::test::lines;

    #[test]
    fn flags_overridden_healthchecks() {
        let rule = MultipleHealthchecks::META;
        assert_eq!(
            lines(rule, "FROM a:1\nHEALTHCHECK CMD a\nHEALTHCHECK NONE\n"),
            [2]
        );
        assert!(
            lines(
                rule,
                "FROM a:1\nHEALTHCHECK CMD a\nFROM b:1\nHEALTHCHECK CMD b\n"
            )
            .is_empty()
        );
    }
}
