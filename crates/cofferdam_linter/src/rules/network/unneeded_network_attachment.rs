//! `unneeded-network-attachment`: a service that bridges several networks joins one on which
//! it needs no service.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::reachability::Graph;
use crate::rules::ProjectContext;

declare_rule! {
    /// ## What it does
    /// Reports a service that joins two or more networks when, on one of them, there is no
    /// service it needs: none it depends on, none that depends on it (`depends_on`, `links`),
    /// and none that either names as a host in its environment (`DATABASE_URL=…@db:5432`).
    ///
    /// Only services with at least one such relationship are judged (without any, the file says
    /// nothing about what the service talks to). Networks the service is alone on (an egress or
    /// publishing network) and external networks (other projects' containers may be the ones it
    /// needs) are not reported.
    ///
    /// ## Why is this bad?
    /// A service on two networks is a bridge between two tiers: whoever compromises it reaches
    /// both. That is the point for an API between a proxy and a database, but a service that
    /// joins a tier it does not talk to only widens what a compromise of it reaches, and what a
    /// compromise of that tier reaches through it. Each attachment should be explained by a
    /// service on the other side.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     depends_on: [api]
    ///     networks: [front]
    ///   api:
    ///     image: example/api:2.1
    ///     depends_on: [db]
    ///     networks: [front, back]
    ///   db:
    ///     image: postgres:16
    ///     networks: [back]
    ///   worker:
    ///     image: example/worker:2.1
    ///     depends_on: [db]
    ///     networks: [front, back]
    /// networks:
    ///   front: {}
    ///   back: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     depends_on: [api]
    ///     networks: [front]
    ///   api:
    ///     image: example/api:2.1
    ///     depends_on: [db]
    ///     networks: [front, back]
    ///   db:
    ///     image: postgres:16
    ///     networks: [back]
    ///   worker:
    ///     image: example/worker:2.1
    ///     depends_on: [db]
    ///     networks: [back]
    /// networks:
    ///   front: {}
    ///   back: {}
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: a connection the file does not declare (no `depends_on`, an address built
    /// at run time) would break. Declare it with `depends_on` if the service does use the
    /// network.
    ///
    /// ## References
    /// - <https://docs.docker.com/compose/how-tos/networking/#specify-custom-networks>
    /// - <https://docs.docker.com/reference/compose-file/services/#networks>
    pub struct UnneededNetworkAttachment {
        code: "NET010",
        name: "unneeded-network-attachment",
        category: Network,
        severity: Low,
        inputs: [Compose],
        fix: DisplayOnly,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &ProjectContext<'_>, out: &mut Vec<Diagnostic>) {
    let graph = Graph::new(ctx.project.services, ctx.project.networks);
    for (index, service) in graph.services.iter().enumerate() {
        let explicit = service
            .attachments
            .iter()
            .filter(|attachment| !attachment.implicit)
            .count();
        if explicit < 2 {
            continue;
        }
        let partners = graph.partners(index);
        if partners.is_empty() {
            continue;
        }
        for attachment in service
            .attachments
            .iter()
            .filter(|attachment| !attachment.implicit)
        {
            let Some(network) = graph.network(&attachment.network) else {
                continue;
            };
            if network.external() {
                continue;
            }
            // Services sharing this one's namespace are on the network through it.
            let others: Vec<usize> = network
                .members
                .iter()
                .copied()
                .filter(|&other| graph.namespace_root(other) != index)
                .collect();
            if others.is_empty() || others.iter().any(|other| partners.contains(other)) {
                continue;
            }
            let names: Vec<String> = others
                .iter()
                .take(3)
                .map(|&other| format!("`{}`", graph.services[other].name()))
                .collect();
            let more = if others.len() > 3 { ", …" } else { "" };
            out.push(
                Diagnostic::new(
                    UnneededNetworkAttachment::META,
                    attachment.range,
                    format!(
                        "the service joins network `{}` but needs none of the services on it ({}{more})",
                        network.name,
                        names.join(", ")
                    ),
                )
                .with_service(service.name())
                .with_fix(Fix::display_only(format!(
                    "remove `{}` from this service's `networks:`, or declare the dependency \
                     (`depends_on`) that needs it",
                    network.name
                ))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UnneededNetworkAttachment;
    use crate::rules::test::{compose_findings, compose_lines};

    const TIERS: &str = "services:
  web:
    image: nginx:1.27
    depends_on: [api]
    networks: [front]
  api:
    image: example/api:2
    environment: [\"DB_HOST=db\"]
    networks: [front, back]
  db:
    image: postgres:16
    networks: [back]
";

    #[test]
    fn flags_a_network_without_a_partner() {
        let text = format!(
            "{TIERS}  worker:\n    image: example/worker:2\n    depends_on: [db]\n    networks:\n      front:\n      back:\nnetworks:\n  front: {{}}\n  back: {{}}\n"
        );
        let found = compose_findings(UnneededNetworkAttachment::META, &[("compose.yaml", &text)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, 17);
        assert_eq!(
            found[0].2,
            "the service joins network `front` but needs none of the services on it (`web`, `api`)"
        );
    }

    #[test]
    fn bridges_with_partners_on_both_sides_are_fine() {
        let text = format!("{TIERS}networks:\n  front: {{}}\n  back: {{}}\n");
        assert!(compose_lines(UnneededNetworkAttachment::META, &text).is_empty());
    }

    #[test]
    fn services_without_relationships_lonely_and_external_networks_are_not_judged() {
        let rule = UnneededNetworkAttachment::META;
        // No relationship at all: nothing says what the service needs.
        let text = "services:\n  a:\n    image: a:1\n    networks: [x, y]\n  b:\n    image: b:1\n    networks: [x]\n  c:\n    image: c:1\n    networks: [y]\nnetworks:\n  x: {}\n  y: {}\n";
        assert!(compose_lines(rule, text).is_empty());
        // Alone on `egress`, and `proxy` is external.
        let text = "services:\n  a:\n    image: a:1\n    depends_on: [b]\n    networks: [x, egress, proxy]\n  b:\n    image: b:1\n    networks: [x]\nnetworks:\n  x: {}\n  egress: {}\n  proxy: {external: true}\n";
        assert!(compose_lines(rule, text).is_empty());
    }
}
