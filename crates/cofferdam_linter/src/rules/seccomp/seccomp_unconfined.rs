//! `seccomp-unconfined`: `seccomp=unconfined` switches off the container's system-call filter.

use cofferdam_diagnostics::{Diagnostic, declare_rule};

use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks for `security_opt: [seccomp=unconfined]` (also `seccomp:unconfined`,
    /// `--security-opt seccomp=unconfined`, `SecurityOpt` in inspect output). As in Docker,
    /// the last `seccomp` option wins, so an unconfined entry followed by a profile is fine.
    ///
    /// A custom profile (`seccomp=./profile.json`) is not reported here: whether it allows
    /// more than Docker's default is a question about the profile, which the seccomp profile
    /// rules answer when they read it. Neither is `label:seccomp:unconfined`, which Docker
    /// hands to the SELinux labeller (an invalid label option), leaving seccomp on.
    ///
    /// ## Why is this bad?
    /// Docker's default seccomp profile blocks about 70 of the x86-64 system calls, ones that
    /// containers do not need and that keep turning up in kernel exploits: `keyctl`,
    /// `add_key`, `bpf`, `userfaultfd`, `io_uring_setup`, `perf_event_open`, `unshare` and
    /// `clone` of new namespaces, `mount`, `kexec_load`, `open_by_handle_at`, and more.
    /// Without it the whole system-call surface of the host's kernel is reachable, and a
    /// kernel bug is a host compromise (CVE-2022-0185 needed `unshare` to reach `fsconfig`;
    /// the default profile stopped it).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     security_opt: ["seccomp=unconfined"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app:1.0
    ///     security_opt: ["seccomp=./app-seccomp.json"]
    /// ```
    ///
    /// or no `seccomp` option at all, which keeps Docker's default profile. A profile made by
    /// recording what the application calls (`cofferdam seccomp record`) and adding only the
    /// calls it needs to the default keeps the rest blocked.
    ///
    /// ## Fix safety
    /// Unsafe: removes the setting where it is written (its compose key or list item, or the
    /// run-line option with its value), as `harden-run` does. Docker's default profile then applies; the system calls the
    /// application needs beyond it must be found by running it (`cofferdam seccomp record`).
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/seccomp/>
    /// - <https://github.com/moby/profiles/blob/main/seccomp/default.json>
    /// - CIS Docker Benchmark 5.21
    pub struct SeccompUnconfined {
        code: "SCP001",
        name: "seccomp-unconfined",
        category: Seccomp,
        severity: High,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: Unsafe,
        aliases: [Kics "404fde2c-bc4b-4371-9747-7054132ac953", Cis "5.21"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(option) = ctx.spec.seccomp_profile() else {
        return;
    };
    if option.value != "unconfined" {
        return;
    }
    out.push(
        ctx.diagnostic(
            SeccompUnconfined::META,
            option.range,
            "seccomp is switched off: every system call of the host's kernel is open to the container",
        )
        .with_fix(ctx.removal_fix(
            ctx.spelled(
                "remove `seccomp=unconfined` to get Docker's default profile, or point it at a \
                 profile that adds only the calls the service needs",
                "remove `--security-opt seccomp=unconfined` to get Docker's default profile, or \
                 pass a profile that adds only the calls the container needs",
            ),
            "security_opt",
            option.range,
            |other| other.seccomp_profile().is_some_and(|profile| profile.value == "unconfined"),
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::SeccompUnconfined;
    use crate::rules::test::compose_lines;

    #[test]
    fn unconfined_in_both_spellings() {
        let text = "services:\n  a:\n    security_opt: [seccomp=unconfined]\n  b:\n    security_opt:\n      - seccomp:unconfined\n";
        assert_eq!(compose_lines(SeccompUnconfined::META, text), [3, 6]);
    }

    #[test]
    fn profiles_labels_and_overridden_entries_are_not_reported() {
        for options in [
            "[\"seccomp=./profile.json\"]",
            "[seccomp:/etc/docker/seccomp.json]",
            "[\"label:seccomp:unconfined\"]",
            "[seccomp=unconfined, \"seccomp=./profile.json\"]",
            "[apparmor=unconfined]",
        ] {
            let text = format!("services:\n  a:\n    security_opt: {options}\n");
            assert!(
                compose_lines(SeccompUnconfined::META, &text).is_empty(),
                "{options}"
            );
        }
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-base: &base\n  security_opt: [seccomp=unconfined]\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *base\n";
        assert_eq!(compose_lines(SeccompUnconfined::META, text), [2, 2]);
    }
}
