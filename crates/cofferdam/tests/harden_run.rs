//! CLI tests for `cofferdam harden-run`: what is added, removed and kept, the layout and quoting
//! of the output, where explanations go, exit statuses, and that hardening twice changes nothing.

mod common;

use common::Run;

use std::io::Write;
use std::process::{Command, Stdio};

fn harden(args: &[&str]) -> Run {
    harden_stdin(args, None)
}

fn harden_stdin(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .arg("harden-run")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    {
        let mut input = child.stdin.take().expect("stdin is piped");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("stdin is writable");
        }
    }
    let output = child.wait_with_output().expect("the binary exits");
    Run::of(output)
}

/// The explanation lines and the command, as one text for a snapshot.
fn transcript(run: &Run) -> String {
    format!(
        "exit: {}\n--- stderr\n{}--- stdout\n{}",
        run.code, run.stderr, run.stdout
    )
}

#[test]
fn a_one_line_command_gets_every_missing_flag() {
    let run = harden(&["docker run -d --name web -p 8080:80 nginx:1.27"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(transcript(&run));
}

#[test]
fn dangerous_flags_are_removed_and_explained() {
    let run = harden(&[
        "--explain",
        "comments",
        "docker run -d --privileged --cap-add SYS_ADMIN --cap-add NET_ADMIN,CHOWN \
         --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
         --security-opt label=disable --security-opt systempaths=unconfined \
         --pid=host --ipc host --uts host --userns host --cgroupns host --network host \
         -v /var/run/docker.sock:/var/run/docker.sock \
         --mount type=bind,source=/run/containerd/containerd.sock,target=/c.sock \
         --use-api-socket -v /srv/data:/data agent:2.1 --verbose",
    ]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn a_multi_line_command_keeps_its_layout() {
    let input = "#!/bin/sh\nset -eu\nsudo docker run \\\n    --name api \\\n    --privileged \\\n    -e 'GREETING=hello world' \\\n    --restart always \\\n    registry.example.com/team/api:1.4 \\\n    serve --port 8080\n";
    let run = harden_stdin(&["--user", "10001:10001"], Some(input));
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(transcript(&run));
}

#[test]
fn flags_inline_on_a_continuation_line() {
    let input = "docker run -d \\\n  --name api -p 8080:80 --privileged registry/app:1 \\\n  serve --port 80\n";
    let run = harden_stdin(&["--explain", "none", "-"], Some(input));
    assert_eq!(run.code, 0);
    assert!(run.stderr.is_empty());
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn untouched_words_keep_their_quoting() {
    let run = harden(&[
        "--explain",
        "none",
        "docker run -e 'A=b c' --label \"team=core infra\" -e X=\"$HOME\" --entrypoint=/bin/sh app:1 -c 'echo \"hi\"'",
    ]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with(
        "docker run -e 'A=b c' --label \"team=core infra\" -e X=\"$HOME\" --entrypoint=/bin/sh --user"
    ));
    assert!(
        run.stdout.ends_with(" app:1 -c 'echo \"hi\"'\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn clustered_short_flags_lose_only_the_removed_one() {
    let run = harden(&[
        "--explain",
        "none",
        "docker run -itv /var/run/docker.sock:/var/run/docker.sock --rm alpine:3.20 sh",
    ]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("docker run -it --rm --user"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("docker.sock"));
}

#[test]
fn one_shot_commands_get_no_restart_policy() {
    let run = harden(&["--explain", "none", "docker run --rm alpine:3.20 echo hi"]);
    assert_eq!(run.code, 0);
    assert!(!run.stdout.contains("--restart"), "{}", run.stdout);
    let run = harden(&["--explain", "none", "docker create nginx:1.27"]);
    assert!(
        run.stdout.contains("--restart on-failure:3"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_user_is_asked_for_never_invented() {
    let run = harden(&["docker run nginx:1.27"]);
    assert!(run.stdout.contains("--user '<uid:gid>'"), "{}", run.stdout);
    assert!(run.stderr.contains("added `--user '<uid:gid>'` (fill in)"));
    // A root user is replaced, a variable or non-root one kept.
    let run = harden(&["--explain", "comments", "docker run -u 0:0 nginx:1.27"]);
    assert!(run.stdout.contains("-u '<uid:gid>'"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("# replaced `-u 0:0` with `-u '<uid:gid>'` (fill in)")
    );
    for input in [
        "docker run --user $APP_UID nginx",
        "docker run --user 101:101 nginx",
    ] {
        let run = harden(&["--explain", "none", input]);
        assert_eq!(run.stdout.matches("--user").count(), 1, "{}", run.stdout);
    }
    let run = harden(&["--user", "root", "docker run nginx"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a non-root uid[:gid]"));
}

#[test]
fn an_already_hardened_command_is_printed_unchanged() {
    let input = "docker run --user 10001:10001 --cap-drop=ALL --cap-add NET_BIND_SERVICE \
        --security-opt=no-new-privileges:true --read-only --tmpfs /tmp:rw,noexec,nosuid,size=16m \
        -m 1g --memory-swap 1g --cpus 0.5 --pids-limit 100 --restart on-failure:5 app:1.0";
    let run = harden(&[input]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, format!("{input}\n"));
    assert_eq!(
        run.stderr,
        "# nothing to change: the command already has every flag cofferdam adds and none it removes\n"
    );
}

#[test]
fn hardening_twice_changes_nothing() {
    for input in [
        "docker run -d --privileged -p 8080:80 nginx:1.27",
        "podman run -it --rm --cap-add ALL -v /run/podman/podman.sock:/s fedora bash",
        "sudo docker run \\\n  --pids-limit=-1 \\\n  --read-only=false \\\n  --restart=unless-stopped \\\n  app:1\n",
        "nerdctl run -d --security-opt no-new-privileges=false --network host --name x y:1",
    ] {
        let once = harden(&["--user", "1000:1000", "--explain", "none", input]);
        assert_eq!(once.code, 0, "{input}: {}", once.stderr);
        let twice = harden(&["--user", "1000:1000", &once.stdout]);
        assert_eq!(twice.stdout, once.stdout, "{input}");
        assert!(
            twice.stderr.contains("# nothing to change"),
            "{input}: {}",
            twice.stderr
        );
    }
}

#[test]
fn words_after_the_options_are_one_command() {
    let run = harden(&[
        "--explain",
        "none",
        "docker",
        "run",
        "--privileged",
        "-e",
        "A=b c",
        "nginx",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("docker run -e 'A=b c' --user"),
        "{}",
        run.stdout
    );
}

#[test]
fn parse_notes_are_explained() {
    let run = harden(&["docker run --frobnicate=3 nginx:1.27"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.starts_with(
        "# note: unknown `docker run` flag `--frobnicate`; the rest of the command was still read"
    ));
    assert!(run.stdout.contains("--frobnicate=3"));
}

#[test]
fn other_input_is_a_usage_error() {
    for (input, message) in [
        (
            "docker ps -a",
            "cofferdam: error: expected a `docker run` or `docker create` command (or podman's or nerdctl's), found `docker ps`\n",
        ),
        (
            "echo \"docker run --privileged nginx\"",
            "cofferdam: error: expected a `docker run` or `docker create` command (or podman's or nerdctl's), found `echo \"docker run --privileged nginx\"`\n",
        ),
        (
            "docker run -d",
            "cofferdam: error: `docker run` names no image, so there is nothing to harden\n",
        ),
        (
            "# just a comment",
            "cofferdam: error: expected a `docker run` or `docker create` command, found no command; pass it as one quoted argument or on standard input\n",
        ),
    ] {
        let run = harden(&[input]);
        assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{input}");
        assert_eq!(run.stderr, message, "{input}");
    }
    let run = harden_stdin(&[], Some("  \n"));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no command on standard input"));
}
