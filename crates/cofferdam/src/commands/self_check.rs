//! `cofferdam self`: runs `cofferdam_audit::inside::examine` on this process (or a recorded
//! tree) and prints the verdicts and the facts behind them, for people or as JSON.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use cofferdam_audit::cgroup::{CpuQuota, CpuWeight, Limit, Reading};
use cofferdam_audit::inside::{
    self, Certainty, Containment, Environment, Report, Verdict, WriteProbe, bytes,
};
use serde_json::{Value, json};

use crate::exit::ExitStatus;

/// What `self` was asked for.
#[derive(Clone, Debug)]
pub(crate) struct SelfSettings {
    pub(crate) json: bool,
    pub(crate) probe: bool,
    /// A recorded tree to examine instead of this process.
    pub(crate) root: Option<PathBuf>,
}

pub(crate) fn self_check(settings: &SelfSettings, out: &mut dyn Write) -> Result<ExitStatus> {
    let env = if let Some(root) = &settings.root {
        if !root.join("proc").is_dir() {
            bail!(
                "{}: expected a recorded tree with a proc directory (DIR/proc as /proc)",
                root.display()
            );
        }
        Environment::recorded(root)
    } else {
        let mut env = Environment::live();
        env.probe = settings.probe;
        env
    };
    let report = inside::examine(&env);
    if settings.json {
        print_json(&report, out)?;
    } else {
        print_human(&report, out).context("cannot write to standard output")?;
    }
    Ok(if report.fails() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn summary(report: &Report) -> Value {
    let count = |verdict: Verdict| {
        report
            .practices
            .iter()
            .filter(|practice| practice.verdict == verdict)
            .count()
    };
    json!({
        "fail": count(Verdict::Fail),
        "warn": count(Verdict::Warn),
        "pass": count(Verdict::Pass),
        "unknown": count(Verdict::Unknown),
    })
}

fn print_json(report: &Report, out: &mut dyn Write) -> Result<()> {
    let mut value = json!({
        "tool": "cofferdam",
        "version": env!("CARGO_PKG_VERSION"),
    });
    let Value::Object(fields) = serde_json::to_value(report)? else {
        bail!("the report did not serialise to an object");
    };
    value.as_object_mut().expect("an object").extend(fields);
    value["summary"] = summary(report);
    writeln!(out, "{value}")?;
    Ok(())
}

fn label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "pass",
        Verdict::Warn => "WARN",
        Verdict::Fail => "FAIL",
        Verdict::Unknown => "?",
    }
}

fn print_human(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let container = &report.container;
    let runtime = container
        .runtime
        .as_deref()
        .map_or_else(String::new, |runtime| format!(" ({runtime})"));
    let heading = match container.verdict {
        Containment::Yes => format!("in a container{runtime}"),
        Containment::Probably => format!("probably in a container{runtime}"),
        Containment::ProbablyNot => "probably not in a container".to_owned(),
    };
    writeln!(
        out,
        "cofferdam self: {heading}: {}",
        container.evidence.join("; ")
    )?;
    if container.verdict == Containment::ProbablyNot {
        writeln!(
            out,
            "(the verdicts describe this process as if it were a container's)"
        )?;
    }
    writeln!(out)?;
    for practice in &report.practices {
        let mut reasons = practice.reasons.iter();
        writeln!(
            out,
            "  {:<4}  {:<12}  {}",
            label(practice.verdict),
            practice.category.as_str(),
            reasons.next().map_or("", String::as_str)
        )?;
        for reason in reasons {
            writeln!(out, "  {:<4}  {:<12}  {reason}", "", "")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "details")?;
    details(report, out)?;
    if !report.undetermined.is_empty() {
        writeln!(out)?;
        writeln!(out, "not determined")?;
        for item in &report.undetermined {
            writeln!(out, "  {item}")?;
        }
    }
    writeln!(out)?;
    let count = |verdict: Verdict| {
        report
            .practices
            .iter()
            .filter(|practice| practice.verdict == verdict)
            .count()
    };
    writeln!(
        out,
        "{} fail, {} warn, {} pass, {} unknown",
        count(Verdict::Fail),
        count(Verdict::Warn),
        count(Verdict::Pass),
        count(Verdict::Unknown)
    )
}

fn row(out: &mut dyn Write, name: &str, text: &str) -> std::io::Result<()> {
    writeln!(out, "  {name:<16}{text}")
}

fn names_or_none(list: &inside::CapList) -> String {
    if list.names.is_empty() {
        "(none)".to_owned()
    } else {
        inside::lower_names(list)
    }
}

fn details(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let user = &report.user;
    let ids = match (user.uids, user.gids) {
        (Some(uids), Some(gids)) => format!(
            "uid {} euid {} gid {} egid {}",
            uids[0], uids[1], gids[0], gids[1]
        ),
        _ => "unknown".to_owned(),
    };
    let namespace = match (user.user_namespace, &user.uid_map) {
        (Some(false), _) => "no user namespace".to_owned(),
        (Some(true), Some(map)) => {
            let ranges = map
                .ranges
                .iter()
                .map(|range| format!("{}→{} ({})", range.inside, range.outside, range.count))
                .collect::<Vec<_>>()
                .join(", ");
            format!("user namespace, uid map {ranges}")
        }
        (Some(true), None) => "user namespace".to_owned(),
        (None, _) => "user namespace unknown".to_owned(),
    };
    row(out, "ids", &format!("{ids}; {namespace}"))?;
    if let Some(caps) = &report.capabilities {
        row(out, "effective", &names_or_none(&caps.effective))?;
        let bounding = if caps.docker_default {
            "Docker's default set".to_owned()
        } else {
            names_or_none(&caps.bounding)
        };
        row(out, "bounding", &bounding)?;
        let dropped = &caps.dropped_from_docker_default;
        if dropped.len() == cofferdam_seccomp::caps::DOCKER_DEFAULTS.len() {
            row(out, "dropped", "all of Docker's defaults")?;
        } else if !dropped.is_empty() {
            row(out, "dropped", &dropped.join(", ").to_ascii_lowercase())?;
        }
        if !caps.beyond_docker_default.is_empty() {
            row(
                out,
                "beyond default",
                &caps.beyond_docker_default.join(", ").to_ascii_lowercase(),
            )?;
        }
    }
    if let Some(seccomp) = &report.seccomp {
        let filters = seccomp.filters.map_or_else(String::new, |count| {
            format!(", {count} filter{}", if count == 1 { "" } else { "s" })
        });
        let nnp = match report.no_new_privs {
            Some(true) => "1",
            Some(false) => "0",
            None => "unknown",
        };
        row(
            out,
            "seccomp",
            &format!("{}{filters}; no_new_privs {nnp}", seccomp.mode),
        )?;
    }
    let mac = match (&report.mac.lsm, &report.mac.label) {
        (Some(lsm), Some(label)) => format!("{lsm}: {label}"),
        (None, Some(label)) => label.clone(),
        _ => "no label".to_owned(),
    };
    row(out, "lsm", &mac)?;
    let root = &report.root_filesystem;
    let mode = match root.mount_read_only {
        Some(true) => "mounted ro",
        Some(false) => "mounted rw",
        None => "mount unknown",
    };
    let probe = match root.probe {
        WriteProbe::Writable => "write succeeded",
        WriteProbe::ReadOnly => "write refused: read-only",
        WriteProbe::PermissionDenied => "write refused: permission denied",
        WriteProbe::NotProbed => "not probed",
        WriteProbe::Failed => "probe failed",
    };
    let detail = root
        .probe_detail
        .as_deref()
        .map_or_else(String::new, |detail| format!(" ({detail})"));
    row(
        out,
        "root fs",
        &format!(
            "{}, {mode}; {probe}{detail}",
            root.fs_type.as_deref().unwrap_or("unknown type")
        ),
    )?;
    for socket in &report.sockets {
        let state = match socket.connectable {
            Some(true) => "accepts connections".to_owned(),
            Some(false) => format!(
                "connect failed: {}",
                socket.error.as_deref().unwrap_or("unknown")
            ),
            None => "not probed".to_owned(),
        };
        row(
            out,
            "socket",
            &format!(
                "{} {} (found by {}; {state})",
                socket.runtime, socket.path, socket.found_by
            ),
        )?;
    }
    for mount in &report.host_mounts {
        let grade = mount.severity.map_or_else(
            || "not sensitive".to_owned(),
            |severity| severity.to_string(),
        );
        row(
            out,
            "host mount",
            &format!(
                "{} at {} ({}, {}, {grade})",
                mount.host_path,
                mount.mount_point,
                mount.fs_type,
                if mount.read_only { "ro" } else { "rw" }
            ),
        )?;
    }
    let devices = &report.devices.extra;
    if !devices.is_empty() {
        let blocks = devices
            .iter()
            .filter(|device| device.kind == "block")
            .count();
        row(
            out,
            "devices",
            &format!(
                "{} beyond the default set ({blocks} block devices; --format json lists them)",
                devices.len()
            ),
        )?;
    }
    let limits = &report.cgroup.limits;
    let layout = report.cgroup.layout.map_or("none", |layout| match layout {
        cofferdam_audit::cgroup::Layout::V1 => "v1",
        cofferdam_audit::cgroup::Layout::V2 => "v2",
        cofferdam_audit::cgroup::Layout::Hybrid => "hybrid",
    });
    let amount = |reading: &Reading<Limit>, show: fn(u64) -> String| match reading {
        Reading::Known {
            value: Limit::Max(value),
            ..
        } => show(*value),
        Reading::Known { .. } => "unlimited".to_owned(),
        Reading::Unknown { .. } => "unknown".to_owned(),
    };
    let cpus = match &limits.cpu_quota {
        Reading::Known {
            value: quota @ CpuQuota::Quota { .. },
            ..
        } => quota.cpus().unwrap_or_default().to_string(),
        Reading::Known { .. } => "unlimited".to_owned(),
        Reading::Unknown { .. } => "unknown".to_owned(),
    };
    let weight = match &limits.cpu_weight {
        Reading::Known {
            value: CpuWeight::Shares(shares),
            ..
        } => format!(", shares {shares}"),
        Reading::Known {
            value: CpuWeight::Weight(weight),
            ..
        } => format!(", weight {weight}"),
        Reading::Unknown { .. } => String::new(),
    };
    row(
        out,
        "cgroup",
        &format!(
            "{layout}; memory {}, memory+swap {}, cpus {cpus}{weight}, pids {}",
            amount(&limits.memory, bytes),
            amount(&limits.memory_and_swap, bytes),
            amount(&limits.pids, |value| value.to_string()),
        ),
    )?;
    for fact in &report.namespaces {
        let whose = match fact.host {
            Some(true) => "host's",
            Some(false) => "own",
            None => "unknown",
        };
        let sure = match fact.certainty {
            Certainty::Likely => ", likely",
            Certainty::Certain | Certainty::Unknown => "",
        };
        row(
            out,
            &format!("{} ns", fact.kind),
            &format!("{whose}{sure}: {}", fact.evidence),
        )?;
    }
    Ok(())
}
