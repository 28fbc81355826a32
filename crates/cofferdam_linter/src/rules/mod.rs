//! The rule registry: one file per rule under `rules/<family>/`, listed once in [`RULES`].
//!
//! A rule is its metadata (declared with `declare_rule!` next to its check) plus a check
//! function. Codes are stable: a renamed rule keeps a redirect in [`REDIRECTS`], and a
//! snapshot test guards the code list.

pub mod build;
pub mod capabilities;
mod container;
mod context;
pub mod daemon;
pub mod devices;
mod edit;
pub mod filesystem;
pub mod healthcheck;
pub mod image;
pub mod mac;
pub mod namespaces;
pub mod network;
pub mod privileged;
pub mod resources;
pub mod seccomp;
pub mod secrets;
pub mod socket;
pub mod user;

use std::sync::LazyLock;

use cofferdam_diagnostics::{Diagnostic, RuleMeta};

pub use container::{ContainerContext, ProjectContext, ProjectView};
pub use context::{DockerfileContext, RunScript};

/// A Dockerfile rule's check.
pub type DockerfileCheck = fn(&DockerfileContext<'_>, &mut Vec<Diagnostic>);

/// A container rule's check: one container (compose service, run line, inspect output).
pub type ContainerCheck = fn(&ContainerContext<'_>, &mut Vec<Diagnostic>);

/// A project rule's check: every container of a project at once (network reachability).
pub type ProjectCheck = fn(&ProjectContext<'_>, &mut Vec<Diagnostic>);

/// A host rule's check: the daemon's configuration and the host around it.
pub type HostCheck = fn(&daemon::HostContext<'_>, &mut Vec<Diagnostic>);

/// How a rule is run.
#[derive(Clone, Copy)]
pub enum Check {
    Dockerfile(DockerfileCheck),
    Container(ContainerCheck),
    Project(ProjectCheck),
    /// One hazard that both a Dockerfile and a container configuration can carry (a `:latest`
    /// image, a secret in the environment): one code, two checks.
    Both(DockerfileCheck, ContainerCheck),
    /// A rule about a seccomp profile file (`SCP101`…), checked by `cofferdam_seccomp::lint` on
    /// the profiles containers reference (`seccomp=profile.json`) and by `seccomp lint`.
    SeccompProfile,
    /// A rule about the host and the Docker daemon (`DMN…`), run by `cofferdam audit`.
    Host(HostCheck),
}

/// A registered rule.
#[derive(Clone, Copy)]
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

impl Rule {
    /// A container rule; families list theirs in their own `RULES`.
    pub const fn container(meta: &'static RuleMeta, check: ContainerCheck) -> Self {
        Self {
            meta,
            check: Check::Container(check),
        }
    }

    /// A project rule (every container of a project at once).
    pub const fn project(meta: &'static RuleMeta, check: ProjectCheck) -> Self {
        Self {
            meta,
            check: Check::Project(check),
        }
    }

    /// A rule with both a Dockerfile and a container check.
    pub const fn both(
        meta: &'static RuleMeta,
        dockerfile: DockerfileCheck,
        container: ContainerCheck,
    ) -> Self {
        Self {
            meta,
            check: Check::Both(dockerfile, container),
        }
    }
}

/// Registers a Dockerfile rule: `family::file::RuleType`.
macro_rules! dockerfile {
    ($family:ident :: $module:ident :: $rule:ident) => {
        Rule {
            meta: $family::$module::$rule::META,
            check: Check::Dockerfile($family::$module::check),
        }
    };
}

/// Every rule: the Dockerfile rules, then each container family's `RULES`. The order is the
/// order rules run in; output is sorted later.
pub static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    [
        DOCKERFILE_RULES,
        user::RULES,
        capabilities::RULES,
        privileged::RULES,
        seccomp::RULES,
        mac::RULES,
        namespaces::RULES,
        devices::RULES,
        filesystem::RULES,
        socket::RULES,
        resources::RULES,
        network::RULES,
        image::RULES,
        secrets::RULES,
        healthcheck::RULES,
        build::RULES,
        &seccomp::PROFILE_RULES,
        daemon::RULES,
    ]
    .concat()
});

/// The Dockerfile-only rules, grouped by family.
static DOCKERFILE_RULES: &[Rule] = &[
    dockerfile!(secrets::secret_in_build_arg::SecretInBuildArg),
    dockerfile!(user::last_user_root::LastUserRoot),
    dockerfile!(user::missing_user::MissingUser),
    dockerfile!(user::named_user::NamedUser),
    // Shell-analysis rules (RUN bodies):
    dockerfile!(image::add_from_url::AddFromUrl),
    dockerfile!(image::remote_script_piped_to_shell::RemoteScriptPipedToShell),
    dockerfile!(build::sudo_in_run::SudoInRun),
    dockerfile!(build::package_cache_not_cleaned::PackageCacheNotCleaned),
    dockerfile!(build::package_install_prompt::PackageInstallPrompt),
    dockerfile!(build::apt_install_recommends::AptInstallRecommends),
    dockerfile!(build::unpinned_package::UnpinnedPackage),
    dockerfile!(build::orphan_package_update::OrphanPackageUpdate),
    dockerfile!(build::package_dist_upgrade::PackageDistUpgrade),
    dockerfile!(build::pipe_without_pipefail::PipeWithoutPipefail),
    dockerfile!(build::add_instead_of_copy::AddInsteadOfCopy),
    dockerfile!(build::apt_instead_of_apt_get::AptInsteadOfAptGet),
    dockerfile!(build::cd_instead_of_workdir::CdInsteadOfWorkdir),
    dockerfile!(filesystem::world_writable_permissions::WorldWritablePermissions),
    // Instruction-structure rules:
    dockerfile!(network::privileged_port_non_root::PrivilegedPortNonRoot),
    dockerfile!(network::port_out_of_range::PortOutOfRange),
    dockerfile!(healthcheck::multiple_healthchecks::MultipleHealthchecks),
    dockerfile!(build::copy_from_own_stage::CopyFromOwnStage),
    dockerfile!(build::duplicate_stage_name::DuplicateStageName),
    dockerfile!(build::multiple_cmd::MultipleCmd),
    dockerfile!(build::multiple_entrypoint::MultipleEntrypoint),
    dockerfile!(build::relative_workdir::RelativeWorkdir),
    dockerfile!(build::copy_dest_not_directory::CopyDestNotDirectory),
    dockerfile!(build::maintainer_deprecated::MaintainerDeprecated),
    dockerfile!(build::shell_form_entrypoint::ShellFormEntrypoint),
    dockerfile!(build::copy_without_chown::CopyWithoutChown),
    dockerfile!(build::system_path_workdir::SystemPathWorkdir),
    dockerfile!(build::sudo_installed::SudoInstalled),
    dockerfile!(network::ssh_server_installed::SshServerInstalled),
    dockerfile!(image::tls_verification_disabled::TlsVerificationDisabled),
    dockerfile!(secrets::password_set_in_build::PasswordSetInBuild),
];

/// Old rule names and codes that now resolve to another rule: `(old, new code)`.
pub static REDIRECTS: &[(&str, &str)] = &[];

/// Finds a rule by code or name (case-insensitive), following redirects. Aliases of peer tools
/// are not consulted here because one alias may cover several rules.
pub fn find_rule(key: &str) -> Option<&'static Rule> {
    let key = REDIRECTS
        .iter()
        .find(|(old, _)| old.eq_ignore_ascii_case(key))
        .map_or(key, |(_, new)| new);
    RULES.iter().find(|rule| {
        rule.meta.code.eq_ignore_ascii_case(key) || rule.meta.name.eq_ignore_ascii_case(key)
    })
}

#[cfg(test)]
pub(crate) mod test {
    //! Helpers for the one-line snippet tests in each rule file.

    use cofferdam_diagnostics::{Diagnostic, RuleMeta, SourceFile};

    use crate::{Settings, lint_dockerfile};

    /// Lints `text` with only `rule` enabled.
    pub(crate) fn lint(rule: &RuleMeta, text: &str) -> Vec<Diagnostic> {
        let settings = Settings::default()
            .with_selection(&[rule.code.to_owned()], &[], &[])
            .expect("registered rule");
        lint_dockerfile(&SourceFile::new("Dockerfile", text), &settings).diagnostics
    }

    /// The 1-based lines where `rule` fires on the compose file `text`.
    pub(crate) fn compose_lines(rule: &RuleMeta, text: &str) -> Vec<u32> {
        compose_lines_with(rule, &[("compose.yaml", text)])
    }

    /// Like [`compose_lines`], with more files (an override, a Dockerfile, `.env`) readable by
    /// the project; the first file is the compose file reviewed, and lines are reported for
    /// findings in any file as `(line)` of that file.
    pub(crate) fn compose_lines_with(rule: &RuleMeta, files: &[(&str, &str)]) -> Vec<u32> {
        compose_findings(rule, files)
            .into_iter()
            .map(|(_, line, _)| line)
            .collect()
    }

    /// `(file, line, message)` of every finding of `rule` on a compose project.
    pub(crate) fn compose_findings(
        rule: &RuleMeta,
        files: &[(&str, &str)],
    ) -> Vec<(String, u32, String)> {
        compose_diagnostics(rule, files)
            .into_iter()
            .map(|(file, diagnostic)| {
                let line = file.line_column(diagnostic.range.start()).line;
                (file.name().to_owned(), line, diagnostic.message)
            })
            .collect()
    }

    /// `(line, severity)` of every finding of `rule` on the compose file `text`, sorted: for
    /// rules that grade their findings.
    pub(crate) fn graded(rule: &RuleMeta, text: &str) -> Vec<(u32, &'static str)> {
        let mut found: Vec<(u32, &'static str)> =
            compose_diagnostics(rule, &[("compose.yaml", text)])
                .into_iter()
                .map(|(file, diagnostic)| {
                    (
                        file.line_column(diagnostic.range.start()).line,
                        diagnostic.severity.as_str(),
                    )
                })
                .collect();
        found.sort_unstable();
        found
    }

    /// Every diagnostic of `rule` on a compose project, with the file it is in. The first file
    /// is the compose file reviewed; the others are readable by it.
    fn compose_diagnostics(
        rule: &RuleMeta,
        files: &[(&str, &str)],
    ) -> Vec<(SourceFile, Diagnostic)> {
        compose_diagnostics_in(rule, files, Settings::default())
    }

    /// `text` after applying every fix of `rule` with edits once (identical edits, such as
    /// one anchor edit for several services, count once).
    pub(crate) fn compose_fixed(rule: &RuleMeta, text: &str) -> String {
        compose_fixed_in(rule, text, Settings::default())
    }

    /// [`compose_fixed`] with `settings`' thresholds.
    pub(crate) fn compose_fixed_in(rule: &RuleMeta, text: &str, settings: Settings) -> String {
        let edits = compose_diagnostics_in(rule, &[("compose.yaml", text)], settings)
            .into_iter()
            .filter_map(|(_, diagnostic)| diagnostic.fix)
            .flat_map(|fix| fix.edits)
            .collect();
        apply_all(text, edits)
    }

    /// A shell script after applying every fix of `rule` with edits once.
    pub(crate) fn script_fixed(rule: &RuleMeta, text: &str) -> String {
        let settings = Settings::default()
            .with_selection(&[rule.code.to_owned()], &[], &[])
            .expect("registered rule");
        let source = SourceFile::new("run.sh", text);
        let edits = crate::lint_run_lines(
            &source,
            crate::syntax::embedded::Embedding::Shell,
            &crate::model::compose::NoFiles,
            &settings,
        )
        .into_iter()
        .flat_map(|(_, result)| result.diagnostics)
        .filter_map(|diagnostic| diagnostic.fix)
        .flat_map(|fix| fix.edits)
        .collect();
        apply_all(text, edits)
    }

    /// A Dockerfile after applying every fix of `rule` with edits once, with `settings`'
    /// thresholds.
    pub(crate) fn dockerfile_fixed_in(rule: &RuleMeta, text: &str, settings: Settings) -> String {
        let settings = settings
            .with_selection(&[rule.code.to_owned()], &[], &[])
            .expect("registered rule");
        let edits = lint_dockerfile(&SourceFile::new("Dockerfile", text), &settings)
            .diagnostics
            .into_iter()
            .filter_map(|diagnostic| diagnostic.fix)
            .flat_map(|fix| fix.edits)
            .collect();
        apply_all(text, edits)
    }

    fn apply_all(text: &str, mut edits: Vec<cofferdam_diagnostics::Edit>) -> String {
        edits.sort_by_key(|edit| (edit.range.start(), edit.range.end(), edit.content.clone()));
        edits.dedup();
        cofferdam_diagnostics::Fix::unsafe_edits("all", edits)
            .apply(text)
            .expect("edits do not overlap")
    }

    /// The 1-based lines where `rule` fires on the compose file `text` with `settings`'
    /// thresholds.
    pub(crate) fn compose_lines_in(rule: &RuleMeta, text: &str, settings: Settings) -> Vec<u32> {
        compose_diagnostics_in(rule, &[("compose.yaml", text)], settings)
            .into_iter()
            .map(|(file, diagnostic)| file.line_column(diagnostic.range.start()).line)
            .collect()
    }

    /// The 1-based lines where `rule` fires on the Dockerfile `text` with `settings`'
    /// thresholds.
    pub(crate) fn lines_in(rule: &RuleMeta, text: &str, settings: Settings) -> Vec<u32> {
        let file = SourceFile::new("Dockerfile", text);
        let settings = settings
            .with_selection(&[rule.code.to_owned()], &[], &[])
            .expect("registered rule");
        lint_dockerfile(&file, &settings)
            .diagnostics
            .iter()
            .map(|diagnostic| file.line_column(diagnostic.range.start()).line)
            .collect()
    }

    fn compose_diagnostics_in(
        rule: &RuleMeta,
        files: &[(&str, &str)],
        settings: Settings,
    ) -> Vec<(SourceFile, Diagnostic)> {
        use std::collections::HashMap;

        use crate::model::compose::{ComposeInput, Loader};

        struct Files(HashMap<String, String>);
        impl Loader for Files {
            fn load(&self, path: &str) -> Option<Result<String, String>> {
                self.0.get(path).cloned().map(Ok)
            }
        }
        let settings = settings
            .with_selection(&[rule.code.to_owned()], &[], &[])
            .expect("registered rule");
        let loader = Files(
            files
                .iter()
                .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
                .collect(),
        );
        let environment = |_: &str| None;
        crate::lint_compose(
            ComposeInput {
                files: vec![SourceFile::new(files[0].0, files[0].1)],
                loader: &loader,
                environment: &environment,
            },
            &settings,
        )
        .into_iter()
        .flat_map(|(file, result)| {
            result
                .diagnostics
                .into_iter()
                .map(move |diagnostic| (file.clone(), diagnostic))
        })
        .collect()
    }

    /// The 1-based lines where `rule` fires on `text`.
    pub(crate) fn lines(rule: &RuleMeta, text: &str) -> Vec<u32> {
        let file = SourceFile::new("Dockerfile", text);
        lint(rule, text)
            .iter()
            .map(|diagnostic| file.line_column(diagnostic.range.start()).line)
            .collect()
    }
}
