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
//! not engine defaults:
//!
//! - `Memory: 0`, `MemorySwap: 0`, `NanoCpus: 0`, `PidsLimit: null` or `0`,
//!   `RestartPolicy.Name: "no"` or `""`, `NetworkMode: "default"` or `"bridge"`,
//!   `IpcMode: "private"`/`"shareable"`/`"none"` and `PidMode`/`UTSMode`/`UsernsMode: ""` are
//!   unset. `PidsLimit: -1` and `MemorySwap: -1` are kept: someone asked for unlimited.
//! - `CgroupnsMode: "host"` is lowered only when the engine is known to run on cgroup v2
//!   ([`EngineContext::cgroup_version`], from `docker info`), where `private` is the default
//!   and `host` was chosen. On cgroup v1 `host` is the only mode the engine has, and without
//!   `docker info` the version is unknown, so nothing is reported then.
//! - `UsernsMode: "host"` is dropped when `docker info` says the daemon does not remap users:
//!   every container shares the host's user namespace then, and `host` changes nothing.
//! - `label=disable` in `SecurityOpt` is dropped when the container is privileged or shares
//!   the host's PID or IPC namespace: the engine adds it itself then, and the setting that
//!   caused it is reported by its own rule.
//! - `rslave` propagation is dropped on a bind of the engine's data root or a directory above
//!   it (`/`, `/var`, `/var/lib` for `/var/lib/docker`): the engine imposes it there and
//!   refuses `rprivate`.
//!
//! `Config.User`, `Config.Env` and `Config.Healthcheck` already hold the image's values merged
//! in by the engine at creation, so an empty user is root and a missing health check is missing
//! from the image too; an image document is still used for naming the image and its health
//! check. A seccomp profile given as a file reaches inspect as its JSON inline
//! (`seccomp={"defaultAction": …}`); it is kept as a custom profile.
//!
//! Settings left at their defaults have nothing to point at, so the spec records the keys that
//! hold them (`"User": ""`, `"Memory": 0`, `"Config"` for a missing health check) as anchors
//! under the compose paths the rules ask for: a finding about a missing memory limit points at
//! `"Memory": 0`.

use cofferdam_diagnostics::TextRange;

use crate::model::compose::NetworkDef;
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
    /// The resource limits the container sets itself (`HostConfig.Ulimits` names: `nofile`),
    /// rather than taking the daemon's defaults.
    pub ulimits: Vec<String>,
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

/// What is known about the engine the containers ran on (from `docker info`), for judging
/// what its defaults were.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EngineContext {
    /// `CgroupVersion` (`1` or `2`); `None` when unknown.
    pub cgroup_version: Option<u8>,
    /// `DockerRootDir`; `/var/lib/docker` is assumed when unknown.
    pub root_dir: Option<String>,
    /// Whether the daemon remaps users (`name=userns` in `SecurityOptions`); `None` when
    /// unknown.
    pub userns_remap: Option<bool>,
}

impl EngineContext {
    /// Reads `CgroupVersion` and `DockerRootDir` from `docker info` JSON (the CLI's
    /// `docker info --format '{{json .}}'` or the API's `/info`); what is missing stays unknown.
    pub fn from_info(text: &str) -> EngineContext {
        let parsed = yaml::parse_json(text, 0);
        let Some(root) = parsed.root else {
            return EngineContext::default();
        };
        EngineContext {
            cgroup_version: root
                .get("CgroupVersion")
                .and_then(Node::as_str)
                .and_then(|version| version.trim().parse().ok()),
            root_dir: root
                .get("DockerRootDir")
                .and_then(Node::as_str)
                .filter(|dir| dir.starts_with('/'))
                .map(str::to_owned),
            userns_remap: root
                .get("SecurityOptions")
                .and_then(Node::items)
                .map(|options| {
                    options
                        .iter()
                        .filter_map(Node::as_str)
                        .any(|option| option.split(',').any(|part| part.trim() == "name=userns"))
                }),
        }
    }

    fn root_dir(&self) -> &str {
        self.root_dir.as_deref().unwrap_or("/var/lib/docker")
    }
}

/// One network of an inspect document (`docker network inspect`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectedNetwork {
    pub name: String,
    /// `Internal`: no route to the outside.
    pub internal: bool,
    /// `com.docker.compose.project`: the project that created it.
    pub compose_project: Option<String>,
    /// `com.docker.compose.network`: its name in the compose file (`back` for `shop_back`).
    pub compose_network: Option<String>,
    /// The `Name` entry, where findings about the network as a whole point.
    pub range: TextRange,
}

/// A lowered document.
#[derive(Clone, Debug, Default)]
pub struct InspectDocument {
    pub containers: Vec<InspectedContainer>,
    pub images: Vec<InspectedImage>,
    pub networks: Vec<InspectedNetwork>,
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

/// Lowers an inspect document whose text starts at global offset `base`, from an engine
/// described by `engine`.
pub fn lower(text: &str, base: u32, engine: &EngineContext) -> InspectDocument {
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
            let mut container = container(object, engine);
            narrow_environment(&mut container.spec, |range| {
                let from = (range.start() - base) as usize;
                let to = (range.end() - base) as usize;
                text.get(from..to).unwrap_or_default().to_owned()
            });
            document.containers.push(container);
        } else if object.get("RootFS").is_some() || object.get("RepoTags").is_some() {
            document.images.push(image(object));
        } else if object.get("IPAM").is_some() && object.get("Driver").is_some() {
            document.networks.push(network(object));
        } else {
            document.errors.push(SyntaxError {
                range: object.range,
                message: "expected a container (with `HostConfig`), an image (with `RootFS`) or a network (with `IPAM`) from `docker inspect`".to_owned(),
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

fn container(object: &Node, engine: &EngineContext) -> InspectedContainer {
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
    // Anchors for settings left at their defaults, under the paths the rules ask for.
    for (path, parent, key) in [
        ("security_opt", host, "SecurityOpt"),
        ("cap_drop", host, "CapDrop"),
        ("user", config, "User"),
        ("read_only", host, "ReadonlyRootfs"),
        ("deploy", Some(object), "HostConfig"),
        ("deploy.resources", Some(object), "HostConfig"),
        ("deploy.resources.limits", Some(object), "HostConfig"),
        ("deploy.resources.limits.memory", host, "Memory"),
        ("deploy.resources.limits.cpus", host, "NanoCpus"),
        ("deploy.resources.limits.pids", host, "PidsLimit"),
    ] {
        if let Some(range) = key_of(parent, key) {
            spec.keys.push((path, range));
        }
    }

    spec.image = non_empty(get_config("Image"));
    spec.user = non_empty(get_config("User"));
    spec.privileged = boolean(get_host("Privileged"));
    // `false` is the default, not a choice: left unset, the finding points at the key.
    spec.read_only = boolean(get_host("ReadonlyRootfs")).filter(|flag| flag.value);
    spec.cap_add = strings(get_host("CapAdd"))
        .into_iter()
        .map(|cap| capability(&cap))
        .collect();
    spec.cap_drop = strings(get_host("CapDrop"))
        .into_iter()
        .map(|cap| capability(&cap))
        .collect();
    // The engine adds `label=disable` itself to privileged containers and to those sharing the
    // host's PID or IPC namespace; the setting that caused it has its own finding.
    let host_mode = |key: &str| {
        get_host(key)
            .and_then(Node::as_str)
            .is_some_and(|mode| mode == "host")
    };
    let engine_disables_labels = spec.privileged.as_ref().is_some_and(|flag| flag.value)
        || host_mode("PidMode")
        || host_mode("IpcMode");
    spec.security_opt = strings(get_host("SecurityOpt"))
        .into_iter()
        .map(|option| Spanned::new(SecurityOpt::parse(&option.value), option.range))
        .filter(|option| {
            !(engine_disables_labels
                && matches!(&option.value, SecurityOpt::Label(label) if label.trim() == "disable"))
        })
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
    // `--mount type=tmpfs` is in `HostConfig.Mounts` with its options as numbers (the
    // top-level `Mounts` lists it without them).
    for mount in get_host("Mounts").and_then(Node::items).unwrap_or_default() {
        if mount.get("Type").and_then(Node::as_str) != Some("tmpfs") {
            continue;
        }
        spec.tmpfs
            .push(Spanned::new(tmpfs_mount(mount), mount.range));
    }
    mounts(object, engine, &mut spec);
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
    namespaces(host, engine, &mut spec);
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
    let has_healthcheck = get_config("Healthcheck")
        .and_then(|node| node.get("Test"))
        .and_then(Node::items)
        .is_some_and(|test| !test.is_empty());
    if !has_healthcheck && let Some(range) = object.entry("Config").map(|entry| entry.key.range) {
        spec.keys.push(("healthcheck", range));
    }
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
    spec.managed_by_compose = compose.is_some();
    spec.image_settings_merged = true;
    // Compose v2 records `depends_on` as `db:service_started:false,cache:service_healthy:true`.
    if compose.is_some()
        && let Some(node) = labels.and_then(|labels| labels.get("com.docker.compose.depends_on"))
    {
        spec.depends_on = node
            .as_str()
            .unwrap_or_default()
            .split(',')
            .filter_map(|entry| entry.split(':').next())
            .map(str::trim)
            .filter(|service| !service.is_empty())
            .map(|service| Spanned::new(service.to_owned(), node.range))
            .collect();
    }
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
        ulimits: get_host("Ulimits")
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|limit| limit.get("Name").and_then(Node::as_str))
            .map(str::to_owned)
            .collect(),
    }
}

/// A `HostConfig.Mounts` tmpfs entry in `--tmpfs` terms: `size=<bytes>`, `mode=<octal>`, `ro`,
/// and the flags of `TmpfsOptions.Options` (`[["exec"], ["uid", "1000"]]`, API 1.46 and later).
fn tmpfs_mount(mount: &Node) -> Tmpfs {
    let target = mount
        .get("Target")
        .and_then(Node::as_str)
        .unwrap_or_default();
    let settings = mount.get("TmpfsOptions");
    let number = |key: &str| {
        settings
            .and_then(|node| node.get(key))
            .and_then(Node::as_str)
            .and_then(|value| value.parse::<u64>().ok())
    };
    let mut options = Vec::new();
    if mount.get("ReadOnly").and_then(Node::as_bool) == Some(true) {
        options.push("ro".to_owned());
    }
    if let Some(size) = number("SizeBytes").filter(|size| *size > 0) {
        options.push(format!("size={size}"));
    }
    if let Some(mode) = number("Mode").filter(|mode| *mode > 0) {
        options.push(format!("mode={mode:o}"));
    }
    for option in settings
        .and_then(|node| node.get("Options"))
        .and_then(Node::items)
        .unwrap_or_default()
    {
        let words: Vec<&str> = option
            .items()
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .collect();
        match words.as_slice() {
            [flag] => options.push((*flag).to_owned()),
            [key, value] => options.push(format!("{key}={value}")),
            _ => {}
        }
    }
    Tmpfs {
        target: target.to_owned(),
        options,
    }
}

/// Capability names as the rules compare them: upper-case without `CAP_`.
fn capability(cap: &Spanned<String>) -> Spanned<String> {
    let upper = cap.value.trim().to_ascii_uppercase();
    let bare = upper.strip_prefix("CAP_").unwrap_or(&upper).to_owned();
    Spanned::new(bare, cap.range)
}

fn mounts(object: &Node, engine: &EngineContext, spec: &mut ContainerSpec) {
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
        // The engine imposes `rslave` on binds of its data root or a directory above it (and
        // refuses `rprivate` there), so that its own mounts are not pinned by containers.
        let imposed = kind == MountKind::Bind
            && field("Propagation") == "rslave"
            && contains_path(&source, engine.root_dir());
        let propagation = Some(field("Propagation"))
            .filter(|value| !value.is_empty() && !imposed)
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

/// Whether directory `outer` is `inner` or one of its ancestors.
fn contains_path(outer: &str, inner: &str) -> bool {
    let outer = outer.trim_end_matches('/');
    let inner = inner.trim_end_matches('/');
    outer.is_empty()
        || inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('/'))
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

fn namespaces(host: Option<&Node>, engine: &EngineContext, spec: &mut ContainerSpec) {
    let get = |key: &str| host.and_then(|node| node.get(key));
    let mode = |key: &str, defaults: &[&str]| {
        non_empty(get(key)).filter(|mode| !defaults.contains(&mode.value.as_str()))
    };
    spec.namespaces.pid = mode("PidMode", &["private"]);
    spec.namespaces.ipc = mode("IpcMode", &["private", "shareable", "none"]);
    spec.namespaces.uts = mode("UTSMode", &["private"]);
    // `host` opts out of the daemon's userns-remap; without remapping it changes nothing (every
    // container shares the host's user namespace then, which the daemon rules report).
    spec.namespaces.userns =
        mode("UsernsMode", &["private"]).filter(|_| engine.userns_remap != Some(false));
    // `host` is the only cgroup namespace mode on cgroup v1 (and the only one engines before
    // 20.10 have); on v2 the default is `private`, so `host` there was chosen.
    spec.namespaces.cgroupns = if engine.cgroup_version == Some(2) {
        non_empty(get("CgroupnsMode")).filter(|mode| mode.value == "host")
    } else {
        None
    };
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

fn network(object: &Node) -> InspectedNetwork {
    let label = |key: &str| {
        object
            .get("Labels")
            .and_then(|labels| labels.get(key))
            .and_then(Node::as_str)
            .map(str::to_owned)
    };
    InspectedNetwork {
        name: object
            .get("Name")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_owned(),
        internal: object.get("Internal").and_then(Node::as_bool) == Some(true),
        compose_project: label("com.docker.compose.project"),
        compose_network: label("com.docker.compose.network"),
        range: object.entry("Name").map_or(object.range, |entry| {
            entry.key.range.cover(entry.value.range)
        }),
    }
}

/// The containers of one compose project, put back together as the project they came from, for
/// the project rules (reachability): each container is its service again (the first container
/// of a scaled service speaks for the others), on the networks under their compose names, with
/// the `depends_on` Compose recorded.
#[derive(Clone, Debug)]
pub struct ComposeGroup {
    pub project: String,
    /// Specs named after their services.
    pub services: Vec<ContainerSpec>,
    pub networks: Vec<NetworkDef>,
    /// Each service's container name, in `services` order.
    pub containers: Vec<String>,
}

/// The compose projects among `containers` that can be judged as projects: at least two
/// services, and every network they join described by one of `networks` (whether a network is
/// internal, or another project's, cannot be guessed). A project left out for want of network
/// documents is named in a note with the networks to inspect.
pub fn compose_groups(
    containers: &[InspectedContainer],
    networks: &[InspectedNetwork],
) -> (Vec<ComposeGroup>, Vec<String>) {
    let mut projects: Vec<&str> = Vec::new();
    for container in containers {
        if let Some(labels) = &container.compose
            && !projects.contains(&labels.project.as_str())
        {
            projects.push(&labels.project);
        }
    }
    let mut groups = Vec::new();
    let mut notes = Vec::new();
    for project in projects {
        match compose_group(project, containers, networks) {
            Ok(Some(group)) => groups.push(group),
            Ok(None) => {}
            Err(missing) => notes.push(format!(
                "compose project {project}: the reachability between its services is not judged \
                 without the inspect output of its networks (`docker network inspect {}`)",
                missing.join(" ")
            )),
        }
    }
    (groups, notes)
}

/// The project's group; `Ok(None)` when it has a single service; `Err` with the networks that
/// no document describes.
fn compose_group(
    project: &str,
    containers: &[InspectedContainer],
    networks: &[InspectedNetwork],
) -> Result<Option<ComposeGroup>, Vec<String>> {
    let mut missing: Vec<String> = Vec::new();
    let mut group = ComposeGroup {
        project: project.to_owned(),
        services: Vec::new(),
        networks: Vec::new(),
        containers: Vec::new(),
    };
    for container in containers {
        let Some(labels) = container
            .compose
            .as_ref()
            .filter(|labels| labels.project == project && !labels.service.is_empty())
        else {
            continue;
        };
        if group
            .services
            .iter()
            .any(|service| service.name == labels.service)
        {
            continue;
        }
        let mut spec = container.spec.clone();
        spec.name.clone_from(&labels.service);
        let mut joined = Vec::new();
        for attachment in &container.spec.networks {
            let Some(network) = networks
                .iter()
                .find(|network| network.name == attachment.value)
            else {
                if !missing.contains(&attachment.value) {
                    missing.push(attachment.value.clone());
                }
                continue;
            };
            let own = network.compose_project.as_deref() == Some(project);
            let name = match (&network.compose_network, own) {
                (Some(compose_name), true) => compose_name.clone(),
                _ => network.name.clone(),
            };
            if !group.networks.iter().any(|def| def.name == name) {
                // The project's `default` network, as Compose makes it, is the implicit one.
                let implicit_default = own && name == "default" && !network.internal;
                if !implicit_default {
                    group.networks.push(NetworkDef {
                        name: name.clone(),
                        range: network.range,
                        internal: network.internal,
                        external: !own,
                    });
                }
            }
            joined.push(Spanned::new(name, attachment.range));
        }
        // A service on `default` alone did not list it: it is there because it lists nothing.
        if joined.len() == 1 && joined[0].value == "default" {
            joined.clear();
        }
        spec.networks = joined;
        group.containers.push(container.spec.name.clone());
        group.services.push(spec);
    }
    if group.services.len() < 2 {
        return Ok(None);
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    Ok(Some(group))
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

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::TextRange;

    use super::{EngineContext, InspectedContainer, compose_groups, lower};
    use crate::model::container::{Bytes, RestartPolicy, SecurityOpt};

    /// One container: `host` and `config` are the members of `HostConfig` and `Config`.
    fn container_json(host: &str, config: &str) -> String {
        format!(
            "[\n  {{\n    \"Id\": \"0123456789abcdef\",\n    \"Name\": \"/web\",\n    \"Image\": \"sha256:abc\",\n    \"State\": {{\"Running\": true, \"Pid\": 4242}},\n    \"HostConfig\": {{{host}}},\n    \"Config\": {{{config}}}\n  }}\n]\n"
        )
    }

    fn lower_with(text: &str, engine: &EngineContext) -> InspectedContainer {
        let document = lower(text, 0, engine);
        assert!(document.errors.is_empty(), "{:?}", document.errors);
        assert_eq!(document.containers.len(), 1);
        document.containers.into_iter().next().unwrap()
    }

    fn one(host: &str, config: &str) -> (String, InspectedContainer) {
        let text = container_json(host, config);
        let container = lower_with(&text, &EngineContext::default());
        (text, container)
    }

    fn at(text: &str, range: TextRange) -> &str {
        &text[range.start() as usize..range.end() as usize]
    }

    #[test]
    fn engine_defaults_are_not_settings() {
        let (_, container) = one(
            r#""Privileged": false, "ReadonlyRootfs": false, "Memory": 0, "MemorySwap": 0,
               "NanoCpus": 0, "CpuQuota": 0, "CpuShares": 0, "CpusetCpus": "", "PidsLimit": null,
               "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}, "NetworkMode": "default",
               "IpcMode": "private", "PidMode": "", "UTSMode": "", "UsernsMode": "",
               "CgroupnsMode": "host", "CapAdd": null, "CapDrop": null, "SecurityOpt": null,
               "AutoRemove": false, "PublishAllPorts": false"#,
            r#""User": "", "Image": "app:1""#,
        );
        let spec = &container.spec;
        assert_eq!(spec.read_only, None);
        assert!(!spec.is_privileged());
        assert_eq!(spec.limits.memory, None);
        assert_eq!(spec.limits.memory_swap, None);
        assert_eq!(spec.limits.cpus, None);
        assert_eq!(spec.limits.cpu_other, None);
        assert_eq!(spec.limits.pids, None);
        assert_eq!(spec.restart, None);
        assert_eq!(spec.namespaces.network, None);
        assert_eq!(spec.namespaces.ipc, None);
        assert_eq!(spec.namespaces.pid, None);
        assert_eq!(spec.namespaces.cgroupns, None);
        assert_eq!(spec.publish_all, None);
        assert!(!spec.one_shot);
        assert!(spec.user.is_none());
        assert!(spec.cap_add.is_empty() && spec.cap_drop.is_empty());
        for (ipc, network) in [("shareable", "bridge"), ("none", "default")] {
            let (_, container) = one(
                &format!(r#""IpcMode": "{ipc}", "NetworkMode": "{network}""#),
                "",
            );
            assert_eq!(container.spec.namespaces.ipc, None, "{ipc}");
            assert_eq!(container.spec.namespaces.network, None, "{network}");
        }
        let (_, container) = one(
            r#""RestartPolicy": {"Name": "", "MaximumRetryCount": 0}"#,
            "",
        );
        assert_eq!(container.spec.restart, None);
        let (_, container) = one(r#""PidsLimit": 0"#, "");
        assert_eq!(container.spec.limits.pids, None);
    }

    #[test]
    fn explicit_choices_are_kept_with_their_ranges() {
        let (text, container) = one(
            r#""Privileged": true, "ReadonlyRootfs": true, "Memory": 67108864,
               "MemorySwap": -1, "NanoCpus": 500000000, "PidsLimit": -1,
               "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5},
               "NetworkMode": "host", "PidMode": "host", "IpcMode": "container:db",
               "UsernsMode": "host", "AutoRemove": true,
               "CapAdd": ["CAP_SYS_ADMIN", "net_admin"], "CapDrop": ["ALL"]"#,
            r#""User": "1000:1000""#,
        );
        let spec = &container.spec;
        let privileged = spec.privileged.as_ref().unwrap();
        assert_eq!(at(&text, privileged.range), "true");
        assert!(spec.read_only.as_ref().unwrap().value);
        assert_eq!(
            spec.limits.memory.as_ref().unwrap().value,
            Bytes::Limited(64 << 20)
        );
        assert_eq!(
            spec.limits.memory_swap.as_ref().unwrap().value,
            Bytes::Unlimited
        );
        assert!((spec.limits.cpus.as_ref().unwrap().value - 0.5).abs() < 1e-9);
        assert_eq!(spec.limits.pids.as_ref().unwrap().value, -1);
        assert_eq!(
            spec.restart.as_ref().unwrap().value,
            RestartPolicy::OnFailure(Some(5))
        );
        assert_eq!(spec.namespaces.network.as_ref().unwrap().value, "host");
        assert_eq!(spec.namespaces.pid.as_ref().unwrap().value, "host");
        assert_eq!(spec.namespaces.ipc.as_ref().unwrap().value, "container:db");
        assert_eq!(spec.namespaces.userns.as_ref().unwrap().value, "host");
        assert!(spec.one_shot);
        let caps: Vec<&str> = spec.cap_add.iter().map(|cap| cap.value.as_str()).collect();
        assert_eq!(caps, ["SYS_ADMIN", "NET_ADMIN"]);
        assert_eq!(at(&text, spec.cap_add[0].range), "\"CAP_SYS_ADMIN\"");
        assert!(spec.drops_all_capabilities());
        assert_eq!(
            at(&text, spec.user.as_ref().unwrap().range),
            "\"1000:1000\""
        );
        // on-failure without a count retries for ever.
        let (_, container) = one(
            r#""RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 0}"#,
            "",
        );
        assert_eq!(
            container.spec.restart.unwrap().value,
            RestartPolicy::OnFailure(None)
        );
    }

    /// Settings left at their defaults point at the key that holds the default.
    #[test]
    fn missing_settings_are_anchored_at_their_keys() {
        let (text, container) = one(
            r#""Memory": 0, "NanoCpus": 0, "PidsLimit": null, "ReadonlyRootfs": false, "SecurityOpt": null"#,
            r#""User": """#,
        );
        let spec = &container.spec;
        assert_eq!(at(&text, spec.anchor("user")), "\"User\"");
        assert_eq!(at(&text, spec.anchor("read_only")), "\"ReadonlyRootfs\"");
        assert_eq!(at(&text, spec.anchor("security_opt")), "\"SecurityOpt\"");
        assert_eq!(
            at(&text, spec.anchor("deploy.resources.limits.memory")),
            "\"Memory\""
        );
        assert_eq!(
            at(&text, spec.anchor("deploy.resources.limits.cpus")),
            "\"NanoCpus\""
        );
        assert_eq!(
            at(&text, spec.anchor("deploy.resources.limits.pids")),
            "\"PidsLimit\""
        );
        assert_eq!(at(&text, spec.anchor("healthcheck")), "\"Config\"");
        // Nothing in inspect output is chosen at deploy time.
        assert!(!spec.set_at_deploy_time(&["user", "mem_limit", "read_only"]));
        // A key that is absent falls back to the next one up, then to the container's name.
        let (text, container) = one(r#""Privileged": false"#, "");
        assert_eq!(
            at(
                &text,
                container.spec.anchor("deploy.resources.limits.memory")
            ),
            "\"HostConfig\""
        );
        assert_eq!(
            at(&text, container.spec.anchor("user")),
            "\"Name\": \"/web\""
        );
    }

    /// `--userns host` opts out of remapping; on a daemon that does not remap it is a no-op.
    #[test]
    fn host_user_namespace_counts_unless_the_daemon_does_not_remap() {
        let text = container_json(r#""UsernsMode": "host""#, "");
        for (remap, expected) in [(None, true), (Some(true), true), (Some(false), false)] {
            let engine = EngineContext {
                userns_remap: remap,
                ..EngineContext::default()
            };
            let container = lower_with(&text, &engine);
            assert_eq!(
                container.spec.namespaces.userns.is_some(),
                expected,
                "{remap:?}"
            );
        }
    }

    #[test]
    fn host_cgroup_namespace_counts_only_where_private_is_the_default() {
        let text = container_json(r#""CgroupnsMode": "host""#, "");
        for (version, expected) in [(None, false), (Some(1), false), (Some(2), true)] {
            let engine = EngineContext {
                cgroup_version: version,
                ..EngineContext::default()
            };
            let container = lower_with(&text, &engine);
            assert_eq!(
                container.spec.namespaces.cgroupns.is_some(),
                expected,
                "{version:?}"
            );
        }
        let private = container_json(r#""CgroupnsMode": "private""#, "");
        let engine = EngineContext {
            cgroup_version: Some(2),
            ..EngineContext::default()
        };
        assert_eq!(lower_with(&private, &engine).spec.namespaces.cgroupns, None);
    }

    #[test]
    fn labels_the_engine_disables_itself_are_not_the_users() {
        let labels = |host: &str| {
            let (_, container) = one(host, "");
            container
                .spec
                .security_opt
                .iter()
                .filter(|option| matches!(option.value, SecurityOpt::Label(_)))
                .count()
        };
        assert_eq!(
            labels(r#""Privileged": true, "SecurityOpt": ["label=disable"]"#),
            0
        );
        assert_eq!(
            labels(r#""PidMode": "host", "SecurityOpt": ["label=disable"]"#),
            0
        );
        assert_eq!(
            labels(r#""IpcMode": "host", "SecurityOpt": ["label=disable"]"#),
            0
        );
        // Asked for by the user: kept.
        assert_eq!(labels(r#""SecurityOpt": ["label=disable"]"#), 1);
        assert_eq!(
            labels(r#""PidMode": "host", "SecurityOpt": ["label=type:spc_t"]"#),
            1
        );
    }

    #[test]
    fn mounts_are_the_authoritative_list_and_imposed_propagation_is_dropped() {
        let text = r#"{"Name": "/m", "HostConfig": {"Binds": ["/:/host:ro"]}, "Config": {},
  "Mounts": [
    {"Type": "bind", "Source": "/", "Destination": "/host", "Mode": "ro", "RW": false, "Propagation": "rslave"},
    {"Type": "bind", "Source": "/var", "Destination": "/v", "RW": true, "Propagation": "rslave"},
    {"Type": "bind", "Source": "/mnt", "Destination": "/mnt", "RW": true, "Propagation": "rslave"},
    {"Type": "bind", "Source": "/srv", "Destination": "/srv", "RW": true, "Propagation": "rshared"},
    {"Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data/_data", "Destination": "/data", "RW": true, "Propagation": ""},
    {"Type": "tmpfs", "Destination": "/run"}
  ]}"#;
        let container = lower_with(text, &EngineContext::default());
        let mounts: Vec<(String, Option<String>, bool)> = container
            .spec
            .mounts
            .iter()
            .map(|mount| {
                (
                    mount.value.source.clone(),
                    mount.value.propagation.clone(),
                    mount.value.read_only,
                )
            })
            .collect();
        assert_eq!(
            mounts,
            [
                ("/".to_owned(), None, true),
                ("/var".to_owned(), None, false),
                ("/mnt".to_owned(), Some("rslave".to_owned()), false),
                ("/srv".to_owned(), Some("rshared".to_owned()), false),
                ("data".to_owned(), None, false),
            ]
        );
        assert_eq!(
            at(text, container.spec.mounts[0].value.source_range),
            "\"/\""
        );
        // Another data root: /var is no longer above it.
        let engine = EngineContext {
            root_dir: Some("/srv/docker".to_owned()),
            ..EngineContext::default()
        };
        let container = lower_with(text, &engine);
        assert_eq!(
            container.spec.mounts[1].value.propagation.as_deref(),
            Some("rslave")
        );
    }

    /// `--tmpfs` (`HostConfig.Tmpfs`) and `--mount type=tmpfs` (`HostConfig.Mounts`, options as
    /// numbers) end up as the same tmpfs mounts.
    #[test]
    fn tmpfs_from_both_flags() {
        let (_, container) = one(
            r#""Tmpfs": {"/tmp": "rw,exec,size=4m"},
               "Mounts": [
                 {"Type": "tmpfs", "Target": "/run", "TmpfsOptions": {"SizeBytes": 8388608, "Mode": 1016}},
                 {"Type": "tmpfs", "Target": "/cache", "ReadOnly": true, "TmpfsOptions": {"Options": [["exec"], ["uid", "1000"]]}},
                 {"Type": "bind", "Source": "/srv", "Target": "/srv"}
               ]"#,
            "",
        );
        let tmpfs: Vec<(&str, Vec<&str>)> = container
            .spec
            .tmpfs
            .iter()
            .map(|mount| {
                (
                    mount.value.target.as_str(),
                    mount.value.options.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            tmpfs,
            [
                ("/tmp", vec!["rw", "exec", "size=4m"]),
                ("/run", vec!["size=8388608", "mode=1770"]),
                ("/cache", vec!["ro", "exec", "uid=1000"]),
            ]
        );
    }

    /// Redaction needs the value's own range: the name stays readable, the value is masked.
    #[test]
    fn environment_values_have_their_own_ranges() {
        let (text, container) = one(
            "",
            r#""Env": ["PATH=/bin", "API_TOKEN=s3cr3t", "ESC=a\"b", "BARE"]"#,
        );
        let env = &container.spec.environment;
        assert_eq!(at(&text, env[1].name.range), "API_TOKEN");
        assert_eq!(at(&text, env[1].value.as_ref().unwrap().range), "s3cr3t");
        // An escaped string cannot be split byte for byte: the whole string stands for both.
        assert_eq!(
            at(&text, env[2].value.as_ref().unwrap().range),
            r#""ESC=a\"b""#
        );
        assert_eq!(env[2].value.as_ref().unwrap().value, "a\"b");
        assert!(env[3].value.is_none());
    }

    #[test]
    fn ports_health_checks_and_compose_labels() {
        let (_, container) = one(
            r#""PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}], "53/udp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}"#,
            r#""ExposedPorts": {"80/tcp": {}, "9000-9001/tcp": {}},
               "Healthcheck": {"Test": ["NONE"]},
               "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.service": "web",
                          "com.docker.compose.project.config_files": "/srv/shop/compose.yml,/srv/shop/compose.prod.yml",
                          "com.docker.compose.project.working_dir": "/srv/shop"}"#,
        );
        let spec = &container.spec;
        let ports: Vec<(Option<&str>, Option<&str>, u16, &str)> = spec
            .ports
            .iter()
            .map(|port| {
                (
                    port.value.host_ip.as_deref(),
                    port.value.host_port.as_deref(),
                    port.value.container_port,
                    port.value.protocol.as_str(),
                )
            })
            .collect();
        assert_eq!(
            ports,
            [
                (None, Some("8080"), 80, "tcp"),
                (Some("127.0.0.1"), None, 53, "udp")
            ]
        );
        let exposed: Vec<u16> = spec.expose.iter().map(|port| port.value).collect();
        assert_eq!(exposed, [80, 9000]);
        assert!(spec.healthcheck.as_ref().unwrap().value.disabled);
        assert!(spec.managed_by_compose);
        let compose = container.compose.unwrap();
        assert_eq!(compose.project, "shop");
        assert_eq!(compose.service, "web");
        assert_eq!(
            compose.config_files,
            ["/srv/shop/compose.yml", "/srv/shop/compose.prod.yml"]
        );
        assert_eq!(compose.working_dir.as_deref(), Some("/srv/shop"));
        assert_eq!(container.id, "0123456789abcdef");
        assert!(container.ulimits.is_empty());
        let (_, limited) = one(
            r#""Ulimits": [{"Name": "nofile", "Hard": 512, "Soft": 256}]"#,
            "",
        );
        assert_eq!(limited.ulimits, ["nofile"]);
        assert_eq!(container.pid, 4242);
        assert!(container.running);
    }

    #[test]
    fn one_object_or_an_array_with_images() {
        let text = r#"[
  {"Id": "sha256:img", "RepoTags": ["app:1"], "RootFS": {}, "Config": {"User": "app", "Healthcheck": {"Test": ["CMD", "true"]}, "Env": ["PATH=/bin"]}},
  {"Name": "/a", "Image": "sha256:img", "HostConfig": {}, "Config": {"User": "app"}}
]"#;
        let mut document = lower(text, 0, &EngineContext::default());
        assert!(document.errors.is_empty());
        assert_eq!(document.images.len(), 1);
        document.attach_images(&[]);
        let image = document.containers[0].spec.image_config.as_ref().unwrap();
        assert_eq!(image.user.as_deref(), Some("app"));
        assert!(image.healthcheck);
        assert_eq!(image.env, ["PATH"]);
        assert_eq!(image.described_in, "image app:1");
        let single = lower(
            r#"{"Name": "/b", "HostConfig": {}, "Config": {}}"#,
            0,
            &EngineContext::default(),
        );
        assert_eq!(single.containers[0].spec.name, "b");
        // Neither a container nor an image: an error at the object.
        let other = lower(r#"[{"Foo": 1}, 3]"#, 0, &EngineContext::default());
        assert_eq!(other.errors.len(), 2);
    }

    /// A compose container of project `shop` on `networks` (engine names).
    fn compose_container(
        name: &str,
        service: &str,
        networks: &[&str],
        extra_labels: &str,
    ) -> String {
        let joined: Vec<String> = networks
            .iter()
            .map(|network| format!("\"{network}\": {{\"NetworkID\": \"x\"}}"))
            .collect();
        format!(
            r#"{{"Name": "/{name}", "Id": "{name}-id", "HostConfig": {{}},
  "Config": {{"Labels": {{"com.docker.compose.project": "shop", "com.docker.compose.service": "{service}"{extra_labels}}}}},
  "NetworkSettings": {{"Networks": {{{}}}}}}}"#,
            joined.join(", ")
        )
    }

    fn network_json(name: &str, internal: bool, labels: &str) -> String {
        format!(
            r#"{{"Name": "{name}", "Driver": "bridge", "IPAM": {{}}, "Internal": {internal}, "Labels": {{{labels}}}}}"#
        )
    }

    #[test]
    fn compose_projects_are_put_back_together() {
        let own = |network: &str| {
            format!(
                r#""com.docker.compose.project": "shop", "com.docker.compose.network": "{network}""#
            )
        };
        let text = format!(
            "[{}, {}, {}, {}, {}, {}, {}]",
            compose_container(
                "shop-web-1",
                "web",
                &["shop_front", "shop_back"],
                r#", "com.docker.compose.depends_on": "db:service_started:false,cache:service_healthy:true""#
            ),
            compose_container("shop-web-2", "web", &["shop_front", "shop_back"], ""),
            compose_container("shop-db-1", "db", &["shop_back", "proxy_edge"], ""),
            compose_container("shop-worker-1", "worker", &["shop_default"], ""),
            network_json("shop_front", false, &own("front")),
            network_json("shop_back", true, &own("back")),
            network_json("shop_default", false, &own("default")),
        );
        // The other project's network is described in a second document.
        let edge = format!(
            "[{}]",
            network_json(
                "proxy_edge",
                false,
                r#""com.docker.compose.project": "proxy""#
            )
        );
        let mut document = lower(&text, 0, &EngineContext::default());
        let other = lower(&edge, text.len() as u32 + 1, &EngineContext::default());
        assert!(document.errors.is_empty(), "{:?}", document.errors);
        document.networks.extend(other.networks);
        let (groups, notes) = compose_groups(&document.containers, &document.networks);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(groups.len(), 1);
        let group = &groups[0];
        assert_eq!(group.project, "shop");
        // The second `web` container is a replica: the first speaks for the service.
        assert_eq!(
            group.containers,
            ["shop-web-1", "shop-db-1", "shop-worker-1"]
        );
        let services: Vec<(&str, Vec<&str>, Vec<&str>)> = group
            .services
            .iter()
            .map(|service| {
                (
                    service.name.as_str(),
                    service.networks.iter().map(|n| n.value.as_str()).collect(),
                    service
                        .depends_on
                        .iter()
                        .map(|d| d.value.as_str())
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            services,
            [
                ("web", vec!["front", "back"], vec!["db", "cache"]),
                ("db", vec!["back", "proxy_edge"], vec![]),
                // On the project's default network alone: it listed none.
                ("worker", vec![], vec![]),
            ]
        );
        let networks: Vec<(&str, bool, bool)> = group
            .networks
            .iter()
            .map(|def| (def.name.as_str(), def.internal, def.external))
            .collect();
        assert_eq!(
            networks,
            [
                ("front", false, false),
                ("back", true, false),
                ("proxy_edge", false, true),
            ]
        );
    }

    #[test]
    fn projects_without_their_networks_or_with_one_service_are_left_out() {
        let text = format!(
            "[{}, {}]",
            compose_container("shop-web-1", "web", &["shop_back"], ""),
            compose_container("shop-db-1", "db", &["shop_back", "shop_front"], ""),
        );
        let document = lower(&text, 0, &EngineContext::default());
        let (groups, notes) = compose_groups(&document.containers, &document.networks);
        assert!(groups.is_empty());
        assert_eq!(
            notes,
            [
                "compose project shop: the reachability between its services is not judged without the inspect output of its networks (`docker network inspect shop_back shop_front`)"
            ]
        );
        let single = format!(
            "[{}]",
            compose_container("shop-web-1", "web", &["shop_back"], "")
        );
        let document = lower(&single, 0, &EngineContext::default());
        let (groups, notes) = compose_groups(&document.containers, &document.networks);
        assert!(groups.is_empty() && notes.is_empty());
    }

    #[test]
    fn docker_info_gives_the_engine_context() {
        let engine = EngineContext::from_info(
            r#"{"ServerVersion": "26.1.5", "CgroupVersion": "2", "DockerRootDir": "/data/docker",
                "SecurityOptions": ["name=seccomp,profile=builtin", "name=userns", "name=cgroupns"]}"#,
        );
        assert_eq!(engine.cgroup_version, Some(2));
        assert_eq!(engine.root_dir.as_deref(), Some("/data/docker"));
        assert_eq!(engine.userns_remap, Some(true));
        let plain = EngineContext::from_info(
            r#"{"SecurityOptions": ["name=seccomp,profile=builtin", "name=cgroupns"]}"#,
        );
        assert_eq!(plain.userns_remap, Some(false));
        assert_eq!(plain.cgroup_version, None);
        assert_eq!(
            EngineContext::from_info("not json ["),
            EngineContext::default()
        );
    }
}
