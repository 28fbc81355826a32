//! `capabilities-not-dropped`: the container keeps Docker's default capabilities because it
//! does not drop `ALL`.

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, declare_rule};

use crate::model::container::{SecurityOpt, is_root_user, is_variable};
use crate::rules::ContainerContext;
use crate::rules::capabilities::grants::DOCKER_DEFAULT;
use crate::rules::edit::Setting;

declare_rule! {
    /// ## What it does
    /// Checks that a container drops every capability (`cap_drop: [ALL]`, `--cap-drop ALL`)
    /// and adds back only what it needs. Dropping a few named capabilities is not enough: the
    /// finding names the default capabilities that remain. It is reported at the `cap_drop:` key
    /// when there is one, otherwise at the service.
    ///
    /// Privileged containers are left to `privileged-container` (they get every capability
    /// whatever `cap_drop` says), and a container that adds `ALL` is left to
    /// `dangerous-capability-added` (an added `ALL` wins over a dropped one).
    ///
    /// ## Why is this bad?
    /// Docker starts every container with 14 capabilities, and few applications need any of
    /// them. `NET_RAW` lets a compromised process forge packets and spoof ARP or DNS replies
    /// on the container's network (and opened the packet-socket kernel bug CVE-2020-14386);
    /// `DAC_OVERRIDE` ignores file permissions; `SETUID`/`SETGID` change identity; `MKNOD`
    /// creates device nodes; `CHOWN`/`FOWNER` take over files. Each is attack surface that a
    /// web server or a worker never uses.
    ///
    /// The finding is graded down to low when the container runs as a named non-root user and
    /// sets `no-new-privileges`: a non-root process holds capabilities only in its bounding
    /// set, and without setuid or file-capability binaries it cannot pick them up.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginxinc/nginx-unprivileged:1.27
    ///     cap_drop: [NET_RAW]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginxinc/nginx-unprivileged:1.27
    ///     cap_drop: [ALL]
    /// ```
    ///
    /// A service that needs one capability adds it back after dropping the rest:
    /// `cap_drop: [ALL]` with `cap_add: [CHOWN]`.
    ///
    /// ## Fix safety
    /// Unsafe: adds `ALL` to `cap_drop:` (creating the list when there is none) or
    /// `--cap-drop ALL` before a run line's image; capabilities in `cap_add:` stay granted.
    /// An application that needs a default capability (an entrypoint that `chown`s a volume,
    /// `su-exec` or `gosu` switching user, a server binding port 80 as root without
    /// `NET_BIND_SERVICE`) fails once it is dropped. Test with `cap_drop: [ALL]` and add back
    /// what it reports as denied (`cofferdam seccomp record` suggests the list).
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities>
    /// - <https://man7.org/linux/man-pages/man7/capabilities.7.html>
    /// - CIS Docker Benchmark 5.3
    pub struct CapabilitiesNotDropped {
        code: "CAP001",
        name: "capabilities-not-dropped",
        category: Capabilities,
        severity: Medium,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Kics "ce76b7d0-9e77-464d-b86f-c5c48e03e22d", Cis "5.3"],
    }
}

/// Longest message; the list of remaining capabilities is cut to fit.
const MAX_MESSAGE: usize = 120;

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    if spec.is_privileged()
        || spec.drops_all_capabilities()
        || spec.cap_add.iter().any(|cap| cap.value == "ALL")
        // A capability list chosen at deploy time may well be `ALL`.
        || spec.cap_drop.iter().any(|cap| is_variable(&cap.value))
    {
        return;
    }
    let remaining: Vec<&str> = DOCKER_DEFAULT
        .iter()
        .copied()
        .filter(|name| !spec.cap_drop.iter().any(|cap| cap.value == *name))
        .collect();
    if remaining.is_empty() {
        return;
    }
    let key = ctx.spelled("cap_drop", "--cap-drop");
    let head = if spec.cap_drop.is_empty() {
        format!(
            "capabilities are not dropped: {} defaults remain",
            remaining.len()
        )
    } else {
        format!(
            "`{key}` lacks ALL: {} of the 14 default capabilities remain",
            remaining.len()
        )
    };
    let mut diagnostic = ctx
        .diagnostic(
            CapabilitiesNotDropped::META,
            spec.anchor("cap_drop"),
            with_names(&head, &remaining),
        )
        .with_fix({
            let description = ctx.spelled(
                "add `cap_drop: [ALL]` and add back under `cap_add:` only what the service needs",
                "add `--cap-drop ALL` and add back with `--cap-add` only what the container needs",
            );
            let edits = ctx
                .add_list_item(Setting::new("cap_drop", "ALL", "--cap-drop ALL"), |other| {
                    !other.is_privileged() && !other.drops_all_capabilities()
                });
            Fix::unsafe_or_display_only(description, edits)
        });
    if cannot_gain_capabilities(ctx) {
        diagnostic = diagnostic.with_severity(Severity::Low);
    }
    out.push(diagnostic);
}

/// `head (A, B, C, …)` with as many names as fit in a message.
fn with_names(head: &str, names: &[&str]) -> String {
    let mut message = format!("{head} (");
    for (index, name) in names.iter().enumerate() {
        let last = index + 1 == names.len();
        let separator = if index == 0 { "" } else { ", " };
        // Room for this name, and for ", …)" if more follow.
        let needed = separator.len() + name.len() + if last { 1 } else { 6 };
        if message.len() + needed > MAX_MESSAGE {
            message.push_str(", …");
            break;
        }
        message.push_str(separator);
        message.push_str(name);
    }
    message.push(')');
    message
}

/// A known non-root user with `no-new-privileges`: bounding-set capabilities stay unusable.
fn cannot_gain_capabilities(ctx: &ContainerContext<'_>) -> bool {
    let non_root = ctx
        .spec
        .effective_user()
        .is_some_and(|user| !is_variable(user) && !is_root_user(user));
    let no_new_privileges = ctx
        .spec
        .no_new_privileges()
        .is_some_and(|option| option.value == SecurityOpt::NoNewPrivileges(true));
    non_root && no_new_privileges
}

#[cfg(test)]
mod tests {
    use super::{CapabilitiesNotDropped, with_names};
    use crate::rules::test::graded;
    use crate::rules::test::{compose_findings, compose_lines};

    fn findings(text: &str) -> Vec<(u32, String)> {
        compose_findings(CapabilitiesNotDropped::META, &[("compose.yaml", text)])
            .into_iter()
            .map(|(_, line, message)| (line, message))
            .collect()
    }

    #[test]
    fn missing_cap_drop_points_at_the_service() {
        let found = findings("services:\n  web:\n    image: nginx:1.27\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, 2);
        assert!(
            found[0].1.starts_with(
                "capabilities are not dropped: 14 defaults remain (NET_RAW, DAC_OVERRIDE"
            ),
            "{}",
            found[0].1
        );
        assert!(found[0].1.len() <= 120 && found[0].1.ends_with(", …)"));
    }

    #[test]
    fn named_drops_name_what_remains_at_the_cap_drop_key() {
        let found = findings(
            "services:\n  web:\n    image: nginx:1.27\n    cap_drop:\n      - net_raw\n      - CAP_DAC_OVERRIDE\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, 4);
        assert!(
            found[0].1.starts_with(
                "`cap_drop` lacks ALL: 12 of the 14 default capabilities remain (SETUID, SETGID"
            ),
            "{}",
            found[0].1
        );
    }

    #[test]
    fn all_in_any_spelling_or_every_default_by_name_is_enough() {
        let rule = CapabilitiesNotDropped::META;
        for drop in ["[ALL]", "[all]", "[\"cap_all\"]", "ALL"] {
            let text = format!("services:\n  web:\n    cap_drop: {drop}\n");
            assert!(compose_lines(rule, &text).is_empty(), "{drop}");
        }
        let every = super::DOCKER_DEFAULT.join(", ");
        let text = format!("services:\n  web:\n    cap_drop: [{every}]\n");
        assert!(compose_lines(rule, &text).is_empty());
    }

    #[test]
    fn privileged_added_all_and_variables_are_left_alone() {
        let rule = CapabilitiesNotDropped::META;
        for text in [
            "services:\n  a:\n    privileged: true\n",
            "services:\n  a:\n    cap_add: [ALL]\n",
            "services:\n  a:\n    cap_drop: [\"${DROP}\"]\n",
        ] {
            assert!(compose_lines(rule, text).is_empty(), "{text}");
        }
        // An explicit `privileged: false` is a normal container.
        assert_eq!(
            compose_lines(rule, "services:\n  a:\n    privileged: false\n"),
            [2]
        );
    }

    #[test]
    fn graded_low_for_a_non_root_user_without_new_privileges() {
        let text = "services:\n  a:\n    user: \"10001\"\n    security_opt: [no-new-privileges:true]\n  b:\n    user: \"10001\"\n";
        assert_eq!(
            graded(CapabilitiesNotDropped::META, text),
            [(2, "low"), (5, "medium")]
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-base: &base\n  cap_drop: [NET_RAW]\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *base\n";
        assert_eq!(compose_lines(CapabilitiesNotDropped::META, text), [2, 2]);
    }

    #[test]
    fn names_are_cut_to_fit() {
        let names = ["AAAAAAAAAA"; 20];
        let message = with_names("head", &names);
        assert!(
            message.len() <= 120 && message.ends_with(", …)"),
            "{message}"
        );
        assert_eq!(with_names("head", &["A", "B"]), "head (A, B)");
    }
}
