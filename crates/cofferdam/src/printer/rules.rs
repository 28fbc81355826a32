//! Printers for `cofferdam rules` (a table or JSON) and `cofferdam rule <key>` (documentation).

use std::io::{self, Write};

use cofferdam_diagnostics::{FixAvailability, RuleMeta};
use serde::Serialize;

const HEADERS: [&str; 7] = [
    "CODE", "NAME", "CATEGORY", "SEVERITY", "DEFAULT", "FIX", "ALIASES",
];

fn fix_word(fix: FixAvailability) -> &'static str {
    fix.as_str()
}

fn enabled_word(meta: &RuleMeta) -> &'static str {
    if meta.default_enabled { "on" } else { "off" }
}

fn aliases(meta: &RuleMeta) -> Vec<String> {
    meta.aliases.iter().map(ToString::to_string).collect()
}

/// An aligned plain-text table; the last column is not padded.
pub(crate) fn table(rules: &[&RuleMeta], out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<[String; 7]> = rules
        .iter()
        .map(|meta| {
            [
                meta.code.to_owned(),
                meta.name.to_owned(),
                meta.category.as_str().to_owned(),
                meta.severity.as_str().to_owned(),
                enabled_word(meta).to_owned(),
                fix_word(meta.fix).to_owned(),
                aliases(meta).join(", "),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header = HEADERS.map(str::to_owned);
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonRules<'a> {
    tool: &'static str,
    version: &'static str,
    rules: Vec<JsonRule<'a>>,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    code: &'a str,
    name: &'a str,
    category: &'a str,
    severity: &'a str,
    default_enabled: bool,
    fix: &'static str,
    inputs: Vec<&'static str>,
    aliases: Vec<String>,
    summary: String,
}

pub(crate) fn json(rules: &[&RuleMeta], out: &mut dyn Write) -> io::Result<()> {
    let output = JsonRules {
        tool: "cofferdam",
        version: env!("CARGO_PKG_VERSION"),
        rules: rules
            .iter()
            .map(|meta| JsonRule {
                code: meta.code,
                name: meta.name,
                category: meta.category.as_str(),
                severity: meta.severity.as_str(),
                default_enabled: meta.default_enabled,
                fix: fix_word(meta.fix),
                inputs: meta.inputs.iter().map(|input| input.as_str()).collect(),
                aliases: aliases(meta),
                summary: meta.summary(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &output).map_err(io::Error::from)?;
    writeln!(out)
}

/// A header per rule, then its Markdown documentation as written.
pub(crate) fn documentation(rules: &[&RuleMeta], out: &mut dyn Write) -> io::Result<()> {
    for (index, meta) in rules.iter().enumerate() {
        if index > 0 {
            writeln!(out, "\n---\n")?;
        }
        writeln!(out, "# {} ({})\n", meta.name, meta.code)?;
        writeln!(out, "- category: {}", meta.category)?;
        writeln!(out, "- default severity: {}", meta.severity)?;
        writeln!(
            out,
            "- enabled by default: {}",
            if meta.default_enabled { "yes" } else { "no" }
        )?;
        writeln!(out, "- fix: {}", fix_word(meta.fix))?;
        let aliases = aliases(meta);
        if !aliases.is_empty() {
            writeln!(out, "- aliases: {}", aliases.join(", "))?;
        }
        writeln!(out)?;
        write!(out, "{}", meta.documentation().trim_end())?;
        writeln!(out)?;
    }
    Ok(())
}
