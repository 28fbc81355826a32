//! `cofferdam seccomp record` and `cofferdam seccomp test`: run a program to write the profile
//! it needs, and run a program under a profile with the syscalls it would deny reported.
//!
//! The tracing is done by `cofferdam_seccomp` (`trace`, `record`, `supervise`, `filter`); this
//! module reads and writes profile files, resolves the host (architecture, kernel release) and
//! the container's capabilities, and prints the summaries on stderr. Both commands end with the
//! traced command's exit status rather than cofferdam's 0/1/2 (see `exit`), because they stand in
//! for the command in scripts; `test` uses 3 to say that something would be denied.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use cofferdam_seccomp::caps::CapSet;
use cofferdam_seccomp::filter::{self, Abi, Mode, Target};
use cofferdam_seccomp::needs::CapabilityNeeds;
use cofferdam_seccomp::profile::Profile;
use cofferdam_seccomp::record::{self, Recording};
use cofferdam_seccomp::resolve::{Arch, Kernel};
use cofferdam_seccomp::supervise;
use cofferdam_seccomp::trace::Command;

/// The exit status of `seccomp test` when the profile would deny something.
pub(crate) const WOULD_DENY: i32 = 3;

/// What `seccomp record` runs with.
#[derive(Clone, Debug)]
pub(crate) struct RecordSettings {
    pub(crate) output: Option<PathBuf>,
    pub(crate) merge: bool,
    pub(crate) one_cpu: bool,
    /// Add the syscalls runc needs to start a container under the profile.
    pub(crate) runtime: bool,
    pub(crate) command: Vec<OsString>,
}

/// What `seccomp test` runs with.
#[derive(Clone, Debug)]
pub(crate) struct TestSettings {
    pub(crate) profile: PathBuf,
    pub(crate) enforce: bool,
    pub(crate) cap_add: Vec<String>,
    pub(crate) cap_drop: Vec<String>,
    pub(crate) command: Vec<OsString>,
}

fn read_profile(path: &Path) -> Result<Profile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the profile {}", path.display()))?;
    Profile::parse(&text).map_err(|error| anyhow!("{}:{error}", path.display()))
}

fn host() -> Result<Arch> {
    Arch::native().ok_or_else(|| {
        anyhow!(
            "tracing needs an x86_64 or aarch64 host, not {}",
            std::env::consts::ARCH
        )
    })
}

/// Runs the command, writes the profile, and returns the command's exit status.
pub(crate) fn record(
    settings: &RecordSettings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32> {
    let arch = host()?;
    let existing = match &settings.output {
        Some(path) if settings.merge && path.exists() => Some(read_profile(path)?),
        _ => None,
    };
    let mut command = Command::new(&settings.command)?;
    command.one_cpu = settings.one_cpu;
    let recording = record::record(&command)?;
    let profile = match existing {
        Some(existing) => record::merge(existing, &recording),
        None => record::profile(&recording),
    };
    let profile = if settings.runtime {
        record::with_runtime(profile, arch)
    } else {
        record::without_runtime(profile)
    };
    let mut json = serde_json::to_string_pretty(&profile).context("cannot write the profile")?;
    json.push('\n');
    match &settings.output {
        Some(path) => crate::loader::write_atomically(path, json.as_bytes())
            .with_context(|| format!("cannot write the profile to {}", path.display()))?,
        None => out
            .write_all(json.as_bytes())
            .context("cannot write to standard output")?,
    }
    writeln!(err, "cofferdam: {}", describe(&recording, settings))?;
    write_capabilities(&recording.capabilities, err)?;
    for (arch, nr) in &recording.unknown {
        writeln!(
            err,
            "cofferdam: warning: syscall {nr} (arch {arch:#x}) has no name in cofferdam's tables \
             and is not in the profile"
        )?;
    }
    Ok(recording.exit_code)
}

fn describe(recording: &Recording, settings: &RecordSettings) -> String {
    let per_abi: Vec<String> = recording
        .syscalls
        .iter()
        .map(|(abi, names)| format!("{} {abi}", names.len()))
        .collect();
    let tasks = tasks(recording.tasks);
    let target = match (&settings.output, settings.merge) {
        (Some(path), true) => format!("merged into {}", path.display()),
        (Some(path), false) => format!("written to {}", path.display()),
        (None, _) => "written to stdout".to_owned(),
    };
    let target = if settings.runtime {
        format!("{target}, with what runc needs to start it (--runtime none leaves that out)")
    } else {
        target
    };
    format!(
        "recorded {} syscalls ({}) in {} calls from {tasks}; profile {target}",
        recording.names().len(),
        if per_abi.is_empty() {
            "none".to_owned()
        } else {
            per_abi.join(", ")
        },
        recording.calls,
    )
}

/// The suggested capability settings and the calls behind each capability.
fn write_capabilities(needs: &CapabilityNeeds, err: &mut dyn Write) -> Result<()> {
    let add = needs.cap_add();
    let run_flags: String = std::iter::once(" --cap-drop ALL".to_owned())
        .chain(add.iter().map(|name| format!(" --cap-add {name}")))
        .collect();
    if add.is_empty() {
        writeln!(
            err,
            "cofferdam: capabilities: no recorded call needs one: cap_drop: [ALL] \
             (docker run{run_flags})"
        )?;
        return Ok(());
    }
    writeln!(
        err,
        "cofferdam: capabilities: cap_drop: [ALL] and cap_add: [{}] (docker run{run_flags})",
        add.join(", ")
    )?;
    let defaults = CapSet::docker_defaults();
    for (capability, need) in &needs.needs {
        let calls = if need.calls == 1 {
            "1 call".to_owned()
        } else {
            format!("{} calls", need.calls)
        };
        let mut note = String::new();
        if capability.name() == "NET_BIND_SERVICE" {
            note.push_str(
                "; not needed on Docker 20.10 and later, which lets containers bind low ports \
                 (net.ipv4.ip_unprivileged_port_start=0), except with network_mode: host",
            );
        }
        if !defaults.has(*capability) {
            note.push_str("; not in Docker's default set: granting it widens the container");
        }
        writeln!(
            err,
            "cofferdam:   {} ({calls}): {}{note}",
            capability.name(),
            need.examples.join("; ")
        )?;
    }
    Ok(())
}

/// `1 process`, `3 processes and threads`.
fn tasks(count: usize) -> String {
    if count == 1 {
        "1 process".to_owned()
    } else {
        format!("{count} processes and threads")
    }
}

/// The host kernel's release, for `minKernel` conditions.
fn kernel() -> Result<Kernel> {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .context("cannot read the kernel release from /proc/sys/kernel/osrelease")?;
    Kernel::parse(&release).ok_or_else(|| anyhow!("cannot parse the kernel release `{release}`"))
}

/// Runs the command under the profile and returns the exit status `seccomp test` ends with.
pub(crate) fn test(settings: &TestSettings, err: &mut dyn Write) -> Result<i32> {
    let arch = host()?;
    let profile = read_profile(&settings.profile)?;
    let caps = CapSet::docker_tweaked(&settings.cap_add, &settings.cap_drop)
        .map_err(|unknown| anyhow!("unknown capability `{}`", unknown.0))?;
    let target = Target {
        arch,
        caps,
        kernel: kernel()?,
    };
    let mode = if settings.enforce {
        Mode::Enforce
    } else {
        Mode::Report
    };
    let program = filter::compile(&profile, &target, mode)
        .map_err(|error| anyhow!("{}: {error}", settings.profile.display()))?;
    let command = Command::new(&settings.command)?;
    let Some(program) = program else {
        writeln!(
            err,
            "cofferdam: {} disables seccomp (no default action and no rules); running the \
             command unconfined",
            settings.profile.display()
        )?;
        let status = std::process::Command::new(&settings.command[0])
            .args(&settings.command[1..])
            .status()
            .with_context(|| format!("cannot run `{}`", command.name))?;
        return Ok(status.code().unwrap_or_else(|| {
            128 + std::os::unix::process::ExitStatusExt::signal(&status).unwrap_or(0)
        }));
    };
    if settings.enforce {
        return Ok(supervise::enforce(&command, &program)?);
    }
    let native = Abi::native(arch);
    let supervision = supervise::supervise(&command, &program, native, err)?;
    if supervision.denied.is_empty() {
        writeln!(
            err,
            "cofferdam: nothing would be denied by {} ({} traced)",
            settings.profile.display(),
            tasks(supervision.tasks),
        )?;
        return Ok(supervision.exit_code);
    }
    for line in supervision.summary(native) {
        writeln!(err, "cofferdam: {line}")?;
    }
    writeln!(
        err,
        "cofferdam: the command exited with status {}; exit status {WOULD_DENY}: something would be denied",
        supervision.exit_code
    )?;
    Ok(WOULD_DENY)
}

/// Ends cofferdam with the traced command's status, after flushing what was written to stdout.
/// `ExitStatus` has only cofferdam's own three statuses, and these commands must pass any
/// status through.
pub(crate) fn exit(code: i32, out: &mut dyn Write) -> ! {
    if let Err(error) = out.flush()
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("cofferdam: error: cannot write to standard output: {error}");
        std::process::exit(2);
    }
    std::process::exit(code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn would_deny_is_distinct_from_cofferdams_statuses() {
        assert!(![0, 1, 2].contains(&super::WOULD_DENY));
    }

    #[test]
    fn a_missing_command_is_an_error() {
        let settings = super::RecordSettings {
            output: None,
            merge: false,
            one_cpu: false,
            runtime: true,
            command: vec!["cofferdam-no-such-command".into()],
        };
        let error = super::record(&settings, &mut Vec::new(), &mut Vec::new()).unwrap_err();
        assert!(error.to_string().contains("command not found"), "{error}");
    }
}
