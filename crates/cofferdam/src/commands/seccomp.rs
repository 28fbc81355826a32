//! `cofferdam seccomp default`: Docker's default seccomp profile resolved for one container.

use std::io::Write;

use anyhow::{Result, bail};
use cofferdam_seccomp::caps::CapSet;
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
