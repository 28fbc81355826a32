//! `cofferdam seccomp default|lint|diff`: Docker's default seccomp profile resolved for one
//! container, custom profiles checked, and two profiles compared.

use std::io::Write;

use anyhow::{Result, bail};
use cofferdam_seccomp::caps::CapSet;
use cofferdam_seccomp::lint::{DANGEROUS, lint};
use cofferdam_seccomp::profile::Profile;
use cofferdam_seccomp::resolve::{Arch, Kernel, Verdict, resolve, resolved_profile};
use serde_json::json;

use crate::exit::ExitStatus;

/// What `seccomp default` runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DefaultSettings {
    pub(crate) arch: String,
    pub(crate) cap_add: Vec<String>,
    pub(crate) cap_drop: Vec<String>,
    pub(crate) kernel: String,
    pub(crate) blocked: bool,
    pub(crate) json: bool,
}

/// Docker's defaults with `--cap-drop` then `--cap-add` applied, as the engine applies them.
pub(crate) fn capabilities(cap_add: &[String], cap_drop: &[String]) -> Result<CapSet> {
    let mut set = CapSet::docker_defaults();
    let is_all = |name: &String| name.trim().eq_ignore_ascii_case("all");
    if cap_drop.iter().any(is_all) {
        set = CapSet::default();
    }
    for name in cap_drop.iter().filter(|name| !is_all(name)) {
        let Ok(dropped) = CapSet::from_names([name.as_str()]) else {
            bail!("unknown capability `{name}` in --cap-drop");
        };
        set.0 &= !dropped.0;
    }
    if cap_add.iter().any(is_all) {
        set = CapSet::all();
    }
    for name in cap_add.iter().filter(|name| !is_all(name)) {
        let Ok(added) = CapSet::from_names([name.as_str()]) else {
            bail!("unknown capability `{name}` in --cap-add");
        };
        set.0 |= added.0;
    }
    Ok(set)
}

pub(crate) fn default(settings: &DefaultSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    let Some(arch) = Arch::parse(&settings.arch) else {
        bail!(
            "unknown architecture `{}`: expected x86_64 (amd64) or aarch64 (arm64)",
            settings.arch
        );
    };
    let Some(kernel) = Kernel::parse(&settings.kernel) else {
        bail!(
            "expected a kernel version such as `6.1`, found `{}`",
            settings.kernel
        );
    };
    let caps = capabilities(&settings.cap_add, &settings.cap_drop)?;
    let profile = Profile::docker_default();
    if !settings.blocked {
        let resolved = resolved_profile(&profile, arch, caps, kernel);
        serde_json::to_writer_pretty(&mut *out, &resolved)?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    let blocked = resolve(&profile, arch, caps, kernel).blocked();
    if settings.json {
        let entries: Vec<_> = blocked
            .iter()
            .map(|(name, verdict)| match verdict {
                Verdict::ArgumentFilter => json!({"name": name, "verdict": "argument-filter"}),
                Verdict::Denied(errno) => {
                    json!({"name": name, "verdict": "denied", "errno": errno})
                }
                Verdict::Allowed => json!({"name": name, "verdict": "allowed"}),
            })
            .collect();
        let value = json!({
            "arch": arch.name(),
            "kernel": format!("{}.{}", kernel.0, kernel.1),
            "capabilities": caps.names(),
            "blocked": entries,
        });
        writeln!(out, "{value}")?;
        return Ok(ExitStatus::Success);
    }
    for (name, verdict) in blocked {
        match verdict {
            Verdict::ArgumentFilter => writeln!(out, "{name} (argument filter)")?,
            Verdict::Denied(38) => writeln!(out, "{name} (ENOSYS)")?,
            _ => writeln!(out, "{name}")?,
        }
    }
    Ok(ExitStatus::Success)
}

/// `seccomp lint`: one line per finding, `path:line:col: severity message`.
pub(crate) fn lint_files(paths: &[std::path::PathBuf], out: &mut dyn Write) -> Result<ExitStatus> {
    let mut status = ExitStatus::Success;
    let mut total = 0;
    for path in paths {
        let name = path.display();
        let text = match crate::loader::read_file(path) {
            Ok(source) => source.text().to_owned(),
            Err(error) => {
                eprintln!("cofferdam: error: {name}: {}", error.message);
                status = ExitStatus::Error;
                continue;
            }
        };
        for finding in lint(&text) {
            total += 1;
            writeln!(
                out,
                "{name}:{}:{}: {} {}",
                finding.line, finding.column, finding.severity, finding.message
            )?;
            if finding.severity == "error" {
                status = ExitStatus::Error;
            } else if status == ExitStatus::Success {
                status = ExitStatus::Failure;
            }
        }
    }
    eprintln!(
        "{total} finding{} in {} profile{}",
        if total == 1 { "" } else { "s" },
        paths.len(),
        if paths.len() == 1 { "" } else { "s" }
    );
    Ok(status)
}

/// What `seccomp diff` runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DiffSettings {
    pub(crate) a: String,
    pub(crate) b: String,
    pub(crate) arch: String,
    pub(crate) cap_add: Vec<String>,
    pub(crate) cap_drop: Vec<String>,
    pub(crate) kernel: String,
    pub(crate) json: bool,
}

fn load_profile(which: &str) -> Result<Profile> {
    if which == "default" {
        return Ok(Profile::docker_default());
    }
    let source = crate::loader::read_file(std::path::Path::new(which))
        .map_err(|error| anyhow::anyhow!("{which}: {}", error.message))?;
    Profile::parse(source.text()).map_err(|error| anyhow::anyhow!("{which}:{error}"))
}

pub(crate) fn diff(settings: &DiffSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    let Some(arch) = Arch::parse(&settings.arch) else {
        bail!(
            "unknown architecture `{}`: expected x86_64 (amd64) or aarch64 (arm64)",
            settings.arch
        );
    };
    let Some(kernel) = Kernel::parse(&settings.kernel) else {
        bail!(
            "expected a kernel version such as `6.1`, found `{}`",
            settings.kernel
        );
    };
    let caps = capabilities(&settings.cap_add, &settings.cap_drop)?;
    let a = resolve(&load_profile(&settings.a)?, arch, caps, kernel);
    let b = resolve(&load_profile(&settings.b)?, arch, caps, kernel);
    let allowed = |resolution: &cofferdam_seccomp::resolve::Resolution, name: &str| {
        resolution.verdicts.get(name) == Some(&Verdict::Allowed)
    };
    let added: Vec<&str> = b
        .allowed()
        .into_iter()
        .filter(|name| !allowed(&a, name))
        .collect();
    let removed: Vec<&str> = a
        .allowed()
        .into_iter()
        .filter(|name| !allowed(&b, name))
        .collect();
    let risk = |name: &str| {
        DANGEROUS
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, why)| *why)
    };
    if settings.json {
        let entry = |name: &&str| json!({"name": name, "risk": risk(name)});
        let value = json!({
            "added": added.iter().map(entry).collect::<Vec<_>>(),
            "removed": removed.iter().map(entry).collect::<Vec<_>>(),
        });
        writeln!(out, "{value}")?;
    } else {
        for name in &added {
            match risk(name) {
                Some(why) => writeln!(out, "+ {name}  (risk: {why})")?,
                None => writeln!(out, "+ {name}")?,
            }
        }
        for name in &removed {
            writeln!(out, "- {name}")?;
        }
        eprintln!(
            "{} allowed only by {}, {} only by {}",
            added.len(),
            settings.b,
            removed.len(),
            settings.a
        );
    }
    Ok(ExitStatus::Success)
}
