//! Printers: the only code that writes to stdout. Each turns a [`Report`] (or rule metadata)
//! into one output format; none of them decides anything about exit statuses or selection.
//!
//! Every printer masks secret values: source lines through [`crate::mask::MaskedWindow`], free
//! text through [`crate::mask::scrub`].

mod artifact;
mod concise;
mod github;
pub(crate) mod html;
mod human;
mod json;
mod junit;
mod markdown;
pub(crate) mod network_svg;
pub(crate) mod rules;
mod sarif;

use std::io::{self, Write};

use cofferdam_diagnostics::RuleMeta;

use crate::report::Report;
use crate::resolve::{CheckSettings, OutputFormat};

pub(crate) fn print_report(
    report: &Report,
    settings: &CheckSettings,
    out: &mut dyn Write,
) -> io::Result<()> {
    match settings.format {
        OutputFormat::Human => human::print(report, settings, out),
        OutputFormat::Concise => concise::print(report, settings, out),
        OutputFormat::Json => json::print(report, out),
        OutputFormat::Sarif => sarif::print(report, out),
        OutputFormat::Junit => junit::print(report, settings, out),
        OutputFormat::Github => github::print(report, settings, out),
        OutputFormat::Markdown => markdown::print(report, out),
    }
}

/// The per-container block of `audit`'s human and concise output: each container, where its
/// settings come from (the compose project, service and file), what /proc shows it really has,
/// and its findings by severity.
pub(crate) fn write_containers(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.containers.is_empty() {
        return Ok(());
    }
    writeln!(out, "containers:")?;
    for container in &report.containers {
        let counts: Vec<String> = cofferdam_diagnostics::Severity::ALL
            .iter()
            .filter_map(|severity| {
                let count = report
                    .findings
                    .iter()
                    .filter(|finding| {
                        finding.diagnostic.severity == *severity
                            && finding.diagnostic.service.as_deref() == Some(&container.name)
                            && report.path(finding) == container.path
                    })
                    .count();
                (count > 0).then(|| format!("{count} {severity}"))
            })
            .collect();
        let findings = if counts.is_empty() {
            "no findings".to_owned()
        } else {
            counts.join(", ")
        };
        write!(out, "  {} ({}): {findings}", container.name, container.id)?;
        if let (Some(project), Some(service)) =
            (&container.compose_project, &container.compose_service)
        {
            write!(out, "; compose project {project}, service {service}")?;
            if !container.compose_files.is_empty() {
                write!(out, " in {}", container.compose_files.join(", "))?;
            }
        }
        if let Some(effective) = &container.effective {
            let caps = match effective.capabilities.len() {
                0 => "no capabilities".to_owned(),
                1 => format!("1 capability ({})", effective.capabilities[0]),
                count => format!("{count} capabilities"),
            };
            let seccomp = match effective.seccomp_mode {
                0 => "no seccomp".to_owned(),
                1 => "strict seccomp".to_owned(),
                _ => plural(effective.seccomp_filters as usize, "seccomp filter"),
            };
            let uid = if effective.user_namespace {
                format!(
                    "{} ({} on the host)",
                    effective.uid_in_container, effective.uid
                )
            } else {
                effective.uid.to_string()
            };
            write!(
                out,
                "; running as uid {uid} with {caps}, no_new_privs {}, {seccomp}",
                u8::from(effective.no_new_privs)
            )?;
            if let Some(files) = effective.open_files {
                match files.soft {
                    Some(soft) => write!(out, ", {soft} open files")?,
                    None => write!(out, ", unlimited open files")?,
                }
            }
            if let Some(limits) = &effective.limits {
                write!(out, ", {}", describe_limits(limits))?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `memory 64 MiB, 0.5 CPUs, 64 pids` as the cgroup files say; `unlimited` where nothing binds,
/// `?` where the files could not be read.
fn describe_limits(limits: &cofferdam_audit::cgroup::Limits) -> String {
    use cofferdam_audit::cgroup::{Limit, Reading};
    let amount = |reading: &Reading<Limit>, unit: &dyn Fn(u64) -> String| match reading {
        Reading::Known {
            value: Limit::Max(value),
            ..
        } => unit(*value),
        Reading::Known {
            value: Limit::Unlimited,
            ..
        } => "unlimited".to_owned(),
        Reading::Unknown { .. } => "?".to_owned(),
    };
    let memory = amount(&limits.memory, &|bytes| {
        if bytes % (1 << 20) == 0 {
            format!("{} MiB", bytes >> 20)
        } else {
            format!("{bytes} bytes")
        }
    });
    let pids = amount(&limits.pids, &|count| count.to_string());
    let cpus = match limits.cpu_quota.value() {
        Some(quota) => quota
            .cpus()
            .map_or_else(|| "unlimited".to_owned(), |cpus| format!("{cpus}")),
        None => "?".to_owned(),
    };
    format!("memory {memory}, CPUs {cpus}, pids {pids}")
}

/// The first paragraph under "Why is this bad?", on one line.
pub(crate) fn why(meta: &RuleMeta) -> String {
    meta.first_paragraph("Why is this bad?")
}

/// Greedy word wrap; long prose notes stay readable in an 80-100 column terminal, and the
/// renderer indents continuation lines under the note's first word.
pub(crate) fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line_len > 0 && line_len + 1 + len > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += len;
    }
    out
}

/// "1 finding", "2 findings".
pub(crate) fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The one-line summary shared by the human and concise formats, e.g.
/// "3 findings (1 high, 2 low) and 1 error in 2 files checked".
pub(crate) fn summary_line(report: &Report) -> String {
    let files = plural(report.files_checked(), "file");
    let errors = report.errors.len();
    let findings = if report.findings.is_empty() {
        "no findings".to_owned()
    } else {
        let counts: Vec<String> = report
            .counts()
            .iter()
            .filter(|(_, count)| *count > 0)
            .map(|(severity, count)| format!("{count} {severity}"))
            .collect();
        format!(
            "{} ({})",
            plural(report.findings.len(), "finding"),
            counts.join(", ")
        )
    };
    let suppressed = if report.suppressed == 0 {
        String::new()
    } else {
        format!(" ({} suppressed inline)", report.suppressed)
    };
    if errors == 0 {
        format!("{findings} in {files} checked{suppressed}")
    } else {
        format!(
            "{findings} and {} in {files} checked{suppressed}",
            plural(errors, "error")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_on_word_boundaries() {
        assert_eq!(wrap("aa bb cc dd", 5), "aa bb\ncc dd");
        assert_eq!(wrap("  one   two ", 80), "one two");
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            "averyveryverylongword\nx"
        );
    }
}
