//! `secrets` rules for Dockerfiles, and the redaction ranges every printer must mask.

pub mod detect;
pub mod hardcoded_secret;
pub mod password_set_in_build;
pub mod secret_in_build_arg;
pub mod secret_in_env;

use cofferdam_diagnostics::TextRange;

use crate::rules::DockerfileContext;
use crate::syntax::dockerfile::{InstructionKind, KeyValue};

/// Byte ranges of secret values anywhere in the file: credential-shaped text (including
/// comments and heredocs), the values of secret-named `ENV`/`ARG`/`LABEL` keys, and passwords
/// that `RUN` steps set. Computed
/// whether or not a secrets rule is enabled, because printers must never show them.
pub fn secret_value_ranges(ctx: &DockerfileContext<'_>) -> Vec<TextRange> {
    let mut ranges: Vec<TextRange> = ctx
        .secret_spans()
        .iter()
        .map(|&(start, end, _)| TextRange::from_usize(start, end))
        .collect();
    for instruction in &ctx.file.instructions {
        for pair in key_values(&instruction.kind) {
            if let Some(value) = secret_named_value(pair) {
                ranges.push(value);
            }
        }
    }
    ranges.extend_from_slice(password_set_in_build::password_ranges(ctx));
    ranges.sort_unstable();
    ranges.dedup();
    ranges
}

/// The key/value pairs of ENV, ARG and LABEL (and their ONBUILD forms).
pub(crate) fn key_values(kind: &InstructionKind) -> &[KeyValue] {
    match kind {
        InstructionKind::Env(pairs)
        | InstructionKind::Arg(pairs)
        | InstructionKind::Label(pairs) => pairs,
        InstructionKind::Onbuild(inner) => key_values(&inner.kind),
        _ => &[],
    }
}

/// The range of a pair's value when its key is secret-named and the value is not a placeholder.
pub(crate) fn secret_named_value(pair: &KeyValue) -> Option<TextRange> {
    let value = pair.value.as_ref()?;
    let unquoted = value.raw.trim_matches(|c| c == '"' || c == '\'');
    (detect::is_secret_name(&pair.key.raw) && !detect::is_placeholder(unquoted))
        .then_some(value.range)
}

/// Global byte ranges of secret values in a compose project, masked by every printer whether or
/// not a secrets rule is enabled: every value in `.env` and `env_file:` files, values of
/// secret-named variables, and credential-shaped text inside any `environment:` value (a
/// password inside a connection string).
pub fn container_redactions(project: &crate::model::compose::ComposeProject) -> Vec<TextRange> {
    let mut ranges = project.env_file_values.clone();
    for spec in &project.services {
        for variable in &spec.environment {
            let Some(value) = &variable.value else {
                continue;
            };
            if detect::is_secret_name(&variable.name.value) && !detect::is_placeholder(&value.value)
            {
                ranges.push(value.range);
                continue;
            }
            // Offsets inside the value map onto the source only when it was written plainly.
            if project.sources.text(value.range) == value.value {
                for (start, end, _) in detect::find_in_text(&value.value) {
                    ranges.push(TextRange::new(
                        value.range.start() + start as u32,
                        value.range.start() + end as u32,
                    ));
                }
            } else if detect::detect_value(&value.value).is_some() {
                ranges.push(value.range);
            }
        }
    }
    ranges.sort_unstable_by_key(|range| (range.start(), range.end()));
    ranges.dedup();
    ranges
}

/// This family's container rules (its Dockerfile rules are listed in `rules::DOCKERFILE_RULES`),
/// in the order they run.
pub(crate) static RULES: &[crate::rules::Rule] = &[
    crate::rules::Rule::both(
        hardcoded_secret::HardcodedSecret::META,
        hardcoded_secret::check,
        hardcoded_secret::check_container,
    ),
    crate::rules::Rule::both(
        secret_in_env::SecretInEnv::META,
        secret_in_env::check,
        secret_in_env::check_container,
    ),
];
