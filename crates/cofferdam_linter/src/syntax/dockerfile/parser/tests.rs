//! Tests for the Dockerfile parser: each feature with exact ranges checked against the text,
//! `BuildKit` regressions, and property tests that the parser never panics and that every range
//! and offset map in the tree is sound.

use cofferdam_diagnostics::TextRange;
use proptest::prelude::*;

use super::super::ast::{
    CopyArgs, Dockerfile, Healthcheck, Heredoc, Instruction, InstructionKind, KeyValue, Keyword,
    MappedText, ShellOrExec, Word,
};
use super::parse;

fn at(text: &str, range: TextRange) -> &str {
    &text[range.to_std()]
}

/// Parses `text`, checks the tree's ranges and maps, and asserts there are no errors.
fn ok(text: &str) -> Dockerfile {
    let dockerfile = parse(text);
    assert!(dockerfile.errors.is_empty(), "{:#?}", dockerfile.errors);
    check_tree(text, &dockerfile);
    dockerfile
}

/// Parses `text`, checks the tree, and returns it with its error messages.
fn with_errors(text: &str) -> (Dockerfile, Vec<String>) {
    let dockerfile = parse(text);
    check_tree(text, &dockerfile);
    let messages = dockerfile
        .errors
        .iter()
        .map(|error| error.message.clone())
        .collect();
    (dockerfile, messages)
}

fn check_range(text: &str, range: TextRange) {
    assert!(range.end() as usize <= text.len(), "{range:?} past the end");
    assert!(text.is_char_boundary(range.start() as usize), "{range:?}");
    assert!(text.is_char_boundary(range.end() as usize), "{range:?}");
}

/// A word whose raw text was taken from the source (not a decoded JSON string): its range
/// starts with its first byte and ends with its last.
fn check_word(text: &str, word: &Word, decoded: bool) {
    check_range(text, word.range);
    if decoded || word.raw.is_empty() {
        return;
    }
    let source = at(text, word.range).as_bytes();
    let raw = word.raw.as_bytes();
    assert_eq!(source.first(), raw.first(), "{word:?}");
    assert_eq!(source.last(), raw.last(), "{word:?}");
}

/// Every logical byte maps to a source byte inside the range that holds the same value.
fn check_mapped(text: &str, mapped: &MappedText) {
    check_range(text, mapped.range);
    assert!(
        mapped.segments.windows(2).all(|w| w[0].0 < w[1].0),
        "unsorted segments {mapped:?}"
    );
    for (logical, &byte) in mapped.text.as_bytes().iter().enumerate() {
        let source = mapped.to_source(logical as u32);
        assert!(
            mapped.range.contains(source),
            "{logical} maps to {source} outside {mapped:?}"
        );
        assert_eq!(
            text.as_bytes()[source as usize],
            byte,
            "logical {logical} of {mapped:?}"
        );
    }
}

fn check_command(text: &str, command: &ShellOrExec) {
    match command {
        ShellOrExec::Exec { args, range } => {
            check_range(text, *range);
            for arg in args {
                check_range(text, arg.range);
                assert!(range.contains_range(arg.range));
                assert_eq!(at(text, arg.range).as_bytes().first(), Some(&b'"'));
            }
        }
        ShellOrExec::Shell(mapped) => check_mapped(text, mapped),
    }
}

fn check_pairs(text: &str, pairs: &[KeyValue]) {
    for pair in pairs {
        check_range(text, pair.range);
        check_word(text, &pair.key, false);
        assert!(pair.range.contains_range(pair.key.range));
        if let Some(value) = &pair.value {
            check_word(text, value, false);
            assert!(pair.range.contains_range(value.range));
        }
    }
}

fn check_heredoc(text: &str, heredoc: &Heredoc) {
    check_range(text, heredoc.marker_range);
    check_range(text, heredoc.terminator_range);
    check_mapped(text, &heredoc.body);
    assert!(heredoc.marker_range.end() <= heredoc.body.range.start());
    assert!(heredoc.body.range.end() <= heredoc.terminator_range.start());
}

fn check_instruction(text: &str, instruction: &Instruction) {
    check_range(text, instruction.range);
    check_range(text, instruction.keyword_range);
    assert!(instruction.range.contains_range(instruction.keyword_range));
    assert!(!at(text, instruction.range).ends_with('\n'));
    for flag in &instruction.flags {
        check_range(text, flag.range);
        check_range(text, flag.name_range);
        assert!(at(text, flag.range).starts_with("--"));
        if let Some(value) = &flag.value {
            check_word(text, value, false);
        }
    }
    for heredoc in &instruction.heredocs {
        check_heredoc(text, heredoc);
        // A missing terminator is an empty range at the very end of the file, which may lie
        // after the final line break that the instruction's range leaves out.
        if !heredoc.terminator_range.is_empty() {
            assert!(instruction.range.contains_range(heredoc.terminator_range));
        }
    }
    match &instruction.kind {
        InstructionKind::From { image, alias } => {
            check_word(text, image, false);
            if let Some(alias) = alias {
                check_word(text, alias, false);
            }
        }
        InstructionKind::Run(command)
        | InstructionKind::Cmd(command)
        | InstructionKind::Entrypoint(command)
        | InstructionKind::Shell(command)
        | InstructionKind::Healthcheck(Healthcheck::Cmd { command, .. }) => {
            check_command(text, command);
        }
        InstructionKind::Healthcheck(Healthcheck::None { range }) => check_range(text, *range),
        InstructionKind::Env(pairs)
        | InstructionKind::Label(pairs)
        | InstructionKind::Arg(pairs) => {
            check_pairs(text, pairs);
        }
        InstructionKind::Copy(args) | InstructionKind::Add(args) => {
            for word in args.sources.iter().chain(&args.dest) {
                check_word(text, word, args.json);
            }
        }
        InstructionKind::User(word)
        | InstructionKind::Workdir(word)
        | InstructionKind::Stopsignal(word)
        | InstructionKind::Maintainer(word) => check_word(text, word, false),
        InstructionKind::Expose(words) | InstructionKind::Invalid { args: words } => {
            for word in words {
                check_word(text, word, false);
            }
        }
        InstructionKind::Volume(words) => {
            for word in words {
                check_range(text, word.range);
            }
        }
        InstructionKind::Onbuild(inner) => {
            assert!(instruction.range.contains_range(inner.range));
            check_instruction(text, inner);
        }
    }
}

fn check_tree(text: &str, dockerfile: &Dockerfile) {
    for directive in &dockerfile.directives {
        check_range(text, directive.range);
        check_range(text, directive.value_range);
        assert_eq!(at(text, directive.value_range), directive.value);
    }
    for comment in &dockerfile.comments {
        check_range(text, *comment);
        assert!(at(text, *comment).starts_with('#'));
    }
    for error in &dockerfile.errors {
        check_range(text, error.range);
        assert!(!error.message.is_empty());
        assert!(!error.message.starts_with(char::is_uppercase));
    }
    for instruction in &dockerfile.instructions {
        check_instruction(text, instruction);
    }
}

fn shell(instruction: &Instruction) -> &MappedText {
    match &instruction.kind {
        InstructionKind::Run(ShellOrExec::Shell(mapped))
        | InstructionKind::Cmd(ShellOrExec::Shell(mapped))
        | InstructionKind::Entrypoint(ShellOrExec::Shell(mapped))
        | InstructionKind::Shell(ShellOrExec::Shell(mapped)) => mapped,
        other => panic!("not a shell-form command: {other:?}"),
    }
}

fn exec(instruction: &Instruction) -> (&[Word], TextRange) {
    match &instruction.kind {
        InstructionKind::Run(ShellOrExec::Exec { args, range })
        | InstructionKind::Cmd(ShellOrExec::Exec { args, range })
        | InstructionKind::Entrypoint(ShellOrExec::Exec { args, range })
        | InstructionKind::Shell(ShellOrExec::Exec { args, range }) => (args, *range),
        other => panic!("not an exec-form command: {other:?}"),
    }
}

fn pairs(instruction: &Instruction) -> &[KeyValue] {
    match &instruction.kind {
        InstructionKind::Env(pairs)
        | InstructionKind::Label(pairs)
        | InstructionKind::Arg(pairs) => pairs,
        other => panic!("not a pair instruction: {other:?}"),
    }
}

fn copy_args(instruction: &Instruction) -> &CopyArgs {
    match &instruction.kind {
        InstructionKind::Copy(args) | InstructionKind::Add(args) => args,
        other => panic!("not COPY/ADD: {other:?}"),
    }
}

fn raws(words: &[Word]) -> Vec<&str> {
    words.iter().map(|word| word.raw.as_str()).collect()
}

#[test]
fn empty_and_comment_only_files() {
    let dockerfile = ok("");
    assert!(dockerfile.instructions.is_empty());
    assert_eq!(dockerfile.escape, '\\');
    let text = "\n  \n# just a comment\n\t# another\n";
    let dockerfile = ok(text);
    assert!(dockerfile.instructions.is_empty());
    let comments: Vec<&str> = dockerfile.comments.iter().map(|&c| at(text, c)).collect();
    assert_eq!(comments, ["# just a comment", "# another"]);
}

#[test]
fn basic_instructions_and_ranges() {
    let text = "FROM alpine:3.19 AS build\nrun apk add curl\nCMD [\"sh\", \"-c\", \"echo hi\"]\n";
    let dockerfile = ok(text);
    let [from, run, cmd] = &dockerfile.instructions[..] else {
        panic!("{dockerfile:#?}")
    };
    assert_eq!(at(text, from.range), "FROM alpine:3.19 AS build");
    assert_eq!(from.keyword, Keyword::From);
    let InstructionKind::From { image, alias } = &from.kind else {
        panic!()
    };
    assert_eq!(image.raw, "alpine:3.19");
    assert_eq!(at(text, image.range), "alpine:3.19");
    assert_eq!(at(text, alias.as_ref().unwrap().range), "build");

    assert_eq!(run.keyword, Keyword::Run);
    assert_eq!(at(text, run.keyword_range), "run");
    assert_eq!(at(text, run.range), "run apk add curl");
    let body = shell(run);
    assert_eq!(body.text, "apk add curl");
    assert_eq!(at(text, body.range), "apk add curl");

    let (args, range) = exec(cmd);
    assert_eq!(raws(args), ["sh", "-c", "echo hi"]);
    assert_eq!(at(text, args[2].range), "\"echo hi\"");
    assert_eq!(at(text, range), "[\"sh\", \"-c\", \"echo hi\"]");
    assert_eq!(at(text, cmd.range), "CMD [\"sh\", \"-c\", \"echo hi\"]");
}

#[test]
fn from_forms() {
    let text = "FROM --platform=$BUILDPLATFORM golang:1.22 as builder\nFROM scratch\n";
    let dockerfile = ok(text);
    let from = &dockerfile.instructions[0];
    assert_eq!(from.flags.len(), 1);
    assert_eq!(
        from.flag("platform").unwrap().value.as_ref().unwrap().raw,
        "$BUILDPLATFORM"
    );
    let InstructionKind::From { image, alias } = &from.kind else {
        panic!()
    };
    assert_eq!(image.raw, "golang:1.22");
    assert_eq!(alias.as_ref().unwrap().raw, "builder");

    let (dockerfile, errors) = with_errors("FROM a b\nFROM\nFROM a AS\nRUN x\n");
    assert_eq!(
        errors,
        [
            "expected `FROM image` or `FROM image AS name`",
            "expected an image after `FROM`",
            "expected `FROM image` or `FROM image AS name`",
        ]
    );
    assert!(matches!(
        dockerfile.instructions[0].kind,
        InstructionKind::Invalid { .. }
    ));
    assert_eq!(dockerfile.errors[0].range, TextRange::new(5, 8));
    // Recovery: the next line still parses.
    assert_eq!(dockerfile.instructions[3].keyword, Keyword::Run);
}

#[test]
fn arg_then_from_with_variable() {
    let text = "ARG BASE=alpine:3.19\nFROM ${BASE}\n";
    let dockerfile = ok(text);
    let arg = &pairs(&dockerfile.instructions[0])[0];
    assert_eq!(arg.key.raw, "BASE");
    assert_eq!(at(text, arg.key.range), "BASE");
    assert_eq!(arg.value.as_ref().unwrap().raw, "alpine:3.19");
    assert_eq!(at(text, arg.value.as_ref().unwrap().range), "alpine:3.19");
    let InstructionKind::From { image, .. } = &dockerfile.instructions[1].kind else {
        panic!()
    };
    assert_eq!(image.raw, "${BASE}");
    assert_eq!(at(text, image.range), "${BASE}");
}

#[test]
fn parser_directives() {
    let text = "\u{feff}# syntax=docker/dockerfile:1\n#ESCAPE = `  \n#\tcheck=skip=all\nFROM x\n";
    let dockerfile = ok(text);
    assert_eq!(dockerfile.escape, '`');
    let names: Vec<(&str, &str)> = dockerfile
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("syntax", "docker/dockerfile:1"),
            ("escape", "`"),
            ("check", "skip=all")
        ]
    );
    assert_eq!(at(text, dockerfile.directives[1].range), "#ESCAPE = `  ");
    assert!(dockerfile.comments.is_empty());
}

#[test]
fn directives_end_at_the_first_other_line() {
    for text in [
        "FROM x\n# escape=`\n",
        "\n# escape=`\nFROM x\n",
        "# hello\n# escape=`\nFROM x\n",
        "# unknown=1\n# escape=`\nFROM x\n",
    ] {
        let dockerfile = ok(text);
        assert_eq!(dockerfile.escape, '\\', "{text:?}");
        assert!(
            dockerfile.directives.iter().all(|d| d.name != "escape"),
            "{text:?}"
        );
        assert!(
            dockerfile
                .comments
                .iter()
                .any(|&c| at(text, c) == "# escape=`"),
            "{text:?}"
        );
    }
}

#[test]
fn invalid_and_duplicate_directives() {
    let text = "# escape=x\nFROM a\n";
    let (dockerfile, errors) = with_errors(text);
    assert_eq!(errors, ["expected `\\` or `` ` `` as the escape character"]);
    assert_eq!(at(text, dockerfile.errors[0].range), "x");
    assert_eq!(dockerfile.escape, '\\');
    let (_, errors) = with_errors("# syntax=a\n# syntax=b\nFROM a\n");
    assert_eq!(errors, ["expected only one `syntax` parser directive"]);
}

#[test]
fn backtick_escape_continuations() {
    let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir C:\\ `\n    && echo done\nCOPY C:\\src `\n  C:\\dest\n";
    let dockerfile = ok(text);
    let run = &dockerfile.instructions[1];
    let body = shell(run);
    assert_eq!(body.text, "dir C:\\     && echo done");
    assert_eq!(at(text, run.range), "RUN dir C:\\ `\n    && echo done");
    // A byte after the continuation maps to its own source position.
    let amp = body.text.find("&&").unwrap() as u32;
    assert_eq!(&text[body.to_source(amp) as usize..][..2], "&&");
    let args = copy_args(&dockerfile.instructions[2]);
    assert_eq!(raws(&args.sources), ["C:\\src"]);
    assert_eq!(args.dest.as_ref().unwrap().raw, "C:\\dest");
}

#[test]
fn comments_and_blank_lines_inside_continuations() {
    let text = "RUN apt-get update \\\n# install curl\n    && apt-get install -y curl \\\n\n   \t\n    && rm -rf /var/lib/apt/lists/*\nUSER app\n";
    let dockerfile = ok(text);
    let run = &dockerfile.instructions[0];
    assert_eq!(
        shell(run).text,
        "apt-get update     && apt-get install -y curl     && rm -rf /var/lib/apt/lists/*"
    );
    assert!(at(text, run.range).ends_with("lists/*"));
    assert_eq!(dockerfile.comments.len(), 1);
    assert_eq!(at(text, dockerfile.comments[0]), "# install curl");
    assert_eq!(dockerfile.instructions[1].keyword, Keyword::User);
    let range = shell(run).range_to_source(TextRange::new(0, 30));
    assert!(at(text, range).contains("# install curl"));
}

#[test]
fn continuation_at_end_of_file() {
    let text = "RUN echo a \\\n";
    let dockerfile = ok(text);
    assert_eq!(shell(&dockerfile.instructions[0]).text, "echo a");
    assert_eq!(at(text, dockerfile.instructions[0].range), "RUN echo a \\");
}

#[test]
fn crlf_line_endings() {
    let text = "FROM alpine\r\nRUN echo a \\\r\n  b\r\nENV A=1\r\n";
    let dockerfile = ok(text);
    let run = &dockerfile.instructions[1];
    assert_eq!(shell(run).text, "echo a   b");
    assert_eq!(at(text, run.range), "RUN echo a \\\r\n  b");
    assert_eq!(at(text, dockerfile.instructions[0].range), "FROM alpine");
    let env = &pairs(&dockerfile.instructions[2])[0];
    assert_eq!(env.value.as_ref().unwrap().raw, "1");
}

#[test]
fn flags_of_instructions() {
    let text = "RUN --mount=type=cache,target=/root/.cache --network=none --security=insecure pip install x\nCOPY --chown=app:app --chmod=0755 --link --from=build --parents --exclude=\"*.md\" src/ /app/\nADD --keep-git-dir=true --checksum=sha256:abc https://x/y.git /src\nRUN --mount=\"type=secret,id=a b\" -- --not-a-flag\n";
    let dockerfile = ok(text);
    let run = &dockerfile.instructions[0];
    let names: Vec<&str> = run.flags.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["mount", "network", "security"]);
    let mount = run.flag("mount").unwrap();
    assert_eq!(
        at(text, mount.range),
        "--mount=type=cache,target=/root/.cache"
    );
    assert_eq!(at(text, mount.name_range), "mount");
    assert_eq!(
        mount.value.as_ref().unwrap().raw,
        "type=cache,target=/root/.cache"
    );
    assert_eq!(shell(run).text, "pip install x");

    let copy = &dockerfile.instructions[1];
    assert_eq!(copy.flags.len(), 6);
    assert_eq!(copy.flag("link").unwrap().value, None);
    assert_eq!(at(text, copy.flag("link").unwrap().range), "--link");
    assert_eq!(
        copy.flag("exclude").unwrap().value.as_ref().unwrap().raw,
        "\"*.md\""
    );
    assert_eq!(raws(&copy_args(copy).sources), ["src/"]);

    let add = &dockerfile.instructions[2];
    assert_eq!(
        add.flag("checksum").unwrap().value.as_ref().unwrap().raw,
        "sha256:abc"
    );
    assert_eq!(add.keyword, Keyword::Add);

    let quoted = &dockerfile.instructions[3];
    let value = quoted.flag("mount").unwrap().value.as_ref().unwrap();
    assert_eq!(value.raw, "\"type=secret,id=a b\"");
    assert_eq!(at(text, value.range), "\"type=secret,id=a b\"");
    assert_eq!(shell(quoted).text, "--not-a-flag");
}

#[test]
fn flags_across_continuations() {
    let text = "RUN --mount=type=cache,\\\ntarget=/x \\\n    make\n";
    let dockerfile = ok(text);
    let mount = dockerfile.instructions[0].flag("mount").unwrap();
    assert_eq!(mount.value.as_ref().unwrap().raw, "type=cache,target=/x");
    assert_eq!(at(text, mount.range), "--mount=type=cache,\\\ntarget=/x");
}

#[test]
fn exec_form_and_fallback_to_shell() {
    let text = "RUN [\"a\", 'b']\nENTRYPOINT [\"/bin/sh\", \\\n  \"-c\"]\nCMD [\"say \\\"hi\\\"\"]\nCMD [\"a\"] trailing\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nCMD []\n";
    let dockerfile = ok(text);
    assert_eq!(shell(&dockerfile.instructions[0]).text, "[\"a\", 'b']");
    let (args, range) = exec(&dockerfile.instructions[1]);
    assert_eq!(raws(args), ["/bin/sh", "-c"]);
    assert_eq!(at(text, args[1].range), "\"-c\"");
    assert_eq!(at(text, range), "[\"/bin/sh\", \\\n  \"-c\"]");
    let (args, _) = exec(&dockerfile.instructions[2]);
    assert_eq!(raws(args), ["say \"hi\""]);
    assert_eq!(at(text, args[0].range), "\"say \\\"hi\\\"\"");
    assert_eq!(shell(&dockerfile.instructions[3]).text, "[\"a\"] trailing");
    let (args, _) = exec(&dockerfile.instructions[4]);
    assert_eq!(args.len(), 4);
    assert!(exec(&dockerfile.instructions[5]).0.is_empty());
}

#[test]
fn json_errors_and_missing_commands() {
    let text = "CMD [\"a\", 1]\nSHELL /bin/bash -c\nRUN\nENTRYPOINT   \n";
    let (dockerfile, errors) = with_errors(text);
    assert_eq!(
        errors,
        [
            "expected a JSON array of strings",
            "expected a JSON array of strings after `SHELL`",
            "expected a command after `RUN`",
            "expected a command after `ENTRYPOINT`",
        ]
    );
    assert_eq!(at(text, dockerfile.errors[0].range), "[\"a\", 1]");
    assert_eq!(at(text, dockerfile.errors[2].range), "RUN");
    assert!(matches!(
        dockerfile.instructions[2].kind,
        InstructionKind::Invalid { .. }
    ));
    assert_eq!(shell(&dockerfile.instructions[1]).text, "/bin/bash -c");
}

#[test]
fn healthcheck_forms() {
    let text = "HEALTHCHECK --interval=5m --timeout=3s \\\n  CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK none\nHEALTHCHECK cmd [\"curl\", \"-f\", \"x\"]\n";
    let dockerfile = ok(text);
    let first = &dockerfile.instructions[0];
    assert_eq!(first.flags.len(), 2);
    assert_eq!(
        first.flag("interval").unwrap().value.as_ref().unwrap().raw,
        "5m"
    );
    let InstructionKind::Healthcheck(Healthcheck::Cmd {
        cmd_keyword_range,
        command: ShellOrExec::Shell(body),
    }) = &first.kind
    else {
        panic!("{first:#?}")
    };
    assert_eq!(at(text, *cmd_keyword_range), "CMD");
    assert_eq!(body.text, "curl -f http://localhost/ || exit 1");
    let InstructionKind::Healthcheck(Healthcheck::None { range }) =
        &dockerfile.instructions[1].kind
    else {
        panic!()
    };
    assert_eq!(at(text, *range), "none");
    assert!(matches!(
        &dockerfile.instructions[2].kind,
        InstructionKind::Healthcheck(Healthcheck::Cmd {
            command: ShellOrExec::Exec { .. },
            ..
        })
    ));

    let (_, errors) =
        with_errors("HEALTHCHECK\nHEALTHCHECK FOO x\nHEALTHCHECK CMD\nHEALTHCHECK NONE x\n");
    assert_eq!(
        errors,
        [
            "expected `NONE` or `CMD` after `HEALTHCHECK`",
            "expected `NONE` or `CMD` after `HEALTHCHECK`, found `FOO`",
            "expected a command after `HEALTHCHECK CMD`",
            "expected nothing after `HEALTHCHECK NONE`",
        ]
    );
}

#[test]
fn env_pairs() {
    let text = "ENV A=\"x y\" B=z\\ w C= D='$HOME' \\\n    E=5\n";
    let dockerfile = ok(text);
    let env = pairs(&dockerfile.instructions[0]);
    let got: Vec<(&str, &str)> = env
        .iter()
        .map(|p| (p.key.raw.as_str(), p.value.as_ref().unwrap().raw.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("A", "\"x y\""),
            ("B", "z\\ w"),
            ("C", ""),
            ("D", "'$HOME'"),
            ("E", "5")
        ]
    );
    assert!(env.iter().all(|p| !p.legacy));
    assert_eq!(at(text, env[0].range), "A=\"x y\"");
    assert_eq!(at(text, env[0].value.as_ref().unwrap().range), "\"x y\"");
    let empty = env[2].value.as_ref().unwrap();
    assert!(empty.range.is_empty());
    assert_eq!(
        &text[..empty.range.start() as usize],
        "ENV A=\"x y\" B=z\\ w C="
    );
    assert_eq!(at(text, env[4].range), "E=5");
}

#[test]
fn env_legacy_form() {
    let text =
        "ENV PATH /usr/local/bin:$PATH  more words  \nLABEL maintainer someone@example.com\n";
    let dockerfile = ok(text);
    let pair = &pairs(&dockerfile.instructions[0])[0];
    assert!(pair.legacy);
    assert_eq!(pair.key.raw, "PATH");
    let value = pair.value.as_ref().unwrap();
    assert_eq!(value.raw, "/usr/local/bin:$PATH  more words");
    assert_eq!(at(text, value.range), "/usr/local/bin:$PATH  more words");
    assert_eq!(
        at(text, pair.range),
        "PATH /usr/local/bin:$PATH  more words"
    );
    assert!(matches!(&dockerfile.instructions[1].kind, InstructionKind::Label(p) if p[0].legacy));
}

#[test]
fn env_errors() {
    let text = "ENV\nENV A=1 B\nENV K\n";
    let (dockerfile, errors) = with_errors(text);
    assert_eq!(
        errors,
        [
            "expected `name=value` after `ENV`",
            "expected `name=value`, found `B`",
            "expected a value after `K`",
        ]
    );
    assert_eq!(pairs(&dockerfile.instructions[1]).len(), 1);
    assert_eq!(at(text, dockerfile.errors[1].range), "B");
}

#[test]
fn labels_and_args() {
    let text = "LABEL \"com.example.vendor\"=\"ACME Inc\" version=1.0\nARG A B=2 C=\nARG TOKEN\n";
    let dockerfile = ok(text);
    let label = pairs(&dockerfile.instructions[0]);
    assert_eq!(label[0].key.raw, "\"com.example.vendor\"");
    assert_eq!(label[0].value.as_ref().unwrap().raw, "\"ACME Inc\"");
    assert_eq!(label[1].key.raw, "version");
    let args = pairs(&dockerfile.instructions[1]);
    assert_eq!(args[0].key.raw, "A");
    assert_eq!(args[0].value, None);
    assert_eq!(at(text, args[0].range), "A");
    assert_eq!(args[1].value.as_ref().unwrap().raw, "2");
    assert_eq!(args[2].value.as_ref().unwrap().raw, "");
    let (_, errors) = with_errors("ARG\n");
    assert_eq!(errors, ["expected a name after `ARG`"]);
}

#[test]
fn copy_and_add() {
    let text =
        "COPY a \"b c\" /dest/\nCOPY [\"a b\", \"/dest\"]\nADD https://example.com/x.tgz /tmp/\n";
    let dockerfile = ok(text);
    let first = copy_args(&dockerfile.instructions[0]);
    assert_eq!(raws(&first.sources), ["a", "\"b c\""]);
    assert_eq!(at(text, first.sources[1].range), "\"b c\"");
    assert_eq!(first.dest.as_ref().unwrap().raw, "/dest/");
    assert!(!first.json);
    let json = copy_args(&dockerfile.instructions[1]);
    assert!(json.json);
    assert_eq!(raws(&json.sources), ["a b"]);
    assert_eq!(at(text, json.sources[0].range), "\"a b\"");
    assert!(matches!(
        dockerfile.instructions[2].kind,
        InstructionKind::Add(_)
    ));

    let text = "COPY only\nCOPY\n";
    let (dockerfile, errors) = with_errors(text);
    assert_eq!(
        errors,
        [
            "expected a destination after the source of `COPY`",
            "expected a source and a destination after `COPY`",
        ]
    );
    let lone = copy_args(&dockerfile.instructions[0]);
    assert_eq!(raws(&lone.sources), ["only"]);
    assert_eq!(lone.dest, None);
}

#[test]
fn single_word_instructions() {
    let text = "USER  app:app  \nWORKDIR /app dir\nSTOPSIGNAL SIGTERM\nMAINTAINER Jane Doe <jane@example.com>\n";
    let dockerfile = ok(text);
    let words: Vec<(&str, &str)> = dockerfile
        .instructions
        .iter()
        .map(|i| match &i.kind {
            InstructionKind::User(w)
            | InstructionKind::Workdir(w)
            | InstructionKind::Stopsignal(w)
            | InstructionKind::Maintainer(w) => (w.raw.as_str(), at(text, w.range)),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        words,
        [
            ("app:app", "app:app"),
            ("/app dir", "/app dir"),
            ("SIGTERM", "SIGTERM"),
            ("Jane Doe <jane@example.com>", "Jane Doe <jane@example.com>"),
        ]
    );
    let (dockerfile, errors) = with_errors("USER\nWORKDIR  \n");
    assert_eq!(
        errors,
        [
            "expected an argument after `USER`",
            "expected an argument after `WORKDIR`"
        ]
    );
    assert!(matches!(
        dockerfile.instructions[0].kind,
        InstructionKind::Invalid { .. }
    ));
}

#[test]
fn expose_and_volume() {
    let text = "EXPOSE 80 443/tcp\nVOLUME [\"/data\", \"/logs\"]\nVOLUME /a /b\n";
    let dockerfile = ok(text);
    let InstructionKind::Expose(ports) = &dockerfile.instructions[0].kind else {
        panic!()
    };
    assert_eq!(raws(ports), ["80", "443/tcp"]);
    assert_eq!(at(text, ports[1].range), "443/tcp");
    let InstructionKind::Volume(json) = &dockerfile.instructions[1].kind else {
        panic!()
    };
    assert_eq!(raws(json), ["/data", "/logs"]);
    assert_eq!(at(text, json[1].range), "\"/logs\"");
    let InstructionKind::Volume(plain) = &dockerfile.instructions[2].kind else {
        panic!()
    };
    assert_eq!(raws(plain), ["/a", "/b"]);
    let (_, errors) = with_errors("EXPOSE\nVOLUME\n");
    assert_eq!(
        errors,
        [
            "expected a port after `EXPOSE`",
            "expected a path after `VOLUME`"
        ]
    );
}

#[test]
fn onbuild_triggers() {
    let text = "FROM x\nONBUILD RUN echo hi\nonbuild COPY --from=b a /b\n";
    let dockerfile = ok(text);
    let InstructionKind::Onbuild(trigger) = &dockerfile.instructions[1].kind else {
        panic!()
    };
    assert_eq!(trigger.keyword, Keyword::Run);
    assert_eq!(at(text, trigger.range), "RUN echo hi");
    assert_eq!(at(text, trigger.keyword_range), "RUN");
    assert_eq!(shell(trigger).text, "echo hi");
    assert_eq!(at(text, shell(trigger).range), "echo hi");
    let InstructionKind::Onbuild(copy) = &dockerfile.instructions[2].kind else {
        panic!()
    };
    assert_eq!(copy.flag("from").unwrap().value.as_ref().unwrap().raw, "b");
    assert!(dockerfile.instructions[2].flags.is_empty());

    let text = "ONBUILD ONBUILD RUN x\nONBUILD FROM y\nONBUILD MAINTAINER z\nONBUILD\n";
    let (dockerfile, errors) = with_errors(text);
    let other = "expected a trigger instruction other than `ONBUILD`, `FROM` or `MAINTAINER`";
    assert_eq!(
        errors,
        [
            other,
            other,
            other,
            "expected an instruction after `ONBUILD`"
        ]
    );
    assert_eq!(at(text, dockerfile.errors[0].range), "ONBUILD");
    assert_eq!(dockerfile.errors[0].range.start(), 8);
    assert_eq!(at(text, dockerfile.errors[1].range), "FROM");
}

#[test]
fn unknown_keywords_recover() {
    let text = "FROM a\nFOO bar baz\nRUN x\n";
    let (dockerfile, errors) = with_errors(text);
    assert_eq!(
        errors,
        ["expected an instruction such as `FROM`, `RUN` or `COPY`, found `FOO`"]
    );
    assert_eq!(at(text, dockerfile.errors[0].range), "FOO");
    let InstructionKind::Invalid { args } = &dockerfile.instructions[1].kind else {
        panic!()
    };
    assert_eq!(raws(args), ["bar", "baz"]);
    assert_eq!(dockerfile.instructions[2].keyword, Keyword::Run);
}

#[test]
fn instructions_before_from_are_fine() {
    let dockerfile = ok("RUN echo early\nENV A=1\nFROM x\n");
    assert_eq!(dockerfile.instructions.len(), 3);
}

#[test]
fn hash_inside_an_instruction_is_not_a_comment() {
    let text = "RUN echo hi # not a comment\n";
    let dockerfile = ok(text);
    assert!(dockerfile.comments.is_empty());
    assert_eq!(
        shell(&dockerfile.instructions[0]).text,
        "echo hi # not a comment"
    );
}

#[test]
fn heredoc_not_followed_by_a_blank_line() {
    let text = "FROM alpine\nRUN <<EOF\necho hello\napk add curl\nEOF\nUSER app\n";
    let dockerfile = ok(text);
    assert_eq!(dockerfile.instructions.len(), 3);
    let run = &dockerfile.instructions[1];
    assert_eq!(shell(run).text, "<<EOF");
    assert_eq!(
        at(text, run.range),
        "RUN <<EOF\necho hello\napk add curl\nEOF"
    );
    let [heredoc] = &run.heredocs[..] else {
        panic!("{run:#?}")
    };
    assert_eq!(heredoc.delimiter, "EOF");
    assert!(!heredoc.quoted && !heredoc.strip_tabs);
    assert_eq!(at(text, heredoc.marker_range), "<<EOF");
    assert_eq!(heredoc.body.text, "echo hello\napk add curl\n");
    assert_eq!(at(text, heredoc.body.range), "echo hello\napk add curl\n");
    assert_eq!(at(text, heredoc.terminator_range), "EOF");
    assert_eq!(dockerfile.instructions[2].keyword, Keyword::User);
}

#[test]
fn heredoc_strip_tabs() {
    let text = "RUN <<-EOT\n\techo a\n\t\t\techo b\nplain\n\t\tEOT\nCMD x\n";
    let dockerfile = ok(text);
    let heredoc = &dockerfile.instructions[0].heredocs[0];
    assert!(heredoc.strip_tabs);
    assert_eq!(heredoc.delimiter, "EOT");
    assert_eq!(heredoc.body.text, "echo a\necho b\nplain\n");
    assert_eq!(
        at(text, heredoc.body.range),
        "\techo a\n\t\t\techo b\nplain\n"
    );
    let b = heredoc.body.text.find("echo b").unwrap() as u32;
    assert_eq!(&text[heredoc.body.to_source(b) as usize..][..6], "echo b");
    assert_eq!(at(text, heredoc.terminator_range), "\t\tEOT");
    assert_eq!(dockerfile.instructions[1].keyword, Keyword::Cmd);
}

#[test]
fn heredoc_without_strip_keeps_tabs_and_needs_exact_terminator() {
    let text = "RUN <<EOF\n\tEOF\nEOF \nEOF\n";
    let dockerfile = ok(text);
    let heredoc = &dockerfile.instructions[0].heredocs[0];
    assert_eq!(heredoc.body.text, "\tEOF\nEOF \n");
    assert_eq!(heredoc.terminator_range.start() as usize, text.len() - 4);
}

#[test]
fn quoted_heredoc_delimiters() {
    let text = "RUN <<\"EOF\" cat > /a\n$HOME\nEOF\nRUN <<'END'\nx\nEND\n";
    let dockerfile = ok(text);
    let first = &dockerfile.instructions[0].heredocs[0];
    assert!(first.quoted);
    assert_eq!(first.delimiter, "EOF");
    assert_eq!(at(text, first.marker_range), "<<\"EOF\"");
    assert_eq!(first.body.text, "$HOME\n");
    let second = &dockerfile.instructions[1].heredocs[0];
    assert!(second.quoted);
    assert_eq!(second.delimiter, "END");
}

#[test]
fn several_heredocs_on_one_line() {
    let text = "RUN <<FILE1 cat > file1 && <<FILE2 cat > file2\nI am\nfirst\nFILE1\nI am\nsecond\nFILE2\nRUN true\n";
    let dockerfile = ok(text);
    let run = &dockerfile.instructions[0];
    let [one, two] = &run.heredocs[..] else {
        panic!("{run:#?}")
    };
    assert_eq!(
        (one.delimiter.as_str(), one.body.text.as_str()),
        ("FILE1", "I am\nfirst\n")
    );
    assert_eq!(
        (two.delimiter.as_str(), two.body.text.as_str()),
        ("FILE2", "I am\nsecond\n")
    );
    assert_eq!(at(text, two.body.range), "I am\nsecond\n");
    assert!(at(text, run.range).ends_with("second\nFILE2"));
    assert_eq!(dockerfile.instructions[1].keyword, Keyword::Run);
}

#[test]
fn copy_heredocs() {
    let text = "COPY <<EOF /etc/app.conf\nkey=value\nEOF\nCOPY --chmod=0644 <<a.txt <<b.txt /dest/\nA\na.txt\nB\nb.txt\n";
    let dockerfile = ok(text);
    let first = &dockerfile.instructions[0];
    assert_eq!(raws(&copy_args(first).sources), ["<<EOF"]);
    assert_eq!(copy_args(first).dest.as_ref().unwrap().raw, "/etc/app.conf");
    assert_eq!(first.heredocs[0].body.text, "key=value\n");
    let second = &dockerfile.instructions[1];
    let args = copy_args(second);
    assert_eq!(raws(&args.sources), ["<<a.txt", "<<b.txt"]);
    assert_eq!(args.dest.as_ref().unwrap().raw, "/dest/");
    let bodies: Vec<&str> = second
        .heredocs
        .iter()
        .map(|h| h.body.text.as_str())
        .collect();
    assert_eq!(bodies, ["A\n", "B\n"]);
    assert!(at(text, second.range).ends_with("b.txt"));
}

#[test]
fn heredoc_after_continuation_lines() {
    let text = "RUN --mount=type=cache,target=/var/cache \\\n    python3 <<EOF\nprint(1) \\\n# not a comment\nEOF\n";
    let dockerfile = ok(text);
    let run = &dockerfile.instructions[0];
    assert!(dockerfile.comments.is_empty());
    assert_eq!(shell(run).text, "python3 <<EOF");
    assert_eq!(run.heredocs[0].body.text, "print(1) \\\n# not a comment\n");
}

#[test]
fn heredoc_with_crlf() {
    let text = "RUN <<EOF\r\necho a\r\nEOF\r\nUSER x\r\n";
    let dockerfile = ok(text);
    let run = &dockerfile.instructions[0];
    assert_eq!(run.heredocs[0].body.text, "echo a\n");
    assert_eq!(at(text, run.heredocs[0].terminator_range), "EOF");
    assert_eq!(at(text, run.range), "RUN <<EOF\r\necho a\r\nEOF");
    assert_eq!(dockerfile.instructions[1].keyword, Keyword::User);
}

#[test]
fn heredoc_missing_terminator() {
    let text = "RUN <<EOF\necho a\nUSER x\n";
    let (dockerfile, errors) = with_errors(text);
    assert_eq!(
        errors,
        ["expected a heredoc terminator `EOF` before the end of the file"]
    );
    assert_eq!(at(text, dockerfile.errors[0].range), "<<EOF");
    assert_eq!(dockerfile.instructions.len(), 1);
    let run = &dockerfile.instructions[0];
    assert_eq!(run.heredocs[0].body.text, "echo a\nUSER x\n");
    assert!(run.heredocs[0].terminator_range.is_empty());
    assert_eq!(at(text, run.range), "RUN <<EOF\necho a\nUSER x");
}

#[test]
fn not_heredocs() {
    for line in [
        "RUN echo \"<<EOF\"",
        "RUN cat <<<\"here string\"",
        "RUN cat <<$DELIM",
        "RUN echo a<<b",
        "RUN echo '<<EOF'",
        "RUN [\"sh\", \"<<EOF\"]",
        "ENV A=<<EOF",
        "RUN cat <<",
        "RUN cat <<-",
    ] {
        let text = format!("{line}\nUSER x\n");
        let dockerfile = ok(&text);
        assert_eq!(dockerfile.instructions.len(), 2, "{line}");
        assert!(dockerfile.instructions[0].heredocs.is_empty(), "{line}");
    }
}

#[test]
fn heredoc_with_file_descriptor_and_onbuild() {
    let text = "RUN cat 3<<EOF\nx\nEOF\nONBUILD RUN <<EOF\ny\nEOF\nUSER z\n";
    let dockerfile = ok(text);
    assert_eq!(
        at(text, dockerfile.instructions[0].heredocs[0].marker_range),
        "3<<EOF"
    );
    let onbuild = &dockerfile.instructions[1];
    assert!(onbuild.heredocs.is_empty());
    let InstructionKind::Onbuild(trigger) = &onbuild.kind else {
        panic!()
    };
    assert_eq!(trigger.heredocs[0].body.text, "y\n");
    assert_eq!(at(text, onbuild.range), "ONBUILD RUN <<EOF\ny\nEOF");
    assert_eq!(at(text, trigger.range), "RUN <<EOF\ny\nEOF");
    assert_eq!(dockerfile.instructions[2].keyword, Keyword::User);
}

#[test]
fn unicode_text_keeps_char_boundaries() {
    let text = "LABEL description=\"caf\u{e9} \u{1f600}\" \\\n  \u{fc}=\u{e9}\nRUN echo \u{1f600} \\\n \u{e9}\n";
    let dockerfile = ok(text);
    let label = pairs(&dockerfile.instructions[0]);
    assert_eq!(label[1].key.raw, "\u{fc}");
    assert_eq!(
        shell(&dockerfile.instructions[1]).text,
        "echo \u{1f600}  \u{e9}"
    );
}

#[test]
fn lone_continuation_lines() {
    let text = "\\\nFROM x\n";
    let dockerfile = ok(text);
    assert_eq!(at(text, dockerfile.instructions[0].keyword_range), "FROM");
    let text = "FROM x\n  \\  \n";
    let (dockerfile, errors) = with_errors(text);
    assert_eq!(
        errors,
        ["expected an instruction such as `FROM`, `RUN` or `COPY`"]
    );
    assert_eq!(dockerfile.instructions.len(), 2);
}

#[test]
fn backtick_escape_in_words() {
    let text = "# escape=`\nENV A=a` b B=\"x`\"y\" C=C:\\dir\n";
    let dockerfile = ok(text);
    let env = pairs(&dockerfile.instructions[0]);
    let values: Vec<&str> = env
        .iter()
        .map(|p| p.value.as_ref().unwrap().raw.as_str())
        .collect();
    assert_eq!(values, ["a` b", "\"x`\"y\"", "C:\\dir"]);
}

#[test]
fn keyword_split_across_a_continuation() {
    let text = "RU\\\nN echo x\n";
    let dockerfile = ok(text);
    let run = &dockerfile.instructions[0];
    assert_eq!(run.keyword, Keyword::Run);
    assert_eq!(at(text, run.keyword_range), "RU\\\nN");
}

/// Dockerfile-like lines for the random mixes.
fn dockerfile_line() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "FROM alpine:3.19 AS build",
        "FROM --platform=$BUILDPLATFORM golang",
        "RUN apk add curl \\",
        "    && rm -rf /var/cache \\",
        "RUN <<EOF",
        "RUN <<-EOT cat <<'B'",
        "\tEOT",
        "EOF",
        "B",
        "COPY <<a.txt <<b.txt /dest/",
        "a.txt",
        "b.txt",
        "# escape=`",
        "# syntax=docker/dockerfile:1",
        "# a comment",
        "",
        "   ",
        "ENV A=\"x y\" B=z\\ w C=",
        "ENV PATH /usr/bin",
        "ARG BASE=alpine",
        "CMD [\"sh\", \"-c\"]",
        "CMD [\"a\", 'b']",
        "ENTRYPOINT [\"x\", \\",
        "HEALTHCHECK --interval=5s CMD curl x",
        "HEALTHCHECK NONE",
        "ONBUILD ONBUILD RUN x",
        "ONBUILD RUN <<EOF",
        "USER app",
        "WORKDIR `",
        "VOLUME [\"/a\"]",
        "EXPOSE 80",
        "LABEL a=b \\",
        "SHELL [\"a\", 1]",
        "FOO bar",
        "--",
        "RUN --mount=\"type=cache",
        "COPY [\"a\" \"b\"]",
        "\u{e9}\u{1f600} \\",
    ]);
    prop_oneof![
        4 => fixed.prop_map(str::to_owned),
        1 => "[ -~\t\u{e9}\u{1f600}`\\\\\"'<#=\\[\\]-]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>()) {
        check_tree(&text, &parse(&text));
    }

    #[test]
    fn never_panics_on_dockerfile_alphabet(text in "[A-Za-z \t\r\n\\\\`#<>=\"'\\[\\],$\u{e9}{}-]{0,200}") {
        check_tree(&text, &parse(&text));
    }

    #[test]
    fn never_panics_on_dockerfile_like_lines(
        lines in prop::collection::vec(dockerfile_line(), 0..30),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
    ) {
        let mut text = lines.join(if crlf { "\r\n" } else { "\n" });
        if final_newline {
            text.push('\n');
        }
        check_tree(&text, &parse(&text));
    }
}
