//! `copy-from-own-stage`: `COPY --from=<the current stage>`, a build that cannot work.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::Stage;
use crate::rules::DockerfileContext;
use crate::syntax::dockerfile::InstructionKind;

declare_rule! {
    /// ## What it does
    /// Checks for `COPY --from=<name>` and `RUN --mount=…,from=<name>` where `<name>` is the
    /// alias (compared without case) or the index of the stage the instruction is in. `ARG`s
    /// in the value are expanded first; unknown values are skipped.
    ///
    /// ## Why is this bad?
    /// A stage cannot read from itself: BuildKit rejects the build with a circular dependency.
    /// The usual cause is a copy-pasted line whose `--from` should name the previous stage (for
    /// example the builder), so the intended artefact is never copied.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./...
    ///
    /// FROM gcr.io/distroless/static:nonroot
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: which stage was meant cannot be known.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/multi-stage/>
    pub struct CopyFromOwnStage {
        code: "BLD012",
        name: "copy-from-own-stage",
        category: Build,
        severity: Medium,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [Hadolint "DL3023", Trivy "DS-0006", Kics "cdddb86f-95f6-4fc4-b5a1-483d9afceb2b"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for stage in &ctx.model.stages {
        for (index, instruction) in stage.instructions.iter().enumerate() {
            let wanted = match &instruction.kind {
                InstructionKind::Copy(_) => "from",
                InstructionKind::Run(_) => "mount",
                _ => continue,
            };
            for flag in instruction.flags.iter().filter(|flag| flag.name == wanted) {
                let Some(word) = &flag.value else {
                    continue;
                };
                let expanded = ctx.model.expand_at(stage.index, index, word);
                if !expanded.unresolved.is_empty() {
                    continue;
                }
                let name = if flag.name == "mount" {
                    let from = expanded
                        .value
                        .split(',')
                        .find_map(|field| field.trim().strip_prefix("from="));
                    let Some(from) = from else {
                        continue;
                    };
                    from.to_owned()
                } else {
                    expanded.value
                };
                if names_stage(stage, &name) {
                    out.push(
                        Diagnostic::new(
                            CopyFromOwnStage::META,
                            flag.range,
                            format!("`{name}` is the stage this instruction is in"),
                        )
                        .with_label(stage.from.range, "stage defined here")
                        .with_fix(Fix::display_only(
                            "name the earlier stage that produces these files",
                        )),
                    );
                }
            }
        }
    }
}

fn names_stage(stage: &Stage<'_>, name: &str) -> bool {
    if let Ok(index) = name.parse::<usize>() {
        return index == stage.index;
    }
    stage
        .alias
        .is_some_and(|alias| alias.raw.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::CopyFromOwnStage;
    use crate::rules::test::lines;

    #[test]
    fn flags_references_to_the_current_stage() {
        let rule = CopyFromOwnStage::META;
        assert_eq!(lines(rule, "FROM a:1 as dep\nCOPY --from=dep /b /\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1 AS Dep\nCOPY --from=dep /b /\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nFROM b:1\nCOPY --from=1 /b /\n"), [3]);
        assert_eq!(lines(rule, "FROM a:1\nCOPY --from=0 /x /\n"), [2]);
        assert_eq!(
            lines(rule, "FROM a:1 AS x\nARG S=x\nCOPY --from=$S /b /\n"),
            [3]
        );
        assert_eq!(
            lines(
                rule,
                "FROM a:1 AS x\nRUN --mount=type=bind,from=x,target=/s make\n"
            ),
            [2]
        );
    }

    #[test]
    fn earlier_stages_and_images_are_fine() {
        let rule = CopyFromOwnStage::META;
        assert!(lines(rule, "FROM a:1 AS b\nFROM c:1 AS d\nCOPY --from=b /x /\n").is_empty());
        assert!(lines(rule, "FROM a:1\nFROM b:1\nCOPY --from=0 /x /\n").is_empty());
        assert!(lines(rule, "FROM a:1 AS b\nCOPY --from=nginx:1 /x /\n").is_empty());
        assert!(lines(rule, "FROM a:1 AS b\nARG S\nCOPY --from=$S /x /\n").is_empty());
    }
}
