//! [`HostFacts`]: what the host and the Docker daemon are configured with, read from the files
//! and answers that say it — `/etc/docker/daemon.json`, dockerd's command line, `docker info`,
//! the owner and mode of the daemon's sockets and files, `/etc/group` — each kept as a source
//! with byte ranges so that a finding points at the line to change.
//!
//! The linter does not read the host: `cofferdam_audit` gathers the texts (or a test writes
//! them) and this module only parses them. File metadata arrives as `ls -l` lines
//! (`srw-rw---- 1 root docker 0 Nov 29 00:35 /var/run/docker.sock`), which is both what users
//! know and what a finding about a file's mode shows.
//!
//! dockerd merges `daemon.json` with its command-line flags (a key set in both makes it refuse
//! to start), so a setting is looked up in both; `docker info` shows what the running daemon
//! really does for the settings it reports (live restore, seccomp, user namespaces, insecure
//! registries, storage driver, experimental, authorization plugins, debug).

use cofferdam_diagnostics::{SourceFile, TextRange};

use crate::model::compose::SourceMap;
use crate::model::container::Spanned;
use crate::syntax::dockerfile::SyntaxError;
use crate::syntax::yaml::{self, Node};

/// Where Docker reads its configuration file by default.
pub const DAEMON_JSON: &str = "/etc/docker/daemon.json";

/// The texts a host review starts from; any may be missing.
#[derive(Clone, Debug, Default)]
pub struct HostInput {
    /// `daemon.json`: its path and text. When it does not exist, `None`; findings about a
    /// setting to add then point at an empty file of [`DAEMON_JSON`]'s name.
    pub daemon_json: Option<SourceFile>,
    /// dockerd's arguments after the program name, with the name to show for them
    /// (`dockerd (pid 812)`).
    pub dockerd_args: Option<(String, Vec<String>)>,
    /// `docker info --format '{{json .}}'` or the Engine API's `/info` answer.
    pub info: Option<SourceFile>,
    /// `ls -l` lines of the daemon's sockets, configuration files and TLS files.
    pub files: Vec<String>,
    /// `/etc/group`.
    pub group: Option<SourceFile>,
}

/// One file's owner, group and mode, from its `ls -l` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFacts {
    pub path: String,
    /// `-` file, `d` directory, `s` socket, `l` link, …
    pub kind: char,
    /// Permission bits (and setuid/setgid/sticky), as `stat` gives them.
    pub mode: u32,
    pub owner: String,
    pub group: String,
    /// The range of the mode string in the file's source (the `ls -l` line).
    pub mode_range: TextRange,
    /// The range of `owner group`.
    pub owner_range: TextRange,
}

impl FileFacts {
    /// Parses one `ls -l` line: mode, links, owner, group, size, three date fields, path.
    pub fn parse(line: &str, base: u32) -> Option<FileFacts> {
        let mut words = Vec::new();
        let mut offset = 0;
        for word in line.split_whitespace() {
            let at = offset + line[offset..].find(word)?;
            words.push((at, word));
            offset = at + word.len();
            if words.len() == 8 {
                break;
            }
        }
        if words.len() < 8 {
            return None;
        }
        let path = line[offset..].trim();
        let mode_text = words[0].1;
        if mode_text.len() < 10 || path.is_empty() {
            return None;
        }
        let mut chars = mode_text.chars();
        let kind = chars.next()?;
        let mut mode = 0u32;
        for (index, c) in chars.take(9).enumerate() {
            let shift = 8 - index as u32;
            match c {
                'r' | 'w' | 'x' => mode |= 1 << shift,
                '-' => {}
                // setuid/setgid/sticky with or without the execute bit under them.
                's' | 't' => mode |= (1 << shift) | special(index),
                'S' | 'T' => mode |= special(index),
                _ => return None,
            }
        }
        let range = |from: usize, len: usize| {
            TextRange::new(base + from as u32, base + (from + len) as u32)
        };
        let (owner_at, owner) = words[2];
        let (group_at, group) = words[3];
        Some(FileFacts {
            path: path.to_owned(),
            kind,
            mode,
            owner: owner.to_owned(),
            group: group.to_owned(),
            mode_range: range(words[0].0, mode_text.len()),
            owner_range: range(owner_at, group_at + group.len() - owner_at),
        })
    }

    /// The permission bits as `chmod` takes them (`660`).
    pub fn octal(&self) -> String {
        format!("{:o}", self.mode & 0o7777)
    }
}

/// setuid, setgid or sticky for the `index`-th permission character.
fn special(index: usize) -> u32 {
    match index {
        2 => 0o4000,
        5 => 0o2000,
        8 => 0o1000,
        _ => 0,
    }
}

/// One daemon setting as written, in `daemon.json` or as a flag.
#[derive(Clone, Debug, PartialEq)]
pub enum SettingValue {
    Bool(bool),
    Text(String),
    List(Vec<Spanned<String>>),
    /// A JSON object (`default-ulimits`, `log-opts`), by its keys.
    Map(Vec<Spanned<String>>),
}

/// A setting and where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub value: SettingValue,
    /// The value's range (for a flag, the flag and its value).
    pub range: TextRange,
    /// The whole `"key": value` pair or flag.
    pub entry: TextRange,
}

/// `docker info` fields the rules read, each with its range.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Info {
    pub live_restore: Option<Spanned<bool>>,
    pub debug: Option<Spanned<bool>>,
    pub experimental: Option<Spanned<bool>>,
    pub driver: Option<Spanned<String>>,
    /// `SecurityOptions` entries (`name=seccomp,profile=builtin`, `name=userns`, `name=rootless`).
    pub security_options: Vec<Spanned<String>>,
    /// The range of the `SecurityOptions` key, where a missing option belongs.
    pub security_options_key: Option<TextRange>,
    /// Insecure registry CIDRs and registries, Docker's own `127.0.0.0/8` left out.
    pub insecure_registries: Vec<Spanned<String>>,
    pub authorization_plugins: Vec<Spanned<String>>,
    /// The range of `Plugins` (or the document), where a missing plugin belongs.
    pub plugins_key: Option<TextRange>,
    /// The root object's range.
    pub range: TextRange,
}

/// Everything a host review knows. Ranges are global in `sources`.
#[derive(Clone, Debug, Default)]
pub struct HostFacts {
    pub sources: SourceMap,
    /// Settings from `daemon.json` then the command line, by daemon.json key.
    pub settings: Vec<(String, Setting)>,
    /// Where a setting to add belongs: inside `daemon.json`'s top object, or the start of an
    /// empty stand-in named [`DAEMON_JSON`] when there is none.
    pub daemon_anchor: TextRange,
    /// Whether a real `daemon.json` was read.
    pub daemon_json_exists: bool,
    /// Whether dockerd's command line was given (so a setting missing from both is unset).
    pub settings_from_flags: bool,
    pub info: Option<Info>,
    pub files: Vec<FileFacts>,
    /// The `docker` line of `/etc/group` and its members, when there is one.
    pub docker_group: Option<(TextRange, Vec<Spanned<String>>)>,
    /// What could not be parsed.
    pub errors: Vec<SyntaxError>,
}

impl HostFacts {
    /// The setting `key` (daemon.json spelling), the command line winning as dockerd's does when
    /// it is only there.
    pub fn setting(&self, key: &str) -> Option<&Setting> {
        self.settings
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, setting)| setting)
    }

    /// A boolean setting and its range.
    pub fn bool_setting(&self, key: &str) -> Option<Spanned<bool>> {
        let setting = self.setting(key)?;
        match &setting.value {
            SettingValue::Bool(value) => Some(Spanned::new(*value, setting.range)),
            SettingValue::Text(text) => {
                yaml::parse_bool(text).map(|value| Spanned::new(value, setting.range))
            }
            _ => None,
        }
    }

    /// A text setting and its range.
    pub fn text_setting(&self, key: &str) -> Option<Spanned<String>> {
        let setting = self.setting(key)?;
        match &setting.value {
            SettingValue::Text(text) => Some(Spanned::new(text.clone(), setting.range)),
            SettingValue::Bool(value) => Some(Spanned::new(value.to_string(), setting.range)),
            _ => None,
        }
    }

    /// Every value of a list setting (`hosts`, `insecure-registries`), from both places.
    pub fn list_setting(&self, key: &str) -> Vec<Spanned<String>> {
        self.settings
            .iter()
            .filter(|(name, _)| name == key)
            .flat_map(|(_, setting)| match &setting.value {
                SettingValue::List(items) | SettingValue::Map(items) => items.clone(),
                SettingValue::Text(text) => vec![Spanned::new(text.clone(), setting.range)],
                SettingValue::Bool(_) => Vec::new(),
            })
            .collect()
    }

    /// The file whose path is `path`, if its facts were given.
    pub fn file(&self, path: &str) -> Option<&FileFacts> {
        self.files.iter().find(|file| file.path == path)
    }

    /// Reads the input texts.
    pub fn load(input: HostInput) -> HostFacts {
        let mut facts = HostFacts::default();
        if let Some(file) = input.daemon_json {
            facts.read_daemon_json(&file);
        } else {
            let base = facts
                .sources
                .add(SourceFile::new(DAEMON_JSON, String::new()));
            facts.daemon_anchor = TextRange::empty(base);
        }
        if let Some((name, args)) = input.dockerd_args {
            facts.add_flags(&name, &args);
        }
        if let Some(file) = input.info {
            let base = facts.sources.add(file.clone());
            let parsed = yaml::parse_json(file.text(), base);
            facts.errors.extend(parsed.errors);
            if let Some(root) = parsed.root {
                facts.info = Some(read_info(&root));
            }
        }
        for line in input.files {
            let Some(path) = FileFacts::parse(&line, 0).map(|file| file.path) else {
                continue;
            };
            // The line is a source of its own, named by the path; daemon.json's text already
            // has that name, so its line gets a suffix.
            let name = if facts.sources.file(&path).is_some() {
                format!("{path} (ls -l)")
            } else {
                path
            };
            let base = facts.sources.add(SourceFile::new(name, line.clone()));
            facts.files.extend(FileFacts::parse(&line, base));
        }
        if let Some(file) = input.group {
            let base = facts.sources.add(file.clone());
            facts.docker_group = docker_group(file.text(), base);
        }
        facts
    }

    /// Reads `daemon.json` into settings.
    fn read_daemon_json(&mut self, file: &SourceFile) {
        let base = self.sources.add(file.clone());
        self.daemon_json_exists = true;
        self.daemon_anchor = TextRange::empty(base);
        let parsed = yaml::parse_json(file.text(), base);
        self.errors.extend(parsed.errors);
        if let Some(root) = parsed.root {
            self.daemon_anchor = TextRange::new(root.range.start(), root.range.start() + 1);
            match root.entries() {
                Some(entries) => {
                    for entry in entries {
                        let Some(key) = entry.key.as_str() else {
                            continue;
                        };
                        let value = setting_value(&entry.value);
                        self.settings.push((
                            key.to_owned(),
                            Setting {
                                value,
                                range: entry.value.range,
                                entry: entry.key.range.cover(entry.value.range),
                            },
                        ));
                    }
                }
                None => self.errors.push(SyntaxError {
                    range: root.range,
                    message: format!(
                        "expected an object at the top of daemon.json, found {}",
                        root.describe()
                    ),
                }),
            }
        }
    }

    /// dockerd's flags as settings, in a source of their own (`dockerd --icc=false …`).
    fn add_flags(&mut self, name: &str, args: &[String]) {
        self.settings_from_flags = true;
        let mut text = String::from("dockerd");
        let mut words = Vec::new();
        for arg in args {
            text.push(' ');
            words.push((text.len(), arg.clone()));
            text.push_str(arg);
        }
        let base = self.sources.add(SourceFile::new(name, text));
        let range =
            |at: usize, len: usize| TextRange::new(base + at as u32, base + (at + len) as u32);
        let mut index = 0;
        while index < words.len() {
            let (at, word) = &words[index];
            index += 1;
            // The short flags dockerd has for settings reviewed here.
            let short = match word.as_str() {
                "-H" => Some("host"),
                "-D" => Some("debug"),
                "-s" => Some("storage-driver"),
                "-G" => Some("group"),
                _ => None,
            };
            let Some(flag) = word.strip_prefix("--").or(short) else {
                continue;
            };
            let (flag, inline) = match flag.split_once('=') {
                Some((flag, value)) => (flag, Some(value.to_owned())),
                None => (flag, None),
            };
            let Some((key, kind)) = FLAGS
                .iter()
                .find(|(name, _, _)| *name == flag)
                .map(|(_, key, kind)| (*key, *kind))
            else {
                continue;
            };
            let (value, end) = match (kind, inline) {
                (FlagKind::Bool, Some(value)) => (
                    SettingValue::Bool(yaml::parse_bool(&value).unwrap_or(true)),
                    at + word.len(),
                ),
                (FlagKind::Bool, None) => (SettingValue::Bool(true), at + word.len()),
                (_, Some(value)) => (SettingValue::Text(value), at + word.len()),
                (_, None) => match words.get(index) {
                    Some((value_at, value)) => {
                        index += 1;
                        (SettingValue::Text(value.clone()), value_at + value.len())
                    }
                    None => continue,
                },
            };
            let value = match (kind, value) {
                (FlagKind::List, SettingValue::Text(text)) => {
                    SettingValue::List(vec![Spanned::new(text, range(*at, end - at))])
                }
                (_, value) => value,
            };
            self.settings.push((
                key.to_owned(),
                Setting {
                    value,
                    range: range(*at, end - at),
                    entry: range(*at, end - at),
                },
            ));
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagKind {
    Bool,
    Text,
    List,
}

/// dockerd flags and the daemon.json keys they set.
const FLAGS: &[(&str, &str, FlagKind)] = &[
    ("host", "hosts", FlagKind::List),
    ("tls", "tls", FlagKind::Bool),
    ("tlsverify", "tlsverify", FlagKind::Bool),
    ("tlscacert", "tlscacert", FlagKind::Text),
    ("tlscert", "tlscert", FlagKind::Text),
    ("tlskey", "tlskey", FlagKind::Text),
    ("icc", "icc", FlagKind::Bool),
    ("iptables", "iptables", FlagKind::Bool),
    ("userland-proxy", "userland-proxy", FlagKind::Bool),
    ("live-restore", "live-restore", FlagKind::Bool),
    ("no-new-privileges", "no-new-privileges", FlagKind::Bool),
    ("userns-remap", "userns-remap", FlagKind::Text),
    ("insecure-registry", "insecure-registries", FlagKind::List),
    ("log-level", "log-level", FlagKind::Text),
    ("debug", "debug", FlagKind::Bool),
    ("seccomp-profile", "seccomp-profile", FlagKind::Text),
    ("default-ulimit", "default-ulimits", FlagKind::List),
    (
        "authorization-plugin",
        "authorization-plugins",
        FlagKind::List,
    ),
    ("experimental", "experimental", FlagKind::Bool),
    ("storage-driver", "storage-driver", FlagKind::Text),
    ("group", "group", FlagKind::Text),
    ("data-root", "data-root", FlagKind::Text),
];

fn setting_value(node: &Node) -> SettingValue {
    if let Some(items) = node.items() {
        return SettingValue::List(
            items
                .iter()
                .filter_map(|item| {
                    item.as_str()
                        .map(|text| Spanned::new(text.to_owned(), item.range))
                })
                .collect(),
        );
    }
    if let Some(entries) = node.entries() {
        return SettingValue::Map(
            entries
                .iter()
                .filter_map(|entry| {
                    entry.key.as_str().map(|key| {
                        Spanned::new(key.to_owned(), entry.key.range.cover(entry.value.range))
                    })
                })
                .collect(),
        );
    }
    match node.scalar() {
        Some(scalar) => match (scalar.style, yaml::parse_bool(&scalar.value)) {
            (yaml::Style::Plain, Some(value)) => SettingValue::Bool(value),
            _ => SettingValue::Text(scalar.value.clone()),
        },
        None => SettingValue::Text(String::new()),
    }
}

fn read_info(root: &Node) -> Info {
    let flag = |key: &str| {
        root.get(key)
            .and_then(|node| node.as_bool().map(|value| Spanned::new(value, node.range)))
    };
    let strings = |node: Option<&Node>| -> Vec<Spanned<String>> {
        node.and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|item| {
                item.as_str()
                    .map(|text| Spanned::new(text.to_owned(), item.range))
            })
            .collect()
    };
    let registry = root.get("RegistryConfig");
    let mut insecure: Vec<Spanned<String>> =
        strings(registry.and_then(|config| config.get("InsecureRegistryCIDRs")))
            .into_iter()
            .filter(|cidr| cidr.value != "127.0.0.0/8" && cidr.value != "::1/128")
            .collect();
    if let Some(indexes) = registry
        .and_then(|config| config.get("IndexConfigs"))
        .and_then(Node::entries)
    {
        for entry in indexes {
            let secure = entry.value.get("Secure").and_then(Node::as_bool);
            if secure == Some(false)
                && let Some(name) = entry.key.as_str()
            {
                insecure.push(Spanned::new(name.to_owned(), entry.key.range));
            }
        }
    }
    let plugins = root.get("Plugins");
    Info {
        live_restore: flag("LiveRestoreEnabled"),
        debug: flag("Debug"),
        experimental: flag("ExperimentalBuild"),
        driver: root.get("Driver").and_then(|node| {
            node.as_str()
                .map(|text| Spanned::new(text.to_owned(), node.range))
        }),
        security_options: strings(root.get("SecurityOptions")),
        security_options_key: root.entry("SecurityOptions").map(|entry| entry.key.range),
        insecure_registries: insecure,
        authorization_plugins: strings(plugins.and_then(|node| node.get("Authorization"))),
        plugins_key: root.entry("Plugins").map(|entry| entry.key.range),
        range: root.range,
    }
}

/// The `docker` line of an `/etc/group` text and its members, with ranges.
fn docker_group(text: &str, base: u32) -> Option<(TextRange, Vec<Spanned<String>>)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let mut fields = content.splitn(4, ':');
        if fields.next() != Some("docker") {
            continue;
        }
        let members_at = content.match_indices(':').nth(2).map(|(at, _)| at + 1)?;
        let mut members = Vec::new();
        let mut at = members_at;
        for member in content[members_at..].split(',') {
            let trimmed = member.trim();
            if !trimmed.is_empty() {
                let skip = member.find(trimmed).unwrap_or(0);
                let from = base + (start + at + skip) as u32;
                members.push(Spanned::new(
                    trimmed.to_owned(),
                    TextRange::new(from, from + trimmed.len() as u32),
                ));
            }
            at += member.len() + 1;
        }
        let line_range = TextRange::new(base + start as u32, base + (start + content.len()) as u32);
        return Some((line_range, members));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_lines_give_mode_owner_and_ranges() {
        let line = "srw-rw---- 1 root docker 0 Nov 29 00:35 /var/run/docker.sock";
        let file = FileFacts::parse(line, 100).expect("parses");
        assert_eq!(file.kind, 's');
        assert_eq!(file.mode, 0o660);
        assert_eq!(
            (file.owner.as_str(), file.group.as_str()),
            ("root", "docker")
        );
        assert_eq!(file.path, "/var/run/docker.sock");
        assert_eq!(file.mode_range, TextRange::new(100, 110));
        assert_eq!(
            &line[(file.owner_range.start() - 100) as usize
                ..(file.owner_range.end() - 100) as usize],
            "root docker"
        );
        let setuid =
            FileFacts::parse("-rwsr-xr-T 1 root root 5 Jan  1  2024 /usr/bin/x", 0).unwrap();
        assert_eq!(setuid.mode, 0o5754);
        assert_eq!(setuid.octal(), "5754");
        assert!(FileFacts::parse("garbage", 0).is_none());
    }

    #[test]
    fn daemon_json_and_flags_are_settings_with_ranges() {
        let json = "{\n  \"icc\": false,\n  \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2375\"]\n}\n";
        let facts = HostFacts::load(HostInput {
            daemon_json: Some(SourceFile::new(DAEMON_JSON, json)),
            dockerd_args: Some((
                "dockerd (pid 1)".to_owned(),
                vec![
                    "--live-restore".to_owned(),
                    "-H".to_owned(),
                    "fd://".to_owned(),
                    "--log-level=debug".to_owned(),
                ],
            )),
            ..HostInput::default()
        });
        assert!(facts.errors.is_empty(), "{:?}", facts.errors);
        assert_eq!(facts.bool_setting("icc").map(|s| s.value), Some(false));
        assert_eq!(
            facts.bool_setting("live-restore").map(|s| s.value),
            Some(true)
        );
        assert_eq!(
            facts.text_setting("log-level").map(|s| s.value),
            Some("debug".to_owned())
        );
        let hosts: Vec<String> = facts
            .list_setting("hosts")
            .into_iter()
            .map(|s| s.value)
            .collect();
        assert_eq!(
            hosts,
            ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375", "fd://"]
        );
        let icc = facts.setting("icc").unwrap();
        assert_eq!(facts.sources.text(icc.entry), "\"icc\": false");
        let debug = facts.setting("log-level").unwrap();
        assert_eq!(facts.sources.text(debug.range), "--log-level=debug");
        assert_eq!(facts.sources.text(facts.daemon_anchor), "{");
    }

    #[test]
    fn info_reads_security_options_and_insecure_registries() {
        let info = r#"{"LiveRestoreEnabled": false, "SecurityOptions": ["name=seccomp,profile=builtin"],
            "RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8", "10.0.0.0/8"],
              "IndexConfigs": {"docker.io": {"Secure": true}, "registry.local:5000": {"Secure": false}}},
            "Plugins": {"Authorization": null}, "Driver": "overlay2", "Debug": false}"#;
        let facts = HostFacts::load(HostInput {
            info: Some(SourceFile::new("docker info", info)),
            ..HostInput::default()
        });
        let info = facts.info.expect("info");
        assert_eq!(info.live_restore.map(|s| s.value), Some(false));
        assert_eq!(info.security_options.len(), 1);
        let insecure: Vec<String> = info
            .insecure_registries
            .into_iter()
            .map(|s| s.value)
            .collect();
        assert_eq!(insecure, ["10.0.0.0/8", "registry.local:5000"]);
        assert!(info.authorization_plugins.is_empty());
        assert_eq!(info.driver.map(|s| s.value), Some("overlay2".to_owned()));
        // Without daemon.json, settings to add point at an empty stand-in of its name.
        assert!(!facts.daemon_json_exists);
        assert_eq!(
            facts.sources.file_name(facts.daemon_anchor.start()),
            DAEMON_JSON
        );
    }

    #[test]
    fn the_docker_group_line_and_members() {
        let group = "root:x:0:\ndocker:x:999:alice, bob\nusers:x:100:carol\n";
        let facts = HostFacts::load(HostInput {
            group: Some(SourceFile::new("/etc/group", group)),
            ..HostInput::default()
        });
        let (line, members) = facts.docker_group.expect("a docker group");
        assert_eq!(facts.sources.text(line), "docker:x:999:alice, bob");
        let names: Vec<&str> = members
            .iter()
            .map(|m| facts.sources.text(m.range))
            .collect();
        assert_eq!(names, ["alice", "bob"]);
    }
}
