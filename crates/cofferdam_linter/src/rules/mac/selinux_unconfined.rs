//! `selinux-unconfined`: `label=disable` (or an unconfined SELinux type) takes the container out
//! of SELinux separation.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::model::container::SecurityOpt;
use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks for SELinux label options that switch confinement off: `label=disable` (also
    /// `label:disable`, and the bare `disable` that Docker reads the same way), and a process
    /// type that SELinux does not confine, `label=type:spc_t` ("super-privileged container")
    /// or `label=type:unconfined_t`. Other types and levels (`label=type:svirt_apache_t`,
    /// `label=level:s0:c100,c200`) are deliberate confinement and fine.
    ///
    /// ## Why is this bad?
    /// On hosts with SELinux enforcing (Fedora, RHEL, CentOS Stream), every container runs as
    /// `container_t` with its own MCS category pair, so even root in a container that escapes
    /// its mount namespace cannot read or write host files or another container's files: the
    /// policy denies it. This layer stopped real escapes (CVE-2019-5736's overwrite of the
    /// host's `runc` binary is denied under SELinux). `label=disable` and the unconfined types
    /// remove it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     security_opt: ["label=disable"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     volumes: ["./data:/data:Z"]
    /// ```
    ///
    /// The usual reason for disabling labels is a bind mount the container cannot read:
    /// relabel it with `:z` (shared between containers) or `:Z` (private to this one) instead.
    ///
    /// ## Fix safety
    /// Unsafe: removes the setting where it is written (its compose key or list item, or the
    /// run-line option with its value), as `harden-run` does. Bind mounts the container needs then want `:z` or `:Z`, and
    /// relabelling host paths changes them for other users of the path; what else the
    /// application is denied must be found by running it (`ausearch -m avc`).
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#security-opt>
    /// - <https://docs.docker.com/engine/storage/bind-mounts/#configure-the-selinux-label>
    /// - CIS Docker Benchmark 5.2
    pub struct SelinuxUnconfined {
        code: "MAC002",
        name: "selinux-unconfined",
        category: Mac,
        severity: High,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Cis "5.2"],
    }
}

/// SELinux process types that the targeted policy does not confine.
const UNCONFINED_TYPES: &[&str] = &["spc_t", "unconfined_t"];

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for option in &ctx.spec.security_opt {
        let message = match &option.value {
            // Docker reads a bare `disable` as `label=disable`.
            SecurityOpt::Label(value) | SecurityOpt::Other(value) if value.trim() == "disable" => {
                "label separation is disabled: SELinux no longer keeps the container from host \
                 files and other containers"
                    .to_owned()
            }
            SecurityOpt::Label(value) => {
                let Some(kind) = value.trim().strip_prefix("type:") else {
                    continue;
                };
                let kind = kind.trim();
                if !UNCONFINED_TYPES.contains(&kind) {
                    continue;
                }
                format!(
                    "runs as the unconfined SELinux type `{kind}`: nothing keeps it from host \
                     files and other containers"
                )
            }
            _ => continue,
        };
        out.push(
            ctx.diagnostic(SelinuxUnconfined::META, option.range, message)
                .with_fix(ctx.removal_fix(
                    ctx.spelled(
                        "remove the `label` option; relabel bind mounts the service needs with \
                         `:z` or `:Z` instead",
                        "remove the `--security-opt label=…` option; relabel bind mounts the \
                         container needs with `:z` or `:Z` instead",
                    ),
                    "security_opt",
                    option.range,
                    |other| {
                        other
                            .security_opt
                            .iter()
                            .any(|other| other.range == option.range)
                    },
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::SelinuxUnconfined;
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn disable_in_every_spelling_and_unconfined_types() {
        let text = "services:\n  a:\n    security_opt:\n      - label=disable\n      - label:disable\n      - disable\n      - \"label=type:spc_t\"\n      - label:type:unconfined_t\n";
        assert_eq!(
            compose_lines(SelinuxUnconfined::META, text),
            [4, 5, 6, 7, 8]
        );
        let found = compose_findings(
            SelinuxUnconfined::META,
            &[(
                "compose.yaml",
                "services:\n  a:\n    security_opt: [\"label=type:spc_t\"]\n",
            )],
        );
        assert!(found[0].2.contains("`spc_t`"), "{}", found[0].2);
    }

    #[test]
    fn confined_labels_are_fine() {
        for option in [
            "label=type:svirt_apache_t",
            "\"label=level:s0:c100,c200\"",
            "label:user:system_u",
            "\"label:seccomp:unconfined\"",
            "apparmor=unconfined",
        ] {
            let text = format!("services:\n  a:\n    security_opt: [{option}]\n");
            assert!(
                compose_lines(SelinuxUnconfined::META, &text).is_empty(),
                "{option}"
            );
        }
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text =
            "x-base: &base\n  security_opt: [label=disable]\nservices:\n  a:\n    <<: *base\n";
        assert_eq!(compose_lines(SelinuxUnconfined::META, text), [2]);
    }
}
