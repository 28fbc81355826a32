//! CLI tests for `cofferdam graph`: the text and DOT renderings of a multi-tier project
//! (snapshots), project discovery in directories with override files folded in, `-f` merging,
//! standard input, and exit status 2 with `path:line:col` for files that cannot be read or
//! parsed.
//!
//! Each test builds its project in a temporary directory and runs the binary there, so paths in
//! the output are relative and stable.

mod common;

use common::Run;

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create directories");
    }
    fs::write(path, text).expect("write file");
}

fn graph(dir: &Path, args: &[&str]) -> Run {
    graph_with_stdin(dir, args, "")
}

fn graph_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(dir)
        .arg("graph")
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("the binary runs");
    Run::of(output)
}

/// A proxy, an API bridging two networks, a database on an internal network, a worker and a
/// cache left on the default network, a sidecar in the worker's namespace, an agent in the
/// host's namespace, and an override file that publishes the worker.
fn tiered_project(dir: &Path) {
    write(
        dir,
        "compose.yaml",
        r#"services:
  proxy:
    image: nginx:1.27
    ports: ["443:8443", "127.0.0.1:8080:80"]
    depends_on: [api]
    networks: [front]
  api:
    image: example/api:2.1
    environment:
      DATABASE_URL: postgres://app@db:5432/app
    networks: [front, back]
  db:
    image: postgres:16.4
    ports: ["[::1]:5432:5432"]
    networks: [back]
  worker:
    image: example/worker:1
    links: ["cache"]
  cache:
    image: redis:7.4
  metrics:
    image: example/metrics:1
    network_mode: service:worker
  agent:
    image: datadog/agent:7
    network_mode: host
networks:
  front: {}
  back:
    internal: true
"#,
    );
    write(
        dir,
        "compose.override.yaml",
        "services:\n  worker:\n    ports:\n      - target: 9000\n        host_ip: 192.0.2.10\n        published: \"9000\"\n",
    );
}

#[test]
fn text_output_of_a_tiered_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    tiered_project(dir.path());
    let run = graph(dir.path(), &["compose.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn dot_output_of_a_tiered_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    tiered_project(dir.path());
    let run = graph(dir.path(), &["--format", "dot"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("digraph \"compose.yaml + compose.override.yaml\" {\n"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn output_is_deterministic() {
    let dir = tempfile::tempdir().expect("tempdir");
    tiered_project(dir.path());
    let first = graph(dir.path(), &["compose.yaml", "--format", "dot"]);
    for _ in 0..3 {
        assert_eq!(
            graph(dir.path(), &["compose.yaml", "--format", "dot"]).stdout,
            first.stdout
        );
    }
}

#[test]
fn directories_are_searched_for_projects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "shop/compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    ports: [\"80:8080\"]\n",
    );
    // Folded into shop/compose.yaml, not a project of its own.
    write(
        root,
        "shop/compose.override.yaml",
        "services:\n  db:\n    image: mysql:8.4\n",
    );
    write(
        root,
        "blog/stack.yml",
        "services:\n  app:\n    image: ghost:5\n",
    );
    // YAML without a top-level `services:` map is not a compose file.
    write(root, "ci/pipeline.yml", "jobs:\n  build: {}\n");
    let run = graph(root, &["."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let headers: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("project "))
        .collect();
    assert_eq!(
        headers,
        [
            "project blog/stack.yml",
            "project shop/compose.yaml + shop/compose.override.yaml"
        ]
    );
    assert!(
        run.stdout.contains("  db <-> web  network default\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn compose_files_merge_into_one_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "base.yaml",
        "services:\n  app:\n    image: example/app:1\n",
    );
    write(
        root,
        "prod.yaml",
        "services:\n  app:\n    ports: [\"0.0.0.0:443:8443\"]\n",
    );
    let run = graph(root, &["-f", "base.yaml", "-f", "prod.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("project base.yaml + prod.yaml\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  0.0.0.0:443 -> app:8443/tcp  all interfaces\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn standard_input_is_one_compose_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = graph_with_stdin(
        dir.path(),
        &["-", "--format", "dot"],
        "services:\n  a:\n    image: a:1\n    network_mode: host\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("digraph \"<stdin>\" {\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\"host\" -> \"service:a\" [label=\"network_mode: host\""),
        "{}",
        run.stdout
    );
}

#[test]
fn unparsable_files_exit_two_with_their_position_and_others_still_print() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "good/compose.yaml",
        "services:\n  a:\n    image: a:1\n",
    );
    write(
        root,
        "bad/compose.yaml",
        "services:\n  a:\n    image: a:1\n    ports: [\"80:80\"\n",
    );
    let run = graph(root, &["bad", "good"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("cofferdam: error: bad/compose.yaml:"),
        "{}",
        run.stderr
    );
    let position = run.stderr["cofferdam: error: bad/compose.yaml:".len()..]
        .split(':')
        .take(2)
        .map(|part| part.parse::<u32>().is_ok())
        .collect::<Vec<_>>();
    assert_eq!(position, [true, true], "{}", run.stderr);
    assert_eq!(run.stdout.lines().next(), Some("project good/compose.yaml"));
    assert!(!run.stdout.contains("bad/"), "{}", run.stdout);
}

#[test]
fn structure_errors_and_unreadable_files_exit_two() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "compose.yaml",
        "services:\n  a:\n    privileged: maybe\n",
    );
    let run = graph(root, &["compose.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("cofferdam: error: compose.yaml:3:17: expected a boolean"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    let run = graph(root, &["missing.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("cofferdam: error: missing.yaml: cannot read file:"),
        "{}",
        run.stderr
    );

    fs::write(root.join("latin1.yaml"), b"services:\n  caf\xe9: {}\n").expect("write");
    let run = graph(root, &["latin1.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "cofferdam: error: latin1.yaml:2:6: file is not valid UTF-8 (invalid byte at offset 15)\n"
    );
}

#[test]
fn no_compose_file_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\n");
    let run = graph(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "cofferdam: error: no compose files found under the given paths\n"
    );
}

#[test]
fn help_describes_the_command_and_its_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = graph(dir.path(), &["--help"]);
    assert_eq!(run.code, 0);
    for word in ["--format", "text", "dot", "--compose-file", "Graphviz"] {
        assert!(run.stdout.contains(word), "{word} missing:\n{}", run.stdout);
    }
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .arg("--help")
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&output.stdout).contains("graph"));
}
