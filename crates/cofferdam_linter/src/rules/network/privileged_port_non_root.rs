//! `privileged-port-non-root`: the final image exposes a port below 1024 but runs as a non-root
//! user, which cannot bind it everywhere.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::network::exposed_ports::{exposed_ports, stage_chain};

declare_rule! {
    /// ## What it does
    /// Checks for `EXPOSE` of a port below 1024 in the final stage (or a stage it is built
    /// `FROM`) when the final user is known and is not root.
    ///
    /// ## Why is this bad?
    /// Binding a port below 1024 needs root or the `CAP_NET_BIND_SERVICE` capability unless the
    /// kernel's `net.ipv4.ip_unprivileged_port_start` is lowered. Docker Engine 20.10 and later
    /// lower it inside a container's own network namespace, but host networking, older engines,
    /// Kubernetes nodes whose runtime does not set it and other runtimes keep the default of
    /// 1024: there the application fails to start with "permission denied", and the usual
    /// workaround is to switch the image back to root. Listening on a high port and publishing
    /// it on the low one needs no privilege at all.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginxinc/nginx-unprivileged:1.27
    /// USER 101
    /// EXPOSE 80
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginxinc/nginx-unprivileged:1.27
    /// USER 101
    /// EXPOSE 8080
    /// ```
    ///
    /// and publish it with `-p 80:8080` (compose `ports: ["80:8080"]`), or keep port 80 and grant
    /// only that capability: `cap_drop: [ALL]` with `cap_add: [NET_BIND_SERVICE]`.
    ///
    /// ## Fix safety
    /// Display-only: the application's listening port is configured outside the Dockerfile.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#expose>
    /// - <https://man7.org/linux/man-pages/man7/capabilities.7.html> (`CAP_NET_BIND_SERVICE`)
    /// - <https://github.com/moby/moby/pull/41030>
    pub struct PrivilegedPortNonRoot {
        code: "NET002",
        name: "privileged-port-non-root",
        category: Network,
        severity: Low,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(stage) = ctx.model.final_stage() else {
        return;
    };
    let Some(user) = ctx.model.effective_user(stage.index) else {
        return;
    };
    if user.unresolved || user.is_root() {
        return;
    }
    let chain = stage_chain(ctx.model, stage.index);
    for port in exposed_ports(ctx.model) {
        if !chain.contains(&port.stage) {
            continue;
        }
        let Ok(range) = port.parsed else {
            continue;
        };
        // Port 0 asks for any free port, which is never a privileged one.
        if range.last == 0 || range.first >= 1024 {
            continue;
        }
        let what = if range.first == range.last {
            format!("port {} is", range.first)
        } else {
            format!("`{}` includes ports", port.text)
        };
        out.push(
            Diagnostic::new(
                PrivilegedPortNonRoot::META,
                port.word.range,
                format!(
                    "{what} below 1024, but the image runs as non-root `{}`",
                    user.user
                ),
            )
            .with_label(user.word.range, "non-root user set here")
            .with_fix(Fix::display_only(
                "listen on a port >= 1024 and publish it (`-p 80:8080`), or grant only \
                 NET_BIND_SERVICE (`cap_add: [NET_BIND_SERVICE]` with `cap_drop: [ALL]`)",
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::PrivilegedPortNonRoot;
    use crate::rules::test::lines;

    #[test]
    fn flags_low_ports_for_non_root_users() {
        let rule = PrivilegedPortNonRoot::META;
        assert_eq!(lines(rule, "FROM a:1\nUSER 10001\nEXPOSE 80 8080\n"), [3]);
        assert_eq!(lines(rule, "FROM a:1\nEXPOSE 443/tcp\nUSER app\n"), [2]);
        assert_eq!(
            lines(rule, "FROM a:1 AS base\nEXPOSE 80\nFROM base\nUSER app\n"),
            [2]
        );
        assert_eq!(lines(rule, "FROM a:1\nUSER app\nEXPOSE 1000-1100\n"), [3]);
    }

    #[test]
    fn ignores_root_unknown_users_and_build_stages() {
        let rule = PrivilegedPortNonRoot::META;
        assert!(lines(rule, "FROM a:1\nEXPOSE 80\n").is_empty());
        assert!(lines(rule, "FROM a:1\nUSER root\nEXPOSE 80\n").is_empty());
        assert!(lines(rule, "FROM a:1\nARG U\nUSER $U\nEXPOSE 80\n").is_empty());
        assert!(lines(rule, "FROM a:1 AS build\nEXPOSE 80\nFROM b:1\nUSER app\n").is_empty());
        assert!(lines(rule, "FROM a:1\nUSER app\nEXPOSE 1024 0\n").is_empty());
    }
}
