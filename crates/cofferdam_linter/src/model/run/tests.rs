//! Tests for the `docker run` grammar: every flag form, ranges, notes, the false-positive traps,
//! parity with compose, and the render/re-parse property.

use cofferdam_diagnostics::{SourceFile, TextRange};
use proptest::prelude::*;

use super::{
    Arity, Cli, RUN_OPTIONS, RunCommand, Subcommand, parse_port, parse_run, render,
    unquote_expansion, without_ranges,
};
use crate::model::compose::{ComposeInput, NoFiles, load};
use crate::model::container::{
    Bytes, ContainerSpec, Device, MountKind, Port, RestartPolicy, SecurityOpt, SpecSource,
    is_variable,
};
use crate::syntax::shell::{self, ShellWord};

/// The words of the first command of `text` from its program on, wrappers removed, as the
/// callers (`syntax::embedded`, `harden-run`) hand them over.
fn words(text: &str) -> Vec<ShellWord> {
    let script = shell::parse(text);
    let command = script.commands.first().expect("a command");
    let view = command.unwrapped();
    let mut words = vec![view.name.clone()];
    words.extend(view.args.iter().cloned());
    words
}

fn run(text: &str) -> RunCommand {
    parse_run(&words(text)).unwrap_or_else(|| panic!("not a run command: {text}"))
}

fn spec(text: &str) -> ContainerSpec {
    let command = run(text);
    assert!(
        command.notes.is_empty(),
        "unexpected notes for {text}: {:?}",
        command.notes
    );
    command.spec
}

fn at(text: &str, range: TextRange) -> &str {
    &text[range.to_std()]
}

fn notes(text: &str) -> Vec<String> {
    run(text).notes.into_iter().map(|(_, note)| note).collect()
}

// ---------------------------------------------------------------------------------------------
// Programs, global options, subcommands

#[test]
fn programs_and_subcommands() {
    for (text, cli, subcommand) in [
        ("docker run nginx", Cli::Docker, Subcommand::Run),
        ("docker create nginx", Cli::Docker, Subcommand::Create),
        ("docker container run nginx", Cli::Docker, Subcommand::Run),
        (
            "docker container create nginx",
            Cli::Docker,
            Subcommand::Create,
        ),
        ("/usr/bin/docker run nginx", Cli::Docker, Subcommand::Run),
        ("podman run nginx", Cli::Podman, Subcommand::Run),
        ("podman create nginx", Cli::Podman, Subcommand::Create),
        ("podman container run nginx", Cli::Podman, Subcommand::Run),
        ("nerdctl run nginx", Cli::Nerdctl, Subcommand::Run),
        ("nerdctl container run nginx", Cli::Nerdctl, Subcommand::Run),
        ("sudo docker run nginx", Cli::Docker, Subcommand::Run),
        (
            "env DOCKER_HOST=x exec docker run nginx",
            Cli::Docker,
            Subcommand::Run,
        ),
    ] {
        let command = run(text);
        assert_eq!(
            (command.cli, command.subcommand),
            (cli, subcommand),
            "{text}"
        );
        assert_eq!(command.image.unwrap().text, "nginx", "{text}");
        assert_eq!(command.spec.source, SpecSource::RunLine);
    }
}

#[test]
fn other_subcommands_and_programs_are_not_run_commands() {
    for text in [
        "docker ps -a",
        "docker build -t x .",
        "docker compose up -d",
        "docker compose run web",
        "docker container ls",
        "docker image rm nginx",
        "docker exec -it web sh",
        "docker --help",
        "docker run --help",
        "docker",
        "podman pod create",
        "echo docker run --privileged nginx",
        "dockerd --debug",
        "docker $SUBCOMMAND nginx",
        "docker -- run nginx",
    ] {
        assert!(parse_run(&words(text)).is_none(), "{text}");
    }
}

#[test]
fn global_options_are_skipped() {
    for text in [
        "docker --context prod run nginx",
        "docker -c prod run nginx",
        "docker -H tcp://10.0.0.5:2376 --tls --tlsverify --tlscacert ca.pem run nginx",
        "docker -Htcp://h:2376 run nginx",
        "docker --host=tcp://h:2376 run nginx",
        "docker -D --log-level debug --config ~/.docker run nginx",
        "docker -l debug container run nginx",
        "podman --remote run nginx",
        "podman -r --connection prod run nginx",
        "podman --root /var/lib/x --runroot /run/x --storage-driver overlay run nginx",
        "nerdctl -n k8s.io --snapshotter overlayfs run nginx",
        "nerdctl --namespace=buildkit --insecure-registry run nginx",
        "docker --frobnicate run nginx",
        "docker --frobnicate value run nginx",
        "docker $TLS_OPTS run nginx",
    ] {
        let command = run(text);
        assert_eq!(command.image.unwrap().text, "nginx", "{text}");
        assert!(command.notes.is_empty(), "{text}: {:?}", command.notes);
    }
    let command = run("docker --context prod run nginx");
    assert_eq!(command.global_words, 1..3);
}

// ---------------------------------------------------------------------------------------------
// Option forms

#[test]
fn long_short_equals_and_separate_values() {
    for text in [
        "docker run --user 1000:1000 x",
        "docker run --user=1000:1000 x",
        "docker run -u 1000:1000 x",
        "docker run -u1000:1000 x",
        "docker run -u=1000:1000 x",
        "docker run --user '1000:1000' x",
        "docker run --user=\"1000:1000\" x",
        "docker run -itu 1000:1000 x",
        "docker run -itu1000:1000 x",
    ] {
        let spec = spec(text);
        assert_eq!(spec.user.unwrap().value, "1000:1000", "{text}");
        assert_eq!(spec.image.unwrap().value, "x", "{text}");
    }
}

#[test]
fn value_ranges_point_at_the_value() {
    let text = "docker run --user=1000 -u 0 -p8080:80 --name=web nginx";
    let command = run(text);
    let user = command.spec.user.unwrap();
    assert_eq!(user.value, "0");
    assert_eq!(at(text, user.range), "0");
    assert_eq!(at(text, command.options[0].value_range()), "1000");
    assert_eq!(at(text, command.options[0].flag_range), "--user");
    assert_eq!(at(text, command.spec.ports[0].range), "8080:80");
    assert_eq!(at(text, command.options[2].flag_range), "-p");
    assert_eq!(command.spec.name, "web");
    assert_eq!(at(text, command.spec.range), "docker run");
    // Quoted inline values keep their quotes in the range: the part after `=` as written.
    let text = "docker run --user=\"1000\" x";
    let user = run(text).spec.user.unwrap();
    assert_eq!(at(text, user.range), "\"1000\"");
}

#[test]
fn combined_short_flags() {
    let command = run("docker run -itd --rm nginx");
    let names: Vec<&str> = command.options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["interactive", "tty", "detach", "rm"]);
    assert!(command.options[..3].iter().all(|o| o.clustered));
    assert!(command.spec.one_shot);
    let command = run("docker run -dit nginx");
    assert_eq!(command.options.len(), 3);
    let text = "docker run -itp8080:80 -eKEY=v -P nginx";
    let command = run(text);
    let spec = &command.spec;
    assert_eq!(spec.ports[0].value.container_port, 80);
    assert_eq!(at(text, spec.ports[0].range), "8080:80");
    assert_eq!(spec.environment[0].name.value, "KEY");
    assert_eq!(at(text, spec.environment[0].name.range), "KEY");
    assert_eq!(
        at(text, spec.environment[0].value.as_ref().unwrap().range),
        "v"
    );
    assert!(spec.publish_all.as_ref().unwrap().value);
    assert_eq!(at(text, command.options[0].flag_range), "-i");
    assert_eq!(at(text, command.options[2].flag_range), "p");
    assert!(!command.options[3].clustered);
    assert_eq!(at(text, command.options[3].flag_range), "-e");
    // A value flag ends the cluster; with nothing attached it takes the next word.
    let spec = self::spec("docker run -itp 80:80 -de A=1 nginx");
    assert_eq!(spec.ports.len(), 1);
    assert_eq!(spec.environment[0].name.value, "A");
    // `-d=false` is pflag's boolean with a value.
    let command = run("docker run -d=false nginx");
    assert_eq!(command.options[0].bool_value(), Some(false));
}

#[test]
fn booleans_with_values() {
    let spec = self::spec("docker run --privileged=false --read-only=true --rm=false x");
    assert!(!spec.privileged.unwrap().value);
    assert!(spec.read_only.unwrap().value);
    assert!(!spec.one_shot);
    let spec = self::spec("docker run --privileged --read-only --rm x");
    assert!(spec.privileged.unwrap().value && spec.read_only.unwrap().value && spec.one_shot);
    for value in ["1", "t", "T", "TRUE", "True", "true"] {
        let spec = self::spec(&format!("docker run --privileged={value} x"));
        assert!(spec.privileged.unwrap().value, "{value}");
    }
    // The last one wins, as in pflag.
    let spec = self::spec("docker run --privileged --privileged=false x");
    assert!(!spec.privileged.unwrap().value);
    // A value that is not a Go boolean is Docker's error: a note, and the setting is not read.
    let command = run("docker run --privileged=yes x");
    assert!(command.spec.privileged.is_none());
    assert_eq!(
        command.notes[0].1,
        "`--privileged` takes `true` or `false`, found `yes`; Docker refuses the command"
    );
    // A boolean never takes the next word: `false` here is the image.
    let command = run("docker run --privileged false");
    assert!(command.spec.privileged.unwrap().value);
    assert_eq!(command.image.unwrap().text, "false");
}

#[test]
fn repeated_flags_accumulate_or_override() {
    let spec = self::spec(
        "docker run -e A=1 -e B=2 --env C=3 -p 80:80 -p 443:443 -v a:/a -v b:/b --cap-add X --cap-add Y --user 1 --user 2 x",
    );
    assert_eq!(spec.environment.len(), 3);
    assert_eq!(spec.ports.len(), 2);
    assert_eq!(spec.mounts.len(), 2);
    assert_eq!(spec.cap_add.len(), 2);
    assert_eq!(spec.user.unwrap().value, "2");
}

#[test]
fn everything_after_the_image_is_the_command() {
    let text = "docker run --rm alpine:3.20 sh -c 'echo --privileged' --privileged -v /:/host";
    let command = run(text);
    assert!(command.spec.privileged.is_none());
    assert!(command.spec.mounts.is_empty());
    assert_eq!(command.image.as_ref().unwrap().text, "alpine:3.20");
    assert_eq!(
        at(text, command.args_range.unwrap()),
        "sh -c 'echo --privileged' --privileged -v /:/host"
    );
    assert_eq!(command.args, 4..command.words.len());
    // `--` ends the options.
    let command = run("docker run --rm -- nginx --privileged");
    assert_eq!(command.double_dash, Some(3));
    assert_eq!(command.image.unwrap().text, "nginx");
    assert!(command.spec.privileged.is_none());
    // A value option takes the next word even when it looks like a flag.
    let command = run("docker run --name --privileged nginx");
    assert_eq!(command.spec.name, "--privileged");
    assert!(command.spec.privileged.is_none());
}

#[test]
fn unknown_flags_are_notes_not_failures() {
    let text = "docker run --frobnicate --widget=3 -Z -d nginx";
    let command = run(text);
    assert_eq!(command.image.as_ref().unwrap().text, "nginx");
    assert_eq!(
        command
            .notes
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>(),
        [
            "unknown `docker run` flag `--frobnicate`; the rest of the command was still read (read as a flag without a value)",
            "unknown `docker run` flag `--widget`; the rest of the command was still read (read with the value in the same word)",
            "unknown `docker run` flag `-Z`; the rest of the command was still read (read as a flag without a value)",
        ]
    );
    assert_eq!(at(text, command.notes[0].0), "--frobnicate");
    assert_eq!(at(text, command.notes[1].0), "--widget");
    assert!(!command.options[0].known && command.options[0].arity == Arity::Flag);
    assert_eq!(command.options[1].text(), Some("3"));
    assert_eq!(command.options[3].name, "detach");
    // Podman's `create` wording.
    assert_eq!(
        notes("podman create --frob x"),
        [
            "unknown `podman create` flag `--frob`; the rest of the command was still read (read as a flag without a value)"
        ]
    );
}

#[test]
fn incomplete_commands_are_notes() {
    assert_eq!(
        notes("docker run --name"),
        [
            "`--name` needs a value; the command ends before one",
            "`docker run` names no image; nothing after the options was read",
        ]
    );
    let command = run("docker run -d");
    assert!(command.image.is_none());
    assert_eq!(command.spec.name, "docker run");
}

#[test]
fn every_table_option_is_read_with_its_arity() {
    for option in RUN_OPTIONS {
        if option.long == "help" {
            continue;
        }
        let text = match option.arity {
            Arity::Flag => format!("docker run --{} image cmd", option.long),
            Arity::Value => format!("docker run --{} value image cmd", option.long),
        };
        let command = run(&text);
        assert_eq!(
            command.image.as_ref().map(|image| image.text.as_str()),
            Some("image"),
            "{text}"
        );
        let notes: Vec<_> = command
            .notes
            .iter()
            .filter(|(_, note)| note.contains("unknown"))
            .collect();
        assert!(notes.is_empty(), "{text}: {notes:?}");
        if let Some(short) = option.short {
            let text = match option.arity {
                Arity::Flag => format!("docker run -{short} image"),
                Arity::Value => format!("docker run -{short} value image"),
            };
            assert_eq!(run(&text).image.unwrap().text, "image", "{text}");
        }
    }
}

#[test]
fn common_flags_without_a_spec_field_parse_cleanly() {
    let text = "docker run -d --init --ulimit nofile=1024:2048 --label a=b -l c=d --entrypoint /bin/sh \
        --workdir /app -w /app --hostname h -h h --add-host db:10.0.0.2 --dns 1.1.1.1 --dns-search x \
        --dns-option ndots:1 --dns-opt ndots:2 --log-driver json-file --log-opt max-size=10m \
        --platform linux/amd64 --pull always --gpus all --stop-signal SIGTERM --stop-timeout 5 \
        --shm-size 64m --sysctl net.core.somaxconn=1024 --group-add 10 --oom-score-adj 100 \
        --cidfile /tmp/id --detach-keys ctrl-x --mac-address 02:42:ac:11:00:02 --ip 172.30.0.2 \
        --network-alias web --runtime runc --storage-opt size=10G --volumes-from data \
        --annotation a=b --blkio-weight 500 --cgroup-parent /x --isolation default -a stdout \
        --sig-proxy=false --oom-kill-disable --memory-reservation 256m --memory-swappiness 0 \
        --kernel-memory 10m --cpuset-mems 0 --cpu-rt-runtime 100 --disable-content-trust -q \
        nginx:1.27";
    let command = run(text);
    assert!(command.notes.is_empty(), "{:?}", command.notes);
    assert_eq!(command.image.unwrap().text, "nginx:1.27");
    assert!(command.args.is_empty());
}

#[test]
fn podman_and_nerdctl_options() {
    let command = run(
        "podman run --pod web --userns keep-id --systemd=always --secret db_pass,type=env \
         --uidmap 0:100000:65536 --tz UTC --env-host --replace --read-only-tmpfs=false --rmi \
         --health-on-failure restart quay.io/app:1",
    );
    assert!(command.notes.is_empty(), "{:?}", command.notes);
    let spec = &command.spec;
    assert_eq!(spec.namespaces.userns.as_ref().unwrap().value, "keep-id");
    assert_eq!(spec.secrets[0].value, "db_pass");
    assert!(!spec.healthcheck.as_ref().unwrap().value.disabled);
    let command =
        run("nerdctl run --verify cosign --cosign-key k.pub --ipfs-address /ip4/x ghcr.io/a:1");
    assert!(command.notes.is_empty(), "{:?}", command.notes);
}

// ---------------------------------------------------------------------------------------------
// Lowering, setting by setting

#[test]
fn mounts_in_long_syntax() {
    let text = "docker run \
        --mount type=bind,source=/srv/data,target=/data,readonly,bind-propagation=rslave \
        --mount type=volume,src=cache,dst=/cache \
        --mount type=tmpfs,tmpfs-size=64m,tmpfs-mode=1770,destination=/scratch \
        --mount 'type=bind,\"source=/a,b\",target=/x,ro=false' \
        --mount target=/anon x";
    let spec = spec(text);
    let data = &spec.mounts[0].value;
    assert_eq!(data.kind, MountKind::Bind);
    assert_eq!(
        (data.source.as_str(), data.target.as_str()),
        ("/srv/data", "/data")
    );
    assert!(data.read_only);
    assert_eq!(data.propagation.as_deref(), Some("rslave"));
    assert_eq!(at(text, data.source_range), "/srv/data");
    let cache = &spec.mounts[1].value;
    assert_eq!(cache.kind, MountKind::Volume);
    assert_eq!(
        (cache.source.as_str(), cache.target.as_str()),
        ("cache", "/cache")
    );
    assert!(!cache.read_only);
    let quoted = &spec.mounts[2].value;
    assert_eq!(quoted.source, "/a,b");
    assert!(!quoted.read_only);
    let anonymous = &spec.mounts[3].value;
    assert_eq!(
        (anonymous.kind, anonymous.source.as_str()),
        (MountKind::Volume, "")
    );
    assert_eq!(spec.tmpfs.len(), 1);
    assert_eq!(spec.tmpfs[0].value.target, "/scratch");
    assert_eq!(spec.tmpfs[0].value.options, ["size=64m", "mode=1770"]);
    assert_eq!(spec.key("volumes").map(|r| at(text, r)), Some("--mount"));
    assert_eq!(spec.key("tmpfs").map(|r| at(text, r)), Some("--mount"));
}

#[test]
fn short_volume_syntax() {
    let text = "docker run -v /srv:/data:ro,z --volume named:/named -v /anon \
        -v ./rel:/rel -v ~/x:/x -v \"$PWD\"/cfg:/cfg:ro -v \"$(pwd)\":/app \
        -v $HOME:/home -v 'C:\\data:/data' -v /var/run/docker.sock:/var/run/docker.sock:rshared x";
    let command = run(text);
    let mounts: Vec<_> = command.spec.mounts.iter().map(|m| &m.value).collect();
    let summary: Vec<(MountKind, &str, &str, bool)> = mounts
        .iter()
        .map(|m| (m.kind, m.source.as_str(), m.target.as_str(), m.read_only))
        .collect();
    assert_eq!(
        summary,
        [
            (MountKind::Bind, "/srv", "/data", true),
            (MountKind::Volume, "named", "/named", false),
            (MountKind::Volume, "", "/anon", false),
            (MountKind::Bind, "./rel", "/rel", false),
            (MountKind::Bind, "~/x", "/x", false),
            (MountKind::Bind, "$PWD/cfg", "/cfg", true),
            (MountKind::Bind, "$(pwd)", "/app", false),
            (MountKind::Bind, "$HOME", "/home", false),
            (MountKind::Bind, "C:\\data", "/data", false),
            (
                MountKind::Bind,
                "/var/run/docker.sock",
                "/var/run/docker.sock",
                false
            ),
        ]
    );
    assert_eq!(mounts[9].propagation.as_deref(), Some("rshared"));
    assert_eq!(at(text, mounts[0].source_range), "/srv");
    assert_eq!(at(text, command.spec.mounts[0].range), "/srv:/data:ro,z");
}

#[test]
fn tmpfs_and_read_only() {
    let text = "docker run --read-only --tmpfs /run:rw,noexec,nosuid,size=64m --tmpfs /tmp x";
    let spec = spec(text);
    assert!(spec.read_only.as_ref().unwrap().value);
    assert_eq!(at(text, spec.read_only.unwrap().range), "--read-only");
    assert_eq!(spec.tmpfs[0].value.target, "/run");
    assert_eq!(
        spec.tmpfs[0].value.options,
        ["rw", "noexec", "nosuid", "size=64m"]
    );
    assert!(spec.tmpfs[0].value.has_option("size"));
    assert!(spec.tmpfs[1].value.options.is_empty());
}

#[test]
fn security_options_in_every_spelling() {
    let spec = spec(
        "docker run --security-opt no-new-privileges --security-opt no-new-privileges:true \
         --security-opt=no-new-privileges=true --security-opt no-new-privileges=false \
         --security-opt seccomp=unconfined --security-opt seccomp:unconfined \
         --security-opt apparmor=docker-default --security-opt label=disable \
         --security-opt label:disable --security-opt systempaths=unconfined \
         --security-opt seccomp=/etc/p.json x",
    );
    let options: Vec<SecurityOpt> = spec.security_opt.iter().map(|o| o.value.clone()).collect();
    assert_eq!(
        options,
        [
            SecurityOpt::NoNewPrivileges(true),
            SecurityOpt::NoNewPrivileges(true),
            SecurityOpt::NoNewPrivileges(true),
            SecurityOpt::NoNewPrivileges(false),
            SecurityOpt::Seccomp("unconfined".into()),
            SecurityOpt::Seccomp("unconfined".into()),
            SecurityOpt::AppArmor("docker-default".into()),
            SecurityOpt::Label("disable".into()),
            SecurityOpt::Label("disable".into()),
            SecurityOpt::SystemPaths("unconfined".into()),
            SecurityOpt::Seccomp("/etc/p.json".into()),
        ]
    );
    assert_eq!(
        spec.no_new_privileges().unwrap().value,
        SecurityOpt::NoNewPrivileges(false)
    );
}

#[test]
fn environment_and_env_files() {
    let text = "docker run -e MODE=prod --env DEBUG --env=EMPTY= -eX=a=b \
        -e \"TOKEN=$TOKEN\" --env-file .env --env-file=config/app.env x";
    let command = run(text);
    let env = &command.spec.environment;
    let pairs: Vec<(&str, Option<&str>)> = env
        .iter()
        .map(|e| {
            (
                e.name.value.as_str(),
                e.value.as_ref().map(|v| v.value.as_str()),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("MODE", Some("prod")),
            ("DEBUG", None),
            ("EMPTY", Some("")),
            ("X", Some("a=b")),
            ("TOKEN", Some("$TOKEN")),
        ]
    );
    assert_eq!(at(text, env[0].name.range), "MODE");
    assert_eq!(at(text, env[0].value.as_ref().unwrap().range), "prod");
    assert_eq!(at(text, env[3].value.as_ref().unwrap().range), "a=b");
    // A word with expansions has no exact parts: the whole word is the range.
    assert_eq!(at(text, env[4].name.range), "\"TOKEN=$TOKEN\"");
    assert!(env.iter().all(|e| !e.from_env_file && e.expanded.is_none()));
    let files: Vec<(&str, &str)> = command
        .env_files
        .iter()
        .map(|f| (f.value.as_str(), at(text, f.range)))
        .collect();
    assert_eq!(
        files,
        [(".env", ".env"), ("config/app.env", "config/app.env")]
    );
    assert_eq!(
        command.spec.key("env_file").map(|r| at(text, r)),
        Some("--env-file")
    );
}

#[test]
fn capabilities_with_or_without_prefix_in_any_case() {
    let text = "docker run --cap-drop=all --cap-add cap_net_bind_service --cap-add SYS_ADMIN \
        --cap-add Cap_Sys_Ptrace --cap-add NET_ADMIN,net_raw x";
    let spec = spec(text);
    assert!(spec.drops_all_capabilities());
    let added: Vec<&str> = spec.cap_add.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(
        added,
        [
            "NET_BIND_SERVICE",
            "SYS_ADMIN",
            "SYS_PTRACE",
            "NET_ADMIN",
            "NET_RAW"
        ]
    );
    assert_eq!(at(text, spec.cap_add[3].range), "NET_ADMIN");
    assert_eq!(at(text, spec.cap_add[4].range), "net_raw");
    assert_eq!(spec.key("cap_add").map(|r| at(text, r)), Some("--cap-add"));
    assert_eq!(spec.anchor("cap_drop"), TextRange::new(11, 21));
}

#[test]
fn networks_and_modes() {
    for (text, mode, networks) in [
        ("docker run --network host x", Some("host"), vec![]),
        ("docker run --net=host x", Some("host"), vec![]),
        ("docker run --network none x", Some("none"), vec![]),
        ("docker run --network bridge x", Some("bridge"), vec![]),
        ("docker run --network default x", Some("default"), vec![]),
        (
            "docker run --network container:db x",
            Some("container:db"),
            vec![],
        ),
        (
            "docker run --network backend --network frontend x",
            None,
            vec!["backend", "frontend"],
        ),
        (
            "docker run --network name=backend,alias=api x",
            None,
            vec!["backend"],
        ),
        (
            "podman run --network slirp4netns:port_handler=slirp4netns x",
            Some("slirp4netns:port_handler=slirp4netns"),
            vec![],
        ),
        ("podman run --network pasta x", Some("pasta"), vec![]),
        ("docker run --network HOST x", None, vec!["HOST"]),
    ] {
        let spec = spec(text);
        assert_eq!(
            spec.namespaces.network.as_ref().map(|n| n.value.as_str()),
            mode,
            "{text}"
        );
        let names: Vec<&str> = spec.networks.iter().map(|n| n.value.as_str()).collect();
        assert_eq!(names, networks, "{text}");
    }
    let text = "docker run --network name=backend,alias=api x";
    let spec = spec(text);
    assert_eq!(at(text, spec.networks[0].range), "backend");
    assert_eq!(spec.key("networks").map(|r| at(text, r)), Some("--network"));
    let spec = self::spec("docker run --net host x");
    assert!(spec.key("network_mode").is_some());
}

#[test]
fn namespaces() {
    let spec =
        spec("docker run --pid host --ipc=shareable --uts host --userns host --cgroupns private x");
    let ns = &spec.namespaces;
    assert_eq!(ns.pid.as_ref().unwrap().value, "host");
    assert_eq!(ns.ipc.as_ref().unwrap().value, "shareable");
    assert_eq!(ns.uts.as_ref().unwrap().value, "host");
    assert_eq!(ns.userns.as_ref().unwrap().value, "host");
    assert_eq!(ns.cgroupns.as_ref().unwrap().value, "private");
    let spec = self::spec("docker run --pid=container:web x");
    assert_eq!(spec.namespaces.pid.unwrap().value, "container:web");
    for key in ["pid", "userns_mode"] {
        assert!(
            self::spec("docker run --pid host --userns host x")
                .key(key)
                .is_some()
        );
    }
}

#[test]
fn restart_policies() {
    for (text, policy) in [
        ("docker run --restart no x", RestartPolicy::No),
        ("docker run --restart=always x", RestartPolicy::Always),
        (
            "docker run --restart unless-stopped x",
            RestartPolicy::UnlessStopped,
        ),
        (
            "docker run --restart on-failure x",
            RestartPolicy::OnFailure(None),
        ),
        (
            "docker run --restart on-failure:5 x",
            RestartPolicy::OnFailure(Some(5)),
        ),
        (
            "docker run --restart sometimes x",
            RestartPolicy::Invalid("sometimes".into()),
        ),
    ] {
        assert_eq!(spec(text).restart.unwrap().value, policy, "{text}");
    }
    let spec = self::spec("docker run --rm alpine true");
    assert!(spec.one_shot && spec.restart.is_none());
}

#[test]
fn resource_limits_with_units() {
    let text = "docker run -m 512m --memory-swap=1g --cpus 1.5 --cpu-shares 512 --pids-limit 200 x";
    let spec = spec(text);
    assert_eq!(
        spec.limits.memory.as_ref().unwrap().value,
        Bytes::Limited(512 << 20)
    );
    assert_eq!(at(text, spec.limits.memory.unwrap().range), "512m");
    assert_eq!(
        spec.limits.memory_swap.unwrap().value,
        Bytes::Limited(1 << 30)
    );
    assert!((spec.limits.cpus.unwrap().value - 1.5).abs() < f64::EPSILON);
    assert_eq!(spec.limits.cpu_other.unwrap().value, "--cpu-shares=512");
    assert_eq!(spec.limits.pids.unwrap().value, 200);
    let spec = self::spec(
        "docker run --memory=1g --memory-swap -1 --pids-limit=-1 -c 256 --cpu-quota 50000 x",
    );
    assert_eq!(spec.limits.memory.unwrap().value, Bytes::Limited(1 << 30));
    assert_eq!(spec.limits.memory_swap.unwrap().value, Bytes::Unlimited);
    assert_eq!(spec.limits.pids.unwrap().value, -1);
    assert_eq!(spec.limits.cpu_other.unwrap().value, "--cpu-quota=50000");
    for key in ["mem_limit", "memswap_limit", "pids_limit"] {
        assert!(
            self::spec("docker run -m 1g --memory-swap 1g --pids-limit 5 x")
                .key(key)
                .is_some(),
            "{key}"
        );
    }
    assert_eq!(
        notes("docker run -m lots --cpus many --pids-limit few x"),
        [
            "expected a size such as `512m` or `1g` for `-m`, found `lots`",
            "expected a number such as `0.5` for `--cpus`, found `many`",
            "expected an integer for `--pids-limit`, found `few`",
        ]
    );
}

#[test]
fn users() {
    for (text, user) in [
        ("docker run --user 10001 x", "10001"),
        ("docker run -u app:app x", "app:app"),
        ("docker run --user=0:0 x", "0:0"),
        (
            "docker run --user \"$(id -u):$(id -g)\" x",
            "$(id -u):$(id -g)",
        ),
    ] {
        assert_eq!(spec(text).user.unwrap().value, user, "{text}");
    }
}

#[test]
fn devices_and_cgroup_rules() {
    let spec = spec(
        "docker run --device /dev/fuse --device /dev/sda:/dev/xvda:rwm --device=/dev/snd:r \
         --device /dev/kvm:/dev/kvm --device-cgroup-rule 'c 189:* rmw' x",
    );
    let devices: Vec<&Device> = spec.devices.iter().map(|d| &d.value).collect();
    let summary: Vec<(&str, &str, &str)> = devices
        .iter()
        .map(|d| {
            (
                d.host.as_str(),
                d.container.as_str(),
                d.permissions.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("/dev/fuse", "/dev/fuse", "rwm"),
            ("/dev/sda", "/dev/xvda", "rwm"),
            ("/dev/snd", "/dev/snd", "r"),
            ("/dev/kvm", "/dev/kvm", "rwm"),
        ]
    );
    assert_eq!(spec.device_cgroup_rules[0].value, "c 189:* rmw");
}

#[test]
fn health_checks() {
    let text = "docker run --health-cmd 'curl -f http://localhost/' --health-interval 30s x";
    let spec = spec(text);
    let check = spec.healthcheck.unwrap();
    assert!(!check.value.disabled);
    assert_eq!(at(text, check.range), "--health-cmd");
    let spec = self::spec("docker run --no-healthcheck x");
    assert!(spec.healthcheck.unwrap().value.disabled);
    let spec = self::spec("docker run --no-healthcheck=false x");
    assert!(spec.healthcheck.is_none());
    assert!(self::spec("docker run x").healthcheck.is_none());
}

#[test]
fn ports_publish_all_and_expose() {
    let text = "docker run -p 8080:80 -p 127.0.0.1:8443:443/tcp -p 9090 -p 53:53/udp \
        --publish=[::1]:5432:5432 -p 0.0.0.0::3000 -p 8000-8010:8000-8010 -P --expose 3000 \
        --expose=7000-7010/udp x";
    let spec = spec(text);
    let ports: Vec<&Port> = spec.ports.iter().map(|p| &p.value).collect();
    let summary: Vec<(Option<&str>, Option<&str>, u16, &str)> = ports
        .iter()
        .map(|p| {
            (
                p.host_ip.as_deref(),
                p.host_port.as_deref(),
                p.container_port,
                p.protocol.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (None, Some("8080"), 80, "tcp"),
            (Some("127.0.0.1"), Some("8443"), 443, "tcp"),
            (None, None, 9090, "tcp"),
            (None, Some("53"), 53, "udp"),
            (Some("::1"), Some("5432"), 5432, "tcp"),
            (Some("0.0.0.0"), None, 3000, "tcp"),
            (None, Some("8000-8010"), 8000, "tcp"),
        ]
    );
    assert!(ports[0].on_all_interfaces() && !ports[1].on_all_interfaces());
    assert_eq!(at(text, spec.ports[4].range), "[::1]:5432:5432");
    let publish_all = spec.publish_all.as_ref().unwrap();
    assert!(publish_all.value);
    assert_eq!(at(text, publish_all.range), "-P");
    let exposed: Vec<u16> = spec.expose.iter().map(|e| e.value).collect();
    assert_eq!(exposed, [3000, 7000]);
    assert_eq!(
        notes("docker run -p http x"),
        ["expected a port as `[ip:][host:]container[/protocol]` for `-p`, found `http`"]
    );
}

#[test]
fn port_reading_agrees_with_compose_short_syntax() {
    let ports = [
        "80",
        "8080:80",
        "127.0.0.1:8080:80",
        "127.0.0.1::80",
        "[::1]:8080:80",
        "::1:8080:80",
        "8000-8010:8000-8010/udp",
        "0.0.0.0:53:53/udp",
    ];
    let list = ports
        .iter()
        .map(|p| format!("      - \"{p}\"\n"))
        .collect::<Vec<_>>()
        .concat();
    let project = compose_project(&format!(
        "services:\n  a:\n    image: x\n    ports:\n{list}"
    ));
    let compose: Vec<Port> = project.services[0]
        .ports
        .iter()
        .map(|p| p.value.clone())
        .collect();
    let run: Vec<Port> = ports.iter().map(|p| parse_port(p).unwrap()).collect();
    assert_eq!(run, compose);
}

#[test]
fn names_and_images() {
    assert_eq!(
        spec("docker run --name api registry.example.com/team/web:1.4").name,
        "api"
    );
    assert_eq!(
        spec("docker run registry.example.com:5000/team/web:1.4").name,
        "web"
    );
    assert_eq!(spec("docker run nginx@sha256:abc").name, "nginx");
    let text = "docker run -d nginx:1.27 nginx -g 'daemon off;'";
    let spec = spec(text);
    assert_eq!(at(text, spec.image.as_ref().unwrap().range), "nginx:1.27");
    assert_eq!(spec.key("image").map(|r| at(text, r)), Some("nginx:1.27"));
}

// ---------------------------------------------------------------------------------------------
// Expansions

#[test]
fn variables_are_kept_as_written() {
    let text = "docker run --user $UID -v \"$PWD\":/src --name \"$NAME\" \"$REG/app:$TAG\" run";
    let spec = spec(text);
    assert_eq!(spec.user.as_ref().unwrap().value, "$UID");
    assert!(is_variable(&spec.user.unwrap().value));
    let image = spec.image.unwrap();
    assert_eq!(image.value, "$REG/app:$TAG");
    assert!(is_variable(&image.value));
    assert_eq!(at(text, image.range), "\"$REG/app:$TAG\"");
    assert_eq!(spec.name, "$NAME");
    let spec = self::spec("docker run --restart=$POLICY -p \"$PORT\":80 ${IMAGE}:${TAG:-latest}");
    assert_eq!(spec.ports[0].value.host_port.as_deref(), Some("$PORT"));
    assert_eq!(spec.image.unwrap().value, "${IMAGE}:${TAG:-latest}");
    // Positional parameters are braced so that `is_variable` sees them.
    let spec = self::spec("docker run --rm \"$1\" \"$2\"");
    assert_eq!(spec.image.as_ref().unwrap().value, "${1}");
    assert!(is_variable(&spec.image.unwrap().value));
    // Unknown values are not errors: no notes for `-m $MEM`.
    let command = run("docker run -m $MEM --cpus \"$CPUS\" -p $P x");
    assert!(command.notes.is_empty(), "{:?}", command.notes);
    assert!(command.spec.limits.memory.is_none());
    assert!(command.spec.key("mem_limit").is_some());
}

#[test]
fn expansions_that_may_hold_options() {
    let text = "docker run $DOCKER_OPTS -d --name web nginx";
    let command = run(text);
    assert!(command.options[0].opaque);
    assert_eq!(command.spec.name, "web");
    assert_eq!(command.image.as_ref().unwrap().text, "nginx");
    assert_eq!(
        command.notes[0].1,
        "`$DOCKER_OPTS` is expanded when the command runs; the options it holds were not read"
    );
    // At the end, an expansion is the image.
    assert_eq!(run("docker run -d $IMAGE").image.unwrap().text, "$IMAGE");
    // The arguments of a wrapper script are options and image together.
    let command = run("exec docker run --rm \"$@\"");
    assert!(command.image.is_none());
    assert!(command.options[1].opaque);
}

#[test]
fn unquoting_words_with_expansions() {
    for (raw, text) in [
        ("\"$REG/app:$TAG\"", "$REG/app:$TAG"),
        ("'a b'\"$X\"", "a b$X"),
        ("\"$(pwd)\":/app", "$(pwd):/app"),
        ("\"$(echo \"a b\")\"", "$(echo \"a b\")"),
        ("${A:-\"x\"}", "${A:-\"x\"}"),
        ("$1", "${1}"),
        ("\"$@\"", "${@}"),
        ("a\\ b$X", "a b$X"),
        ("\"\\$x$Y\"", "$x$Y"),
        ("`id -u`:1", "`id -u`:1"),
        ("$'a\\tb'$X", "a\\tb$X"),
        ("price$", "price$"),
    ] {
        assert_eq!(unquote_expansion(raw), text, "{raw}");
    }
}

// ---------------------------------------------------------------------------------------------
// False-positive traps and multi-line commands

#[test]
fn text_that_mentions_docker_run_is_not_a_command() {
    // The caller hands over commands in command position only; the words of `echo` never start
    // with a container CLI, and an argument that mentions one is not read.
    for text in [
        "echo \"docker run --privileged nginx\"",
        "printf '%s\\n' 'docker run --privileged nginx'",
        "grep -r 'docker run' .",
        "# docker run --privileged nginx",
        "cat <<EOF\ndocker run --privileged nginx\nEOF",
    ] {
        let script = shell::parse(text);
        for command in &script.commands {
            let view = command.unwrapped();
            let mut words = vec![view.name.clone()];
            words.extend(view.args.iter().cloned());
            assert!(parse_run(&words).is_none(), "{text}");
        }
    }
}

#[test]
fn multi_line_commands_keep_each_flag_on_its_line() {
    let text = "docker run \\\n  --privileged \\\n  --cap-add SYS_ADMIN \\\n  -v /:/host \\\n  nginx:1.27\n";
    let command = run(text);
    let source = SourceFile::new("deploy.sh", text);
    let line = |range: TextRange| source.line_column(range.start()).line;
    let spec = &command.spec;
    assert_eq!(line(spec.privileged.as_ref().unwrap().range), 2);
    assert_eq!(line(spec.cap_add[0].range), 3);
    assert_eq!(line(spec.mounts[0].range), 4);
    assert_eq!(line(spec.image.as_ref().unwrap().range), 5);
    assert_eq!(line(spec.anchor("security_opt")), 1);
    // Missing settings are reported at `docker run`, on the first line.
    assert_eq!(at(text, spec.range), "docker run");
}

#[test]
fn use_api_socket_mounts_the_docker_socket() {
    let text = "docker run --use-api-socket x";
    let spec = spec(text);
    let mount = &spec.mounts[0].value;
    assert_eq!(mount.source, "/var/run/docker.sock");
    assert_eq!(mount.kind, MountKind::Bind);
    assert_eq!(at(text, mount.source_range), "--use-api-socket");
}

// ---------------------------------------------------------------------------------------------
// Parity with compose

fn compose_project(text: &str) -> crate::model::compose::ComposeProject {
    let lookup = |_: &str| None;
    load(ComposeInput {
        files: vec![SourceFile::new("compose.yaml", text)],
        loader: &NoFiles,
        environment: &lookup,
    })
}

#[test]
fn a_run_line_lowers_like_the_equivalent_compose_service() {
    let compose = compose_project(
        "services:
  web:
    image: registry.example.com/team/web:1.4
    user: \"10001:10001\"
    read_only: true
    privileged: false
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
    security_opt: [\"no-new-privileges:true\", \"seccomp=unconfined\"]
    tmpfs: [\"/tmp:rw,noexec,nosuid,size=64m\"]
    volumes: [\"/srv/data:/data:ro\", \"cache:/cache\"]
    devices: [\"/dev/fuse\"]
    mem_limit: 512m
    memswap_limit: 512m
    cpus: 1.5
    pids_limit: 200
    restart: on-failure:3
    pid: host
    ports: [\"127.0.0.1:8080:80\", \"9090\"]
    expose: [\"3000\"]
    environment: [\"MODE=prod\", \"DEBUG\"]
",
    );
    assert!(compose.errors.is_empty(), "{:?}", compose.errors);
    let run = run(
        "docker run --name web --user 10001:10001 --read-only --privileged=false \
        --cap-drop ALL --cap-add NET_BIND_SERVICE --security-opt no-new-privileges:true \
        --security-opt seccomp=unconfined --tmpfs /tmp:rw,noexec,nosuid,size=64m \
        -v /srv/data:/data:ro -v cache:/cache --device /dev/fuse -m 512m --memory-swap 512m \
        --cpus 1.5 --pids-limit 200 --restart on-failure:3 --pid host -p 127.0.0.1:8080:80 \
        -p 9090 --expose 3000 -e MODE=prod -e DEBUG registry.example.com/team/web:1.4",
    );
    assert!(run.notes.is_empty(), "{:?}", run.notes);
    let compose_spec = &compose.services[0];
    for (key, _) in &compose_spec.keys {
        assert!(
            run.spec.key(key).is_some(),
            "compose key {key} has no run-line anchor"
        );
    }
    let mut expected = without_ranges(compose_spec);
    let mut actual = without_ranges(&run.spec);
    for spec in [&mut expected, &mut actual] {
        spec.source = SpecSource::RunLine;
        spec.keys.clear();
    }
    assert_eq!(actual, expected);
}

// ---------------------------------------------------------------------------------------------
// Rendering

#[test]
fn renders_a_canonical_command() {
    let command = run(
        "sudo docker --context prod run -itd --rm -p8080:80 --net=host -eA='x y' \
         --frob --privileged=false -v \"$PWD\":/src $REG/app:$TAG sh -c 'echo hi'",
    );
    assert_eq!(
        render(&command),
        "docker --context prod run --interactive --tty --detach --rm --publish 8080:80 \
         --network host --env 'A=x y' --frob --privileged=false --volume \"$PWD\":/src \
         $REG/app:$TAG sh -c 'echo hi'"
    );
}

#[test]
fn render_and_reparse_keep_the_spec() {
    for text in [
        "docker run -itd --rm --name web -p 8080:80 nginx",
        "podman create --userns=keep-id -v ./x:/x:Z --security-opt label=disable img",
        "docker run --mount 'type=bind,\"source=/a,b\",target=/x' --env-file .env x",
        "docker run -e 'A=it'\"'\"'s' --health-cmd 'curl -f localhost' x arg",
    ] {
        let first = run(text);
        let rendered = render(&first);
        let second = run(&rendered);
        assert_eq!(
            without_ranges(&first.spec),
            without_ranges(&second.spec),
            "{rendered}"
        );
        assert_eq!(render(&second), rendered);
    }
}

/// A value for an option, written in one of the shell's quotings.
fn quoted(value: &str) -> impl Strategy<Value = String> + use<> {
    let needs_quotes = value.is_empty()
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=,@%+".contains(c));
    let plain = value.to_owned();
    let single = format!("'{value}'");
    let double = format!("\"{value}\"");
    if needs_quotes {
        prop_oneof![Just(single), Just(double)].boxed()
    } else {
        prop_oneof![Just(plain), Just(single), Just(double)].boxed()
    }
}

/// One option of a generated command line, in one of its spellings.
fn option() -> impl Strategy<Value = String> {
    let value_options: Vec<(&'static str, Option<char>, &'static str)> = vec![
        (
            "user",
            Some('u'),
            "[a-z0-9]{1,6}(:[0-9]{1,4})?|\\$UID|\\$\\{U\\}:1",
        ),
        (
            "cap-add",
            None,
            "(cap_|CAP_)?(sys_admin|NET_RAW|chown|ALL)(,net_admin)?",
        ),
        ("cap-drop", None, "(all|ALL|NET_RAW)"),
        (
            "security-opt",
            None,
            "no-new-privileges(:true|=false)?|seccomp[=:]unconfined|apparmor=unconfined|label[=:]disable|systempaths=unconfined",
        ),
        (
            "tmpfs",
            None,
            "/[a-z]{1,5}(:(rw|noexec|nosuid|size=[0-9]{1,3}m)(,noexec)?)?",
        ),
        (
            "volume",
            Some('v'),
            "(/[a-z]{1,5}|[a-z]{1,5}|\\$PWD/[a-z]{1,3}|~/[a-z]{1,3}):/[a-z]{1,5}(:ro|:rw|:ro,z|:rshared)?",
        ),
        (
            "mount",
            None,
            "type=(bind|volume|tmpfs),(source|src)=/[a-z]{1,4},(target|dst)=/[a-z]{1,4}(,readonly|,ro=false)?(,tmpfs-size=[0-9]{1,2}m)?",
        ),
        (
            "device",
            None,
            "/dev/[a-z]{1,4}(:/dev/[a-z]{1,4})?(:rwm|:r)?",
        ),
        ("memory", Some('m'), "[0-9]{1,4}[kmgKMG]?|\\$MEM"),
        ("memory-swap", None, "[0-9]{1,4}[kmg]|-1"),
        ("cpus", None, "[0-9]{1,2}(\\.[0-9]{1,2})?|lots"),
        ("cpu-shares", Some('c'), "[0-9]{1,4}"),
        ("pids-limit", None, "-?[0-9]{1,4}"),
        (
            "restart",
            None,
            "no|always|unless-stopped|on-failure(:[0-9])?|\\$POLICY",
        ),
        ("pid", None, "host|container:[a-z]{1,3}"),
        ("ipc", None, "host|private|shareable"),
        ("uts", None, "host"),
        ("userns", None, "host|keep-id"),
        ("cgroupns", None, "host|private"),
        (
            "network",
            None,
            "host|none|bridge|container:[a-z]{1,3}|[a-z]{1,6}|name=[a-z]{1,4},alias=x",
        ),
        ("net", None, "host|[a-z]{1,6}"),
        (
            "publish",
            Some('p'),
            "((127\\.0\\.0\\.1|\\[::1\\]):)?([0-9]{2,5}:)?[0-9]{1,5}(/udp)?|\\$P:80",
        ),
        ("expose", None, "[0-9]{1,5}(-[0-9]{1,5})?(/udp)?"),
        ("env", Some('e'), "[A-Z_]{1,6}(=[a-z0-9 $]{0,6})?"),
        ("env-file", None, "[a-z.]{1,8}"),
        ("name", None, "[a-z0-9_-]{1,8}"),
        ("label", Some('l'), "[a-z]{1,4}=[a-z ]{0,4}"),
        ("health-cmd", None, "[a-z -]{1,10}"),
        ("health-interval", None, "[0-9]{1,2}s"),
        ("device-cgroup-rule", None, "c [0-9]{1,3}:\\* rwm"),
        ("link", None, "[a-z]{1,4}(:[a-z]{1,4})?"),
        ("secret", None, "[a-z]{1,4}(,type=env)?"),
        ("workdir", Some('w'), "/[a-z]{1,6}"),
        ("ulimit", None, "nofile=[0-9]{1,4}:[0-9]{1,4}"),
    ];
    let flags: Vec<(&'static str, Option<char>)> = vec![
        ("privileged", None),
        ("read-only", None),
        ("rm", None),
        ("init", None),
        ("no-healthcheck", None),
        ("publish-all", Some('P')),
        ("detach", Some('d')),
        ("interactive", Some('i')),
        ("tty", Some('t')),
        ("use-api-socket", None),
    ];
    let value_option = prop::sample::select(value_options)
        .prop_flat_map(|(long, short, pattern)| {
            (
                Just(long),
                Just(short),
                pattern.prop_flat_map(|value| quoted(&value)),
                0..4usize,
            )
        })
        .prop_map(|(long, short, value, form)| match (form, short) {
            (1, _) => format!("--{long}={value}"),
            (2, Some(short)) => format!("-{short} {value}"),
            (3, Some(short)) => format!("-{short}{value}"),
            _ => format!("--{long} {value}"),
        });
    let flag_option = (
        prop::sample::select(flags),
        prop_oneof![Just(""), Just("=true"), Just("=false"), Just("=1")],
        any::<bool>(),
    )
        .prop_map(|((long, short), value, use_short)| match short {
            Some(short) if use_short => format!("-{short}{value}"),
            _ => format!("--{long}{value}"),
        });
    let cluster = (
        prop::sample::subsequence(vec!['i', 't', 'd', 'P'], 1..=4),
        prop::option::of(prop_oneof![
            Just("p8080:80".to_owned()),
            Just("eA=b".to_owned()),
            Just("u 1000".to_owned()),
            Just("v /a:/b".to_owned()),
        ]),
    )
        .prop_map(|(letters, tail)| {
            let mut word: String = std::iter::once('-').chain(letters).collect();
            if let Some(tail) = tail {
                word.push_str(&tail);
            }
            word
        });
    let unknown = "--frob[a-z]{0,3}(=[a-z]{1,3})?";
    prop_oneof![
        6 => value_option,
        3 => flag_option,
        1 => cluster,
        1 => unknown.prop_map(|s| s),
        1 => Just("$DOCKER_OPTS".to_owned()),
    ]
}

fn command_line() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("docker run"),
            Just("docker create"),
            Just("docker container run"),
            Just("podman run"),
            Just("nerdctl run"),
            Just("docker --context prod -H tcp://h:2376 run"),
        ],
        prop::collection::vec(option(), 0..10),
        prop_oneof![
            "[a-z]{1,6}(:[a-z0-9.]{1,4})?",
            Just("\"$REG/app:$TAG\"".to_owned()),
            Just("${IMAGE}".to_owned()),
        ],
        prop::collection::vec("[a-z]{1,5}|--privileged|-v|'a b'", 0..3),
        any::<bool>(),
    )
        .prop_map(|(program, options, image, args, multi_line)| {
            let separator = if multi_line { " \\\n  " } else { " " };
            let mut words = vec![program.to_owned()];
            words.extend(options);
            words.push(image);
            words.extend(args);
            words.join(separator)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Rendering a parsed command and parsing it again gives the same spec and env files, and
    /// the canonical form is a fixed point.
    #[test]
    fn rendering_then_parsing_keeps_the_spec(text in command_line()) {
        let first = run(&text);
        let rendered = render(&first);
        let second = parse_run(&words(&rendered));
        prop_assert!(second.is_some(), "the rendering is not a run command: {rendered}");
        let second = second.unwrap();
        prop_assert_eq!(without_ranges(&first.spec), without_ranges(&second.spec), "{} => {}", text, rendered);
        let files = |command: &RunCommand| command.env_files.iter().map(|f| f.value.clone()).collect::<Vec<_>>();
        prop_assert_eq!(files(&first), files(&second));
        prop_assert_eq!(first.notes.len(), second.notes.len(), "{} => {}", text, rendered);
        prop_assert_eq!(render(&second), rendered);
    }

    /// Any words after `docker run`, literal or not, are read without panicking, and every range
    /// handed out lies within the text.
    #[test]
    fn arbitrary_words_never_panic(
        parts in prop::collection::vec(("[ -~]{0,12}|-[a-zA-Z]{1,4}[=:]?[ -~]{0,6}|--[a-z-]{1,10}(=[ -~]{0,6})?", any::<bool>()), 0..12)
    ) {
        let mut words = Vec::new();
        let mut offset = 0u32;
        for (text, literal) in [("docker".to_owned(), true), ("run".to_owned(), true)].into_iter().chain(parts) {
            let range = TextRange::new(offset, offset + text.len() as u32);
            offset += text.len() as u32 + 1;
            words.push(ShellWord { range, value: literal.then(|| text.clone()), raw: text });
        }
        let total = TextRange::new(0, offset);
        if let Some(command) = parse_run(&words) {
            let inside = |range: TextRange| range.start() >= total.start() && range.end() <= total.end() && range.start() <= range.end();
            prop_assert!(inside(command.spec.range));
            for (_, range) in &command.spec.keys { prop_assert!(inside(*range)); }
            for (range, _) in &command.notes { prop_assert!(inside(*range)); }
            for option in &command.options { prop_assert!(inside(option.range())); }
            for mount in &command.spec.mounts { prop_assert!(inside(mount.range) && inside(mount.value.source_range)); }
            for env in &command.spec.environment { prop_assert!(inside(env.name.range)); }
            let _ = render(&command);
        }
    }
}
