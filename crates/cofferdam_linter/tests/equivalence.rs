//! One container, two spellings: a compose service and the `docker run` line with the same
//! settings must raise the same rules. This is the promise of the shared `ContainerSpec`: a
//! container rule is written once and fires identically for every front-end.

use std::collections::BTreeSet;

use cofferdam_diagnostics::SourceFile;
use cofferdam_linter::model::compose::{ComposeInput, NoFiles};
use cofferdam_linter::syntax::embedded::Embedding;
use cofferdam_linter::{Settings, lint_compose, lint_run_lines};

/// Rules that only one front-end can raise: project-wide network rules need a compose project,
/// and only a run line can hold an unknown flag.
const FRONT_END_ONLY: &[&str] = &[
    "data-store-reachable-from-published-service",
    "service-on-default-network",
    "unneeded-network-attachment",
    "volume-shared-between-services",
    "unrecognised-run-option",
];

fn rules_of_compose(text: &str) -> BTreeSet<String> {
    let settings = Settings::default()
        .with_selection(&["ALL".to_owned()], &[], &[])
        .expect("ALL");
    let environment = |_: &str| None;
    lint_compose(
        ComposeInput {
            files: vec![SourceFile::new("compose.yaml", text)],
            loader: &NoFiles,
            environment: &environment,
        },
        &settings,
    )
    .into_iter()
    .flat_map(|(_, result)| result.diagnostics)
    .map(|diagnostic| diagnostic.rule.name.to_owned())
    .filter(|name| !FRONT_END_ONLY.contains(&name.as_str()))
    .collect()
}

fn rules_of_run(text: &str) -> BTreeSet<String> {
    let settings = Settings::default()
        .with_selection(&["ALL".to_owned()], &[], &[])
        .expect("ALL");
    lint_run_lines(
        &SourceFile::new("run.sh", text),
        Embedding::Shell,
        &NoFiles,
        &settings,
    )
    .into_iter()
    .flat_map(|(_, result)| result.diagnostics)
    .map(|diagnostic| diagnostic.rule.name.to_owned())
    .filter(|name| !FRONT_END_ONLY.contains(&name.as_str()))
    .collect()
}

/// `(compose service body, docker run line)` pairs describing the same container.
const PAIRS: &[(&str, &str)] = &[
    (
        "image: nginx:latest\nprivileged: true\nports: [\"80:80\"]",
        "docker run -d --privileged -p 80:80 nginx:latest",
    ),
    (
        "image: registry.example.com/api:1.4\nuser: \"10001\"\ncap_drop: [ALL]\ncap_add: [NET_BIND_SERVICE]\nread_only: true\nsecurity_opt: [no-new-privileges:true]\ntmpfs: [\"/tmp:rw,noexec,nosuid,size=64m\"]\nmem_limit: 256m\nmemswap_limit: 256m\ncpus: 0.5\npids_limit: 100\nrestart: on-failure:3\nports: [\"127.0.0.1:8080:8080\"]\nhealthcheck:\n  test: [\"CMD\", \"/healthz\"]",
        "docker run -d --user 10001 --cap-drop ALL --cap-add NET_BIND_SERVICE --read-only --security-opt no-new-privileges:true --tmpfs /tmp:rw,noexec,nosuid,size=64m --memory 256m --memory-swap 256m --cpus 0.5 --pids-limit 100 --restart on-failure:3 -p 127.0.0.1:8080:8080 --health-cmd /healthz registry.example.com/api:1.4",
    ),
    (
        "image: alpine:3.20\nvolumes: [\"/var/run/docker.sock:/var/run/docker.sock\", \"/etc:/host/etc:ro\"]\ncap_add: [SYS_ADMIN, SYS_PTRACE]\nsecurity_opt: [\"seccomp=unconfined\", \"apparmor=unconfined\", \"label=disable\"]\npid: host\nipc: host\nnetwork_mode: host\nuserns_mode: host\nuts: host",
        "docker run -v /var/run/docker.sock:/var/run/docker.sock -v /etc:/host/etc:ro --cap-add SYS_ADMIN --cap-add sys_ptrace --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt label=disable --pid host --ipc host --network host --userns host --uts host alpine:3.20",
    ),
    (
        "image: postgres\nenvironment:\n  POSTGRES_PASSWORD: s3cr3t-Pa55word\n  AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nports: [\"5432:5432\"]\ndevices: [\"/dev/sda:/dev/sda\"]\nrestart: always\nmem_limit: 1g\nmemswap_limit: -1",
        "docker run -d -e POSTGRES_PASSWORD=s3cr3t-Pa55word -e AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY -p 5432:5432 --device /dev/sda:/dev/sda --restart always -m 1g --memory-swap -1 postgres",
    ),
];

/// Per pair: rules that must fire, rules that must not (so the comparison cannot pass by both
/// sides raising nothing).
const EXPECTED: &[(&[&str], &[&str])] = &[
    (&["privileged-container", "memory-not-limited"], &[]),
    (
        &[],
        &[
            "capabilities-not-dropped",
            "privilege-escalation-allowed",
            "writable-root-filesystem",
            "memory-not-limited",
            "port-published-on-all-interfaces",
        ],
    ),
    (
        &[
            "runtime-socket-mounted",
            "shared-pid-namespace",
            "seccomp-unconfined",
        ],
        &[],
    ),
    (
        &["sensitive-device-passthrough", "swap-exceeds-memory"],
        &[],
    ),
];

#[test]
fn compose_and_run_lines_raise_the_same_rules() {
    let mut failures = Vec::new();
    for (index, (service, run)) in PAIRS.iter().enumerate() {
        let indented = service.lines().fold(String::new(), |mut out, line| {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
            out
        });
        let compose = rules_of_compose(&format!("services:\n  app:\n{indented}"));
        let script = rules_of_run(&format!("#!/bin/sh\n{run}\n"));
        // Guard against both sides silently raising nothing.
        let (present, absent) = EXPECTED[index];
        for rule in present {
            assert!(
                compose.contains(*rule),
                "{run}: `{rule}` expected: {compose:?}"
            );
        }
        for rule in absent {
            assert!(
                !compose.contains(*rule),
                "{run}: `{rule}` unexpected: {compose:?}"
            );
        }
        if compose != script {
            failures.push(format!(
                "{run}\n  only compose: {:?}\n  only run line: {:?}",
                compose.difference(&script).collect::<Vec<_>>(),
                script.difference(&compose).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
