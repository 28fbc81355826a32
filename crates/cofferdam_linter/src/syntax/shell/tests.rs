//! Tests for the shell analysis: each construct with exact ranges, the false-positive traps
//! rules must not fall into, and a property test that parsing never panics or leaves the text.

use cofferdam_diagnostics::TextRange;
use proptest::prelude::*;

use super::{Command, Script, ShellWord, parse};

/// The text a range covers.
fn at(text: &str, range: TextRange) -> &str {
    &text[range.to_std()]
}

fn r(start: u32, end: u32) -> TextRange {
    TextRange::new(start, end)
}

fn names(script: &Script) -> Vec<&str> {
    script
        .commands
        .iter()
        .map(|c| c.name_value().unwrap_or("<expansion>"))
        .collect()
}

fn values(words: &[ShellWord]) -> Vec<Option<&str>> {
    words.iter().map(ShellWord::literal).collect()
}

fn only(script: &Script) -> &Command {
    assert_eq!(script.commands.len(), 1, "{:#?}", script.commands);
    &script.commands[0]
}

#[test]
fn simple_command_with_exact_ranges() {
    let text = "apt-get install -yq x";
    let s = parse(text);
    assert!(!s.has_errors);
    let c = only(&s);
    assert_eq!(c.range, r(0, 21));
    assert_eq!(c.name.range, r(0, 7));
    assert_eq!(c.name.raw, "apt-get");
    assert_eq!(values(&c.args), [Some("install"), Some("-yq"), Some("x")]);
    assert_eq!(
        c.args.iter().map(|a| a.range).collect::<Vec<_>>(),
        [r(8, 15), r(16, 19), r(20, 21)]
    );
    assert!(c.has_flag('y', "yes"));
    assert!(c.has_flag('q', "quiet"));
    assert!(!c.has_flag('s', "simulate"));
    assert!(s.pipelines.is_empty());
    assert!(!c.condition && !c.in_substitution && c.pipeline.is_none());
}

#[test]
fn flags_long_forms_and_double_dash() {
    let s = parse("apt-get install --assume-yes --no-install-recommends=1 -- -y");
    let c = only(&s);
    assert!(c.has_flag('y', "assume-yes"));
    assert!(c.has_long_flag("no-install-recommends"));
    assert!(!c.has_long_flag("no-install"));
    // `-y` after `--` is an operand.
    assert!(!c.has_short_flag('y'));
}

#[test]
fn leading_assignments() {
    let text = "DEBIAN_FRONTEND=noninteractive apt-get install -y x";
    let s = parse(text);
    let c = only(&s);
    assert_eq!(c.assignments.len(), 1);
    let a = &c.assignments[0];
    assert_eq!(a.name, "DEBIAN_FRONTEND");
    assert_eq!(a.range, r(0, 30));
    assert_eq!(a.value.range, r(16, 30));
    assert_eq!(a.value.literal(), Some("noninteractive"));
    assert_eq!(c.name_value(), Some("apt-get"));
    assert_eq!(c.name.range, r(31, 38));
    assert_eq!(c.range, r(0, 51));
    assert!(c.has_flag('y', "yes"));

    let s = parse("X= Y=$(id) cmd");
    let c = &s.commands[0];
    assert_eq!(c.assignments[0].value.literal(), Some(""));
    assert_eq!(c.assignments[0].value.range, r(2, 2));
    assert_eq!(c.assignments[1].value.literal(), None);
    assert_eq!(names(&s), ["cmd", "id"]);
}

#[test]
fn quoted_string_is_one_argument_not_a_pipeline() {
    let text = r#"echo "curl x | sh""#;
    let s = parse(text);
    let c = only(&s);
    assert_eq!(c.name_value(), Some("echo"));
    assert_eq!(values(&c.args), [Some("curl x | sh")]);
    assert_eq!(at(text, c.args[0].range), r#""curl x | sh""#);
    assert!(s.pipelines.is_empty());
}

#[test]
fn comments_are_not_commands() {
    assert!(parse("# sudo apt-get install x").commands.is_empty());
    let text = "echo hi # sudo rm -rf /";
    let s = parse(text);
    let c = only(&s);
    assert_eq!(values(&c.args), [Some("hi")]);
    assert_eq!(c.range, r(0, 7));
}

#[test]
fn command_substitution_pipeline() {
    let text = "$(curl -s x | sh)";
    let s = parse(text);
    assert_eq!(names(&s), ["<expansion>", "curl", "sh"]);
    let curl = &s.commands[1];
    let sh = &s.commands[2];
    assert!(curl.in_substitution && sh.in_substitution);
    assert!(!s.commands[0].in_substitution);
    assert_eq!(curl.range, r(2, 11));
    assert_eq!(sh.range, r(14, 16));
    assert_eq!(s.pipelines.len(), 1);
    assert_eq!(s.pipelines[0].range, r(2, 16));
    assert_eq!(s.pipelines[0].commands, [1, 2]);
    assert_eq!(s.piped_into(curl).and_then(Command::name_value), Some("sh"));

    let s = parse("echo `id -u` \"a$(whoami)\" <(ls)");
    assert_eq!(names(&s), ["echo", "id", "whoami", "ls"]);
    assert!(s.commands[1..].iter().all(|c| c.in_substitution));
    assert_eq!(values(&s.commands[0].args), [None, None, None]);
}

#[test]
fn wget_piped_to_bash() {
    let text = "wget -qO- url | bash -s --";
    let s = parse(text);
    assert_eq!(names(&s), ["wget", "bash"]);
    let p = &s.pipelines[0];
    assert_eq!(p.range, r(0, 26));
    assert_eq!(p.commands, [0, 1]);
    assert!(!p.pipefail);
    assert_eq!(s.commands[0].pipeline.map(|p| p.position), Some(0));
    assert_eq!(s.commands[1].pipeline.map(|p| p.position), Some(1));
    assert_eq!(s.commands[1].range, r(16, 26));
    assert_eq!(
        s.pipeline_commands(p)
            .map(|c| c.name.range)
            .collect::<Vec<_>>(),
        [r(0, 4), r(16, 20)]
    );
    assert!(std::ptr::eq(
        s.pipeline_of(&s.commands[1]).expect("in a pipeline"),
        p
    ));
}

#[test]
fn bash_c_is_reentered_with_exact_ranges() {
    let text = r#"bash -c "curl -fsSL x | sh""#;
    let s = parse(text);
    assert!(!s.has_errors);
    assert_eq!(names(&s), ["bash", "curl", "sh"]);
    let curl = &s.commands[1];
    assert_eq!(curl.script_depth, 1);
    assert_eq!(at(text, curl.range), "curl -fsSL x");
    assert_eq!(at(text, curl.args[0].range), "-fsSL");
    assert_eq!(curl.args[0].raw, "-fsSL");
    assert_eq!(at(text, s.commands[2].range), "sh");
    assert_eq!(s.pipelines.len(), 1);
    assert_eq!(at(text, s.pipelines[0].range), "curl -fsSL x | sh");
    assert_eq!(s.pipelines[0].commands, [1, 2]);
    // The outer command keeps its literal view.
    assert_eq!(s.commands[0].script_depth, 0);
    assert_eq!(values(&s.commands[0].args)[1], Some("curl -fsSL x | sh"));
}

#[test]
fn reentry_variants() {
    let text = "sudo -u app sh -ec 'apt-get update'";
    let s = parse(text);
    assert_eq!(names(&s), ["sudo", "apt-get"]);
    assert_eq!(at(text, s.commands[1].range), "apt-get update");

    let text = "su - app -c 'id -u' && su --command=\"whoami\" && eval 'curl x | sh'";
    let s = parse(text);
    assert_eq!(
        names(&s),
        ["su", "id", "su", "whoami", "eval", "curl", "sh"]
    );
    assert_eq!(at(text, s.commands[1].range), "id -u");
    assert_eq!(at(text, s.commands[3].range), "whoami");
    assert_eq!(at(text, s.commands[5].range), "curl x");

    // With escapes the script is decoded, and its ranges cover the whole argument.
    let text = r#"sh -c "echo \"a\" | sh""#;
    let s = parse(text);
    assert_eq!(names(&s), ["sh", "echo", "sh"]);
    let arg = s.commands[0].args[1].range;
    assert_eq!(arg, r(6, 23));
    assert!(s.commands[1..].iter().all(|c| c.range == arg));
    assert_eq!(values(&s.commands[1].args), [Some("a")]);
    assert_eq!(s.pipelines[0].commands, [1, 2]);

    // Expansions are not re-entered; neither is a script file.
    assert_eq!(names(&parse(r#"sh -c "$CMD""#)), ["sh"]);
    assert_eq!(names(&parse("bash install.sh -c x")), ["bash"]);
}

#[test]
fn line_continuations() {
    let text = "apt-get \\\n  install -y \\\n  x \\\n  && rm -rf /var/lib/apt/lists/*";
    let s = parse(text);
    assert!(!s.has_errors);
    assert_eq!(names(&s), ["apt-get", "rm"]);
    let c = &s.commands[0];
    assert_eq!(values(&c.args), [Some("install"), Some("-y"), Some("x")]);
    assert_eq!(c.args[0].range, r(12, 19));
    assert_eq!(c.args[2].range, r(27, 28));
    assert_eq!(c.range, r(0, 28));
    assert_eq!(
        values(&s.commands[1].args),
        [Some("-rf"), Some("/var/lib/apt/lists/*")]
    );
    // A continuation inside a word disappears from its value.
    let text = "apt-\\\nget ins\\\ntall -y";
    let s = parse(text);
    let c = only(&s);
    assert_eq!(c.name_value(), Some("apt-get"));
    assert_eq!(c.name.range, r(0, 9));
    assert_eq!(values(&c.args), [Some("install"), Some("-y")]);
    assert_eq!(at(text, c.args[0].range), "ins\\\ntall");
}

#[test]
fn for_loop_body() {
    let text = "for f in a b; do chmod 777 $f; done";
    let s = parse(text);
    let c = only(&s);
    assert_eq!(c.name_value(), Some("chmod"));
    assert_eq!(c.range, r(17, 29));
    assert_eq!(values(&c.args), [Some("777"), None]);
    assert_eq!(c.args[1].raw, "$f");
    assert!(!c.condition);
}

#[test]
fn heredoc_marker_without_body() {
    let text = "cat <<EOF > /etc/app.conf";
    let s = parse(text);
    assert!(!s.has_errors);
    let c = only(&s);
    assert_eq!(c.name_value(), Some("cat"));
    assert_eq!(c.range, r(0, 25));
    assert!(c.args.is_empty());
    let [heredoc, file] = &c.redirects[..] else {
        panic!("two redirects expected: {:?}", c.redirects)
    };
    assert_eq!(heredoc.operator, "<<");
    assert_eq!(heredoc.range, r(4, 9));
    assert_eq!(
        heredoc.target.as_ref().and_then(ShellWord::literal),
        Some("EOF")
    );
    assert_eq!(heredoc.heredoc_body, None);
    assert_eq!(file.operator, ">");
    assert_eq!(file.range, r(10, 25));
    assert_eq!(
        file.target.as_ref().and_then(ShellWord::literal),
        Some("/etc/app.conf")
    );

    // The rest of the line is still commands, and `<<-'X'` is recognised.
    let text = "cat <<-'EOF' >> /etc/sudoers && chmod 777 /etc/sudoers";
    let s = parse(text);
    assert!(!s.has_errors);
    assert_eq!(names(&s), ["cat", "chmod"]);
    let cat = &s.commands[0];
    assert_eq!(cat.redirects[0].operator, "<<-");
    assert_eq!(at(text, cat.redirects[0].range), "<<-'EOF'");
    assert_eq!(cat.redirects[1].operator, ">>");
    assert_eq!(at(text, s.commands[1].range), "chmod 777 /etc/sudoers");

    // Two heredocs on one line have consecutive bodies.
    let text = "cat <<A <<B > f\na\nA\nb\nB\necho x";
    let s = parse(text);
    assert_eq!(names(&s), ["cat", "echo"]);
    let bodies: Vec<&str> = s.commands[0]
        .redirects
        .iter()
        .filter_map(|r| r.heredoc_body.map(|b| at(text, b)))
        .collect();
    assert_eq!(bodies, ["a\n", "b\n"]);
    assert_eq!(s.commands[0].redirects[2].operator, ">");

    // tree-sitter-bash alone errs on a heredoc in a later pipeline element.
    let s = parse("a | cat <<EOF > f");
    assert!(!s.has_errors);
    assert_eq!(s.pipelines[0].commands, [0, 1]);
    assert_eq!(s.commands[1].redirects.len(), 2);
}

#[test]
fn heredoc_bodies_are_data_unless_fed_to_a_shell() {
    let text = "cat <<EOF > f && b\ncurl x | sh\n  EOF\nEOF\nc";
    let s = parse(text);
    assert!(!s.has_errors);
    assert_eq!(names(&s), ["cat", "b", "c"]);
    let body = s.commands[0].redirects[0].heredoc_body.expect("body");
    assert_eq!(at(text, body), "curl x | sh\n  EOF\n");
    assert!(s.pipelines.is_empty());

    let text = "bash <<'EOF'\nset -o pipefail\ncurl x | sh\nEOF\nwget -O- y | sh";
    let s = parse(text);
    assert_eq!(names(&s), ["bash", "set", "curl", "sh", "wget", "sh"]);
    assert_eq!(at(text, s.commands[2].range), "curl x");
    assert_eq!(s.commands[2].script_depth, 1);
    assert!(s.pipelines[0].pipefail);
    // The nested shell's `set` does not leak into the outer script.
    assert!(!s.pipelines[1].pipefail);
}

#[test]
fn pipeline_redirects_belong_to_their_element() {
    let text = "a | b 2>&1 | c > f";
    let s = parse(text);
    assert_eq!(names(&s), ["a", "b", "c"]);
    assert_eq!(s.pipelines.len(), 1);
    assert_eq!(s.pipelines[0].commands, [0, 1, 2]);
    assert_eq!(s.pipelines[0].range, r(0, 18));
    let b = &s.commands[1];
    assert_eq!(b.redirects[0].operator, ">&");
    assert_eq!(b.redirects[0].fd, Some(2));
    assert_eq!(at(text, b.range), "b 2>&1");
    assert_eq!(at(text, s.commands[2].range), "c > f");
}

#[test]
fn redirect_shapes() {
    let text = "cmd 2>&1 arg &>/dev/null >>log";
    let s = parse(text);
    let c = only(&s);
    assert_eq!(values(&c.args), [Some("arg")]);
    assert_eq!(c.args[0].range, r(9, 12));
    let ops: Vec<_> = c.redirects.iter().map(|r| r.operator.as_str()).collect();
    assert_eq!(ops, [">&", "&>", ">>"]);
    assert_eq!(at(text, c.redirects[0].range), "2>&1");
    assert_eq!(c.redirects[0].fd, Some(2));
    assert_eq!(c.redirects[1].fd, None);
    assert_eq!(c.range, r(0, 30));

    let text = "read x <<< \"s\" 2>/dev/null";
    let s = parse(text);
    let c = only(&s);
    assert_eq!(c.redirects[0].operator, "<<<");
    assert_eq!(at(text, c.redirects[0].range), "<<< \"s\"");
    assert_eq!(
        c.redirects[0].target.as_ref().and_then(ShellWord::literal),
        Some("s")
    );
}

#[test]
fn word_values() {
    let text = r#"cmd --foo="bar" 'a b' a\ b "$X" ${Y} *.txt $'a\tb' "x"'y'z """#;
    let s = parse(text);
    let c = only(&s);
    assert_eq!(
        values(&c.args),
        [
            Some("--foo=bar"),
            Some("a b"),
            Some("a b"),
            None,
            None,
            Some("*.txt"),
            Some("a\tb"),
            Some("xyz"),
            Some(""),
        ]
    );
    assert_eq!(at(text, c.args[0].range), r#"--foo="bar""#);
    assert_eq!(c.args[0].raw, r#"--foo="bar""#);
}

#[test]
fn nested_constructs_in_source_order() {
    let text = "(cd /a && make); { b; }; f() { g; }; case $x in a) h;; esac; \
                if x; then y; else z; fi; export A=1 B; [ -f q ]";
    let s = parse(text);
    assert!(!s.has_errors);
    assert_eq!(
        names(&s),
        ["cd", "make", "b", "g", "h", "x", "y", "z", "export", "["]
    );
    let export = &s.commands[8];
    assert_eq!(values(&export.args), [Some("A=1"), Some("B")]);
    assert_eq!(
        values(&s.commands[9].args),
        [Some("-f"), Some("q"), Some("]")]
    );
    let starts: Vec<u32> = s.commands.iter().map(|c| c.range.start()).collect();
    assert!(starts.is_sorted());
}

#[test]
fn conditions() {
    let s = parse(
        "if grep -q x f; then a; elif b; then c; fi; while d; do e; done; until f; do g; done; \
         h || i; j && k || l; m || n && o; ! p; q && r",
    );
    let cond: Vec<(&str, bool)> = s
        .commands
        .iter()
        .map(|c| (c.name_value().unwrap_or(""), c.condition))
        .collect();
    assert_eq!(
        cond,
        [
            ("grep", true),
            ("a", false),
            ("b", true),
            ("c", false),
            ("d", true),
            ("e", false),
            ("f", true),
            ("g", false),
            ("h", true),
            ("i", false),
            ("j", true),
            ("k", true),
            ("l", false),
            ("m", true),
            ("n", false),
            ("o", false),
            ("p", true),
            ("q", false),
            ("r", false),
        ]
    );
    let s = parse("if [ \"$(id -u)\" = 0 ]; then :; fi");
    assert!(
        s.commands_named("id")
            .all(|c| c.condition && c.in_substitution)
    );
}

#[test]
fn pipefail() {
    for prefix in [
        "set -o pipefail",
        "set -eo pipefail",
        "set -euxo pipefail",
        "set -e -o pipefail",
    ] {
        let s = parse(&format!("{prefix}; curl x | sh"));
        assert!(s.pipelines[0].pipefail, "{prefix}");
    }
    let text = "a | b; set -o pipefail; c | d; set +o pipefail; e | f";
    let s = parse(text);
    let flags: Vec<bool> = s.pipelines.iter().map(|p| p.pipefail).collect();
    assert_eq!(flags, [false, true, false]);
    assert!(!s.pipefail_before(0));
    assert!(s.pipefail_before(24));
    assert!(!s.pipefail_before(text.len() as u32));

    // A subshell's setting is confined to it.
    let s = parse("(set -o pipefail; a | b); c | d");
    let flags: Vec<bool> = s.pipelines.iter().map(|p| p.pipefail).collect();
    assert_eq!(flags, [true, false]);

    let s = parse("bash -o pipefail -c 'curl x | sh'; a | b");
    let flags: Vec<bool> = s.pipelines.iter().map(|p| p.pipefail).collect();
    assert_eq!(flags, [true, false]);
}

#[test]
fn unwrapping() {
    let s = parse("sudo -E -u root apt-get install -y x");
    let c = only(&s);
    assert_eq!(c.name_value(), Some("sudo"));
    let v = c.unwrapped();
    assert!(v.is_wrapped());
    assert_eq!(v.name_value(), Some("apt-get"));
    assert_eq!(v.name.range, r(16, 23));
    assert_eq!(values(v.args), [Some("install"), Some("-y"), Some("x")]);
    assert_eq!(
        values(v.wrapper_args),
        [Some("-E"), Some("-u"), Some("root")]
    );
    assert_eq!(v.range(), r(16, 36));
    assert!(v.has_flag('y', "yes"));

    let cases = [
        ("env -i A=1 B=2 curl x", Some("curl")),
        ("env - PATH=/bin /usr/bin/curl x", Some("/usr/bin/curl")),
        ("xargs -0 -n1 -I {} rm {}", Some("rm")),
        (
            "nohup nice -n 10 time -p exec -a x gosu app timeout 5 wget y",
            Some("wget"),
        ),
        ("sudo VAR=1 -- chmod 777 x", Some("chmod")),
        ("command -p curl", Some("curl")),
        ("command -v curl", Some("command")),
        ("sudo -v", Some("sudo")),
        ("env", Some("env")),
        ("sudo $CMD x", None),
    ];
    for (text, expected) in cases {
        let s = parse(text);
        assert_eq!(only(&s).unwrapped().name_value(), expected, "{text}");
    }
    assert_eq!(
        parse("env -i A=1 B=2 curl x").commands[0]
            .unwrapped()
            .program(),
        Some("curl")
    );
}

#[test]
fn commands_named_sees_paths_and_wrappers() {
    let s = parse("/usr/bin/curl x; sudo curl y; echo curl; sudo id");
    let found: Vec<u32> = s.commands_named("curl").map(|c| c.range.start()).collect();
    assert_eq!(found, [0, 17]);
    assert_eq!(s.commands_named("sudo").count(), 2);
}

#[test]
fn errors_still_yield_commands() {
    let s = parse("echo ) ; curl x | sh");
    assert!(s.has_errors);
    assert_eq!(s.commands_named("curl").count(), 1);
    assert_eq!(s.pipelines.len(), 1);
    let s = parse("sh -c 'if then'");
    assert!(s.has_errors);
    assert!(parse("").commands.is_empty());
}

#[test]
fn non_ascii_text_does_not_crash_the_grammar() {
    // tree-sitter-bash 0.25.1 segfaults on these without sanitising (see `walk::parse_tree`).
    for text in ["echo {\u{832B9}", "echo ${\u{832B9}}", "a {\u{10FFFF}.}"] {
        let s = parse(text);
        assert_eq!(
            s.commands[0].name_value(),
            Some(text.split(' ').next().unwrap_or(""))
        );
    }
    let text = "echo 'héllo wörld' é=1 ${x}é";
    let s = parse(text);
    let c = only(&s);
    assert_eq!(values(&c.args), [Some("héllo wörld"), Some("é=1"), None]);
    assert_eq!(at(text, c.args[0].range), "'héllo wörld'");
}

#[test]
fn deep_nesting_does_not_overflow() {
    let text = format!("{}x{}", "$(".repeat(3000), ")".repeat(3000));
    let s = parse(&text);
    assert!(s.commands.len() < 3000);
    let text = "bash -c 'bash -c \"sh -c id\"'";
    assert_eq!(names(&parse(text)), ["bash", "bash", "sh", "id"]);
}

fn check_ranges(text: &str, script: &Script) -> Result<(), TestCaseError> {
    let len = text.len() as u32;
    let inside = |range: TextRange| range.end() <= len;
    for c in &script.commands {
        prop_assert!(inside(c.range));
        let words = std::iter::once(&c.name)
            .chain(&c.args)
            .chain(c.assignments.iter().map(|a| &a.value))
            .chain(c.redirects.iter().filter_map(|r| r.target.as_ref()));
        for w in words {
            prop_assert!(inside(w.range));
            prop_assert!(text.is_char_boundary(w.range.start() as usize));
            prop_assert!(text.is_char_boundary(w.range.end() as usize));
            if c.script_depth == 0 {
                prop_assert_eq!(&w.raw, at(text, w.range));
            }
        }
        for a in &c.assignments {
            prop_assert!(inside(a.range));
        }
        for redirect in &c.redirects {
            prop_assert!(inside(redirect.range));
            prop_assert!(redirect.heredoc_body.is_none_or(inside));
        }
        if let Some(p) = c.pipeline {
            prop_assert!(p.index < script.pipelines.len());
        }
    }
    for p in &script.pipelines {
        prop_assert!(inside(p.range));
        prop_assert!(p.commands.iter().all(|&i| i < script.commands.len()));
    }
    Ok(())
}

const TOKENS: &[&str] = &[
    "a", "sudo", "curl", "sh", "bash", "-c", "-o", "pipefail", "set", "env", "X=1", "|", "||",
    "&&", ";", "&", "\n", "\\\n", " ", "\t", "'", "\"", "$(", ")", "(", "`", "{", "}", "$", "${",
    "<<", "<<-", "<<<", "EOF", ">", "2>&1", "<(", "#", "!", "if", "then", "fi", "for", "in", "do",
    "done", "case", "esac", ";;", "eval", "su", "é", "\\", "=", "--", "*", "[", "]", "[[", "]]",
];

proptest! {
    #[test]
    fn parse_never_panics_and_ranges_stay_inside(text in ".{0,200}") {
        let script = parse(&text);
        check_ranges(&text, &script)?;
    }

    #[test]
    fn shell_like_input_stays_inside(parts in prop::collection::vec(
        prop::sample::select(TOKENS), 0..60)
    ) {
        let text = parts.join("");
        let script = parse(&text);
        check_ranges(&text, &script)?;
    }
}
