//! `userns-remap-disabled`: containers' root is the host's root (no user-namespace remapping).

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks that the daemon remaps users (`userns-remap` in daemon.json, `name=userns` in
    /// `docker info`'s security options) or runs rootless.
    ///
    /// ## Why is this bad?
    /// Without remapping, uid 0 in a container is uid 0 on the host: a process that escapes
    /// its container (a kernel bug, a mounted socket, a writable host path) is root there.
    /// With `userns-remap`, container root maps to an unprivileged range such as 100000–165535.
    ///
    /// ## Example
    /// ```json
    /// {"live-restore": true}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"live-restore": true, "userns-remap": "default"}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: remapping changes who owns volume files and is incompatible with some
    /// options (`--pid host`, `--network host` need `--userns host`); existing images and
    /// volumes are stored again under the remapped root.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/userns-remap/>
    /// - CIS Docker Benchmark 2.9
    pub struct UsernsRemapDisabled {
        code: "DMN005",
        name: "userns-remap-disabled",
        category: Daemon,
        severity: Low,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.9"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let facts = ctx.facts;
    if let Some(info) = &facts.info {
        let remapped = info.security_options.iter().any(|option| {
            option
                .value
                .split(',')
                .any(|part| part == "name=userns" || part == "name=rootless")
        });
        if remapped {
            return;
        }
    } else if !ctx.config_known() {
        return;
    }
    if facts
        .text_setting("userns-remap")
        .is_some_and(|value| !value.value.trim().is_empty())
    {
        return;
    }
    let (range, how) = ctx.add_here();
    out.push(
        ctx.diagnostic(
            UsernsRemapDisabled::META,
            range,
            "user namespaces are not remapped: root in a container is root on the host",
        )
        .with_fix(Fix::display_only(format!(
            "{how} `\"userns-remap\": \"default\"` (or run the daemon rootless)"
        ))),
    );
}
