//! `seccomp lint`: what is wrong or risky in a custom seccomp profile, with positions.
//!
//! A profile is judged against Docker's default for the same container (`x86_64`, Docker's
//! default capabilities, a current kernel): a syscall the custom profile allows outright that
//! the default does not is reported, at high severity when it is one of the calls container
//! escapes and kernel exploits use. Positions are found in the text (serde gives none for
//! values): the first occurrence of the name's string literal after the previous one.

use std::collections::HashSet;

use crate::caps::CapSet;
use crate::profile::Profile;
use crate::resolve::{Arch, Kernel, Verdict, resolve};

/// Actions the engine accepts.
const ACTIONS: &[&str] = &[
    "SCMP_ACT_KILL",
    "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW",
    "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",
];

/// Syscalls that container escapes and kernel exploits rely on, with why.
pub const DANGEROUS: &[(&str, &str)] = &[
    (
        "add_key",
        "kernel keyrings are not namespaced: keys of other containers and the host",
    ),
    (
        "keyctl",
        "kernel keyrings are not namespaced: keys of other containers and the host",
    ),
    (
        "request_key",
        "kernel keyrings are not namespaced: keys of other containers and the host",
    ),
    (
        "bpf",
        "loads programs into the kernel; a frequent source of privilege escalation",
    ),
    (
        "mount",
        "mounts filesystems: with the right capability, the host's disks",
    ),
    ("umount2", "unmounts what hides the host's files"),
    ("pivot_root", "changes the root filesystem"),
    (
        "unshare",
        "creates namespaces, the first step of many escapes",
    ),
    ("setns", "joins other namespaces"),
    ("ptrace", "reads and writes other processes' memory"),
    ("process_vm_writev", "writes other processes' memory"),
    ("kexec_load", "replaces the running kernel"),
    ("kexec_file_load", "replaces the running kernel"),
    ("init_module", "loads kernel modules"),
    ("finit_module", "loads kernel modules"),
    ("delete_module", "unloads kernel modules"),
    (
        "open_by_handle_at",
        "opens host files by handle (the \"shocker\" escape)",
    ),
    (
        "userfaultfd",
        "pauses the kernel mid-copy, a staple of kernel exploits",
    ),
    (
        "io_uring_setup",
        "io_uring bypasses syscall filtering and has a long exploit history",
    ),
    (
        "io_uring_enter",
        "io_uring bypasses syscall filtering and has a long exploit history",
    ),
    (
        "io_uring_register",
        "io_uring bypasses syscall filtering and has a long exploit history",
    ),
    (
        "perf_event_open",
        "kernel profiling, a source of information leaks and exploits",
    ),
    ("reboot", "restarts the host"),
    ("swapon", "changes the host's swap"),
    ("swapoff", "changes the host's swap"),
    ("iopl", "raw I/O port access"),
    ("ioperm", "raw I/O port access"),
    ("fsopen", "the new mount API: mounts filesystems"),
    ("fsmount", "the new mount API: mounts filesystems"),
    ("move_mount", "the new mount API: moves mounts"),
    ("open_tree", "the new mount API: clones mounts"),
];

/// One lint finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub column: usize,
    /// `high`, `medium`, `low` (or `error` for a profile the engine refuses).
    pub severity: &'static str,
    pub message: String,
}

/// Lints a profile's text.
pub fn lint(text: &str) -> Vec<Finding> {
    let profile = match Profile::parse(text) {
        Ok(profile) => profile,
        Err(error) => {
            return vec![Finding {
                line: error.line,
                column: error.column,
                severity: "error",
                message: format!("invalid seccomp profile: {}", error.message),
            }];
        }
    };
    let mut findings = Vec::new();
    let at = |needle: &str, from: usize| -> (usize, usize, usize) {
        let quoted = format!("\"{needle}\"");
        let offset = text[from.min(text.len())..]
            .find(&quoted)
            .map_or(0, |found| from + found);
        let (line, column) = position(text, offset);
        (line, column, offset + quoted.len())
    };

    let default_action = profile.default_action.as_str();
    if !ACTIONS.contains(&default_action) {
        let (line, column, _) = at(default_action, 0);
        findings.push(Finding {
            line,
            column,
            severity: "error",
            message: format!("unknown action `{default_action}`: the engine refuses the profile"),
        });
    } else if matches!(default_action, "SCMP_ACT_ALLOW" | "SCMP_ACT_LOG") {
        let (line, column, _) = at(default_action, 0);
        findings.push(Finding {
            line,
            column,
            severity: "high",
            message: "the default action allows: every syscall not listed, and every one future kernels add, is open".to_owned(),
        });
    }
    if profile.architectures.is_empty() && profile.arch_map.is_empty() {
        findings.push(Finding {
            line: 1,
            column: 1,
            severity: "low",
            message: "no `architectures`: the filter covers the native ABI only, so 32-bit programs are killed".to_owned(),
        });
    }

    let default_profile = Profile::docker_default();
    let known: HashSet<&str> = Arch::X86_64
        .syscalls()
        .into_iter()
        .chain(Arch::Aarch64.syscalls())
        .map(|(_, name)| name)
        .chain(
            default_profile
                .syscalls
                .iter()
                .flat_map(crate::profile::Rule::all_names),
        )
        .collect();
    let mut cursor = 0;
    for rule in &profile.syscalls {
        let (line, column, _) = at(&rule.action, cursor);
        if !ACTIONS.contains(&rule.action.as_str()) {
            findings.push(Finding {
                line,
                column,
                severity: "error",
                message: format!(
                    "unknown action `{}`: the engine refuses the profile",
                    rule.action
                ),
            });
        }
        for name in rule.all_names() {
            let (line, column, end) = at(name, cursor);
            cursor = end.max(cursor);
            if !known.contains(name) {
                findings.push(Finding {
                    line,
                    column,
                    severity: "medium",
                    message: format!(
                        "unknown syscall `{name}`: the engine ignores it, so what it was meant to allow or deny is not"
                    ),
                });
            }
        }
    }

    // What it allows that Docker's default does not, for a default container on x86_64.
    let caps = CapSet::docker_defaults();
    let kernel = Kernel(6, 1);
    let custom = resolve(&profile, Arch::X86_64, caps, kernel);
    let reference = resolve(&default_profile, Arch::X86_64, caps, kernel);
    for (name, verdict) in &custom.verdicts {
        if *verdict != Verdict::Allowed || reference.verdicts.get(name) == Some(&Verdict::Allowed) {
            continue;
        }
        let (line, column, _) = at(name, 0);
        let (line, column) = if text.contains(&format!("\"{name}\"")) {
            (line, column)
        } else {
            // Allowed by the default action: point at it.
            let (line, column, _) = at(default_action, 0);
            (line, column)
        };
        let (severity, why) = DANGEROUS
            .iter()
            .find(|(dangerous, _)| dangerous == name)
            .map_or(("medium", "Docker's default blocks it"), |(_, why)| {
                ("high", *why)
            });
        findings.push(Finding {
            line,
            column,
            severity,
            message: format!("allows `{name}`, which Docker's default blocks: {why}"),
        });
    }
    findings.sort_by(|a, b| (a.line, a.column, &a.message).cmp(&(b.line, b.column, &b.message)));
    findings.dedup();
    findings
}

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::lint;

    fn summary(text: &str) -> Vec<(usize, usize, &'static str, String)> {
        lint(text)
            .into_iter()
            .map(|finding| {
                (
                    finding.line,
                    finding.column,
                    finding.severity,
                    finding.message,
                )
            })
            .collect()
    }

    #[test]
    fn the_default_profile_is_clean() {
        assert!(lint(crate::profile::DOCKER_DEFAULT_JSON).is_empty());
    }

    #[test]
    fn dangerous_unknown_and_invalid() {
        let text = "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"architectures\": [\"SCMP_ARCH_X86_64\"],\n  \"syscalls\": [\n    {\"names\": [\"read\", \"keyctl\", \"opne\"], \"action\": \"SCMP_ACT_ALLOW\"},\n    {\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALOW\"}\n  ]\n}\n";
        let found = summary(text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!((found[0].0, found[0].1, found[0].2), (5, 24, "high"));
        assert!(found[0].3.contains("keyctl"));
        assert_eq!((found[1].0, found[1].1, found[1].2), (5, 34, "medium"));
        assert!(found[1].3.starts_with("unknown syscall `opne`"));
        assert_eq!((found[2].0, found[2].2), (6, "error"));
        assert!(found[2].3.contains("SCMP_ACT_ALOW"));
    }

    #[test]
    fn deny_lists_and_syntax_errors() {
        let found = summary("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": []}");
        assert!(
            found
                .iter()
                .any(|f| f.2 == "high" && f.3.starts_with("the default action allows"))
        );
        assert!(found.iter().any(|f| f.3.contains("`mount`")));
        assert!(found.iter().any(|f| f.3.starts_with("no `architectures`")));
        let found = summary("{\"defaultAction\": \n");
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].0, found[0].2), (2, "error"));
    }
}
