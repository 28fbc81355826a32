//! `seccomp lint`: what is wrong or risky in a custom seccomp profile, as [`Diagnostic`]s with
//! byte ranges into the profile's text, for the same printers as `check`.
//!
//! Three kinds of problem, by who notices: what the engine refuses when a container starts
//! (an unknown action, operator, architecture or flag; `name` with `names`; `architectures`
//! with `archMap`), what it silently ignores (unknown keys, unknown syscall names, conditions
//! that can never match), and what it accepts but weakens the container (a default action that
//! allows, syscalls allowed that Docker's default blocks, no 32-bit architectures). A profile
//! the engine cannot decode at all is an error ([`ProfileError`]), not a finding.
//!
//! The rules are declared here with `declare_rule!` so that their metadata, documentation and
//! check live in one place; the linter registers [`RULES`] (so `cofferdam rule SCP105`, rule
//! selection and severity overrides work as for every rule) and runs [`lint`] on the profiles
//! that containers reference.

use cofferdam_diagnostics::{Diagnostic, RuleMeta, Severity, TextRange, declare_rule};

use crate::arch::{Arch, DOCKER_ARCHES, SECCOMP_ARCHES, is_known_syscall, known_syscall_names};
use crate::caps::{CapSet, Capability};
use crate::default::{Risk, docker_default, risk};
use crate::profile::{Action, FilterSpans, Op, ProfileError, SpannedProfile, edit_distance};
use crate::resolve::{Kernel, Resolution, Verdict, applies, resolve};

declare_rule! {
    /// ## What it does
    /// Checks for seccomp profiles the engine refuses when a container starts: an unknown
    /// action, comparison operator, architecture or filter flag, a rule with both `name` and
    /// `names`, `architectures` together with `archMap`, an argument index past the sixth, an
    /// empty syscall name, or `SCMP_ACT_NOTIFY` as the default action or for `write`.
    ///
    /// ## Why is this bad?
    /// dockerd accepts the file, and the container then fails to start with an error from
    /// runc, on every host, often only in production where the profile is first used.
    ///
    /// ## Example
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALOW"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}
    /// ```
    ///
    /// ## Fix safety
    /// No fix is offered: which action was meant is for the author to say.
    ///
    /// ## References
    /// - runc `libcontainer/seccomp/config.go` (accepted actions, operators, architectures)
    /// - moby/profiles `seccomp/seccomp_linux.go`
    pub struct InvalidSeccompProfile {
        code: "SCP101",
        name: "invalid-seccomp-profile",
        category: Seccomp,
        severity: High,
        inputs: [SeccompProfile],
        fix: None,
        aliases: [],
    }
}

declare_rule! {
    /// ## What it does
    /// Checks for syscall names that no Linux architecture defines, such as `opne`.
    ///
    /// ## Why is this bad?
    /// The engine skips names it cannot resolve without a word, so the rule does nothing: a
    /// misspelt allow breaks the program, and a misspelt deny in a deny-list leaves the call
    /// open.
    ///
    /// ## Example
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["opne"], "action": "SCMP_ACT_ALLOW"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["open"], "action": "SCMP_ACT_ALLOW"}]}
    /// ```
    ///
    /// ## Fix safety
    /// No fix is offered; the message suggests the closest known name.
    ///
    /// ## References
    /// - runc `matchCall`: "unknown seccomp syscall ignored"
    pub struct UnknownSeccompSyscall {
        code: "SCP102",
        name: "unknown-seccomp-syscall",
        category: Seccomp,
        severity: Medium,
        inputs: [SeccompProfile],
        fix: None,
        aliases: [],
    }
}

declare_rule! {
    /// ## What it does
    /// Checks for profiles whose `defaultAction` allows (`SCMP_ACT_ALLOW`, `SCMP_ACT_LOG`),
    /// and for profiles with neither a default action nor rules, which switch seccomp off.
    ///
    /// ## Why is this bad?
    /// A deny-list blocks only what its author thought of: every other syscall, and every
    /// syscall future kernels add, stays open. Docker's default, and every hardening guide,
    /// denies by default and lists what is allowed.
    ///
    /// ## Example
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ERRNO"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]}
    /// ```
    ///
    /// ## Fix safety
    /// No fix is offered: turning a deny-list into an allow-list needs the program's syscalls
    /// (`cofferdam seccomp record`).
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/seccomp/>
    pub struct SeccompDefaultAllow {
        code: "SCP103",
        name: "seccomp-default-allow",
        category: Seccomp,
        severity: High,
        inputs: [SeccompProfile],
        fix: None,
        aliases: [],
    }
}

declare_rule! {
    /// ## What it does
    /// Checks for profiles that name no architecture for the host (no `architectures`, and no
    /// `archMap` entry for it).
    ///
    /// ## Why is this bad?
    /// The filter then covers the native ABI only; a 32-bit syscall (x86 or x32 on an x86_64
    /// host, arm on arm64) meets libseccomp's bad-architecture action and the process is
    /// killed, which is hard to diagnose. Docker's default maps x86_64 to x86 and x32.
    ///
    /// ## Example
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO",
    ///  "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO",
    ///  "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
    ///              {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
    ///  "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}
    /// ```
    ///
    /// ## Fix safety
    /// No fix is offered.
    ///
    /// ## References
    /// - moby/profiles `seccomp/default.json` (`archMap`)
    pub struct SeccompArchitecturesMissing {
        code: "SCP104",
        name: "seccomp-architectures-missing",
        category: Seccomp,
        severity: Low,
        inputs: [SeccompProfile],
        fix: None,
        aliases: [],
    }
}

declare_rule! {
    /// ## What it does
    /// Checks for syscalls a profile allows outright that Docker's default profile blocks for
    /// the same container (architecture, capabilities and kernel): high for those container
    /// escapes and kernel exploits use (`keyctl`, `bpf`, `mount`, `unshare`, `setns`,
    /// `ptrace`, `kexec_load`, `init_module`, `open_by_handle_at`, `userfaultfd`, `io_uring_*`,
    /// `perf_event_open`, …), medium for the rest.
    ///
    /// ## Why is this bad?
    /// A custom profile is meant to narrow the default, but generated or copied profiles often
    /// widen it; each syscall listed here reopens a kernel interface the default closes.
    ///
    /// ## Example
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["read", "keyctl"], "action": "SCMP_ACT_ALLOW"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}
    /// ```
    ///
    /// ## Fix safety
    /// No fix is offered: removing a syscall the program needs breaks it (check with
    /// `cofferdam seccomp test`).
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/seccomp/#significant-syscalls-blocked-by-the-default-profile>
    pub struct SeccompAllowsBlockedSyscall {
        code: "SCP105",
        name: "seccomp-allows-blocked-syscall",
        category: Seccomp,
        severity: High,
        inputs: [SeccompProfile],
        fix: None,
        aliases: [],
    }
}

declare_rule! {
    /// ## What it does
    /// Checks for keys the engine ignores, such as `capabilities` for `caps` or `syscall` for
    /// `syscalls`.
    ///
    /// ## Why is this bad?
    /// dockerd decodes profiles with Go's JSON decoder, which drops unknown keys without an
    /// error. A misspelt condition makes a conditional rule unconditional: `includes:
    /// {"capabilities": ["CAP_SYS_ADMIN"]}` allows its syscalls to every container.
    ///
    /// ## Example
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "include": {"caps": ["CAP_SYS_ADMIN"]}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}]}
    /// ```
    ///
    /// ## Fix safety
    /// No fix is offered; the message suggests the closest known key.
    ///
    /// ## References
    /// - moby/profiles `seccomp/seccomp.go` (the `Seccomp`, `Syscall` and `Filter` types)
    pub struct UnknownSeccompField {
        code: "SCP106",
        name: "unknown-seccomp-field",
        category: Seccomp,
        severity: Medium,
        inputs: [SeccompProfile],
        fix: None,
        aliases: [],
    }
}

declare_rule! {
    /// ## What it does
    /// Checks for `includes`/`excludes` conditions and `archMap` entries that can never match:
    /// capabilities not spelt as the engine lists them (`SYS_ADMIN` for `CAP_SYS_ADMIN`),
    /// unknown capabilities, architectures not named as the engine names them (`x86_64` for
    /// `amd64`), and `archMap` architectures that are not libseccomp names.
    ///
    /// ## Why is this bad?
    /// The engine compares these strings exactly. An `includes` that never matches disables
    /// its rule; an `excludes` that never matches applies its rule to every container.
    ///
    /// ## Example
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["SYS_ADMIN"]}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    ///  "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}]}
    /// ```
    ///
    /// ## Fix safety
    /// No fix is offered.
    ///
    /// ## References
    /// - moby/profiles `seccomp/seccomp_linux.go` (`setupSeccomp`)
    pub struct UnmatchableSeccompCondition {
        code: "SCP107",
        name: "unmatchable-seccomp-condition",
        category: Seccomp,
        severity: Medium,
        inputs: [SeccompProfile],
        fix: None,
        aliases: [],
    }
}

/// Every rule of this module, by code.
pub const RULES: [&RuleMeta; 7] = [
    InvalidSeccompProfile::META,
    UnknownSeccompSyscall::META,
    SeccompDefaultAllow::META,
    SeccompArchitecturesMissing::META,
    SeccompAllowsBlockedSyscall::META,
    UnknownSeccompField::META,
    UnmatchableSeccompCondition::META,
];

/// The filter flags runc knows.
const FLAGS: &[&str] = &[
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
];

/// The container a profile is judged for: what Docker's default would give it is the bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LintOptions {
    pub arch: Arch,
    pub caps: CapSet,
    pub kernel: Kernel,
}

impl Default for LintOptions {
    /// A plain `docker run` on a current `x86_64` host.
    fn default() -> Self {
        LintOptions {
            arch: Arch::X86_64,
            caps: CapSet::docker_defaults(),
            kernel: Kernel(6, 1),
        }
    }
}

/// The message for an action the engine does not know, with a suggestion.
fn unknown_action(action: &str) -> String {
    format!(
        "unknown action `{action}`: the engine refuses the profile{}",
        did_you_mean(action, &Action::NAMES)
    )
}

/// Lints a profile's text. `Err` when the engine cannot decode it at all.
pub fn lint(text: &str, options: &LintOptions) -> Result<Vec<Diagnostic>, ProfileError> {
    let spanned = SpannedProfile::parse(text)?;
    let mut out = Vec::new();
    let start = TextRange::from_usize(0, text.len().min(1));
    invalid(&spanned, start, &mut out);
    unknown_names(&spanned, &mut out);
    unknown_fields(&spanned, &mut out);
    unmatchable(&spanned, &mut out);
    architectures(&spanned, options.arch, start, &mut out);
    widened(&spanned, options, start, &mut out);
    out.sort_by_key(|diagnostic| {
        (
            diagnostic.range.start(),
            diagnostic.rule.code,
            diagnostic.range.end(),
        )
    });
    Ok(out)
}

fn invalid(spanned: &SpannedProfile, start: TextRange, out: &mut Vec<Diagnostic>) {
    let profile = &spanned.profile;
    let spans = &spanned.spans;
    let mut report = |range: TextRange, message: String| {
        out.push(Diagnostic::new(InvalidSeccompProfile::META, range, message));
    };
    let unconfined = profile.default_action.is_empty() && profile.syscalls.is_empty();
    match (profile.default_action_kind(), spans.default_action) {
        _ if unconfined => {}
        (Some(Action::Notify), Some(range)) => report(
            range,
            "`SCMP_ACT_NOTIFY` cannot be the default action: the engine refuses the profile"
                .to_owned(),
        ),
        (Some(_), _) => {}
        (None, Some(range)) => report(range, unknown_action(&profile.default_action)),
        (None, None) => report(
            spans.syscalls_key.unwrap_or(start),
            "no `defaultAction`: the engine refuses the profile".to_owned(),
        ),
    }
    if !profile.architectures.is_empty() && !profile.arch_map.is_empty() {
        report(
            spans.architectures.first().copied().unwrap_or(start),
            "both `architectures` and `archMap`: the engine refuses the profile, use one"
                .to_owned(),
        );
    }
    for (name, range) in profile.architectures.iter().zip(&spans.architectures) {
        if !SECCOMP_ARCHES.contains(&name.as_str()) {
            report(
                *range,
                format!(
                    "unknown architecture `{name}`: the engine refuses the profile{}",
                    seccomp_arch_hint(name)
                ),
            );
        }
    }
    for (map, map_spans) in profile.arch_map.iter().zip(&spans.arch_map) {
        // Only the host's entry is used; one that names no real architecture is never used
        // (`unmatchable-seccomp-condition`), so its sub-architectures never reach runc.
        if !SECCOMP_ARCHES.contains(&map.architecture.as_str()) {
            continue;
        }
        for (name, range) in map
            .sub_architectures
            .iter()
            .zip(&map_spans.sub_architectures)
        {
            if !SECCOMP_ARCHES.contains(&name.as_str()) {
                report(
                    *range,
                    format!(
                        "unknown architecture `{name}`: the engine refuses the profile on {} hosts{}",
                        map.architecture,
                        seccomp_arch_hint(name)
                    ),
                );
            }
        }
    }
    for (flag, range) in &spans.flags {
        if !FLAGS.contains(&flag.as_str()) {
            report(
                *range,
                format!("unknown filter flag `{flag}`: the engine refuses the profile"),
            );
        }
    }
    for (rule, rule_spans) in profile.syscalls.iter().zip(&spans.rules) {
        match (rule.action_kind(), rule_spans.action) {
            (Some(Action::Notify), _) => {
                for (name, range) in rule.all_names().zip(&rule_spans.names) {
                    if name == "write" {
                        report(
                            *range,
                            "`SCMP_ACT_NOTIFY` cannot be used for `write`: the engine refuses the profile".to_owned(),
                        );
                    }
                }
            }
            (Some(_), _) => {}
            (None, Some(range)) => report(range, unknown_action(&rule.action)),
            (None, None) => report(
                rule_spans.rule,
                "a rule without `action`: the engine refuses the profile".to_owned(),
            ),
        }
        if let Some((_, name_key)) = rule_spans.name_and_names {
            report(
                name_key,
                "both `name` and `names`: the engine refuses the profile, use `names`".to_owned(),
            );
        }
        for (name, range) in rule.all_names().zip(&rule_spans.names) {
            if name.is_empty() {
                report(
                    *range,
                    "an empty syscall name: the engine refuses the profile".to_owned(),
                );
            }
        }
        for (arg, arg_spans) in rule.args.iter().zip(&rule_spans.args) {
            if arg.index > 5 {
                report(
                    arg_spans.index.unwrap_or(arg_spans.arg),
                    format!(
                        "argument index {} is past the sixth argument (0-5): the engine refuses the profile",
                        arg.index
                    ),
                );
            }
            if arg.op_kind().is_none() {
                report(
                    arg_spans.op.unwrap_or(arg_spans.arg),
                    if arg.op.is_empty() {
                        "a condition without `op`: the engine refuses the profile".to_owned()
                    } else {
                        format!(
                            "unknown operator `{}`: the engine refuses the profile{}",
                            arg.op,
                            did_you_mean(&arg.op, &Op::NAMES)
                        )
                    },
                );
            }
        }
    }
}

fn unknown_names(spanned: &SpannedProfile, out: &mut Vec<Diagnostic>) {
    let mut candidates: Option<Vec<&'static str>> = None;
    for (rule, rule_spans) in spanned.profile.syscalls.iter().zip(&spanned.spans.rules) {
        for (name, range) in rule.all_names().zip(&rule_spans.names) {
            if name.is_empty() || is_known_syscall(name) {
                continue;
            }
            let known = candidates.get_or_insert_with(known_syscall_names);
            out.push(Diagnostic::new(
                UnknownSeccompSyscall::META,
                *range,
                format!(
                    "unknown syscall `{name}`: the engine ignores it{}",
                    did_you_mean(name, known)
                ),
            ));
        }
    }
}

fn unknown_fields(spanned: &SpannedProfile, out: &mut Vec<Diagnostic>) {
    for field in &spanned.spans.unknown_fields {
        let place = if field.path.is_empty() {
            String::new()
        } else {
            format!(" in `{}`", field.path)
        };
        let hint = field
            .suggestion
            .map(|known| format!(" (did you mean `{known}`?)"))
            .unwrap_or_default();
        let (consequence, severity) =
            if field.path.ends_with(".includes") || field.suggestion == Some("includes") {
                (", so the rule applies to every container", Severity::High)
            } else if field.path.ends_with(".excludes") || field.suggestion == Some("excludes") {
                (", so the rule is never excluded", Severity::Medium)
            } else {
                ("", Severity::Medium)
            };
        out.push(
            Diagnostic::new(
                UnknownSeccompField::META,
                field.range,
                format!(
                    "unknown key `{}`{place}: the engine ignores it{consequence}{hint}",
                    field.key
                ),
            )
            .with_severity(severity),
        );
    }
}

fn unmatchable(spanned: &SpannedProfile, out: &mut Vec<Diagnostic>) {
    let profile = &spanned.profile;
    for (rule, rule_spans) in profile.syscalls.iter().zip(&spanned.spans.rules) {
        for (filter, spans, included) in [
            (&rule.includes, &rule_spans.includes, true),
            (&rule.excludes, &rule_spans.excludes, false),
        ] {
            conditions(filter, spans, included, out);
        }
    }
    for (map, spans) in profile.arch_map.iter().zip(&spanned.spans.arch_map) {
        if SECCOMP_ARCHES.contains(&map.architecture.as_str()) {
            continue;
        }
        out.push(Diagnostic::new(
            UnmatchableSeccompCondition::META,
            spans.architecture.unwrap_or_default(),
            format!(
                "`archMap` architecture `{}` matches no host, so the entry is never used{}",
                map.architecture,
                seccomp_arch_hint(&map.architecture)
            ),
        ));
    }
}

fn conditions(
    filter: &crate::profile::Filter,
    spans: &FilterSpans,
    included: bool,
    out: &mut Vec<Diagnostic>,
) {
    let consequence = if included {
        "so the rule never applies"
    } else {
        "so the rule is never excluded"
    };
    for (cap, range) in filter.caps.iter().zip(&spans.caps) {
        if Capability::from_engine_name(cap).is_some() {
            continue;
        }
        let message = match Capability::from_name(cap) {
            Some(capability) => {
                format!("`{cap}` never matches: the engine compares `{capability}`, {consequence}")
            }
            None => format!("unknown capability `{cap}` never matches, {consequence}"),
        };
        out.push(Diagnostic::new(
            UnmatchableSeccompCondition::META,
            *range,
            message,
        ));
    }
    for (arch, range) in filter.arches.iter().zip(&spans.arches) {
        if DOCKER_ARCHES.contains(&arch.as_str()) {
            continue;
        }
        let hint = match Arch::parse(arch) {
            Some(known) => format!(" (did you mean `{}`?)", known.docker_name()),
            None => did_you_mean(arch, DOCKER_ARCHES),
        };
        out.push(Diagnostic::new(
            UnmatchableSeccompCondition::META,
            *range,
            format!("architecture `{arch}` never matches, {consequence}{hint}"),
        ));
    }
}

fn architectures(
    spanned: &SpannedProfile,
    arch: Arch,
    start: TextRange,
    out: &mut Vec<Diagnostic>,
) {
    let profile = &spanned.profile;
    if profile.default_action.is_empty() && profile.syscalls.is_empty() {
        return;
    }
    if !profile.architectures_for(arch).is_empty() {
        return;
    }
    let sub = match arch {
        Arch::X86_64 => "x86 and x32",
        Arch::Aarch64 => "arm",
    };
    let (range, message) = match spanned.spans.arch_map.first() {
        Some(first) => (
            first.architecture.unwrap_or(start),
            format!(
                "`archMap` has no entry for {}: on such hosts {sub} syscalls kill the process",
                arch.seccomp_name()
            ),
        ),
        None => (
            start,
            format!("no `architectures`: {sub} syscalls kill the process on {arch} hosts"),
        ),
    };
    out.push(Diagnostic::new(
        SeccompArchitecturesMissing::META,
        range,
        message,
    ));
}

fn widened(
    spanned: &SpannedProfile,
    options: &LintOptions,
    start: TextRange,
    out: &mut Vec<Diagnostic>,
) {
    let profile = &spanned.profile;
    let custom = resolve(profile, options.arch, options.caps, options.kernel);
    let reference = resolve(docker_default(), options.arch, options.caps, options.kernel);
    let default_range = spanned.spans.default_action.unwrap_or(start);
    if custom.unconfined {
        out.push(Diagnostic::new(
            SeccompDefaultAllow::META,
            start,
            "no `defaultAction` and no rules: the engine runs the container without seccomp"
                .to_owned(),
        ));
        return;
    }
    if profile.default_action_kind().is_some_and(Action::allows) {
        out.push(Diagnostic::new(
            SeccompDefaultAllow::META,
            default_range,
            "the default action allows: every syscall not listed, and every one future kernels add, is open"
                .to_owned(),
        ));
    }

    // Syscalls opened by name, at the name; those opened by the default action, together.
    let mut by_default = Vec::new();
    for (name, verdict) in &custom.verdicts {
        if *verdict != Verdict::Allowed || reference.verdicts.get(name) == Some(&Verdict::Allowed) {
            continue;
        }
        let filtered = reference.verdicts.get(name) == Some(&Verdict::ArgumentFilter);
        let (risk, why) = risk(name).unwrap_or((Risk::Medium, "Docker's default blocks it"));
        let severity = match risk {
            Risk::High => Severity::High,
            Risk::Medium => Severity::Medium,
        };
        match allowed_at(spanned, &custom, options, name) {
            Some(range) => {
                let message = if filtered {
                    format!(
                        "allows `{name}` without the argument filter of Docker's default: {why}"
                    )
                } else {
                    format!("allows `{name}`, which Docker's default blocks: {why}")
                };
                out.push(
                    Diagnostic::new(SeccompAllowsBlockedSyscall::META, range, message)
                        .with_severity(severity),
                );
            }
            None => by_default.push((risk, *name)),
        }
    }
    if !by_default.is_empty() {
        by_default.sort();
        let severity = if by_default[0].0 == Risk::High {
            Severity::High
        } else {
            Severity::Medium
        };
        let shown: Vec<String> = by_default
            .iter()
            .take(8)
            .map(|(_, name)| format!("`{name}`"))
            .collect();
        let more = if by_default.len() > shown.len() {
            ", …"
        } else {
            ""
        };
        out.push(
            Diagnostic::new(
                SeccompAllowsBlockedSyscall::META,
                default_range,
                format!(
                    "the default action allows {} syscalls Docker's default blocks, among them {}{more}",
                    by_default.len(),
                    shown.join(", ")
                ),
            )
            .with_severity(severity),
        );
    }
}

/// Where a syscall is allowed by name: the first unconditional allow rule that applies to the
/// container and names it.
fn allowed_at(
    spanned: &SpannedProfile,
    resolution: &Resolution,
    options: &LintOptions,
    name: &str,
) -> Option<TextRange> {
    spanned
        .profile
        .syscalls
        .iter()
        .zip(&spanned.spans.rules)
        .filter(|(rule, _)| {
            rule.args.is_empty()
                && rule.action_kind().is_some_and(Action::allows)
                && applies(rule, resolution.arch, options.caps, options.kernel)
        })
        .find_map(|(rule, spans)| {
            rule.all_names()
                .zip(&spans.names)
                .find(|(candidate, _)| *candidate == name)
                .map(|(_, range)| *range)
        })
}

/// The libseccomp name of an architecture written another way (`x86_64`, `arm64`).
fn seccomp_arch_hint(name: &str) -> String {
    match Arch::parse(name) {
        Some(arch) => format!(" (did you mean `{}`?)", arch.seccomp_name()),
        None => did_you_mean(name, SECCOMP_ARCHES),
    }
}

/// ` (did you mean `x`?)` for the closest candidate, or nothing.
fn did_you_mean(text: &str, candidates: &[&str]) -> String {
    let limit = 2.max(text.chars().count() / 4);
    candidates
        .iter()
        .map(|candidate| (edit_distance(text, candidate), *candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, candidate)| format!(" (did you mean `{candidate}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::{Severity, SourceFile};

    use super::{LintOptions, RULES, lint};

    /// `(line, column, code, severity, message)` of each finding.
    fn findings(text: &str) -> Vec<(u32, u32, &'static str, Severity, String)> {
        let source = SourceFile::new("profile.json", text);
        lint(text, &LintOptions::default())
            .expect("decodes")
            .into_iter()
            .map(|diagnostic| {
                let at = source.line_column(diagnostic.range.start());
                (
                    at.line,
                    at.column,
                    diagnostic.rule.code,
                    diagnostic.severity,
                    diagnostic.message,
                )
            })
            .collect()
    }

    #[test]
    fn dockers_default_is_clean() {
        assert!(findings(crate::profile::DOCKER_DEFAULT_JSON).is_empty());
        for arch in crate::arch::Arch::ALL {
            let options = LintOptions {
                arch,
                ..LintOptions::default()
            };
            assert!(
                lint(crate::profile::DOCKER_DEFAULT_JSON, &options)
                    .unwrap()
                    .is_empty()
            );
        }
    }

    #[test]
    fn positions_of_names_actions_and_keys() {
        let text = "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"architectures\": [\"SCMP_ARCH_X86_64\"],\n  \"syscalls\": [\n    {\"names\": [\"read\", \"keyctl\", \"opne\"], \"action\": \"SCMP_ACT_ALLOW\"},\n    {\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALOW\"},\n    {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\", \"include\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}\n  ]\n}\n";
        let found = findings(text);
        let summary: Vec<(u32, u32, &str, Severity)> = found
            .iter()
            .map(|(line, column, code, severity, _)| (*line, *column, *code, *severity))
            .collect();
        assert_eq!(
            summary,
            [
                (5, 24, "SCP105", Severity::High),
                (5, 34, "SCP102", Severity::Medium),
                (6, 36, "SCP101", Severity::High),
                (7, 16, "SCP105", Severity::High),
                (7, 54, "SCP106", Severity::High),
            ],
            "{found:#?}"
        );
        assert_eq!(
            found[0].4,
            "allows `keyctl`, which Docker's default blocks: kernel keyrings are not namespaced: the keys of other containers and of the host"
        );
        assert_eq!(
            found[1].4,
            "unknown syscall `opne`: the engine ignores it (did you mean `open`?)"
        );
        assert_eq!(
            found[2].4,
            "unknown action `SCMP_ACT_ALOW`: the engine refuses the profile (did you mean `SCMP_ACT_ALLOW`?)"
        );
        assert_eq!(
            found[4].4,
            "unknown key `include` in `syscalls[2]`: the engine ignores it, so the rule applies to every container (did you mean `includes`?)"
        );
    }

    #[test]
    fn deny_lists_and_unconfined_profiles() {
        let found = findings(
            "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
        );
        let codes: Vec<&str> = found.iter().map(|finding| finding.2).collect();
        assert_eq!(codes, ["SCP104", "SCP103", "SCP105"], "{found:#?}");
        assert_eq!(
            found[0].4,
            "no `architectures`: x86 and x32 syscalls kill the process on x86_64 hosts"
        );
        assert!(
            found[2].4.starts_with("the default action allows 76 syscalls Docker's default blocks, among them `add_key`, `bpf`, `clone`,"),
            "{}",
            found[2].4
        );
        // mount is denied by name, so it is not among them.
        assert!(!found[2].4.contains("`mount`"));
        assert_eq!(found[2].3, Severity::High);
        let off = findings("{}");
        assert_eq!(off.len(), 1);
        assert_eq!(
            off[0].4,
            "no `defaultAction` and no rules: the engine runs the container without seccomp"
        );
    }

    #[test]
    fn what_the_engine_refuses() {
        let text = r#"{"defaultAction": "SCMP_ACT_NOTIFY", "architectures": ["SCMP_ARCH_X86_64", "x86_64"],
            "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_I386"]}],
            "flags": ["SECCOMP_FILTER_FLAG_NOPE"],
            "syscalls": [{"name": "read", "names": ["write", ""], "action": "SCMP_ACT_NOTIFY",
                          "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQUAL"}]}]}"#;
        let messages: Vec<String> = findings(text)
            .into_iter()
            .filter(|finding| finding.2 == "SCP101")
            .map(|finding| finding.4)
            .collect();
        for expected in [
            "`SCMP_ACT_NOTIFY` cannot be the default action: the engine refuses the profile",
            "both `architectures` and `archMap`: the engine refuses the profile, use one",
            "unknown architecture `x86_64`: the engine refuses the profile",
            "unknown architecture `SCMP_ARCH_I386`: the engine refuses the profile on SCMP_ARCH_X86_64 hosts",
            "unknown filter flag `SECCOMP_FILTER_FLAG_NOPE`: the engine refuses the profile",
            "`SCMP_ACT_NOTIFY` cannot be used for `write`: the engine refuses the profile",
            "both `name` and `names`: the engine refuses the profile, use `names`",
            "an empty syscall name: the engine refuses the profile",
            "argument index 6 is past the sixth argument (0-5): the engine refuses the profile",
            "unknown operator `SCMP_CMP_EQUAL`: the engine refuses the profile (did you mean `SCMP_CMP_EQ`?)",
        ] {
            assert!(
                messages.iter().any(|message| message.starts_with(expected)),
                "{expected}: {messages:#?}"
            );
        }
    }

    #[test]
    fn conditions_that_never_match() {
        let text = r#"{"defaultAction": "SCMP_ACT_ERRNO",
            "archMap": [{"architecture": "x86_64", "subArchitectures": []}],
            "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ALLOW",
              "includes": {"caps": ["SYS_ADMIN"], "arches": ["x86_64"]},
              "excludes": {"caps": ["CAP_FLY"], "capabilities": []}}]}"#;
        let messages: Vec<(&str, String)> = findings(text)
            .into_iter()
            .map(|finding| (finding.2, finding.4))
            .collect();
        let expected = [
            (
                "SCP104",
                "`archMap` has no entry for SCMP_ARCH_X86_64: on such hosts x86 and x32 syscalls kill the process",
            ),
            (
                "SCP107",
                "`archMap` architecture `x86_64` matches no host, so the entry is never used (did you mean `SCMP_ARCH_X86_64`?)",
            ),
            (
                "SCP107",
                "`SYS_ADMIN` never matches: the engine compares `CAP_SYS_ADMIN`, so the rule never applies",
            ),
            (
                "SCP107",
                "architecture `x86_64` never matches, so the rule never applies (did you mean `amd64`?)",
            ),
            (
                "SCP107",
                "unknown capability `CAP_FLY` never matches, so the rule is never excluded",
            ),
            (
                "SCP106",
                "unknown key `capabilities` in `syscalls[0].excludes`: the engine ignores it, so the rule is never excluded (did you mean `caps`?)",
            ),
        ];
        for (code, message) in expected {
            assert!(
                messages.iter().any(|(c, m)| *c == code && m == message),
                "{code} {message}: {messages:#?}"
            );
        }
        assert_eq!(messages.len(), expected.len(), "{messages:#?}");
    }

    #[test]
    fn undecodable_profiles_are_errors() {
        let error = lint("{\"defaultAction\": \n", &LintOptions::default()).unwrap_err();
        assert_eq!(error.line, 2);
        let error = lint("{\"defaultAction\": 7}", &LintOptions::default()).unwrap_err();
        assert_eq!((error.line, error.column), (1, 19));
    }

    /// Each rule's documentation: the required headings, an Example that fires the rule and a
    /// Use instead that is clean.
    #[test]
    fn rule_documentation() {
        let mut codes: Vec<&str> = RULES.iter().map(|rule| rule.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), RULES.len());
        for rule in RULES {
            for heading in [
                "What it does",
                "Why is this bad?",
                "Example",
                "Use instead",
                "Fix safety",
                "References",
            ] {
                assert!(
                    !rule.section(heading).is_empty(),
                    "{}: {heading}",
                    rule.name
                );
            }
            let block = |heading: &str| {
                let section = rule.section(heading);
                let Some((body, _)) = section
                    .split_once("```json\n")
                    .and_then(|(_, rest)| rest.split_once("```"))
                else {
                    panic!("{}: no json block under {heading}", rule.name);
                };
                let body = body.to_owned();
                lint(&body, &LintOptions::default())
                    .unwrap_or_else(|error| panic!("{}: {heading}: {error}", rule.name))
            };
            assert!(
                block("Example").iter().any(|d| d.rule.code == rule.code),
                "{}: the example does not fire",
                rule.name
            );
            let clean = block("Use instead");
            assert!(
                clean.is_empty(),
                "{}: use instead fires {clean:#?}",
                rule.name
            );
        }
    }
}
