//! Lowering a merged compose document into [`ContainerSpec`]s: `extends` resolution, then every
//! service key in its short and long syntax.
//!
//! Values that cannot mean anything (`privileged: maybe`, a port that is not a number) become
//! errors at the value, and the rest of the service is still lowered.

use cofferdam_diagnostics::TextRange;

use super::{Context, NetworkDef, join, merge};
use crate::model::DockerfileModel;
use crate::model::container::{
    Bytes, ContainerSpec, Device, EnvVar, Healthcheck, ImageConfig, Mount, MountKind, Port,
    RestartPolicy, SecurityOpt, Spanned, SpecSource, Tmpfs, is_variable, normalize_capability,
};
use crate::syntax::dockerfile::{self as dockerfile_syntax, InstructionKind};
use crate::syntax::yaml::{Entry, Kind, Node, Style};

/// Service keys whose ranges are kept as anchors for "missing" findings.
const ANCHORED_KEYS: &[&str] = &[
    "image",
    "build",
    "user",
    "privileged",
    "read_only",
    "cap_add",
    "cap_drop",
    "security_opt",
    "tmpfs",
    "volumes",
    "devices",
    "mem_limit",
    "memswap_limit",
    "cpus",
    "pids_limit",
    "restart",
    "deploy",
    "pid",
    "ipc",
    "uts",
    "userns_mode",
    "cgroup",
    "network_mode",
    "networks",
    "ports",
    "environment",
    "env_file",
    "secrets",
    "healthcheck",
    "ulimits",
];

const DEPLOY_KEYS: &[(&str, &str)] = &[
    ("resources", "deploy.resources"),
    ("restart_policy", "deploy.restart_policy"),
];

pub(super) fn lower_project(context: &mut Context<'_>, root: &Node) {
    if let Some(networks) = root.get("networks").and_then(Node::entries) {
        for entry in networks {
            let Some(name) = entry.key.as_str() else {
                continue;
            };
            let flag = |key: &str| {
                entry
                    .value
                    .get(key)
                    .and_then(Node::as_bool)
                    .unwrap_or(false)
            };
            context.project.networks.push(NetworkDef {
                name: name.to_owned(),
                range: entry.key.range,
                internal: flag("internal"),
                external: flag("external")
                    || entry
                        .value
                        .get("external")
                        .is_some_and(|v| v.entries().is_some()),
            });
        }
    }
    let Some(services) = root.get("services") else {
        return;
    };
    let Some(entries) = services.entries() else {
        if !services.is_null() {
            context.error(
                services.range,
                format!(
                    "expected a mapping of services, found {}",
                    services.describe()
                ),
            );
        }
        return;
    };
    for entry in entries {
        let Some(name) = entry.key.as_str() else {
            continue;
        };
        let node = resolve_extends(context, entries, entry, &mut Vec::new());
        if node.entries().is_none() {
            if !node.is_null() {
                context.error(
                    node.range,
                    format!(
                        "expected a mapping for service `{name}`, found {}",
                        node.describe()
                    ),
                );
            }
            continue;
        }
        let mut spec = lower_service(context, name, entry.key.range, &node);
        see_through_bind_volumes(root, &mut spec);
        context.project.services.push(spec);
    }
}

/// A named volume of the local driver with `driver_opts: {type: none, o: bind, device: /path}`
/// is a bind mount of `/path` in all but name: services that mount it are given the host path,
/// so rules about host paths and runtime sockets see through the volume. The source's range is
/// the `device:` value, where the host path is written.
fn see_through_bind_volumes(root: &Node, spec: &mut ContainerSpec) {
    let Some(volumes) = root.get("volumes").and_then(Node::entries) else {
        return;
    };
    for mount in &mut spec.mounts {
        if mount.value.kind != MountKind::Volume || mount.value.source.is_empty() {
            continue;
        }
        let Some(definition) = volumes
            .iter()
            .find(|entry| entry.key.as_str() == Some(mount.value.source.as_str()))
            .map(|entry| &entry.value)
        else {
            continue;
        };
        let local = definition
            .get("driver")
            .and_then(Node::as_str)
            .is_none_or(|driver| driver == "local");
        let Some(options) = definition.get("driver_opts") else {
            continue;
        };
        let binds = options.get("o").and_then(Node::as_str).is_some_and(|o| {
            o.split(',')
                .any(|option| matches!(option.trim(), "bind" | "rbind"))
        });
        let Some(device) = options.get("device") else {
            continue;
        };
        let Some(path) = device.as_str() else {
            continue;
        };
        if !local || !binds || path.trim().is_empty() {
            continue;
        }
        mount.value.kind = MountKind::Bind;
        mount.value.source = path.trim().to_owned();
        mount.value.source_range = device.range;
    }
}

/// The service with `extends:` applied (recursively, across files), without the `extends` key.
fn resolve_extends(
    context: &mut Context<'_>,
    services: &[Entry],
    entry: &Entry,
    stack: &mut Vec<(String, String)>,
) -> Node {
    let node = &entry.value;
    let Some(extends) = node.get("extends") else {
        return node.clone();
    };
    let here = context
        .project
        .sources
        .file_name(entry.key.range.start())
        .to_owned();
    let (service, file, service_range) = match &extends.kind {
        Kind::Scalar(_) => (extends.as_str().map(str::to_owned), None, extends.range),
        Kind::Mapping(_) => {
            let service = extends.get("service");
            (
                service.and_then(Node::as_str).map(str::to_owned),
                extends
                    .get("file")
                    .and_then(|file| Some((file.as_str()?.to_owned(), file.range))),
                service.map_or(extends.range, |service| service.range),
            )
        }
        Kind::Sequence(_) => (None, None, extends.range),
    };
    let Some(service) = service else {
        context.error(
            extends.range,
            "expected `extends: <service>` or `extends: {service: <name>, file: <path>}`",
        );
        return without_key(node, "extends");
    };
    let key = (
        file.as_ref()
            .map_or_else(|| here.clone(), |(path, _)| join(&here, path)),
        service.clone(),
    );
    if stack.contains(&key) {
        context.error(
            service_range,
            format!("`extends` of `{service}` forms a cycle"),
        );
        return without_key(node, "extends");
    }
    stack.push(key.clone());
    let base = if let Some((_, file_range)) = file {
        let path = key.0.clone();
        context
            .parse_path(&path, file_range, true)
            .and_then(|root| {
                let entries = root.get("services")?.entries()?.to_vec();
                let Some(base_entry) = entries
                    .iter()
                    .find(|candidate| candidate.key.as_str() == Some(&service))
                else {
                    context.error(
                        service_range,
                        format!("expected a service `{service}` in `{path}`"),
                    );
                    return None;
                };
                Some(resolve_extends(context, &entries, base_entry, stack))
            })
    } else if let Some(base_entry) = services
        .iter()
        .find(|candidate| candidate.key.as_str() == Some(&service))
    {
        Some(resolve_extends(context, services, base_entry, stack))
    } else {
        context.error(
            service_range,
            format!("expected a service `{service}` to extend in this file"),
        );
        None
    };
    stack.pop();
    let own = without_key(node, "extends");
    match base {
        Some(base) => {
            let mut merged = merge(base, own);
            // The service is where it is written, not where its base is.
            merged.range = node.range;
            merged
        }
        None => own,
    }
}

fn without_key(node: &Node, key: &str) -> Node {
    let mut node = node.clone();
    if let Kind::Mapping(entries) = &mut node.kind {
        entries.retain(|entry| entry.key.as_str() != Some(key));
    }
    node
}

fn lower_service(
    context: &mut Context<'_>,
    name: &str,
    key_range: TextRange,
    node: &Node,
) -> ContainerSpec {
    let mut spec = ContainerSpec::new(SpecSource::Compose, name, key_range);
    let file = context
        .project
        .sources
        .file_name(key_range.start())
        .to_owned();
    // A service written in place (not an alias of a node in another file) is one span.
    if context.project.sources.file_name(node.range.start()) == file {
        spec.written = Some(key_range.cover(node.range));
    }
    for entry in node.entries().unwrap_or_default() {
        let Some(key) = entry.key.as_str() else {
            continue;
        };
        if let Some(known) = ANCHORED_KEYS.iter().find(|known| **known == key) {
            spec.keys.push((known, entry.key.range));
        }
        let value = &entry.value;
        match key {
            "image" => spec.image = string(context, key, value),
            "build" => {
                spec.build = Some(entry.key.range);
                spec.image_config = image_config(context, &file, value);
            }
            "profiles" => {
                spec.profiles = strings(context, key, value)
                    .into_iter()
                    .map(|p| p.value)
                    .collect();
            }
            "user" => spec.user = string(context, key, value),
            "privileged" => spec.privileged = boolean(context, key, value),
            "read_only" => spec.read_only = boolean(context, key, value),
            "cap_add" => {
                spec.cap_add = strings(context, key, value)
                    .into_iter()
                    .map(|cap| Spanned::new(normalize_capability(&cap.value), cap.range))
                    .collect();
            }
            "cap_drop" => {
                spec.cap_drop = strings(context, key, value)
                    .into_iter()
                    .map(|cap| Spanned::new(normalize_capability(&cap.value), cap.range))
                    .collect();
            }
            "security_opt" => {
                spec.security_opt = strings(context, key, value)
                    .into_iter()
                    .map(|option| Spanned::new(SecurityOpt::parse(&option.value), option.range))
                    .collect();
            }
            "tmpfs" => {
                for item in strings(context, key, value) {
                    spec.tmpfs
                        .push(Spanned::new(Tmpfs::parse(&item.value), item.range));
                }
            }
            "volumes" => lower_volumes(context, &mut spec, value),
            "devices" => lower_devices(context, &mut spec, value),
            "device_cgroup_rules" => spec.device_cgroup_rules = strings(context, key, value),
            "mem_limit" => spec.limits.memory = bytes(context, key, value),
            "memswap_limit" => spec.limits.memory_swap = bytes(context, key, value),
            "cpus" => spec.limits.cpus = float(context, key, value),
            "cpu_quota" | "cpu_shares" | "cpu_period" | "cpuset" => {
                if let Some(text) = value.as_str() {
                    spec.limits.cpu_other =
                        Some(Spanned::new(format!("{key}: {text}"), value.range));
                }
            }
            "pids_limit" => spec.limits.pids = integer(context, key, value),
            "restart" => {
                spec.restart = string(context, key, value)
                    .map(|policy| Spanned::new(RestartPolicy::parse(&policy.value), policy.range));
            }
            "deploy" => lower_deploy(context, &mut spec, value),
            "pid" => spec.namespaces.pid = string(context, key, value),
            "ipc" => spec.namespaces.ipc = string(context, key, value),
            "uts" => spec.namespaces.uts = string(context, key, value),
            "userns_mode" => spec.namespaces.userns = string(context, key, value),
            "cgroup" => spec.namespaces.cgroupns = string(context, key, value),
            "network_mode" => spec.namespaces.network = string(context, key, value),
            "networks" => {
                spec.networks = match &value.kind {
                    Kind::Mapping(entries) => entries
                        .iter()
                        .filter_map(|entry| {
                            Some(Spanned::new(
                                entry.key.as_str()?.to_owned(),
                                entry.key.range,
                            ))
                        })
                        .collect(),
                    _ => strings(context, key, value),
                };
            }
            "ports" => lower_ports(context, &mut spec, value),
            "expose" => {
                for item in strings(context, key, value) {
                    // `3000`, `8000-8010`, `53/udp`: the first port of the range.
                    let first = item.value.split(['/', '-']).next().unwrap_or_default();
                    match first.trim().parse() {
                        Ok(port) => spec.expose.push(Spanned::new(port, item.range)),
                        Err(_) => context.error(
                            item.range,
                            format!(
                                "expected a port such as `3000` or `8000-8010/tcp`, found `{}`",
                                item.value
                            ),
                        ),
                    }
                }
            }
            "environment" => lower_environment(context, &mut spec, value),
            "env_file" => lower_env_files(context, &mut spec, &file, value),
            "secrets" => {
                for item in value.items().unwrap_or_default() {
                    let source = match &item.kind {
                        Kind::Mapping(_) => item
                            .get("source")
                            .and_then(|source| Some((source.as_str()?, source.range))),
                        _ => item.as_str().map(|source| (source, item.range)),
                    };
                    if let Some((source, range)) = source {
                        spec.secrets.push(Spanned::new(source.to_owned(), range));
                    }
                }
            }
            "healthcheck" => {
                // A disabled check is located at what disables it (`disable: true`, `test:
                // ["NONE"]`), an enabled one at the `healthcheck` key.
                let disabled_at = value.entries().unwrap_or_default().iter().find_map(|item| {
                    let test_none = |test: &Node| {
                        test.as_str() == Some("NONE")
                            || test
                                .items()
                                .and_then(<[Node]>::first)
                                .and_then(Node::as_str)
                                == Some("NONE")
                    };
                    match item.key.as_str() {
                        Some("disable") if item.value.as_bool() == Some(true) => {
                            Some(item.key.range.cover(item.value.range))
                        }
                        Some("test") if test_none(&item.value) => Some(item.value.range),
                        _ => None,
                    }
                });
                spec.healthcheck = Some(Spanned::new(
                    Healthcheck {
                        disabled: disabled_at.is_some(),
                    },
                    disabled_at.unwrap_or(entry.key.range),
                ));
            }
            "depends_on" | "links" => {
                let names: Vec<Spanned<String>> = match &value.kind {
                    Kind::Mapping(entries) => entries
                        .iter()
                        .filter_map(|entry| {
                            Some(Spanned::new(
                                entry.key.as_str()?.to_owned(),
                                entry.key.range,
                            ))
                        })
                        .collect(),
                    _ => strings(context, key, value)
                        .into_iter()
                        .map(|link| {
                            let service =
                                link.value.split(':').next().unwrap_or_default().to_owned();
                            Spanned::new(service, link.range)
                        })
                        .collect(),
                };
                spec.depends_on.extend(names);
            }
            _ => {}
        }
    }
    spec
}

fn lower_deploy(context: &mut Context<'_>, spec: &mut ContainerSpec, deploy: &Node) {
    for entry in deploy.entries().unwrap_or_default() {
        let Some(key) = entry.key.as_str() else {
            continue;
        };
        if let Some((_, path)) = DEPLOY_KEYS.iter().find(|(name, _)| *name == key) {
            spec.keys.push((path, entry.key.range));
        }
        match key {
            "resources" => {
                for resource in entry.value.entries().unwrap_or_default() {
                    if resource.key.as_str() == Some("limits") {
                        spec.keys
                            .push(("deploy.resources.limits", resource.key.range));
                        let limits = &resource.value;
                        for limit in limits.entries().unwrap_or_default() {
                            let value = &limit.value;
                            match limit.key.as_str() {
                                Some("memory") => {
                                    spec.keys
                                        .push(("deploy.resources.limits.memory", limit.key.range));
                                    spec.limits.memory = bytes(context, "memory", value)
                                        .or(spec.limits.memory.take());
                                }
                                Some("cpus") => {
                                    spec.keys
                                        .push(("deploy.resources.limits.cpus", limit.key.range));
                                    spec.limits.cpus =
                                        float(context, "cpus", value).or(spec.limits.cpus.take());
                                }
                                Some("pids") => {
                                    spec.keys
                                        .push(("deploy.resources.limits.pids", limit.key.range));
                                    spec.limits.pids =
                                        integer(context, "pids", value).or(spec.limits.pids.take());
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            "restart_policy" => {
                let condition = entry.value.get("condition");
                let attempts = entry
                    .value
                    .get("max_attempts")
                    .and_then(Node::as_str)
                    .and_then(|n| n.parse().ok());
                let policy = match condition.and_then(Node::as_str) {
                    Some("none") => RestartPolicy::No,
                    Some("on-failure") => RestartPolicy::OnFailure(attempts),
                    // Swarm's default condition is `any`, which restarts like `always`.
                    Some("any") | None => RestartPolicy::Always,
                    Some(other) => RestartPolicy::Invalid(other.to_owned()),
                };
                let range = condition.map_or(entry.key.range, |condition| condition.range);
                // A `restart:` key wins over deploy's policy in `docker compose up`.
                if spec.restart.is_none() {
                    spec.restart = Some(Spanned::new(policy, range));
                }
            }
            _ => {}
        }
    }
}

fn lower_volumes(context: &mut Context<'_>, spec: &mut ContainerSpec, value: &Node) {
    let Some(items) = value.items() else {
        expected(context, "volumes", "a list", value);
        return;
    };
    for item in items {
        if let Kind::Mapping(_) = &item.kind {
            let kind = item.get("type").and_then(Node::as_str).unwrap_or("volume");
            let target = item
                .get("target")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_owned();
            let source_node = item.get("source");
            let source = source_node
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_owned();
            let read_only = item
                .get("read_only")
                .and_then(Node::as_bool)
                .unwrap_or(false);
            let source_range = source_node.map_or(item.range, |node| node.range);
            let propagation = item
                .get("bind")
                .and_then(|bind| bind.get("propagation"))
                .and_then(Node::as_str)
                .map(str::to_owned);
            let mount_kind = match kind {
                "bind" => MountKind::Bind,
                "npipe" => MountKind::NamedPipe,
                "image" => MountKind::Image,
                "tmpfs" => {
                    let mut options = Vec::new();
                    if let Some(tmpfs) = item.get("tmpfs") {
                        if let Some(size) = tmpfs.get("size").and_then(Node::as_str) {
                            options.push(format!("size={size}"));
                        }
                        if let Some(mode) = tmpfs.get("mode").and_then(Node::as_str) {
                            options.push(format!("mode={mode}"));
                        }
                    }
                    spec.tmpfs
                        .push(Spanned::new(Tmpfs { target, options }, item.range));
                    continue;
                }
                _ => MountKind::Volume,
            };
            spec.mounts.push(Spanned::new(
                Mount {
                    kind: mount_kind,
                    source,
                    target,
                    read_only,
                    source_range,
                    propagation,
                },
                item.range,
            ));
        } else {
            let Some(text) = item.as_str() else {
                continue;
            };
            let mount = parse_short_volume(text, item, context.project.sources.text(item.range));
            spec.mounts.push(Spanned::new(mount, item.range));
        }
    }
}

/// The short volume syntax, with the source's range found in the written text.
fn parse_short_volume(text: &str, node: &Node, raw: &str) -> Mount {
    let (mut mount, source_length) = Mount::parse_short(text);
    // The source is at the start of the scalar (after a quote when quoted).
    let offset = u32::from(
        node.scalar()
            .is_some_and(|scalar| scalar.style == Style::Quoted),
    );
    let start = node.range.start() + offset;
    mount.source_range = if raw
        .get(offset as usize..)
        .is_some_and(|raw| raw.starts_with(&mount.source))
    {
        TextRange::new(start, start + source_length as u32)
    } else {
        node.range
    };
    mount
}

fn lower_devices(context: &mut Context<'_>, spec: &mut ContainerSpec, value: &Node) {
    let Some(items) = value.items() else {
        expected(context, "devices", "a list", value);
        return;
    };
    for item in items {
        let device = if let Kind::Mapping(_) = &item.kind {
            let field = |key: &str| {
                item.get(key)
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let host = field("source");
            let container = item
                .get("target")
                .and_then(Node::as_str)
                .map_or_else(|| host.clone(), str::to_owned);
            let permissions = item
                .get("permissions")
                .and_then(Node::as_str)
                .unwrap_or("rwm")
                .to_owned();
            Device {
                host,
                container,
                permissions,
            }
        } else {
            let Some(text) = item.as_str() else {
                continue;
            };
            Device::parse(text)
        };
        spec.devices.push(Spanned::new(device, item.range));
    }
}

fn lower_ports(context: &mut Context<'_>, spec: &mut ContainerSpec, value: &Node) {
    let Some(items) = value.items() else {
        expected(context, "ports", "a list", value);
        return;
    };
    for item in items {
        let port = if let Kind::Mapping(_) = &item.kind {
            let Some(target) = item
                .get("target")
                .and_then(Node::as_str)
                .and_then(|t| t.parse().ok())
            else {
                context.error(item.range, "expected a numeric `target` port");
                continue;
            };
            Port {
                host_ip: item
                    .get("host_ip")
                    .and_then(Node::as_str)
                    .map(str::to_owned),
                host_port: item
                    .get("published")
                    .and_then(Node::as_str)
                    .map(str::to_owned),
                container_port: target,
                protocol: item
                    .get("protocol")
                    .and_then(Node::as_str)
                    .unwrap_or("tcp")
                    .to_owned(),
            }
        } else {
            let Some(text) = item.as_str() else {
                continue;
            };
            if let Some(port) = Port::parse(text) {
                port
            } else {
                context.error(
                    item.range,
                    format!(
                        "expected a port as `[ip:][host:]container[/protocol]`, found `{text}`"
                    ),
                );
                continue;
            }
        };
        spec.ports.push(Spanned::new(port, item.range));
    }
}

fn lower_environment(context: &mut Context<'_>, spec: &mut ContainerSpec, value: &Node) {
    match &value.kind {
        Kind::Mapping(entries) => {
            for entry in entries {
                let Some(name) = entry.key.as_str() else {
                    continue;
                };
                let written =
                    entry
                        .value
                        .scalar()
                        .filter(|scalar| !scalar.is_null())
                        .map(|scalar| {
                            let text = scalar
                                .original
                                .as_deref()
                                .unwrap_or(&scalar.value)
                                .to_owned();
                            Spanned::new(text, inner_range(&entry.value))
                        });
                let expanded = entry
                    .value
                    .scalar()
                    .and_then(|scalar| scalar.original.as_ref().map(|_| scalar.value.clone()));
                spec.environment.push(EnvVar {
                    name: Spanned::new(name.to_owned(), entry.key.range),
                    value: written,
                    expanded,
                    from_env_file: false,
                });
            }
        }
        Kind::Sequence(items) => {
            for item in items {
                let Some(scalar) = item.scalar() else {
                    continue;
                };
                let written = scalar.original.as_deref().unwrap_or(&scalar.value);
                let range = inner_range(item);
                let raw = context.project.sources.text(range);
                let (name, value) = match written.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None => (written, None),
                };
                // Ranges come from the raw text when it matches what was parsed (no escapes).
                let exact = raw == written;
                let name_range = if exact {
                    TextRange::new(range.start(), range.start() + name.len() as u32)
                } else {
                    range
                };
                let value = value.map(|value| {
                    let value_range = if exact {
                        TextRange::new(range.start() + name.len() as u32 + 1, range.end())
                    } else {
                        range
                    };
                    Spanned::new(value.to_owned(), value_range)
                });
                let expanded = scalar.original.as_ref().map(|_| {
                    scalar
                        .value
                        .split_once('=')
                        .map_or_else(String::new, |(_, value)| value.to_owned())
                });
                spec.environment.push(EnvVar {
                    name: Spanned::new(name.to_owned(), name_range),
                    value,
                    expanded,
                    from_env_file: false,
                });
            }
        }
        Kind::Scalar(_) => {
            if !value.is_null() {
                expected(context, "environment", "a mapping or a list", value);
            }
        }
    }
}

fn lower_env_files(context: &mut Context<'_>, spec: &mut ContainerSpec, file: &str, value: &Node) {
    let paths: Vec<(String, TextRange, bool)> = match &value.kind {
        Kind::Scalar(_) => value
            .as_str()
            .map(|path| vec![(path.to_owned(), value.range, true)])
            .unwrap_or_default(),
        Kind::Sequence(items) => items
            .iter()
            .filter_map(|item| match &item.kind {
                Kind::Mapping(_) => {
                    let path = item.get("path")?;
                    let required = item.get("required").and_then(Node::as_bool).unwrap_or(true);
                    Some((path.as_str()?.to_owned(), path.range, required))
                }
                _ => Some((item.as_str()?.to_owned(), item.range, true)),
            })
            .collect(),
        Kind::Mapping(_) => Vec::new(),
    };
    for (relative, range, required) in paths {
        let path = join(file, &relative);
        let text = match context.loader.load(&path) {
            Some(Ok(text)) => text,
            Some(Err(message)) => {
                context.error(range, format!("cannot read `{path}`: {message}"));
                continue;
            }
            None => {
                if required {
                    context.error(
                        range,
                        format!("expected an env file at `{path}`; it does not exist"),
                    );
                }
                continue;
            }
        };
        let source = cofferdam_diagnostics::SourceFile::new(path, text);
        let base = context.project.sources.add(source.clone());
        for entry in super::dotenv::parse(source.text(), base) {
            context.project.env_file_values.push(entry.value_range);
            spec.environment.push(EnvVar {
                name: Spanned::new(entry.name, entry.name_range),
                value: Some(Spanned::new(entry.value, entry.value_range)),
                expanded: None,
                from_env_file: true,
            });
        }
    }
}

/// The final (or `target`) stage's user, health check and environment of a built image.
fn image_config(context: &mut Context<'_>, file: &str, build: &Node) -> Option<ImageConfig> {
    let (context_dir, dockerfile, inline, target) = match &build.kind {
        Kind::Scalar(_) => (build.as_str()?.to_owned(), None, None, None),
        Kind::Mapping(_) => (
            build
                .get("context")
                .and_then(Node::as_str)
                .unwrap_or(".")
                .to_owned(),
            build
                .get("dockerfile")
                .and_then(Node::as_str)
                .map(str::to_owned),
            build
                .get("dockerfile_inline")
                .and_then(Node::as_str)
                .map(str::to_owned),
            build
                .get("target")
                .and_then(Node::as_str)
                .map(str::to_owned),
        ),
        Kind::Sequence(_) => return None,
    };
    let (described_in, text) = if let Some(inline) = inline {
        ("dockerfile_inline".to_owned(), inline)
    } else {
        if context_dir.contains("://") || context_dir.starts_with("git@") {
            return None;
        }
        let directory = join(file, &format!("{}/x", context_dir.trim_end_matches('/')));
        let path = join(&directory, dockerfile.as_deref().unwrap_or("Dockerfile"));
        // Messages name the Dockerfile as the compose file does (relative to it), not by the
        // path it was read from.
        let written = join(
            &format!("{}/x", context_dir.trim_end_matches('/')),
            dockerfile.as_deref().unwrap_or("Dockerfile"),
        );
        match context.loader.load(&path) {
            Some(Ok(text)) => (written, text),
            _ => return None,
        }
    };
    let parsed = dockerfile_syntax::parse(&text);
    let model = DockerfileModel::new(&parsed);
    let stage = match &target {
        Some(target) => model.stage_by_name(target, model.stages.len())?,
        None => model.final_stage()?.index,
    };
    let user = model.effective_user(stage).map(|user| {
        if user.unresolved {
            user.word.raw.clone()
        } else {
            match &user.group {
                Some(group) => format!("{}:{group}", user.user),
                None => user.user.clone(),
            }
        }
    });
    let mut healthcheck = false;
    let mut healthcheck_disabled = false;
    let mut env = Vec::new();
    let mut current = Some(stage);
    while let Some(index) = current {
        let stage = &model.stages[index];
        for instruction in stage.instructions.iter().rev() {
            match &instruction.kind {
                InstructionKind::Healthcheck(check) if !healthcheck && !healthcheck_disabled => {
                    match check {
                        dockerfile_syntax::Healthcheck::None { .. } => healthcheck_disabled = true,
                        dockerfile_syntax::Healthcheck::Cmd { .. } => healthcheck = true,
                    }
                }
                InstructionKind::Env(pairs) => {
                    env.extend(pairs.iter().map(|pair| pair.key.raw.clone()));
                }
                _ => {}
            }
        }
        current = match stage.base {
            crate::model::Base::Stage(parent) if parent < index => Some(parent),
            _ => None,
        };
    }
    Some(ImageConfig {
        described_in,
        user,
        healthcheck,
        healthcheck_disabled,
        env,
    })
}

/// The range inside a quoted scalar's quotes.
fn inner_range(node: &Node) -> TextRange {
    match node.scalar() {
        Some(scalar) if scalar.style == Style::Quoted && node.range.len() >= 2 => {
            TextRange::new(node.range.start() + 1, node.range.end() - 1)
        }
        _ => node.range,
    }
}

fn expected(context: &mut Context<'_>, key: &str, what: &str, value: &Node) {
    context.error(
        value.range,
        format!("expected {what} for `{key}`, found {}", value.describe()),
    );
}

fn string(context: &mut Context<'_>, key: &str, value: &Node) -> Option<Spanned<String>> {
    if value.is_null() {
        return None;
    }
    if let Some(text) = value.as_str() {
        Some(Spanned::new(text.to_owned(), value.range))
    } else {
        expected(context, key, "a string", value);
        None
    }
}

/// A list of strings; a single string is accepted where compose accepts one (`tmpfs: /run`).
fn strings(context: &mut Context<'_>, key: &str, value: &Node) -> Vec<Spanned<String>> {
    match &value.kind {
        Kind::Sequence(items) => items
            .iter()
            .filter_map(|item| {
                if let Some(text) = item.as_str() {
                    Some(Spanned::new(text.to_owned(), item.range))
                } else {
                    expected(context, key, "a string in the list", item);
                    None
                }
            })
            .collect(),
        Kind::Scalar(_) => value
            .as_str()
            .map(|text| vec![Spanned::new(text.to_owned(), value.range)])
            .unwrap_or_default(),
        Kind::Mapping(_) => {
            expected(context, key, "a list", value);
            Vec::new()
        }
    }
}

fn boolean(context: &mut Context<'_>, key: &str, value: &Node) -> Option<Spanned<bool>> {
    if value.is_null() || value.as_str().is_some_and(is_variable) {
        return None;
    }
    if let Some(flag) = value.as_bool() {
        Some(Spanned::new(flag, value.range))
    } else {
        expected(context, key, "a boolean (true or false)", value);
        None
    }
}

fn bytes(context: &mut Context<'_>, key: &str, value: &Node) -> Option<Spanned<Bytes>> {
    let text = value.as_str().filter(|text| !is_variable(text))?;
    if let Some(bytes) = Bytes::parse(text) {
        Some(Spanned::new(bytes, value.range))
    } else {
        context.error(
            value.range,
            format!("expected a size such as `512m` or `1g` for `{key}`, found `{text}`"),
        );
        None
    }
}

fn float(context: &mut Context<'_>, key: &str, value: &Node) -> Option<Spanned<f64>> {
    let text = value.as_str().filter(|text| !is_variable(text))?;
    match text.trim().parse::<f64>() {
        Ok(number) if number.is_finite() => Some(Spanned::new(number, value.range)),
        _ => {
            context.error(
                value.range,
                format!("expected a number such as `0.5` for `{key}`, found `{text}`"),
            );
            None
        }
    }
}

fn integer(context: &mut Context<'_>, key: &str, value: &Node) -> Option<Spanned<i64>> {
    let text = value.as_str().filter(|text| !is_variable(text))?;
    if let Ok(number) = text.trim().parse::<i64>() {
        Some(Spanned::new(number, value.range))
    } else {
        context.error(
            value.range,
            format!("expected an integer for `{key}`, found `{text}`"),
        );
        None
    }
}
