//! Docker's default seccomp profile, embedded and parsed once, and what its blocked syscalls
//! are dangerous for: the risk notes `lint` and `diff` attach to a syscall a profile opens.
//!
//! The data is moby/profiles `seccomp/default.json` (see `data/NOTICE.md`); it is the profile
//! every `docker run` without `--security-opt seccomp=…` gets, resolved per container by
//! [`crate::resolve`].

use std::sync::OnceLock;

use crate::profile::{DOCKER_DEFAULT_JSON, Profile};

/// Docker's default profile, parsed on first use.
pub fn docker_default() -> &'static Profile {
    static PROFILE: OnceLock<Profile> = OnceLock::new();
    PROFILE.get_or_init(|| {
        Profile::parse(DOCKER_DEFAULT_JSON).expect("the embedded default profile parses")
    })
}

/// How much a syscall that Docker's default blocks matters when a profile opens it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Risk {
    /// Used by container escapes and kernel exploits.
    High,
    /// Changes host state or leaks information, but is not a known escape by itself.
    Medium,
}

/// Why Docker's default blocks a syscall, for those whose risk is known; the first
/// [`Risk::High`] group is what container escapes and kernel exploits rely on.
pub const RISKS: &[(&str, Risk, &str)] = &[
    ("add_key", Risk::High, KEYRINGS),
    ("keyctl", Risk::High, KEYRINGS),
    ("request_key", Risk::High, KEYRINGS),
    (
        "bpf",
        Risk::High,
        "loads programs into the kernel; a frequent source of privilege escalation",
    ),
    (
        "mount",
        Risk::High,
        "mounts filesystems: with CAP_SYS_ADMIN, the host's disks",
    ),
    ("umount", Risk::High, "unmounts what hides the host's files"),
    (
        "umount2",
        Risk::High,
        "unmounts what hides the host's files",
    ),
    ("fsopen", Risk::High, NEW_MOUNT_API),
    ("fsconfig", Risk::High, NEW_MOUNT_API),
    ("fsmount", Risk::High, NEW_MOUNT_API),
    ("fspick", Risk::High, NEW_MOUNT_API),
    ("move_mount", Risk::High, NEW_MOUNT_API),
    ("open_tree", Risk::High, NEW_MOUNT_API),
    ("mount_setattr", Risk::High, NEW_MOUNT_API),
    ("pivot_root", Risk::High, "changes the root filesystem"),
    (
        "unshare",
        Risk::High,
        "creates namespaces (a user namespace grants every capability inside it): the first step of many escapes",
    ),
    (
        "clone",
        Risk::High,
        "without the argument filter, creates namespaces like unshare",
    ),
    (
        "clone3",
        Risk::High,
        "creates namespaces; its flags are in memory, out of the filter's reach",
    ),
    ("setns", Risk::High, "joins other namespaces"),
    (
        "ptrace",
        Risk::High,
        "reads and writes other processes' memory; before Linux 4.8 it also bypassed seccomp",
    ),
    (
        "process_vm_writev",
        Risk::High,
        "writes other processes' memory",
    ),
    (
        "process_vm_readv",
        Risk::Medium,
        "reads other processes' memory",
    ),
    ("kexec_load", Risk::High, "replaces the running kernel"),
    ("kexec_file_load", Risk::High, "replaces the running kernel"),
    ("init_module", Risk::High, KERNEL_MODULES),
    ("finit_module", Risk::High, KERNEL_MODULES),
    ("delete_module", Risk::High, KERNEL_MODULES),
    ("create_module", Risk::High, KERNEL_MODULES),
    (
        "open_by_handle_at",
        Risk::High,
        "opens host files by handle, the \"shocker\" escape",
    ),
    (
        "userfaultfd",
        Risk::High,
        "pauses the kernel mid-copy, a staple of kernel exploits",
    ),
    ("io_uring_setup", Risk::High, IO_URING),
    ("io_uring_enter", Risk::High, IO_URING),
    ("io_uring_register", Risk::High, IO_URING),
    (
        "perf_event_open",
        Risk::High,
        "kernel profiling: information leaks and a long exploit history",
    ),
    ("iopl", Risk::High, "raw I/O port access to host hardware"),
    ("ioperm", Risk::High, "raw I/O port access to host hardware"),
    ("reboot", Risk::Medium, "restarts the host"),
    ("swapon", Risk::Medium, "changes the host's swap"),
    ("swapoff", Risk::Medium, "changes the host's swap"),
    (
        "lookup_dcookie",
        Risk::Medium,
        "kernel profiling: leaks information about the host",
    ),
    (
        "fanotify_init",
        Risk::Medium,
        "watches filesystem events beyond the container",
    ),
    (
        "kcmp",
        Risk::Medium,
        "compares kernel state of other processes",
    ),
    (
        "pidfd_getfd",
        Risk::Medium,
        "steals file descriptors from other processes",
    ),
    (
        "process_madvise",
        Risk::Medium,
        "changes the memory of other processes",
    ),
    (
        "syslog",
        Risk::Medium,
        "reads the kernel log: host addresses and secrets",
    ),
    (
        "quotactl",
        Risk::Medium,
        "changes filesystem quotas on the host",
    ),
    (
        "quotactl_fd",
        Risk::Medium,
        "changes filesystem quotas on the host",
    ),
    (
        "settimeofday",
        Risk::Medium,
        "sets the host's clock (time is not namespaced)",
    ),
    (
        "clock_settime",
        Risk::Medium,
        "sets the host's clock (time is not namespaced)",
    ),
    (
        "stime",
        Risk::Medium,
        "sets the host's clock (time is not namespaced)",
    ),
    (
        "acct",
        Risk::Medium,
        "turns process accounting on the host on or off",
    ),
    (
        "sethostname",
        Risk::Medium,
        "changes the host name (outside a UTS namespace, the host's)",
    ),
    (
        "setdomainname",
        Risk::Medium,
        "changes the domain name (outside a UTS namespace, the host's)",
    ),
    ("vhangup", Risk::Medium, "hangs up the terminal"),
    (
        "socket",
        Risk::Medium,
        "without the argument filter, opens AF_ALG and AF_VSOCK sockets (kernel crypto and host-guest channels with exploit histories)",
    ),
    (
        "personality",
        Risk::Medium,
        "without the argument filter, sets execution domains that weaken ASLR",
    ),
    ("mbind", Risk::Medium, NUMA),
    ("set_mempolicy", Risk::Medium, NUMA),
    ("migrate_pages", Risk::Medium, NUMA),
    ("move_pages", Risk::Medium, NUMA),
    ("lsm_get_self_attr", Risk::Medium, LSM),
    ("lsm_set_self_attr", Risk::Medium, LSM),
    ("lsm_list_modules", Risk::Medium, LSM),
    (
        "uselib",
        Risk::Medium,
        "an obsolete loader with a history of kernel bugs",
    ),
    (
        "nfsservctl",
        Risk::Medium,
        "obsolete kernel NFS server control",
    ),
    (
        "_sysctl",
        Risk::Medium,
        "obsolete: changes kernel parameters",
    ),
];

const KEYRINGS: &str =
    "kernel keyrings are not namespaced: the keys of other containers and of the host";
const NEW_MOUNT_API: &str = "the new mount API: mounts filesystems like mount";
const KERNEL_MODULES: &str = "loads or unloads kernel modules: code in the host kernel";
const IO_URING: &str = "io_uring runs I/O out of seccomp's sight and has a long exploit history";
const LSM: &str = "reads or changes the process's AppArmor/SELinux attributes (Linux 6.8)";
const NUMA: &str = "moves memory between NUMA nodes, affecting the whole host";

/// The risk of opening a syscall Docker's default blocks, with the reason, when it is known.
pub fn risk(name: &str) -> Option<(Risk, &'static str)> {
    RISKS
        .iter()
        .find(|(known, _, _)| *known == name)
        .map(|(_, risk, why)| (*risk, *why))
}

#[cfg(test)]
mod tests {
    use super::{RISKS, Risk, docker_default, risk};
    use crate::caps::CapSet;
    use crate::resolve::{Arch, Kernel, Verdict, resolve};

    #[test]
    fn every_risk_note_names_a_syscall_the_default_blocks() {
        // ptrace and process_vm_* are blocked only on kernels before 4.8.
        let new = resolve(
            docker_default(),
            Arch::X86_64,
            CapSet::default(),
            Kernel(6, 1),
        );
        let old = resolve(
            docker_default(),
            Arch::X86_64,
            CapSet::default(),
            Kernel(4, 4),
        );
        for (name, _, _) in RISKS {
            assert!(
                crate::arch::is_known_syscall(name),
                "{name} is not a syscall"
            );
            // Names missing from the x86_64 table (stime is 32-bit only) are skipped.
            if let (Some(new), Some(old)) = (new.verdicts.get(name), old.verdicts.get(name)) {
                assert!(
                    *new != Verdict::Allowed || *old != Verdict::Allowed,
                    "{name} is allowed by default"
                );
            }
        }
        assert_eq!(risk("keyctl").map(|(risk, _)| risk), Some(Risk::High));
        assert_eq!(risk("read"), None);
    }
}
