//! Loading tests: merge keys, extends, override files, includes, interpolation, long syntax.

use std::collections::HashMap;

use cofferdam_diagnostics::SourceFile;

use super::{ComposeInput, ComposeProject, Loader, load};
use crate::model::container::{Bytes, ContainerSpec, MountKind, RestartPolicy, SecurityOpt};

/// In-memory files.
pub(crate) struct Files(pub(crate) HashMap<String, String>);

impl Loader for Files {
    fn load(&self, path: &str) -> Option<Result<String, String>> {
        self.0.get(path).cloned().map(Ok)
    }
}

fn project(files: &[(&str, &str)], env: &[(&str, &str)]) -> ComposeProject {
    let map: HashMap<String, String> = files
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect();
    let loader = Files(map);
    let environment: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let lookup = |name: &str| environment.get(name).cloned();
    let (name, text) = files[0];
    load(ComposeInput {
        files: vec![SourceFile::new(name, text)],
        loader: &loader,
        environment: &lookup,
    })
}

fn service<'a>(project: &'a ComposeProject, name: &str) -> &'a ContainerSpec {
    project
        .services
        .iter()
        .find(|spec| spec.name == name)
        .unwrap_or_else(|| panic!("no service {name}: {:?}", project.errors))
}

fn line(project: &ComposeProject, offset: u32) -> (String, u32) {
    let (_, file, base) = project.sources.locate(offset).unwrap();
    (file.name().to_owned(), file.line_column(offset - base).line)
}

#[test]
fn merge_keys_credit_inherited_hardening_at_the_anchor() {
    let text = "x-hardened: &hardened\n  cap_drop: [ALL]\n  read_only: true\n  deploy:\n    resources:\n      limits: {memory: 256m}\nservices:\n  web:\n    <<: *hardened\n    image: nginx:1.27\n";
    let project = project(&[("app/compose.yaml", text)], &[]);
    let web = service(&project, "web");
    assert_eq!(web.cap_drop[0].value, "ALL");
    assert_eq!(line(&project, web.cap_drop[0].range.start()).1, 2);
    assert!(web.read_only.as_ref().unwrap().value);
    assert_eq!(
        web.limits.memory.as_ref().unwrap().value,
        Bytes::Limited(256 << 20)
    );
    assert_eq!(
        line(&project, web.anchor("deploy.resources.limits").start()).1,
        6
    );
    assert!(project.errors.is_empty(), "{:?}", project.errors);
}

#[test]
fn override_files_extends_and_includes() {
    let main = "include:\n  - db/compose.yaml\nservices:\n  web:\n    extends:\n      file: base.yaml\n      service: hardened\n    image: web:1\n  worker:\n    extends: web\n    user: \"1000\"\n";
    let base =
        "services:\n  hardened:\n    security_opt: [no-new-privileges:true]\n    user: app\n";
    let over = "services:\n  web:\n    privileged: true\n    cap_add: [net_admin]\n";
    let db = "services:\n  db:\n    image: postgres:16\n";
    let project = project(
        &[
            ("compose.yaml", main),
            ("base.yaml", base),
            ("compose.override.yaml", over),
            ("db/compose.yaml", db),
        ],
        &[],
    );
    assert!(project.errors.is_empty(), "{:?}", project.errors);
    let web = service(&project, "web");
    assert_eq!(web.user.as_ref().unwrap().value, "app");
    assert_eq!(
        line(&project, web.user.as_ref().unwrap().range.start()),
        ("base.yaml".to_owned(), 4)
    );
    assert!(web.is_privileged());
    assert_eq!(web.cap_add[0].value, "NET_ADMIN");
    assert_eq!(
        web.no_new_privileges().unwrap().value,
        SecurityOpt::NoNewPrivileges(true)
    );
    let worker = service(&project, "worker");
    assert_eq!(worker.user.as_ref().unwrap().value, "1000");
    assert_eq!(worker.image.as_ref().unwrap().value, "web:1");
    assert_eq!(
        service(&project, "db").image.as_ref().unwrap().value,
        "postgres:16"
    );
}

#[test]
fn interpolation_from_environment_and_dotenv() {
    let text = "services:\n  app:\n    image: \"app:${TAG:-latest}\"\n    environment:\n      DB_URL: postgres://u:${PW}@db/x\n    restart: ${POLICY?set a policy}\n";
    let project = project(
        &[("compose.yaml", text), (".env", "TAG=1.4\nPW=hunter2\n")],
        &[("TAG", "2.0")],
    );
    let app = service(&project, "app");
    assert_eq!(app.image.as_ref().unwrap().value, "app:2.0");
    let env = &app.environment[0];
    assert_eq!(env.value.as_ref().unwrap().value, "postgres://u:${PW}@db/x");
    assert_eq!(env.expanded.as_deref(), Some("postgres://u:hunter2@db/x"));
    // An unset required variable stays as written: the deployment environment is absent here.
    assert!(project.errors.is_empty(), "{:?}", project.errors);
    assert_eq!(
        app.restart.as_ref().unwrap().value,
        crate::model::container::RestartPolicy::Invalid("${POLICY?set a policy}".into())
    );
}

#[test]
fn short_and_long_syntax() {
    let text = r#"services:
  app:
    ports:
      - "127.0.0.1:8080:80"
      - 443:443/udp
      - "[::1]:53:53"
      - 9000
      - target: 5432
        published: "5432"
        host_ip: 0.0.0.0
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - data:/data
      - type: bind
        source: /etc
        target: /host-etc
      - type: tmpfs
        target: /tmp
        tmpfs: {size: 64m}
    tmpfs: /run:noexec,nosuid
    devices: ["/dev/fuse", "/dev/sda:/dev/xvda:r"]
    environment:
      - "A=1"
      - B
    security_opt: [no-new-privileges, "seccomp=unconfined"]
    restart: on-failure:3
    mem_limit: 1g
    pids_limit: 100
"#;
    let project = project(&[("compose.yaml", text)], &[]);
    assert!(project.errors.is_empty(), "{:?}", project.errors);
    let app = service(&project, "app");
    let ports: Vec<_> = app
        .ports
        .iter()
        .map(|port| {
            (
                port.value.host_ip.clone(),
                port.value.host_port.clone(),
                port.value.container_port,
            )
        })
        .collect();
    assert_eq!(
        ports,
        [
            (Some("127.0.0.1".into()), Some("8080".into()), 80),
            (None, Some("443".into()), 443),
            (Some("::1".into()), Some("53".into()), 53),
            (None, None, 9000),
            (Some("0.0.0.0".into()), Some("5432".into()), 5432),
        ]
    );
    assert_eq!(app.mounts.len(), 3);
    assert_eq!(app.mounts[0].value.kind, MountKind::Bind);
    assert!(app.mounts[0].value.read_only);
    assert_eq!(
        &text[app.mounts[0].value.source_range.to_std()],
        "/var/run/docker.sock"
    );
    assert_eq!(app.mounts[1].value.kind, MountKind::Volume);
    assert_eq!(app.mounts[2].value.source, "/etc");
    assert_eq!(app.tmpfs.len(), 2);
    assert!(app.tmpfs[1].value.has_option("noexec"));
    assert_eq!(app.devices[1].value.permissions, "r");
    assert_eq!(
        &text[app.environment[0].value.as_ref().unwrap().range.to_std()],
        "1"
    );
    assert!(app.environment[1].value.is_none());
    assert_eq!(app.security_opt.len(), 2);
    assert_eq!(
        app.restart.as_ref().unwrap().value,
        RestartPolicy::OnFailure(Some(3))
    );
    assert_eq!(app.limits.pids.as_ref().unwrap().value, 100);
}

#[test]
fn build_takes_the_dockerfile_user_and_healthcheck() {
    let text = "services:\n  api:\n    build:\n      context: ./api\n";
    let dockerfile = "FROM alpine:3.20 AS base\nHEALTHCHECK CMD true\nFROM base\nUSER 10001\n";
    let project = project(
        &[("compose.yaml", text), ("api/Dockerfile", dockerfile)],
        &[],
    );
    let api = service(&project, "api");
    let config = api.image_config.as_ref().unwrap();
    assert_eq!(config.user.as_deref(), Some("10001"));
    assert!(config.healthcheck);
    assert_eq!(api.effective_user(), Some("10001"));
}

#[test]
fn errors_name_the_value() {
    let text = "services:\n  app:\n    privileged: maybe\n    ports: [\"http\"]\n";
    let project = project(&[("compose.yaml", text)], &[]);
    let messages: Vec<_> = project.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "expected a boolean (true or false) for `privileged`, found a scalar",
            "expected a port as `[ip:][host:]container[/protocol]`, found `http`"
        ]
    );
}

#[test]
fn expose_lists_container_ports() {
    let text =
        "services:\n  app:\n    expose:\n      - 80\n      - \"8000-8010\"\n      - 53/udp\n";
    let project = project(&[("compose.yaml", text)], &[]);
    assert!(project.errors.is_empty(), "{:?}", project.errors);
    let app = service(&project, "app");
    let ports: Vec<u16> = app.expose.iter().map(|port| port.value).collect();
    assert_eq!(ports, [80, 8000, 53]);
    assert_eq!(line(&project, app.expose[2].range.start()).1, 6);
}

#[test]
fn mounts_keep_propagation_and_the_root_as_a_source() {
    let text = "services:\n  app:\n    volumes:\n      - /:/host:ro,rslave\n      - C:\\data:/data\n      - type: bind\n        source: /mnt\n        target: /mnt\n        bind:\n          propagation: shared\n      - /srv:/srv\n";
    let project = project(&[("compose.yaml", text)], &[]);
    assert!(project.errors.is_empty(), "{:?}", project.errors);
    let app = service(&project, "app");
    let mounts: Vec<_> = app
        .mounts
        .iter()
        .map(|mount| {
            (
                mount.value.source.as_str(),
                mount.value.target.as_str(),
                mount.value.propagation.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        mounts,
        [
            ("/", "/host", Some("rslave")),
            ("C:\\data", "/data", None),
            ("/mnt", "/mnt", Some("shared")),
            ("/srv", "/srv", None),
        ]
    );
    assert!(app.mounts[0].value.read_only);
}

#[test]
fn a_disabled_health_check_is_located_at_what_disables_it() {
    let text = "services:\n  a:\n    healthcheck:\n      disable: true\n  b:\n    healthcheck:\n      interval: 5s\n      test: [\"NONE\"]\n  c:\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n      disable: false\n";
    let project = project(&[("compose.yaml", text)], &[]);
    let at = |name: &str| {
        let check = service(&project, name).healthcheck.clone().unwrap();
        (check.value.disabled, line(&project, check.range.start()).1)
    };
    assert_eq!(at("a"), (true, 4));
    assert_eq!(at("b"), (true, 8));
    assert_eq!(at("c"), (false, 10));
}
