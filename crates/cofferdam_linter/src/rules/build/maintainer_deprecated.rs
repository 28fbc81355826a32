//! `maintainer-deprecated`: the `MAINTAINER` instruction, deprecated in favour of a label.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::syntax::dockerfile::InstructionKind;

declare_rule! {
    /// ## What it does
    /// Checks for `MAINTAINER` instructions.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13. It fills the image's legacy `Author`
    /// field, which most tools ignore; the OCI label `org.opencontainers.image.authors` is
    /// where registries and scanners look for a contact, for example when a vulnerability is
    /// found in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// MAINTAINER Jane Doe <jane@example.com>
    /// USER 10001
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix replaces the instruction with the label, which changes image metadata only
    /// (the legacy `Author` field is no longer set). It is offered when the value needs no
    /// escaping (no `"`, `$` or escape character).
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#maintainer-deprecated>
    /// - <https://github.com/opencontainers/image-spec/blob/main/annotations.md>
    pub struct MaintainerDeprecated {
        code: "BLD018",
        name: "maintainer-deprecated",
        category: Build,
        severity: Info,
        inputs: [Dockerfile],
        fix: Safe,
        aliases: [Hadolint "DL4000", Trivy "DS-0022", Kics "99614418-f82b-4852-a9ae-5051402b741c"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for instruction in &ctx.file.instructions {
        let InstructionKind::Maintainer(word) = &instruction.kind else {
            continue;
        };
        let value = word
            .raw
            .strip_prefix('"')
            .and_then(|inner| inner.strip_suffix('"'))
            .unwrap_or(&word.raw);
        let mut diagnostic = Diagnostic::new(
            MaintainerDeprecated::META,
            instruction.range,
            "the MAINTAINER instruction is deprecated; use the `org.opencontainers.image.authors` label",
        );
        let needs_escaping = value.contains(['"', '$', ctx.file.escape, '\n']);
        if !needs_escaping {
            diagnostic = diagnostic.with_fix(Fix::safe(
                "replace with `LABEL org.opencontainers.image.authors=…`",
                vec![Edit::replace(
                    instruction.range,
                    format!("LABEL org.opencontainers.image.authors=\"{value}\""),
                )],
            ));
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::MaintainerDeprecated;
    use crate::rules::test::{lines, lint};

    #[test]
    fn flags_maintainer() {
        let rule = MaintainerDeprecated::META;
        assert_eq!(lines(rule, "FROM a:1\nMAINTAINER me <me@x.org>\n"), [2]);
        assert_eq!(lines(rule, "maintainer me\nFROM a:1\n"), [1]);
        assert!(lines(rule, "FROM a:1\nLABEL maintainer=\"me\"\n").is_empty());
    }

    #[test]
    fn fix_writes_the_oci_label() {
        let rule = MaintainerDeprecated::META;
        let text = "FROM a:1\nMAINTAINER \"me@x.org\"\n";
        let fix = lint(rule, text)[0].fix.clone().expect("fix");
        assert_eq!(
            fix.apply(text).as_deref(),
            Some("FROM a:1\nLABEL org.opencontainers.image.authors=\"me@x.org\"\n")
        );
        assert!(lint(rule, "FROM a:1\nMAINTAINER a$b\n")[0].fix.is_none());
    }
}
