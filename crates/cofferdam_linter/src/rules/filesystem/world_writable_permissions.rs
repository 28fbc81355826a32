//! `world-writable-permissions`: files or directories in the image that every user may modify.

use cofferdam_diagnostics::{Diagnostic, Fix, TextRange, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::runs::runs;
use crate::syntax::dockerfile::{Instruction, InstructionKind, Keyword};

declare_rule! {
    /// ## What it does
    /// Checks for modes that give write permission to "others": `chmod 777`, `chmod 666`,
    /// `chmod -R o+w`, `chmod a+rwx`, `mkdir -m 777`, `install -m 0666`, `umask 000` in `RUN`
    /// steps, and `COPY --chmod=777` / `ADD --chmod=a+w`. Modes with the sticky bit (`1777`,
    /// `+t`), the standard for shared temporary directories, are not reported. `chmod +w`
    /// without `u`/`g`/`o`/`a` is filtered by the umask (022 in builds), so it is not reported
    /// either.
    ///
    /// ## Why is this bad?
    /// Any process in the container, whatever user it runs as, can then replace the files:
    /// a compromised low-privilege service can rewrite the application's code, configuration
    /// or scripts that a more privileged process later runs. World-writable directories
    /// without the sticky bit also let one user delete or swap another's files.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// COPY app /opt/app
    /// RUN chmod -R 777 /opt/app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// COPY --chown=10001:10001 app /opt/app
    /// RUN chmod -R u=rwX,go=rX /opt/app
    /// USER 10001
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the right owner and mode depend on which user must write where.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#copy---chown---chmod>
    /// - CIS Docker Benchmark 4.8 (setuid/setgid and permissions hygiene)
    pub struct WorldWritablePermissions {
        code: "FSY001",
        name: "world-writable-permissions",
        category: Filesystem,
        severity: Medium,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [],
    }
}

/// Whether a numeric or symbolic mode lets others write (and does not set the sticky bit).
fn world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.len() <= 5 && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let Ok(bits) = u32::from_str_radix(mode, 8) else {
            return false;
        };
        return bits & 0o002 != 0 && bits & 0o1000 == 0;
    }
    let mut writable = false;
    for clause in mode.split(',') {
        let who_end = clause
            .find(|c: char| !"ugoa".contains(c))
            .unwrap_or(clause.len());
        let who = &clause[..who_end];
        let mut rest = &clause[who_end..];
        if rest.is_empty() {
            return false;
        }
        while let Some(op) = rest.chars().next() {
            if !"+-=".contains(op) {
                return false;
            }
            let perms_end = rest[1..]
                .find(|c: char| "+-=".contains(c))
                .map_or(rest.len(), |i| i + 1);
            let perms = &rest[1..perms_end];
            if !perms.chars().all(|c| "rwxXstugo".contains(c)) {
                return false;
            }
            let others = who.contains('o') || who.contains('a');
            if op != '-' && perms.contains('t') {
                return false;
            }
            if op != '-' && others && perms.contains('w') {
                writable = true;
            }
            rest = &rest[perms_end..];
        }
    }
    writable
}

/// `umask 000`, `umask 0`: new files get write permission for others.
fn open_umask(mask: &str) -> bool {
    !mask.is_empty()
        && mask.len() <= 4
        && mask.bytes().all(|b| (b'0'..=b'7').contains(&b))
        && u32::from_str_radix(mask, 8).is_ok_and(|bits| bits & 0o002 == 0)
}

fn check_runs(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for run in runs(ctx) {
        for (script, command) in run.commands() {
            let view = command.unwrapped();
            let Some(program) = view.program() else {
                continue;
            };
            let values: Vec<(Option<&str>, TextRange)> = view
                .args
                .iter()
                .map(|a| (a.value.as_deref(), a.range))
                .collect();
            let (mode, range) = match program {
                "chmod" => {
                    // The first argument that is a mode; `-w` style modes look like options.
                    let Some(found) = values.iter().find(|(v, _)| {
                        v.is_some_and(|v| {
                            !v.starts_with("--") && (!v.starts_with('-') || world_writable(v))
                        })
                    }) else {
                        continue;
                    };
                    (found.0.unwrap_or_default(), found.1)
                }
                "mkdir" | "install" => {
                    let found = values.iter().enumerate().find_map(|(i, (v, range))| {
                        let v = (*v)?;
                        if v == "-m" || v == "--mode" {
                            values.get(i + 1).and_then(|(n, r)| Some(((*n)?, *r)))
                        } else {
                            v.strip_prefix("--mode=")
                                .or_else(|| v.strip_prefix("-m").filter(|m| !m.is_empty()))
                                .map(|m| (m, *range))
                        }
                    });
                    let Some(found) = found else {
                        continue;
                    };
                    found
                }
                "umask" => {
                    let Some((Some(mask), range)) = values.first().copied() else {
                        continue;
                    };
                    if open_umask(mask) {
                        out.push(
                            Diagnostic::new(
                                WorldWritablePermissions::META,
                                script.source_range(range),
                                format!(
                                    "`umask {mask}` makes files created later writable by any user"
                                ),
                            )
                            .with_fix(Fix::display_only("use `umask 022` (or remove it)")),
                        );
                    }
                    continue;
                }
                _ => continue,
            };
            if !world_writable(mode) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    WorldWritablePermissions::META,
                    script.source_range(range),
                    format!("`{program}` mode `{mode}` makes files writable by any user"),
                )
                .with_fix(Fix::display_only(
                    "drop write for others (e.g. 755/644) and give ownership to the user that writes",
                )),
            );
        }
    }
}

fn check_copy_flags(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    let instructions = ctx.model.stages.iter().flat_map(|stage| stage.instructions);
    for instruction in instructions {
        let instruction: &Instruction = match &instruction.kind {
            InstructionKind::Onbuild(inner) => inner,
            _ => instruction,
        };
        if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add) {
            continue;
        }
        let Some(flag) = instruction.flag("chmod") else {
            continue;
        };
        let Some(value) = flag.value.as_ref() else {
            continue;
        };
        let mode = value.raw.trim_matches(['"', '\'']);
        if world_writable(mode) {
            out.push(
                Diagnostic::new(
                    WorldWritablePermissions::META,
                    flag.range,
                    format!("`--chmod={mode}` makes the copied files writable by any user"),
                )
                .with_fix(Fix::display_only(
                    "drop write for others (e.g. `--chmod=755`) and use `--chown` for the writer",
                )),
            );
        }
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    check_runs(ctx, out);
    check_copy_flags(ctx, out);
}

#[cfg(test)]
mod tests {
    use super::{WorldWritablePermissions, world_writable};
    use crate::rules::test::lines;

    #[test]
    fn modes() {
        for mode in [
            "777", "0777", "666", "o+w", "a+rwx", "u+x,o+w", "o=rwx", "2777", "7",
        ] {
            assert!(world_writable(mode), "{mode}");
        }
        for mode in [
            "755", "1777", "a+rwxt", "+w", "u+w", "o-w", "go-w", "775", "a+rX", "-w",
        ] {
            assert!(!world_writable(mode), "{mode}");
        }
    }

    #[test]
    fn commands_and_flags() {
        let meta = WorldWritablePermissions::META;
        let fires = |text: &str| lines(meta, &format!("FROM a:1\n{text}\n")).len();
        assert_eq!(fires("RUN chmod -R 777 /app"), 1);
        assert_eq!(fires("RUN chmod -R a+w /app"), 1);
        assert_eq!(fires("RUN sudo chmod 0666 /etc/app.conf"), 1);
        assert_eq!(fires("RUN mkdir -p -m 777 /data"), 1);
        assert_eq!(fires("RUN install -m0777 x /usr/local/bin/x"), 1);
        assert_eq!(fires("RUN umask 000 && touch /x"), 1);
        assert_eq!(fires("COPY --chmod=777 app /app"), 1);
        assert_eq!(fires("RUN chmod 1777 /scratch && chmod 755 /app"), 0);
        assert_eq!(fires("RUN chmod +x /entrypoint.sh && umask 022"), 0);
        assert_eq!(fires("COPY --chmod=755 app /app"), 0);
        assert_eq!(fires("RUN echo chmod 777 /x"), 0);
    }
}
