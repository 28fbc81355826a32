//! `data-store-reachable-from-published-service`: a service published on the host shares a
//! network with a data store that it does not use.

use cofferdam_diagnostics::{Diagnostic, Fix, TextRange, declare_rule};

use crate::model::reachability::Graph;
use crate::rules::ProjectContext;

declare_rule! {
    /// ## What it does
    /// Computes which services of a compose project can reach which (see `cofferdam graph`)
    /// and reports a data store (a database, cache, search index, object store or broker,
    /// recognised by image, well-known port or name) that shares a network, or a network
    /// namespace, with a service published on the host (a port bound to a non-loopback
    /// interface, or `network_mode: host`) when neither service needs the other: no
    /// `depends_on` or `links` between them in either direction, and no environment value of
    /// either that names the other as a host (`postgres://db:5432/app`, `REDIS_HOST=redis`).
    ///
    /// The finding is on the data store's attachment to the shared network (its service key
    /// when it sits on the implicit `default` network) and names both services and the network.
    ///
    /// ## Why is this bad?
    /// The published service is the one an attacker reaches first. Once it is compromised
    /// (a request-smuggling bug, an RCE in a dependency), every service on its networks is one
    /// connection away, on every port, without passing the host's firewall. A web front end
    /// that only talks to an API has no reason to reach the database behind the API: putting
    /// the tiers on separate networks makes that compromise stop at the API instead of at the
    /// data. With everything on the default network, it does not.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports: ["443:8443"]
    ///     depends_on: [api]
    ///   api:
    ///     image: example/api:2.1
    ///     depends_on: [db]
    ///   db:
    ///     image: postgres:16
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports: ["443:8443"]
    ///     depends_on: [api]
    ///     networks: [front]
    ///   api:
    ///     image: example/api:2.1
    ///     depends_on: [db]
    ///     networks: [front, back]
    ///   db:
    ///     image: postgres:16
    ///     networks: [back]
    /// networks:
    ///   front: {}
    ///   back:
    ///     internal: true
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: which service talks to which is known to the application, not to the
    /// compose file; a connection that exists without `depends_on` would break. Declare it with
    /// `depends_on` if the published service does use the data store.
    ///
    /// ## References
    /// - <https://docs.docker.com/compose/how-tos/networking/#specify-custom-networks>
    /// - <https://docs.docker.com/reference/compose-file/networks/>
    /// - OWASP Docker Security Cheat Sheet, rule #5 (limit inter-container connectivity)
    pub struct DataStoreReachableFromPublishedService {
        code: "NET008",
        name: "data-store-reachable-from-published-service",
        category: Network,
        severity: Medium,
        inputs: [Compose],
        fix: DisplayOnly,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &ProjectContext<'_>, out: &mut Vec<Diagnostic>) {
    let graph = Graph::new(ctx.project.services, ctx.project.networks);
    for (store, node) in graph.services.iter().enumerate() {
        if !node.role.is_data_store() {
            continue;
        }
        // Services sharing a namespace are published together: the one owning it speaks for
        // the group.
        for published in 0..graph.services.len() {
            if published == store
                || graph.services[published].namespace_of.is_some()
                || !graph.is_published(published)
                || graph.needs(published, store)
            {
                continue;
            }
            let same_namespace = graph.namespace_root(published) == graph.namespace_root(store);
            let shared = graph.shared_networks(published, store);
            let (range, path) = if same_namespace {
                (
                    node.mode
                        .as_ref()
                        .map_or(node.spec.range, |mode| mode.range),
                    "through a shared network namespace".to_owned(),
                )
            } else if let Some(first) = shared.first() {
                let names = shared
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let noun = if shared.len() == 1 {
                    "network"
                } else {
                    "networks"
                };
                (
                    attachment_range(&graph, store, first),
                    format!("on {noun} {names}"),
                )
            } else {
                continue;
            };
            let other = &graph.services[published];
            let message = format!(
                "published `{}` can reach data store `{}` {path} without needing it",
                other.name(),
                node.name()
            );
            let fix = format!(
                "put `{}` on a network that only the services using it join, or add `depends_on: \
                 [{}]` to `{}` if it does connect",
                node.name(),
                node.name(),
                other.name()
            );
            let published_at = graph
                .bindings_of(published)
                .iter()
                .find(|binding| binding.value.is_external())
                .map_or(other.spec.range, |binding| binding.range);
            out.push(
                Diagnostic::new(DataStoreReachableFromPublishedService::META, range, message)
                    .with_service(node.name())
                    .with_label(
                        published_at,
                        format!("`{}` is published on the host here", other.name()),
                    )
                    .with_fix(Fix::display_only(fix)),
            );
        }
    }
}

/// Where `service` joins `network`: the `networks:` entry, or the service key for the implicit
/// default network or a network it has through another service's namespace.
fn attachment_range(graph: &Graph<'_>, service: usize, network: &str) -> TextRange {
    let node = &graph.services[service];
    node.attachments
        .iter()
        .find(|attachment| attachment.network == network)
        .map_or(node.spec.range, |attachment| attachment.range)
}

#[cfg(test)]
mod tests {
    use super::DataStoreReachableFromPublishedService;
    use crate::rules::test::{compose_findings, compose_lines};

    fn messages(text: &str) -> Vec<(u32, String)> {
        compose_findings(
            DataStoreReachableFromPublishedService::META,
            &[("compose.yaml", text)],
        )
        .into_iter()
        .map(|(_, line, message)| (line, message))
        .collect()
    }

    #[test]
    fn flags_a_data_store_on_the_front_end_network() {
        let text = "services:
  web:
    image: nginx:1.27
    ports: [\"443:8443\"]
    depends_on: [api]
  api:
    image: example/api:2
    environment:
      DATABASE_URL: postgres://app@db:5432/app
  db:
    image: postgres:16
";
        assert_eq!(
            messages(text),
            [(
                10,
                "published `web` can reach data store `db` on network `default` without needing it"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn points_at_the_attachment_and_names_every_shared_network() {
        let text = "services:
  web:
    image: example/web:1
    ports: [\"8080:8080\"]
    networks: [front, back]
  cache:
    image: redis:7
    networks:
      - back
      - front
networks:
  front: {}
  back: {}
";
        assert_eq!(
            messages(text),
            [(
                9,
                "published `web` can reach data store `cache` on networks `back`, `front` without \
                 needing it"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn needed_paths_loopback_ports_and_separate_networks_are_fine() {
        let rule = DataStoreReachableFromPublishedService::META;
        // The published service uses the data store (declared, or named in its environment).
        let text = "services:\n  web:\n    image: a:1\n    ports: [\"80:8080\"]\n    depends_on: [db]\n  db:\n    image: mysql:8\n";
        assert!(compose_lines(rule, text).is_empty());
        let text = "services:\n  web:\n    image: a:1\n    ports: [\"80:8080\"]\n    environment: [\"REDIS_HOST=cache\"]\n  cache:\n    image: valkey/valkey:8\n";
        assert!(compose_lines(rule, text).is_empty());
        // Published on loopback only: not reachable from beyond the host.
        let text = "services:\n  web:\n    image: a:1\n    ports: [\"127.0.0.1:80:8080\"]\n  db:\n    image: mysql:8\n";
        assert!(compose_lines(rule, text).is_empty());
        // Different networks.
        let text = "services:\n  web:\n    image: a:1\n    ports: [\"80:8080\"]\n    networks: [front]\n  db:\n    image: mysql:8\n    networks: [back]\nnetworks:\n  front: {}\n  back: {}\n";
        assert!(compose_lines(rule, text).is_empty());
    }

    #[test]
    fn host_mode_and_shared_namespaces() {
        let text = "services:
  agent:
    image: example/agent:1
    network_mode: host
  db:
    image: mongo:7
  vpn:
    image: example/vpn:1
    ports: [\"8080:8080\"]
  cache:
    image: memcached:1.6
    network_mode: service:vpn
";
        let found = messages(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[0].1,
            "published `vpn` can reach data store `db` on network `default` without needing it"
        );
        assert_eq!(found[1].0, 12);
        assert!(found[1].1.contains("through a shared network namespace"));
    }
}
