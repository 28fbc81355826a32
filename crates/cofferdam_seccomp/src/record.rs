//! `seccomp record`: run a command under the tracer with a filter that traces every syscall, and
//! turn what it called into the smallest Docker-format profile that lets it do so again.
//!
//! The filter is one instruction (`SECCOMP_RET_TRACE`), so each syscall costs one stop; the
//! handler sets a bit per (ABI, number), and names come from the ABI's table when the run is
//! over. With `Command::one_cpu` the command runs on the tracer's CPU, which makes each stop
//! several times cheaper on virtual machines (see `bench/seccomp.sh`).
//!
//! The profile allows the names seen (the union over ABIs: a Docker profile names syscalls, not
//! numbers), lists the ABIs seen in `architectures`, and fails everything else with EPERM
//! (`SCMP_ACT_ERRNO`, `defaultErrnoRet: 1`). The syscalls Docker's default decides by their
//! arguments (`clone` without namespace flags, `socket` without `AF_ALG`/`AF_VSOCK`, a few
//! `personality` values) are checked call by call against Docker's rules, for a container with
//! Docker's default capabilities; when every recorded call passes, the profile carries those
//! rules instead of allowing the syscall outright, so a recording is never wider than Docker's
//! default where Docker looks at arguments. [`merge`] adds a recording to an existing profile, so
//! that several runs (start-up, requests, shutdown) build one profile.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::caps::CapSet;
use crate::filter::{Abi, Program};
use crate::needs::{CapabilityNeeds, Watcher};
use crate::profile::{Action, Profile, Rule};
use crate::resolve::{Arch, Kernel, Resolution, Verdict, resolve, resolved_profile};
use crate::trace::{self, Answer, Call, Command, Handler, TraceError};

/// What a recording saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recording {
    /// Syscall names by ABI, sorted.
    pub syscalls: BTreeMap<Abi, BTreeSet<&'static str>>,
    /// For the syscalls Docker's default decides by their arguments, recorded on the host's ABI:
    /// whether every call passed Docker's rules.
    pub within_docker_rules: BTreeMap<&'static str, bool>,
    /// Calls the tables cannot name: `(AUDIT_ARCH, number)`.
    pub unknown: BTreeSet<(u32, u64)>,
    /// The command's exit status: its code, or 128 + the signal that killed it.
    pub exit_code: i32,
    /// Processes and threads traced, the command included.
    pub tasks: usize,
    /// Syscalls traced.
    pub calls: u64,
    /// The capabilities the calls showed a need for, with examples.
    pub capabilities: CapabilityNeeds,
}

impl Recording {
    /// Every name, over all ABIs.
    pub fn names(&self) -> BTreeSet<&'static str> {
        self.syscalls.values().flatten().copied().collect()
    }
}

/// Docker's default profile for a container with Docker's default capabilities: what it does
/// with each syscall, and its rules for those it decides by their arguments. The kernel version
/// only matters to rules with `minKernel`, none of which looks at arguments; 6.1 stands for any
/// recent kernel.
struct DockerRules {
    resolution: Resolution,
    rules: BTreeMap<&'static str, Vec<Rule>>,
}

impl DockerRules {
    fn new(arch: Arch) -> DockerRules {
        let profile = crate::default::docker_default();
        let (caps, kernel) = (CapSet::docker_defaults(), Kernel(6, 1));
        let resolution = resolve(profile, arch, caps, kernel);
        let resolved = resolved_profile(profile, arch, caps, kernel);
        let mut rules: BTreeMap<&'static str, Vec<Rule>> = BTreeMap::new();
        for (name, verdict) in &resolution.verdicts {
            if *verdict != Verdict::ArgumentFilter {
                continue;
            }
            let own: Vec<Rule> = resolved
                .syscalls
                .iter()
                .filter(|rule| !rule.args.is_empty() && rule.all_names().any(|n| n == *name))
                .map(|rule| Rule {
                    names: vec![(*name).to_owned()],
                    name: None,
                    comment: Some(format!("{name}: Docker's default argument rule")),
                    ..rule.clone()
                })
                .collect();
            rules.insert(name, own);
        }
        DockerRules { resolution, rules }
    }
}

/// Numbers seen per ABI: a bit per number below 1024, a set for the rest (x32 numbers); and for
/// the host ABI's argument-filtered syscalls, whether each call passed Docker's rules.
struct Seen<'a> {
    native: Abi,
    docker: &'a DockerRules,
    /// Host-ABI numbers of the syscalls Docker decides by their arguments.
    watched: HashMap<u64, &'static str>,
    within: BTreeMap<&'static str, bool>,
    bits: BTreeMap<Abi, [u64; 16]>,
    high: BTreeSet<(Abi, u64)>,
    unknown: BTreeSet<(u32, u64)>,
    needs: Watcher,
}

impl Handler for Seen<'_> {
    fn call(&mut self, call: &Call) -> Answer {
        match call.abi {
            Some(abi) if call.nr < 1024 => {
                let words = self.bits.entry(abi).or_insert([0; 16]);
                words[(call.nr / 64) as usize] |= 1 << (call.nr % 64);
                if abi == self.native {
                    if let Some(name) = self.watched.get(&call.nr) {
                        let passes = self.docker.resolution.decide(name, &call.args)
                            == Some(Verdict::Allowed);
                        *self.within.entry(name).or_insert(true) &= passes;
                    }
                    self.needs.observe(call);
                }
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

    fn exec(&mut self, pid: i32) {
        self.needs.forget(pid);
    }
}

/// Runs `command` to completion under the tracer and returns what it called.
pub fn record(command: &Command) -> Result<Recording, TraceError> {
    let arch = Arch::native().ok_or_else(|| {
        TraceError::NotPermitted("recording needs an x86_64 or aarch64 host".to_owned())
    })?;
    let native = Abi::native(arch);
    let docker = DockerRules::new(arch);
    let watched = docker
        .rules
        .keys()
        .filter_map(|name| arch.number(name).map(|nr| (u64::from(nr), *name)))
        .collect();
    let mut seen = Seen {
        native,
        docker: &docker,
        watched,
        within: BTreeMap::new(),
        bits: BTreeMap::new(),
        high: BTreeSet::new(),
        unknown: BTreeSet::new(),
        needs: Watcher::new(arch),
    };
    let outcome = trace::run(command, &Program::trace_all(), &mut seen)?;
    let mut recording = Recording {
        exit_code: outcome.exit_code,
        tasks: outcome.tasks,
        calls: outcome.stops,
        unknown: seen.unknown,
        within_docker_rules: seen.within,
        capabilities: seen.needs.finish(),
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
    merge(
        Profile {
            default_action: Action::Errno.name().to_owned(),
            default_errno_ret: Some(1),
            ..Profile::default()
        },
        recording,
    )
}

/// Whether `rule` allows its names outright, for every container.
fn allows_outright(rule: &Rule) -> bool {
    rule.action_kind() == Some(Action::Allow)
        && rule.args.is_empty()
        && rule.includes.is_empty()
        && rule.excludes.is_empty()
}

/// `existing` with what `recording` needs added. A name it does not allow outright joins its
/// first plain allow rule (one is put first if it has none), except that a syscall Docker decides
/// by its arguments, whose recorded calls all pass Docker's rules, gets those rules instead
/// (unless `existing` already has them). The ABIs seen join `architectures`. Everything else in
/// `existing` (argument filters, capability conditions, other actions) is kept as written.
pub fn merge(mut existing: Profile, recording: &Recording) -> Profile {
    let arch = Arch::native().unwrap_or(Arch::X86_64);
    let docker = DockerRules::new(arch);
    let native_names = recording
        .syscalls
        .get(&Abi::native(arch))
        .cloned()
        .unwrap_or_default();
    // A name recorded on another ABI too had calls whose arguments were not checked.
    let elsewhere: BTreeSet<&str> = recording
        .syscalls
        .iter()
        .filter(|(abi, _)| **abi != Abi::native(arch))
        .flat_map(|(_, names)| names.iter().copied())
        .collect();
    // The runtime's rule does not count: the program's own needs go in the program's rules, so
    // that the profile stays right when the runtime rule is dropped or rebuilt.
    let allowed: BTreeSet<String> = existing
        .syscalls
        .iter()
        .filter(|rule| allows_outright(rule) && rule.comment.as_deref() != Some(RUNC_COMMENT))
        .flat_map(|rule| rule.all_names().map(str::to_owned))
        .collect();

    let mut missing: Vec<String> = Vec::new();
    let mut argument_rules: Vec<Rule> = Vec::new();
    for name in recording.names() {
        if allowed.contains(name) {
            continue;
        }
        let docker_rules = docker.rules.get(name).filter(|_| {
            native_names.contains(name)
                && !elsewhere.contains(name)
                && recording.within_docker_rules.get(name) == Some(&true)
        });
        match docker_rules {
            Some(rules) if !rules.is_empty() => {
                for rule in rules {
                    let present = existing.syscalls.iter().any(|other| {
                        other.all_names().any(|n| n == name)
                            && other.action == rule.action
                            && other.errno_ret == rule.errno_ret
                            && other.args == rule.args
                    });
                    if !present {
                        argument_rules.push(rule.clone());
                    }
                }
            }
            _ => missing.push(name.to_owned()),
        }
    }
    if !missing.is_empty() {
        match existing.syscalls.iter_mut().find(|rule| {
            allows_outright(rule)
                && rule.name.is_none()
                && rule.comment.as_deref() != Some(RUNC_COMMENT)
        }) {
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
    existing.syscalls.extend(argument_rules);
    for name in architectures(recording) {
        if !existing.architectures.contains(&name) {
            existing.architectures.push(name);
        }
    }
    existing
}

/// The syscalls runc makes after it installs the container's filter and before the program
/// starts (observed with `SCMP_ACT_LOG` on runc 1.1 and Docker 20.10: closing inherited file
/// descriptors, applying capabilities and the user, changing to the working directory), the
/// calls its Go runtime keeps making on other threads meanwhile (a `futex` denied there crashes
/// runc even with `no-new-privileges`, when the filter is installed just before `execve`), and
/// `execve` itself.
pub const RUNC_SYSCALLS: &[&str] = &[
    "brk",
    "capget",
    "capset",
    "chdir",
    "close",
    "close_range",
    "epoll_ctl",
    "epoll_pwait",
    "epoll_wait",
    "execve",
    "exit",
    "exit_group",
    "faccessat",
    "faccessat2",
    "fchdir",
    "fchown",
    "fcntl",
    "fstat",
    "fstatfs",
    "futex",
    "getcwd",
    "getdents64",
    "getegid",
    "geteuid",
    "getgid",
    "getpid",
    "gettid",
    "getuid",
    "madvise",
    "mmap",
    "mprotect",
    "munmap",
    "nanosleep",
    "newfstatat",
    "openat",
    "prctl",
    "read",
    "rt_sigaction",
    "rt_sigprocmask",
    "rt_sigreturn",
    "sched_yield",
    "setgid",
    "setgroups",
    "setresgid",
    "setresuid",
    "setuid",
    "sigaltstack",
    "tgkill",
    "write",
];

/// The comment of the rule that holds [`RUNC_SYSCALLS`].
pub const RUNC_COMMENT: &str =
    "needed by the container runtime (runc) between installing the filter and starting the program";

/// `profile` without the runtime's rule (`seccomp record --runtime none`).
pub fn without_runtime(mut profile: Profile) -> Profile {
    profile
        .syscalls
        .retain(|rule| rule.comment.as_deref() != Some(RUNC_COMMENT));
    profile
}

/// `profile` with the syscalls runc needs to start a container under it ([`RUNC_SYSCALLS`], the
/// ones `arch` has) allowed in a rule of their own, so that a profile recorded outside a
/// container starts one. Names the profile already allows outright are left out; a rule from an
/// earlier run is reused.
pub fn with_runtime(mut profile: Profile, arch: Arch) -> Profile {
    let allowed: BTreeSet<String> = profile
        .syscalls
        .iter()
        .filter(|rule| allows_outright(rule) && rule.comment.as_deref() != Some(RUNC_COMMENT))
        .flat_map(|rule| rule.all_names().map(str::to_owned))
        .collect();
    let names: Vec<String> = RUNC_SYSCALLS
        .iter()
        .filter(|name| arch.number(name).is_some() && !allowed.contains(**name))
        .map(|name| (*name).to_owned())
        .collect();
    profile
        .syscalls
        .retain(|rule| rule.comment.as_deref() != Some(RUNC_COMMENT));
    if !names.is_empty() {
        profile.syscalls.push(Rule {
            names,
            action: Action::Allow.name().to_owned(),
            comment: Some(RUNC_COMMENT.to_owned()),
            ..Rule::default()
        });
    }
    profile
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::{RUNC_COMMENT, RUNC_SYSCALLS, Recording, merge, profile, with_runtime};
    use crate::filter::Abi;
    use crate::profile::Profile;
    use crate::resolve::Arch;

    fn recording(abis: &[(Abi, &[&'static str])]) -> Recording {
        Recording {
            syscalls: abis
                .iter()
                .map(|(abi, names)| (*abi, names.iter().copied().collect::<BTreeSet<_>>()))
                .collect::<BTreeMap<_, _>>(),
            ..Recording::default()
        }
    }

    #[cfg(target_arch = "x86_64")]
    const NATIVE: Abi = Abi::X86_64;
    #[cfg(not(target_arch = "x86_64"))]
    const NATIVE: Abi = Abi::Aarch64;

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
    fn argument_filtered_syscalls_keep_dockers_rules_when_every_call_passed_them() {
        let mut seen = recording(&[(NATIVE, &["read", "clone", "socket", "personality"])]);
        seen.within_docker_rules = [("clone", true), ("socket", false), ("personality", true)]
            .into_iter()
            .collect();
        let written = profile(&seen);
        // socket had a call Docker would refuse (AF_VSOCK, say): allowed outright.
        assert_eq!(written.syscalls[0].names, ["read", "socket"]);
        let rest: Vec<(&str, &str, u64)> = written.syscalls[1..]
            .iter()
            .map(|rule| {
                (
                    rule.names[0].as_str(),
                    rule.args[0].op.as_str(),
                    rule.args[0].value,
                )
            })
            .collect();
        assert!(
            rest.contains(&("clone", "SCMP_CMP_MASKED_EQ", 0x7e02_0000)),
            "{rest:?}"
        );
        assert!(
            rest.contains(&("personality", "SCMP_CMP_EQ", 0xffff_ffff)),
            "{rest:?}"
        );
        assert!(
            written.syscalls[1..]
                .iter()
                .all(|rule| rule.includes.is_empty()
                    && rule.excludes.is_empty()
                    && rule.action == "SCMP_ACT_ALLOW")
        );
        // Merging the same recording again adds nothing.
        assert_eq!(merge(written.clone(), &seen), written);
        // Recorded on i386 as well: its arguments were not checked, so allowed outright.
        let mut both = seen.clone();
        both.syscalls
            .insert(Abi::X86, ["clone"].into_iter().collect());
        assert!(
            profile(&both).syscalls[0]
                .names
                .contains(&"clone".to_owned())
        );
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

    #[test]
    fn the_runtime_rule_adds_only_what_the_program_did_not_use_and_is_replaced_on_merge() {
        let recorded = profile(&recording(&[(NATIVE, &["read", "write", "mkdir"])]));
        let arch = Arch::native().expect("a supported host");
        let with = with_runtime(recorded, arch);
        let runtime: Vec<&str> = with
            .syscalls
            .iter()
            .filter(|rule| rule.comment.as_deref() == Some(RUNC_COMMENT))
            .flat_map(|rule| rule.names.iter().map(String::as_str))
            .collect();
        assert!(
            runtime.contains(&"capset") && runtime.contains(&"execve"),
            "{runtime:?}"
        );
        assert!(
            !runtime.contains(&"read") && !runtime.contains(&"mkdir"),
            "{runtime:?}"
        );
        assert!(runtime.iter().all(|name| RUNC_SYSCALLS.contains(name)));
        // A later run that records capset moves it out of the runtime rule; one rule remains.
        let merged = merge(with, &recording(&[(NATIVE, &["capset"])]));
        let again = with_runtime(merged, arch);
        let rules: Vec<_> = again
            .syscalls
            .iter()
            .filter(|rule| rule.comment.as_deref() == Some(RUNC_COMMENT))
            .collect();
        assert_eq!(rules.len(), 1);
        assert!(!rules[0].names.iter().any(|name| name == "capset"));
    }
}
