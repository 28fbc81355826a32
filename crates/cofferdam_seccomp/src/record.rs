//! `seccomp record`: run a command under the tracer with a filter that traces every syscall, and
//! turn what it called into the smallest Docker-format profile that lets it do so again.
//!
//! The filter is one instruction (`SECCOMP_RET_TRACE`), so each syscall costs one stop; the
//! handler only sets a bit per (ABI, number). Names come from the ABI's table when the run is
//! over. The profile allows exactly the names seen (the union over ABIs: a Docker profile names
//! syscalls, not numbers), lists the ABIs seen in `architectures`, and fails everything else with
//! EPERM (`SCMP_ACT_ERRNO`, `defaultErrnoRet: 1`). With `Command::one_cpu` the command runs on
//! the tracer's CPU, which makes each stop several times cheaper on virtual machines (see
//! `bench/seccomp.sh`). [`merge`] adds a recording to an existing
//! profile, so that several runs (start-up, requests, shutdown) build one profile.

use std::collections::{BTreeMap, BTreeSet};

use crate::filter::{Abi, Program};
use crate::profile::{Action, Profile, Rule};
use crate::trace::{self, Answer, Call, Command, Handler, TraceError};

/// What a recording saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recording {
    /// Syscall names by ABI, sorted.
    pub syscalls: BTreeMap<Abi, BTreeSet<&'static str>>,
    /// Calls the tables cannot name: `(AUDIT_ARCH, number)`.
    pub unknown: BTreeSet<(u32, u64)>,
    /// The command's exit status: its code, or 128 + the signal that killed it.
    pub exit_code: i32,
    /// Processes and threads traced, the command included.
    pub tasks: usize,
    /// Syscalls traced.
    pub calls: u64,
}

impl Recording {
    /// Every name, over all ABIs.
    pub fn names(&self) -> BTreeSet<&'static str> {
        self.syscalls.values().flatten().copied().collect()
    }
}

/// Numbers seen per ABI: a bit per number below 1024, a set for the rest (x32 numbers).
#[derive(Default)]
struct Seen {
    bits: BTreeMap<Abi, [u64; 16]>,
    high: BTreeSet<(Abi, u64)>,
    unknown: BTreeSet<(u32, u64)>,
}

impl Handler for Seen {
    fn call(&mut self, call: &Call) -> Answer {
        match call.abi {
            Some(abi) if call.nr < 1024 => {
                let words = self.bits.entry(abi).or_insert([0; 16]);
                words[(call.nr / 64) as usize] |= 1 << (call.nr % 64);
            }
            Some(abi) => {
                self.high.insert((abi, call.nr));
            }
            None => {
                self.unknown.insert((call.audit_arch, call.nr));
            }
        }
        Answer::Allow
    }
}

/// Runs `command` to completion under the tracer and returns what it called.
pub fn record(command: &Command) -> Result<Recording, TraceError> {
    let mut seen = Seen::default();
    let outcome = trace::run(command, &Program::trace_all(), &mut seen)?;
    let mut recording = Recording {
        exit_code: outcome.exit_code,
        tasks: outcome.tasks,
        calls: outcome.stops,
        unknown: seen.unknown,
        ..Recording::default()
    };
    let numbers = seen
        .bits
        .iter()
        .flat_map(|(abi, words)| {
            (0..1024u64)
                .filter(|nr| words[(nr / 64) as usize] & (1 << (nr % 64)) != 0)
                .map(|nr| (*abi, nr))
        })
        .chain(seen.high);
    for (abi, nr) in numbers {
        match abi.syscall_name(nr) {
            Some(name) => {
                recording.syscalls.entry(abi).or_default().insert(name);
            }
            None => {
                recording.unknown.insert((abi.audit_arch(), nr));
            }
        }
    }
    Ok(recording)
}

const COMMENT: &str = "recorded by cofferdam seccomp record";

/// The architectures a profile for this recording lists: the ABIs seen, in a stable order.
fn architectures(recording: &Recording) -> Vec<String> {
    recording
        .syscalls
        .keys()
        .map(|abi| abi.seccomp_name().to_owned())
        .collect()
}

/// The smallest allow-list profile for a recording.
pub fn profile(recording: &Recording) -> Profile {
    Profile {
        default_action: Action::Errno.name().to_owned(),
        default_errno_ret: Some(1),
        architectures: architectures(recording),
        arch_map: Vec::new(),
        syscalls: vec![Rule {
            names: recording.names().into_iter().map(str::to_owned).collect(),
            action: Action::Allow.name().to_owned(),
            comment: Some(COMMENT.to_owned()),
            ..Rule::default()
        }],
    }
}

/// `existing` with what `recording` needs added: the names it does not already allow outright
/// join its first unconditional allow rule (one is added if it has none), and the ABIs seen join
/// `architectures`. Everything else in `existing` (argument filters, capability conditions,
/// other actions) is kept as written.
pub fn merge(mut existing: Profile, recording: &Recording) -> Profile {
    let unconditional_allow = |rule: &Rule| {
        rule.action_kind() == Some(Action::Allow)
            && rule.args.is_empty()
            && rule.includes.is_empty()
            && rule.excludes.is_empty()
    };
    let allowed: BTreeSet<String> = existing
        .syscalls
        .iter()
        .filter(|rule| unconditional_allow(rule))
        .flat_map(|rule| rule.all_names().map(str::to_owned))
        .collect();
    let missing: Vec<String> = recording
        .names()
        .into_iter()
        .filter(|name| !allowed.contains(*name))
        .map(str::to_owned)
        .collect();
    if !missing.is_empty() {
        match existing
            .syscalls
            .iter_mut()
            .find(|rule| unconditional_allow(rule) && rule.name.is_none())
        {
            Some(rule) => {
                rule.names.extend(missing);
                rule.names.sort();
                rule.names.dedup();
            }
            None => existing.syscalls.insert(
                0,
                Rule {
                    names: missing,
                    action: Action::Allow.name().to_owned(),
                    comment: Some(COMMENT.to_owned()),
                    ..Rule::default()
                },
            ),
        }
    }
    for name in architectures(recording) {
        if !existing.architectures.contains(&name) {
            existing.architectures.push(name);
        }
    }
    existing
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::{Recording, merge, profile};
    use crate::filter::Abi;
    use crate::profile::Profile;

    fn recording(abis: &[(Abi, &[&'static str])]) -> Recording {
        Recording {
            syscalls: abis
                .iter()
                .map(|(abi, names)| (*abi, names.iter().copied().collect::<BTreeSet<_>>()))
                .collect::<BTreeMap<_, _>>(),
            ..Recording::default()
        }
    }

    #[test]
    fn a_profile_allows_what_was_seen_on_each_abi() {
        let written = profile(&recording(&[
            (Abi::X86_64, &["read", "execve", "exit_group"]),
            (Abi::X86, &["getpid", "read"]),
        ]));
        let json = serde_json::to_value(&written).unwrap();
        assert_eq!(json["defaultAction"], "SCMP_ACT_ERRNO");
        assert_eq!(json["defaultErrnoRet"], 1);
        assert_eq!(
            json["architectures"],
            serde_json::json!(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"])
        );
        assert_eq!(
            json["syscalls"][0]["names"],
            serde_json::json!(["execve", "exit_group", "getpid", "read"])
        );
        assert_eq!(json["syscalls"][0]["action"], "SCMP_ACT_ALLOW");
        // What we write, the engine's reader reads back.
        let text = serde_json::to_string_pretty(&written).unwrap();
        assert_eq!(Profile::parse(&text).unwrap(), written);
    }

    #[test]
    fn merging_keeps_the_existing_profile_and_adds_what_is_missing() {
        let existing = Profile::parse(
            r#"{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
                "syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2,"op":"SCMP_CMP_EQ"}]},
                            {"names":["write","bind"],"action":"SCMP_ACT_ALLOW"}]}"#,
        )
        .unwrap();
        let merged = merge(
            existing.clone(),
            &recording(&[(Abi::X86_64, &["read", "write"]), (Abi::X86, &["getpid"])]),
        );
        assert_eq!(merged.syscalls[0], existing.syscalls[0]);
        assert_eq!(
            merged.syscalls[1].names,
            ["bind", "getpid", "read", "write"]
        );
        assert_eq!(merged.architectures, ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"]);
        // Nothing new: unchanged.
        assert_eq!(
            merge(merged.clone(), &recording(&[(Abi::X86_64, &["read"])])),
            merged
        );
        // No plain allow rule: one is added first.
        let deny_list = Profile::parse(
            r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_KILL"}]}"#,
        )
        .unwrap();
        let merged = merge(deny_list, &recording(&[(Abi::X86_64, &["read"])]));
        assert_eq!(merged.syscalls[0].names, ["read"]);
        assert_eq!(merged.syscalls[1].names, ["mount"]);
    }
}
