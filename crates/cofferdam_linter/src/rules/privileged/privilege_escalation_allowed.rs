//! `privilege-escalation-allowed`: `no-new-privileges` is missing from `security_opt` (or set
//! to false), so setuid and file-capability binaries can raise a process's privileges.

use cofferdam_diagnostics::{Diagnostic, Edit, Fix, declare_rule};

use crate::model::container::{SecurityOpt, is_root_user};
use crate::rules::ContainerContext;
use crate::rules::edit::Setting;

declare_rule! {
    /// ## What it does
    /// Checks that a container sets `no-new-privileges` (`security_opt:
    /// [no-new-privileges:true]`, `--security-opt no-new-privileges`), in any of its spellings
    /// (`:true`, `=true`, bare). An explicit `no-new-privileges:false` counts as set: it is
    /// reported as disabled at that option. A missing one is reported at `security_opt:` when
    /// the key exists, otherwise at the service. As in Docker, the last `no-new-privileges`
    /// entry wins.
    ///
    /// Privileged containers are left to `privileged-container`: they already hold every
    /// privilege, and this option would not make them safe.
    ///
    /// ## Why is this bad?
    /// Without the kernel's `no_new_privs` flag, running a setuid-root binary (`su`, `sudo`,
    /// `mount`, `passwd`, or one an attacker finds or plants with the wrong mode) or a binary
    /// with file capabilities raises the calling process's privileges. A container that drops
    /// root with `user:` can then climb back to root inside the container, and from there to
    /// every capability the container's bounding set still holds. With the flag set, `execve`
    /// never grants more than the caller already has, and it also stops AppArmor and SELinux
    /// transitions to laxer profiles.
    ///
    /// A daemon-wide default (`"no-new-privileges": true` in daemon.json) also sets it, but
    /// it is invisible to reviewers of the compose file and missing on other hosts; say it
    /// where the service is defined.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     user: "10001"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:2.0
    ///     user: "10001"
    ///     security_opt: [no-new-privileges:true]
    /// ```
    ///
    /// ## Fix safety
    /// Adds `no-new-privileges:true` to `security_opt:` (creating the list, or adding to the
    /// list where it is written), or `--security-opt no-new-privileges` before a run line's
    /// image; `no-new-privileges:false` becomes `true`.
    ///
    /// Safe when the container runs as root (its `user:`, or the image built here has no
    /// `USER`): the flag only stops `execve` from granting privileges through setuid/setgid
    /// bits and file capabilities, and a root process has nothing to gain from them. Unsafe
    /// otherwise: a non-root process that relies on a setuid binary at runtime (`sudo` in an
    /// entrypoint, `ping` without `NET_RAW` file capabilities, `su`) stops working, which is
    /// usually worth finding out in a test run rather than in production.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#security-opt>
    /// - <https://docs.kernel.org/userspace-api/no_new_privs.html>
    /// - CIS Docker Benchmark 5.25
    pub struct PrivilegeEscalationAllowed {
        code: "PRV002",
        name: "privilege-escalation-allowed",
        category: Privileged,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Safe,
        aliases: [
            Kics "27fcc7d6-c49b-46e0-98f1-6c082a6a2750",
            Kics "610e266e-6c12-4bca-9925-1ed0cd29742b",
            Cis "5.25",
        ],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    if spec.is_privileged() {
        return;
    }
    let (range, message) = match spec.no_new_privileges() {
        Some(option) if option.value == SecurityOpt::NoNewPrivileges(true) => return,
        Some(option) => (
            option.range,
            "`no-new-privileges` is disabled: setuid and file-capability binaries can raise privileges",
        ),
        None => (
            spec.anchor("security_opt"),
            "`no-new-privileges` is not set: setuid and file-capability binaries can raise privileges",
        ),
    };
    let description = ctx.spelled(
        "add `no-new-privileges:true` under `security_opt:`",
        "add `--security-opt no-new-privileges`",
    );
    let edits = match spec.no_new_privileges() {
        Some(option) => {
            let written = ctx.text(option.range);
            let quote = written.chars().next().filter(|c| *c == '"' || *c == '\'');
            let value = if ctx.is_compose() {
                "no-new-privileges:true"
            } else {
                "no-new-privileges"
            };
            Some(vec![Edit::replace(
                option.range,
                quote.map_or_else(|| value.to_owned(), |q| format!("{q}{value}{q}")),
            )])
        }
        None => ctx.add_list_item(
            Setting::new(
                "security_opt",
                "no-new-privileges:true",
                "--security-opt no-new-privileges",
            ),
            |other| {
                !other.is_privileged()
                    && other
                        .no_new_privileges()
                        .is_none_or(|option| option.value != SecurityOpt::NoNewPrivileges(true))
            },
        ),
    };
    let runs_as_root = match spec.effective_user() {
        Some(user) => is_root_user(user),
        None => spec.image_config.is_some(),
    };
    let fix = match edits {
        Some(edits) if runs_as_root => Fix::safe(description, edits),
        Some(edits) => Fix::unsafe_edits(description, edits),
        None => Fix::display_only(description),
    };
    out.push(
        ctx.diagnostic(PrivilegeEscalationAllowed::META, range, message)
            .with_fix(fix),
    );
}

#[cfg(test)]
mod tests {
    use super::PrivilegeEscalationAllowed;
    use crate::rules::test::{compose_findings, compose_fixed, compose_lines, script_fixed};

    #[test]
    fn fixes_keep_the_file_style() {
        let rule = PrivilegeEscalationAllowed::META;
        // A new list at the end of the service, in the file's indentation and list style.
        assert_eq!(
            compose_fixed(
                rule,
                "services:\n    api:  # the API\n        image: x:1\n        ports:\n        - \"80:80\"\n\n    db:\n        image: y:1\n"
            ),
            "services:\n    api:  # the API\n        image: x:1\n        ports:\n        - \"80:80\"\n        security_opt:\n        - no-new-privileges:true\n\n    db:\n        image: y:1\n        security_opt:\n        - no-new-privileges:true\n"
        );
        // Existing lists: flow and block; `false` flipped; CRLF kept.
        assert_eq!(
            compose_fixed(
                rule,
                "services:\r\n  a:\r\n    security_opt: [label=disable]\r\n  b:\r\n    security_opt:\r\n      - label=disable # keep\r\n    user: \"0\"\r\n  c:\r\n    security_opt: [\"no-new-privileges:false\"]\r\n"
            ),
            "services:\r\n  a:\r\n    security_opt: [label=disable, no-new-privileges:true]\r\n  b:\r\n    security_opt:\r\n      - label=disable # keep\r\n      - no-new-privileges:true\r\n    user: \"0\"\r\n  c:\r\n    security_opt: [\"no-new-privileges:true\"]\r\n"
        );
        // A flow-mapping service is left alone.
        let flow = "services:\n  a: {image: x:1}\n";
        assert_eq!(compose_fixed(rule, flow), flow);
    }

    #[test]
    fn inherited_lists_change_in_the_anchor_only_when_every_user_needs_it() {
        let rule = PrivilegeEscalationAllowed::META;
        let shared = "x-base: &base\n  security_opt:\n    - label=disable\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *base\n";
        assert_eq!(
            compose_fixed(rule, shared),
            "x-base: &base\n  security_opt:\n    - label=disable\n    - no-new-privileges:true\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *base\n"
        );
        // `b` is privileged (another rule's finding; this one does not apply): `a` gets its own.
        let mixed = "x-base: &base\n  security_opt:\n    - label=disable\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *base\n    privileged: true\n";
        assert_eq!(
            compose_fixed(rule, mixed),
            "x-base: &base\n  security_opt:\n    - label=disable\nservices:\n  a:\n    <<: *base\n    security_opt:\n      - label=disable\n      - no-new-privileges:true\n  b:\n    <<: *base\n    privileged: true\n"
        );
    }

    #[test]
    fn run_lines_get_the_flag_before_the_image() {
        let rule = PrivilegeEscalationAllowed::META;
        assert_eq!(
            script_fixed(
                rule,
                "docker run -d \\\n  --name api \\\n  example/api:2.0 serve\n"
            ),
            "docker run -d \\\n  --name api \\\n  --security-opt no-new-privileges \\\n  example/api:2.0 serve\n"
        );
        assert_eq!(
            script_fixed(
                rule,
                "docker run --security-opt no-new-privileges=false x:1\n"
            ),
            "docker run --security-opt no-new-privileges x:1\n"
        );
    }

    #[test]
    fn every_spelling_of_true_is_enough() {
        for option in [
            "no-new-privileges:true",
            "no-new-privileges=true",
            "no-new-privileges",
            "\"no-new-privileges: true\"",
        ] {
            let text = format!("services:\n  a:\n    security_opt: [{option}]\n");
            assert!(
                compose_lines(PrivilegeEscalationAllowed::META, &text).is_empty(),
                "{option}"
            );
        }
    }

    #[test]
    fn missing_points_at_security_opt_else_the_service() {
        let rule = PrivilegeEscalationAllowed::META;
        assert_eq!(
            compose_lines(rule, "services:\n  a:\n    image: x:1\n"),
            [2]
        );
        assert_eq!(
            compose_lines(
                rule,
                "services:\n  a:\n    image: x:1\n    security_opt:\n      - apparmor:docker-default\n"
            ),
            [4]
        );
    }

    #[test]
    fn explicit_false_is_reported_at_the_value() {
        let found = compose_findings(
            PrivilegeEscalationAllowed::META,
            &[(
                "compose.yaml",
                "services:\n  a:\n    security_opt:\n      - label:type:app_t\n      - no-new-privileges:false\n",
            )],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, 5);
        assert!(
            found[0].2.starts_with("`no-new-privileges` is disabled"),
            "{}",
            found[0].2
        );
    }

    #[test]
    fn the_last_entry_wins_and_privileged_is_left_alone() {
        let rule = PrivilegeEscalationAllowed::META;
        let text = "services:\n  a:\n    security_opt: [no-new-privileges, no-new-privileges=false]\n  b:\n    security_opt: [no-new-privileges=false, no-new-privileges]\n  c:\n    privileged: true\n";
        assert_eq!(compose_lines(rule, text), [3]);
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-base: &base\n  security_opt: [no-new-privileges:false]\nservices:\n  a:\n    <<: *base\n";
        assert_eq!(compose_lines(PrivilegeEscalationAllowed::META, text), [2]);
    }
}
