//! `aufs-storage-driver`: the daemon stores images with the removed aufs driver.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use super::HostContext;

declare_rule! {
    /// ## What it does
    /// Checks that the storage driver is not `aufs` (`storage-driver` in daemon.json, `-s`,
    /// `Driver` in `docker info`).
    ///
    /// ## Why is this bad?
    /// aufs is not in mainline kernels, was deprecated in Docker 20.10 and removed in 24.0; it
    /// had known crashes and security issues and no longer receives fixes. `overlay2` is the
    /// supported driver.
    ///
    /// ## Example
    /// ```json
    /// {"storage-driver": "aufs"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"storage-driver": "overlay2"}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: images and containers must be recreated under the new driver.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/storage/drivers/select-storage-driver/>
    /// - CIS Docker Benchmark 2.6
    pub struct AufsStorageDriver {
        code: "DMN018",
        name: "aufs-storage-driver",
        category: Daemon,
        severity: Medium,
        inputs: [Host],
        fix: DisplayOnly,
        aliases: [Cis "2.6"],
    }
}

pub(crate) fn check(ctx: &HostContext<'_>, out: &mut Vec<Diagnostic>) {
    let driver = ctx
        .facts
        .text_setting("storage-driver")
        .or_else(|| ctx.facts.info.as_ref().and_then(|info| info.driver.clone()));
    let Some(driver) = driver.filter(|driver| driver.value.eq_ignore_ascii_case("aufs")) else {
        return;
    };
    out.push(
        ctx.diagnostic(
            AufsStorageDriver::META,
            driver.range,
            "the aufs storage driver is deprecated and removed from current engines",
        )
        .with_fix(Fix::display_only("use `\"storage-driver\": \"overlay2\"`")),
    );
}
