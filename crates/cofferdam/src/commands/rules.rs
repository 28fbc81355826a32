//! `cofferdam rules` (every rule at a glance) and `cofferdam rule <key>` (one rule's
//! documentation).

use std::io::Write;

use anyhow::{Result, bail};
use cofferdam_diagnostics::RuleMeta;
use cofferdam_linter::rules::{RULES, find_rule};

use crate::exit::ExitStatus;
use crate::printer;
use crate::resolve::RulesOutput;
use crate::suggest;

pub(crate) fn list(output: RulesOutput, out: &mut dyn Write) -> Result<ExitStatus> {
    let rules: Vec<&RuleMeta> = RULES.iter().map(|rule| rule.meta).collect();
    match output {
        RulesOutput::Table => printer::rules::table(&rules, out)?,
        RulesOutput::Json => printer::rules::json(&rules, out)?,
    }
    Ok(ExitStatus::Success)
}

pub(crate) fn show(key: &str, out: &mut dyn Write) -> Result<ExitStatus> {
    let key = key.trim();
    // A code or name names one rule; a peer alias may stand for several (Trivy's DS-0001
    // covers both an untagged and a `latest` base image), and then all of them are shown.
    let rules: Vec<&RuleMeta> = match find_rule(key) {
        Some(rule) => vec![rule.meta],
        None => RULES
            .iter()
            .map(|rule| rule.meta)
            .filter(|meta| meta.matches(key))
            .collect(),
    };
    if rules.is_empty() {
        let candidates = RULES
            .iter()
            .flat_map(|rule| [rule.meta.code, rule.meta.name])
            .chain(
                RULES
                    .iter()
                    .flat_map(|rule| rule.meta.aliases.iter().map(|alias| alias.id)),
            );
        let hint = suggest::did_you_mean(key, candidates);
        bail!("unknown rule `{key}`{hint} (`cofferdam rules` lists every rule)");
    }
    printer::rules::documentation(&rules, out)?;
    Ok(ExitStatus::Success)
}
