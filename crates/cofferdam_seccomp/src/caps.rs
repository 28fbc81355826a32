//! Linux capabilities: names and bits, the sets a process holds, and what Docker grants.
//!
//! The table is the kernel's (`include/uapi/linux/capability.h`, 41 capabilities up to
//! `CAP_CHECKPOINT_RESTORE`); it is short and fixed, so it is written out rather than taken from
//! a crate. Sets are the 64-bit masks the kernel shows in `/proc/<pid>/status`.

use std::fmt;

/// Every capability the kernel defines, by bit number.
pub const CAPABILITIES: [&str; 41] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
];

/// The 14 capabilities Docker grants a container by default (moby `oci/caps/defaults.go`).
pub const DOCKER_DEFAULTS: [&str; 14] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "FSETID",
    "FOWNER",
    "MKNOD",
    "NET_RAW",
    "SETGID",
    "SETUID",
    "SETFCAP",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "KILL",
    "AUDIT_WRITE",
];

/// The bit of a capability name: `SYS_ADMIN`, `CAP_SYS_ADMIN`, `cap_sys_admin`.
pub fn bit(name: &str) -> Option<u32> {
    let upper = name.trim().to_ascii_uppercase();
    let bare = upper.strip_prefix("CAP_").unwrap_or(&upper);
    CAPABILITIES
        .iter()
        .position(|known| *known == bare)
        .map(|index| index as u32)
}

/// A set of capabilities, as a bit mask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CapSet(pub u64);

/// A mask that is not hexadecimal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected a hexadecimal capability mask such as `00000000a80425fb`, found `{}`",
            self.0
        )
    }
}

impl std::error::Error for DecodeError {}

impl CapSet {
    /// Decodes a mask as `/proc/<pid>/status` and `capsh` write it (`0x` prefix optional).
    pub fn decode(hex: &str) -> Result<CapSet, DecodeError> {
        let trimmed = hex.trim();
        let digits = trimmed
            .strip_prefix("0x")
            .or_else(|| trimmed.strip_prefix("0X"))
            .unwrap_or(trimmed);
        if digits.is_empty() || digits.len() > 16 {
            return Err(DecodeError(hex.to_owned()));
        }
        u64::from_str_radix(digits, 16)
            .map(CapSet)
            .map_err(|_| DecodeError(hex.to_owned()))
    }

    /// The set of the named capabilities; unknown names are returned as errors.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<CapSet, String> {
        let mut set = CapSet::default();
        for name in names {
            let bit = bit(name).ok_or_else(|| name.to_owned())?;
            set.0 |= 1 << bit;
        }
        Ok(set)
    }

    /// Docker's default set.
    pub fn docker_defaults() -> CapSet {
        CapSet::from_names(DOCKER_DEFAULTS).expect("known names")
    }

    /// Every capability the kernel defines.
    pub fn all() -> CapSet {
        CapSet((1 << CAPABILITIES.len()) - 1)
    }

    pub fn contains(self, name: &str) -> bool {
        bit(name).is_some_and(|bit| self.0 & (1 << bit) != 0)
    }

    /// The names of the capabilities in the set, by bit; bits the table does not know (a newer
    /// kernel) are named `bit N`.
    pub fn names(self) -> Vec<String> {
        (0..64_usize)
            .filter(|bit| self.0 & (1 << bit) != 0)
            .map(|bit| {
                CAPABILITIES
                    .get(bit)
                    .map_or_else(|| format!("bit {bit}"), |name| (*name).to_owned())
            })
            .collect()
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every capability the kernel defines is in the set (a privileged process).
    pub fn is_full(self) -> bool {
        self.0 & CapSet::all().0 == CapSet::all().0
    }
}

/// What `/proc/<pid>/status` says about a process's privileges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcessPrivileges {
    pub effective: CapSet,
    pub permitted: CapSet,
    pub inheritable: CapSet,
    pub bounding: CapSet,
    pub ambient: CapSet,
    pub no_new_privs: bool,
    /// 0 disabled, 1 strict, 2 filter.
    pub seccomp_mode: u8,
    /// Number of seccomp filters installed, when the kernel reports it (5.9 and later).
    pub seccomp_filters: Option<u32>,
    /// Real, effective, saved and filesystem uid.
    pub uids: [u32; 4],
    pub gids: [u32; 4],
}

impl ProcessPrivileges {
    /// Reads the fields of a `/proc/<pid>/status` text. Missing fields keep their default
    /// (older kernels have no `CapAmb`, `NoNewPrivs` or `Seccomp_filters`).
    pub fn from_status(text: &str) -> Result<ProcessPrivileges, DecodeError> {
        let mut privileges = ProcessPrivileges::default();
        for line in text.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match key {
                "CapEff" => privileges.effective = CapSet::decode(value)?,
                "CapPrm" => privileges.permitted = CapSet::decode(value)?,
                "CapInh" => privileges.inheritable = CapSet::decode(value)?,
                "CapBnd" => privileges.bounding = CapSet::decode(value)?,
                "CapAmb" => privileges.ambient = CapSet::decode(value)?,
                "NoNewPrivs" => privileges.no_new_privs = value == "1",
                "Seccomp" => privileges.seccomp_mode = value.parse().unwrap_or(0),
                "Seccomp_filters" => privileges.seccomp_filters = value.parse().ok(),
                "Uid" => privileges.uids = ids(value),
                "Gid" => privileges.gids = ids(value),
                _ => {}
            }
        }
        Ok(privileges)
    }

    /// `disabled`, `strict` or `filter`.
    pub fn seccomp_mode_name(&self) -> &'static str {
        match self.seccomp_mode {
            0 => "disabled",
            1 => "strict",
            _ => "filter",
        }
    }
}

fn ids(text: &str) -> [u32; 4] {
    let mut out = [0; 4];
    for (slot, value) in out.iter_mut().zip(text.split_whitespace()) {
        *slot = value.parse().unwrap_or(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{CapSet, ProcessPrivileges, bit};

    #[test]
    fn docker_defaults_decode_from_their_mask() {
        // The effective set of a default `docker run` container.
        let set = CapSet::decode("00000000a80425fb").unwrap();
        assert_eq!(set, CapSet::docker_defaults());
        assert_eq!(set.len(), 14);
        assert!(set.contains("cap_net_raw") && !set.contains("SYS_ADMIN"));
    }

    #[test]
    fn names_bits_and_errors() {
        assert_eq!(bit("CAP_SYS_ADMIN"), Some(21));
        assert_eq!(bit("bpf"), Some(39));
        assert_eq!(bit("NOPE"), None);
        assert_eq!(CapSet::decode("0x000001ffffffffff").unwrap(), CapSet::all());
        assert!(CapSet::all().is_full());
        assert_eq!(CapSet(1 << 45).names(), ["bit 45"]);
        assert!(CapSet::decode("zz").is_err());
        assert!(CapSet::decode("").is_err());
        assert!(CapSet::decode("00000000000000000").is_err());
        assert_eq!(CapSet::from_names(["CHOWN", "x"]), Err("x".to_owned()));
    }

    #[test]
    fn reads_proc_status() {
        let status = "Name:\tsh\nUid:\t1000\t1000\t1000\t1000\nGid:\t10\t10\t10\t10\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n";
        let privileges = ProcessPrivileges::from_status(status).unwrap();
        assert_eq!(privileges.bounding, CapSet::docker_defaults());
        assert!(privileges.effective.is_empty());
        assert!(privileges.no_new_privs);
        assert_eq!(privileges.seccomp_mode_name(), "filter");
        assert_eq!(privileges.seccomp_filters, Some(1));
        assert_eq!(privileges.uids, [1000; 4]);
        assert_eq!(privileges.gids[0], 10);
    }
}
