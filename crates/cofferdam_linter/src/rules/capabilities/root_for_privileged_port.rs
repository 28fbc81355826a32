//! `root-for-privileged-port`: a container runs as root and listens on a port below 1024, the
//! usual reason for keeping root that no longer needs it.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::container::{is_root_user, is_variable};
use crate::rules::ContainerContext;

declare_rule! {
    /// ## What it does
    /// Checks for a container that runs as root (`user: root`, `user: "0"`, or no user at all
    /// when neither the service nor an image built here sets one) and listens on a container
    /// port below 1024: the target port of `ports:` (published or not) or an `expose:` entry.
    /// The finding points at the first such port and names them all.
    ///
    /// ## Why is this bad?
    /// "It listens on port 80" is the most common reason a service still runs as root, and it
    /// has not been a reason for years. Docker Engine 20.10 and later set
    /// `net.ipv4.ip_unprivileged_port_start=0` in every container that has its own network
    /// namespace, so any user can bind any port there; the port the world sees is chosen by
    /// `ports:` anyway (`"80:8080"`). Only with host networking, or on engines and runtimes that
    /// keep the kernel default of 1024, does a non-root process need `CAP_NET_BIND_SERVICE` for
    /// it, and that one capability is still far less than root: root in the container owns
    /// every file of the image, keeps the default capabilities in its effective set and is uid
    /// 0 to the host kernel, one bug away from the host.
    ///
    /// The user rules report root in general; this rule says why the usual justification does
    /// not hold, so it is low.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web:1.0
    ///     user: root
    ///     ports: ["80:80"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: example/web:1.0
    ///     user: "10001"
    ///     ports: ["80:8080"]
    /// ```
    ///
    /// With `network_mode: host` (or an old engine), keep the low port and grant only the one
    /// capability: a non-root `user:`, `cap_drop: [ALL]`, `cap_add: [NET_BIND_SERVICE]`, and
    /// the capability set on the server's binary in the image
    /// (`setcap cap_net_bind_service=+ep /usr/sbin/nginx`), because a non-root process only
    /// gains capabilities through its binary.
    ///
    /// ## Fix safety
    /// Display-only: the application must be able to run as another user (file ownership,
    /// writable paths), and its listening port may be configured elsewhere.
    ///
    /// ## References
    /// - <https://github.com/moby/moby/pull/41030> (unprivileged ports in containers, Engine 20.10)
    /// - <https://man7.org/linux/man-pages/man7/capabilities.7.html> (`CAP_NET_BIND_SERVICE`)
    /// - <https://docs.docker.com/reference/compose-file/services/#ports>
    pub struct RootForPrivilegedPort {
        code: "CAP003",
        name: "root-for-privileged-port",
        category: Capabilities,
        severity: Low,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    let user = spec.effective_user();
    if user.is_some_and(|user| is_variable(user) || !is_root_user(user)) {
        return;
    }
    let published = spec
        .ports
        .iter()
        .map(|port| (port.value.container_port, port.range));
    let exposed = spec.expose.iter().map(|port| (port.value, port.range));
    let low: Vec<_> = published
        .chain(exposed)
        .filter(|(port, _)| (1..1024).contains(port))
        .collect();
    let Some(&(_, first)) = low.first() else {
        return;
    };
    let mut numbers: Vec<u16> = low.iter().map(|(port, _)| *port).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let list = numbers
        .iter()
        .take(6)
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let more = if numbers.len() > 6 { ", …" } else { "" };
    let noun = if numbers.len() == 1 { "port" } else { "ports" };
    let who = if user.is_some() {
        "runs as root"
    } else {
        "runs as root (no user is set)"
    };
    let message =
        format!("{who} to listen on {noun} {list}{more}: binding ports below 1024 needs no root");
    let host_network = spec
        .namespaces
        .network
        .as_ref()
        .is_some_and(|mode| mode.value.trim() == "host");
    let fix = if host_network {
        ctx.spelled(
            "set a non-root `user:` with `cap_drop: [ALL]` and `cap_add: [NET_BIND_SERVICE]`, \
             and `setcap cap_net_bind_service=+ep` on the server's binary",
            "add `--user 10001 --cap-drop ALL --cap-add NET_BIND_SERVICE`, and \
             `setcap cap_net_bind_service=+ep` on the server's binary",
        )
    } else {
        ctx.spelled(
            "set a non-root `user:`; Docker 20.10+ lets any user bind ports below 1024 in the \
             container's network, or listen on a high port and publish it as `80:8080`",
            "add `--user 10001`; Docker 20.10+ lets any user bind ports below 1024 in the \
             container's network, or listen on a high port and publish it as `-p 80:8080`",
        )
    };
    let mut diagnostic = ctx
        .diagnostic(RootForPrivilegedPort::META, first, message)
        .with_fix(Fix::display_only(fix));
    if let Some(user) = &spec.user {
        diagnostic = diagnostic.with_label(user.range, "the user is root here");
    }
    out.push(diagnostic);
}

#[cfg(test)]
mod tests {
    use super::RootForPrivilegedPort;
    use crate::rules::test::{compose_findings, compose_lines, compose_lines_with};

    fn messages(text: &str) -> Vec<(u32, String)> {
        compose_findings(RootForPrivilegedPort::META, &[("compose.yaml", text)])
            .into_iter()
            .map(|(_, line, message)| (line, message))
            .collect()
    }

    #[test]
    fn root_with_low_container_ports() {
        let found = messages(
            "services:\n  web:\n    user: \"0:0\"\n    ports:\n      - \"8080:8080\"\n      - \"127.0.0.1:8443:443\"\n      - target: 80\n        published: \"80\"\n    expose: [\"53/udp\"]\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, 6);
        assert_eq!(
            found[0].1,
            "runs as root to listen on ports 53, 80, 443: binding ports below 1024 needs no root"
        );
    }

    #[test]
    fn no_user_means_root_unless_the_built_image_sets_one() {
        let text = "services:\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n";
        let found = messages(text);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .1
                .starts_with("runs as root (no user is set) to listen on port 80:")
        );
        let built = "services:\n  web:\n    build: .\n    expose: [\"80\"]\n";
        assert!(
            compose_lines_with(
                RootForPrivilegedPort::META,
                &[
                    ("compose.yaml", built),
                    ("Dockerfile", "FROM nginx:1.27\nUSER 101\n")
                ]
            )
            .is_empty()
        );
        assert_eq!(
            compose_lines_with(
                RootForPrivilegedPort::META,
                &[("compose.yaml", built), ("Dockerfile", "FROM nginx:1.27\n")]
            ),
            [4]
        );
    }

    #[test]
    fn non_root_unknown_users_and_high_ports_are_fine() {
        let rule = RootForPrivilegedPort::META;
        for text in [
            "services:\n  a:\n    user: \"10001\"\n    ports: [\"80:80\"]\n",
            "services:\n  a:\n    user: \"${APP_UID}\"\n    ports: [\"80:80\"]\n",
            "services:\n  a:\n    user: root\n    ports: [\"80:8080\", \"0\"]\n",
            "services:\n  a:\n    user: root\n",
        ] {
            assert!(compose_lines(rule, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text =
            "x-web: &web\n  ports: [\"443:443\"]\nservices:\n  a:\n    <<: *web\n    user: root\n";
        assert_eq!(compose_lines(RootForPrivilegedPort::META, text), [2]);
    }
}
