//! `system-path-workdir`: `WORKDIR` inside a kernel or system directory such as `/proc`.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::relative_workdir::workdirs;

/// Directories the runtime mounts a kernel filesystem over: files written there at build time
/// disappear when the container starts.
const RUNTIME_MOUNTS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// Host-boot and filesystem-repair directories that hold no application files.
const SYSTEM_DIRS: [&str; 3] = ["/boot", "/initrd", "/lost+found"];

declare_rule! {
    /// ## What it does
    /// Checks for `WORKDIR` paths (after `ARG`/`ENV` expansion, and resolving relative paths
    /// against a known previous `WORKDIR`) that are, or are under, `/proc`, `/sys`, `/dev`,
    /// `/boot`, `/initrd` or `/lost+found`.
    ///
    /// ## Why is this bad?
    /// At run time `/proc`, `/sys` and `/dev` are kernel filesystems mounted by the runtime:
    /// whatever the build put there is hidden, and an application writing there is writing to
    /// kernel interfaces, which is exactly what a compromised process should never be invited
    /// to do. `/boot`, `/initrd` and `/lost+found` belong to the host's boot and repair tools;
    /// application files there are a sign of a mistake or of an image that expects host mounts.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// WORKDIR /proc/app
    /// USER 10001
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// WORKDIR /srv/app
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the application's files and configuration have to move with it.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#workdir>
    /// - <https://refspecs.linuxfoundation.org/FHS_3.0/fhs/index.html>
    pub struct SystemPathWorkdir {
        code: "BLD021",
        name: "system-path-workdir",
        category: Build,
        severity: Medium,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [Trivy "DS-0030"],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for step in workdirs(ctx) {
        let Some(path) = &step.resolved else {
            continue;
        };
        let message = if let Some(dir) = RUNTIME_MOUNTS.iter().find(|dir| is_under(path, dir)) {
            format!("working directory `{path}` is under `{dir}`, a kernel filesystem at run time")
        } else if let Some(dir) = SYSTEM_DIRS.iter().find(|dir| is_under(path, dir)) {
            format!("working directory `{path}` is under the system directory `{dir}`")
        } else {
            continue;
        };
        out.push(
            Diagnostic::new(SystemPathWorkdir::META, step.word.range, message).with_fix(
                Fix::display_only("use an application directory such as `/srv/app` or `/app`"),
            ),
        );
    }
}

/// Whether the normalised absolute `path` is `dir` or inside it.
fn is_under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::SystemPathWorkdir;
    use crate::rules::test::lines;

    #[test]
    fn flags_system_directories() {
        let rule = SystemPathWorkdir::META;
        assert_eq!(lines(rule, "FROM a:1\nWORKDIR /proc\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nWORKDIR /sys/fs/x\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nWORKDIR /lost+found/\n"), [2]);
        assert_eq!(lines(rule, "FROM a:1\nARG D=/dev\nWORKDIR ${D}/shm\n"), [3]);
        assert_eq!(
            lines(rule, "FROM a:1\nWORKDIR /boot\nWORKDIR grub\n"),
            [2, 3]
        );
        assert_eq!(lines(rule, "FROM a:1\nWORKDIR /srv/../proc/x\n"), [2]);
    }

    #[test]
    fn similar_names_are_fine() {
        let rule = SystemPathWorkdir::META;
        assert!(lines(rule, "FROM a:1\nWORKDIR /process\nWORKDIR /srv/proc\n").is_empty());
        assert!(lines(rule, "FROM a:1\nWORKDIR /device\nWORKDIR /app/boot\n").is_empty());
        assert!(lines(rule, "FROM a:1\nARG D\nWORKDIR $D/proc\n").is_empty());
    }
}
