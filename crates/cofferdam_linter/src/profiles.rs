//! Seccomp profiles that containers reference (`security_opt: [seccomp=profile.json]`,
//! `--security-opt seccomp=profile.json`): found, read and linted with `cofferdam_seccomp`'s
//! `SCP1xx` rules, judged for the container that uses them (its capabilities decide what
//! Docker's default would allow it).
//!
//! Paths are resolved from the directory of the file that names them: for compose that is the
//! project directory `docker compose` runs in, and for a script the best guess there is. A
//! compose file that names a relative profile which does not exist is an error, because `docker
//! compose up` refuses to create the container; an absolute path names a file provisioned on the
//! hosts, and a script may run anywhere, so those are skipped when not found here, as a
//! script's `--env-file` files are.

use std::path::Path;

use cofferdam_diagnostics::{Diagnostic, SourceFile, TextRange};
use cofferdam_seccomp::caps::CapSet;
pub use cofferdam_seccomp::lint::LintOptions;
use cofferdam_seccomp::lint::lint;

use crate::Settings;
use crate::model::compose::{self, ComposeProject, Loader};
use crate::model::container::{ContainerSpec, SecurityOpt, is_variable};
use crate::syntax::dockerfile::SyntaxError;

/// One profile file to lint for one kind of container.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileUse {
    /// The profile's global base offset in the project's sources.
    pub base: u32,
    /// The container it is judged for.
    pub options: LintOptions,
}

/// Reads the profiles the project's containers name into its sources and records what to lint.
/// With `required`, a profile that cannot be found is an error at the option naming it.
pub fn collect(project: &mut ComposeProject, loader: &dyn Loader, required: bool) {
    let mut uses: Vec<ProfileUse> = Vec::new();
    let mut errors = Vec::new();
    for spec in &project.services {
        for option in &spec.security_opt {
            let SecurityOpt::Seccomp(value) = &option.value else {
                continue;
            };
            let value = value.trim();
            // `unconfined` is SCP001's; `builtin` is Docker's default; a variable is unknown here.
            if value.is_empty()
                || value.eq_ignore_ascii_case("unconfined")
                || value.eq_ignore_ascii_case("builtin")
                || is_variable(value)
            {
                continue;
            }
            let path = compose::join(project.sources.file_name(option.range.start()), value);
            let base = match project.sources.file(&path) {
                Some((_, base)) => base,
                None => match loader.load(&path) {
                    Some(Ok(text)) => project.sources.add(SourceFile::new(path, text)),
                    Some(Err(message)) => {
                        errors.push(SyntaxError {
                            range: option.range,
                            message: format!("cannot read the seccomp profile `{path}`: {message}"),
                        });
                        continue;
                    }
                    // An absolute path names a file provisioned on the hosts.
                    None if required && !Path::new(value).is_absolute() => {
                        errors.push(SyntaxError {
                            range: option.range,
                            message: format!(
                                "expected a seccomp profile at `{path}`; it does not exist \
                                 (`docker compose up` would refuse to create the container)"
                            ),
                        });
                        continue;
                    }
                    None => continue,
                },
            };
            let profile = ProfileUse {
                base,
                options: options_for(spec),
            };
            if !uses.contains(&profile) {
                uses.push(profile);
            }
        }
    }
    project.errors.extend(errors);
    project.seccomp_profiles.extend(uses);
}

/// Docker's default for this container: its capabilities after `cap_add`/`cap_drop` (all of
/// them when privileged), on `x86_64` with a current kernel.
fn options_for(spec: &ContainerSpec) -> LintOptions {
    let caps = if spec.privileged.as_ref().is_some_and(|flag| flag.value) {
        CapSet::all()
    } else {
        let add: Vec<String> = spec.cap_add.iter().map(|cap| cap.value.clone()).collect();
        let drop: Vec<String> = spec.cap_drop.iter().map(|cap| cap.value.clone()).collect();
        // A capability Docker does not know is CAP002's to report; judge with the default set.
        CapSet::docker_tweaked(&add, &drop).unwrap_or_else(|_| CapSet::docker_defaults())
    };
    LintOptions {
        caps,
        ..LintOptions::default()
    }
}

/// Lints one profile text for a container, keeping the enabled rules with their overrides.
/// Ranges are local to `text`; a profile the engine cannot decode is one error.
pub fn lint_profile(
    text: &str,
    options: &LintOptions,
    settings: &Settings,
) -> (Vec<Diagnostic>, Option<SyntaxError>) {
    match lint(text, options) {
        Ok(diagnostics) => {
            let diagnostics = diagnostics
                .into_iter()
                .filter(|diagnostic| settings.is_enabled(diagnostic.rule))
                .map(|mut diagnostic| {
                    if let Some(severity) = settings.severity_override(diagnostic.rule) {
                        diagnostic.severity = severity;
                    }
                    diagnostic
                })
                .collect();
            (diagnostics, None)
        }
        Err(error) => (
            Vec::new(),
            Some(SyntaxError {
                range: error.range,
                message: format!("invalid seccomp profile: {}", error.message),
            }),
        ),
    }
}

/// Lints every collected profile; diagnostics and errors come back with global ranges.
pub(crate) fn lint_collected(
    project: &ComposeProject,
    settings: &Settings,
) -> (Vec<Diagnostic>, Vec<SyntaxError>) {
    let mut diagnostics = Vec::new();
    let mut errors = Vec::new();
    for profile in &project.seccomp_profiles {
        let Some((_, file, base)) = project.sources.locate(profile.base) else {
            continue;
        };
        let shift = |range: TextRange| TextRange::new(range.start() + base, range.end() + base);
        let (found, error) = lint_profile(file.text(), &profile.options, settings);
        diagnostics.extend(found.into_iter().map(|mut diagnostic| {
            diagnostic.range = shift(diagnostic.range);
            for label in &mut diagnostic.labels {
                label.range = shift(label.range);
            }
            diagnostic
        }));
        errors.extend(error.map(|error| SyntaxError {
            range: shift(error.range),
            message: error.message,
        }));
    }
    (diagnostics, errors)
}
