//! YAML with byte ranges on every node: the syntax under compose files (and, later, CI YAML and
//! JSON inputs, since JSON is YAML).
//!
//! saphyr-parser does the scanning; this module builds our own tree from its events because the
//! linter needs three things its loaders do not give: byte (not character) offsets, aliases that
//! keep the ranges of the anchored node they copy, and `<<` merge keys (which YAML 1.2 dropped
//! but compose files rely on). A value reached through an alias or a merge key therefore points
//! at the line where it is written, which is where a user would change it.
//!
//! Ranges are offset by a `base` so that several files of one compose project share one address
//! space (see `model::compose::SourceMap`).

use std::collections::HashMap;

use cofferdam_diagnostics::TextRange;
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::syntax::dockerfile::SyntaxError;

/// Aliases may not expand into more nodes than this (a "billion laughs" document would otherwise
/// exhaust memory).
const ALIAS_NODE_BUDGET: usize = 1_000_000;

/// A parsed YAML document.
#[derive(Clone, Debug, Default)]
pub struct Yaml {
    /// The first document's root; `None` for an empty file or when scanning failed early.
    pub root: Option<Node>,
    pub errors: Vec<SyntaxError>,
}

/// One node with the byte range of its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub range: TextRange,
    pub kind: Kind,
    /// A local tag such as compose's `!reset` or `!override`, without the `!`.
    pub tag: Option<Box<str>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Scalar(Scalar),
    Mapping(Vec<Entry>),
    Sequence(Vec<Node>),
}

/// A scalar's value after YAML unescaping, and how it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    pub value: String,
    pub style: Style,
    /// The value as written, when interpolation changed it (`${DB_PASSWORD}`).
    pub original: Option<Box<str>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
}

/// One key/value pair of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
    /// Whether the pair came in through a `<<` merge key rather than being written here.
    pub merged: bool,
}

impl Node {
    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// The scalar's text; `None` for mappings, sequences and nulls.
    pub fn as_str(&self) -> Option<&str> {
        self.scalar()
            .filter(|scalar| !scalar.is_null())
            .map(|scalar| scalar.value.as_str())
    }

    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The entry whose key is `key`.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries()?
            .iter()
            .find(|entry| entry.key.as_str() == Some(key))
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|entry| &entry.value)
    }

    /// Whether this is a null: `~`, `null`, or nothing at all.
    pub fn is_null(&self) -> bool {
        self.scalar().is_some_and(Scalar::is_null)
    }

    /// A boolean as compose reads it: YAML 1.2 `true`/`false`, and the YAML 1.1 spellings
    /// (`yes`, `on`, …) that go-yaml still accepts for boolean fields.
    pub fn as_bool(&self) -> Option<bool> {
        parse_bool(self.as_str()?)
    }

    /// A short description of the node's kind, for "expected …, found …" messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar(scalar) if scalar.is_null() => "null",
            Kind::Scalar(_) => "a scalar",
            Kind::Mapping(_) => "a mapping",
            Kind::Sequence(_) => "a sequence",
        }
    }
}

impl Scalar {
    pub fn is_null(&self) -> bool {
        self.style == Style::Plain
            && matches!(self.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }
}

/// YAML 1.1 and 1.2 booleans, as compose accepts them.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
            Some(true)
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => {
            Some(false)
        }
        _ => None,
    }
}

/// Parses a JSON text (JSON is YAML 1.2): the same tree, with errors worded for JSON.
pub fn parse_json(text: &str, base: u32) -> Yaml {
    let mut parsed = parse(text, base);
    for error in &mut parsed.errors {
        if let Some(rest) = error.message.strip_prefix("invalid YAML: ") {
            error.message = format!("invalid JSON: {rest}");
        }
    }
    parsed
}

/// Parses `text`, giving every range `base` added to its byte offset.
pub fn parse(text: &str, base: u32) -> Yaml {
    let mut builder = Builder {
        text,
        base,
        offsets: Offsets::new(text),
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        budget: ALIAS_NODE_BUDGET,
        errors: Vec::new(),
    };
    let root = builder.document();
    Yaml {
        root,
        errors: builder.errors,
    }
}

/// Converts saphyr's character indices to byte offsets.
enum Offsets {
    Ascii,
    Table(Vec<u32>),
}

impl Offsets {
    fn new(text: &str) -> Self {
        if text.is_ascii() {
            Offsets::Ascii
        } else {
            let mut table: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
            table.push(text.len() as u32);
            Offsets::Table(table)
        }
    }

    fn byte(&self, char_index: usize) -> u32 {
        match self {
            Offsets::Ascii => char_index as u32,
            Offsets::Table(table) => table.get(char_index).or(table.last()).copied().unwrap_or(0),
        }
    }
}

struct Builder<'a> {
    text: &'a str,
    base: u32,
    offsets: Offsets,
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    budget: usize,
    errors: Vec<SyntaxError>,
}

/// Why building stopped early.
struct Stop;

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), Stop> {
        match self.parser.next() {
            Some(Ok(event)) => Ok(event),
            Some(Err(error)) => {
                let at = self
                    .offsets
                    .byte(error.marker().index())
                    .min(self.text.len() as u32);
                self.errors.push(SyntaxError {
                    range: TextRange::empty(at + self.base),
                    message: format!("invalid YAML: {}", error.info()),
                });
                Err(Stop)
            }
            None => Err(Stop),
        }
    }

    fn document(&mut self) -> Option<Node> {
        loop {
            match self.next() {
                Ok((Event::StreamStart | Event::DocumentStart(_), _)) => {}
                Ok((Event::StreamEnd | Event::DocumentEnd, _)) | Err(Stop) => return None,
                Ok((event, span)) => return self.node(event, span).ok(),
            }
        }
    }

    fn range(&self, span: Span) -> TextRange {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index()).max(start);
        TextRange::new(start + self.base, end + self.base)
    }

    fn node(&mut self, event: Event<'a>, span: Span) -> Result<Node, Stop> {
        let (node, anchor) = match event {
            Event::Alias(id) => return self.alias(id, span),
            Event::Scalar(value, style, anchor, tag) => {
                let range = self.scalar_range(span, style);
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    ScalarStyle::Literal | ScalarStyle::Folded => Style::Block,
                };
                let node = Node {
                    range,
                    kind: Kind::Scalar(Scalar {
                        value: value.into_owned(),
                        style,
                        original: None,
                    }),
                    tag: local_tag(tag.as_deref()),
                };
                (node, anchor)
            }
            Event::SequenceStart(anchor, tag) => (self.sequence(span, tag.as_deref())?, anchor),
            Event::MappingStart(anchor, tag) => (self.mapping(span, tag.as_deref())?, anchor),
            _ => return Err(Stop),
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<Node, Stop> {
        let Some(node) = self.anchors.get(&id) else {
            // saphyr rejects unknown aliases while scanning; this is defensive.
            self.errors.push(SyntaxError {
                range: self.range(span),
                message: "unknown alias".to_owned(),
            });
            return Err(Stop);
        };
        let size = count_nodes(node);
        if size > self.budget {
            self.errors.push(SyntaxError {
                range: self.range(span),
                message: format!(
                    "aliases expand to more than {ALIAS_NODE_BUDGET} nodes; refusing to expand further"
                ),
            });
            return Err(Stop);
        }
        self.budget -= size;
        Ok(node.clone())
    }

    /// saphyr's span of a quoted scalar may run past the closing quote; find the quote instead.
    fn scalar_range(&self, span: Span, style: ScalarStyle) -> TextRange {
        let range = self.range(span);
        let local_start = (range.start() - self.base) as usize;
        let quote = match style {
            ScalarStyle::SingleQuoted => b'\'',
            ScalarStyle::DoubleQuoted => b'"',
            _ => return range,
        };
        let bytes = self.text.as_bytes();
        if bytes.get(local_start) != Some(&quote) {
            return range;
        }
        let mut index = local_start + 1;
        while index < bytes.len() {
            let byte = bytes[index];
            if quote == b'"' && byte == b'\\' {
                index += 2;
                continue;
            }
            if byte == quote {
                if quote == b'\'' && bytes.get(index + 1) == Some(&b'\'') {
                    index += 2;
                    continue;
                }
                return TextRange::new(range.start(), index as u32 + 1 + self.base);
            }
            index += 1;
        }
        range
    }

    fn is_flow(&self, range: TextRange) -> bool {
        matches!(
            self.text
                .as_bytes()
                .get((range.start() - self.base) as usize),
            Some(b'{' | b'[')
        )
    }

    fn sequence(&mut self, span: Span, tag: Option<&saphyr_parser::Tag>) -> Result<Node, Stop> {
        let start = self.range(span);
        let mut items = Vec::new();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::SequenceEnd) {
                let end = if self.is_flow(start) {
                    self.range(span).end()
                } else {
                    items
                        .last()
                        .map_or(start.end(), |item: &Node| item.range.end())
                };
                return Ok(Node {
                    range: TextRange::new(start.start(), end.max(start.start())),
                    kind: Kind::Sequence(items),
                    tag: local_tag(tag),
                });
            }
            items.push(self.node(event, span)?);
        }
    }

    fn mapping(&mut self, span: Span, tag: Option<&saphyr_parser::Tag>) -> Result<Node, Stop> {
        let start = self.range(span);
        let mut entries: Vec<Entry> = Vec::new();
        let mut merges: Vec<(usize, Node)> = Vec::new();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                let end = if self.is_flow(start) {
                    self.range(span).end()
                } else {
                    entries
                        .iter()
                        .map(|entry| entry.value.range.end().max(entry.key.range.end()))
                        .chain(merges.iter().map(|(_, node)| node.range.end()))
                        .max()
                        .unwrap_or(start.end())
                };
                self.apply_merges(&mut entries, merges);
                return Ok(Node {
                    range: TextRange::new(start.start(), end.max(start.start())),
                    kind: Kind::Mapping(entries),
                    tag: local_tag(tag),
                });
            }
            let key = self.node(event, span)?;
            let (event, span) = self.next()?;
            let value = self.node(event, span)?;
            let is_merge = key
                .scalar()
                .is_some_and(|scalar| scalar.style == Style::Plain && scalar.value == "<<");
            if is_merge {
                merges.push((entries.len(), value));
                continue;
            }
            if let Some(name) = key.as_str()
                && let Some(previous) = entries
                    .iter()
                    .position(|entry| entry.key.as_str() == Some(name))
            {
                self.errors.push(SyntaxError {
                    range: key.range,
                    message: format!("duplicate key `{name}` in this mapping"),
                });
                entries.remove(previous);
            }
            entries.push(Entry {
                key,
                value,
                merged: false,
            });
        }
    }

    /// Applies `<<` merge keys: keys written in the mapping win, and among several merged
    /// mappings the first one that has a key wins (the YAML 1.1 merge-key rule).
    fn apply_merges(&mut self, entries: &mut Vec<Entry>, merges: Vec<(usize, Node)>) {
        let mut inserted = 0;
        for (position, value) in merges {
            let sources: Vec<Node> = match value.kind {
                Kind::Mapping(_) => vec![value],
                Kind::Sequence(items) => items,
                Kind::Scalar(_) => {
                    self.errors.push(SyntaxError {
                        range: value.range,
                        message: "expected a mapping or a list of mappings after `<<`".to_owned(),
                    });
                    continue;
                }
            };
            let mut new = Vec::new();
            for source in sources {
                let Kind::Mapping(source_entries) = source.kind else {
                    self.errors.push(SyntaxError {
                        range: source.range,
                        message: "expected a mapping to merge with `<<`".to_owned(),
                    });
                    continue;
                };
                for entry in source_entries {
                    let name = entry.key.as_str();
                    let present = entries
                        .iter()
                        .chain(new.iter())
                        .any(|existing: &Entry| existing.key.as_str() == name && name.is_some());
                    if !present {
                        new.push(Entry {
                            merged: true,
                            ..entry
                        });
                    }
                }
            }
            let at = (position + inserted).min(entries.len());
            inserted += new.len();
            entries.splice(at..at, new);
        }
    }
}

fn local_tag(tag: Option<&saphyr_parser::Tag>) -> Option<Box<str>> {
    let tag = tag?;
    (tag.handle == "!").then(|| tag.suffix.clone().into_boxed_str())
}

fn count_nodes(node: &Node) -> usize {
    match &node.kind {
        Kind::Scalar(_) => 1,
        Kind::Sequence(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Kind::Mapping(entries) => {
            1 + entries
                .iter()
                .map(|entry| count_nodes(&entry.key) + count_nodes(&entry.value))
                .sum::<usize>()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Kind, parse};

    fn slice(text: &str, range: cofferdam_diagnostics::TextRange) -> &str {
        &text[range.to_std()]
    }

    #[test]
    fn ranges_are_bytes_and_quotes_are_included() {
        let text = "é: \"ä b\"   # note\nk: 'it''s'\n";
        let yaml = parse(text, 0);
        let root = yaml.root.unwrap();
        let entries = root.entries().unwrap();
        assert_eq!(slice(text, entries[0].key.range), "é");
        assert_eq!(slice(text, entries[0].value.range), "\"ä b\"");
        assert_eq!(entries[0].value.as_str(), Some("ä b"));
        assert_eq!(slice(text, entries[1].value.range), "'it''s'");
        assert_eq!(entries[1].value.as_str(), Some("it's"));
        assert!(yaml.errors.is_empty());
    }

    #[test]
    fn base_offsets_every_range() {
        let yaml = parse("a: b\n", 100);
        let root = yaml.root.unwrap();
        assert_eq!(root.get("a").unwrap().range.start(), 103);
    }

    #[test]
    fn merge_keys_keep_the_anchor_ranges_and_explicit_keys_win() {
        let text = "x: &c\n  read_only: true\n  user: root\nweb:\n  <<: *c\n  user: app\n";
        let root = parse(text, 0).root.unwrap();
        let web = root.get("web").unwrap();
        let read_only = web.entry("read_only").unwrap();
        assert!(read_only.merged);
        assert_eq!(slice(text, read_only.value.range), "true");
        assert_eq!(read_only.value.range.start(), 19);
        assert_eq!(web.get("user").unwrap().as_str(), Some("app"));
        assert_eq!(web.entries().unwrap().len(), 2);
    }

    #[test]
    fn merge_lists_take_the_first_source_that_has_a_key() {
        let text = "a: &a {k: 1}\nb: &b {k: 2, j: 3}\nc:\n  <<: [*a, *b]\n";
        let root = parse(text, 0).root.unwrap();
        let c = root.get("c").unwrap();
        assert_eq!(c.get("k").unwrap().as_str(), Some("1"));
        assert_eq!(c.get("j").unwrap().as_str(), Some("3"));
    }

    #[test]
    fn duplicate_keys_and_scan_errors_are_reported() {
        let yaml = parse("a: 1\na: 2\n", 0);
        assert_eq!(yaml.errors.len(), 1);
        assert!(yaml.errors[0].message.contains("duplicate key `a`"));
        assert_eq!(yaml.root.unwrap().get("a").unwrap().as_str(), Some("2"));

        let yaml = parse("a: [1, 2\nb: 3\n", 0);
        assert!(yaml.root.is_none());
        assert!(yaml.errors[0].message.starts_with("invalid YAML"));
    }

    #[test]
    fn block_mapping_ranges_end_at_the_last_value() {
        let text = "svc:\n  a: 1\n  b: [x]\n# trailing\nother: 2\n";
        let root = parse(text, 0).root.unwrap();
        assert_eq!(
            slice(text, root.get("svc").unwrap().range),
            "a: 1\n  b: [x]"
        );
        assert!(matches!(root.kind, Kind::Mapping(_)));
    }

    #[test]
    fn alias_bombs_are_refused() {
        use std::fmt::Write;

        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..8 {
            let prev = level - 1;
            let items = vec![format!("*a{prev}"); 10].join(", ");
            writeln!(text, "a{level}: &a{level} [{items}]").unwrap();
        }
        let yaml = parse(&text, 0);
        assert!(
            yaml.errors
                .iter()
                .any(|error| error.message.contains("aliases expand"))
        );
    }

    #[test]
    fn tags_and_booleans() {
        let root = parse("a: !reset []\nb: yes\nc: 'yes'\n", 0).root.unwrap();
        assert_eq!(root.get("a").unwrap().tag.as_deref(), Some("reset"));
        assert_eq!(root.get("b").unwrap().as_bool(), Some(true));
        assert_eq!(root.get("c").unwrap().as_bool(), Some(true));
    }

    /// Every range of every node lies inside the text, on character boundaries.
    fn check_ranges(text: &str, node: &super::Node) {
        let range = node.range;
        assert!(range.end() as usize <= text.len(), "{range:?} past the end");
        assert!(text.is_char_boundary(range.start() as usize));
        assert!(text.is_char_boundary(range.end() as usize));
        match &node.kind {
            Kind::Scalar(_) => {}
            Kind::Sequence(items) => items.iter().for_each(|item| check_ranges(text, item)),
            Kind::Mapping(entries) => {
                for entry in entries {
                    check_ranges(text, &entry.key);
                    check_ranges(text, &entry.value);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_ranges_stay_in_bounds(
            text in "([a-zé:\\[\\]{},&*<'\"#|>!-]|[ ]{1,4}|\n){0,80}"
        ) {
            let yaml = parse(&text, 0);
            if let Some(root) = &yaml.root {
                check_ranges(&text, root);
            }
            for error in &yaml.errors {
                proptest::prop_assert!(error.range.end() as usize <= text.len());
            }
        }
    }
}
