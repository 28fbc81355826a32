//! Architectures and their syscall tables: names ↔ numbers for the architectures cofferdam
//! resolves profiles for (`x86_64`, `aarch64`), and the set of every syscall name some Linux
//! architecture defines, which is what decides whether a name in a profile is known at all.
//!
//! The tables come from the `syscalls` crate, generated from the kernel's headers (up to Linux
//! 6.17): hand-kept lists of 360+ names per architecture drift. Names are what profiles, the
//! engine and libseccomp use; numbers are what a traced process or a BPF filter sees.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Every syscall of one of the `syscalls` crate's tables, by number. Its `Sysno::iter()` (0.8.1)
/// never yields the table's last entry, because `next()` only looks below `last()`; today that
/// entry is `file_setattr` on every architecture, which would then be unknown to lint and
/// missing from resolutions. The last entry is chained on, and filtered out of `iter()` first so
/// that a fixed release does not list it twice.
macro_rules! every_sysno {
    ($sysno:ty) => {
        <$sysno>::iter()
            .filter(|sysno| *sysno != <$sysno>::last())
            .chain(std::iter::once(<$sysno>::last()))
    };
}

/// The architectures whose syscall tables cofferdam carries, and for which it resolves
/// profiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    X86_64,
    Aarch64,
}

impl Arch {
    /// `x86_64`/`amd64`, `aarch64`/`arm64`, and the `SCMP_ARCH_` names, in any case.
    pub fn parse(text: &str) -> Option<Arch> {
        match text.trim().to_ascii_lowercase().as_str() {
            "x86_64" | "amd64" | "scmp_arch_x86_64" => Some(Arch::X86_64),
            "aarch64" | "arm64" | "scmp_arch_aarch64" => Some(Arch::Aarch64),
            _ => None,
        }
    }

    /// The architecture cofferdam runs on, if it has its table.
    pub fn native() -> Option<Arch> {
        match std::env::consts::ARCH {
            "x86_64" => Some(Arch::X86_64),
            "aarch64" => Some(Arch::Aarch64),
            _ => None,
        }
    }

    /// The name the engine matches `includes.arches`/`excludes.arches` against (moby's
    /// `goToNative`: `amd64`, `arm64`).
    pub fn docker_name(self) -> &'static str {
        match self {
            Arch::X86_64 => "amd64",
            Arch::Aarch64 => "arm64",
        }
    }

    /// The libseccomp name profiles list in `architectures` and `archMap`.
    pub fn seccomp_name(self) -> &'static str {
        match self {
            Arch::X86_64 => "SCMP_ARCH_X86_64",
            Arch::Aarch64 => "SCMP_ARCH_AARCH64",
        }
    }

    /// The kernel's name, as `uname -m` prints it.
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
        }
    }

    /// Every syscall of the architecture: `(number, name)`, by number.
    pub fn syscalls(self) -> Vec<(u32, &'static str)> {
        match self {
            Arch::X86_64 => every_sysno!(syscalls::x86_64::Sysno)
                .map(|sysno| (sysno.id().unsigned_abs(), sysno.name()))
                .collect(),
            Arch::Aarch64 => every_sysno!(syscalls::aarch64::Sysno)
                .filter_map(|sysno| {
                    let number = sysno.id().unsigned_abs();
                    aarch64_name(number, sysno.name()).map(|name| (number, name))
                })
                .collect(),
        }
    }

    /// The number of a syscall on this architecture.
    pub fn number(self, name: &str) -> Option<u32> {
        match self {
            Arch::X86_64 => name
                .parse::<syscalls::x86_64::Sysno>()
                .ok()
                .map(|sysno| sysno.id().unsigned_abs()),
            Arch::Aarch64 if name == "newfstatat" => Some(AARCH64_NEWFSTATAT),
            Arch::Aarch64 => name
                .parse::<syscalls::aarch64::Sysno>()
                .ok()
                .map(|sysno| sysno.id().unsigned_abs())
                .filter(|number| aarch64_name(*number, name) == Some(name)),
        }
    }

    /// The name of a syscall number on this architecture.
    pub fn syscall_name(self, number: u32) -> Option<&'static str> {
        let id = usize::try_from(number).ok()?;
        match self {
            Arch::X86_64 => syscalls::x86_64::Sysno::new(id).map(|sysno| sysno.name()),
            Arch::Aarch64 => syscalls::aarch64::Sysno::new(id)
                .and_then(|sysno| aarch64_name(number, sysno.name())),
        }
    }

    /// Every architecture cofferdam resolves for.
    pub const ALL: [Arch; 2] = [Arch::X86_64, Arch::Aarch64];
}

/// arm64's number for `newfstatat`.
const AARCH64_NEWFSTATAT: u32 = 79;

/// The kernel's and libseccomp's name for an entry of the `syscalls` crate's aarch64 table, or
/// `None` for an entry arm64 does not have. That table (0.8.1) follows asm-generic/unistd.h as a
/// 32-bit ABI sees it: number 79 is `fstatat` where arm64, a 64-bit ABI with
/// `__ARCH_WANT_NEW_STAT`, has `newfstatat`, and it lists the `*_time64` calls 403–423, which
/// exist only where `__BITS_PER_LONG == 32`. Taken as they are, Docker's `newfstatat` would match
/// nothing, so `stat` would be reported blocked and left out of resolved profiles.
fn aarch64_name(number: u32, name: &str) -> Option<&str> {
    match number {
        AARCH64_NEWFSTATAT => Some("newfstatat"),
        403..=423 => None,
        _ => Some(name),
    }
}

impl std::fmt::Display for Arch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The `SCMP_ARCH_` names runc accepts in `architectures` and `archMap` (runc's
/// `libcontainer/seccomp/config.go`); any other name makes it refuse the profile.
pub const SECCOMP_ARCHES: &[&str] = &[
    "SCMP_ARCH_X86",
    "SCMP_ARCH_X86_64",
    "SCMP_ARCH_X32",
    "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",
    "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32",
    "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",
    "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",
    "SCMP_ARCH_LOONGARCH64",
];

/// The names the engine compares `includes.arches`/`excludes.arches` with: moby's native
/// architecture names (`goToNative`), plus `x32`, which Docker's own profile uses.
pub const DOCKER_ARCHES: &[&str] = &[
    "x86",
    "amd64",
    "x32",
    "arm",
    "arm64",
    "loongarch64",
    "loong64",
    "mips64",
    "mips64n32",
    "mipsel64",
    "mips3l64n32",
    "mipsel",
    "mipsle",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv64",
    "s390",
    "s390x",
];

/// Whether some Linux architecture defines a syscall of this name. libseccomp resolves names
/// for every architecture a filter covers, so a name known to any of them is a real syscall;
/// a name known to none is ignored by the engine (runc logs it at debug level and goes on).
pub fn is_known_syscall(name: &str) -> bool {
    known_syscalls().contains(name)
}

/// Every syscall name of every architecture in the tables, sorted.
pub fn known_syscall_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = known_syscalls().iter().copied().collect();
    names.sort_unstable();
    names
}

fn known_syscalls() -> &'static HashSet<&'static str> {
    static KNOWN: OnceLock<HashSet<&'static str>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut names = HashSet::with_capacity(1024);
        names.extend(every_sysno!(syscalls::x86_64::Sysno).map(|sysno| sysno.name()));
        names.extend(every_sysno!(syscalls::x86::Sysno).map(|sysno| sysno.name()));
        names.extend(every_sysno!(syscalls::aarch64::Sysno).map(|sysno| sysno.name()));
        names.extend(every_sysno!(syscalls::arm::Sysno).map(|sysno| sysno.name()));
        names.extend(every_sysno!(syscalls::powerpc64::Sysno).map(|sysno| sysno.name()));
        names.extend(every_sysno!(syscalls::s390x::Sysno).map(|sysno| sysno.name()));
        names.extend(every_sysno!(syscalls::riscv64::Sysno).map(|sysno| sysno.name()));
        names.extend(every_sysno!(syscalls::mips64::Sysno).map(|sysno| sysno.name()));
        names.extend(every_sysno!(syscalls::loongarch64::Sysno).map(|sysno| sysno.name()));
        // libseccomp's names that no kernel table spells this way: the x86 `socketcall` and
        // `ipc` multiplexed calls it exposes per operation are already covered above, but
        // Docker's profile also names ARM's private calls, which the ARM table lists under
        // an `ARM_` prefix.
        names.extend(["breakpoint", "cacheflush", "set_tls", "usr26", "usr32"]);
        names
    })
}

#[cfg(test)]
mod tests {
    use super::{Arch, is_known_syscall};

    #[test]
    fn names_and_numbers() {
        assert_eq!(Arch::X86_64.number("openat"), Some(257));
        assert_eq!(Arch::Aarch64.number("openat"), Some(56));
        assert_eq!(Arch::X86_64.syscall_name(257), Some("openat"));
        assert_eq!(Arch::Aarch64.syscall_name(56), Some("openat"));
        assert_eq!(Arch::Aarch64.number("open"), None);
        assert_eq!(Arch::X86_64.number("opne"), None);
        assert!(Arch::X86_64.syscalls().len() > 360);
        assert!(Arch::Aarch64.syscalls().len() > 290);
    }

    /// `Sysno::iter()` of syscalls 0.8.1 stops before the last entry of each table; the tables
    /// here must still hold it, once, and numbers must stay in order.
    #[test]
    fn tables_keep_their_last_syscall() {
        for arch in Arch::ALL {
            let table = arch.syscalls();
            assert_eq!(table.last().map(|(_, name)| *name), Some("file_setattr"));
            assert!(table.windows(2).all(|pair| pair[0].0 < pair[1].0), "{arch}");
        }
        assert_eq!(Arch::X86_64.syscall_name(469), Some("file_setattr"));
        assert!(is_known_syscall("file_setattr"));
    }

    /// arm64 names as the kernel and libseccomp spell them, without the 32-bit-only calls.
    #[test]
    fn aarch64_names_are_the_kernels() {
        assert_eq!(Arch::Aarch64.number("newfstatat"), Some(79));
        assert_eq!(Arch::Aarch64.syscall_name(79), Some("newfstatat"));
        assert_eq!(Arch::Aarch64.number("fstatat"), None);
        assert_eq!(Arch::Aarch64.number("clock_gettime64"), None);
        assert_eq!(Arch::Aarch64.syscall_name(403), None);
        assert_eq!(Arch::Aarch64.number("clock_gettime"), Some(113));
        let table = Arch::Aarch64.syscalls();
        assert!(table.contains(&(79, "newfstatat")));
        assert!(!table.iter().any(|(number, _)| (403..=423).contains(number)));
        for (number, name) in table {
            assert_eq!(Arch::Aarch64.number(name), Some(number), "{name}");
            assert_eq!(Arch::Aarch64.syscall_name(number), Some(name), "{number}");
        }
        // x86_64 already says `newfstatat`.
        assert_eq!(Arch::X86_64.number("newfstatat"), Some(262));
    }

    #[test]
    fn parses_every_spelling() {
        for text in ["x86_64", "AMD64", "SCMP_ARCH_X86_64"] {
            assert_eq!(Arch::parse(text), Some(Arch::X86_64));
        }
        for text in ["aarch64", "arm64", "scmp_arch_aarch64"] {
            assert_eq!(Arch::parse(text), Some(Arch::Aarch64));
        }
        assert_eq!(Arch::parse("riscv64"), None);
        assert_eq!(Arch::X86_64.docker_name(), "amd64");
        assert_eq!(Arch::Aarch64.seccomp_name(), "SCMP_ARCH_AARCH64");
    }

    #[test]
    fn every_name_in_dockers_profile_is_known() {
        let profile = crate::profile::Profile::docker_default();
        let unknown: Vec<&str> = profile
            .syscalls
            .iter()
            .flat_map(crate::profile::Rule::all_names)
            .filter(|name| !is_known_syscall(name))
            .collect();
        assert!(unknown.is_empty(), "{unknown:?}");
        assert!(is_known_syscall("fstat64") && is_known_syscall("socketcall"));
        assert!(!is_known_syscall("opne"));
    }
}
