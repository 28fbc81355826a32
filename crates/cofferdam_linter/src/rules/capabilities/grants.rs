//! What each Linux capability lets a container do: Docker's default set, and a risk grade for
//! every capability outside it. One table, read by the capability rules and described in the
//! documentation of `dangerous-capability-added`.

use cofferdam_diagnostics::Severity;

/// Docker's default capability set (moby `oci/caps/defaults.go`), riskiest first: what a
/// container keeps unless it drops capabilities.
pub const DOCKER_DEFAULT: [&str; 14] = [
    "NET_RAW",
    "DAC_OVERRIDE",
    "SETUID",
    "SETGID",
    "SETPCAP",
    "SETFCAP",
    "MKNOD",
    "CHOWN",
    "FOWNER",
    "FSETID",
    "SYS_CHROOT",
    "KILL",
    "AUDIT_WRITE",
    "NET_BIND_SERVICE",
];

/// A capability outside Docker's default set, graded by what it gives a container.
pub struct Grant {
    pub name: &'static str,
    pub severity: Severity,
    /// What it lets the container do, for messages: "adds NAME: <effect>".
    pub effect: &'static str,
}

const fn grant(name: &'static str, severity: Severity, effect: &'static str) -> Grant {
    Grant {
        name,
        severity,
        effect,
    }
}

/// Every capability that is not in Docker's default set, riskiest first. Keep in step with the
/// table in `dangerous_capability_added.rs`.
pub const GRANTS: &[Grant] = &[
    grant(
        "ALL",
        Severity::Critical,
        "every capability, as much kernel privilege as root on the host has",
    ),
    grant(
        "SYS_ADMIN",
        Severity::Critical,
        "mount, namespaces and most of root's other powers; the usual way out of a container",
    ),
    grant(
        "SYS_MODULE",
        Severity::Critical,
        "a loaded kernel module runs as code in the host's kernel",
    ),
    grant(
        "SYS_RAWIO",
        Severity::Critical,
        "raw I/O ports and device memory give direct access to the host's hardware",
    ),
    grant(
        "DAC_READ_SEARCH",
        Severity::High,
        "open_by_handle_at reads any file on the host (the \"shocker\" escape)",
    ),
    grant(
        "SYS_PTRACE",
        Severity::High,
        "the container can read and rewrite the memory of processes it can see",
    ),
    grant(
        "NET_ADMIN",
        Severity::High,
        "interfaces, routes and firewall rules can be reconfigured and traffic sniffed",
    ),
    grant(
        "BPF",
        Severity::High,
        "eBPF programs run in the host's kernel and can read kernel memory",
    ),
    grant(
        "PERFMON",
        Severity::High,
        "perf events expose kernel addresses and other processes' activity",
    ),
    grant(
        "MAC_ADMIN",
        Severity::High,
        "AppArmor, SELinux or Smack policy can be loaded or changed",
    ),
    grant(
        "MAC_OVERRIDE",
        Severity::High,
        "mandatory access control (Smack) no longer applies to the container",
    ),
    grant(
        "AUDIT_CONTROL",
        Severity::High,
        "the host's kernel audit rules can be changed or switched off",
    ),
    grant(
        "SYS_BOOT",
        Severity::High,
        "reboot(2), which restarts the host when the host's pid namespace is shared",
    ),
    grant(
        "SYS_TIME",
        Severity::High,
        "the clock is not namespaced, so this sets the host's time",
    ),
    grant(
        "SYSLOG",
        Severity::Medium,
        "the kernel log exposes kernel addresses that defeat KASLR",
    ),
    grant(
        "AUDIT_READ",
        Severity::Medium,
        "the host's audit log can be read over netlink",
    ),
    grant(
        "SYS_RESOURCE",
        Severity::Medium,
        "resource limits, quotas and reserved disk space no longer bind the container",
    ),
    grant(
        "CHECKPOINT_RESTORE",
        Severity::Low,
        "process ids can be chosen and other processes' mapped files opened",
    ),
    grant(
        "SYS_PACCT",
        Severity::Low,
        "process accounting can be switched on or off",
    ),
    grant(
        "SYS_NICE",
        Severity::Low,
        "priorities and CPU affinity of the container's processes can be raised",
    ),
    grant(
        "IPC_LOCK",
        Severity::Low,
        "memory can be locked, which can starve the host",
    ),
    grant(
        "IPC_OWNER",
        Severity::Low,
        "permission checks on System V IPC objects are bypassed",
    ),
    grant(
        "LINUX_IMMUTABLE",
        Severity::Low,
        "immutable and append-only file attributes can be changed",
    ),
    grant(
        "LEASE",
        Severity::Low,
        "file leases can be taken on any file",
    ),
    grant(
        "SYS_TTY_CONFIG",
        Severity::Low,
        "terminals can be configured and hung up",
    ),
    grant(
        "WAKE_ALARM",
        Severity::Low,
        "alarms can wake the host from suspend",
    ),
    grant(
        "BLOCK_SUSPEND",
        Severity::Low,
        "the host can be kept from suspending",
    ),
    grant(
        "NET_BROADCAST",
        Severity::Low,
        "broadcast and multicast sockets (unused by current kernels)",
    ),
];

/// The grade of a capability outside Docker's default set; `None` for default capabilities and
/// for names the kernel does not know (Docker refuses those).
pub fn find(name: &str) -> Option<&'static Grant> {
    GRANTS.iter().find(|grant| grant.name == name)
}

#[cfg(test)]
mod tests {
    use super::{DOCKER_DEFAULT, GRANTS, find};

    #[test]
    fn every_capability_is_either_default_or_graded_once() {
        // The 41 capabilities of Linux 6.x plus `ALL`.
        assert_eq!(DOCKER_DEFAULT.len() + GRANTS.len(), 42);
        for grant in GRANTS {
            assert!(!DOCKER_DEFAULT.contains(&grant.name), "{}", grant.name);
            assert_eq!(
                GRANTS
                    .iter()
                    .filter(|other| other.name == grant.name)
                    .count(),
                1
            );
            assert!(
                grant.effect.len() <= 90 && !grant.effect.ends_with('.'),
                "{}",
                grant.name
            );
        }
        assert!(find("SYS_ADMIN").is_some() && find("CHOWN").is_none());
        assert!(find("SYS_ADMINN").is_none());
    }
}
