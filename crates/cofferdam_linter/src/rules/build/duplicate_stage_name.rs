//! `duplicate-stage-name`: two `FROM … AS name` lines use the same name.

use std::collections::HashMap;

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;

declare_rule! {
    /// ## What it does
    /// Checks for stage names (`FROM image AS name`) used by more than one stage, compared
    /// without case as BuildKit does. The finding points at the first stage with the name and
    /// labels every later one.
    ///
    /// ## Why is this bad?
    /// `COPY --from=name`, `RUN --mount=from=name`, `FROM name` and `--target name` can then
    /// mean either stage: a later edit to one of them silently changes what another stage copies
    /// or builds on, and the image can ship files from the wrong stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS build
    /// RUN npm ci
    ///
    /// FROM golang:1.23 AS build
    /// RUN go build ./...
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22 AS web-build
    /// RUN npm ci
    ///
    /// FROM golang:1.23 AS api-build
    /// RUN go build ./...
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: renaming a stage means updating its references, and which ones belong to
    /// which stage is the question the finding raises.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/multi-stage/#name-your-build-stages>
    /// - <https://docs.docker.com/reference/build-checks/duplicate-stage-name/>
    pub struct DuplicateStageName {
        code: "BLD013",
        name: "duplicate-stage-name",
        category: Build,
        severity: Medium,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [Hadolint "DL3024", Trivy "DS-0012", Kics "f2daed12-c802-49cd-afed-fe41d0b82fed"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut order = Vec::new();
    for stage in &ctx.model.stages {
        let Some(alias) = stage.alias else {
            continue;
        };
        let key = alias.raw.to_ascii_lowercase();
        let stages = by_name.entry(key.clone()).or_default();
        if stages.is_empty() {
            order.push(key);
        }
        stages.push(stage.index);
    }
    for key in order {
        let stages = &by_name[&key];
        let [first, later @ ..] = stages.as_slice() else {
            continue;
        };
        if later.is_empty() {
            continue;
        }
        let Some(alias) = ctx.model.stages[*first].alias else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            DuplicateStageName::META,
            alias.range,
            format!(
                "stage name `{}` is used by {} stages",
                alias.raw,
                stages.len()
            ),
        )
        .with_fix(Fix::display_only(
            "give each stage a unique name and update its references",
        ));
        for &index in later {
            if let Some(again) = ctx.model.stages[index].alias {
                diagnostic = diagnostic.with_label(again.range, "the same name is used again here");
            }
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::DuplicateStageName;
    use crate::rules::test::lines;

    #[test]
    fn flags_the_first_of_duplicate_names() {
        let rule = DuplicateStageName::META;
        assert_eq!(lines(rule, "FROM a:1 AS b\nFROM c:1 AS b\n"), [1]);
        assert_eq!(
            lines(
                rule,
                "FROM a:1\nFROM a:1 AS Build\nFROM c:1 as build\nFROM d:1 AS build\n"
            ),
            [2]
        );
    }

    #[test]
    fn unique_names_are_fine() {
        let rule = DuplicateStageName::META;
        assert!(lines(rule, "FROM a:1 AS b\nFROM b AS c\nFROM a:1\nFROM a:1\n").is_empty());
    }
}
