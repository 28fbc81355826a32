//! [`ContainerSpec`]: one container's runtime settings, whatever they were written in.
//!
//! Compose services lower into it today; `docker run` lines, `docker inspect` output and Engine
//! API requests lower into the same type, so that a container rule is written once. Every field
//! remembers the byte range it came from ([`Spanned`]), and the spec keeps the ranges of the
//! keys that exist on the way to a setting ([`ContainerSpec::anchor`]) so that a finding about a
//! missing setting points at the deepest place where it belongs.
//!
//! Values are normalised here (capability names upper-case without `CAP_`, sizes in bytes,
//! security options split into kinds) so that rules compare meanings, not spellings.

use cofferdam_diagnostics::TextRange;

/// A value and the range of source text it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

impl<T> Spanned<T> {
    pub fn new(value: T, range: TextRange) -> Self {
        Self { value, range }
    }
}

/// Which front-end produced a spec; rules word messages and judge context with it (a one-shot
/// `docker run --rm` needs no restart policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecSource {
    Compose,
    RunLine,
    Inspect,
    ApiRequest,
}

/// Settings that come from the image rather than from the container's configuration: for a
/// compose service with `build:`, the final stage of its Dockerfile.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImageConfig {
    /// Where the image is described (the Dockerfile's path as written in `build:`), for messages.
    pub described_in: String,
    /// The final stage's effective user; `None` when the image sets none (root).
    pub user: Option<String>,
    /// Whether the final stage declares a `HEALTHCHECK` other than `NONE`.
    pub healthcheck: bool,
    /// Whether the final stage disables an inherited health check with `HEALTHCHECK NONE`.
    pub healthcheck_disabled: bool,
    /// `ENV` names set in the final stage.
    pub env: Vec<String>,
}

/// A `security_opt` / `--security-opt` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityOpt {
    /// `no-new-privileges`, `no-new-privileges:true`, `no-new-privileges=false`.
    NoNewPrivileges(bool),
    /// `seccomp=unconfined` or a profile path.
    Seccomp(String),
    /// `apparmor=unconfined` or a profile name.
    AppArmor(String),
    /// `label=disable`, `label=type:…`, …: the part after `label`.
    Label(String),
    /// `systempaths=unconfined` unmasks /proc and /sys paths.
    SystemPaths(String),
    Other(String),
}

impl SecurityOpt {
    /// Parses one option in any of Docker's spellings (`key=value`, `key:value`, bare key).
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        let (key, value) = match text.find(['=', ':']) {
            Some(at) => (&text[..at], Some(text[at + 1..].trim())),
            None => (text, None),
        };
        match key.trim().to_ascii_lowercase().as_str() {
            // Docker reads the value with Go's `strconv.ParseBool` (`1`, `t`, `true`, …) and
            // refuses to start the container on anything else, which leaves the option unset.
            "no-new-privileges" => match value {
                None | Some("") => SecurityOpt::NoNewPrivileges(true),
                Some(value) => crate::model::run::parse_go_bool(value).map_or_else(
                    || SecurityOpt::Other(text.to_owned()),
                    SecurityOpt::NoNewPrivileges,
                ),
            },
            "seccomp" => SecurityOpt::Seccomp(value.unwrap_or_default().to_owned()),
            "apparmor" => SecurityOpt::AppArmor(value.unwrap_or_default().to_owned()),
            "label" => SecurityOpt::Label(value.unwrap_or_default().to_owned()),
            "systempaths" => SecurityOpt::SystemPaths(value.unwrap_or_default().to_owned()),
            _ => SecurityOpt::Other(text.to_owned()),
        }
    }
}

/// A tmpfs mount with its options as written (`size=64m,noexec`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tmpfs {
    pub target: String,
    /// Options in `mount` syntax: `noexec`, `nosuid`, `size=64m`, `mode=1777`.
    pub options: Vec<String>,
}

impl Tmpfs {
    /// The short syntax shared by compose `tmpfs:` and `docker run --tmpfs`:
    /// `target[:options]`, options comma-separated.
    pub fn parse(text: &str) -> Tmpfs {
        let (target, options) = text.split_once(':').unwrap_or((text, ""));
        Tmpfs {
            target: target.to_owned(),
            options: options
                .split(',')
                .map(|option| option.trim().to_owned())
                .filter(|option| !option.is_empty())
                .collect(),
        }
    }

    pub fn has_option(&self, name: &str) -> bool {
        self.options.iter().any(|option| {
            option == name
                || option
                    .split_once('=')
                    .is_some_and(|(key, _)| key.eq_ignore_ascii_case(name))
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountKind {
    /// A host path.
    Bind,
    /// A named or anonymous volume.
    Volume,
    /// A Windows named pipe.
    NamedPipe,
    /// An image mounted as a volume.
    Image,
}

/// A bind mount or volume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountKind,
    /// The host path (binds, as written, `~` and relative paths left alone) or volume name;
    /// empty for an anonymous volume.
    pub source: String,
    pub target: String,
    pub read_only: bool,
    /// Range of the source text, for findings about the host path.
    pub source_range: TextRange,
    /// Bind propagation as written (`rprivate`, `shared`, `rslave`, …); `None` when not set
    /// (Docker's default is `rprivate`).
    pub propagation: Option<String>,
}

impl Mount {
    /// The short syntax shared by compose `volumes:` and `docker run -v`:
    /// `[source:]target[:options]`. A host path (absolute, relative, `~`, a drive letter, or an
    /// expansion that names a directory such as `$PWD/data`) is a bind mount, anything else a
    /// named volume; a bare target is an anonymous volume. Windows drive letters are not
    /// separators. Returns the mount, with `source_range` left for the caller to place, and the
    /// byte length of the source in `text`.
    pub fn parse_short(text: &str) -> (Mount, usize) {
        let mut parts: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        loop {
            let rest = &text[start..];
            let bytes = rest.as_bytes();
            let skip = if bytes.len() >= 3
                && bytes[0].is_ascii_alphabetic()
                && bytes[1] == b':'
                && matches!(bytes[2], b'\\' | b'/')
            {
                2
            } else {
                0
            };
            if let Some(at) = rest[skip..].find(':') {
                parts.push((start, start + skip + at));
                start += skip + at + 1;
            } else {
                parts.push((start, text.len()));
                break;
            }
        }
        let part = |index: usize| parts.get(index).map_or("", |&(from, to)| &text[from..to]);
        let (source, target, options) = match parts.len() {
            1 => ("", part(0), ""),
            2 => (part(0), part(1), ""),
            _ => (part(0), part(1), part(2)),
        };
        let is_path = source.starts_with(['/', '.', '~', '\\'])
            || source.as_bytes().get(1) == Some(&b':')
            || (source.starts_with('$') && (source.contains('/') || is_path_variable(source)));
        let options: Vec<&str> = options.split(',').collect();
        let mount = Mount {
            kind: if is_path {
                MountKind::Bind
            } else {
                MountKind::Volume
            },
            source: source.to_owned(),
            target: target.to_owned(),
            read_only: options
                .iter()
                .any(|option| *option == "ro" || *option == "readonly"),
            source_range: TextRange::default(),
            propagation: options
                .iter()
                .rfind(|option| {
                    matches!(
                        **option,
                        "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate"
                    )
                })
                .map(|option| (*option).to_owned()),
        };
        (mount, source.len())
    }
}

/// Variables that hold a directory: `$PWD`, `$(pwd)`, `${HOME}`.
fn is_path_variable(text: &str) -> bool {
    matches!(
        text,
        "$PWD" | "${PWD}" | "$(pwd)" | "`pwd`" | "$HOME" | "${HOME}" | "$TMPDIR" | "${TMPDIR}"
    )
}

/// A device mapping: `/dev/fuse`, `/dev/sda:/dev/xvda:rwm`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub host: String,
    pub container: String,
    /// cgroup permissions: some of `r`, `w`, `m`; Docker's default is `rwm`.
    pub permissions: String,
}

impl Device {
    /// The short syntax shared by compose `devices:` and `docker run --device`, read as Docker's
    /// `parseDevice` does: `host[:container][:permissions]`, where a second part made only of
    /// `r`, `w` and `m` is the permissions.
    pub fn parse(text: &str) -> Device {
        let parts: Vec<&str> = text.split(':').collect();
        let host = parts[0].to_owned();
        let mut container = String::new();
        let mut permissions = "rwm".to_owned();
        if let Some(second) = parts.get(1) {
            let is_mode = !second.is_empty()
                && second.len() <= 3
                && second.chars().all(|c| matches!(c, 'r' | 'w' | 'm'));
            if is_mode && parts.len() == 2 {
                (*second).clone_into(&mut permissions);
            } else {
                (*second).clone_into(&mut container);
            }
        }
        if let Some(third) = parts.get(2) {
            (*third).clone_into(&mut permissions);
        }
        if container.is_empty() {
            container.clone_from(&host);
        }
        Device {
            host,
            container,
            permissions,
        }
    }
}

/// A restart policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RestartPolicy {
    No,
    Always,
    UnlessStopped,
    /// `on-failure` with the maximum retry count, if given.
    OnFailure(Option<u32>),
    /// Something Docker would reject; kept so that rules can say so.
    Invalid(String),
}

impl RestartPolicy {
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        let (name, count) = match text.split_once(':') {
            Some((name, count)) => (name, Some(count)),
            None => (text, None),
        };
        match (name.to_ascii_lowercase().as_str(), count) {
            ("no" | "none" | "", None) => RestartPolicy::No,
            ("always", None) => RestartPolicy::Always,
            ("unless-stopped", None) => RestartPolicy::UnlessStopped,
            ("on-failure", None) => RestartPolicy::OnFailure(None),
            ("on-failure", Some(count)) => count.trim().parse().map_or_else(
                |_| RestartPolicy::Invalid(text.to_owned()),
                |count| RestartPolicy::OnFailure(Some(count)),
            ),
            _ => RestartPolicy::Invalid(text.to_owned()),
        }
    }
}

/// A published port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    /// The host interface; `None` means all interfaces (0.0.0.0 and ::).
    pub host_ip: Option<String>,
    /// The host port or range as written (`8080`, `8000-8010`); `None` for an ephemeral port.
    pub host_port: Option<String>,
    /// The container port (the first of a range).
    pub container_port: u16,
    pub protocol: String,
}

impl Port {
    /// Parses the short syntax shared by compose `ports:` and `docker run -p`:
    /// `[ip:][host:]container[/protocol]`, with bracketed or bare IPv6 addresses and ranges.
    pub fn parse(text: &str) -> Option<Port> {
        let (address, protocol) = match text.rsplit_once('/') {
            Some((address, protocol)) => (address, protocol.to_owned()),
            None => (text, "tcp".to_owned()),
        };
        let (host_ip, rest) = if let Some(after) = address.strip_prefix('[') {
            let (ip, rest) = after.split_once(']')?;
            (Some(ip.to_owned()), rest.strip_prefix(':').unwrap_or(rest))
        } else {
            let parts: Vec<&str> = address.split(':').collect();
            match parts.len() {
                // An unbracketed IPv6 address: the last two parts are host and container port.
                4.. => {
                    let split = address.len() - parts[parts.len() - 2..].join(":").len() - 1;
                    (Some(address[..split].to_owned()), &address[split + 1..])
                }
                3 => {
                    let split = parts[0].len();
                    (Some(parts[0].to_owned()), &address[split + 1..])
                }
                _ => (None, address),
            }
        };
        let (host_port, container) = match rest.rsplit_once(':') {
            Some((host, container)) => ((!host.is_empty()).then(|| host.to_owned()), container),
            None => (None, rest),
        };
        let container_port = container.split('-').next()?.trim().parse().ok()?;
        Some(Port {
            host_ip: host_ip.filter(|ip| !ip.is_empty()),
            host_port,
            container_port,
            protocol,
        })
    }

    /// Whether the port is reachable on every host interface.
    pub fn on_all_interfaces(&self) -> bool {
        match self.host_ip.as_deref() {
            None => true,
            Some(ip) => matches!(ip.trim_matches(['[', ']']), "0.0.0.0" | "::" | ""),
        }
    }
}

/// An environment variable set on the container.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvVar {
    pub name: Spanned<String>,
    /// The value as written in the file (before interpolation), with its range; `None` when the
    /// variable is passed through from the caller's environment without a value (`- NAME`).
    pub value: Option<Spanned<String>>,
    /// The value after interpolation, when `${…}` references changed it.
    pub expanded: Option<String>,
    /// Whether the value came from an `env_file` rather than the file being reviewed.
    pub from_env_file: bool,
}

/// A health check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Healthcheck {
    /// `disable: true` or `test: ["NONE"]`.
    pub disabled: bool,
}

/// A size limit in bytes, or `-1`/unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bytes {
    Limited(u64),
    Unlimited,
}

impl Bytes {
    /// Parses Docker's memory notation: `512m`, `1g`, `1.5GB`, `1024` (bytes), `-1`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text == "-1" {
            return Some(Bytes::Unlimited);
        }
        let lower = text.to_ascii_lowercase();
        let split = lower
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(lower.len());
        let (number, unit) = lower.split_at(split);
        let number: f64 = number.parse().ok()?;
        let unit = unit.trim().trim_end_matches('b').trim_end_matches('i');
        let scale: u64 = match unit {
            "" => 1,
            "k" => 1 << 10,
            "m" => 1 << 20,
            "g" => 1 << 30,
            "t" => 1 << 40,
            "p" => 1 << 50,
            _ => return None,
        };
        if !number.is_finite() || number < 0.0 {
            return None;
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let bytes = (number * scale as f64) as u64;
        Some(Bytes::Limited(bytes))
    }

    /// Zero means "no limit" for Docker's memory settings.
    pub fn is_unlimited(self) -> bool {
        matches!(self, Bytes::Unlimited | Bytes::Limited(0))
    }
}

/// Namespace settings: `host` shares the host's, `container:x` / `service:x` another's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Namespaces {
    pub pid: Option<Spanned<String>>,
    pub ipc: Option<Spanned<String>>,
    pub uts: Option<Spanned<String>>,
    pub userns: Option<Spanned<String>>,
    pub cgroupns: Option<Spanned<String>>,
    /// `network_mode` / `--network` when it is a mode (`host`, `none`, `service:x`,
    /// `container:x`) rather than a network name.
    pub network: Option<Spanned<String>>,
}

/// Resource limits.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Limits {
    pub memory: Option<Spanned<Bytes>>,
    /// Memory plus swap; equal to `memory` disables swap, `-1` allows unlimited swap.
    pub memory_swap: Option<Spanned<Bytes>>,
    pub cpus: Option<Spanned<f64>>,
    /// `cpu_shares`/`cpu_quota`: relative weights or quotas that also bound CPU.
    pub cpu_other: Option<Spanned<String>>,
    /// `pids_limit`; `-1` or `0` is unlimited.
    pub pids: Option<Spanned<i64>>,
}

/// One container's configuration, normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerSpec {
    pub source: SpecSource,
    /// The service or container name.
    pub name: String,
    /// The range of the service key (compose), the `docker run` words, or the container's root
    /// object: where findings about a setting that is missing everywhere point.
    pub range: TextRange,
    /// Everything written for this container, when it is one span of source text: a compose
    /// service's key and block, a `docker run` command from `docker` to its last argument.
    /// Rules that read all of it (a credential in a label or an argument) use this.
    pub written: Option<TextRange>,
    /// Ranges of keys that exist on the way to settings, by dotted path (`deploy.resources.limits`,
    /// `security_opt`); see [`ContainerSpec::anchor`].
    pub keys: Vec<(&'static str, TextRange)>,
    pub image: Option<Spanned<String>>,
    /// The range of `build:` when the image is built from a Dockerfile here.
    pub build: Option<TextRange>,
    /// Settings of the image built here (final Dockerfile stage), when known.
    pub image_config: Option<ImageConfig>,
    /// Profiles the service belongs to; empty means always started.
    pub profiles: Vec<String>,
    pub user: Option<Spanned<String>>,
    pub privileged: Option<Spanned<bool>>,
    pub read_only: Option<Spanned<bool>>,
    /// Capability names, upper-case without the `CAP_` prefix (`ALL` kept).
    pub cap_add: Vec<Spanned<String>>,
    pub cap_drop: Vec<Spanned<String>>,
    pub security_opt: Vec<Spanned<SecurityOpt>>,
    pub tmpfs: Vec<Spanned<Tmpfs>>,
    pub mounts: Vec<Spanned<Mount>>,
    pub devices: Vec<Spanned<Device>>,
    pub device_cgroup_rules: Vec<Spanned<String>>,
    pub limits: Limits,
    pub restart: Option<Spanned<RestartPolicy>>,
    /// Removed when it exits (`docker run --rm`): a one-shot job, which needs no restart policy.
    pub one_shot: bool,
    pub namespaces: Namespaces,
    /// Networks the container joins by name; empty with no network mode means the default one.
    pub networks: Vec<Spanned<String>>,
    pub ports: Vec<Spanned<Port>>,
    /// Container ports declared without being published (compose `expose:`, `docker run
    /// --expose`), the first of a range: what the container says it listens on.
    pub expose: Vec<Spanned<u16>>,
    /// `docker run -P` / `--publish-all` (`HostConfig.PublishAllPorts`): every port the image
    /// exposes is published on an ephemeral host port on every interface.
    pub publish_all: Option<Spanned<bool>>,
    pub environment: Vec<EnvVar>,
    /// Secrets mounted from the platform's secret store (compose `secrets:`).
    pub secrets: Vec<Spanned<String>>,
    pub healthcheck: Option<Spanned<Healthcheck>>,
    /// Services this one depends on (`depends_on`, `links`), for reachability.
    pub depends_on: Vec<Spanned<String>>,
    /// What the front-end read but did not understand (an unknown `docker run` flag), reported
    /// as low-severity notes so that a reviewer knows the review may be incomplete.
    pub notes: Vec<Spanned<String>>,
    /// Inspect output only: the container carries Compose's labels, so its settings are changed
    /// in a compose file (messages use compose keys) rather than in a `docker run` command.
    pub managed_by_compose: bool,
    /// The image's own user, health check and environment are already merged into `user`,
    /// `healthcheck` and `environment` (the engine does so when it creates a container, so
    /// inspect output has them): an empty user is root and a missing check is missing from the
    /// image too, rather than unknown.
    pub image_settings_merged: bool,
}

impl ContainerSpec {
    pub fn new(source: SpecSource, name: impl Into<String>, range: TextRange) -> Self {
        Self {
            source,
            name: name.into(),
            range,
            written: None,
            keys: Vec::new(),
            image: None,
            build: None,
            image_config: None,
            profiles: Vec::new(),
            user: None,
            privileged: None,
            read_only: None,
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            security_opt: Vec::new(),
            tmpfs: Vec::new(),
            mounts: Vec::new(),
            devices: Vec::new(),
            device_cgroup_rules: Vec::new(),
            limits: Limits::default(),
            restart: None,
            one_shot: false,
            namespaces: Namespaces::default(),
            networks: Vec::new(),
            ports: Vec::new(),
            expose: Vec::new(),
            publish_all: None,
            environment: Vec::new(),
            secrets: Vec::new(),
            healthcheck: None,
            depends_on: Vec::new(),
            notes: Vec::new(),
            managed_by_compose: false,
            image_settings_merged: false,
        }
    }

    /// The range of the deepest existing key on `path` (`deploy.resources.limits`), or the
    /// container's own range: where a finding about a setting missing under `path` points.
    pub fn anchor(&self, path: &str) -> TextRange {
        let mut best = self.range;
        let mut prefix_end = 0;
        loop {
            let next = path[prefix_end..]
                .find('.')
                .map_or(path.len(), |at| prefix_end + at);
            let prefix = &path[..next];
            match self.keys.iter().find(|(key, _)| *key == prefix) {
                Some((_, range)) => best = *range,
                None => return best,
            }
            if next == path.len() {
                return best;
            }
            prefix_end = next + 1;
        }
    }

    /// The range of key `path` if it exists.
    pub fn key(&self, path: &str) -> Option<TextRange> {
        self.keys
            .iter()
            .find(|(key, _)| *key == path)
            .map(|(_, range)| *range)
    }

    /// Whether one of `keys` is written but its value could not be read: a variable chosen at
    /// deploy time (`mem_limit: ${MEM}`, `--memory $MEM`) or a value already reported as
    /// invalid. Rules about a *missing* setting stay quiet then. Never for inspect output: the
    /// engine reports what is in force, and its keys (`"User": ""`, `"Memory": 0`) are kept
    /// only as anchors for findings about settings left at their defaults.
    pub fn set_at_deploy_time(&self, keys: &[&str]) -> bool {
        self.source != SpecSource::Inspect && keys.iter().any(|key| self.key(key).is_some())
    }

    /// Whether a capability is dropped (directly or through `ALL`).
    pub fn drops_all_capabilities(&self) -> bool {
        self.cap_drop.iter().any(|cap| cap.value == "ALL")
    }

    /// The effective option of one kind: Docker reads `security_opt` in order and the last
    /// `no-new-privileges`, `seccomp` or `apparmor` entry wins.
    fn last_security_opt(&self, kind: fn(&SecurityOpt) -> bool) -> Option<&Spanned<SecurityOpt>> {
        self.security_opt
            .iter()
            .rev()
            .find(|option| kind(&option.value))
    }

    /// The effective `no-new-privileges` option.
    pub fn no_new_privileges(&self) -> Option<&Spanned<SecurityOpt>> {
        self.last_security_opt(|option| matches!(option, SecurityOpt::NoNewPrivileges(_)))
    }

    /// The effective seccomp profile (`unconfined`, a path), with the option's range.
    pub fn seccomp_profile(&self) -> Option<Spanned<&str>> {
        self.last_security_opt(|option| matches!(option, SecurityOpt::Seccomp(_)))
            .and_then(|option| match &option.value {
                SecurityOpt::Seccomp(profile) => Some(Spanned::new(profile.trim(), option.range)),
                _ => None,
            })
    }

    /// The effective AppArmor profile (`unconfined`, a name), with the option's range.
    pub fn apparmor_profile(&self) -> Option<Spanned<&str>> {
        self.last_security_opt(|option| matches!(option, SecurityOpt::AppArmor(_)))
            .and_then(|option| match &option.value {
                SecurityOpt::AppArmor(profile) => Some(Spanned::new(profile.trim(), option.range)),
                _ => None,
            })
    }

    /// Whether the container is privileged.
    pub fn is_privileged(&self) -> bool {
        self.privileged.as_ref().is_some_and(|value| value.value)
    }

    /// The user the container runs as: its own setting, else the image's (when known).
    /// `Some("")`/`None` mean root.
    pub fn effective_user(&self) -> Option<&str> {
        self.user
            .as_ref()
            .map(|user| user.value.as_str())
            .or_else(|| self.image_config.as_ref()?.user.as_deref())
    }
}

/// Whether a value still holds a variable reference (`${TAG}`, `$UID`) that interpolation could
/// not resolve: it is chosen at deploy time, so rules treat it as unknown rather than as the
/// literal text.
pub fn is_variable(text: &str) -> bool {
    text.match_indices('$').any(|(at, _)| {
        text[at + 1..]
            .chars()
            .next()
            .is_some_and(|next| next == '{' || next == '_' || next.is_ascii_alphabetic())
    })
}

/// Normalises a capability name: upper-case, without `CAP_`.
pub fn normalize_capability(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    upper
        .strip_prefix("CAP_")
        .map_or_else(|| upper.clone(), str::to_owned)
}

/// Whether `user` (`uid`, `uid:gid`, `name`, `name:group`) is root.
pub fn is_root_user(user: &str) -> bool {
    let user = user.trim();
    let name = user.split(':').next().unwrap_or_default();
    name.is_empty() || name == "root" || name.parse::<u64>().is_ok_and(|uid| uid == 0)
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::TextRange;

    use super::{
        Bytes, ContainerSpec, RestartPolicy, SecurityOpt, SpecSource, is_root_user,
        normalize_capability,
    };

    #[test]
    fn security_options_in_every_spelling() {
        assert_eq!(
            SecurityOpt::parse("no-new-privileges"),
            SecurityOpt::NoNewPrivileges(true)
        );
        assert_eq!(
            SecurityOpt::parse("no-new-privileges:true"),
            SecurityOpt::NoNewPrivileges(true)
        );
        assert_eq!(
            SecurityOpt::parse("no-new-privileges=false"),
            SecurityOpt::NoNewPrivileges(false)
        );
        assert_eq!(
            SecurityOpt::parse("no-new-privileges=1"),
            SecurityOpt::NoNewPrivileges(true)
        );
        assert_eq!(
            SecurityOpt::parse("no-new-privileges:yes"),
            SecurityOpt::Other("no-new-privileges:yes".into())
        );
        assert_eq!(
            SecurityOpt::parse("seccomp=unconfined"),
            SecurityOpt::Seccomp("unconfined".into())
        );
        assert_eq!(
            SecurityOpt::parse("seccomp:./p.json"),
            SecurityOpt::Seccomp("./p.json".into())
        );
        assert_eq!(
            SecurityOpt::parse("label:disable"),
            SecurityOpt::Label("disable".into())
        );
        assert_eq!(
            SecurityOpt::parse("label=type:svirt_apache_t"),
            SecurityOpt::Label("type:svirt_apache_t".into())
        );
    }

    #[test]
    fn sizes_restart_policies_and_users() {
        assert_eq!(Bytes::parse("512m"), Some(Bytes::Limited(512 << 20)));
        assert_eq!(Bytes::parse("1.5GB"), Some(Bytes::Limited(3 << 29)));
        assert_eq!(Bytes::parse("1gi"), Some(Bytes::Limited(1 << 30)));
        assert_eq!(Bytes::parse("1024"), Some(Bytes::Limited(1024)));
        assert_eq!(Bytes::parse("-1"), Some(Bytes::Unlimited));
        assert_eq!(Bytes::parse("lots"), None);
        assert_eq!(
            RestartPolicy::parse("on-failure:3"),
            RestartPolicy::OnFailure(Some(3))
        );
        assert_eq!(
            RestartPolicy::parse("\"no\""),
            RestartPolicy::Invalid("\"no\"".into())
        );
        assert_eq!(RestartPolicy::parse("no"), RestartPolicy::No);
        assert!(is_root_user("0:0") && is_root_user("root") && is_root_user(""));
        assert!(!is_root_user("10001") && !is_root_user("app:app"));
        assert_eq!(normalize_capability("cap_sys_admin"), "SYS_ADMIN");
        assert!(super::is_variable("app:${TAG}") && super::is_variable("$UID:1000"));
        assert!(!super::is_variable("price$") && !super::is_variable("a$1"));
    }

    #[test]
    fn anchors_point_at_the_deepest_existing_key() {
        let mut spec = ContainerSpec::new(SpecSource::Compose, "web", TextRange::new(0, 3));
        spec.keys.push(("deploy", TextRange::new(10, 16)));
        spec.keys.push(("deploy.resources", TextRange::new(20, 29)));
        assert_eq!(
            spec.anchor("deploy.resources.limits"),
            TextRange::new(20, 29)
        );
        assert_eq!(spec.anchor("security_opt"), TextRange::new(0, 3));
        spec.keys
            .push(("deploy.resources.limits", TextRange::new(30, 36)));
        assert_eq!(
            spec.anchor("deploy.resources.limits"),
            TextRange::new(30, 36)
        );
    }
}
