//! `cofferdam caps`: the privileges of this process (read from /proc/self/status, like
//! `capsh --print`), or the capabilities in a mask (`cofferdam caps decode 00000000a80425fb`).

use std::io::Write;

use anyhow::{Context, Result};
use cofferdam_seccomp::caps::{CapSet, ProcessPrivileges};
use serde_json::json;

use crate::exit::ExitStatus;

/// What `caps` prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CapsRequest {
    /// This process's privileges.
    Process,
    /// The capabilities in one mask.
    Decode(String),
}

pub(crate) fn caps(
    request: &CapsRequest,
    json_output: bool,
    out: &mut dyn Write,
) -> Result<ExitStatus> {
    match request {
        CapsRequest::Decode(mask) => {
            let set = match CapSet::decode(mask) {
                Ok(set) => set,
                Err(error) => {
                    eprintln!("cofferdam: error: {error}");
                    return Ok(ExitStatus::Error);
                }
            };
            if json_output {
                let value = json!({
                    "mask": format!("{:016x}", set.0),
                    "capabilities": set.names(),
                    "docker_default": set == CapSet::docker_defaults(),
                    "all": set.is_full(),
                });
                writeln!(out, "{value}")?;
            } else {
                writeln!(out, "0x{:016x}={}", set.0, describe(set))?;
            }
            Ok(ExitStatus::Success)
        }
        CapsRequest::Process => {
            let status = std::fs::read_to_string("/proc/self/status")
                .context("cannot read /proc/self/status (cofferdam caps needs Linux /proc)")?;
            let privileges = ProcessPrivileges::from_status(&status)
                .context("cannot decode /proc/self/status")?;
            print_process(&privileges, json_output, out)?;
            Ok(ExitStatus::Success)
        }
    }
}

/// Names, lower-case with the `cap_` prefix as `capsh` writes them; `=` for none.
fn describe(set: CapSet) -> String {
    if set.is_empty() {
        return String::new();
    }
    let mut text = set
        .names()
        .iter()
        .map(|name| format!("cap_{}", name.to_ascii_lowercase()))
        .collect::<Vec<_>>()
        .join(",");
    if set == CapSet::docker_defaults() {
        text.push_str("  (Docker's default set)");
    } else if set.is_full() {
        text.push_str("  (every capability)");
    }
    text
}

fn print_process(
    privileges: &ProcessPrivileges,
    json_output: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let sets = [
        ("effective", privileges.effective),
        ("permitted", privileges.permitted),
        ("inheritable", privileges.inheritable),
        ("bounding", privileges.bounding),
        ("ambient", privileges.ambient),
    ];
    if json_output {
        let mut value = json!({
            "no_new_privs": privileges.no_new_privs,
            "seccomp": {
                "mode": privileges.seccomp_mode_name(),
                "filters": privileges.seccomp_filters,
            },
            "uid": privileges.uids,
            "gid": privileges.gids,
        });
        for (name, set) in sets {
            value[name] = json!({"mask": format!("{:016x}", set.0), "capabilities": set.names()});
        }
        writeln!(out, "{value}")?;
        return Ok(());
    }
    for (name, set) in sets {
        let listed = describe(set);
        writeln!(
            out,
            "{:<14}{}",
            format!("{name}:"),
            if listed.is_empty() {
                "(none)".to_owned()
            } else {
                listed
            }
        )?;
    }
    writeln!(
        out,
        "{:<14}{}",
        "no_new_privs:",
        u8::from(privileges.no_new_privs)
    )?;
    let filters = privileges
        .seccomp_filters
        .map(|count| format!(" ({count} filter{})", if count == 1 { "" } else { "s" }))
        .unwrap_or_default();
    writeln!(
        out,
        "{:<14}{}{filters}",
        "seccomp:",
        privileges.seccomp_mode_name()
    )?;
    let users = privileges.uids;
    let groups = privileges.gids;
    writeln!(
        out,
        "{:<14}uid={} euid={} gid={} egid={}",
        "ids:", users[0], users[1], groups[0], groups[1]
    )?;
    Ok(())
}
