//! `docker inspect` output lowered into [`ContainerSpec`]s, so that the container rules judge a
//! running (or created) container exactly as they judge its compose service.
//!
//! The text is read with the YAML tree (JSON is YAML 1.2), so every setting keeps the byte range
//! of its value: a finding on a privileged container points at `"Privileged": true`. A document
//! may be one object or an array, and may mix container and image objects (`docker inspect`
//! accepts both); images are recognised by having no `HostConfig`, and give the image's own user,
//! health check and environment to the containers made from them.
//!
//! Inspect output shows what the engine did, defaults included, so the lowering keeps meanings,
//! not engine defaults: `Memory: 0`, `PidsLimit: null` or `0`, `RestartPolicy.Name: "no"`,
//! `NetworkMode: "default"` or `"bridge"`, and `IpcMode: "private"`/`"shareable"` are unset;
//! `CgroupnsMode: "host"` is not lowered, because it is the only mode on cgroup v1 hosts and
//! engines before 20.10 report it for every container. `Config.User`, `Config.Env` and
//! `Config.Healthcheck` already hold the image's values merged in by the engine, so an empty user
//! is root. A seccomp profile given as a file reaches inspect as its JSON inline
//! (`seccomp={"defaultAction": …}`); it is kept as a custom profile.

use cofferdam_diagnostics::TextRange;

use crate::model::container::{
    Bytes, ContainerSpec, Device, EnvVar, Healthcheck, ImageConfig, Mount, MountKind, Port,
    RestartPolicy, SecurityOpt, Spanned, SpecSource, Tmpfs,
};
use crate::syntax::dockerfile::SyntaxError;
use crate::syntax::yaml::{self, Kind, Node};

/// One container of an inspect document.
#[derive(Clone, Debug)]
pub struct InspectedContainer {
    pub spec: ContainerSpec,
    /// The name of the document it came from.
    pub source: String,
    /// The full container id.
    pub id: String,
    /// The image id (`sha256:…`) it was created from.
    pub image_id: String,
    /// `State.Running`.
    pub running: bool,
    /// `State.Pid` when running (0 otherwise).
    pub pid: i64,
    /// Compose labels: project, service, config files, working directory.
    pub compose: Option<ComposeLabels>,
}

/// What Compose records on the containers it creates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComposeLabels {
    pub project: String,
    pub service: String,
    /// `com.docker.compose.project.config_files`, comma-separated paths.
    pub config_files: Vec<String>,
    pub working_dir: Option<String>,
}

/// One image of an inspect document.
#[derive(Clone, Debug)]
pub struct InspectedImage {
    pub id: String,
    pub tags: Vec<String>,
    pub config: ImageConfig,
}

/// A lowered document.
#[derive(Clone, Debug, Default)]
pub struct InspectDocument {
    pub containers: Vec<InspectedContainer>,
    pub images: Vec<InspectedImage>,
    pub errors: Vec<SyntaxError>,
}

impl InspectDocument {
    /// Gives each container the configuration of its image, when the image is in `images`.
    pub fn attach_images(&mut self, images: &[InspectedImage]) {
        for container in &mut self.containers {
            if let Some(image) = images
                .iter()
                .chain(&self.images)
                .find(|image| image.id == container.image_id)
            {
                container.spec.image_config = Some(image.config.clone());
            }
        }
    }
}

/// Whether a text looks like `docker inspect` output (an object with `HostConfig` or `RootFS`,
/// or an array of them), for telling it from other JSON.
pub fn looks_like_inspect(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    head.contains("\"HostConfig\"") || head.contains("\"RootFS\"") || head.contains("\"Config\"")
}

/// Lowers an inspect document whose text starts at global offset `base`.
pub fn lower(text: &str, base: u32) -> InspectDocument {
    let parsed = yaml::parse_json(text, base);
    let mut document = InspectDocument {
        errors: parsed.errors,
        ..InspectDocument::default()
    };
    let Some(root) = parsed.root else {
        if document.errors.is_empty() {
            document.errors.push(SyntaxError {
                range: TextRange::empty(base),
                message: "expected `docker inspect` output (a JSON object or array), found an empty document".to_owned(),
            });
        }
        return document;
    };
    let objects: Vec<&Node> = match &root.kind {
        Kind::Sequence(items) => items.iter().collect(),
        Kind::Mapping(_) => vec![&root],
        Kind::Scalar(_) => {
            document.errors.push(SyntaxError {
                range: root.range,
                message: format!(
                    "expected `docker inspect` output (a JSON object or array), found {}",
                    root.describe()
                ),
            });
            return document;
        }
    };
    for object in objects {
        if object.entries().is_none() {
            document.errors.push(SyntaxError {
                range: object.range,
                message: format!(
                    "expected a container or image object, found {}",
                    object.describe()
                ),
            });
            continue;
        }
        if object.get("HostConfig").is_some() {
            let mut container = container(object);
            narrow_environment(&mut container.spec, |range| {
                let from = (range.start() - base) as usize;
                let to = (range.end() - base) as usize;
                text.get(from..to).unwrap_or_default().to_owned()
            });
            document.containers.push(container);
        } else if object.get("RootFS").is_some() || object.get("RepoTags").is_some() {
            document.images.push(image(object));
        } else {
            document.errors.push(SyntaxError {
                range: object.range,
                message: "expected a container (with `HostConfig`) or an image (with `RootFS`) from `docker inspect`".to_owned(),
            });
        }
    }
    document
}

fn text(node: Option<&Node>) -> Option<Spanned<String>> {
    let node = node?;
    let value = node.as_str()?;
    Some(Spanned::new(value.to_owned(), node.range))
}

fn non_empty(node: Option<&Node>) -> Option<Spanned<String>> {
    text(node).filter(|value| !value.value.trim().is_empty())
}

fn boolean(node: Option<&Node>) -> Option<Spanned<bool>> {
    let node = node?;
    node.as_bool().map(|value| Spanned::new(value, node.range))
}

fn integer(node: Option<&Node>) -> Option<Spanned<i64>> {
    let node = node?;
    let value = node.as_str()?.trim().parse().ok()?;
    Some(Spanned::new(value, node.range))
}

fn strings(node: Option<&Node>) -> Vec<Spanned<String>> {
    node.and_then(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| text(Some(item)))
        .collect()
}

/// Ranges inside a JSON string: the text between the quotes maps byte for byte to the value only
/// when nothing was escaped; otherwise the whole string's range stands for any part of it.
fn part(node_range: TextRange, value: &str, raw: &str, from: usize, to: usize) -> TextRange {
    let inner = raw
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'));
    match inner {
        Some(inner) if inner == value => TextRange::new(
            node_range.start() + 1 + from as u32,
            node_range.start() + 1 + to as u32,
        ),
        _ => node_range,
    }
}

fn container(object: &Node) -> InspectedContainer {
    let config = object.get("Config");
    let host = object.get("HostConfig");
    let get_config = |key: &str| config.and_then(|node| node.get(key));
    let get_host = |key: &str| host.and_then(|node| node.get(key));
    let name_node = object.get("Name");
    let name = name_node
        .and_then(Node::as_str)
        .map_or_else(String::new, |name| name.trim_start_matches('/').to_owned());
    let range = object.entry("Name").map_or(object.range, |entry| {
        entry.key.range.cover(entry.value.range)
    });
    let mut spec = ContainerSpec::new(SpecSource::Inspect, name, range);
    let key_of = |parent: Option<&Node>, key: &str| {
        parent
            .and_then(|node| node.entry(key))
            .map(|entry| entry.key.range)
    };
    if let Some(range) = key_of(host, "SecurityOpt") {
        spec.keys.push(("security_opt", range));
    }
    if let Some(range) = key_of(host, "CapDrop") {
        spec.keys.push(("cap_drop", range));
    }

    spec.image = non_empty(get_config("Image"));
    spec.user = non_empty(get_config("User"));
    spec.privileged = boolean(get_host("Privileged"));
    spec.read_only = boolean(get_host("ReadonlyRootfs"));
    spec.cap_add = strings(get_host("CapAdd"))
        .into_iter()
        .map(|cap| capability(&cap))
        .collect();
    spec.cap_drop = strings(get_host("CapDrop"))
        .into_iter()
        .map(|cap| capability(&cap))
        .collect();
    spec.security_opt = strings(get_host("SecurityOpt"))
        .into_iter()
        .map(|option| Spanned::new(SecurityOpt::parse(&option.value), option.range))
        .collect();
    if let Some(entries) = get_host("Tmpfs").and_then(Node::entries) {
        for entry in entries {
            let target = entry.key.as_str().unwrap_or_default();
            let options = entry.value.as_str().unwrap_or_default();
            let tmpfs = if options.is_empty() {
                Tmpfs::parse(target)
            } else {
                Tmpfs::parse(&format!("{target}:{options}"))
            };
            spec.tmpfs.push(Spanned::new(
                tmpfs,
                entry.key.range.cover(entry.value.range),
            ));
        }
    }
    mounts(object, &mut spec);
    for device in get_host("Devices")
        .and_then(Node::items)
        .unwrap_or_default()
    {
        let field = |key: &str| device.get(key).and_then(Node::as_str).unwrap_or_default();
        let host_path = field("PathOnHost");
        if host_path.is_empty() {
            continue;
        }
        let container_path = field("PathInContainer");
        let permissions = field("CgroupPermissions");
        spec.devices.push(Spanned::new(
            Device {
                host: host_path.to_owned(),
                container: if container_path.is_empty() {
                    host_path.to_owned()
                } else {
                    container_path.to_owned()
                },
                permissions: if permissions.is_empty() {
                    "rwm".to_owned()
                } else {
                    permissions.to_owned()
                },
            },
            device.range,
        ));
    }
    spec.device_cgroup_rules = strings(get_host("DeviceCgroupRules"));
    limits(host, &mut spec);
    if let Some(policy) = get_host("RestartPolicy") {
        let name = policy
            .get("Name")
            .and_then(Node::as_str)
            .unwrap_or_default();
        let count = policy
            .get("MaximumRetryCount")
            .and_then(Node::as_str)
            .and_then(|count| count.parse::<u32>().ok())
            .unwrap_or(0);
        let range = policy.get("Name").map_or(policy.range, |node| node.range);
        let restart = match name {
            "" | "no" => None,
            "on-failure" if count > 0 => Some(RestartPolicy::OnFailure(Some(count))),
            "on-failure" => Some(RestartPolicy::OnFailure(None)),
            other => Some(RestartPolicy::parse(other)),
        };
        spec.restart = restart.map(|restart| Spanned::new(restart, range));
    }
    spec.one_shot = get_host("AutoRemove").and_then(Node::as_bool) == Some(true);
    namespaces(host, &mut spec);
    if let Some(networks) = object
        .get("NetworkSettings")
        .and_then(|settings| settings.get("Networks"))
        .and_then(Node::entries)
    {
        for entry in networks {
            let Some(name) = entry.key.as_str() else {
                continue;
            };
            // The engine's own networks are modes, not networks a project declared.
            if matches!(name, "bridge" | "host" | "none") {
                continue;
            }
            spec.networks
                .push(Spanned::new(name.to_owned(), entry.key.range));
        }
    }
    ports(host, config, &mut spec);
    spec.publish_all = boolean(get_host("PublishAllPorts")).filter(|flag| flag.value);
    environment(get_config("Env"), &mut spec);
    if let Some(node) = get_config("Healthcheck") {
        let test: Vec<String> = node
            .get("Test")
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|item| item.as_str().map(str::to_owned))
            .collect();
        if !test.is_empty() {
            spec.healthcheck = Some(Spanned::new(
                Healthcheck {
                    disabled: test.first().is_some_and(|word| word == "NONE"),
                },
                node.range,
            ));
            if let Some(range) = key_of(config, "Healthcheck") {
                spec.keys.push(("healthcheck", range));
            }
        }
    }

    let labels = get_config("Labels");
    let label = |key: &str| {
        labels
            .and_then(|labels| labels.get(key))
            .and_then(Node::as_str)
            .map(str::to_owned)
    };
    let compose = label("com.docker.compose.project").map(|project| ComposeLabels {
        project,
        service: label("com.docker.compose.service").unwrap_or_default(),
        config_files: label("com.docker.compose.project.config_files")
            .map(|files| {
                files
                    .split(',')
                    .map(str::trim)
                    .filter(|file| !file.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        working_dir: label("com.docker.compose.project.working_dir"),
    });
    let state = object.get("State");
    InspectedContainer {
        spec,
        source: String::new(),
        id: object
            .get("Id")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_owned(),
        image_id: object
            .get("Image")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_owned(),
        running: state
            .and_then(|state| state.get("Running"))
            .and_then(Node::as_bool)
            == Some(true),
        pid: state
            .and_then(|state| state.get("Pid"))
            .and_then(Node::as_str)
            .and_then(|pid| pid.parse().ok())
            .unwrap_or(0),
        compose,
    }
}

/// Capability names as the rules compare them: upper-case without `CAP_`.
fn capability(cap: &Spanned<String>) -> Spanned<String> {
    let upper = cap.value.trim().to_ascii_uppercase();
    let bare = upper.strip_prefix("CAP_").unwrap_or(&upper).to_owned();
    Spanned::new(bare, cap.range)
}

fn mounts(object: &Node, spec: &mut ContainerSpec) {
    for mount in object
        .get("Mounts")
        .and_then(Node::items)
        .unwrap_or_default()
    {
        let field = |key: &str| mount.get(key).and_then(Node::as_str).unwrap_or_default();
        let kind = match field("Type") {
            "bind" => MountKind::Bind,
            "volume" => MountKind::Volume,
            "npipe" => MountKind::NamedPipe,
            "image" => MountKind::Image,
            // tmpfs mounts made with --mount appear here too; HostConfig.Tmpfs has the others.
            _ => continue,
        };
        let (source, source_range) = match kind {
            MountKind::Volume => (
                field("Name").to_owned(),
                mount.get("Name").map_or(mount.range, |node| node.range),
            ),
            _ => (
                field("Source").to_owned(),
                mount.get("Source").map_or(mount.range, |node| node.range),
            ),
        };
        let propagation = Some(field("Propagation"))
            .filter(|value| !value.is_empty())
            .map(str::to_owned);
        spec.mounts.push(Spanned::new(
            Mount {
                kind,
                source,
                target: field("Destination").to_owned(),
                read_only: mount.get("RW").and_then(Node::as_bool) == Some(false),
                source_range,
                propagation,
            },
            mount.range,
        ));
    }
}

fn limits(host: Option<&Node>, spec: &mut ContainerSpec) {
    let get = |key: &str| host.and_then(|node| node.get(key));
    if let Some(memory) = integer(get("Memory")).filter(|memory| memory.value > 0) {
        spec.limits.memory = Some(Spanned::new(
            Bytes::Limited(memory.value.unsigned_abs()),
            memory.range,
        ));
    }
    if let Some(swap) = integer(get("MemorySwap")).filter(|swap| swap.value != 0) {
        let bytes = if swap.value < 0 {
            Bytes::Unlimited
        } else {
            Bytes::Limited(swap.value.unsigned_abs())
        };
        spec.limits.memory_swap = Some(Spanned::new(bytes, swap.range));
    }
    if let Some(nano) = integer(get("NanoCpus")).filter(|nano| nano.value > 0) {
        #[allow(clippy::cast_precision_loss)]
        let cpus = nano.value as f64 / 1e9;
        spec.limits.cpus = Some(Spanned::new(cpus, nano.range));
    } else if let Some(quota) = integer(get("CpuQuota")).filter(|quota| quota.value > 0) {
        spec.limits.cpu_other = Some(Spanned::new(
            format!("CpuQuota {}", quota.value),
            quota.range,
        ));
    } else if let Some(set) = non_empty(get("CpusetCpus")) {
        spec.limits.cpu_other = Some(Spanned::new(format!("CpusetCpus {}", set.value), set.range));
    } else if let Some(shares) = integer(get("CpuShares")).filter(|shares| shares.value > 0) {
        spec.limits.cpu_other = Some(Spanned::new(
            format!("CpuShares {}", shares.value),
            shares.range,
        ));
    }
    // null and 0 mean "not set" (the engine's default, unlimited unless the daemon sets one).
    spec.limits.pids = integer(get("PidsLimit")).filter(|pids| pids.value != 0);
}

fn namespaces(host: Option<&Node>, spec: &mut ContainerSpec) {
    let get = |key: &str| host.and_then(|node| node.get(key));
    let mode = |key: &str, defaults: &[&str]| {
        non_empty(get(key)).filter(|mode| !defaults.contains(&mode.value.as_str()))
    };
    spec.namespaces.pid = mode("PidMode", &["private"]);
    spec.namespaces.ipc = mode("IpcMode", &["private", "shareable", "none"]);
    spec.namespaces.uts = mode("UTSMode", &["private"]);
    spec.namespaces.userns = mode("UsernsMode", &["private"]);
    // CgroupnsMode "host" is left out on purpose: see the module documentation.
    spec.namespaces.cgroupns = None;
    let network = non_empty(get("NetworkMode"));
    if let Some(network) = network {
        match network.value.as_str() {
            "default" | "bridge" => {}
            "host" | "none" => spec.namespaces.network = Some(network),
            other if other.starts_with("container:") => spec.namespaces.network = Some(network),
            _ => {}
        }
    }
}

fn ports(host: Option<&Node>, config: Option<&Node>, spec: &mut ContainerSpec) {
    if let Some(bindings) = host
        .and_then(|node| node.get("PortBindings"))
        .and_then(Node::entries)
    {
        for entry in bindings {
            let Some(key) = entry.key.as_str() else {
                continue;
            };
            let (container_port, protocol) = key.split_once('/').unwrap_or((key, "tcp"));
            let Ok(container_port) = container_port
                .split('-')
                .next()
                .unwrap_or("")
                .parse::<u16>()
            else {
                continue;
            };
            for binding in entry.value.items().unwrap_or_default() {
                let host_ip = binding
                    .get("HostIp")
                    .and_then(Node::as_str)
                    .filter(|ip| !ip.is_empty())
                    .map(str::to_owned);
                let host_port_node = binding.get("HostPort");
                let host_port = host_port_node
                    .and_then(Node::as_str)
                    .filter(|port| !port.is_empty())
                    .map(str::to_owned);
                spec.ports.push(Spanned::new(
                    Port {
                        host_ip,
                        host_port,
                        container_port,
                        protocol: protocol.to_owned(),
                    },
                    host_port_node.map_or(binding.range, |node| node.range),
                ));
            }
        }
    }
    if let Some(exposed) = config
        .and_then(|node| node.get("ExposedPorts"))
        .and_then(Node::entries)
    {
        for entry in exposed {
            let port = entry
                .key
                .as_str()
                .and_then(|key| key.split('/').next())
                .and_then(|port| port.split('-').next())
                .and_then(|port| port.parse::<u16>().ok());
            if let Some(port) = port {
                spec.expose.push(Spanned::new(port, entry.key.range));
            }
        }
    }
}

fn environment(env: Option<&Node>, spec: &mut ContainerSpec) {
    for item in env.and_then(Node::items).unwrap_or_default() {
        let Some(value) = item.as_str() else {
            continue;
        };
        // Both ranges are the whole string for now; `narrow_environment` splits them.
        let (name, rest) = value.split_once('=').unwrap_or((value, ""));
        spec.environment.push(EnvVar {
            name: Spanned::new(name.to_owned(), item.range),
            value: value
                .contains('=')
                .then(|| Spanned::new(rest.to_owned(), item.range)),
            expanded: None,
            from_env_file: false,
        });
    }
}

/// Narrows the ranges of `NAME=value` entries to the name and the value when the JSON string has
/// no escapes (then the text between the quotes is the value byte for byte).
fn narrow_environment(spec: &mut ContainerSpec, text_of: impl Fn(TextRange) -> String) {
    for variable in &mut spec.environment {
        let whole = variable.name.range;
        let raw = text_of(whole);
        let name = variable.name.value.clone();
        let value = variable.value.as_ref().map(|value| value.value.clone());
        let full = match &value {
            Some(value) => format!("{name}={value}"),
            None => name.clone(),
        };
        variable.name.range = part(whole, &full, &raw, 0, name.len());
        if let Some(value_node) = &mut variable.value {
            let start = name.len() + 1;
            value_node.range = part(whole, &full, &raw, start, full.len());
        }
    }
}

fn image(object: &Node) -> InspectedImage {
    let config = object.get("Config");
    let get = |key: &str| config.and_then(|node| node.get(key));
    let healthcheck: Vec<String> = get("Healthcheck")
        .and_then(|node| node.get("Test"))
        .and_then(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| item.as_str().map(str::to_owned))
        .collect();
    InspectedImage {
        id: object
            .get("Id")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_owned(),
        tags: strings(object.get("RepoTags"))
            .into_iter()
            .map(|tag| tag.value)
            .collect(),
        config: ImageConfig {
            described_in: strings(object.get("RepoTags")).first().map_or_else(
                || "the image".to_owned(),
                |tag| format!("image {}", tag.value),
            ),
            user: non_empty(get("User")).map(|user| user.value),
            healthcheck: !healthcheck.is_empty() && healthcheck[0] != "NONE",
            healthcheck_disabled: healthcheck.first().is_some_and(|word| word == "NONE"),
            env: strings(get("Env"))
                .into_iter()
                .map(|entry| {
                    entry
                        .value
                        .split_once('=')
                        .map_or(entry.value.clone(), |(name, _)| name.to_owned())
                })
                .collect(),
        },
    }
}
