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

/// One capability, by its kernel bit number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Capability(u8);

impl Capability {
    /// The capability a name means, spelt as users write it for `--cap-add`: with or without
    /// `CAP_`, in any case.
    pub fn from_name(name: &str) -> Option<Capability> {
        bit(name).map(|bit| Capability(bit as u8))
    }

    /// The capability of a kernel bit the table knows.
    pub fn from_bit(bit: u32) -> Option<Capability> {
        (bit < CAPABILITIES.len() as u32).then_some(Capability(bit as u8))
    }

    /// The name the engine lists in a container's capability sets and compares
    /// `includes.caps`/`excludes.caps` with, exactly: only these spellings ever match.
    pub fn from_engine_name(name: &str) -> Option<Capability> {
        let bare = name.strip_prefix("CAP_")?;
        CAPABILITIES
            .iter()
            .position(|known| *known == bare)
            .map(|index| Capability(index as u8))
    }

    pub fn bit(self) -> u32 {
        u32::from(self.0)
    }

    /// The name without `CAP_`: `SYS_ADMIN`.
    pub fn name(self) -> &'static str {
        CAPABILITIES[usize::from(self.0)]
    }

    /// `CAP_SYS_ADMIN`, as the engine and profiles spell it.
    pub fn engine_name(self) -> String {
        format!("CAP_{}", self.name())
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CAP_{}", self.name())
    }
}

/// A capability name `--cap-add`/`--cap-drop` does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCapability(pub String);

impl fmt::Display for UnknownCapability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown capability `{}`", self.0)
    }
}

impl std::error::Error for UnknownCapability {}

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

    /// The set a container gets from `--cap-add` and `--cap-drop` (names with or without
    /// `CAP_`, any case, or `ALL`), as moby's `TweakCapabilities` computes it: with `ALL`
    /// added, every capability except those dropped; else with `ALL` dropped, only those
    /// added; else Docker's defaults minus those dropped plus those added.
    pub fn docker_tweaked(
        cap_add: &[String],
        cap_drop: &[String],
    ) -> Result<CapSet, UnknownCapability> {
        let is_all = |name: &&String| {
            name.trim().eq_ignore_ascii_case("ALL") || name.trim().eq_ignore_ascii_case("CAP_ALL")
        };
        let set_of = |names: &[String]| -> Result<CapSet, UnknownCapability> {
            let mut set = CapSet::default();
            for name in names.iter().filter(|name| !is_all(name)) {
                let capability =
                    Capability::from_name(name).ok_or_else(|| UnknownCapability(name.clone()))?;
                set = set.with(capability);
            }
            Ok(set)
        };
        let added = set_of(cap_add)?;
        let dropped = set_of(cap_drop)?;
        Ok(if cap_add.iter().any(|name| is_all(&name)) {
            CapSet(CapSet::all().0 & !dropped.0)
        } else if cap_drop.iter().any(|name| is_all(&name)) {
            added
        } else {
            CapSet((CapSet::docker_defaults().0 & !dropped.0) | added.0)
        })
    }

    /// The set with one more capability.
    #[must_use]
    pub fn with(self, capability: Capability) -> CapSet {
        CapSet(self.0 | 1 << capability.bit())
    }

    /// Whether the set holds a capability.
    pub fn has(self, capability: Capability) -> bool {
        self.0 & (1 << capability.bit()) != 0
    }

    /// The capabilities in the set that the table knows, by bit.
    pub fn capabilities(self) -> impl Iterator<Item = Capability> {
        (0..CAPABILITIES.len() as u32)
            .filter_map(Capability::from_bit)
            .filter(move |capability| self.has(*capability))
    }

    /// Whether the engine would find `name` in a container with this set: moby compares the
    /// strings of `includes.caps`/`excludes.caps` with the container's list (`CAP_SYS_ADMIN`)
    /// exactly, so `SYS_ADMIN` or `cap_sys_admin` never match.
    pub fn engine_contains(self, name: &str) -> bool {
        Capability::from_engine_name(name).is_some_and(|capability| self.has(capability))
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
    use super::{CapSet, Capability, ProcessPrivileges, bit};

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
    fn docker_cap_add_and_drop() {
        let names = |list: &[&str]| {
            list.iter()
                .map(|name| (*name).to_owned())
                .collect::<Vec<_>>()
        };
        let tweak = |add: &[&str], drop: &[&str]| {
            CapSet::docker_tweaked(&names(add), &names(drop)).unwrap()
        };
        assert_eq!(tweak(&[], &[]), CapSet::docker_defaults());
        assert_eq!(tweak(&[], &["all"]), CapSet::default());
        assert_eq!(tweak(&["NET_ADMIN"], &["ALL"]).names(), ["NET_ADMIN"]);
        // ALL added wins over ALL dropped, and what is dropped stays out (moby's order).
        let all_but_admin = tweak(&["ALL"], &["cap_sys_admin", "ALL"]);
        assert_eq!(all_but_admin.len(), 40);
        assert!(!all_but_admin.contains("SYS_ADMIN"));
        let admin = tweak(&["sys_admin"], &["NET_RAW"]);
        assert_eq!(admin.len(), 14);
        assert!(admin.engine_contains("CAP_SYS_ADMIN"));
        assert!(!admin.engine_contains("SYS_ADMIN") && !admin.engine_contains("cap_sys_admin"));
        assert!(CapSet::docker_tweaked(&names(&["FLY"]), &[]).is_err());
    }

    #[test]
    fn capability_names() {
        let admin = Capability::from_name("cap_sys_admin").unwrap();
        assert_eq!((admin.bit(), admin.name()), (21, "SYS_ADMIN"));
        assert_eq!(admin.to_string(), "CAP_SYS_ADMIN");
        assert_eq!(Capability::from_engine_name("CAP_SYS_ADMIN"), Some(admin));
        assert_eq!(Capability::from_engine_name("SYS_ADMIN"), None);
        assert_eq!(Capability::from_bit(41), None);
        assert_eq!(CapSet::docker_defaults().capabilities().count(), 14);
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
