//! `cofferdam audit --inspect`: saved `docker inspect` and `docker info` output from real
//! engines (`fixtures/inspect/`, captured from Docker 20.10 and 26.1 on this project's machines;
//! see `fixtures/inspect/SOURCE.md` for how each container was started) reviewed offline.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inspect")
        .join(name)
}

fn audit(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .arg("audit")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

/// The rule codes raised for one saved container, sorted, with repeats.
fn codes(file: &str) -> Vec<String> {
    let path = fixture(file);
    let (code, stdout, stderr) = audit(&["--inspect", path.to_str().unwrap(), "--format", "json"]);
    assert!(code == 0 || code == 1, "{file}: exit {code}: {stderr}");
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    let mut codes: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| finding["rule"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes
}

/// A container started with no flags has every default weakness, and nothing else: no
/// namespace, network or IPC finding for the engine's own defaults (bridge network, private
/// IPC, host cgroup namespace on cgroup v1, `RestartPolicy: no`, `Memory: 0`).
#[test]
fn a_default_container_has_the_default_weaknesses_only() {
    for engine in ["engine-20.10", "engine-26.1"] {
        assert_eq!(
            codes(&format!("{engine}/container-default.json")),
            [
                "CAP001", // no cap_drop
                "FSY002", // writable root filesystem
                "HLT001", // no health check
                "IMG003", // tag, not digest
                "PRV002", // no no-new-privileges
                "RES001", "RES002", "RES003", // no memory, CPU, pids limits
                "USR004", // root
            ],
            "{engine}"
        );
    }
}

/// `--read-only --cap-drop ALL --security-opt no-new-privileges --memory 64m --memory-swap 64m
/// --cpus 0.5 --pids-limit 64 --user 1000:1000 --network hardnet --tmpfs /tmp:…,size=8m`: only
/// the health check and the digest pin are left. Its seccomp profile was given as a file, so
/// `SecurityOpt` holds the JSON inline, which is a custom profile, not `unconfined`.
#[test]
fn a_hardened_container_keeps_only_what_its_flags_did_not_cover() {
    for engine in ["engine-20.10", "engine-26.1"] {
        assert_eq!(
            codes(&format!("{engine}/container-hardened.json")),
            ["HLT001", "IMG003"],
            "{engine}"
        );
    }
}

#[test]
fn an_insecure_container_raises_each_of_its_flags() {
    for engine in ["engine-20.10", "engine-26.1"] {
        assert_eq!(
            codes(&format!("{engine}/container-insecure.json")),
            [
                "CAP001", "CAP002", "CAP002", "CAP002", // SYS_ADMIN, NET_ADMIN, SYS_PTRACE
                "FSY002", "FSY004", // / mounted (its rslave propagation is the engine's own)
                "HLT001", "IMG003", "MAC001", // apparmor=unconfined (the label=disable the
                // engine adds for --pid host is not the user's)
                "NET005", // --network host
                "NSP001", // --pid host
                "PRV002", "RES001", "RES002", "RES003", "SCK001", // docker.sock
                "SCP001", // seccomp=unconfined
                "SEC002", // SECRET_TOKEN
                "USR004",
            ],
            "{engine}"
        );
    }
}

#[test]
fn a_privileged_container_is_critical_and_its_other_findings_stay() {
    for file in [
        "engine-20.10/container-privileged-created.json",
        "engine-26.1/container-privileged.json",
    ] {
        assert_eq!(
            codes(file),
            [
                // Not MAC002: the engine disables labels for privileged containers itself.
                "FSY002", "HLT001", "IMG003", "PRV001", "RES001", "RES002", "RES003", "USR004",
            ],
            "{file}"
        );
    }
}

/// A container Compose started names its project, service and compose file, so a reader knows
/// which file to change.
#[test]
fn compose_containers_name_their_project_service_and_file() {
    let path = fixture("engine-26.1/container-compose-web.json");
    let (code, stdout, _) = audit(&["--inspect", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let container = &json["containers"][0];
    assert_eq!(container["name"], "ctest3-web-1");
    assert_eq!(container["compose_project"], "ctest3");
    assert_eq!(container["compose_service"], "web");
    assert_eq!(
        container["compose_files"],
        serde_json::json!(["/tmp/composetest/docker-compose.yml"])
    );
    assert_eq!(container["compose_working_dir"], "/tmp/composetest");
    // Compose v1 and `-f` with a relative path record it as given: it is shown from the
    // working directory.
    let dir = tempfile::tempdir().unwrap();
    let relative = dir.path().join("relative.json");
    std::fs::write(
        &relative,
        std::fs::read_to_string(&path).unwrap().replace(
            r#""com.docker.compose.project.config_files": "/tmp/composetest/docker-compose.yml""#,
            r#""com.docker.compose.project.config_files": "deploy/compose.yml,compose.override.yml""#,
        ),
    )
    .unwrap();
    let (_, stdout, _) = audit(&["--inspect", relative.to_str().unwrap(), "--format", "json"]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json["containers"][0]["compose_files"],
        serde_json::json!([
            "/tmp/composetest/deploy/compose.yml",
            "/tmp/composetest/compose.override.yml"
        ])
    );
    assert_eq!(container["path"], path.to_str().unwrap());
    // Every finding names the container, as the DESIGN.md contract's `service`, and carries
    // where its settings are changed.
    for finding in json["findings"].as_array().unwrap() {
        assert_eq!(finding["service"], "ctest3-web-1", "{finding}");
        assert_eq!(
            finding["container"],
            serde_json::json!({
                "id": "746f04ae4a37",
                "compose_project": "ctest3",
                "compose_service": "web",
                "compose_files": json["containers"][0]["compose_files"],
            }),
            "{finding}"
        );
    }
    let (_, human, _) = audit(&["--inspect", path.to_str().unwrap()]);
    assert!(
        human.contains(
            "ctest3-web-1 (746f04ae4a37): 3 low; compose project ctest3, service web in /tmp/composetest/docker-compose.yml"
        ),
        "{human}"
    );
}

/// Findings point at the line of the setting in the saved file, and the secret's value is not
/// printed in any format.
#[test]
fn findings_point_at_the_setting_and_secrets_stay_masked() {
    let path = fixture("engine-26.1/container-insecure.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let line_of = |needle: &str| {
        text.lines()
            .position(|line| line.contains(needle))
            .map_or_else(|| panic!("{needle} in the fixture"), |index| index + 1)
    };
    let (_, stdout, _) = audit(&[
        "--inspect",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--select",
        "SCK001,SEC002,NSP001",
    ]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let lines: Vec<(String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap().to_owned(),
                finding["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(lines.contains(&("NSP001".to_owned(), line_of("\"PidMode\": \"host\"") as u64)));
    assert!(lines.contains(&(
        "SCK001".to_owned(),
        line_of("\"Source\": \"/var/run/docker.sock\"") as u64
    )));
    assert!(lines.contains(&("SEC002".to_owned(), line_of("SECRET_TOKEN=") as u64)));
    for format in ["human", "concise", "json"] {
        let (_, stdout, stderr) = audit(&["--inspect", path.to_str().unwrap(), "--format", format]);
        assert!(
            !stdout.contains("SECRET_TOKEN=dummy") && !stderr.contains("dummy"),
            "{format} printed the secret: {stdout}"
        );
    }
}

/// Saved `docker info` output runs the daemon rules it can answer: live restore off, no user
/// namespace remapping, no authorization plugin. Settings it does not show (icc,
/// no-new-privileges) are not guessed.
#[test]
fn docker_info_runs_the_daemon_rules_it_can_answer() {
    let container = fixture("engine-26.1/container-hardened.json");
    let info = fixture("engine-26.1/docker-info.json");
    let (code, stdout, stderr) = audit(&[
        "--inspect",
        container.to_str().unwrap(),
        info.to_str().unwrap(),
        "--format",
        "json",
        "--select",
        "daemon",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let mut rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule"].as_str().unwrap())
        .collect();
    rules.sort_unstable();
    // Selecting the category turns on DMN017 (off by default): no authorization plugin either.
    assert_eq!(rules, ["DMN005", "DMN007", "DMN017"]);
    // --no-host-checks leaves them out.
    let (code, _, _) = audit(&[
        "--inspect",
        container.to_str().unwrap(),
        info.to_str().unwrap(),
        "--select",
        "daemon",
        "--no-host-checks",
    ]);
    assert_eq!(code, 0);
}

/// A file that is not JSON is an error at its line and column; a missing file is an error; the
/// other files are still reviewed, and the run ends with status 2.
#[test]
fn bad_files_are_errors_and_the_others_are_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "[\n  {\"Id\": \"x\",\n   \"HostConfig\": {\"Privileged\": tru\n",
    )
    .unwrap();
    let other = dir.path().join("other.json");
    std::fs::write(&other, "{\"Foo\": 1}\n").unwrap();
    let good = fixture("engine-26.1/container-privileged.json");
    let (code, stdout, stderr) = audit(&[
        "--inspect",
        broken.to_str().unwrap(),
        other.to_str().unwrap(),
        dir.path().join("missing.json").to_str().unwrap(),
        good.to_str().unwrap(),
        "--format",
        "concise",
    ]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stdout.contains("PRV001"),
        "the good file is still reviewed: {stdout}"
    );
    let broken_name = broken.display().to_string();
    assert!(
        stdout.contains(&format!(
            "{broken_name}:4:1: error invalid JSON: while parsing a flow mapping, did not find expected ',' or '}}'"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{}:1:1: error expected a container (with `HostConfig`), an image (with `RootFS`) or a network (with `IPAM`)",
            other.display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("missing.json"), "{stdout}");
}

/// `--container` picks containers out of saved files too: only its findings and its summary
/// remain, and a file with none of the chosen containers is left out. `--filter` is the
/// engine's own selection: it cannot apply to saved files, and a malformed one is a usage error.
#[test]
fn containers_are_selected_by_name_or_id_prefix() {
    let default = fixture("engine-26.1/container-default.json");
    let insecure = fixture("engine-26.1/container-insecure.json");
    let files = [default.to_str().unwrap(), insecure.to_str().unwrap()];
    let (_, all, _) = audit(&["--inspect", files[0], files[1], "--format", "json"]);
    let all: Value = serde_json::from_str(&all).unwrap();
    assert_eq!(all["containers"].as_array().unwrap().len(), 2);
    // By name, then by a prefix of the id (`insecure` is d4e8e84567d7…).
    for selection in ["insecure", "d4e8e8"] {
        let (code, stdout, stderr) = audit(&[
            "--inspect",
            files[0],
            files[1],
            "--container",
            selection,
            "--format",
            "json",
        ]);
        assert_eq!(code, 1, "{stderr}");
        let json: Value = serde_json::from_str(&stdout).unwrap();
        let names: Vec<&str> = json["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|container| container["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["insecure"], "{selection}");
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 19, "{selection}");
        assert!(
            findings
                .iter()
                .all(|finding| finding["service"] == "insecure" && finding["path"] == files[1]),
            "{selection}"
        );
    }
    let (code, _, stderr) = audit(&["--inspect", files[0], "--filter", "label=a=b"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    let (code, _, stderr) = audit(&["--filter", "label"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("expected KEY=VALUE as for `docker ps --filter`"),
        "{stderr}"
    );
}

/// The image's own settings come from an image document matched by id: the real
/// `local/busybox:test` sets no user, so the container is root either way; the same image
/// with `USER 1000:1000` (a document of our own) settles it. Image files alone are context,
/// not reviewed documents.
#[test]
fn image_documents_give_the_image_user() {
    let container = fixture("engine-26.1/container-default.json");
    let image = fixture("engine-26.1/image-busybox.json");
    let select = ["--select", "USR004", "--format", "json"];
    let findings = |files: &[&str]| {
        let mut args: Vec<&str> = vec!["--inspect"];
        args.extend_from_slice(files);
        args.extend_from_slice(&select);
        let (_, stdout, stderr) = audit(&args);
        let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
        json["findings"].as_array().unwrap().len()
    };
    let container = container.to_str().unwrap();
    assert_eq!(findings(&[container]), 1);
    assert_eq!(findings(&[container, image.to_str().unwrap()]), 1);
    let dir = tempfile::tempdir().unwrap();
    let mut document: Value =
        serde_json::from_str(&std::fs::read_to_string(&image).unwrap()).unwrap();
    document[0]["Config"]["User"] = Value::from("1000:1000");
    let nonroot = dir.path().join("image-nonroot.json");
    std::fs::write(&nonroot, serde_json::to_string_pretty(&document).unwrap()).unwrap();
    assert_eq!(findings(&[container, nonroot.to_str().unwrap()]), 0);
    // An image document alone reviews nothing.
    let (code, stdout, _) = audit(&["--inspect", nonroot.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stdout}");
}

/// The containers of one compose project are judged as the project too when the inspect output
/// of their networks is given: `web` publishes port 80 on every interface and shares `back` with
/// the data store `db` (it exposes 5432) without depending on it. With the `depends_on` that
/// Compose records, the path is needed; without the networks, a note says what to add.
#[test]
fn compose_projects_get_the_reachability_rules_with_their_networks() {
    let containers = fixture("engine-20.10/compose-shop-containers.json");
    let networks = fixture("engine-20.10/compose-shop-networks.json");
    let review = |files: &[&str]| {
        let mut args = vec!["--inspect"];
        args.extend_from_slice(files);
        args.extend_from_slice(&["--format", "json", "--select", "network"]);
        let (code, stdout, stderr) = audit(&args);
        assert!(code == 0 || code == 1, "{stderr}");
        serde_json::from_str::<Value>(&stdout).unwrap()
    };
    let json = review(&[containers.to_str().unwrap(), networks.to_str().unwrap()]);
    let text = std::fs::read_to_string(&containers).unwrap();
    let findings: Vec<(String, String, u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap().to_owned(),
                finding["service"].as_str().unwrap().to_owned(),
                finding["line"].as_u64().unwrap(),
                finding["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The attachment of db to shop_back: the second container's `"shop_back": {` entry.
    let db_back_line = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains("\"shop_back\": {"))
        .map(|(index, _)| index as u64 + 1)
        .nth(1)
        .unwrap();
    assert_eq!(
        findings,
        [
            (
                "NET006".to_owned(),
                "shop-web-1".to_owned(),
                findings[0].2,
                "port 80 is published on every host interface, as 0.0.0.0:18080".to_owned()
            ),
            (
                "NET008".to_owned(),
                "shop-db-1".to_owned(),
                db_back_line,
                "published `web` can reach data store `db` on network `back` without needing it"
                    .to_owned()
            ),
        ]
    );
    assert!(json["notes"].as_array().is_none_or(Vec::is_empty), "{json}");

    // Compose's depends_on label on web: web needs db, so the shared network is no finding.
    let dir = tempfile::tempdir().unwrap();
    let depending = dir.path().join("depending.json");
    let marker = "\"com.docker.compose.service\": \"web\"";
    assert!(text.contains(marker));
    std::fs::write(
        &depending,
        text.replace(
            marker,
            &format!("{marker}, \"com.docker.compose.depends_on\": \"db:service_started:false\""),
        ),
    )
    .unwrap();
    let json = review(&[depending.to_str().unwrap(), networks.to_str().unwrap()]);
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["NET006"]);

    // Without the networks the project is not judged, and the note says what is missing.
    let json = review(&[containers.to_str().unwrap()]);
    assert_eq!(
        json["notes"],
        serde_json::json!([
            "compose project shop: the reachability between its services is not judged without the inspect output of its networks (`docker network inspect shop_back shop_front`)"
        ])
    );
    assert!(
        !json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|finding| finding["rule"] == "NET008")
    );
}
