//! The Docker/OCI seccomp profile format (what `--security-opt seccomp=profile.json` reads),
//! read the way the engine reads it, with the position of every value.
//!
//! dockerd decodes a profile with Go's `encoding/json` into moby's `Seccomp` type, and that
//! decoder sets the rules this reader follows: object keys match field names ignoring case (an
//! exact match preferred), unknown keys are ignored, `null` leaves a field unset, a value of the
//! wrong type (a number for `action`, `-1` for `index`) refuses the whole profile, and so does a
//! `minKernel` that is not `"<kernel>.<major>"`. So [`Profile::parse`] refuses exactly what the
//! decoder refuses, and nothing more; what the engine refuses later (an unknown action, both
//! `name` and `names`, …) or silently ignores (an unknown key, an unknown syscall name) is left
//! to `lint`, which has the positions to point at: [`SpannedProfile`] records the byte range of
//! every value. `serde_json` gives no value positions, so the text is walked here (a small JSON
//! reader over text that `serde_json` has already accepted, so syntax errors keep its messages).

use cofferdam_diagnostics::TextRange;
use serde::{Deserialize, Serialize};

/// Docker's default profile (moby/profiles `seccomp/default.json`; see `data/NOTICE.md`).
pub const DOCKER_DEFAULT_JSON: &str = include_str!("../data/docker-default.json");

/// A seccomp profile. Actions, operators and architectures are kept as written, because the
/// decoder accepts any string there and `lint` must be able to point at a wrong one; the typed
/// views are [`Rule::action_kind`], [`Arg::op_kind`] and [`Profile::default_action_kind`].
///
/// Serialisation writes Docker's format. The `Deserialize` implementation is serde's strict
/// camelCase reading; [`Profile::parse`] is the one that reads as the engine does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub default_action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_errno_ret: Option<u32>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub architectures: Vec<String>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub arch_map: Vec<ArchMap>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub syscalls: Vec<Rule>,
}

/// One `archMap` entry: on a host of `architecture`, the filter also covers the
/// sub-architectures (the 32-bit ABIs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchMap {
    pub architecture: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub sub_architectures: Vec<String>,
}

/// One rule: names, an action, and the conditions under which it applies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    #[serde(default, deserialize_with = "null_as_default")]
    pub names: Vec<String>,
    /// The pre-2016 single-name spelling; the engine refuses a rule with both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errno_ret: Option<u32>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub args: Vec<Arg>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Filter::is_empty"
    )]
    pub includes: Filter,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Filter::is_empty"
    )]
    pub excludes: Filter,
}

impl Rule {
    /// Every name the rule covers, in either spelling (`names` first).
    pub fn all_names(&self) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .map(String::as_str)
            .chain(self.name.as_deref())
    }

    /// The action, if it is one the engine knows.
    pub fn action_kind(&self) -> Option<Action> {
        Action::parse(&self.action)
    }
}

/// A condition on an argument: `args[index] op value` (for `SCMP_CMP_MASKED_EQ`,
/// `args[index] & value == valueTwo`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Arg {
    pub index: u32,
    pub value: u64,
    #[serde(default)]
    pub value_two: u64,
    pub op: String,
}

impl Arg {
    /// The operator, if it is one the engine knows.
    pub fn op_kind(&self) -> Option<Op> {
        Op::parse(&self.op)
    }

    /// Whether the syscall's arguments satisfy this condition; an unknown operator or an index
    /// past the sixth argument never does.
    pub fn matches(&self, args: &[u64; 6]) -> bool {
        let Some(&actual) = usize::try_from(self.index)
            .ok()
            .and_then(|index| args.get(index))
        else {
            return false;
        };
        self.op_kind()
            .is_some_and(|op| op.compare(actual, self.value, self.value_two))
    }
}

/// `includes` / `excludes`: capabilities, architectures and a minimum kernel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub caps: Vec<String>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub arches: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_kernel: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.caps.is_empty() && self.arches.is_empty() && self.min_kernel.is_none()
    }
}

/// Docker writes `null` for empty lists and filters; read it as the empty value.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// What the filter does with a matching syscall (libseccomp's `SCMP_ACT_*`, as runc accepts
/// them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// `SCMP_ACT_KILL` or `SCMP_ACT_KILL_THREAD`: the thread is killed.
    KillThread,
    /// `SCMP_ACT_KILL_PROCESS`.
    KillProcess,
    /// `SCMP_ACT_TRAP`: `SIGSYS`.
    Trap,
    /// `SCMP_ACT_ERRNO`: the call fails with `errnoRet` (EPERM when absent).
    Errno,
    /// `SCMP_ACT_TRACE`: a ptrace tracer decides; without one the call fails with ENOSYS.
    Trace,
    /// `SCMP_ACT_ALLOW`.
    Allow,
    /// `SCMP_ACT_LOG`: allowed and logged.
    Log,
    /// `SCMP_ACT_NOTIFY`: a user-space supervisor decides.
    Notify,
}

impl Action {
    /// Every spelling runc accepts (`libcontainer/seccomp/config.go`).
    pub const NAMES: [&'static str; 9] = [
        "SCMP_ACT_KILL",
        "SCMP_ACT_KILL_PROCESS",
        "SCMP_ACT_KILL_THREAD",
        "SCMP_ACT_TRAP",
        "SCMP_ACT_ERRNO",
        "SCMP_ACT_TRACE",
        "SCMP_ACT_ALLOW",
        "SCMP_ACT_LOG",
        "SCMP_ACT_NOTIFY",
    ];

    /// The action of an exact `SCMP_ACT_*` name (runc compares case-sensitively).
    pub fn parse(text: &str) -> Option<Action> {
        Some(match text {
            "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" => Action::KillThread,
            "SCMP_ACT_KILL_PROCESS" => Action::KillProcess,
            "SCMP_ACT_TRAP" => Action::Trap,
            "SCMP_ACT_ERRNO" => Action::Errno,
            "SCMP_ACT_TRACE" => Action::Trace,
            "SCMP_ACT_ALLOW" => Action::Allow,
            "SCMP_ACT_LOG" => Action::Log,
            "SCMP_ACT_NOTIFY" => Action::Notify,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Action::KillThread => "SCMP_ACT_KILL_THREAD",
            Action::KillProcess => "SCMP_ACT_KILL_PROCESS",
            Action::Trap => "SCMP_ACT_TRAP",
            Action::Errno => "SCMP_ACT_ERRNO",
            Action::Trace => "SCMP_ACT_TRACE",
            Action::Allow => "SCMP_ACT_ALLOW",
            Action::Log => "SCMP_ACT_LOG",
            Action::Notify => "SCMP_ACT_NOTIFY",
        }
    }

    /// Whether the call runs (`ALLOW`, `LOG`).
    pub fn allows(self) -> bool {
        matches!(self, Action::Allow | Action::Log)
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How an argument is compared (libseccomp's `SCMP_CMP_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Ne,
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
    /// `arg & value == valueTwo`.
    MaskedEq,
}

impl Op {
    pub const NAMES: [&'static str; 7] = [
        "SCMP_CMP_NE",
        "SCMP_CMP_LT",
        "SCMP_CMP_LE",
        "SCMP_CMP_EQ",
        "SCMP_CMP_GE",
        "SCMP_CMP_GT",
        "SCMP_CMP_MASKED_EQ",
    ];

    pub fn parse(text: &str) -> Option<Op> {
        Some(match text {
            "SCMP_CMP_NE" => Op::Ne,
            "SCMP_CMP_LT" => Op::Lt,
            "SCMP_CMP_LE" => Op::Le,
            "SCMP_CMP_EQ" => Op::Eq,
            "SCMP_CMP_GE" => Op::Ge,
            "SCMP_CMP_GT" => Op::Gt,
            "SCMP_CMP_MASKED_EQ" => Op::MaskedEq,
            _ => return None,
        })
    }

    /// `actual op value` (or `actual & value == value_two`).
    pub fn compare(self, actual: u64, value: u64, value_two: u64) -> bool {
        match self {
            Op::Ne => actual != value,
            Op::Lt => actual < value,
            Op::Le => actual <= value,
            Op::Eq => actual == value,
            Op::Ge => actual >= value,
            Op::Gt => actual > value,
            Op::MaskedEq => actual & value == value_two,
        }
    }
}

/// Why the engine could not decode a profile, with the 1-based position of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileError {
    pub line: usize,
    pub column: usize,
    /// The bytes at fault (empty at the end of the text).
    pub range: TextRange,
    pub message: String,
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ProfileError {}

impl Profile {
    /// Reads a profile as dockerd decodes it; see the module documentation.
    pub fn parse(text: &str) -> Result<Profile, ProfileError> {
        SpannedProfile::parse(text).map(|spanned| spanned.profile)
    }

    /// Docker's default profile, parsed.
    pub fn docker_default() -> Profile {
        crate::default::docker_default().clone()
    }

    /// The default action, if it is one the engine knows.
    pub fn default_action_kind(&self) -> Option<Action> {
        Action::parse(&self.default_action)
    }

    /// The architectures the filter covers on a host of `arch`: `architectures` as written,
    /// plus the `archMap` entry of that architecture with its sub-architectures (moby's
    /// `setupSeccomp`). Empty means the native ABI only.
    pub fn architectures_for(&self, arch: crate::arch::Arch) -> Vec<String> {
        let mut out = self.architectures.clone();
        if let Some(map) = self
            .arch_map
            .iter()
            .find(|map| map.architecture == arch.seccomp_name())
        {
            out.push(map.architecture.clone());
            out.extend(map.sub_architectures.iter().cloned());
        }
        out
    }
}

/// A profile with the byte range of each value it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpannedProfile {
    pub profile: Profile,
    pub spans: ProfileSpans,
}

/// Where each value of a [`Profile`] is written. Lists are parallel to the profile's lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileSpans {
    /// The whole document.
    pub root: TextRange,
    pub default_action: Option<TextRange>,
    pub architectures: Vec<TextRange>,
    pub arch_map: Vec<ArchMapSpans>,
    /// `flags` (`SECCOMP_FILTER_FLAG_*`), which the model does not keep: values and ranges.
    pub flags: Vec<(String, TextRange)>,
    /// The `syscalls` key, when present.
    pub syscalls_key: Option<TextRange>,
    pub rules: Vec<RuleSpans>,
    /// Keys the engine ignores, anywhere in the document.
    pub unknown_fields: Vec<UnknownField>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArchMapSpans {
    pub architecture: Option<TextRange>,
    pub sub_architectures: Vec<TextRange>,
}

/// Where one rule's values are written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSpans {
    /// The rule object.
    pub rule: TextRange,
    /// Parallel to [`Rule::all_names`]: `names` first, then `name`.
    pub names: Vec<TextRange>,
    pub action: Option<TextRange>,
    pub errno_ret: Option<TextRange>,
    /// Both `name` and `names` keys, when both are written (the engine refuses that).
    pub name_and_names: Option<(TextRange, TextRange)>,
    pub args: Vec<ArgSpans>,
    pub includes: FilterSpans,
    pub excludes: FilterSpans,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArgSpans {
    pub arg: TextRange,
    pub index: Option<TextRange>,
    pub op: Option<TextRange>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilterSpans {
    pub caps: Vec<TextRange>,
    pub arches: Vec<TextRange>,
    pub min_kernel: Option<TextRange>,
}

/// A key the engine ignores, with the dotted path of the object it is in (`syscalls[3].includes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownField {
    pub path: String,
    pub key: String,
    pub range: TextRange,
    /// The known key it most likely meant, when one is close.
    pub suggestion: Option<&'static str>,
}

impl SpannedProfile {
    /// Reads a profile as dockerd decodes it, keeping positions.
    pub fn parse(text: &str) -> Result<SpannedProfile, ProfileError> {
        if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            let offset = offset_of(text, error.line(), error.column());
            return Err(ProfileError {
                line: error.line(),
                column: error.column(),
                range: TextRange::from_usize(offset, offset),
                // serde_json appends " at line L column C"; the position is reported apart.
                message: error
                    .to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
        let root = json::parse(text).map_err(|(at, message)| error_at(text, at, message))?;
        let mut decoder = Decoder {
            spans: ProfileSpans {
                root: root.range,
                ..ProfileSpans::default()
            },
        };
        let profile = decoder
            .profile(&root)
            .map_err(|(range, message)| error_at(text, range, message))?;
        Ok(SpannedProfile {
            profile,
            spans: decoder.spans,
        })
    }
}

fn error_at(text: &str, range: TextRange, message: String) -> ProfileError {
    let (line, column) = line_column(text, range.start() as usize);
    ProfileError {
        line,
        column,
        range,
        message,
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The byte offset of `serde_json`'s 1-based line and column (a column of 0 is the line's end).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut offset = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

type DecodeResult<T> = Result<T, (TextRange, String)>;

/// Builds the model from the JSON tree with Go's decoding rules, recording spans.
struct Decoder {
    spans: ProfileSpans,
}

/// The keys of each object type, as the Go structs spell them.
const PROFILE_KEYS: &[&str] = &[
    "defaultAction",
    "defaultErrnoRet",
    "architectures",
    "archMap",
    "flags",
    "listenerPath",
    "listenerMetadata",
    "syscalls",
];
const ARCH_MAP_KEYS: &[&str] = &["architecture", "subArchitectures"];
const RULE_KEYS: &[&str] = &[
    "names", "action", "errnoRet", "args", "name", "comment", "includes", "excludes",
];
const ARG_KEYS: &[&str] = &["index", "value", "valueTwo", "op"];
const FILTER_KEYS: &[&str] = &["caps", "arches", "minKernel"];

impl Decoder {
    /// The fields of an object as Go assigns them: each key goes to the field it names exactly,
    /// else to one it names ignoring case; later keys overwrite earlier ones; unknown keys are
    /// recorded and skipped.
    fn fields<'n>(
        &mut self,
        node: &'n json::Node,
        known: &'static [&'static str],
        path: &str,
        what: &str,
    ) -> DecodeResult<Vec<(&'static str, TextRange, &'n json::Node)>> {
        let json::Value::Object(members) = &node.value else {
            return Err((
                node.range,
                format!("{what} must be an object, found {}", node.value.kind()),
            ));
        };
        let mut out = Vec::with_capacity(members.len());
        for (key, key_range, value) in members {
            let field = known
                .iter()
                .find(|field| **field == key)
                .or_else(|| known.iter().find(|field| field.eq_ignore_ascii_case(key)));
            match field {
                Some(field) => {
                    out.retain(|(name, _, _): &(&str, _, _)| name != field);
                    out.push((*field, *key_range, value));
                }
                None => self.spans.unknown_fields.push(UnknownField {
                    path: path.to_owned(),
                    key: key.clone(),
                    range: *key_range,
                    suggestion: closest(key, known),
                }),
            }
        }
        Ok(out)
    }

    fn profile(&mut self, root: &json::Node) -> DecodeResult<Profile> {
        let mut profile = Profile::default();
        if matches!(root.value, json::Value::Null) {
            return Ok(profile);
        }
        for (field, key_range, value) in self.fields(root, PROFILE_KEYS, "", "a seccomp profile")? {
            match field {
                "defaultAction" => {
                    if let Some(text) = string(value, field)? {
                        profile.default_action = text;
                        self.spans.default_action = Some(value.range);
                    }
                }
                "defaultErrnoRet" => profile.default_errno_ret = unsigned(value, field)?,
                "architectures" => {
                    let (values, ranges) = strings(value, field)?;
                    profile.architectures = values;
                    self.spans.architectures = ranges;
                }
                "archMap" => {
                    profile.arch_map.clear();
                    self.spans.arch_map.clear();
                    for (index, item) in array(value, field)?.iter().enumerate() {
                        let path = format!("archMap[{index}]");
                        let (map, spans) = self.arch_map(item, &path)?;
                        profile.arch_map.push(map);
                        self.spans.arch_map.push(spans);
                    }
                }
                "flags" => {
                    let (values, ranges) = strings(value, field)?;
                    self.spans.flags = values.into_iter().zip(ranges).collect();
                }
                "listenerPath" | "listenerMetadata" => {
                    string(value, field)?;
                }
                "syscalls" => {
                    self.spans.syscalls_key = Some(key_range);
                    profile.syscalls.clear();
                    self.spans.rules.clear();
                    for (index, item) in array(value, field)?.iter().enumerate() {
                        if matches!(item.value, json::Value::Null) {
                            // `[]*Syscall` decodes null as a nil rule, which dockerd then
                            // dereferences.
                            return Err((
                                item.range,
                                "a rule is null: the engine fails on it".to_owned(),
                            ));
                        }
                        let (rule, spans) = self.rule(item, &format!("syscalls[{index}]"))?;
                        profile.syscalls.push(rule);
                        self.spans.rules.push(spans);
                    }
                }
                _ => {}
            }
        }
        Ok(profile)
    }

    fn arch_map(&mut self, node: &json::Node, path: &str) -> DecodeResult<(ArchMap, ArchMapSpans)> {
        let mut map = ArchMap::default();
        let mut spans = ArchMapSpans::default();
        if matches!(node.value, json::Value::Null) {
            return Ok((map, spans));
        }
        for (field, _, value) in self.fields(node, ARCH_MAP_KEYS, path, "an archMap entry")? {
            match field {
                "architecture" => {
                    if let Some(text) = string(value, field)? {
                        map.architecture = text;
                        spans.architecture = Some(value.range);
                    }
                }
                "subArchitectures" => {
                    let (values, ranges) = strings(value, field)?;
                    map.sub_architectures = values;
                    spans.sub_architectures = ranges;
                }
                _ => {}
            }
        }
        Ok((map, spans))
    }

    fn rule(&mut self, node: &json::Node, path: &str) -> DecodeResult<(Rule, RuleSpans)> {
        let mut rule = Rule::default();
        let mut spans = RuleSpans {
            rule: node.range,
            ..RuleSpans::default()
        };
        let mut names_spans = Vec::new();
        let mut name_span = None;
        let mut list_key = None;
        let mut name_key = None;
        for (field, key_range, value) in self.fields(node, RULE_KEYS, path, "a rule")? {
            match field {
                "names" => {
                    let (values, ranges) = strings(value, field)?;
                    rule.names = values;
                    names_spans = ranges;
                    list_key = Some(key_range);
                }
                "name" => {
                    // Go's `Name string` with `omitempty`: an empty name is no name.
                    rule.name = string(value, field)?.filter(|name| !name.is_empty());
                    name_span = rule.name.as_ref().map(|_| value.range);
                    name_key = rule.name.as_ref().map(|_| key_range);
                }
                "action" => {
                    if let Some(text) = string(value, field)? {
                        rule.action = text;
                        spans.action = Some(value.range);
                    }
                }
                "errnoRet" => {
                    rule.errno_ret = unsigned(value, field)?;
                    spans.errno_ret = rule.errno_ret.map(|_| value.range);
                }
                "comment" => rule.comment = string(value, field)?,
                "args" => {
                    rule.args.clear();
                    spans.args.clear();
                    for (index, item) in array(value, field)?.iter().enumerate() {
                        let (arg, arg_spans) = self.arg(item, &format!("{path}.args[{index}]"))?;
                        rule.args.push(arg);
                        spans.args.push(arg_spans);
                    }
                }
                "includes" | "excludes" => {
                    let (filter, filter_spans) = self.filter(value, &format!("{path}.{field}"))?;
                    if field == "includes" {
                        rule.includes = filter;
                        spans.includes = filter_spans;
                    } else {
                        rule.excludes = filter;
                        spans.excludes = filter_spans;
                    }
                }
                _ => {}
            }
        }
        if let (Some(names), Some(name)) = (list_key, name_key)
            && !rule.names.is_empty()
        {
            spans.name_and_names = Some((names, name));
        }
        spans.names = names_spans;
        spans.names.extend(name_span);
        Ok((rule, spans))
    }

    fn arg(&mut self, node: &json::Node, path: &str) -> DecodeResult<(Arg, ArgSpans)> {
        let mut arg = Arg::default();
        let mut spans = ArgSpans {
            arg: node.range,
            ..ArgSpans::default()
        };
        if matches!(node.value, json::Value::Null) {
            return Ok((arg, spans));
        }
        for (field, _, value) in self.fields(node, ARG_KEYS, path, "an argument condition")? {
            match field {
                "index" => {
                    if let Some(index) = unsigned(value, field)? {
                        arg.index = index;
                        spans.index = Some(value.range);
                    }
                }
                "value" => arg.value = unsigned64(value, field)?.unwrap_or(arg.value),
                "valueTwo" => arg.value_two = unsigned64(value, field)?.unwrap_or(arg.value_two),
                "op" => {
                    if let Some(text) = string(value, field)? {
                        arg.op = text;
                        spans.op = Some(value.range);
                    }
                }
                _ => {}
            }
        }
        Ok((arg, spans))
    }

    fn filter(&mut self, node: &json::Node, path: &str) -> DecodeResult<(Filter, FilterSpans)> {
        let mut filter = Filter::default();
        let mut spans = FilterSpans::default();
        if matches!(node.value, json::Value::Null) {
            return Ok((filter, spans));
        }
        for (field, _, value) in self.fields(node, FILTER_KEYS, path, "`includes`/`excludes`")? {
            match field {
                "caps" => (filter.caps, spans.caps) = strings(value, field)?,
                "arches" => (filter.arches, spans.arches) = strings(value, field)?,
                "minKernel" => {
                    if matches!(value.value, json::Value::Null) {
                        continue;
                    }
                    let Some(text) = string(value, field)? else {
                        continue;
                    };
                    if !text.is_empty() {
                        crate::resolve::Kernel::parse_min(&text)
                            .map_err(|why| (value.range, why))?;
                    }
                    filter.min_kernel = Some(text);
                    spans.min_kernel = Some(value.range);
                }
                _ => {}
            }
        }
        Ok((filter, spans))
    }
}

/// A string field; `null` leaves it unset.
fn string(node: &json::Node, field: &str) -> DecodeResult<Option<String>> {
    match &node.value {
        json::Value::String(text) => Ok(Some(text.clone())),
        json::Value::Null => Ok(None),
        other => Err((
            node.range,
            format!("`{field}` must be a string, found {}", other.kind()),
        )),
    }
}

/// An array field; `null` is the empty list.
fn array<'n>(node: &'n json::Node, field: &str) -> DecodeResult<&'n [json::Node]> {
    match &node.value {
        json::Value::Array(items) => Ok(items),
        json::Value::Null => Ok(&[]),
        other => Err((
            node.range,
            format!("`{field}` must be a list, found {}", other.kind()),
        )),
    }
}

/// A list of strings; a `null` element decodes as the empty string, as Go does.
fn strings(node: &json::Node, field: &str) -> DecodeResult<(Vec<String>, Vec<TextRange>)> {
    let items = array(node, field)?;
    let mut values = Vec::with_capacity(items.len());
    let mut ranges = Vec::with_capacity(items.len());
    for item in items {
        values.push(string(item, field)?.unwrap_or_default());
        ranges.push(item.range);
    }
    Ok((values, ranges))
}

/// A non-negative integer field (Go's `uint`), here at most `u32::MAX`.
fn unsigned(node: &json::Node, field: &str) -> DecodeResult<Option<u32>> {
    unsigned64(node, field)?
        .map(|value| {
            u32::try_from(value)
                .map_err(|_| (node.range, format!("`{field}` is out of range: {value}")))
        })
        .transpose()
}

fn unsigned64(node: &json::Node, field: &str) -> DecodeResult<Option<u64>> {
    match &node.value {
        json::Value::Number(text) => text.parse::<u64>().map(Some).map_err(|_| {
            (
                node.range,
                format!("`{field}` must be a non-negative integer, found {text}"),
            )
        }),
        json::Value::Null => Ok(None),
        other => Err((
            node.range,
            format!("`{field}` must be a number, found {}", other.kind()),
        )),
    }
}

/// The known key closest to a misspelt one: a small edit distance, or a long shared prefix
/// (`capabilities` for `caps`).
fn closest(key: &str, known: &'static [&'static str]) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    known
        .iter()
        .filter_map(|candidate| {
            let candidate_lower = candidate.to_ascii_lowercase();
            let distance = edit_distance(&lower, &candidate_lower);
            let prefix = lower
                .chars()
                .zip(candidate_lower.chars())
                .take_while(|(a, b)| a == b)
                .count();
            (distance <= 2.max(key.len() / 4) || prefix >= 3 && prefix * 4 >= candidate.len() * 3)
                .then_some((distance, *candidate))
        })
        .min()
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            current[j + 1] = (previous[j] + usize::from(ca != *cb))
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// A JSON reader that keeps the byte range of every value and key. It runs on text `serde_json`
/// has accepted, so its own errors are a safety net rather than the messages users see.
mod json {
    use cofferdam_diagnostics::TextRange;

    #[derive(Debug)]
    pub(super) struct Node {
        pub(super) range: TextRange,
        pub(super) value: Value,
    }

    #[derive(Debug)]
    pub(super) enum Value {
        Null,
        Bool,
        /// The literal as written.
        Number(String),
        String(String),
        Array(Vec<Node>),
        /// Members in document order: key, key range (with quotes), value.
        Object(Vec<(String, TextRange, Node)>),
    }

    impl Value {
        pub(super) fn kind(&self) -> &'static str {
            match self {
                Value::Null => "null",
                Value::Bool => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                Value::Array(_) => "a list",
                Value::Object(_) => "an object",
            }
        }
    }

    type Result<T> = std::result::Result<T, (TextRange, String)>;

    pub(super) fn parse(text: &str) -> Result<Node> {
        let mut reader = Reader {
            bytes: text.as_bytes(),
            text,
            at: 0,
            depth: 0,
        };
        reader.skip_space();
        let node = reader.value()?;
        reader.skip_space();
        if reader.at != reader.bytes.len() {
            return Err(reader.error("trailing characters"));
        }
        Ok(node)
    }

    struct Reader<'a> {
        bytes: &'a [u8],
        text: &'a str,
        at: usize,
        depth: usize,
    }

    impl Reader<'_> {
        fn error(&self, message: &str) -> (TextRange, String) {
            (TextRange::from_usize(self.at, self.at), message.to_owned())
        }

        fn skip_space(&mut self) {
            while self
                .bytes
                .get(self.at)
                .is_some_and(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
            {
                self.at += 1;
            }
        }

        fn value(&mut self) -> Result<Node> {
            let start = self.at;
            let value = match self.bytes.get(self.at) {
                Some(b'{') => self.object()?,
                Some(b'[') => self.array()?,
                Some(b'"') => Value::String(self.string()?),
                Some(b't') => self.literal("true", Value::Bool)?,
                Some(b'f') => self.literal("false", Value::Bool)?,
                Some(b'n') => self.literal("null", Value::Null)?,
                Some(b'-' | b'0'..=b'9') => {
                    while self.bytes.get(self.at).is_some_and(|byte| {
                        matches!(byte, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    }) {
                        self.at += 1;
                    }
                    Value::Number(self.text[start..self.at].to_owned())
                }
                _ => return Err(self.error("expected a value")),
            };
            Ok(Node {
                range: TextRange::from_usize(start, self.at),
                value,
            })
        }

        fn literal(&mut self, word: &str, value: Value) -> Result<Value> {
            if self.text[self.at..].starts_with(word) {
                self.at += word.len();
                Ok(value)
            } else {
                Err(self.error("expected a value"))
            }
        }

        fn enter(&mut self) -> Result<()> {
            // serde_json stops at 128 levels; so does this reader, so it cannot overflow.
            self.depth += 1;
            if self.depth > 128 {
                return Err(self.error("nested too deeply"));
            }
            Ok(())
        }

        fn array(&mut self) -> Result<Value> {
            self.enter()?;
            self.at += 1;
            let mut items = Vec::new();
            self.skip_space();
            if self.bytes.get(self.at) == Some(&b']') {
                self.at += 1;
                self.depth -= 1;
                return Ok(Value::Array(items));
            }
            loop {
                self.skip_space();
                items.push(self.value()?);
                self.skip_space();
                match self.bytes.get(self.at) {
                    Some(b',') => self.at += 1,
                    Some(b']') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.error("expected `,` or `]`")),
                }
            }
            self.depth -= 1;
            Ok(Value::Array(items))
        }

        fn object(&mut self) -> Result<Value> {
            self.enter()?;
            self.at += 1;
            let mut members = Vec::new();
            self.skip_space();
            if self.bytes.get(self.at) == Some(&b'}') {
                self.at += 1;
                self.depth -= 1;
                return Ok(Value::Object(members));
            }
            loop {
                self.skip_space();
                if self.bytes.get(self.at) != Some(&b'"') {
                    return Err(self.error("expected a key"));
                }
                let key_start = self.at;
                let key = self.string()?;
                let key_range = TextRange::from_usize(key_start, self.at);
                self.skip_space();
                if self.bytes.get(self.at) != Some(&b':') {
                    return Err(self.error("expected `:`"));
                }
                self.at += 1;
                self.skip_space();
                let value = self.value()?;
                members.push((key, key_range, value));
                self.skip_space();
                match self.bytes.get(self.at) {
                    Some(b',') => self.at += 1,
                    Some(b'}') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.error("expected `,` or `}`")),
                }
            }
            self.depth -= 1;
            Ok(Value::Object(members))
        }

        /// A string literal starting at the opening quote, unescaped.
        fn string(&mut self) -> Result<String> {
            self.at += 1;
            let mut out = String::new();
            loop {
                let Some(rest) = self.text.get(self.at..) else {
                    return Err(self.error("unterminated string"));
                };
                let Some(stop) = rest.find(['"', '\\']) else {
                    return Err(self.error("unterminated string"));
                };
                out.push_str(&rest[..stop]);
                self.at += stop;
                if self.bytes[self.at] == b'"' {
                    self.at += 1;
                    return Ok(out);
                }
                let escape = self.bytes.get(self.at + 1).copied();
                self.at += 2;
                match escape {
                    Some(b'"') => out.push('"'),
                    Some(b'\\') => out.push('\\'),
                    Some(b'/') => out.push('/'),
                    Some(b'b') => out.push('\u{8}'),
                    Some(b'f') => out.push('\u{c}'),
                    Some(b'n') => out.push('\n'),
                    Some(b'r') => out.push('\r'),
                    Some(b't') => out.push('\t'),
                    Some(b'u') => {
                        let high = self.hex4()?;
                        let code = if (0xD800..0xDC00).contains(&high)
                            && self.text[self.at..].starts_with("\\u")
                        {
                            self.at += 2;
                            let low = self.hex4()?;
                            0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF)
                        } else {
                            high
                        };
                        // Go replaces an invalid code point with U+FFFD; so does this.
                        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    }
                    _ => return Err(self.error("invalid escape")),
                }
            }
        }

        fn hex4(&mut self) -> Result<u32> {
            let digits = self
                .text
                .get(self.at..self.at + 4)
                .ok_or_else(|| self.error("invalid \\u escape"))?;
            let value =
                u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))?;
            self.at += 4;
            Ok(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Action, Arg, Op, Profile, SpannedProfile};

    #[test]
    fn reads_dockers_default() {
        let spanned = SpannedProfile::parse(super::DOCKER_DEFAULT_JSON).unwrap();
        let profile = &spanned.profile;
        assert_eq!(profile.default_action_kind(), Some(Action::Errno));
        assert_eq!(profile.default_errno_ret, Some(1));
        assert_eq!(profile.syscalls.len(), 33);
        assert_eq!(profile.syscalls[0].names.len(), 361);
        assert!(spanned.spans.unknown_fields.is_empty());
        // Spans point at the literals.
        let first = &spanned.spans.rules[0];
        let range = first.names[0];
        assert_eq!(
            &super::DOCKER_DEFAULT_JSON[range.start() as usize..range.end() as usize],
            format!("\"{}\"", profile.syscalls[0].names[0])
        );
        assert_eq!(
            serde_json::from_str::<Profile>(super::DOCKER_DEFAULT_JSON).unwrap(),
            *profile
        );
    }

    #[test]
    fn decodes_as_go_does() {
        // Keys ignore case, unknown keys are ignored (and recorded), null is unset, later
        // keys win.
        let text = r#"{"DefaultAction": "SCMP_ACT_ERRNO", "defaultaction": "SCMP_ACT_ALLOW",
            "architectures": null, "flags": ["SECCOMP_FILTER_FLAG_LOG"], "comment": "x",
            "syscalls": [{"Names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": null,
            "includes": {"capabilities": ["CAP_SYS_ADMIN"]}, "excludes": null}]}"#;
        let spanned = SpannedProfile::parse(text).unwrap();
        let profile = &spanned.profile;
        assert_eq!(profile.default_action, "SCMP_ACT_ALLOW");
        assert_eq!(profile.syscalls[0].names, ["read"]);
        assert!(profile.syscalls[0].includes.is_empty());
        let unknown: Vec<(&str, &str, Option<&str>)> = spanned
            .spans
            .unknown_fields
            .iter()
            .map(|field| (field.path.as_str(), field.key.as_str(), field.suggestion))
            .collect();
        assert_eq!(
            unknown,
            [
                ("", "comment", None),
                ("syscalls[0].includes", "capabilities", Some("caps")),
            ]
        );
        assert_eq!(spanned.spans.flags[0].0, "SECCOMP_FILTER_FLAG_LOG");
        // `null` and `{}` are profiles with nothing in them (the engine then disables seccomp).
        assert_eq!(Profile::parse("null").unwrap(), Profile::default());
        assert_eq!(Profile::parse("{}").unwrap(), Profile::default());
    }

    #[test]
    fn refuses_what_the_decoder_refuses() {
        for (text, line, column, message) in [
            ("{\"defaultAction\": \n", 2, 0, "EOF while parsing a value"),
            (
                "{\"defaultAction\": 1}",
                1,
                19,
                "`defaultAction` must be a string",
            ),
            (
                "{\"syscalls\": [{\"names\": [\"x\"], \"args\": [{\"index\": -1}]}]}",
                1,
                51,
                "`index` must be a non-negative integer",
            ),
            (
                "{\"syscalls\": [{\"includes\": {\"minKernel\": \"4.8.1\"}}]}",
                1,
                42,
                "invalid kernel version",
            ),
            ("{\"syscalls\": [null]}", 1, 15, "a rule is null"),
            ("[]", 1, 1, "a seccomp profile must be an object"),
        ] {
            let error = Profile::parse(text).unwrap_err();
            assert_eq!(
                (error.line, error.column),
                (line, column),
                "{text}: {error}"
            );
            assert!(error.message.starts_with(message), "{text}: {error}");
        }
    }

    #[test]
    fn actions_and_operators() {
        assert_eq!(Action::parse("SCMP_ACT_KILL"), Some(Action::KillThread));
        assert_eq!(Action::parse("scmp_act_allow"), None);
        assert!(Action::Log.allows() && !Action::Trace.allows());
        assert!(
            Action::NAMES
                .iter()
                .all(|name| Action::parse(name).is_some())
        );
        assert!(Op::NAMES.iter().all(|name| Op::parse(name).is_some()));
        // Docker's clone rule: no namespace flags.
        let clone = Arg {
            index: 0,
            value: 0x7E02_0000,
            value_two: 0,
            op: "SCMP_CMP_MASKED_EQ".to_owned(),
        };
        assert!(clone.matches(&[0x0001_1200, 0, 0, 0, 0, 0]));
        assert!(!clone.matches(&[0x1000_0000, 0, 0, 0, 0, 0]));
        let bad_index = Arg {
            index: 6,
            op: "SCMP_CMP_EQ".to_owned(),
            ..clone
        };
        assert!(!bad_index.matches(&[0; 6]));
    }
}
