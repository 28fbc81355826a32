//! `insecure-registry`: the daemon pulls from a registry over plain HTTP or without checking its
//! certificate.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks for insecure registries: `insecure-registries` in daemon.json,
    /// `--insecure-registry`, and those `docker info` lists (`InsecureRegistryCIDRs` beyond
    /// Docker's own `127.0.0.0/8`, index configurations with `Secure: false`).
    ///
    /// ## Why is this bad?
    /// The daemon talks to these registries over HTTP, or over HTTPS without verifying the
    /// certificate: anyone on the path can serve a different image for the same tag, which
    /// then runs on every host that pulls it.
    ///
    /// ## Example
    /// ```json
    /// {"insecure-registries": ["registry.internal:5000"]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"registry-mirrors": ["https://registry.internal"]}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: give the registry a certificate (its CA in
    /// `/etc/docker/certs.d/<host:port>/ca.crt`) before removing the entry.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/certificates/>
    /// - CIS Docker Benchmark 2.5
    pub struct InsecureRegistry {
        code: "DMN010",
        name: "insecure-registry",
        category: Daemon,
        severity: High,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.5"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut registries = ctx.facts.list_setting("insecure-registries");
    // What the running daemon reports counts when the configuration is not known.
    if registries.is_empty()
        && !ctx.config_known()
        && let Some(info) = &ctx.facts.info
    {
        registries.clone_from(&info.insecure_registries);
    }
    for registry in registries {
        out.push(
            ctx.diagnostic(
                InsecureRegistry::META,
                registry.range,
                format!(
                    "images from `{}` are pulled without TLS verification: anyone on the path can replace them",
                    registry.value
                ),
            )
            .with_fix(Fix::display_only(
                "serve the registry over verified TLS (its CA in /etc/docker/certs.d/<host:port>/ca.crt) and remove it from insecure-registries",
            )),
        );
    }
}
