//! Turns a tree-sitter-bash tree into a [`Script`]: one [`Command`] per simple command, in
//! source order, with pipelines, conditions, pipefail state and re-entered nested scripts.

use std::cell::RefCell;

use cofferdam_diagnostics::TextRange;
use tree_sitter::{Node, Parser, Tree};

use super::heredoc::{self, Heredoc};
use super::nodes::{Cursors, Kind, field_child, fields, kind};
use super::wrappers::{self, Reentry};
use super::{
    Assignment, Command, PipefailToggle, Pipeline, PipelineRef, Redirect, Script, ShellWord, word,
};

/// Re-entry depth limit: `sh -c "sh -c '…'"` nests, and a crafted script must not recurse forever.
pub(super) const MAX_SCRIPT_DEPTH: u8 = 4;

/// Syntax nesting limit for the walk, well below what exhausts a 2 MiB thread stack. Deeper
/// input is marked as erroneous rather than walked.
const MAX_NESTING: u16 = 200;

thread_local! {
    // A parser per thread: creating one per call costs an allocation and a language load, and
    // linting runs on rayon's threads.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses `text`. tree-sitter-bash's external scanner passes non-ASCII code points to the C
/// `isdigit` family, which indexes a 384-entry table: `echo {` followed by a supplementary-plane
/// character crashes the process. So every non-ASCII byte is parsed as `.`, which, like a
/// non-ASCII character in bash, is a word character but not a name character. Byte offsets are
/// unchanged, and word values are always decoded from the original text.
fn parse_tree(text: &str) -> Option<Tree> {
    let sanitized;
    let bytes = if text.is_ascii() {
        text.as_bytes()
    } else {
        sanitized = text
            .bytes()
            .map(|b| if b.is_ascii() { b } else { b'.' })
            .collect::<Vec<u8>>();
        &sanitized
    };
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(bytes, None)
    })
}

/// Parses `text` as a script run at re-entry depth `depth`, optionally with pipefail already on.
pub(super) fn parse_script(text: &str, depth: u8, initial_pipefail: bool) -> Script {
    let mut script = Script::default();
    let Some(mut tree) = parse_tree(text) else {
        script.has_errors = true;
        return script;
    };
    let mut heredocs = Vec::new();
    if text.contains("<<")
        && let Some((masked, found)) = heredoc::mask(text, &tree)
        && let Some(masked_tree) = parse_tree(&masked)
    {
        tree = masked_tree;
        heredocs = found;
    }
    let whole = TextRange::from_usize(0, text.len());
    if initial_pipefail {
        script.pipefail_toggles.push(PipefailToggle {
            at: 0,
            enabled: true,
            scope: whole,
        });
    }
    let root = tree.root_node();
    script.has_errors = root.has_error();
    let mut walker = Walker {
        text,
        heredocs: &heredocs,
        script,
        scopes: vec![whole],
        depth,
        cursors: Cursors::new(),
    };
    walker.visit(root, Ctx::default(), 0);
    let mut script = walker.script;
    sort_commands(&mut script);
    for i in 0..script.pipelines.len() {
        script.pipelines[i].pipefail = script.pipefail_before(script.pipelines[i].range.start());
    }
    script
}

/// Pre-order emission is already in source order except in rare shapes (a re-entered script
/// before a later substitution of the same command); a stable sort with index remapping fixes
/// those without disturbing the common case.
fn sort_commands(script: &mut Script) {
    if script
        .commands
        .is_sorted_by_key(|c| (c.range.start(), c.script_depth))
    {
        return;
    }
    let mut order: Vec<usize> = (0..script.commands.len()).collect();
    order.sort_by_key(|&i| {
        let c = &script.commands[i];
        (c.range.start(), c.script_depth)
    });
    let mut new_index = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut old: Vec<Option<Command>> = std::mem::take(&mut script.commands)
        .into_iter()
        .map(Some)
        .collect();
    script.commands = order.iter().filter_map(|&i| old[i].take()).collect();
    for pipeline in &mut script.pipelines {
        for index in &mut pipeline.commands {
            *index = new_index[*index];
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    in_substitution: bool,
    condition: bool,
}

impl Ctx {
    fn with_condition(self, condition: bool) -> Self {
        Ctx {
            condition: self.condition || condition,
            ..self
        }
    }
}

struct Walker<'t, 'n> {
    /// The original text: every node range of the (possibly masked) tree indexes it.
    text: &'t str,
    heredocs: &'t [Heredoc],
    script: Script,
    /// Ranges of the enclosing (sub)shells, innermost last, for confining `set -o pipefail`.
    scopes: Vec<TextRange>,
    depth: u8,
    cursors: Cursors<'n>,
}

/// How ranges of a re-entered script map into the outer text.
#[derive(Debug, Clone, Copy)]
enum Mapping {
    /// The script is a verbatim slice of the outer text starting at this offset.
    Shift(u32),
    /// The script was unescaped; everything maps to the whole argument.
    Whole(TextRange),
}

impl Mapping {
    fn apply(self, range: TextRange) -> TextRange {
        match self {
            Mapping::Shift(offset) => range.shift(offset),
            Mapping::Whole(whole) => whole,
        }
    }
}

/// The byte range of `node`, widened to character boundaries: in error recovery the sanitised
/// parse (see [`parse_tree`]) can split the bytes of one non-ASCII character.
pub(super) fn span(text: &str, node: Node<'_>) -> std::ops::Range<usize> {
    let mut start = node.start_byte().min(text.len());
    let mut end = node.end_byte().clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// The text of `node`.
pub(super) fn src<'t>(text: &'t str, node: Node<'_>) -> &'t str {
    &text[span(text, node)]
}

impl<'n> Walker<'_, 'n> {
    fn range(&self, node: Node<'n>) -> TextRange {
        span(self.text, node).into()
    }

    fn word(&self, node: Node<'n>) -> ShellWord {
        ShellWord {
            range: self.range(node),
            raw: src(self.text, node).to_owned(),
            value: word::value(node, self.text, &self.cursors),
        }
    }

    /// Visits a statement or any other node; returns the index of the command when `node` is a
    /// simple command (possibly negated or redirected), for pipeline membership.
    fn visit(&mut self, node: Node<'n>, ctx: Ctx, nesting: u16) -> Option<usize> {
        if nesting > MAX_NESTING {
            self.script.has_errors = true;
            return None;
        }
        let nesting = nesting + 1;
        match kind(node) {
            k if k.is_command() => Some(self.command(node, &[], ctx, nesting)),
            Kind::RedirectedStatement => self.redirected(node, &[], ctx, nesting),
            Kind::NegatedCommand => {
                let mut first = None;
                let mut cursor = self.cursors.take(node);
                for child in node.named_children(&mut cursor) {
                    let index = self.visit(child, ctx.with_condition(true), nesting);
                    first = first.or(index);
                }
                self.cursors.release(cursor);
                first
            }
            Kind::Pipeline => {
                self.pipeline(node, &[], self.range(node), ctx, nesting);
                None
            }
            Kind::List => {
                self.list(node, ctx, nesting);
                None
            }
            Kind::IfStatement | Kind::ElifClause | Kind::WhileStatement => {
                self.conditional(node, ctx, nesting);
                None
            }
            Kind::Subshell => {
                self.scoped(node, ctx, nesting);
                None
            }
            Kind::CommandSubstitution | Kind::ProcessSubstitution => {
                let inner = Ctx {
                    in_substitution: true,
                    ..ctx
                };
                self.scoped(node, inner, nesting);
                None
            }
            // Heredoc bodies are data here; callers that know a body is a script parse it.
            Kind::Comment | Kind::HeredocBody => None,
            _ => {
                self.children(node, ctx, nesting);
                None
            }
        }
    }

    fn children(&mut self, node: Node<'n>, ctx: Ctx, nesting: u16) {
        if node.child_count() == 0 {
            return;
        }
        let mut cursor = self.cursors.take(node);
        for child in node.named_children(&mut cursor) {
            self.visit(child, ctx, nesting);
        }
        self.cursors.release(cursor);
    }

    fn scoped(&mut self, node: Node<'n>, ctx: Ctx, nesting: u16) {
        self.scopes.push(self.range(node));
        self.children(node, ctx, nesting);
        self.scopes.pop();
    }

    /// A statement with redirects. `extra` holds redirects that tree-sitter-bash attached to an
    /// enclosing pipeline but that belong to this, its last element.
    fn redirected(
        &mut self,
        node: Node<'n>,
        extra: &[Node<'n>],
        ctx: Ctx,
        nesting: u16,
    ) -> Option<usize> {
        let body = field_child(node, fields().body);
        let mut redirects = Vec::with_capacity(2 + extra.len());
        let mut cursor = self.cursors.take(node);
        for child in node.named_children(&mut cursor) {
            if Some(child.id()) != body.map(|b| b.id()) && kind(child) != Kind::Comment {
                redirects.push(child);
            }
        }
        self.cursors.release(cursor);
        redirects.extend_from_slice(extra);
        match body.map(|b| (b, kind(b))) {
            Some((body, k)) if k.is_command() => Some(self.command(body, &redirects, ctx, nesting)),
            // `a | b > f` parses as `(a | b) > f`, but the shell redirects `b` only.
            Some((body, Kind::Pipeline)) => {
                self.pipeline(body, &redirects, self.range(node), ctx, nesting);
                None
            }
            // A compound command's redirects (`while …; done < f`) belong to no simple command;
            // only the commands inside them and in their substitutions are collected.
            other => {
                if let Some((body, _)) = other {
                    self.visit(body, ctx, nesting);
                }
                for redirect in redirects {
                    self.visit(redirect, ctx, nesting);
                }
                None
            }
        }
    }

    /// A pipeline element: like [`Walker::visit`], plus redirects moved from the pipeline.
    fn element(
        &mut self,
        node: Node<'n>,
        extra: &[Node<'n>],
        ctx: Ctx,
        nesting: u16,
    ) -> Option<usize> {
        match kind(node) {
            k if k.is_command() => Some(self.command(node, extra, ctx, nesting)),
            Kind::RedirectedStatement => self.redirected(node, extra, ctx, nesting),
            _ => {
                let index = self.visit(node, ctx, nesting);
                for redirect in extra {
                    self.visit(*redirect, ctx, nesting);
                }
                index
            }
        }
    }

    /// Emits one command from a `command`-like node and the extra redirects of its
    /// `redirected_statement`, then walks its substitutions and re-enters nested scripts.
    fn command(&mut self, node: Node<'n>, redirects: &[Node<'n>], ctx: Ctx, nesting: u16) -> usize {
        let mut command = Command {
            range: self.range(node),
            assignments: Vec::new(),
            name: ShellWord {
                range: TextRange::empty(self.range(node).start()),
                ..ShellWord::default()
            },
            args: Vec::new(),
            pipeline: None,
            redirects: Vec::new(),
            in_substitution: ctx.in_substitution,
            condition: ctx.condition,
            script_depth: self.depth,
        };
        // The named children, kept from this pass over the children for the walk into
        // substitutions below, which would otherwise iterate them a second time.
        let mut named = Vec::with_capacity(8);
        match kind(node) {
            Kind::Command => self.simple_command_parts(node, &mut command, &mut named),
            Kind::TestCommand => {
                let mut cursor = self.cursors.take(node);
                for (i, child) in node.children(&mut cursor).enumerate() {
                    if child.is_named() {
                        named.push(child);
                    }
                    if i == 0 {
                        command.name = self.word(child);
                    } else {
                        self.test_words(child, &mut command.args, nesting);
                    }
                }
                self.cursors.release(cursor);
            }
            // `export A=1 B`, `local x`, `unset y`: the keyword is the name, the rest arguments.
            _ => {
                let mut cursor = self.cursors.take(node);
                for (i, child) in node.children(&mut cursor).enumerate() {
                    if child.is_named() {
                        named.push(child);
                    }
                    if i == 0 {
                        command.name = self.word(child);
                    } else if child.is_named() && kind(child) != Kind::Comment {
                        command.args.push(self.word(child));
                    }
                }
                self.cursors.release(cursor);
            }
        }
        for redirect in redirects {
            self.redirect(*redirect, &mut command);
        }
        for redirect in &command.redirects {
            command.range = command.range.cover(redirect.range);
        }
        if let Some(last) = command.args.last() {
            command.range = command.range.cover(last.range);
        }
        if !command.args.is_sorted_by_key(|a| a.range.start()) {
            command.args.sort_by_key(|a| a.range.start());
        }
        if !command.redirects.is_sorted_by_key(|r| r.range.start()) {
            command.redirects.sort_by_key(|r| r.range.start());
        }
        self.join_continued_words(&mut command);
        self.record_set(&command);
        let index = self.script.commands.len();
        self.script.commands.push(command);

        // Substitutions in assignments, words and redirect targets run as part of this command.
        for child in named {
            self.visit(child, ctx, nesting);
        }
        for redirect in redirects {
            self.visit(*redirect, ctx, nesting);
        }
        self.reenter(index, ctx);
        index
    }

    /// The shell removes backslash-newline before splitting words, so `ins\<newline>tall` is one
    /// word; tree-sitter-bash makes it two. Words joined only by a continuation are merged.
    fn join_continued_words(&self, command: &mut Command) {
        let continued = |a: &ShellWord, b: &ShellWord| {
            matches!(
                self.text
                    .get(a.range.end() as usize..b.range.start() as usize),
                Some("\\\n" | "\\\r\n")
            )
        };
        let merge = |a: &mut ShellWord, b: ShellWord| {
            a.range = a.range.cover(b.range);
            self.text
                .get(a.range.to_std())
                .unwrap_or("")
                .clone_into(&mut a.raw);
            a.value = match (a.value.take(), b.value) {
                (Some(mut x), Some(y)) => {
                    x.push_str(&y);
                    Some(x)
                }
                _ => None,
            };
        };
        while !command.args.is_empty() && continued(&command.name, &command.args[0]) {
            let next = command.args.remove(0);
            merge(&mut command.name, next);
        }
        let mut i = 0;
        while i + 1 < command.args.len() {
            if continued(&command.args[i], &command.args[i + 1]) {
                let next = command.args.remove(i + 1);
                merge(&mut command.args[i], next);
            } else {
                i += 1;
            }
        }
    }

    /// The name, arguments, assignments and redirects of a `command` node; its named children
    /// are appended to `named`.
    fn simple_command_parts(
        &self,
        node: Node<'n>,
        command: &mut Command,
        named: &mut Vec<Node<'n>>,
    ) {
        let mut cursor = self.cursors.take(node);
        if !cursor.goto_first_child() {
            self.cursors.release(cursor);
            return;
        }
        let fields = fields();
        loop {
            let child = cursor.node();
            if child.is_named() {
                named.push(child);
            }
            let field = cursor.field_id();
            match kind(child) {
                _ if field.is_some() && field == fields.name => {
                    // The name is a `command_name` wrapping one word-like node.
                    let inner = child.named_child(0).unwrap_or(child);
                    command.name = self.word(inner);
                }
                _ if field.is_some() && field == fields.argument => {
                    command.args.push(self.word(child));
                }
                Kind::VariableAssignment => command.assignments.push(self.assignment(child)),
                Kind::FileRedirect | Kind::HerestringRedirect | Kind::HeredocRedirect => {
                    self.redirect(child, command);
                }
                _ => {}
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        self.cursors.release(cursor);
    }

    fn assignment(&self, node: Node<'n>) -> Assignment {
        let name = field_child(node, fields().name)
            .map(|n| src(self.text, n).to_owned())
            .unwrap_or_default();
        let value = field_child(node, fields().value).map_or_else(
            || ShellWord {
                range: TextRange::empty(self.range(node).end()),
                raw: String::new(),
                value: Some(String::new()),
            },
            |v| self.word(v),
        );
        Assignment {
            name,
            value,
            range: self.range(node),
        }
    }

    /// The words of a `[ … ]` / `[[ … ]]` test, flattened in order (operators included).
    fn test_words(&self, node: Node<'n>, out: &mut Vec<ShellWord>, nesting: u16) {
        if nesting > MAX_NESTING {
            return;
        }
        match kind(node) {
            Kind::UnaryExpression
            | Kind::BinaryExpression
            | Kind::TernaryExpression
            | Kind::PostfixExpression
            | Kind::ParenthesizedExpression => {
                let mut cursor = self.cursors.take(node);
                for child in node.children(&mut cursor) {
                    self.test_words(child, out, nesting + 1);
                }
                self.cursors.release(cursor);
            }
            Kind::Comment => {}
            _ => out.push(self.word(node)),
        }
    }

    fn redirect(&self, node: Node<'n>, command: &mut Command) {
        let mut redirect = Redirect {
            operator: String::new(),
            fd: None,
            target: None,
            range: self.range(node),
            heredoc_body: None,
        };
        let mut cursor = self.cursors.take(node);
        if !cursor.goto_first_child() {
            self.cursors.release(cursor);
            return;
        }
        let node_kind = kind(node);
        let descriptor = fields().descriptor;
        loop {
            let child = cursor.node();
            let field = cursor.field_id();
            match kind(child) {
                _ if field.is_some() && field == descriptor => {
                    redirect.fd = src(self.text, child).parse().ok();
                }
                Kind::HeredocStart => {
                    // Only reached when masking failed; the delimiter is the target.
                    redirect.target = Some(self.word(child));
                    redirect.range =
                        TextRange::new(redirect.range.start(), self.range(child).end());
                }
                Kind::HeredocBody => redirect.heredoc_body = Some(self.range(child)),
                Kind::FileRedirect | Kind::HerestringRedirect => {
                    // tree-sitter-bash nests `> f` of `cat <<EOF > f` in the heredoc redirect.
                    self.redirect(child, command);
                }
                _ if !child.is_named() && redirect.operator.is_empty() => {
                    redirect.operator = self.operator(child);
                    if let Some(doc) = self.heredoc_at(child.start_byte()) {
                        redirect.heredoc_body = doc.body;
                    }
                }
                k if child.is_named()
                    && k != Kind::Comment
                    && node_kind != Kind::HeredocRedirect =>
                {
                    if redirect.target.is_none() {
                        redirect.target = Some(self.word(child));
                        redirect.range =
                            TextRange::new(redirect.range.start(), self.range(child).end());
                    } else {
                        // `cmd 2>&1 arg`: tree-sitter-bash makes `arg` a second destination,
                        // but the shell passes it to the command.
                        command.args.push(self.word(child));
                    }
                }
                _ => {}
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        self.cursors.release(cursor);
        command.redirects.push(redirect);
    }

    /// The operator text; a masked heredoc's `< ` is reported as the `<<` / `<<-` it was.
    fn operator(&self, token: Node<'n>) -> String {
        match self.heredoc_at(token.start_byte()) {
            Some(doc) if doc.strip_tabs => "<<-".to_owned(),
            Some(_) => "<<".to_owned(),
            None => src(self.text, token).to_owned(),
        }
    }

    fn heredoc_at(&self, offset: usize) -> Option<&Heredoc> {
        let offset = offset as u32;
        self.heredocs
            .binary_search_by_key(&offset, |h| h.operator_start)
            .ok()
            .map(|i| &self.heredocs[i])
    }

    /// A pipeline; `tail` holds redirects written after its last element and `range` the extent
    /// including them.
    fn pipeline(
        &mut self,
        node: Node<'n>,
        tail: &[Node<'n>],
        range: TextRange,
        ctx: Ctx,
        nesting: u16,
    ) {
        let mut elements = Vec::new();
        collect_elements(node, &mut elements, nesting, &self.cursors);
        if let Some((_, redirects)) = elements.last_mut() {
            redirects.extend_from_slice(tail);
        }
        let mut members = Vec::with_capacity(elements.len());
        for (element, redirects) in &elements {
            if let Some(index) = self.element(*element, redirects, ctx, nesting) {
                members.push(index);
            }
        }
        if elements.len() < 2 {
            return;
        }
        let index = self.script.pipelines.len();
        for (position, &member) in members.iter().enumerate() {
            self.script.commands[member].pipeline = Some(PipelineRef { index, position });
        }
        self.script.pipelines.push(Pipeline {
            range,
            commands: members,
            pipefail: false,
        });
    }

    /// `a && b || c` is left-associative: an operand is a condition when any operator after it
    /// is `||`, because everything to its left forms that operator's left operand.
    fn list(&mut self, node: Node<'n>, ctx: Ctx, nesting: u16) {
        let mut operands: Vec<(Node<'n>, bool)> = Vec::with_capacity(2);
        let mut cursor = self.cursors.take(node);
        for child in node.children(&mut cursor) {
            if child.is_named() {
                if kind(child) != Kind::Comment {
                    operands.push((child, false));
                }
            } else if kind(child) == Kind::OrOr {
                for operand in &mut operands {
                    operand.1 = true;
                }
            }
        }
        self.cursors.release(cursor);
        for (operand, condition) in operands {
            self.visit(operand, ctx.with_condition(condition), nesting);
        }
    }

    /// `if`, `elif` and `while`/`until`: statements between the keyword and `then` / `do` are
    /// the condition.
    fn conditional(&mut self, node: Node<'n>, ctx: Ctx, nesting: u16) {
        let mut in_condition = false;
        let mut cursor = self.cursors.take(node);
        for child in node.children(&mut cursor) {
            match kind(child) {
                Kind::ConditionKeyword if !child.is_named() => in_condition = true,
                Kind::Then if !child.is_named() => in_condition = false,
                Kind::DoGroup => in_condition = false,
                _ => {}
            }
            if child.is_named() {
                self.visit(child, ctx.with_condition(in_condition), nesting);
            }
        }
        self.cursors.release(cursor);
    }

    /// Records `set -o pipefail` / `set -eo pipefail` / `set +o pipefail`.
    fn record_set(&mut self, command: &Command) {
        if let Some(enabled) = pipefail_setting(command) {
            let scope = self.scopes.last().copied().unwrap_or(command.range);
            self.script.pipefail_toggles.push(PipefailToggle {
                at: command.range.end(),
                enabled,
                scope,
            });
        }
    }

    /// Parses the script run by `sh -c '…'`, `su -c '…'`, `eval '…'` or `bash <<EOF` and merges
    /// its commands, with ranges mapped into this text.
    fn reenter(&mut self, index: usize, ctx: Ctx) {
        if self.depth >= MAX_SCRIPT_DEPTH {
            return;
        }
        let command = &self.script.commands[index];
        let view = command.unwrapped();
        let Some((reentry, pipefail)) = view
            .program()
            .and_then(|program| wrappers::reentry(program, view.args))
        else {
            return;
        };
        let (script, mapping) = match reentry {
            Reentry::Argument {
                index,
                after_equals,
            } => {
                let word = &view.args[index];
                let Some(value) = word.value.as_deref() else {
                    return;
                };
                let value = if after_equals {
                    value.split_once('=').map_or("", |(_, v)| v)
                } else {
                    value
                };
                (value.to_owned(), mapping_for(word, value, after_equals))
            }
            Reentry::Stdin => {
                let Some(body) = command.redirects.iter().find_map(|r| {
                    (r.operator.starts_with("<<")
                        && r.operator != "<<<"
                        && matches!(r.fd, None | Some(0)))
                    .then_some(r.heredoc_body?)
                }) else {
                    return;
                };
                let Some(body_text) = self.text.get(body.to_std()) else {
                    return;
                };
                (body_text.to_owned(), Mapping::Shift(body.start()))
            }
        };
        let inner = super::parse_at(&script, self.depth + 1, pipefail);
        self.merge(inner, mapping, ctx);
    }

    fn merge(&mut self, inner: Script, mapping: Mapping, ctx: Ctx) {
        let command_offset = self.script.commands.len();
        let pipeline_offset = self.script.pipelines.len();
        self.script.has_errors |= inner.has_errors;
        let map_word = |w: &mut ShellWord| w.range = mapping.apply(w.range);
        for mut command in inner.commands {
            command.range = mapping.apply(command.range);
            map_word(&mut command.name);
            command.args.iter_mut().for_each(map_word);
            for assignment in &mut command.assignments {
                assignment.range = mapping.apply(assignment.range);
                map_word(&mut assignment.value);
            }
            for redirect in &mut command.redirects {
                redirect.range = mapping.apply(redirect.range);
                if let Some(target) = &mut redirect.target {
                    map_word(target);
                }
                redirect.heredoc_body = redirect.heredoc_body.map(|b| mapping.apply(b));
            }
            if let Some(p) = &mut command.pipeline {
                p.index += pipeline_offset;
            }
            command.in_substitution |= ctx.in_substitution;
            command.condition |= ctx.condition;
            self.script.commands.push(command);
        }
        for mut pipeline in inner.pipelines {
            pipeline.range = mapping.apply(pipeline.range);
            for i in &mut pipeline.commands {
                *i += command_offset;
            }
            self.script.pipelines.push(pipeline);
        }
        for mut toggle in inner.pipefail_toggles {
            toggle.scope = mapping.apply(toggle.scope);
            toggle.at = match mapping {
                Mapping::Shift(offset) => toggle.at + offset,
                // Inexact mapping: the toggle covers the whole argument from its start, which
                // is right for the common `set -o pipefail; …` prefix.
                Mapping::Whole(whole) => whole.start(),
            };
            self.script.pipefail_toggles.push(toggle);
        }
    }
}

/// The pipefail setting a `set` command leaves in force (`-o pipefail`, `-eo pipefail`,
/// `+o pipefail`), or `None` when it is not a `set` command or does not touch pipefail. Shared
/// with the fast path so that both read `set` arguments the same way.
pub(super) fn pipefail_setting(command: &Command) -> Option<bool> {
    if command.name_value() != Some("set") {
        return None;
    }
    let mut enabled = None;
    let mut args = command.args.iter();
    while let Some(arg) = args.next() {
        let Some(v) = arg.value.as_deref() else {
            continue;
        };
        if v == "--" {
            break;
        }
        let on = v.starts_with('-');
        if !(on || v.starts_with('+')) {
            continue;
        }
        for c in v[1..].chars() {
            if c == 'o'
                && let Some(option) = args.next()
                && option.value.as_deref() == Some("pipefail")
            {
                enabled = Some(on);
            }
        }
    }
    enabled
}

/// The elements of a pipeline with tree-sitter-bash's nesting undone: `a | b 2>&1 | c` parses as
/// `((a | b) 2>&1) | c`, and the redirect belongs to `b`.
fn collect_elements<'t>(
    node: Node<'t>,
    out: &mut Vec<(Node<'t>, Vec<Node<'t>>)>,
    nesting: u16,
    cursors: &Cursors<'t>,
) {
    let mut cursor = cursors.take(node);
    for child in node.named_children(&mut cursor) {
        let child_kind = kind(child);
        if child_kind == Kind::Comment {
            continue;
        }
        let body = field_child(child, fields().body);
        match body {
            Some(body)
                if child_kind == Kind::RedirectedStatement
                    && kind(body) == Kind::Pipeline
                    && nesting < MAX_NESTING =>
            {
                collect_elements(body, out, nesting + 1, cursors);
                let mut inner = cursors.take(child);
                if let Some((_, last)) = out.last_mut() {
                    last.extend(
                        child
                            .named_children(&mut inner)
                            .filter(|r| r.id() != body.id() && kind(*r) != Kind::Comment),
                    );
                }
                cursors.release(inner);
            }
            _ => out.push((child, Vec::new())),
        }
    }
    cursors.release(cursor);
}

/// Exact when the script is the argument verbatim, or its inside between matching quotes with
/// nothing unescaped (`'…'`, `"…"`, a plain word, `--command="…"`); otherwise the whole argument.
fn mapping_for(word: &ShellWord, script: &str, after_equals: bool) -> Mapping {
    let raw = word.raw.as_str();
    let prefix = if after_equals {
        raw.find('=').map_or(raw.len(), |i| i + 1)
    } else {
        0
    };
    let piece = &raw[prefix..];
    let inner = ['\'', '"'].into_iter().find_map(|q| {
        piece
            .strip_prefix(q)
            .and_then(|p| p.strip_suffix(q))
            .filter(|inner| *inner == script)
    });
    let offset = if piece == script {
        Some(prefix)
    } else {
        inner.map(|_| prefix + 1)
    };
    match offset {
        Some(offset) => Mapping::Shift(word.range.start() + offset as u32),
        None => Mapping::Whole(word.range),
    }
}
