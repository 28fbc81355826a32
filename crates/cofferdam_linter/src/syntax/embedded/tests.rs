//! Finding container commands in scripts, Makefiles, CI YAML, systemd units and Markdown.

use super::{Embedding, container_commands};

/// `(source text of each word)` for every container command found.
fn words(kind: Embedding, text: &str) -> Vec<Vec<String>> {
    container_commands(kind, text)
        .into_iter()
        .map(|command| {
            command
                .words
                .iter()
                .map(|word| text[word.range.to_std()].to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn shell_scripts_with_wrappers_continuations_and_text_traps() {
    let text = "#!/bin/sh\nset -e\necho \"docker run --privileged\"  # just text\nsudo -E docker run \\\n  --privileged \\\n  -v /:/host app:1 sh -c 'id'\nenv A=1 exec podman run --rm alpine:3.20\nX=$(docker ps -q)\n# docker run --privileged in a comment\n";
    assert_eq!(
        words(Embedding::Shell, text),
        [
            vec![
                "docker",
                "run",
                "--privileged",
                "-v",
                "/:/host",
                "app:1",
                "sh",
                "-c",
                "'id'"
            ],
            vec!["podman", "run", "--rm", "alpine:3.20"],
            vec!["docker", "ps", "-q"],
        ]
    );
}

#[test]
fn makefile_recipes_with_prefixes_dollars_and_continuations() {
    let text = "IMAGE := app:1\nDOCKER = docker\n\nrun: build\n\t@docker run --rm \\\n\t  -e HOME=$$HOME $(IMAGE)\n\t-$(DOCKER) run x:1\n\nclean: ; docker rm -f app\n# docker run in a comment\nnot-a-recipe:\n\techo docker run\n";
    let found = container_commands(Embedding::Makefile, text);
    let first: Vec<&str> = found[0]
        .words
        .iter()
        .map(|word| &text[word.range.to_std()])
        .collect();
    assert_eq!(
        first,
        ["docker", "run", "--rm", "-e", "HOME=$$HOME", "$(IMAGE)"]
    );
    // `$$` reaches the shell as `$`: the word is an expansion, not a literal.
    assert_eq!(found[0].words[4].value, None);
    assert_eq!(
        found[1]
            .words
            .iter()
            .map(|word| &text[word.range.to_std()])
            .collect::<Vec<_>>(),
        ["docker", "rm", "-f", "app"]
    );
    // `$(DOCKER) run` has no literal program name: it is not recognised.
    assert_eq!(found.len(), 2);
}

#[test]
fn ci_yaml_run_and_script_blocks() {
    let text = r"on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: smoke
        run: |
          docker build -t app .
          docker run --rm \
            --privileged app:${{ github.sha }} ./smoke
      - run: docker run --network host app:1
deploy:
  script:
    - docker run -d --restart always app:1
  before_script: >
    docker login
    && docker run --rm alpine:3 true
";
    let found = words(Embedding::CiYaml, text);
    assert_eq!(
        found,
        [
            vec!["docker", "build", "-t", "app", "."],
            vec![
                "docker",
                "run",
                "--rm",
                "--privileged",
                "app:${{ github.sha }}",
                "./smoke"
            ],
            vec!["docker", "run", "--network", "host", "app:1"],
            vec!["docker", "run", "-d", "--restart", "always", "app:1"],
            vec!["docker", "login"],
            vec!["docker", "run", "--rm", "alpine:3", "true"],
        ]
    );
    let commands = container_commands(Embedding::CiYaml, text);
    // The expression is opaque, not a literal tag.
    assert_eq!(commands[1].words[4].value, None);
}

#[test]
fn systemd_exec_lines() {
    let text = "[Service]\nExecStartPre=-/usr/bin/docker rm -f app\nExecStart=/usr/bin/docker run --name app \\\n  --cap-add SYS_ADMIN app:1\nEnvironment=X=docker run\n";
    assert_eq!(
        words(Embedding::Systemd, text),
        [
            vec!["/usr/bin/docker", "rm", "-f", "app"],
            vec![
                "/usr/bin/docker",
                "run",
                "--name",
                "app",
                "--cap-add",
                "SYS_ADMIN",
                "app:1"
            ],
        ]
    );
}

#[test]
fn markdown_shell_blocks_prompts_and_console_output() {
    let text = "# Run it\n\n```sh\n$ docker run -p 80:80 web:1\n```\n\n```console\n$ docker run --rm \\\n>   alpine:3 echo hi\nhi\ndocker run output-not-a-command\n```\n\n```python\nos.system('docker run --privileged x')\n```\n\n    docker run indented-code-is-not-fenced\n\n~~~bash\ndocker run --pid host app:1\n~~~\n";
    assert_eq!(
        words(Embedding::Markdown, text),
        [
            vec!["docker", "run", "-p", "80:80", "web:1"],
            vec!["docker", "run", "--rm", "alpine:3", "echo", "hi"],
            vec!["docker", "run", "--pid", "host", "app:1"],
        ]
    );
}
