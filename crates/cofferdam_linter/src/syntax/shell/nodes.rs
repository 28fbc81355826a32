//! Cheap access to tree-sitter-bash trees for `walk`, `word` and `heredoc`: the node kinds and
//! fields they branch on, resolved once to the grammar's numeric ids, and a pool of cursors.
//!
//! `Node::kind()` and `TreeCursor::field_name()` turn a C string into `&str` on every call
//! (a `strlen` and a UTF-8 check), and `Node::child_by_field_name` scans the field table by
//! name. The walker asks these questions for every node of every script, so it asks by id
//! instead: [`kind`] reads a table built from the same id-to-name map that `Node::kind()` uses,
//! which makes `kind(node) == Kind::X` exactly `node.kind() == "x"`.
//!
//! Likewise `Node::walk()` allocates a cursor and every iteration over children needs one; the
//! walk takes them from [`Cursors`] and hands them back, so one script needs a handful.

use std::cell::RefCell;
use std::num::NonZeroU16;
use std::sync::LazyLock;

use tree_sitter::{Language, Node, TreeCursor};

/// A node kind the shell walker distinguishes; every other kind is [`Kind::Other`].
///
/// Several names exist both as a named and as an anonymous kind; like a comparison with
/// `Node::kind()`, a variant matches both, and callers test `is_named()` where it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Command,
    DeclarationCommand,
    UnsetCommand,
    TestCommand,
    RedirectedStatement,
    NegatedCommand,
    Pipeline,
    List,
    IfStatement,
    ElifClause,
    WhileStatement,
    Subshell,
    CommandSubstitution,
    ProcessSubstitution,
    Comment,
    HeredocBody,
    HeredocStart,
    VariableAssignment,
    FileRedirect,
    HerestringRedirect,
    HeredocRedirect,
    UnaryExpression,
    BinaryExpression,
    TernaryExpression,
    PostfixExpression,
    ParenthesizedExpression,
    DoGroup,
    Word,
    Number,
    VariableName,
    FileDescriptor,
    TestOperator,
    ExtglobPattern,
    Regex,
    RawString,
    String,
    TranslatedString,
    StringContent,
    AnsiCString,
    Concatenation,
    CommandName,
    /// The `||` operator.
    OrOr,
    /// The keywords `if`, `elif`, `while`, `until`, which start a condition.
    ConditionKeyword,
    /// The keyword `then`.
    Then,
    Other,
}

impl Kind {
    fn from_name(name: &str) -> Kind {
        match name {
            "command" => Kind::Command,
            "declaration_command" => Kind::DeclarationCommand,
            "unset_command" => Kind::UnsetCommand,
            "test_command" => Kind::TestCommand,
            "redirected_statement" => Kind::RedirectedStatement,
            "negated_command" => Kind::NegatedCommand,
            "pipeline" => Kind::Pipeline,
            "list" => Kind::List,
            "if_statement" => Kind::IfStatement,
            "elif_clause" => Kind::ElifClause,
            "while_statement" => Kind::WhileStatement,
            "subshell" => Kind::Subshell,
            "command_substitution" => Kind::CommandSubstitution,
            "process_substitution" => Kind::ProcessSubstitution,
            "comment" => Kind::Comment,
            "heredoc_body" => Kind::HeredocBody,
            "heredoc_start" => Kind::HeredocStart,
            "variable_assignment" => Kind::VariableAssignment,
            "file_redirect" => Kind::FileRedirect,
            "herestring_redirect" => Kind::HerestringRedirect,
            "heredoc_redirect" => Kind::HeredocRedirect,
            "unary_expression" => Kind::UnaryExpression,
            "binary_expression" => Kind::BinaryExpression,
            "ternary_expression" => Kind::TernaryExpression,
            "postfix_expression" => Kind::PostfixExpression,
            "parenthesized_expression" => Kind::ParenthesizedExpression,
            "do_group" => Kind::DoGroup,
            "word" => Kind::Word,
            "number" => Kind::Number,
            "variable_name" => Kind::VariableName,
            "file_descriptor" => Kind::FileDescriptor,
            "test_operator" => Kind::TestOperator,
            "extglob_pattern" => Kind::ExtglobPattern,
            "regex" => Kind::Regex,
            "raw_string" => Kind::RawString,
            "string" => Kind::String,
            "translated_string" => Kind::TranslatedString,
            "string_content" => Kind::StringContent,
            "ansi_c_string" => Kind::AnsiCString,
            "concatenation" => Kind::Concatenation,
            "command_name" => Kind::CommandName,
            "||" => Kind::OrOr,
            "if" | "elif" | "while" | "until" => Kind::ConditionKeyword,
            "then" => Kind::Then,
            _ => Kind::Other,
        }
    }

    /// The kinds that the walker turns into a [`super::Command`].
    pub(super) fn is_command(self) -> bool {
        matches!(
            self,
            Kind::Command | Kind::DeclarationCommand | Kind::UnsetCommand | Kind::TestCommand
        )
    }
}

/// Field ids of the grammar (`None` if a future grammar drops the field, so that nothing
/// matches it, as a by-name lookup would then find nothing).
pub(super) struct Fields {
    pub(super) name: Option<NonZeroU16>,
    pub(super) argument: Option<NonZeroU16>,
    pub(super) descriptor: Option<NonZeroU16>,
    pub(super) body: Option<NonZeroU16>,
    pub(super) value: Option<NonZeroU16>,
}

struct Table {
    kinds: Vec<Kind>,
    fields: Fields,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let language = Language::from(tree_sitter_bash::LANGUAGE);
    let count = u16::try_from(language.node_kind_count()).unwrap_or(u16::MAX);
    let kinds = (0..count)
        .map(|id| {
            language
                .node_kind_for_id(id)
                .map_or(Kind::Other, Kind::from_name)
        })
        .collect();
    let field = |name: &str| language.field_id_for_name(name);
    Table {
        kinds,
        fields: Fields {
            name: field("name"),
            argument: field("argument"),
            descriptor: field("descriptor"),
            body: field("body"),
            value: field("value"),
        },
    }
});

/// The kind of `node`. Ids outside the table (`ERROR` and `_ERROR`) are no kind we test.
pub(super) fn kind(node: Node<'_>) -> Kind {
    TABLE
        .kinds
        .get(usize::from(node.kind_id()))
        .copied()
        .unwrap_or(Kind::Other)
}

/// The field ids the walker reads.
pub(super) fn fields() -> &'static Fields {
    &TABLE.fields
}

/// The child of `node` in field `field`, like `Node::child_by_field_name`.
pub(super) fn field_child(node: Node<'_>, field: Option<NonZeroU16>) -> Option<Node<'_>> {
    node.child_by_field_id(field?.get())
}

/// Cursors over one tree, kept for reuse once released. Interior mutability lets the walker's
/// `&self` helpers (words, redirects) share the pool with its `&mut self` traversal.
pub(super) struct Cursors<'n>(RefCell<Vec<TreeCursor<'n>>>);

impl<'n> Cursors<'n> {
    pub(super) fn new() -> Self {
        Cursors(RefCell::new(Vec::new()))
    }

    /// A cursor positioned on `node`, reusing a released cursor when there is one.
    pub(super) fn take(&self, node: Node<'n>) -> TreeCursor<'n> {
        let reused = self.0.borrow_mut().pop();
        match reused {
            Some(mut cursor) => {
                cursor.reset(node);
                cursor
            }
            None => node.walk(),
        }
    }

    /// Returns a cursor to the pool.
    pub(super) fn release(&self, cursor: TreeCursor<'n>) {
        self.0.borrow_mut().push(cursor);
    }
}
