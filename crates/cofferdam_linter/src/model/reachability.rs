//! Network reachability of a compose project: which services share a network or a network
//! namespace, which sit in the host's namespace, what each one publishes on the host, and what
//! each one is (a data store, an edge proxy, an application).
//!
//! The `network` project rules and `cofferdam graph` read the same [`Graph`], so what the graph
//! shows is what the rules judge. The model follows Docker as compose drives it:
//!
//! - a service with neither `networks:` nor `network_mode` joins the project's `default` network;
//!   one that lists networks joins exactly those (and `default` only if listed);
//! - `network_mode: host` puts the container in the host's network namespace: it listens on the
//!   host's interfaces directly and its `ports:` are discarded; `none` leaves it without a
//!   network; `service:x` and `container:x` make it share `x`'s namespace, so it has `x`'s
//!   networks, `x`'s published ports and `x`'s `localhost`; `bridge` joins Docker's default bridge
//!   (outside the project); any other value names an existing network;
//! - containers on a common network reach each other on every port; `internal: true` removes a
//!   network's route to the outside, not the paths inside it;
//! - a published port without a host IP listens on every host interface, and a service in the
//!   host's namespace reaches every published port, loopback ones included.
//!
//! Which service *needs* which comes from `depends_on` and `links` (in either direction) and
//! from environment values that name the other service as a host (`postgres://db:5432/app`,
//! `REDIS_HOST=redis`), since many projects connect services without declaring `depends_on`.

use std::fmt;
use std::net::IpAddr;

use cofferdam_diagnostics::TextRange;

use crate::model::compose::NetworkDef;
use crate::model::container::{ContainerSpec, Port, Spanned};
use crate::model::image::ImageRef;

/// What a service is, which decides how bad it is to expose it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A database, cache, search index, object store, secret store or message broker, named by
    /// product (`postgres`, `redis`, `kafka`).
    DataStore(&'static str),
    /// A reverse proxy or web server made to face clients (`nginx`, `traefik`).
    EdgeProxy(&'static str),
    /// Anything else.
    Application,
}

impl Role {
    pub fn is_data_store(self) -> bool {
        matches!(self, Role::DataStore(_))
    }

    pub fn is_edge_proxy(self) -> bool {
        matches!(self, Role::EdgeProxy(_))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::DataStore(product) => write!(f, "data store ({product})"),
            Role::EdgeProxy(product) => write!(f, "edge proxy ({product})"),
            Role::Application => f.write_str("application"),
        }
    }
}

/// Image (or service) name words that identify a data store, and the product they name.
const DATA_STORES: &[(&str, &str)] = &[
    ("postgres", "postgres"),
    ("postgresql", "postgres"),
    ("postgis", "postgres"),
    ("pgvector", "postgres"),
    ("timescaledb", "timescaledb"),
    ("mysql", "mysql"),
    ("mariadb", "mariadb"),
    ("percona", "mysql"),
    ("mongo", "mongodb"),
    ("mongodb", "mongodb"),
    ("redis", "redis"),
    ("valkey", "valkey"),
    ("keydb", "keydb"),
    ("dragonfly", "dragonfly"),
    ("memcached", "memcached"),
    ("elasticsearch", "elasticsearch"),
    ("opensearch", "opensearch"),
    ("solr", "solr"),
    ("meilisearch", "meilisearch"),
    ("typesense", "typesense"),
    ("cassandra", "cassandra"),
    ("scylla", "scylladb"),
    ("scylladb", "scylladb"),
    ("rabbitmq", "rabbitmq"),
    ("kafka", "kafka"),
    ("redpanda", "redpanda"),
    ("zookeeper", "zookeeper"),
    ("nats", "nats"),
    ("mosquitto", "mosquitto"),
    ("emqx", "emqx"),
    ("activemq", "activemq"),
    ("pulsar", "pulsar"),
    ("etcd", "etcd"),
    ("minio", "minio"),
    ("influxdb", "influxdb"),
    ("clickhouse", "clickhouse"),
    ("couchdb", "couchdb"),
    ("couchbase", "couchbase"),
    ("neo4j", "neo4j"),
    ("mssql", "sql server"),
    ("oracle", "oracle"),
    ("cockroach", "cockroachdb"),
    ("cockroachdb", "cockroachdb"),
    ("arangodb", "arangodb"),
    ("rethinkdb", "rethinkdb"),
    ("questdb", "questdb"),
    ("qdrant", "qdrant"),
    ("weaviate", "weaviate"),
    ("milvus", "milvus"),
    ("vault", "vault"),
];

/// Name words of tools that accompany a data store without being one (`postgres-exporter`,
/// `mongo-express`, `kafka-ui`, `minio/mc`).
const NOT_A_STORE: &[&str] = &[
    "exporter",
    "ui",
    "webui",
    "admin",
    "commander",
    "express",
    "insight",
    "dashboard",
    "dashboards",
    "manager",
    "operator",
    "client",
    "cli",
    "mc",
    "backup",
    "connect",
    "rest",
    "migrate",
    "init",
];

/// Name words of edge proxies.
const EDGE_PROXIES: &[(&str, &str)] = &[
    ("nginx", "nginx"),
    ("openresty", "openresty"),
    ("traefik", "traefik"),
    ("haproxy", "haproxy"),
    ("caddy", "caddy"),
    ("envoy", "envoy"),
    ("httpd", "httpd"),
    ("varnish", "varnish"),
    ("kong", "kong"),
    ("apisix", "apisix"),
];

/// Well-known container ports of data stores, for services whose image says nothing.
const DATA_STORE_PORTS: &[(u16, &str)] = &[
    (5432, "postgres"),
    (3306, "mysql"),
    (27017, "mongodb"),
    (6379, "redis"),
    (11211, "memcached"),
    (9200, "elasticsearch"),
    (9042, "cassandra"),
    (5672, "rabbitmq"),
    (9092, "kafka"),
    (2181, "zookeeper"),
    (2379, "etcd"),
    (8086, "influxdb"),
    (8123, "clickhouse"),
    (5984, "couchdb"),
    (7687, "neo4j"),
    (1433, "sql server"),
    (1521, "oracle"),
    (26257, "cockroachdb"),
    (28015, "rethinkdb"),
    (8529, "arangodb"),
    (4222, "nats"),
    (1883, "mqtt broker"),
];

/// Service-name words that say "database" without naming a product.
const DATABASE_NAMES: &[&str] = &["db", "database"];

/// Classifies a service: by its image's repository words first, then (for an image that says
/// nothing, or a service built here) by the well-known container ports it publishes or
/// exposes, then by its service name (`postgres`, `db`; `cache` is not enough).
pub fn classify(spec: &ContainerSpec) -> Role {
    if let Some(image) = &spec.image {
        let image = ImageRef::parse(&image.value);
        if let Some(role) = role_of_words(&words(&image.repository)) {
            return role;
        }
    }
    let listens = spec
        .ports
        .iter()
        .map(|port| port.value.container_port)
        .chain(spec.expose.iter().map(|port| port.value));
    for port in listens {
        if let Some((_, product)) = DATA_STORE_PORTS.iter().find(|(number, _)| *number == port) {
            return Role::DataStore(product);
        }
    }
    let name_words = words(&spec.name);
    if let Some(role) = role_of_words(&name_words) {
        return role;
    }
    if name_words
        .iter()
        .any(|word| DATABASE_NAMES.contains(&word.as_str()))
    {
        return Role::DataStore("database");
    }
    Role::Application
}

fn words(name: &str) -> Vec<String> {
    name.to_ascii_lowercase()
        .split(['/', '-', '_', '.'])
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

fn role_of_words(words: &[String]) -> Option<Role> {
    if words.iter().any(|word| word == "exporter") {
        return None;
    }
    let store = words.iter().find_map(|word| {
        DATA_STORES
            .iter()
            .find(|(name, _)| name == word)
            .map(|(_, product)| *product)
    });
    if let Some(product) = store
        && !words
            .iter()
            .any(|word| NOT_A_STORE.contains(&word.as_str()))
    {
        return Some(Role::DataStore(product));
    }
    words.iter().find_map(|word| {
        EDGE_PROXIES
            .iter()
            .find(|(name, _)| name == word)
            .map(|(_, product)| Role::EdgeProxy(product))
    })
}

/// `network_mode` / `--network` read as a mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkMode {
    /// The host's network namespace.
    Host,
    /// No network at all.
    None,
    /// Docker's default bridge network, outside the project.
    Bridge,
    /// Another service's namespace (`service:x`).
    Service(String),
    /// A container's namespace (`container:x`); `x` may be a service of the project.
    Container(String),
    /// An existing network by name.
    Network(String),
}

/// The ports Docker really publishes for a container: none in the host's network namespace,
/// without a network, or in another container's namespace, where `ports:` / `-p` are discarded
/// or refused.
pub fn published_ports(spec: &ContainerSpec) -> &[Spanned<Port>] {
    let publishes = spec
        .namespaces
        .network
        .as_ref()
        .is_none_or(|mode| NetworkMode::parse(&mode.value).publishes_ports());
    if publishes { &spec.ports } else { &[] }
}

impl NetworkMode {
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        if let Some(service) = text.strip_prefix("service:") {
            return NetworkMode::Service(service.trim().to_owned());
        }
        if let Some(container) = text.strip_prefix("container:") {
            return NetworkMode::Container(container.trim().to_owned());
        }
        // Docker compares mode names exactly: `HOST` would name a network.
        match text {
            "host" => NetworkMode::Host,
            "none" => NetworkMode::None,
            "bridge" => NetworkMode::Bridge,
            _ => NetworkMode::Network(text.to_owned()),
        }
    }

    /// Whether Docker publishes `ports:` in this mode (it discards them in the host's namespace
    /// and refuses them for `none` and a shared namespace).
    pub fn publishes_ports(&self) -> bool {
        matches!(self, NetworkMode::Bridge | NetworkMode::Network(_))
    }
}

/// The host interface a published port listens on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interface {
    /// Every interface: no host IP, `0.0.0.0` or `::`.
    All,
    /// A loopback address (`127.0.0.1`, `::1`, `localhost`): reachable from the host only.
    Loopback(String),
    /// One specific address (or a name that is not an address, kept as written).
    Address(String),
}

impl Interface {
    pub fn parse(ip: Option<&str>) -> Self {
        let Some(ip) = ip else {
            return Interface::All;
        };
        let bare = ip.trim().trim_start_matches('[').trim_end_matches(']');
        if bare.is_empty() {
            return Interface::All;
        }
        if bare.eq_ignore_ascii_case("localhost") {
            return Interface::Loopback(bare.to_owned());
        }
        match bare.parse::<IpAddr>() {
            Ok(address) if address.is_unspecified() => Interface::All,
            Ok(address) if address.is_loopback() => Interface::Loopback(bare.to_owned()),
            _ => Interface::Address(bare.to_owned()),
        }
    }

    /// How the address is written before a `:port`: IPv6 in brackets.
    fn host_text(&self) -> String {
        let address = match self {
            Interface::All => "0.0.0.0",
            Interface::Loopback(address) | Interface::Address(address) => address,
        };
        if address.contains(':') {
            format!("[{address}]")
        } else {
            address.to_owned()
        }
    }
}

/// A port range `first-last` (one port when equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

impl PortRange {
    /// `8080` or `8000-8010`; `None` for anything else (an unresolved variable, a typo).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (first, last) = text.split_once('-').unwrap_or((text, text));
        let first: u16 = first.trim().parse().ok()?;
        let last: u16 = last.trim().parse().ok()?;
        (first <= last).then_some(PortRange { first, last })
    }

    pub fn contains(self, port: u16) -> bool {
        (self.first..=self.last).contains(&port)
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// A published port as the host sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub interface: Interface,
    /// The host port or range as written; `None` for an ephemeral port.
    pub host_port: Option<String>,
    /// The container port (the first of a range).
    pub container_port: u16,
    pub protocol: String,
}

impl Binding {
    /// Reads a [`Port`]. A long-syntax `published: 127.0.0.1:8080` (which some files use,
    /// though the engine wants `host_ip:`) is read as the address it names, not as a port
    /// on every interface.
    pub fn of(port: &Port) -> Self {
        let (ip, host_port) = match (&port.host_ip, &port.host_port) {
            (None, Some(published)) => split_published(published),
            (ip, host_port) => (ip.clone(), host_port.clone()),
        };
        Binding {
            interface: Interface::parse(ip.as_deref()),
            host_port,
            container_port: port.container_port,
            protocol: port.protocol.to_ascii_lowercase(),
        }
    }

    /// The host ports, when known.
    pub fn host_ports(&self) -> Option<PortRange> {
        PortRange::parse(self.host_port.as_deref()?)
    }

    /// Reachable from beyond the host (not loopback only).
    pub fn is_external(&self) -> bool {
        !matches!(self.interface, Interface::Loopback(_))
    }

    /// `0.0.0.0:8080`, `[::1]:53`, `127.0.0.1:ephemeral`.
    pub fn host_side(&self) -> String {
        format!(
            "{}:{}",
            self.interface.host_text(),
            self.host_port.as_deref().unwrap_or("ephemeral")
        )
    }
}

fn split_published(published: &str) -> (Option<String>, Option<String>) {
    let is_address = |text: &str| {
        text.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok()
    };
    if is_address(published) {
        return (Some(published.to_owned()), None);
    }
    match published.rsplit_once(':') {
        Some((ip, port)) if is_address(ip) => (
            Some(ip.to_owned()),
            (!port.is_empty()).then(|| port.to_owned()),
        ),
        _ => (None, Some(published.to_owned())),
    }
}

/// One network a service joins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub network: String,
    /// Where the attachment is written: the `networks:` entry, the `network_mode` value, or the
    /// service key for the implicit `default` network.
    pub range: TextRange,
    /// The project's `default` network joined because the service lists no network.
    pub implicit: bool,
}

/// One service in the graph.
#[derive(Clone, Debug)]
pub struct ServiceNode<'a> {
    pub spec: &'a ContainerSpec,
    pub role: Role,
    pub mode: Option<Spanned<NetworkMode>>,
    /// Networks the service joins itself; empty when it shares another namespace, is in the
    /// host's or has none.
    pub attachments: Vec<Attachment>,
    /// The service whose network namespace this one shares (`service:x`, `container:x` naming a
    /// service), followed to the end of a chain.
    pub namespace_of: Option<usize>,
    /// In the host's network namespace, directly or through the service it shares.
    pub on_host: bool,
    /// Published ports that Docker sets up (none in the host's namespace or a shared one).
    pub bindings: Vec<Spanned<Binding>>,
}

impl ServiceNode<'_> {
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// Whether the service stays on the project's implicit `default` network.
    pub fn on_implicit_default(&self) -> bool {
        self.attachments
            .iter()
            .any(|attachment| attachment.implicit)
    }
}

/// One network in the graph.
#[derive(Clone, Debug)]
pub struct Network<'a> {
    pub name: String,
    /// The top-level declaration; `None` for the implicit `default` network and for networks
    /// named only by `network_mode`.
    pub def: Option<&'a NetworkDef>,
    /// Services on it (directly or by sharing a member's namespace), in project order.
    pub members: Vec<usize>,
}

impl Network<'_> {
    pub fn internal(&self) -> bool {
        self.def.is_some_and(|def| def.internal)
    }

    /// Created outside the project (declared `external`, Docker's `bridge`, or named only by a
    /// `network_mode`): other containers may be on it.
    pub fn external(&self) -> bool {
        match self.def {
            Some(def) => def.external,
            None => self.name != "default",
        }
    }

    /// The project's `default` network without a top-level declaration.
    pub fn implicit(&self) -> bool {
        self.def.is_none() && self.name == "default"
    }
}

/// How one service reaches another.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Via {
    /// Both are on this network (either can open connections to the other).
    Network(String),
    /// They share one network namespace (`localhost` is common).
    Namespace,
    /// The first is in the host's namespace and the second publishes this port on the host.
    HostPort(String),
}

/// A path between two services. Network and namespace paths go both ways; a host-port path
/// goes from `from` to `to` only.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Path {
    pub from: usize,
    pub to: usize,
    pub via: Via,
}

/// Every service and network of a project and the paths between them.
#[derive(Clone, Debug)]
pub struct Graph<'a> {
    /// In project order: `services[i]` is `specs[i]`.
    pub services: Vec<ServiceNode<'a>>,
    /// Sorted by name.
    pub networks: Vec<Network<'a>>,
}

impl<'a> Graph<'a> {
    pub fn new(specs: &'a [ContainerSpec], defs: &'a [NetworkDef]) -> Self {
        let mut services: Vec<ServiceNode<'a>> = specs
            .iter()
            .map(|spec| {
                let mode = spec
                    .namespaces
                    .network
                    .as_ref()
                    .map(|mode| Spanned::new(NetworkMode::parse(&mode.value), mode.range));
                let mut attachments: Vec<Attachment> = spec
                    .networks
                    .iter()
                    .map(|network| Attachment {
                        network: network.value.clone(),
                        range: network.range,
                        implicit: false,
                    })
                    .collect();
                match mode.as_ref().map(|mode| (&mode.value, mode.range)) {
                    None if attachments.is_empty() => attachments.push(Attachment {
                        network: "default".to_owned(),
                        range: spec.range,
                        implicit: true,
                    }),
                    None => {}
                    Some((NetworkMode::Bridge, range)) => attachments.push(Attachment {
                        network: "bridge".to_owned(),
                        range,
                        implicit: false,
                    }),
                    Some((NetworkMode::Network(name), range)) => attachments.push(Attachment {
                        network: name.clone(),
                        range,
                        implicit: false,
                    }),
                    Some(_) => attachments.clear(),
                }
                let bindings = published_ports(spec)
                    .iter()
                    .map(|port| Spanned::new(Binding::of(&port.value), port.range))
                    .collect();
                ServiceNode {
                    spec,
                    role: classify(spec),
                    on_host: matches!(mode.as_ref().map(|m| &m.value), Some(NetworkMode::Host)),
                    mode,
                    attachments,
                    namespace_of: None,
                    bindings,
                }
            })
            .collect();

        // Namespace sharing, followed through chains (`a` shares `b`, which shares `c`).
        for index in 0..services.len() {
            let mut current = index;
            let mut seen = vec![index];
            while let Some(next) = shared_with(&services, current) {
                if seen.contains(&next) {
                    break;
                }
                seen.push(next);
                current = next;
            }
            if current != index {
                services[index].namespace_of = Some(current);
                services[index].on_host = services[current].on_host;
            }
        }

        let mut names: Vec<String> = defs.iter().map(|def| def.name.clone()).collect();
        for service in &services {
            names.extend(
                service
                    .attachments
                    .iter()
                    .map(|attachment| attachment.network.clone()),
            );
        }
        names.sort();
        names.dedup();
        let mut graph = Graph {
            networks: names
                .into_iter()
                .map(|name| Network {
                    def: defs.iter().find(|def| def.name == name),
                    name,
                    members: Vec::new(),
                })
                .collect(),
            services,
        };
        for index in 0..graph.services.len() {
            let joined: Vec<String> = graph
                .networks_of(index)
                .iter()
                .map(|attachment| attachment.network.clone())
                .collect();
            for network in &mut graph.networks {
                if joined.contains(&network.name) {
                    network.members.push(index);
                }
            }
        }
        graph
    }

    /// The service named `name`.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.services
            .iter()
            .position(|service| service.name() == name)
    }

    pub fn network(&self, name: &str) -> Option<&Network<'a>> {
        self.networks.iter().find(|network| network.name == name)
    }

    /// The service owning `index`'s network namespace (itself unless it shares another's).
    pub fn namespace_root(&self, index: usize) -> usize {
        self.services[index].namespace_of.unwrap_or(index)
    }

    /// The networks `index` is on, its own or those of the namespace it shares.
    pub fn networks_of(&self, index: usize) -> &[Attachment] {
        &self.services[self.namespace_root(index)].attachments
    }

    /// The ports through which `index` is published: its own, or those of the namespace it
    /// shares.
    pub fn bindings_of(&self, index: usize) -> &[Spanned<Binding>] {
        &self.services[self.namespace_root(index)].bindings
    }

    /// Whether clients beyond the host can connect to `index`: it publishes a port on a
    /// non-loopback interface (itself or through the namespace it shares), or it is in the
    /// host's network namespace.
    pub fn is_published(&self, index: usize) -> bool {
        self.services[index].on_host
            || self
                .bindings_of(index)
                .iter()
                .any(|binding| binding.value.is_external())
    }

    /// Networks both services are on, in name order.
    pub fn shared_networks(&self, a: usize, b: usize) -> Vec<&str> {
        let theirs = self.networks_of(b);
        let mut shared: Vec<&str> = self
            .networks_of(a)
            .iter()
            .filter(|mine| theirs.iter().any(|other| other.network == mine.network))
            .map(|attachment| attachment.network.as_str())
            .collect();
        shared.sort_unstable();
        shared.dedup();
        shared
    }

    /// Whether `a` declares a dependency on `b` (`depends_on` or `links`).
    pub fn depends_on(&self, a: usize, b: usize) -> bool {
        let target = self.services[b].name();
        self.services[a]
            .spec
            .depends_on
            .iter()
            .any(|dependency| dependency.value == target)
    }

    /// Whether an environment value of `a` names `b` as a host.
    pub fn mentions(&self, a: usize, b: usize) -> bool {
        let target = self.services[b].name();
        self.services[a].spec.environment.iter().any(|variable| {
            let written = variable.value.as_ref().map(|value| value.value.as_str());
            [written, variable.expanded.as_deref()]
                .into_iter()
                .flatten()
                .any(|value| names_host(value, target))
        })
    }

    /// Whether either service needs the other: a dependency or a mention in either direction.
    pub fn needs(&self, a: usize, b: usize) -> bool {
        self.depends_on(a, b) || self.depends_on(b, a) || self.mentions(a, b) || self.mentions(b, a)
    }

    /// Every service `index` depends on or is depended on by, or that names it (or it names),
    /// in project order.
    pub fn partners(&self, index: usize) -> Vec<usize> {
        (0..self.services.len())
            .filter(|&other| other != index && self.needs(index, other))
            .collect()
    }

    /// Every path between two services, sorted: shared networks and namespaces (listed once,
    /// from the service that comes first in the project), and host ports reached from the
    /// host's namespace.
    pub fn paths(&self) -> Vec<Path> {
        let mut paths = Vec::new();
        let count = self.services.len();
        for a in 0..count {
            for b in a + 1..count {
                if self.namespace_root(a) == self.namespace_root(b) {
                    paths.push(Path {
                        from: a,
                        to: b,
                        via: Via::Namespace,
                    });
                    continue;
                }
                for network in self.shared_networks(a, b) {
                    paths.push(Path {
                        from: a,
                        to: b,
                        via: Via::Network(network.to_owned()),
                    });
                }
            }
        }
        for from in 0..count {
            if !self.services[from].on_host {
                continue;
            }
            for to in 0..count {
                if to == from || self.services[to].on_host {
                    continue;
                }
                for binding in self.bindings_of(to) {
                    paths.push(Path {
                        from,
                        to,
                        via: Via::HostPort(binding.value.host_side()),
                    });
                }
            }
        }
        paths.sort();
        paths.dedup();
        paths
    }
}

/// The service whose namespace `index` joins directly, if it names one of the project.
fn shared_with(services: &[ServiceNode<'_>], index: usize) -> Option<usize> {
    let (NetworkMode::Service(name) | NetworkMode::Container(name)) =
        services[index].mode.as_ref().map(|mode| &mode.value)?
    else {
        return None;
    };
    services.iter().position(|service| service.name() == name)
}

/// Whether `text` holds `host` as a whole host name: bounded by characters that cannot be part
/// of one (`@db:5432`, `=redis`, `//search/`), so `db` is not found in `mydb` or `db.example.com`.
fn names_host(text: &str, host: &str) -> bool {
    if host.is_empty() {
        return false;
    }
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    text.match_indices(host).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + host.len()..].chars().next();
        before.is_none_or(|c| !is_name(c)) && after.is_none_or(|c| !is_name(c))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use cofferdam_diagnostics::SourceFile;

    use super::{Binding, Graph, Interface, NetworkMode, PortRange, Role, Via, names_host};
    use crate::model::compose::{ComposeInput, ComposeProject, Loader, load};
    use crate::model::container::Port;

    struct Files(HashMap<String, String>);

    impl Loader for Files {
        fn load(&self, path: &str) -> Option<Result<String, String>> {
            self.0.get(path).cloned().map(Ok)
        }
    }

    fn project(text: &str) -> ComposeProject {
        let environment = |_: &str| None;
        let project = load(ComposeInput {
            files: vec![SourceFile::new("compose.yaml", text)],
            loader: &Files(HashMap::new()),
            environment: &environment,
        });
        assert!(project.errors.is_empty(), "{:?}", project.errors);
        project
    }

    fn roles(text: &str) -> Vec<(String, Role)> {
        let project = project(text);
        let graph = Graph::new(&project.services, &project.networks);
        graph
            .services
            .iter()
            .map(|service| (service.name().to_owned(), service.role))
            .collect()
    }

    #[test]
    fn services_are_classified_by_image_ports_and_name() {
        let text = "services:
  a: {image: postgres:16}
  b: {image: docker.io/bitnami/postgresql:16}
  c: {image: prometheuscommunity/postgres-exporter}
  d: {image: mongo-express:1}
  e: {image: confluentinc/cp-kafka:7.6}
  f: {image: nginxinc/nginx-unprivileged:1.27}
  g: {image: myorg/api:1, ports: [\"6379\"]}
  h: {build: ./db}
  k: {build: ./search, expose: [\"9200\"]}
  redis: {build: ./cache}
  i: {image: myorg/api:1}
  j: {image: container-registry.oracle.com/os/oraclelinux:9}
";
        let found: Vec<Role> = roles(text).into_iter().map(|(_, role)| role).collect();
        assert_eq!(
            found,
            [
                Role::DataStore("postgres"),
                Role::DataStore("postgres"),
                Role::Application,
                Role::Application,
                Role::DataStore("kafka"),
                Role::EdgeProxy("nginx"),
                Role::DataStore("redis"),
                Role::Application,
                Role::DataStore("elasticsearch"),
                Role::DataStore("redis"),
                Role::Application,
                Role::Application,
            ]
        );
        assert_eq!(
            roles("services:\n  db: {build: .}\n")[0].1,
            Role::DataStore("database")
        );
        assert_eq!(Role::DataStore("redis").to_string(), "data store (redis)");
    }

    #[test]
    fn network_modes() {
        assert_eq!(NetworkMode::parse("host"), NetworkMode::Host);
        assert_eq!(NetworkMode::parse("none"), NetworkMode::None);
        assert_eq!(
            NetworkMode::parse("HOST"),
            NetworkMode::Network("HOST".into())
        );
        assert_eq!(
            NetworkMode::parse("service:vpn"),
            NetworkMode::Service("vpn".into())
        );
        assert_eq!(
            NetworkMode::parse("container:abc"),
            NetworkMode::Container("abc".into())
        );
        assert_eq!(
            NetworkMode::parse("LDC"),
            NetworkMode::Network("LDC".into())
        );
        assert!(NetworkMode::parse("bridge").publishes_ports());
        assert!(!NetworkMode::parse("host").publishes_ports());
    }

    #[test]
    fn interfaces_and_bindings() {
        assert_eq!(Interface::parse(None), Interface::All);
        assert_eq!(Interface::parse(Some("0.0.0.0")), Interface::All);
        assert_eq!(Interface::parse(Some("[::]")), Interface::All);
        assert_eq!(
            Interface::parse(Some("127.0.0.2")),
            Interface::Loopback("127.0.0.2".into())
        );
        assert_eq!(
            Interface::parse(Some("::1")),
            Interface::Loopback("::1".into())
        );
        assert_eq!(
            Interface::parse(Some("10.0.0.5")),
            Interface::Address("10.0.0.5".into())
        );
        let port = |host_ip: Option<&str>, host_port: Option<&str>| Port {
            host_ip: host_ip.map(str::to_owned),
            host_port: host_port.map(str::to_owned),
            container_port: 8000,
            protocol: "TCP".into(),
        };
        let binding = Binding::of(&port(None, Some("127.0.0.1:8080-8090")));
        assert_eq!(binding.interface, Interface::Loopback("127.0.0.1".into()));
        assert_eq!(
            binding.host_ports(),
            Some(PortRange {
                first: 8080,
                last: 8090
            })
        );
        assert_eq!(binding.protocol, "tcp");
        let binding = Binding::of(&port(None, Some("127.0.0.1")));
        assert_eq!(binding.host_port, None);
        assert_eq!(binding.host_side(), "127.0.0.1:ephemeral");
        let binding = Binding::of(&port(Some("::1"), Some("53")));
        assert_eq!(binding.host_side(), "[::1]:53");
        let binding = Binding::of(&port(None, Some("8080")));
        assert_eq!(binding.interface, Interface::All);
        assert_eq!(binding.host_side(), "0.0.0.0:8080");
        assert_eq!(PortRange::parse("${PORT}"), None);
        assert_eq!(PortRange::parse("20-10"), None);
    }

    #[test]
    fn default_network_namespaces_and_paths() {
        let text = "services:
  web:
    image: nginx:1
    ports: [\"80:8080\"]
    networks: [front]
  api:
    image: api:1
    networks: [front, back]
    depends_on: [db]
  db:
    image: postgres:16
    ports: [\"127.0.0.1:5432:5432\"]
    networks:
      back:
  worker:
    image: worker:1
    environment:
      QUEUE: amqp://guest@queue:5672/
  queue:
    image: rabbitmq:3
  sidecar:
    image: envoy:1
    network_mode: service:api
  monitor:
    image: agent:1
    network_mode: host
networks:
  front: {}
  back: {internal: true}
";
        let project = project(text);
        let graph = Graph::new(&project.services, &project.networks);
        let names: Vec<&str> = graph.networks.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["back", "default", "front"]);
        assert!(graph.network("back").is_some_and(super::Network::internal));
        assert!(
            graph
                .network("default")
                .is_some_and(super::Network::implicit)
        );
        let member_names = |network: &str| -> Vec<&str> {
            graph
                .network(network)
                .map(|network| {
                    network
                        .members
                        .iter()
                        .map(|&i| graph.services[i].name())
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(member_names("back"), ["api", "db", "sidecar"]);
        assert_eq!(member_names("default"), ["worker", "queue"]);
        let index = |name: &str| graph.find(name).expect("service");
        assert!(graph.is_published(index("web")));
        assert!(!graph.is_published(index("db")));
        assert!(graph.is_published(index("monitor")));
        assert!(graph.services[index("worker")].on_implicit_default());
        assert!(graph.needs(index("db"), index("api")));
        assert!(graph.needs(index("queue"), index("worker")));
        assert!(!graph.needs(index("web"), index("db")));
        assert_eq!(
            graph.shared_networks(index("sidecar"), index("db")),
            ["back"]
        );
        let paths: Vec<(&str, &str, Via)> = graph
            .paths()
            .into_iter()
            .map(|path| {
                (
                    graph.services[path.from].name(),
                    graph.services[path.to].name(),
                    path.via,
                )
            })
            .collect();
        let network = |name: &str| Via::Network(name.to_owned());
        assert_eq!(
            paths,
            [
                ("web", "api", network("front")),
                ("web", "sidecar", network("front")),
                ("api", "db", network("back")),
                ("api", "sidecar", Via::Namespace),
                ("db", "sidecar", network("back")),
                ("worker", "queue", network("default")),
                ("monitor", "web", Via::HostPort("0.0.0.0:80".into())),
                ("monitor", "db", Via::HostPort("127.0.0.1:5432".into())),
            ]
        );
    }

    #[test]
    fn host_names_in_values() {
        assert!(names_host("postgres://u:p@db:5432/app", "db"));
        assert!(names_host("redis", "redis"));
        assert!(names_host("http://search/", "search"));
        assert!(!names_host("mydb", "db"));
        assert!(!names_host("db.example.com", "db"));
        assert!(!names_host("db_name", "db"));
    }
}
