//! Baselines: the findings a repository already has, recorded once, so that CI fails only on
//! new ones while the old ones are worked off.
//!
//! A finding is recognised by its fingerprint: the rule, the file, the text of the line it
//! starts on (whitespace-normalised, hashed) and its rank among findings with the same three, so
//! inserting or removing lines above it does not make it new, and two identical findings on
//! identical lines stay two. The file stores each fingerprint with the rule, path and line for
//! people reading it; it never stores source text, so no secret can end up in it.
//!
//! `check --baseline FILE` reads FILE when it exists and drops the findings it lists; when it
//! does not exist, it is written with every current finding (and the run passes).
//! `--update-baseline` rewrites it from the current findings. Entries that no longer match a
//! finding are counted as fixed.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::report::{Finding, Report};

/// The baseline file format.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Baseline {
    /// Format version; 1.
    pub(crate) version: u32,
    pub(crate) findings: Vec<Entry>,
}

/// One known finding.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    pub(crate) fingerprint: String,
    pub(crate) rule: String,
    pub(crate) path: String,
    /// Where it was when recorded; for people, not for matching.
    pub(crate) line: u32,
}

/// 64-bit FNV-1a: small, stable across versions and platforms (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The fingerprint of every finding of a report, in the report's order.
pub(crate) fn fingerprints(report: &Report) -> Vec<String> {
    let mut seen: HashMap<(String, &str, String), u32> = HashMap::new();
    report
        .findings
        .iter()
        .map(|finding| {
            let source = &report.files[finding.file].source;
            let line = source
                .text()
                .lines()
                .nth(finding.start.line.saturating_sub(1) as usize)
                .unwrap_or_default();
            let normalised: Vec<&str> = line.split_whitespace().collect();
            let line_hash = format!("{:016x}", fnv1a(normalised.join(" ").as_bytes()));
            let key = (
                report.path(finding).to_owned(),
                finding.diagnostic.rule.code,
                line_hash.clone(),
            );
            let rank = seen.entry(key).or_insert(0);
            *rank += 1;
            let identity = format!(
                "{}\0{}\0{line_hash}\0{rank}",
                finding.diagnostic.rule.code,
                report.path(finding)
            );
            format!("{:016x}", fnv1a(identity.as_bytes()))
        })
        .collect()
}

fn entries(report: &Report, prints: &[String]) -> Vec<Entry> {
    report
        .findings
        .iter()
        .zip(prints)
        .map(|(finding, fingerprint): (&Finding, &String)| Entry {
            fingerprint: fingerprint.clone(),
            rule: finding.diagnostic.rule.code.to_owned(),
            path: report.path(finding).to_owned(),
            line: finding.start.line,
        })
        .collect()
}

/// What applying a baseline did.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Applied {
    /// Findings dropped because the baseline knows them.
    pub(crate) known: usize,
    /// Baseline entries no current finding matches: fixed since.
    pub(crate) fixed: usize,
    /// The file was (re)written with this many findings.
    pub(crate) written: Option<usize>,
}

/// Reads or writes the baseline at `path` and drops the known findings from `report`.
pub(crate) fn apply(report: &mut Report, path: &Path, update: bool) -> Result<Applied> {
    let prints = fingerprints(report);
    if update || !path.exists() {
        let baseline = Baseline {
            version: 1,
            findings: entries(report, &prints),
        };
        let mut json = serde_json::to_string_pretty(&baseline)?;
        json.push('\n');
        crate::loader::write_atomically(path, json.as_bytes())
            .with_context(|| format!("cannot write the baseline {}", path.display()))?;
        let written = report.findings.len();
        report.findings.clear();
        return Ok(Applied {
            known: written,
            fixed: 0,
            written: Some(written),
        });
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the baseline {}", path.display()))?;
    let baseline: Baseline = serde_json::from_str(&text).map_err(|error| {
        anyhow::anyhow!(
            "{}:{}:{}: not a cofferdam baseline: {error}",
            path.display(),
            error.line(),
            error.column()
        )
    })?;
    let mut known: HashMap<&str, usize> = HashMap::new();
    for entry in &baseline.findings {
        *known.entry(entry.fingerprint.as_str()).or_insert(0) += 1;
    }
    let mut kept = Vec::with_capacity(report.findings.len());
    let mut dropped = 0;
    for (finding, print) in std::mem::take(&mut report.findings)
        .into_iter()
        .zip(&prints)
    {
        match known.get_mut(print.as_str()) {
            Some(count) if *count > 0 => {
                *count -= 1;
                dropped += 1;
            }
            _ => kept.push(finding),
        }
    }
    report.findings = kept;
    Ok(Applied {
        known: dropped,
        fixed: known.values().sum(),
        written: None,
    })
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // From the FNV reference test suite.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
