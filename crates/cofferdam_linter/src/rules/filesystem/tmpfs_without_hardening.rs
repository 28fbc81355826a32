//! `tmpfs-without-hardening`: a tmpfs mount without a size limit, or with `exec`, `suid` or
//! `dev` turning off Docker's defaults.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, Severity, TextRange, declare_rule};

use crate::model::container::Tmpfs;
use crate::rules::ContainerContext;
use crate::rules::resources::starting_points::TMPFS_SIZE;

/// The edit that adds `size=` to a short-syntax mount written at `range` (`/tmp`,
/// `"/run:mode=755"`); `None` for the long syntax.
fn size_edit(ctx: &ContainerContext<'_>, range: TextRange) -> Option<Edit> {
    let written = ctx.text(range);
    let inner = written.trim_end_matches(['"', '\'']);
    let unquoted = inner.trim_start_matches(['"', '\'']);
    if !unquoted.starts_with('/') || unquoted.contains(char::is_whitespace) {
        return None;
    }
    let separator = if unquoted.contains(':') { ',' } else { ':' };
    Some(Edit::insert(
        range.start() + inner.len() as u32,
        format!("{separator}size={TMPFS_SIZE}"),
    ))
}

declare_rule! {
    /// ## What it does
    /// Checks every tmpfs mount (`tmpfs:` short syntax, long syntax `type: tmpfs` with
    /// `tmpfs: {size: …}`, `--tmpfs`, `--mount type=tmpfs`) for two things:
    ///
    /// - a `size=` limit (long syntax: `tmpfs.size`); a missing one, or `size=0`, is reported
    ///   at low severity;
    /// - options that undo the hardening Docker and Podman apply by default: tmpfs mounts get
    ///   `noexec,nosuid,nodev` unless `exec`, `suid` or `dev` is given, so those are reported at
    ///   medium (as in `mount`, the last of `exec`/`noexec` wins). Writing `noexec,nosuid` out
    ///   is fine but not required.
    ///
    /// ## Why is this bad?
    /// A tmpfs lives in memory. Without `size=`, it may grow to half of the host's RAM; unless
    /// the container has a memory limit, a process that fills it takes that memory from every
    /// other workload, and tmpfs pages cannot be reclaimed except to swap. An `exec` tmpfs is a
    /// writable place to drop and run binaries, which defeats a read-only root filesystem, and
    /// `suid` lets a planted setuid binary raise privileges.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     read_only: true
    ///     tmpfs:
    ///       - /tmp:exec
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     read_only: true
    ///     tmpfs:
    ///       - /tmp:size=64m,noexec,nosuid
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe for a short-syntax mount whose only problem is the missing size: `size=64m` is
    /// added to its options (`/tmp` → `/tmp:size=64m`), a starting point; a program that
    /// writes more there gets `ENOSPC`, so adjust it to the workload. Display-only otherwise:
    /// some programs (JIT compilers, native extensions unpacked at runtime) need an `exec`
    /// tmpfs; give those their own small mount rather than making `/tmp` executable.
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/storage/tmpfs/>
    /// - <https://docs.kernel.org/filesystems/tmpfs.html>
    pub struct TmpfsWithoutHardening {
        code: "FSY003",
        name: "tmpfs-without-hardening",
        category: Filesystem,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [],
    }
}

/// Options that turn off a default, with the default they undo.
const LOOSENING: &[(&str, &str)] = &[("exec", "noexec"), ("suid", "nosuid"), ("dev", "nodev")];

/// The options of `tmpfs` that undo a default and the defaults they undo, the last of each pair
/// winning.
fn loosened(tmpfs: &Tmpfs) -> Vec<(&'static str, &'static str)> {
    LOOSENING
        .iter()
        .filter(|(on, off)| {
            tmpfs
                .options
                .iter()
                .rev()
                .find(|option| option.eq_ignore_ascii_case(on) || option.eq_ignore_ascii_case(off))
                .is_some_and(|option| option.eq_ignore_ascii_case(on))
        })
        .copied()
        .collect()
}

/// Whether the mount has a non-zero `size=` (a byte count with a unit, or a percentage of RAM).
fn sized(tmpfs: &Tmpfs) -> bool {
    tmpfs
        .options
        .iter()
        .rev()
        .find_map(|option| {
            let (key, value) = option.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("size")
                .then_some(value.trim())
        })
        // `size=0` means no limit; any non-zero digit makes a limit (`64m`, `0.5g`, `10%`).
        .is_some_and(|size| size.bytes().any(|b| (b'1'..=b'9').contains(&b)))
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for tmpfs in &ctx.spec.tmpfs {
        let target = &tmpfs.value.target;
        let loose = loosened(&tmpfs.value);
        let sized = sized(&tmpfs.value);
        let (severity, message) = match (loose.as_slice(), sized) {
            ([], true) => continue,
            ([], false) => (
                Severity::Low,
                format!(
                    "tmpfs `{target}` has no `size=` limit: it can fill up to half of the host's memory"
                ),
            ),
            (loose, sized) => {
                let on: Vec<&str> = loose.iter().map(|(on, _)| *on).collect();
                let off: Vec<&str> = loose.iter().map(|(_, off)| *off).collect();
                let undoing = format!(
                    "`{}`, undoing the default `{}`",
                    on.join(","),
                    off.join(",")
                );
                let message = if sized {
                    format!("tmpfs `{target}` is mounted with {undoing}")
                } else {
                    format!("tmpfs `{target}` is mounted with {undoing}, and has no `size=` limit")
                };
                (Severity::Medium, message)
            }
        };
        let description = ctx.spelled(
            "mount it as `<path>:size=<limit>,noexec,nosuid` (long syntax: `tmpfs: {size: <bytes>}`)",
            "mount it as `--tmpfs <path>:size=<limit>,noexec,nosuid`",
        );
        let fix = match size_edit(ctx, tmpfs.range) {
            Some(edit) if loose.is_empty() => Fix::unsafe_edits(
                format!("add `size={TMPFS_SIZE}` (a starting point to adjust)"),
                vec![edit],
            ),
            _ => Fix::display_only(description),
        };
        out.push(
            ctx.diagnostic(TmpfsWithoutHardening::META, tmpfs.range, message)
                .with_severity(severity)
                .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::TmpfsWithoutHardening;
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn size_and_loosening_options() {
        let text = "services:\n  a:\n    tmpfs:\n      - /run:size=16m\n      - /tmp\n      - /cache:size=64m,exec\n      - /x:size=1m,exec,noexec\n      - /y:size=0\n      - /z:size=10%,nosuid\n";
        assert_eq!(compose_lines(TmpfsWithoutHardening::META, text), [5, 6, 8]);
    }

    #[test]
    fn long_syntax_and_a_single_string() {
        let text = "services:\n  a:\n    tmpfs: /tmp\n    volumes:\n      - type: tmpfs\n        target: /cache\n        tmpfs:\n          size: 67108864\n      - type: tmpfs\n        target: /scratch\n";
        assert_eq!(compose_lines(TmpfsWithoutHardening::META, text), [3, 9]);
    }

    #[test]
    fn messages_name_the_options() {
        let found = compose_findings(
            TmpfsWithoutHardening::META,
            &[(
                "compose.yaml",
                "services:\n  a:\n    tmpfs: [\"/t:exec,suid\"]\n",
            )],
        );
        assert_eq!(
            found[0].2,
            "tmpfs `/t` is mounted with `exec,suid`, undoing the default `noexec,nosuid`, and has no `size=` limit"
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-t: &t\n  tmpfs: [/tmp]\nservices:\n  a:\n    <<: *t\n";
        assert_eq!(compose_lines(TmpfsWithoutHardening::META, text), [2]);
    }
}
