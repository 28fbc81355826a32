//! Text edits that add or change a container setting where it is written: a compose key in a
//! service's block, or a flag of a `docker run` line.
//!
//! Compose edits work on the original bytes, so comments, key order, quoting, anchors and blank
//! lines stay as they are: a new key is one new line at the end of the service's block,
//! indented like the service's other keys, with the file's own line ending; a new list item
//! follows the list's own style (flow `[a, b]` or block `- a`, indented like its siblings or,
//! for a new list, like the file's other block lists). A service written as a flow mapping
//! (`api: {image: x}`) gets no edit. Run-line edits insert flags before the image word, which
//! keeps `\` continuations and quoting.
//!
//! A value inherited through a merge key (`<<: *defaults`) is written in the anchor. Changing it
//! there changes every service that merges the anchor, so the edit goes to the anchor only when
//! every one of those services needs the same change; otherwise the service gets its own key,
//! which overrides the merged one.

use cofferdam_diagnostics::{Edit, Fix, TextRange};

use crate::model::container::{ContainerSpec, SpecSource};
use crate::rules::ContainerContext;

/// How a setting is written in each input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Setting<'a> {
    /// The compose key (`security_opt`, `read_only`).
    pub(crate) key: &'a str,
    /// The compose value: a list item (`no-new-privileges:true`) or a scalar (`true`).
    pub(crate) value: &'a str,
    /// The `docker run` words (`--security-opt no-new-privileges`).
    pub(crate) flag: &'a str,
}

impl<'a> Setting<'a> {
    pub(crate) const fn new(key: &'a str, value: &'a str, flag: &'a str) -> Self {
        Setting { key, value, flag }
    }
}

impl ContainerContext<'_> {
    /// Edits that add `item` to the list under `setting.key`, creating the key when it is
    /// missing. `needs` says whether another service that merges the same anchor needs the
    /// same item (then the anchor's list is edited once for all of them).
    pub(crate) fn add_list_item(
        &self,
        setting: Setting<'_>,
        needs: impl Fn(&ContainerSpec) -> bool,
    ) -> Option<Vec<Edit>> {
        match self.spec.source {
            SpecSource::RunLine => self.insert_flag(setting.flag),
            SpecSource::Compose => {
                let file = FileText::of(self, self.spec.range)?;
                let service = file.block(file.local(self.spec.range))?;
                let Some(key) = self.spec.key(setting.key) else {
                    return Some(file.insert_key_in(&service, setting.key, &List(setting.value)));
                };
                // A list written in another file (an override, an `extends` target) is
                // edited there, where its finding points.
                let key_file = FileText::of(self, key)?;
                if key_file.base != file.base {
                    return key_file.append_item(key, setting.value);
                }
                let local = file.local(key);
                let inherited = !service.contains(local.start());
                let shared_by_all = self.project.services.iter().all(|other| {
                    other.key(setting.key) != self.spec.key(setting.key) || needs(other)
                });
                if inherited && !shared_by_all {
                    // The service's own list: the merged items, then the new one.
                    let items = file.list_items(local)?;
                    let mut all: Vec<&str> = items.iter().map(String::as_str).collect();
                    all.push(setting.value);
                    return Some(file.insert_key_in(&service, setting.key, &List(&all.join("\n"))));
                }
                file.append_item(key, setting.value)
            }
            SpecSource::Inspect | SpecSource::ApiRequest => None,
        }
    }

    /// Edits that set the scalar `setting.key` to `setting.value`: the written value is
    /// replaced (in the anchor when every service merging it needs the change, else the
    /// service gets its own key), a missing key is added to the service.
    pub(crate) fn set_scalar(
        &self,
        setting: Setting<'_>,
        written: Option<TextRange>,
        needs: impl Fn(&ContainerSpec) -> bool,
    ) -> Option<Vec<Edit>> {
        match self.spec.source {
            SpecSource::RunLine => match written {
                // `--privileged` → remove the flag (and one following space).
                Some(range) if setting.flag.is_empty() => self.delete_flag(range),
                // `--memory -1` → `--memory 512m`: the written range is the value word.
                Some(range) => {
                    let (_, value) = setting.flag.split_once(' ')?;
                    let written = self.text(range);
                    (!written.starts_with('-') || written.parse::<f64>().is_ok())
                        .then(|| vec![Edit::replace(range, value)])
                }
                None => self.insert_flag(setting.flag),
            },
            SpecSource::Compose => {
                let file = FileText::of(self, self.spec.range)?;
                let service = file.block(file.local(self.spec.range))?;
                let Some(value) = written else {
                    return Some(file.insert_key_in(&service, setting.key, &Scalar(setting.value)));
                };
                if FileText::of(self, value)?.base != file.base {
                    return Some(vec![Edit::replace(value, setting.value)]);
                }
                let local = file.local(value);
                let inherited = !service.contains(local.start());
                let shared_by_all = self.project.services.iter().all(|other| {
                    other.key(setting.key) != self.spec.key(setting.key) || needs(other)
                });
                if inherited && !shared_by_all {
                    return Some(file.insert_key_in(&service, setting.key, &Scalar(setting.value)));
                }
                Some(vec![Edit::replace(value, setting.value)])
            }
            SpecSource::Inspect | SpecSource::ApiRequest => None,
        }
    }

    /// Edits that remove the setting whose value is written at `value`: a compose list item
    /// (`- SYS_ADMIN`, or one item of `[a, b]`), a compose key (`pid: host`), or a run-line
    /// option (`--pid host`, `--pid=host`, `-v /var/run/docker.sock:/x`) with its value. A
    /// value inherited through a merge key is removed from the anchor only when every service
    /// merging it needs that (`needs`); otherwise, and for lines that carry a comment or
    /// hold more than the value, there is no edit.
    pub(crate) fn remove_value(
        &self,
        key: &str,
        value: TextRange,
        needs: impl Fn(&ContainerSpec) -> bool,
    ) -> Option<Vec<Edit>> {
        match self.spec.source {
            SpecSource::RunLine => self.delete_option(value),
            SpecSource::Compose => {
                let file = FileText::of(self, self.spec.range)?;
                let service = file.block(file.local(self.spec.range))?;
                let value_file = FileText::of(self, value)?;
                let local = value_file.local(value);
                let inherited = value_file.base != file.base || !service.contains(local.start());
                if inherited {
                    let shared_by_all = self
                        .project
                        .services
                        .iter()
                        .all(|other| other.key(key) != self.spec.key(key) || needs(other));
                    if value_file.base != file.base || !shared_by_all {
                        return None;
                    }
                }
                value_file.remove_at(local)
            }
            SpecSource::Inspect | SpecSource::ApiRequest => None,
        }
    }

    /// An unsafe fix removing the value at `range` (see [`Self::remove_value`]), or the
    /// description alone when it cannot be removed by an edit.
    pub(crate) fn removal_fix(
        &self,
        description: impl Into<String>,
        key: &str,
        range: TextRange,
        needs: impl Fn(&ContainerSpec) -> bool,
    ) -> Fix {
        Fix::unsafe_or_display_only(description, self.remove_value(key, range, needs))
    }

    /// Deletes a run-line option whose value is at `value` (global), flag included: the whole
    /// continuation line when the option is alone on it.
    fn delete_option(&self, value: TextRange) -> Option<Vec<Edit>> {
        let file = FileText::of(self, value)?;
        let local = file.local(value);
        let (start, end) = (local.start() as usize, local.end() as usize);
        let text = file.text;
        // The flag: `--pid=host` (joined by `=`) or `--pid host` (the previous word).
        let before = &text[..start];
        let flag_end = if before.ends_with('=') {
            start - 1
        } else {
            before.trim_end_matches([' ', '\t']).len()
        };
        let flag_start = text[..flag_end]
            .rfind(|c: char| c.is_whitespace())
            .map_or(0, |at| at + 1);
        let flag = &text[flag_start..flag_end];
        // A long flag, or one short flag on its own (`-itv` clusters stay as written).
        let is_flag = flag.starts_with("--") || (flag.len() == 2 && flag.starts_with('-'));
        if !is_flag || flag_start == flag_end {
            return None;
        }
        let line_start = text[..flag_start].rfind('\n').map_or(0, |at| at + 1);
        let rest = &text[end..];
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let after = &rest[blanks..];
        let alone = text[line_start..flag_start].trim().is_empty()
            && line_start > 0
            && text[..line_start]
                .trim_end_matches(['\n', '\r'])
                .ends_with('\\')
            && (after.starts_with("\\\n") || after.starts_with("\\\r\n"));
        let range = if alone {
            let line_end = file.next_line(end);
            TextRange::new(file.global(line_start), file.global(line_end))
        } else {
            TextRange::new(file.global(flag_start), file.global(end + blanks))
        };
        Some(vec![Edit::delete(range)])
    }

    /// Inserts `flag` before the image word of a run line. When the image starts a line that
    /// continues the one before (a `\` at its end), the flag gets its own continuation line
    /// above the image, indented the same, as the command's other flags usually are;
    /// otherwise it goes on the image's line.
    fn insert_flag(&self, flag: &str) -> Option<Vec<Edit>> {
        let image = self.spec.image.as_ref()?;
        if flag.is_empty() {
            return None;
        }
        let file = FileText::of(self, image.range)?;
        let start = file.local(image.range).start() as usize;
        let line_start = file.text[..start].rfind('\n').map_or(0, |at| at + 1);
        let indent = &file.text[line_start..start];
        let continued = file.text[..line_start]
            .trim_end_matches(['\n', '\r'])
            .ends_with('\\');
        if line_start > 0 && continued && indent.trim().is_empty() {
            return Some(vec![Edit::insert(
                file.global(line_start),
                format!("{indent}{flag} \\{}", file.newline()),
            )]);
        }
        Some(vec![Edit::insert(image.range.start(), format!("{flag} "))])
    }

    /// Deletes a flag word of a run line and the blanks after it (not a `\` continuation).
    fn delete_flag(&self, range: TextRange) -> Option<Vec<Edit>> {
        let file = FileText::of(self, range)?;
        let local = file.local(range);
        let rest = &file.text[local.end() as usize..];
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        Some(vec![Edit::delete(TextRange::new(
            range.start(),
            range.end() + blanks as u32,
        ))])
    }
}

/// A compose file's text and its base in the project's address space.
struct FileText<'a> {
    text: &'a str,
    base: u32,
}

/// A block-mapping entry (`key:` and the indented lines under it), in local offsets.
#[derive(Debug)]
struct Block {
    /// The column of the key.
    indent: usize,
    /// The column of its children, when it has any.
    child_indent: Option<usize>,
    /// Where the key's line starts.
    start: usize,
    /// The end of its last line with content, after the line break (or the end of the file).
    end: usize,
}

impl Block {
    fn contains(&self, offset: u32) -> bool {
        (self.start..self.end).contains(&(offset as usize))
    }
}

/// What a new key holds.
trait NewValue {
    /// The key's text after `key:`, for a key at column `indent` in `file`.
    fn render(&self, file: &FileText<'_>, indent: usize, newline: &str) -> String;
}

/// A scalar, written on the key's line.
struct Scalar<'a>(&'a str);

impl NewValue for Scalar<'_> {
    fn render(&self, _: &FileText<'_>, _: usize, _: &str) -> String {
        format!(" {}", self.0)
    }
}

/// A block list of the items on separate lines of the string.
struct List<'a>(&'a str);

impl NewValue for List<'_> {
    fn render(&self, file: &FileText<'_>, indent: usize, newline: &str) -> String {
        let dash = indent + file.sequence_offset();
        let mut out = String::new();
        for item in self.0.lines() {
            out.push_str(newline);
            out.push_str(&" ".repeat(dash));
            out.push_str("- ");
            out.push_str(item);
        }
        out
    }
}

impl<'a> FileText<'a> {
    fn of(ctx: &ContainerContext<'a>, range: TextRange) -> Option<Self> {
        let sources: &'a crate::model::compose::SourceMap = ctx.project.sources;
        let (_, file, base) = sources.locate(range.start())?;
        Some(FileText {
            text: file.text(),
            base,
        })
    }

    fn local(&self, range: TextRange) -> TextRange {
        TextRange::new(range.start() - self.base, range.end() - self.base)
    }

    fn global(&self, offset: usize) -> u32 {
        self.base + offset as u32
    }

    fn newline(&self) -> &'static str {
        if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// The key `at` (a key's local range) and the lines under it. `None` for a flow value on
    /// the key's own line (`api: {image: x}`), which this module does not edit.
    fn block(&self, at: TextRange) -> Option<Block> {
        let start = self.text[..at.start() as usize]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let indent = at.start() as usize - start;
        let line_end = self.line_end(at.start() as usize);
        let after_key = &self.text[at.end() as usize..line_end];
        let after_colon = after_key.trim_start().strip_prefix(':')?;
        let inline = strip_comment(after_colon).trim();
        if !inline.is_empty() && !inline.starts_with('&') {
            return None;
        }
        let mut end = self.next_line(line_end);
        let mut child_indent = None;
        let mut cursor = end;
        while cursor < self.text.len() {
            let line_end = self.line_end(cursor);
            let line = &self.text[cursor..line_end];
            let content = line.trim_start();
            let next = self.next_line(line_end);
            if content.trim_end().is_empty() || content.starts_with('#') {
                cursor = next;
                continue;
            }
            let column = line.len() - content.len();
            if column <= indent {
                break;
            }
            child_indent.get_or_insert(column);
            end = next;
            cursor = next;
        }
        Some(Block {
            indent,
            child_indent,
            start,
            end,
        })
    }

    /// The end of the line holding `offset`, before its line break (`\n` or `\r\n`).
    fn line_end(&self, offset: usize) -> usize {
        let end = self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i);
        if end > offset && self.text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        }
    }

    /// The start of the line after the one ending at `line_end`.
    fn next_line(&self, line_end: usize) -> usize {
        self.text[line_end..]
            .find('\n')
            .map_or(self.text.len(), |i| line_end + i + 1)
    }

    /// How many columns a block list's dashes sit right of their key: 0 when the file writes
    /// `key:\n- item`, else the file's indentation step (2 when it has no lists yet).
    fn sequence_offset(&self) -> usize {
        let mut previous: Option<(usize, &str)> = None;
        for line in self.text.lines() {
            let content = line.trim_start();
            let column = line.len() - content.len();
            if content.starts_with("- ")
                && let Some((key_column, key_line)) = previous
                && strip_comment(key_line).trim_end().ends_with(':')
            {
                return column.saturating_sub(key_column);
            }
            if !content.trim().is_empty() && !content.starts_with('#') {
                previous = Some((column, content));
            }
        }
        self.indent_step()
    }

    /// The file's indentation step: the smallest positive indentation of a content line.
    fn indent_step(&self) -> usize {
        self.text
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
            .map(|line| line.len() - line.trim_start().len())
            .filter(|column| *column > 0)
            .min()
            .unwrap_or(2)
    }

    /// A new `key: value` line at the end of `service`'s block.
    fn insert_key_in(&self, service: &Block, key: &str, value: &dyn NewValue) -> Vec<Edit> {
        let indent = service
            .child_indent
            .unwrap_or_else(|| service.indent + self.indent_step());
        let newline = self.newline();
        let mut text = String::new();
        let at = service.end;
        if at > 0 && !self.text[..at].ends_with('\n') {
            text.push_str(newline);
        }
        text.push_str(&" ".repeat(indent));
        text.push_str(key);
        text.push(':');
        text.push_str(&value.render(self, indent, newline));
        text.push_str(newline);
        vec![Edit::insert(self.global(at), text)]
    }

    /// The items of the list under the key at `key` (local), as written.
    fn list_items(&self, key: TextRange) -> Option<Vec<String>> {
        let line_end = self.line_end(key.start() as usize);
        let after = strip_comment(
            self.text[key.end() as usize..line_end]
                .trim_start()
                .strip_prefix(':')?,
        )
        .trim();
        if let Some(flow) = after.strip_prefix('[') {
            let inner = flow.strip_suffix(']')?;
            return Some(
                inner
                    .split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(str::to_owned)
                    .collect(),
            );
        }
        let block = self.block(key)?;
        let items = self.text[self.next_line(line_end)..block.end]
            .lines()
            .filter_map(|line| line.trim().strip_prefix("- "))
            .map(|item| strip_comment(item).trim().to_owned())
            .collect();
        Some(items)
    }

    /// Removes the compose value at `local`: its block-list item line (and the key line when
    /// it was the only item), its item of a flow list, or its `key: value` line. `None` when
    /// the line holds anything else (a comment, another value).
    fn remove_at(&self, local: TextRange) -> Option<Vec<Edit>> {
        let (start, end) = (local.start() as usize, local.end() as usize);
        let line_start = self.text[..start].rfind('\n').map_or(0, |at| at + 1);
        let line_end = self.line_end(start);
        if end > line_end {
            return None;
        }
        let head = &self.text[line_start..start];
        let tail = self.text[end..line_end].trim();
        let next = self.next_line(line_end);
        let whole_line = |from: usize| {
            vec![Edit::delete(TextRange::new(
                self.global(from),
                self.global(next),
            ))]
        };
        let head_content = head.trim();
        if head_content == "-" && tail.is_empty() {
            // A block item: alone in its list, the key goes too.
            let indent = head.len() - head.trim_start().len();
            let siblings = self.count_around(
                line_start,
                next,
                |column, content| {
                    content.is_empty()
                        || column > indent
                        || (column == indent && content.starts_with(['-', '#']))
                },
                |column, content| column == indent && content.starts_with('-'),
            );
            if siblings == 0 {
                let key_start = self.text[..line_start.saturating_sub(1)]
                    .rfind('\n')
                    .map_or(0, |at| at + 1);
                let key_line = strip_comment(&self.text[key_start..line_start]).trim();
                if key_line.ends_with(':')
                    && !key_line.starts_with('-')
                    && self.has_siblings(key_start, line_start)
                {
                    return Some(whole_line(key_start));
                }
                return None;
            }
            return Some(whole_line(line_start));
        }
        if let Some(key) = head_content.strip_suffix(':')
            && !key.is_empty()
            && !key.contains([' ', '{', '['])
            && tail.is_empty()
            && self.has_siblings(line_start, next)
        {
            return Some(whole_line(line_start));
        }
        // An item of a flow list: with the separator before it, or after it when first.
        let before = self.text[..start].trim_end_matches([' ', '"', '\'']);
        let quote_before = start - before.len();
        let item_start = start - quote_before;
        let after_text = &self.text[end..line_end];
        let quote_after = after_text.len() - after_text.trim_start_matches(['"', '\'']).len();
        let item_end = end + quote_after;
        if before.ends_with(',') {
            let comma = before.len() - 1;
            return Some(vec![Edit::delete(TextRange::new(
                self.global(comma),
                self.global(item_end),
            ))]);
        }
        if before.ends_with('[') {
            let rest = &self.text[item_end..line_end];
            let separator = rest.len() - rest.trim_start_matches([',', ' ']).len();
            return Some(vec![Edit::delete(TextRange::new(
                self.global(item_start),
                self.global(item_end + separator),
            ))]);
        }
        None
    }

    /// Whether the mapping entry on the lines `start..end` has another entry beside it in its
    /// mapping, so that removing it does not leave the mapping empty (an anchor that others
    /// merge, or a service, would become null).
    fn has_siblings(&self, start: usize, end: usize) -> bool {
        let line = &self.text[start..self.line_end(start)];
        let indent = line.len() - line.trim_start().len();
        let blank = |content: &str| content.trim().is_empty() || content.starts_with('#');
        self.count_around(
            start,
            end,
            |column, content| blank(content) || column >= indent,
            |column, content| !blank(content) && column == indent,
        ) > 0
    }

    /// The lines next to `start..end` — above it, nearest first, and below it — as long as
    /// `within(column, content)` holds on each side, counting those `counts` accepts.
    fn count_around(
        &self,
        start: usize,
        end: usize,
        within: impl Fn(usize, &str) -> bool,
        counts: impl Fn(usize, &str) -> bool,
    ) -> usize {
        let count = |lines: &mut dyn Iterator<Item = &str>| {
            lines
                .map(|line| {
                    let content = line.trim_start();
                    (line.len() - content.len(), content)
                })
                .take_while(|(column, content)| within(*column, content))
                .filter(|(column, content)| counts(*column, content))
                .count()
        };
        count(&mut self.text[..start].lines().rev()) + count(&mut self.text[end..].lines())
    }

    /// Adds `item` to the list under the key at `key` (global).
    fn append_item(&self, key: TextRange, item: &str) -> Option<Vec<Edit>> {
        let local = self.local(key);
        let line_end = self.line_end(local.start() as usize);
        let after_key = &self.text[local.end() as usize..line_end];
        let colon = after_key.find(':')?;
        let value_start = local.end() as usize + colon + 1;
        let value = strip_comment(&self.text[value_start..line_end]);
        let trimmed = value.trim();
        if trimmed.starts_with('[') {
            // Flow list: before the closing bracket.
            let close = value_start + value.rfind(']')?;
            let inner = self.text[value_start..close]
                .trim()
                .trim_start_matches('[')
                .trim();
            let text = if inner.is_empty() {
                item.to_owned()
            } else {
                format!(", {item}")
            };
            return Some(vec![Edit::insert(self.global(close), text)]);
        }
        if !trimmed.is_empty() {
            return None;
        }
        let block = self.block(local)?;
        let newline = self.newline();
        // Indented like the existing items, or a step right of the key.
        let dash = self.text[self.next_line(line_end)..block.end]
            .lines()
            .find_map(|line| {
                let content = line.trim_start();
                content
                    .starts_with("- ")
                    .then(|| line.len() - content.len())
            })
            .unwrap_or_else(|| block.indent + self.sequence_offset());
        let end = if block.end > self.next_line(line_end) {
            block.end
        } else {
            self.next_line(line_end)
        };
        let mut text = String::new();
        if end > 0 && !self.text[..end].ends_with('\n') {
            text.push_str(newline);
        }
        text.push_str(&" ".repeat(dash));
        text.push_str("- ");
        text.push_str(item);
        text.push_str(newline);
        Some(vec![Edit::insert(self.global(end), text)])
    }
}

/// The text before a YAML comment (` #` outside quotes).
fn strip_comment(text: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(open), _) if c == open => quote = None,
            (None, '#') if previous.is_whitespace() => return &text[..at],
            _ => {}
        }
        previous = c;
    }
    text
}

#[cfg(test)]
mod tests {
    use crate::rules::capabilities::capabilities_not_dropped::CapabilitiesNotDropped;
    use crate::rules::filesystem::writable_root_filesystem::WritableRootFilesystem;
    use crate::rules::privileged::privileged_container::PrivilegedContainer;
    use crate::rules::test::{compose_fixed, script_fixed};

    #[test]
    fn scalars_are_replaced_where_written_or_added_to_the_service() {
        assert_eq!(
            compose_fixed(
                WritableRootFilesystem::META,
                "services:\n  a:\n    image: x:1\n    read_only: false  # for now\n  b:\n    image: y:1"
            ),
            "services:\n  a:\n    image: x:1\n    read_only: true  # for now\n  b:\n    image: y:1\n    read_only: true\n"
        );
        assert_eq!(
            compose_fixed(
                PrivilegedContainer::META,
                "x-p: &p\n  privileged: true\nservices:\n  a:\n    <<: *p\n  b:\n    <<: *p\n"
            ),
            "x-p: &p\n  privileged: false\nservices:\n  a:\n    <<: *p\n  b:\n    <<: *p\n"
        );
        // Only `a` merges the anchor and is reviewed with it privileged; `b` overrides.
        assert_eq!(
            compose_fixed(
                PrivilegedContainer::META,
                "x-p: &p\n  privileged: true\nservices:\n  a:\n    <<: *p\n  b:\n    <<: *p\n    privileged: false\n"
            ),
            "x-p: &p\n  privileged: false\nservices:\n  a:\n    <<: *p\n  b:\n    <<: *p\n    privileged: false\n"
        );
    }

    #[test]
    fn limits_get_starting_points_or_replace_unlimited_values() {
        use crate::rules::resources::memory_not_limited::MemoryNotLimited;
        use crate::rules::resources::pids_not_limited::PidsNotLimited;
        assert_eq!(
            compose_fixed(
                MemoryNotLimited::META,
                "services:\n  a:\n    mem_limit: -1\n  b:\n    deploy:\n      resources:\n        limits:\n          memory: 0\n  c:\n    image: x:1\n"
            ),
            "services:\n  a:\n    mem_limit: 512m\n  b:\n    deploy:\n      resources:\n        limits:\n          memory: 512m\n  c:\n    image: x:1\n    mem_limit: 512m\n"
        );
        assert_eq!(
            script_fixed(
                PidsNotLimited::META,
                "docker run --pids-limit -1 x:1\ndocker run x:2\n"
            ),
            "docker run --pids-limit 256 x:1\ndocker run --pids-limit 256 x:2\n"
        );
        assert_eq!(
            script_fixed(MemoryNotLimited::META, "docker run --memory=-1 x:1\n"),
            "docker run --memory=512m x:1\n"
        );
    }

    #[test]
    fn dangerous_settings_are_removed_where_written() {
        use crate::rules::capabilities::dangerous_capability_added::DangerousCapabilityAdded;
        use crate::rules::namespaces::shared_pid_namespace::SharedPidNamespace;
        use crate::rules::seccomp::seccomp_unconfined::SeccompUnconfined;
        use crate::rules::socket::runtime_socket_mounted::RuntimeSocketMounted;
        // Block items, the key with its last item, a flow item, a key line.
        assert_eq!(
            compose_fixed(
                DangerousCapabilityAdded::META,
                "services:\n  a:\n    cap_add:\n      - CHOWN\n      - SYS_ADMIN\n  b:\n    cap_add:\n    - SYS_ADMIN\n    image: x:1\n  c:\n    cap_add: [CHOWN, \"NET_ADMIN\"]\n  d:\n    cap_add: [SYS_ADMIN, CHOWN]\n"
            ),
            "services:\n  a:\n    cap_add:\n      - CHOWN\n  b:\n    image: x:1\n  c:\n    cap_add: [CHOWN]\n  d:\n    cap_add: [CHOWN]\n"
        );
        assert_eq!(
            compose_fixed(
                SharedPidNamespace::META,
                "services:\n  a:\n    pid: host\n    image: x:1\n  b:\n    pid: host  # the agent needs it\n"
            ),
            "services:\n  a:\n    image: x:1\n  b:\n    pid: host  # the agent needs it\n"
        );
        assert_eq!(
            compose_fixed(
                SeccompUnconfined::META,
                "services:\n  a:\n    security_opt: [no-new-privileges:true, seccomp=unconfined]\n"
            ),
            "services:\n  a:\n    security_opt: [no-new-privileges:true]\n"
        );
        // Run lines: the option and its value, or its whole continuation line.
        assert_eq!(
            script_fixed(
                RuntimeSocketMounted::META,
                "docker run -d \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  --pid=host -v /data:/data x:1\n"
            ),
            "docker run -d \\\n  --pid=host -v /data:/data x:1\n"
        );
        assert_eq!(
            script_fixed(
                SharedPidNamespace::META,
                "docker run --pid=host --rm x:1\ndocker run -itd --pid host x:2\n"
            ),
            "docker run --rm x:1\ndocker run -itd x:2\n"
        );
    }

    #[test]
    fn tmpfs_mounts_get_a_size() {
        use crate::rules::filesystem::tmpfs_without_hardening::TmpfsWithoutHardening;
        assert_eq!(
            compose_fixed(
                TmpfsWithoutHardening::META,
                "services:\n  a:\n    tmpfs:\n      - /tmp\n      - \"/run:mode=755\"\n      - /x:exec\n"
            ),
            "services:\n  a:\n    tmpfs:\n      - /tmp:size=64m\n      - \"/run:mode=755,size=64m\"\n      - /x:exec\n"
        );
        assert_eq!(
            script_fixed(TmpfsWithoutHardening::META, "docker run --tmpfs /tmp x:1\n"),
            "docker run --tmpfs /tmp:size=64m x:1\n"
        );
    }

    #[test]
    fn lists_grow_in_place_and_flags_come_and_go_on_run_lines() {
        assert_eq!(
            compose_fixed(
                CapabilitiesNotDropped::META,
                "services:\n  a:\n    cap_drop: [NET_RAW]\n    cap_add: [CHOWN]\n  b:\n    image: y:1\n"
            ),
            "services:\n  a:\n    cap_drop: [NET_RAW, ALL]\n    cap_add: [CHOWN]\n  b:\n    image: y:1\n    cap_drop:\n      - ALL\n"
        );
        assert_eq!(
            script_fixed(
                PrivilegedContainer::META,
                "docker run --rm --privileged \\\n  -v /x:/x busybox:1.36 true\n"
            ),
            "docker run --rm \\\n  -v /x:/x busybox:1.36 true\n"
        );
        assert_eq!(
            script_fixed(
                CapabilitiesNotDropped::META,
                "docker run -d \\\r\n\t--name x \\\r\n\tnginx:1.27\r\n"
            ),
            "docker run -d \\\r\n\t--name x \\\r\n\t--cap-drop ALL \\\r\n\tnginx:1.27\r\n"
        );
        assert_eq!(
            script_fixed(CapabilitiesNotDropped::META, "docker run -d 'nginx:1.27'\n"),
            "docker run -d --cap-drop ALL 'nginx:1.27'\n"
        );
    }
}
