//! `secrets` rules for Dockerfiles and containers, and the redaction ranges every printer must
//! mask.
//!
//! Container rules read environment values as written: a reference (`${DB_PASSWORD}`) is how a
//! secret should arrive, but a literal fallback in it ([`literal_fallback`]) and the `.env`
//! entries it reads ([`dotenv_reads`]) are secrets written down.

pub mod detect;
pub mod hardcoded_secret;
pub mod password_set_in_build;
pub mod secret_in_build_arg;
pub mod secret_in_env;

use cofferdam_diagnostics::TextRange;

use crate::model::compose::{DotenvEntry, interpolate, join, parse_dotenv};
use crate::model::container::is_variable;
use crate::rules::{ContainerContext, DockerfileContext};
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
/// secret-named variables (and references whose literal fallback is a secret), and
/// credential-shaped text inside any `environment:` value (a password inside a connection
/// string).
pub fn container_redactions(project: &crate::model::compose::ComposeProject) -> Vec<TextRange> {
    let mut ranges = project.env_file_values.clone();
    // Credential-shaped text anywhere in the project's files (labels, commands, comments)
    // is masked whether or not a rule reports it.
    for file in project.sources.files() {
        let Some((_, base)) = project.sources.file(file.name()) else {
            continue;
        };
        for (start, end, _) in detect::find_in_text(file.text()) {
            ranges.push(TextRange::new(base + start as u32, base + end as u32));
        }
    }
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
            if let Some(fallback) = literal_fallback(&value.value)
                && ((detect::is_secret_name(&variable.name.value)
                    && !detect::is_placeholder(&fallback))
                    || detect::detect_value(&fallback).is_some())
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

/// The value a reference falls back to when the deployment sets none of its variables
/// (`${DB_PASSWORD:-changeme}` gives `changeme`), when that is a literal. `None` for values
/// without references and for references without a literal fallback (`${DB_PASSWORD}`,
/// `${DB_PASSWORD:?required}`, `${A:-$B}`).
pub(crate) fn literal_fallback(written: &str) -> Option<String> {
    if !is_variable(written) {
        return None;
    }
    let fallback = interpolate(written, &|_| None).ok()?;
    (!is_variable(&fallback)).then(|| fallback.into_owned())
}

/// The names of the variables a compose value references: `$NAME`, `${NAME…}`, and those inside
/// defaults (`${A:-${B}}`); `$$` is a literal `$`.
fn referenced_names(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut names = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'$' {
            at += 1;
            continue;
        }
        match bytes.get(at + 1) {
            Some(b'$') => {
                at += 2;
                continue;
            }
            Some(b'{') => at += 2,
            _ => at += 1,
        }
        let length = bytes[at..]
            .iter()
            .take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'_')
            .count();
        if length > 0 && !bytes[at].is_ascii_digit() {
            names.push(&text[at..at + length]);
        }
        at += length;
    }
    names
}

/// A `.env` entry that a compose service's environment reads through interpolation.
pub(crate) struct DotenvRead<'a> {
    /// The entry, with global ranges.
    pub(crate) entry: DotenvEntry,
    /// Whether the variable that reads it is secret-named (`POSTGRES_PASSWORD: ${PG}`).
    pub(crate) read_as_secret: bool,
    /// Whether the entry's value is written plainly, so offsets inside it map onto the file.
    pub(crate) exact: bool,
    /// The file's name as the project read it.
    pub(crate) file: &'a str,
}

/// The entries of the `.env` file next to a compose service's file that its `environment:`
/// reads through interpolation (`POSTGRES_PASSWORD: ${DB_PASSWORD}`), each once. The reference
/// in the compose file is how a secret should arrive, but the value is then written in `.env`:
/// rules report it there. Entries the service also reads as an `env_file:` are left to that
/// review, and `docker run` lines have no `.env` (the shell expands their variables).
pub(crate) fn dotenv_reads<'a>(ctx: &ContainerContext<'a>) -> Vec<DotenvRead<'a>> {
    let spec = ctx.spec;
    if !ctx.is_compose() {
        return Vec::new();
    }
    let readers: Vec<(&str, &str)> = spec
        .environment
        .iter()
        .filter(|variable| !variable.from_env_file)
        .filter_map(|variable| {
            Some((
                variable.name.value.as_str(),
                &variable.value.as_ref()?.value,
            ))
        })
        .flat_map(|(reader, value)| {
            referenced_names(value)
                .into_iter()
                .map(move |name| (name, reader))
        })
        .collect();
    if readers.is_empty() {
        return Vec::new();
    }
    let path = join(ctx.project.sources.file_name(spec.range.start()), ".env");
    let Some((file, base)) = ctx.project.sources.file(&path) else {
        return Vec::new();
    };
    let from_env_files: Vec<TextRange> = spec
        .environment
        .iter()
        .filter(|variable| variable.from_env_file)
        .filter_map(|variable| Some(variable.value.as_ref()?.range))
        .collect();
    let entries = parse_dotenv(file.text(), base);
    let mut reads: Vec<DotenvRead<'a>> = Vec::new();
    for (name, reader) in readers {
        // The last assignment wins, as compose reads the file.
        let Some(entry) = entries.iter().rev().find(|entry| entry.name == name) else {
            continue;
        };
        if from_env_files.contains(&entry.value_range) {
            continue;
        }
        let read_as_secret = detect::is_secret_name(reader);
        if let Some(read) = reads
            .iter_mut()
            .find(|read| read.entry.value_range == entry.value_range)
        {
            read.read_as_secret |= read_as_secret;
            continue;
        }
        reads.push(DotenvRead {
            exact: ctx.text(entry.value_range) == entry.value,
            entry: entry.clone(),
            read_as_secret,
            file: file.name(),
        });
    }
    reads
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use cofferdam_diagnostics::SourceFile;

    use super::{container_redactions, literal_fallback, referenced_names};
    use crate::model::compose::{ComposeInput, Loader, load};

    #[test]
    fn references_and_their_literal_fallbacks() {
        assert_eq!(
            referenced_names("postgres://$USER:${PW:-${DEFAULT_PW}}@db/$$HOME/${1}"),
            ["USER", "PW", "DEFAULT_PW"]
        );
        assert_eq!(
            literal_fallback("${PW:-changeme}").as_deref(),
            Some("changeme")
        );
        assert_eq!(literal_fallback("${PW-x}y").as_deref(), Some("xy"));
        assert_eq!(literal_fallback("${PW:-}").as_deref(), Some(""));
        assert_eq!(literal_fallback("${PW}"), None);
        assert_eq!(literal_fallback("${PW:?required}"), None);
        assert_eq!(literal_fallback("${PW:-$OTHER}"), None);
        assert_eq!(literal_fallback("plain"), None);
    }

    struct Files(HashMap<&'static str, &'static str>);

    impl Loader for Files {
        fn load(&self, path: &str) -> Option<Result<String, String>> {
            self.0.get(path).map(|text| Ok((*text).to_owned()))
        }
    }

    #[test]
    fn every_flagged_value_is_masked() {
        let compose = "services:
  api:
    image: x:1
    environment:
      POSTGRES_PASSWORD: changeme123
      REDIS_PASSWORD: ${REDIS_PASSWORD:-devpass42}
      DATABASE_URL: postgres://app:${DB_PW:-hunter2hunter2}@db/app
      CACHE_URL: redis://:s3cr3tpass@cache:6379/0
      LOG_LEVEL: debug
      TOKEN: ${PG}
";
        let loader = Files(HashMap::from([(".env", "PG=pgsecret99\nTAG=1.4\n")]));
        let environment = |_: &str| None;
        let project = load(ComposeInput {
            files: vec![SourceFile::new("compose.yaml", compose)],
            loader: &loader,
            environment: &environment,
        });
        let masked: Vec<&str> = container_redactions(&project)
            .into_iter()
            .map(|range| project.sources.text(range))
            .collect();
        assert_eq!(
            masked,
            [
                "pgsecret99",
                "1.4",
                "changeme123",
                "${REDIS_PASSWORD:-devpass42}",
                "postgres://app:${DB_PW:-hunter2hunter2}@db/app",
                "s3cr3tpass",
            ]
        );
    }
}
