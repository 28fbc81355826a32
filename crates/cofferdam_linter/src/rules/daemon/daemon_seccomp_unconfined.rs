//! `daemon-seccomp-unconfined`: the daemon runs containers without a seccomp filter by default.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks the daemon-wide seccomp profile: `"seccomp-profile": "unconfined"` in
    /// daemon.json (or `--seccomp-profile unconfined`), `profile=unconfined` in `docker
    /// info`'s security options, or no seccomp support at all (no `name=seccomp` option).
    ///
    /// ## Why is this bad?
    /// Docker's default profile blocks about fifty syscalls used by container escapes and
    /// kernel exploits (`keyctl`, `bpf`, `mount`, `unshare`, `userfaultfd`, …). Turning it off
    /// daemon-wide removes that layer from every container that does not set its own.
    ///
    /// ## Example
    /// ```json
    /// {"seccomp-profile": "unconfined"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"seccomp-profile": "/etc/docker/seccomp/default-plus-io-uring.json"}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: a workload that needed a blocked syscall needs a custom profile
    /// (`cofferdam seccomp record`) rather than none.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/seccomp/>
    /// - CIS Docker Benchmark 2.17
    pub struct DaemonSeccompUnconfined {
        code: "DMN011",
        name: "daemon-seccomp-unconfined",
        category: Daemon,
        severity: Critical,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.17"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let fix = Fix::display_only(
        "remove `seccomp-profile: unconfined` (Docker's default applies) or name a custom profile",
    );
    if let Some(setting) = ctx.facts.text_setting("seccomp-profile") {
        if setting.value.trim().eq_ignore_ascii_case("unconfined") {
            out.push(
                ctx.diagnostic(
                    DaemonSeccompUnconfined::META,
                    setting.range,
                    "every container runs without a seccomp filter unless it sets its own profile",
                )
                .with_fix(fix),
            );
        }
        return;
    }
    let Some(info) = &ctx.facts.info else {
        return;
    };
    let seccomp = info
        .security_options
        .iter()
        .find(|option| option.value.split(',').any(|part| part == "name=seccomp"));
    let (range, message) = match seccomp {
        Some(option)
            if option
                .value
                .split(',')
                .any(|part| part == "profile=unconfined") =>
        {
            (
                option.range,
                "the daemon's default seccomp profile is `unconfined`: containers run without a filter",
            )
        }
        Some(_) => return,
        None => (
            info.security_options_key.unwrap_or(info.range),
            "the daemon reports no seccomp support: containers run without a filter",
        ),
    };
    out.push(
        ctx.diagnostic(DaemonSeccompUnconfined::META, range, message)
            .with_fix(fix),
    );
}
