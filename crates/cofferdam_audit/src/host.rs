//! Gathers the host and daemon facts the `daemon` rules judge: `daemon.json`, dockerd's command
//! line (from `/proc`), the owner and mode of the daemon's sockets and trusted files (as `ls -l`
//! lines), and `/etc/group`. `docker info` comes from the Engine API and is passed in.
//!
//! Everything is read below a root directory (`/` on a live host; a recorded tree in tests).
//! What cannot be read is not guessed: a file that does not exist is left out, one that cannot
//! be read (not root) is named in [`Gathered::skipped`] so the report can say which checks did
//! not run.

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use cofferdam_diagnostics::SourceFile;
use cofferdam_linter::model::host::{DAEMON_JSON, HostFacts, HostInput};

/// The sockets and files whose owner and mode are reviewed, below the root.
const TRUSTED_PATHS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/lib/systemd/system/docker.service",
    "/lib/systemd/system/docker.socket",
    "/usr/lib/systemd/system/docker.service",
    "/usr/lib/systemd/system/docker.socket",
    "/etc/systemd/system/docker.service",
    "/etc/systemd/system/docker.socket",
    "/etc/docker",
    "/etc/docker/daemon.json",
    "/etc/default/docker",
    "/etc/sysconfig/docker",
];

/// What was gathered, and what could not be.
#[derive(Debug)]
pub struct Gathered {
    pub facts: HostFacts,
    /// Checks that did not run, with the reason (`/etc/docker/daemon.json: permission denied;
    /// run as root`).
    pub skipped: Vec<String>,
}

/// Reads the host below `root`. `info` is the Engine API's `/info` answer, when reachable.
pub fn gather(root: &Path, info: Option<String>) -> Gathered {
    let mut skipped = Vec::new();
    let dockerd = find_dockerd(root);
    let config_file = dockerd
        .as_ref()
        .and_then(|(_, args)| flag_value(args, "--config-file"))
        .unwrap_or_else(|| DAEMON_JSON.to_owned());
    let daemon_json = match fs::read_to_string(below(root, &config_file)) {
        Ok(text) => Some(SourceFile::new(config_file.clone(), text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            skipped.push(format!("{config_file}: {}", describe(&error)));
            None
        }
    };
    let mut paths: Vec<String> = TRUSTED_PATHS
        .iter()
        .map(|path| (*path).to_owned())
        .collect();
    if config_file != DAEMON_JSON {
        paths.push(config_file.clone());
    }
    // The TLS files the configuration names, and the registry certificates.
    let tls_settings = {
        let probe = HostFacts::load(HostInput {
            daemon_json: daemon_json.clone(),
            dockerd_args: dockerd.clone(),
            ..HostInput::default()
        });
        ["tlscacert", "tlscert", "tlskey"]
            .iter()
            .filter_map(|key| probe.text_setting(key).map(|value| value.value))
            .collect::<Vec<_>>()
    };
    paths.extend(tls_settings);
    paths.extend(certificates(root));
    let mut files = Vec::new();
    for path in paths {
        match fs::symlink_metadata(below(root, &path)) {
            Ok(metadata) => files.push(ls_line(&path, &metadata)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => skipped.push(format!("{path}: {}", describe(&error))),
        }
    }
    let group = match fs::read_to_string(below(root, "/etc/group")) {
        Ok(text) => Some(SourceFile::new("/etc/group", text)),
        Err(error) => {
            skipped.push(format!("/etc/group: {}", describe(&error)));
            None
        }
    };
    if dockerd.is_none() && root == Path::new("/") {
        skipped.push(
            "dockerd's command line: no dockerd process is visible here (another host, a VM, \
             or a container without the host's pid namespace); flags it was started with are \
             not reviewed"
                .to_owned(),
        );
    }
    let facts = HostFacts::load(HostInput {
        daemon_json,
        dockerd_args: dockerd,
        info: info.map(|text| SourceFile::new("docker info", text)),
        files,
        group,
    });
    Gathered { facts, skipped }
}

/// `root` joined with an absolute path.
fn below(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

fn describe(error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::PermissionDenied {
        "permission denied; run as root to include it".to_owned()
    } else {
        error.to_string()
    }
}

/// dockerd's pid and arguments (after the program name), from `/proc/*/cmdline`.
fn find_dockerd(root: &Path) -> Option<(String, Vec<String>)> {
    let proc = below(root, "/proc");
    let mut pids: Vec<u32> = fs::read_dir(&proc)
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    for pid in pids {
        let Ok(cmdline) = fs::read(proc.join(pid.to_string()).join("cmdline")) else {
            continue;
        };
        let mut words = cmdline
            .split(|byte| *byte == 0)
            .filter(|word| !word.is_empty())
            .map(|word| String::from_utf8_lossy(word).into_owned());
        let Some(program) = words.next() else {
            continue;
        };
        if Path::new(&program)
            .file_name()
            .and_then(|name| name.to_str())
            == Some("dockerd")
        {
            return Some((format!("dockerd (pid {pid})"), words.collect()));
        }
    }
    None
}

/// The value of `--flag value` or `--flag=value`.
fn flag_value(args: &[String], flag: &str) -> Option<String> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == flag {
            return iter.next().cloned();
        }
        if let Some(value) = arg
            .strip_prefix(flag)
            .and_then(|rest| rest.strip_prefix('='))
        {
            return Some(value.to_owned());
        }
    }
    None
}

/// Registry certificate files under `/etc/docker/certs.d/<registry>/`.
fn certificates(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(registries) = fs::read_dir(below(root, "/etc/docker/certs.d")) else {
        return found;
    };
    found.push("/etc/docker/certs.d".to_owned());
    for registry in registries.flatten() {
        let name = registry.file_name().to_string_lossy().into_owned();
        let Ok(files) = fs::read_dir(registry.path()) else {
            continue;
        };
        for file in files.flatten() {
            found.push(format!(
                "/etc/docker/certs.d/{name}/{}",
                file.file_name().to_string_lossy()
            ));
        }
    }
    found.sort();
    found
}

/// An `ls -l` line for a file: type and mode, links, owner, group, size, modification date,
/// path.
fn ls_line(path: &str, metadata: &fs::Metadata) -> String {
    let file_type = metadata.file_type();
    let kind = if file_type.is_dir() {
        'd'
    } else if file_type.is_socket() {
        's'
    } else if file_type.is_symlink() {
        'l'
    } else if file_type.is_fifo() {
        'p'
    } else if file_type.is_char_device() {
        'c'
    } else if file_type.is_block_device() {
        'b'
    } else {
        '-'
    };
    format!(
        "{kind}{} {} {} {} {} {} {path}",
        permissions(metadata.mode()),
        metadata.nlink(),
        user_name(metadata.uid()),
        group_name(metadata.gid()),
        metadata.size(),
        date(metadata.mtime()),
    )
}

/// `rwxr-x---` with setuid, setgid and sticky letters.
fn permissions(mode: u32) -> String {
    let mut text = String::with_capacity(9);
    for (index, letter) in ['r', 'w', 'x', 'r', 'w', 'x', 'r', 'w', 'x']
        .iter()
        .enumerate()
    {
        let bit = 1 << (8 - index);
        let special = match index {
            2 => mode & 0o4000 != 0,
            5 => mode & 0o2000 != 0,
            8 => mode & 0o1000 != 0,
            _ => false,
        };
        let set = mode & bit != 0;
        text.push(match (special, set, index) {
            (true, true, 8) => 't',
            (true, false, 8) => 'T',
            (true, true, _) => 's',
            (true, false, _) => 'S',
            (false, true, _) => *letter,
            (false, false, _) => '-',
        });
    }
    text
}

fn user_name(uid: u32) -> String {
    nix::unistd::User::from_uid(uid.into())
        .ok()
        .flatten()
        .map_or_else(|| uid.to_string(), |user| user.name)
}

fn group_name(gid: u32) -> String {
    nix::unistd::Group::from_gid(gid.into())
        .ok()
        .flatten()
        .map_or_else(|| gid.to_string(), |group| group.name)
}

/// `Nov 29  2026`-style date from seconds since the epoch (UTC), in three words as `ls -l`
/// prints them for files older than six months.
fn date(seconds: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // Days to civil date (Howard Hinnant's algorithm, proleptic Gregorian).
    let days = seconds.div_euclid(86_400);
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let name = usize::try_from(month - 1).map_or("???", |index| MONTHS[index]);
    format!("{name} {day:>2} {year:>5}")
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use cofferdam_linter::Settings;
    use cofferdam_linter::lint_host;

    use super::*;

    #[test]
    fn dates_and_modes_read_like_ls() {
        assert_eq!(date(0), "Jan  1  1970");
        assert_eq!(date(1_795_910_400), "Nov 29  2026");
        assert_eq!(date(951_782_400), "Feb 29  2000");
        assert_eq!(permissions(0o660), "rw-rw----");
        assert_eq!(permissions(0o4755), "rwsr-xr-x");
        assert_eq!(permissions(0o1777), "rwxrwxrwt");
        assert_eq!(permissions(0o2640), "rw-r-S---");
    }

    #[test]
    fn a_recorded_host_tree_is_gathered_and_judged() {
        let root = tempfile::tempdir().expect("temp dir");
        let at = |path: &str| below(root.path(), path);
        fs::create_dir_all(at("/etc/docker/certs.d/registry.internal:5000")).unwrap();
        fs::create_dir_all(at("/proc/812")).unwrap();
        fs::create_dir_all(at("/proc/self")).unwrap();
        fs::write(
            at("/etc/docker/daemon.json"),
            "{\n  \"icc\": false,\n  \"hosts\": [\"tcp://0.0.0.0:2375\"]\n}\n",
        )
        .unwrap();
        fs::set_permissions(
            at("/etc/docker/daemon.json"),
            fs::Permissions::from_mode(0o666),
        )
        .unwrap();
        fs::write(at("/etc/docker/certs.d/registry.internal:5000/ca.crt"), "x").unwrap();
        fs::write(at("/etc/group"), "root:x:0:\ndocker:x:999:alice\n").unwrap();
        fs::write(
            at("/proc/812/cmdline"),
            b"/usr/sbin/dockerd\0-H\0fd://\0--live-restore\0",
        )
        .unwrap();
        let gathered = gather(root.path(), None);
        assert!(gathered.skipped.is_empty(), "{:?}", gathered.skipped);
        let facts = &gathered.facts;
        assert!(facts.daemon_json_exists && facts.settings_from_flags);
        assert_eq!(
            facts
                .bool_setting("live-restore")
                .map(|setting| setting.value),
            Some(true)
        );
        let daemon_json = facts.file("/etc/docker/daemon.json").expect("stat'ed");
        assert_eq!(daemon_json.mode & 0o777, 0o666);
        assert!(
            facts
                .file("/etc/docker/certs.d/registry.internal:5000/ca.crt")
                .is_some()
        );
        let codes: Vec<(String, &str)> = lint_host(facts, &Settings::default())
            .iter()
            .flat_map(|(source, result)| {
                result
                    .diagnostics
                    .iter()
                    .map(|diagnostic| (source.name().to_owned(), diagnostic.rule.code))
                    .collect::<Vec<_>>()
            })
            .collect();
        for expected in [
            ("/etc/docker/daemon.json".to_owned(), "DMN001"),
            ("/etc/docker/daemon.json (ls -l)".to_owned(), "DMN003"),
            ("/etc/group".to_owned(), "DMN013"),
        ] {
            assert!(codes.contains(&expected), "{expected:?} in {codes:?}");
        }
        // icc is off and live restore on: those rules stay quiet.
        assert!(
            !codes
                .iter()
                .any(|(_, code)| *code == "DMN006" || *code == "DMN007")
        );
    }
}
