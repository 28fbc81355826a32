//! [`lint_host`]: the `daemon` rules over one host's facts, with results per source (the
//! daemon.json, dockerd's command line, `docker info`, each file's `ls -l` line, `/etc/group`).

use cofferdam_diagnostics::SourceFile;

use crate::LintResult;
use crate::Settings;
use crate::model::host::HostFacts;
use crate::rules::daemon::HostContext;
use crate::rules::{Check, RULES};
use crate::syntax::dockerfile::SyntaxError;

/// Runs every enabled host rule. Returns one result per source that has something to report,
/// ranges local to each.
pub fn lint_host(facts: &HostFacts, settings: &Settings) -> Vec<(SourceFile, LintResult)> {
    let context = HostContext { facts, settings };
    let mut diagnostics = Vec::new();
    for rule in RULES.iter() {
        let Check::Host(check) = rule.check else {
            continue;
        };
        if !settings.is_enabled(rule.meta) {
            continue;
        }
        let start = diagnostics.len();
        check(&context, &mut diagnostics);
        if let Some(severity) = settings.severity_override(rule.meta) {
            for diagnostic in &mut diagnostics[start..] {
                diagnostic.severity = severity;
            }
        }
    }
    let files: Vec<SourceFile> = facts.sources.files().cloned().collect();
    let mut results: Vec<LintResult> = files.iter().map(|_| LintResult::default()).collect();
    for mut diagnostic in diagnostics {
        let Some((file, range)) = facts.sources.local(diagnostic.range) else {
            continue;
        };
        diagnostic.range = range;
        results[file].diagnostics.push(diagnostic);
    }
    for error in &facts.errors {
        if let Some((file, range)) = facts.sources.local(error.range) {
            results[file].errors.push(SyntaxError {
                range,
                message: error.message.clone(),
            });
        }
    }
    files
        .into_iter()
        .zip(results)
        .filter(|(_, result)| !result.diagnostics.is_empty() || !result.errors.is_empty())
        .map(|(file, mut result)| {
            result.diagnostics.sort_by(|a, b| {
                (a.range.start(), a.range.end(), a.rule.code).cmp(&(
                    b.range.start(),
                    b.range.end(),
                    b.rule.code,
                ))
            });
            (file, result)
        })
        .collect()
}
