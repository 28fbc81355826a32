//! `service-on-default-network`: in a multi-tier project, a service left on the implicit
//! `default` network, which every service without `networks:` shares.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::reachability::Graph;
use crate::rules::ProjectContext;

declare_rule! {
    /// ## What it does
    /// Reports each service of a multi-tier compose project that sits on the implicit
    /// `default` network (it has neither `networks:` nor `network_mode`, and the project does
    /// not declare `default` itself) together with at least one other service.
    ///
    /// A project is multi-tier when either
    /// - it declares at least two networks of its own (other than `default`): it has tiers,
    ///   so a service without `networks:` was most likely forgotten; or
    /// - it has at least three services, one of them published on the host beyond loopback
    ///   and another one a data store (a database, cache, search index or broker, recognised
    ///   by image, well-known port or name).
    ///
    /// A service alone on the default network is not reported (nothing shares it), and neither
    /// is a project that declares `default` (its settings were chosen on purpose).
    ///
    /// ## Why is this bad?
    /// Every service on the default network reaches every other one on every port. In a
    /// project with a public front end and a data store that is a flat network: whichever
    /// service is compromised first reaches the data. Declaring a network per tier (`front`
    /// for the proxy and the API, `back` for the API and the database, `internal: true` where
    /// nothing needs the outside) makes the reachability explicit and reviewable (see
    /// `cofferdam graph`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports: ["443:8443"]
    ///   api:
    ///     image: example/api:2.1
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
    ///     networks: [front]
    ///   api:
    ///     image: example/api:2.1
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
    /// Display-only: which services talk to which is known to the application; a service moved
    /// off the default network loses the paths it had there.
    ///
    /// ## References
    /// - <https://docs.docker.com/compose/how-tos/networking/>
    /// - <https://docs.docker.com/reference/compose-file/services/#networks>
    pub struct ServiceOnDefaultNetwork {
        code: "NET009",
        name: "service-on-default-network",
        category: Network,
        severity: Low,
        inputs: [Compose],
        fix: DisplayOnly,
        aliases: [],
    }
}

/// How many fellow services a message names before summing up the rest.
const NAMED: usize = 3;

pub(crate) fn check(ctx: &ProjectContext<'_>, out: &mut Vec<Diagnostic>) {
    let graph = Graph::new(ctx.project.services, ctx.project.networks);
    let Some(default) = graph
        .network("default")
        .filter(|network| network.implicit())
    else {
        return;
    };
    if default.members.len() < 2 || !is_multi_tier(&graph) {
        return;
    }
    for &index in &default.members {
        let service = &graph.services[index];
        if !service.on_implicit_default() {
            continue;
        }
        let others: Vec<&str> = default
            .members
            .iter()
            .filter(|&&other| other != index)
            .map(|&other| graph.services[other].name())
            .collect();
        out.push(
            Diagnostic::new(
                ServiceOnDefaultNetwork::META,
                service.spec.range,
                format!(
                    "the service is on the implicit `default` network, shared with {}",
                    list(&others)
                ),
            )
            .with_service(service.name())
            .with_fix(Fix::display_only(
                "declare a network per tier and list the ones this service needs under \
                 `networks:`",
            )),
        );
    }
}

/// At least two networks declared besides `default`, or at least three services among which
/// one is published beyond loopback and another is a data store.
fn is_multi_tier(graph: &Graph<'_>) -> bool {
    let declared = graph
        .networks
        .iter()
        .filter(|network| network.def.is_some() && network.name != "default")
        .count();
    if declared >= 2 {
        return true;
    }
    let count = graph.services.len();
    count >= 3
        && (0..count).any(|published| {
            graph.is_published(published)
                && (0..count)
                    .any(|store| store != published && graph.services[store].role.is_data_store())
        })
}

/// `` `a`, `b`, `c` and 2 more ``.
fn list(names: &[&str]) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(NAMED)
        .map(|name| format!("`{name}`"))
        .collect();
    let rest = names.len().saturating_sub(NAMED);
    match (shown.split_last(), rest) {
        (None, _) => String::new(),
        (Some((last, [])), 0) => last.clone(),
        (Some((last, init)), 0) => format!("{} and {last}", init.join(", ")),
        (Some(_), rest) => format!("{} and {rest} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::{ServiceOnDefaultNetwork, list};
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn flags_services_left_on_the_default_network_of_a_tiered_project() {
        let text = "services:
  web:
    image: example/web:1
    networks: [front]
  api:
    image: example/api:1
    networks: [front, back]
  worker:
    image: example/worker:1
  cron:
    image: example/cron:1
networks:
  front: {}
  back: {}
";
        let found = compose_findings(ServiceOnDefaultNetwork::META, &[("compose.yaml", text)]);
        let lines: Vec<u32> = found.iter().map(|(_, line, _)| *line).collect();
        assert_eq!(lines, [8, 10]);
        assert_eq!(
            found[0].2,
            "the service is on the implicit `default` network, shared with `cron`"
        );
    }

    #[test]
    fn flags_a_flat_project_with_a_published_service_and_a_data_store() {
        let text = "services:\n  web:\n    image: a:1\n    ports: [\"80:8080\"]\n  api:\n    image: b:1\n  db:\n    image: mariadb:11\n";
        assert_eq!(
            compose_lines(ServiceOnDefaultNetwork::META, text),
            [2, 5, 7]
        );
    }

    #[test]
    fn small_declared_or_lonely_default_networks_are_fine() {
        let rule = ServiceOnDefaultNetwork::META;
        // Two services only.
        let text = "services:\n  web:\n    image: a:1\n    ports: [\"80:8080\"]\n  db:\n    image: mariadb:11\n";
        assert!(compose_lines(rule, text).is_empty());
        // Nothing published beyond loopback.
        let text = "services:\n  web:\n    image: a:1\n    ports: [\"127.0.0.1:80:8080\"]\n  api:\n    image: b:1\n  db:\n    image: mariadb:11\n";
        assert!(compose_lines(rule, text).is_empty());
        // The default network is declared.
        let text = "services:\n  web:\n    image: a:1\n    ports: [\"80:8080\"]\n  api:\n    image: b:1\n  db:\n    image: mariadb:11\nnetworks:\n  default:\n    internal: true\n";
        assert!(compose_lines(rule, text).is_empty());
        // Alone on the default network.
        let text = "services:\n  web:\n    image: a:1\n    networks: [front]\n  worker:\n    image: b:1\nnetworks:\n  front: {}\n  back: {}\n";
        assert!(compose_lines(rule, text).is_empty());
    }

    #[test]
    fn lists_names() {
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b"]), "`a` and `b`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(list(&["a", "b", "c", "d", "e"]), "`a`, `b`, `c` and 2 more");
    }
}
