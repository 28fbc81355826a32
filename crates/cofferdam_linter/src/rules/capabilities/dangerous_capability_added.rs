//! `dangerous-capability-added`: `cap_add` / `--cap-add` grants a capability outside Docker's
//! default set, graded by what that capability allows.

use cofferdam_diagnostics::{Diagnostic, Severity, declare_rule};

use crate::model::container::is_variable;
use crate::rules::ContainerContext;
use crate::rules::capabilities::grants;

declare_rule! {
    /// ## What it does
    /// Checks `cap_add` (`--cap-add`, `HostConfig.CapAdd`) for capabilities beyond Docker's
    /// default set and reports each one at the list item that adds it, with a severity that
    /// depends on the capability (table below). Names are matched in any case, with or
    /// without `CAP_`. Capabilities that are already in Docker's default set (`CHOWN`,
    /// `NET_BIND_SERVICE`, `NET_RAW`, …) are not reported here: adding them back after
    /// `cap_drop: [ALL]` is the recommended pattern, and keeping them is
    /// `capabilities-not-dropped`'s concern.
    ///
    /// | capability | severity | what it lets the container do |
    /// |---|---|---|
    /// | `ALL` | critical | every capability; an added `ALL` wins over `cap_drop: [ALL]` |
    /// | `SYS_ADMIN` | critical | mount filesystems, create namespaces, load BPF, and most of root's other powers; the classic escapes (cgroup `release_agent`, mounting the host disk) start here |
    /// | `SYS_MODULE` | critical | load kernel modules: code in the host's kernel |
    /// | `SYS_RAWIO` | critical | `iopl`/`ioperm` and raw device memory: direct access to the host's hardware |
    /// | `DAC_READ_SEARCH` | high | `open_by_handle_at` opens any inode of a host filesystem by handle: the "shocker" escape reads `/etc/shadow` of the host. Often listed as harmless because it "only" bypasses read permission checks |
    /// | `SYS_PTRACE` | high (critical with `pid: host`) | read and rewrite the memory of processes the container can see; with the host's pid namespace, of host processes |
    /// | `NET_ADMIN` | high (critical with `network_mode: host`) | reconfigure interfaces, routes and iptables, sniff in promiscuous mode; with host networking, the host's own |
    /// | `BPF` | high | load eBPF programs into the host's kernel (tracing programs can read kernel memory) |
    /// | `PERFMON` | high | perf events: kernel addresses and other processes' activity |
    /// | `MAC_ADMIN` | high | load or change AppArmor, SELinux or Smack policy, including the container's own |
    /// | `MAC_OVERRIDE` | high | bypass Smack mandatory access control |
    /// | `AUDIT_CONTROL` | high | change or disable the host's kernel audit rules (audit is not namespaced) |
    /// | `SYS_BOOT` | high (critical with `pid: host`) | `reboot(2)`: ends the container's pid namespace, or restarts the host when it shares the host's |
    /// | `SYS_TIME` | high | set the clock, which is the host's clock: breaks TLS validity checks, tokens and logs host-wide |
    /// | `SYSLOG` | medium | read and clear the kernel log, whose addresses defeat KASLR |
    /// | `AUDIT_READ` | medium | read the host's audit log over netlink |
    /// | `SYS_RESOURCE` | medium | exceed resource limits, quotas and reserved disk space |
    /// | `CHECKPOINT_RESTORE` | low | choose process ids, open other processes' mapped files |
    /// | `SYS_PACCT` | low | switch process accounting on or off |
    /// | `SYS_NICE` | low | raise priorities and pin CPUs, starving neighbours |
    /// | `IPC_LOCK` | low | lock memory, which cannot be reclaimed |
    /// | `IPC_OWNER` | low | bypass permission checks on System V IPC objects |
    /// | `LINUX_IMMUTABLE` | low | change immutable and append-only attributes |
    /// | `LEASE` | low | take file leases on any file |
    /// | `SYS_TTY_CONFIG` | low | configure and hang up terminals |
    /// | `WAKE_ALARM` | low | set alarms that wake the host |
    /// | `BLOCK_SUSPEND` | low | keep the host from suspending |
    /// | `NET_BROADCAST` | low | broadcast and multicast sockets (unused by current kernels) |
    ///
    /// A capability added to a privileged container is still reported: `privileged:` grants
    /// everything anyway, but the `cap_add` entry stays when `privileged:` is removed.
    ///
    /// ## Why is this bad?
    /// Capabilities split root's power into pieces, and the ones outside Docker's default set
    /// reach beyond the container: the kernel, the hardware, host files, other processes or
    /// host-wide state such as the clock and the audit rules. Docker's default seccomp profile
    /// also unblocks the matching system calls when a capability is added (`mount` and
    /// `unshare` for `SYS_ADMIN`, `open_by_handle_at` for `DAC_READ_SEARCH`, `ptrace` for
    /// `SYS_PTRACE`, `bpf`, `perf_event_open`, `init_module`, …), so adding one removes two
    /// layers of defence at once.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: example/backup:2.3
    ///     cap_add: [SYS_ADMIN, DAC_READ_SEARCH]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: example/backup:2.3
    ///     cap_drop: [ALL]
    ///     cap_add: [CHOWN]
    ///     volumes: ["/srv/data:/data:ro"]
    /// ```
    ///
    /// Mount what the container needs from the outside instead of letting it mount, run
    /// debuggers (`SYS_PTRACE`) in a separate container only while debugging, and keep network
    /// setup (`NET_ADMIN`) in a one-shot init container.
    ///
    /// ## Fix safety
    /// Unsafe: removes the setting where it is written (its compose key or list item, or the
    /// run-line option with its value), as `harden-run` does. Whether the workload can do without the capability has to be
    /// tested.
    ///
    /// ## References
    /// - <https://man7.org/linux/man-pages/man7/capabilities.7.html>
    /// - <https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities>
    /// - <https://github.com/gabrielcorado/shocker> (the `DAC_READ_SEARCH` escape)
    /// - CIS Docker Benchmark 5.3
    pub struct DangerousCapabilityAdded {
        code: "CAP002",
        name: "dangerous-capability-added",
        category: Capabilities,
        severity: High,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Kics "ce76b7d0-9e77-464d-b86f-c5c48e03e22d", Cis "5.3"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    let host_pid = is_host(spec.namespaces.pid.as_ref().map(|mode| mode.value.as_str()));
    let host_network = is_host(
        spec.namespaces
            .network
            .as_ref()
            .map(|mode| mode.value.as_str()),
    );
    for cap in &spec.cap_add {
        if is_variable(&cap.value) {
            continue;
        }
        let Some(grant) = grants::find(&cap.value) else {
            continue;
        };
        // Accepted for this service in the configuration (`allowed-capabilities`).
        if ctx.settings.capability_allowed(&spec.name, grant.name) {
            continue;
        }
        // Shared host namespaces turn a container-wide power into a host-wide one.
        let (severity, effect) = match grant.name {
            "SYS_PTRACE" if host_pid => (
                Severity::Critical,
                "with the host's pid namespace, host processes' memory can be read and rewritten",
            ),
            "SYS_BOOT" if host_pid => (
                Severity::Critical,
                "with the host's pid namespace, reboot(2) restarts the host",
            ),
            "NET_ADMIN" if host_network => (
                Severity::Critical,
                "with host networking, the host's interfaces, routes and firewall can be rewritten",
            ),
            _ => (grant.severity, grant.effect),
        };
        let message = if grant.name == "ALL" {
            format!("adds ALL capabilities: {effect}")
        } else {
            format!("adds {}: {effect}", grant.name)
        };
        let fix = format!(
            "remove `{}` from {} unless the workload cannot run without it; start from `{}` \
             and add back the narrowest capability that works",
            grant.name,
            ctx.spelled("`cap_add`", "`--cap-add`"),
            ctx.spelled("cap_drop: [ALL]", "--cap-drop ALL"),
        );
        let fix = ctx.removal_fix(fix, "cap_add", cap.range, |other| {
            !ctx.settings.capability_allowed(&other.name, grant.name)
        });
        out.push(
            ctx.diagnostic(DangerousCapabilityAdded::META, cap.range, message)
                .with_severity(severity)
                .with_fix(fix),
        );
    }
}

fn is_host(mode: Option<&str>) -> bool {
    mode.is_some_and(|mode| mode.trim() == "host")
}

#[cfg(test)]
mod tests {
    use super::DangerousCapabilityAdded;
    use crate::rules::capabilities::grants::GRANTS;
    use crate::rules::test::graded;
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn graded_per_capability_at_the_item() {
        let text = "services:\n  a:\n    cap_add:\n      - SYS_ADMIN\n      - cap_sys_ptrace\n      - syslog\n      - lease\n      - CHOWN\n      - NET_BIND_SERVICE\n";
        assert_eq!(
            graded(DangerousCapabilityAdded::META, text),
            [(4, "critical"), (5, "high"), (6, "medium"), (7, "low")]
        );
    }

    #[test]
    fn messages_name_the_capability() {
        let found = compose_findings(
            DangerousCapabilityAdded::META,
            &[(
                "compose.yaml",
                "services:\n  a:\n    cap_add: [dac_read_search, all]\n",
            )],
        );
        assert_eq!(found.len(), 2);
        assert!(
            found[0]
                .2
                .starts_with("adds DAC_READ_SEARCH: open_by_handle_at"),
            "{}",
            found[0].2
        );
        assert!(
            found[1]
                .2
                .starts_with("adds ALL capabilities: every capability"),
            "{}",
            found[1].2
        );
    }

    #[test]
    fn shared_host_namespaces_raise_the_grade() {
        let text = "services:\n  a:\n    pid: host\n    network_mode: host\n    cap_add: [SYS_PTRACE, NET_ADMIN, SYS_BOOT, SYS_TIME]\n  b:\n    pid: \"service:a\"\n    cap_add: [SYS_PTRACE]\n";
        assert_eq!(
            graded(DangerousCapabilityAdded::META, text),
            [
                (5, "critical"),
                (5, "critical"),
                (5, "critical"),
                (5, "high"),
                (8, "high")
            ]
        );
    }

    #[test]
    fn defaults_unknown_names_and_variables_are_not_reported() {
        let text =
            "services:\n  a:\n    cap_add: [NET_RAW, SETUID, SYS_ADMINN, \"${EXTRA_CAP}\"]\n";
        assert!(compose_lines(DangerousCapabilityAdded::META, text).is_empty());
    }

    #[test]
    fn merged_lists_and_anchors_point_where_written() {
        let text = "x-debug: &debug\n  cap_add: [SYS_PTRACE]\nservices:\n  a:\n    <<: *debug\n  b:\n    <<: *debug\n    cap_add: [NET_ADMIN]\n";
        // A service's own `cap_add` replaces the merged one (YAML merge keys do not append).
        assert_eq!(compose_lines(DangerousCapabilityAdded::META, text), [2, 8]);
    }

    #[test]
    fn the_documentation_table_matches_the_grades() {
        let doc = DangerousCapabilityAdded::META.documentation();
        for grant in GRANTS {
            let row = format!("| `{}` | {}", grant.name, grant.severity.as_str());
            assert!(doc.contains(&row), "missing or different row: {row}");
        }
    }
}
