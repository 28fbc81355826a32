//! Host paths as the filesystem and socket rules judge them: bind sources normalised to absolute
//! paths, and the one table of sensitive host locations with a grade for a writable and a
//! read-only mount. `sensitive-host-path-mounted` reports from the table,
//! `writable-bind-mount` reports the writable binds it does not cover, and
//! `runtime-socket-mounted` owns the runtime sockets and the directories that hold them.

use cofferdam_diagnostics::Severity;

use crate::model::container::is_variable;

/// A bind source read as a host path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HostPath {
    /// An absolute path, normalised: no `//`, `/./`, `..` or trailing slash (`/` stays `/`).
    Absolute(String),
    /// A path in the invoking user's home (`~`, `~/.ssh`): the part after `~/`, normalised
    /// (empty for the home directory itself).
    Home(String),
}

impl HostPath {
    /// Reads a bind source; `None` for paths relative to the project, Windows paths and values
    /// that still hold an unresolved variable (chosen at deploy time).
    pub(crate) fn parse(source: &str) -> Option<Self> {
        let source = source.trim();
        if is_variable(source) {
            return None;
        }
        if source == "~" {
            return Some(HostPath::Home(String::new()));
        }
        if let Some(rest) = source.strip_prefix("~/") {
            return Some(HostPath::Home(
                normalize(rest)?.trim_start_matches('/').to_owned(),
            ));
        }
        if source.starts_with('/') {
            return normalize(source).map(HostPath::Absolute);
        }
        None
    }

    /// The path as the user would write it (`/etc`, `~/.ssh`).
    pub(crate) fn display(&self) -> String {
        match self {
            HostPath::Absolute(path) => path.clone(),
            HostPath::Home(rest) if rest.is_empty() => "~".to_owned(),
            HostPath::Home(rest) => format!("~/{rest}"),
        }
    }
}

/// `/a//b/./c/../d/` → `/a/b/d`; `None` when `..` climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// Whether `path` is `dir` or lies beneath it (both normalised; `/` holds everything).
pub(crate) fn is_within(path: &str, dir: &str) -> bool {
    dir == "/"
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// A sensitive host location and what mounting it gives a container.
pub(crate) struct Sensitive {
    pub(crate) path: &'static str,
    /// The grade of a writable mount of the location (or of a directory holding it).
    pub(crate) writable: Severity,
    /// The grade of a read-only mount: read-only lowers, it does not clear.
    pub(crate) read_only: Severity,
    /// What it holds, for messages: "… mounts /etc (host configuration)".
    pub(crate) holds: &'static str,
}

const fn sensitive(
    path: &'static str,
    writable: Severity,
    read_only: Severity,
    holds: &'static str,
) -> Sensitive {
    Sensitive {
        path,
        writable,
        read_only,
        holds,
    }
}

use Severity::{Critical, High, Low, Medium};

/// Sensitive absolute host paths. A mount of one of them, or of a directory holding one, gets
/// its grade; a mount of something beneath one gets at most medium (writable) or low
/// (read-only), since it exposes only part of the location.
pub(crate) static SENSITIVE: &[Sensitive] = &[
    sensitive("/", Critical, High, "the whole host filesystem"),
    sensitive(
        "/etc",
        Critical,
        High,
        "host configuration (users, sudoers, cron, keys)",
    ),
    sensitive("/etc/shadow", Critical, High, "host password hashes"),
    sensitive("/etc/gshadow", Critical, High, "host group password hashes"),
    sensitive("/etc/passwd", Critical, Low, "host user accounts"),
    sensitive("/etc/group", High, Low, "host groups"),
    sensitive("/etc/sudoers", Critical, Medium, "host sudo rules"),
    sensitive("/etc/sudoers.d", Critical, Medium, "host sudo rules"),
    sensitive(
        "/etc/ssh",
        Critical,
        High,
        "host SSH keys and configuration",
    ),
    sensitive("/etc/crontab", Critical, Low, "host cron jobs"),
    sensitive("/etc/cron.d", Critical, Low, "host cron jobs"),
    sensitive("/etc/systemd", Critical, Low, "host service definitions"),
    sensitive(
        "/etc/docker",
        Critical,
        High,
        "Docker daemon configuration and TLS keys",
    ),
    sensitive("/etc/kubernetes", Critical, High, "Kubernetes credentials"),
    sensitive(
        "/root",
        Critical,
        High,
        "root's home (SSH keys, credentials)",
    ),
    sensitive("/home", High, Medium, "users' home directories"),
    sensitive("/boot", Critical, Low, "the host kernel and boot loader"),
    sensitive(
        "/proc",
        Critical,
        High,
        "host processes, their environment and kernel settings",
    ),
    sensitive("/proc/sys", Critical, Low, "host kernel settings"),
    sensitive(
        "/proc/sysrq-trigger",
        Critical,
        Low,
        "the host's SysRq trigger",
    ),
    sensitive(
        "/sys",
        Critical,
        Medium,
        "the host kernel's devices and settings",
    ),
    sensitive("/sys/kernel", Critical, Low, "host kernel settings"),
    sensitive("/sys/fs/cgroup", Critical, Low, "the host's cgroups"),
    sensitive("/dev", High, Medium, "host devices"),
    sensitive("/usr", High, Low, "host programs"),
    sensitive("/bin", High, Low, "host programs"),
    sensitive("/sbin", High, Low, "host programs"),
    sensitive("/lib", High, Low, "host libraries"),
    sensitive("/lib64", High, Low, "host libraries"),
    sensitive("/lib32", High, Low, "host libraries"),
    sensitive(
        "/var/lib/docker",
        Critical,
        High,
        "every container's files, volumes and images",
    ),
    sensitive(
        "/var/lib/containerd",
        Critical,
        High,
        "every container's files and images",
    ),
    sensitive(
        "/var/lib/containers",
        Critical,
        High,
        "every Podman container's files and images",
    ),
    sensitive(
        "/var/lib/kubelet",
        Critical,
        High,
        "pod secrets and volumes",
    ),
    sensitive("/var/log", Medium, Low, "host logs"),
    // Sockets answer over a read-only mount too.
    sensitive(
        "/run/dbus",
        High,
        High,
        "the system D-Bus socket (controls systemd)",
    ),
    sensitive(
        "/var/run/dbus",
        High,
        High,
        "the system D-Bus socket (controls systemd)",
    ),
    sensitive("/run/systemd", High, High, "systemd's control sockets"),
];

/// Files that are bind-mounted read-only all the time for good reasons (time zone, CA
/// certificates, host name): not sensitive when read-only, low when writable.
pub(crate) static ROUTINE: &[&str] = &[
    "/etc/localtime",
    "/etc/timezone",
    "/usr/share/zoneinfo",
    "/etc/ssl/certs",
    "/etc/ca-certificates",
    "/etc/pki/ca-trust",
    "/usr/share/ca-certificates",
    "/etc/hostname",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/machine-id",
    "/etc/os-release",
    "/usr/lib/os-release",
];

/// Credential directories in a home directory (`~`, `/root`, `/home/<user>`): readable
/// secrets, so a read-only mount is as bad as a writable one.
pub(crate) static HOME_CREDENTIALS: &[&str] = &[
    ".ssh",
    ".aws",
    ".azure",
    ".kube",
    ".docker",
    ".gnupg",
    ".config/gcloud",
    ".git-credentials",
    ".netrc",
];

/// How sensitive a mount of `path` is: its grade for the mount's mode and what it exposes
/// (a phrase for messages: "host configuration", "it holds /var/lib/docker (…)").
/// `None` when the path is not sensitive (or not graded above info).
pub(crate) fn grade(path: &HostPath, read_only: bool) -> Option<(Severity, String)> {
    let pick = |writable: Severity, ro: Severity| if read_only { ro } else { writable };
    let (home, rest) = match path {
        HostPath::Home(rest) => ("~", rest.as_str()),
        HostPath::Absolute(path) => match home_of(path) {
            Some((home, rest)) => (home, rest),
            None => return grade_absolute(path, read_only),
        },
    };
    if rest.is_empty() {
        let severity = if home == "/root" {
            pick(Critical, High)
        } else {
            pick(High, Medium)
        };
        return Some((
            severity,
            "a home directory (SSH keys, credentials)".to_owned(),
        ));
    }
    if let Some(dir) = HOME_CREDENTIALS
        .iter()
        .find(|dir| is_within(&format!("/{rest}"), &format!("/{dir}")))
    {
        let severity = if home == "/root" && !read_only {
            Critical
        } else {
            High
        };
        return Some((severity, format!("credentials in {dir}")));
    }
    // Elsewhere in a home directory: caches and projects, ordinary unless writable.
    (!read_only).then(|| (Low, "in a home directory".to_owned()))
}

/// `/root/x` → `("/root", "x")`, `/home/alice/x` → `("/home/alice", "x")`.
fn home_of(path: &str) -> Option<(&'static str, &str)> {
    if path == "/root" {
        return Some(("/root", ""));
    }
    if let Some(rest) = path.strip_prefix("/root/") {
        return Some(("/root", rest));
    }
    let rest = path.strip_prefix("/home/")?;
    Some(("/home", rest.split_once('/').map_or("", |(_, rest)| rest)))
}

fn grade_absolute(path: &str, read_only: bool) -> Option<(Severity, String)> {
    let pick = |entry: &Sensitive| {
        if read_only {
            entry.read_only
        } else {
            entry.writable
        }
    };
    // The location itself, or a directory holding sensitive locations: the worst of them.
    let holding = SENSITIVE
        .iter()
        .filter(|entry| is_within(entry.path, path))
        .max_by_key(|entry| (pick(entry), std::cmp::Reverse(entry.path.len())));
    if let Some(entry) = holding {
        let what = if entry.path == path {
            entry.holds.to_owned()
        } else {
            format!("it holds {} ({})", entry.path, entry.holds)
        };
        return Some((pick(entry), what));
    }
    if ROUTINE.iter().any(|routine| is_within(path, routine)) {
        return (!read_only).then(|| {
            (
                Low,
                "a host file other containers and the host rely on".to_owned(),
            )
        });
    }
    // Beneath a sensitive location: the nearest one, capped.
    let parent = SENSITIVE
        .iter()
        .filter(|entry| entry.path != "/" && is_within(path, entry.path))
        .max_by_key(|entry| entry.path.len())?;
    let severity = if read_only {
        parent.read_only.min(Low)
    } else {
        parent.writable.min(Medium)
    };
    Some((
        severity,
        format!("it is in {} ({})", parent.path, parent.holds),
    ))
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::Severity::{Critical, High, Low, Medium};

    use super::{HostPath, grade, is_within};

    fn severity(source: &str, read_only: bool) -> Option<cofferdam_diagnostics::Severity> {
        grade(&HostPath::parse(source)?, read_only).map(|(severity, _)| severity)
    }

    #[test]
    fn paths_are_normalised_and_relative_ones_skipped() {
        assert_eq!(
            HostPath::parse("/var//run/./docker/../docker.sock/"),
            Some(HostPath::Absolute("/var/run/docker.sock".into()))
        );
        assert_eq!(
            HostPath::parse("~/.ssh/"),
            Some(HostPath::Home(".ssh".into()))
        );
        assert_eq!(HostPath::parse("/.."), None);
        assert_eq!(HostPath::parse("./data"), None);
        assert_eq!(HostPath::parse("${ROOT}/etc"), None);
        assert!(is_within("/etc/ssh", "/etc") && !is_within("/etcetera", "/etc"));
        assert!(is_within("/anything", "/"));
    }

    #[test]
    fn grades_follow_the_table() {
        assert_eq!(severity("/", false), Some(Critical));
        assert_eq!(severity("/", true), Some(High));
        assert_eq!(severity("/etc/", true), Some(High));
        assert_eq!(severity("/var", false), Some(Critical));
        assert_eq!(severity("/var/lib/docker/containers", true), Some(Low));
        assert_eq!(severity("/etc/exercise", false), Some(Medium));
        assert_eq!(severity("/etc/localtime", true), None);
        assert_eq!(severity("/etc/localtime", false), Some(Low));
        assert_eq!(severity("/proc", true), Some(High));
        assert_eq!(severity("/sys/fs/cgroup", true), Some(Low));
        assert_eq!(severity("/srv/data", false), None);
        assert_eq!(severity("/var/lib/backup/data", false), None);
        assert_eq!(severity("~", false), Some(High));
        assert_eq!(severity("/home/alice/.aws", true), Some(High));
        assert_eq!(severity("/root/.ssh", false), Some(Critical));
        assert_eq!(severity("~/.m2", true), None);
        assert_eq!(severity("~/.m2", false), Some(Low));
    }
}
