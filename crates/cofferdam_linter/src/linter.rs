//! [`lint_dockerfile`]: parse, build the model, run every enabled Dockerfile rule.

use cofferdam_diagnostics::{Diagnostic, SourceFile, TextRange};

use crate::Settings;
use crate::model::DockerfileModel;
use crate::rules::{Check, DockerfileContext, RULES, RunScript};
use crate::syntax::dockerfile::{self, SyntaxError};

/// Everything linting one file produced.
#[derive(Debug, Default)]
pub struct LintResult {
    /// Findings of enabled rules, sorted by position then rule code.
    pub diagnostics: Vec<Diagnostic>,
    /// Syntax errors; the rules still ran on what could be parsed.
    pub errors: Vec<SyntaxError>,
    /// Byte ranges holding secret values. Printers must mask these wherever they show source
    /// text, whether or not a secrets rule is enabled.
    pub redactions: Vec<TextRange>,
}

/// Lints one Dockerfile.
pub fn lint_dockerfile(source: &SourceFile, settings: &Settings) -> LintResult {
    let file = dockerfile::parse(source.text());
    let model = DockerfileModel::new(&file);
    let scripts = RunScript::collect(&model);
    let context = DockerfileContext {
        text: source.text(),
        file: &file,
        model: &model,
        scripts: &scripts,
    };
    let mut diagnostics = Vec::new();
    for rule in RULES {
        if !settings.is_enabled(rule.meta) {
            continue;
        }
        let start = diagnostics.len();
        match rule.check {
            Check::Dockerfile(check) => check(&context, &mut diagnostics),
        }
        if let Some(severity) = settings.severity_override(rule.meta) {
            for diagnostic in &mut diagnostics[start..] {
                diagnostic.severity = severity;
            }
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.range.start(), a.range.end(), a.rule.code).cmp(&(
            b.range.start(),
            b.range.end(),
            b.rule.code,
        ))
    });
    let redactions = crate::rules::secrets::secret_value_ranges(&context);
    LintResult {
        diagnostics,
        errors: file.errors.clone(),
        redactions,
    }
}
