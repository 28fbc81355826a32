//! `cofferdam audit` against a real Docker engine: a hardened and an insecure container are
//! started from the registry-free `local/busybox:test` image (`.ci/docker-up.sh` builds it) and
//! the findings for each must be exactly those its flags call for; what /proc shows about each
//! init process is checked too.
//!
//! Under `CI=true` these tests fail when the engine is unreachable; elsewhere they print
//! `SKIPPED:` and return.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

mod common;
use common::IMAGE;

/// Removes the test's containers however the test ends.
struct Containers(Vec<String>);

impl Drop for Containers {
    fn drop(&mut self) {
        self.drop_now();
    }
}

fn docker_run(name: &str, flags: &[&str]) {
    let output = Command::new("docker")
        .args(["run", "-d", "--name", name])
        .args(flags)
        .args([IMAGE, "sleep", "600"])
        .output()
        .expect("docker runs");
    assert!(
        output.status.success(),
        "docker run {name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn audit(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_cofferdam"));
    command
        .arg("audit")
        .args(args)
        .timeout(std::time::Duration::from_secs(60));
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("cofferdam runs");
    (
        output.status.code().expect("exit code"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn hardened_and_insecure_containers_get_exactly_their_findings() {
    if !common::image_ready() {
        return;
    }
    let suffix = std::process::id();
    let hardened = format!("cofferdam-hardened-{suffix}");
    let insecure = format!("cofferdam-insecure-{suffix}");
    let _cleanup = Containers(vec![hardened.clone(), insecure.clone()]);
    docker_run(
        &hardened,
        &[
            "--network",
            "none",
            "--read-only",
            "--tmpfs",
            "/tmp:rw,noexec,nosuid,size=8m",
            "--mount",
            "type=tmpfs,dst=/run/app,tmpfs-size=4m,tmpfs-mode=1770",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "--memory",
            "64m",
            "--memory-swap",
            "64m",
            "--cpus",
            "0.5",
            "--pids-limit",
            "64",
            "--user",
            "1000:1000",
            "--restart",
            "on-failure:3",
            "--health-cmd",
            "true",
            "--ulimit",
            "nofile=256:512",
        ],
    );
    docker_run(
        &insecure,
        &[
            "--network",
            "none",
            "--pid",
            "host",
            "--cap-add",
            "SYS_ADMIN",
            "--security-opt",
            "seccomp=unconfined",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
            "-e",
            "API_TOKEN=s3cr3t-value-0042",
            "--mount",
            "type=tmpfs,dst=/cache",
        ],
    );
    let selection = format!("{hardened},{insecure}");
    let (code, stdout, stderr) = audit(
        &[
            "--container",
            &selection,
            "--no-host-checks",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(!stdout.contains("s3cr3t-value-0042"), "the secret leaked");
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    let mut by_container: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for finding in json["findings"].as_array().unwrap() {
        by_container
            .entry(finding["service"].as_str().unwrap().to_owned())
            .or_default()
            .push(finding["rule"].as_str().unwrap().to_owned());
        // Live findings point into the container's inspect document.
        assert!(
            finding["path"].as_str().unwrap().starts_with("container:"),
            "{finding}"
        );
    }
    for codes in by_container.values_mut() {
        codes.sort();
    }
    // Only the image's tag is left for the hardened one.
    assert_eq!(
        by_container.get(&hardened).cloned().unwrap_or_default(),
        ["IMG003"]
    );
    assert_eq!(
        by_container[&insecure],
        [
            "CAP001", // default capabilities kept
            "CAP002", // SYS_ADMIN
            "FSY002", // writable root
            "FSY003", // the /cache tmpfs has no size
            "HLT001", "IMG003", // not MAC002: the engine adds label=disable for --pid host
            "NSP001", // --pid host
            "PRV002", // no no-new-privileges
            "RES001", "RES002", "RES003", "SCK001", // docker.sock
            "SCP001", // seccomp=unconfined
            "SEC002", // API_TOKEN
            "USR004",
        ]
    );

    // What /proc shows about each init process (the engine runs on this host).
    let containers = json["containers"].as_array().unwrap();
    let effective = |name: &str| {
        containers
            .iter()
            .find(|container| container["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {containers:?}"))["effective"]
            .clone()
    };
    let hard = effective(&hardened);
    assert_eq!(hard["capabilities"], serde_json::json!([]));
    assert_eq!(hard["no_new_privs"], true);
    assert_eq!(hard["seccomp_mode"], 2);
    assert_eq!(hard["uid"], 1000);
    // The cgroup files the engine wrote for --memory 64m, --cpus 0.5 and --pids-limit 64.
    let limits = &hard["limits"];
    assert_eq!(limits["memory"]["value"], 67_108_864, "{limits}");
    assert_eq!(limits["memory_and_swap"]["value"], 67_108_864, "{limits}");
    assert_eq!(limits["pids"]["value"], 64, "{limits}");
    assert_eq!(limits["cpus"]["value"], 0.5, "{limits}");
    assert_eq!(
        hard["open_files"],
        serde_json::json!({"soft": 256, "hard": 512})
    );
    let bad = effective(&insecure);
    assert_eq!(bad["uid"], 0);
    assert_eq!(bad["limits"]["memory"]["value"], "unlimited", "{bad}");
    assert_eq!(bad["seccomp_mode"], 0);
    assert!(
        bad["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|cap| cap == "SYS_ADMIN"),
        "{bad}"
    );
}

/// On the engine's host, the daemon rules run too; the engine in CI is a plain `dockerd` with
/// no user-namespace remapping and no live restore, which `docker info` says.
#[test]
fn the_daemon_is_reviewed_on_its_host() {
    if !common::image_ready() {
        return;
    }
    let (code, stdout, stderr) = audit(&["--select", "DMN005,DMN007", "--format", "json"], &[]);
    assert_eq!(code, 1, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let mut rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule"].as_str().unwrap())
        .collect();
    rules.sort_unstable();
    assert_eq!(rules, ["DMN005", "DMN007"], "{stdout}");

    // No default ulimits in daemon.json (none here): a running container shows what it inherits.
    let name = format!("cofferdam-ulimits-{}", std::process::id());
    let _cleanup = Containers(vec![name.clone()]);
    docker_run(&name, &["--network", "none"]);
    let (_, stdout, stderr) = audit(
        &[
            "--select",
            "DMN012",
            "--container",
            &name,
            "--format",
            "json",
        ],
        &[],
    );
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
    let message = json["findings"][0]["message"].as_str().unwrap_or_default();
    let expected = format!("; container {name} may open ");
    assert!(
        message.contains(&expected)
            && message.contains(" files (soft limit in /proc/")
            && message.ends_with("/limits)"),
        "{message}"
    );
}

#[test]
fn an_unreachable_engine_is_named_with_status_2() {
    let (code, stdout, stderr) = audit(&[], &[("DOCKER_HOST", "unix:///nonexistent/docker.sock")]);
    assert_eq!(code, 2, "{stdout}");
    assert_eq!(
        stderr.trim(),
        "cofferdam: error: cannot reach the Docker engine at unix:///nonexistent/docker.sock: /nonexistent/docker.sock does not exist (is dockerd running? is DOCKER_HOST right?)"
    );
    let (code, _, stderr) = audit(&["--host", "tcp://127.0.0.1:9", "--timeout", "2"], &[]);
    assert_eq!(code, 2);
    assert!(
        stderr
            .starts_with("cofferdam: error: cannot reach the Docker engine at tcp://127.0.0.1:9:"),
        "{stderr}"
    );
}

/// An engine that accepts the connection but never answers: the run ends after `--timeout`
/// with status 2 and says which request got no answer, instead of hanging.
#[test]
fn an_engine_that_never_answers_times_out_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("silent.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let server = std::thread::spawn(move || {
        // Hold every connection open without a byte of answer until the client gives up.
        let mut held = Vec::new();
        listener.set_nonblocking(true).unwrap();
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(8) {
            if let Ok((stream, _)) = listener.accept() {
                held.push(stream);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        held.len()
    });
    let started = std::time::Instant::now();
    let host = format!("unix://{}", path.display());
    let (code, stdout, stderr) = audit(&["--host", &host, "--timeout", "2"], &[]);
    let elapsed = started.elapsed();
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        elapsed < std::time::Duration::from_secs(6),
        "took {elapsed:?}: the timeout did not hold"
    );
    assert_eq!(
        stderr.trim(),
        format!(
            "cofferdam: error: cannot reach the Docker engine at {host}: the version negotiation: no answer within 2 s (raise --timeout if the engine is busy)"
        )
    );
    assert!(server.join().unwrap() >= 1, "the client never connected");
}

/// Where the cgroup files of a v1 controller hierarchy are.
fn v1_controller(controller: &str) -> std::path::PathBuf {
    std::path::Path::new("/sys/fs/cgroup").join(controller)
}

/// Removes the test's containers, then the cgroup `parent` in every hierarchy: the test made it
/// in three, and the engine in the others (a cgroup can only be removed once no process is left
/// in it, and the engine leaves the container's own, empty, below it).
struct ContainersInCgroup {
    containers: Containers,
    parent: String,
}

impl Drop for ContainersInCgroup {
    fn drop(&mut self) {
        self.containers.drop_now();
        let Ok(hierarchies) = std::fs::read_dir("/sys/fs/cgroup") else {
            return;
        };
        for hierarchy in hierarchies.filter_map(Result::ok) {
            let dir = hierarchy.path().join(&self.parent);
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for entry in entries.filter_map(Result::ok) {
                    if entry.path().is_dir() {
                        let _ = std::fs::remove_dir(entry.path());
                    }
                }
            }
            let _ = std::fs::remove_dir(&dir);
        }
    }
}

impl Containers {
    fn drop_now(&mut self) {
        let names = std::mem::take(&mut self.0);
        if !names.is_empty() {
            let _ = Command::new("docker")
                .args(["rm", "-f"])
                .args(&names)
                .output();
        }
    }
}

/// Limits set on a parent cgroup do not appear in inspect output but bind the container: the
/// findings they contradict are dropped with a note naming the limit, and the findings /proc
/// confirms on a container without them cite the evidence. `--filter label=…` selects both.
#[test]
fn a_parent_cgroup_and_the_process_state_correct_the_findings() {
    if !common::image_ready() {
        return;
    }
    let privileged_host = nix_is_root() && v1_controller("memory").is_dir();
    if !privileged_host {
        assert!(
            std::env::var("CI").map_or(true, |value| value != "true"),
            "CI=true: this test needs root and cgroup v1 (these machines have both)"
        );
        eprintln!("SKIPPED: needs root and cgroup v1 controllers at /sys/fs/cgroup/<controller>");
        return;
    }
    let suffix = std::process::id();
    let parent = format!("cofferdam-test-{suffix}");
    let bound = format!("cofferdam-bound-{suffix}");
    let free = format!("cofferdam-free-{suffix}");
    let _cleanup = ContainersInCgroup {
        containers: Containers(vec![bound.clone(), free.clone()]),
        parent: parent.clone(),
    };
    for (controller, file, value) in [
        ("memory", "memory.limit_in_bytes", "134217728"),
        ("pids", "pids.max", "50"),
        ("cpu", "cpu.cfs_quota_us", "25000"),
    ] {
        let dir = v1_controller(controller).join(&parent);
        std::fs::create_dir_all(&dir).expect("a cgroup of our own");
        std::fs::write(dir.join(file), value).expect("a limit on it");
    }
    let label = format!("cofferdam.test={suffix}");
    docker_run(
        &bound,
        &[
            "--network",
            "none",
            "--label",
            &label,
            "--cgroup-parent",
            &format!("/{parent}"),
        ],
    );
    docker_run(&free, &["--network", "none", "--label", &label]);
    let (code, stdout, stderr) = audit(
        &[
            "--filter",
            &format!("label={label}"),
            "--no-host-checks",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    let findings = json["findings"].as_array().unwrap();
    let of = |name: &str| -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = findings
            .iter()
            .filter(|finding| finding["service"] == name)
            .map(|finding| {
                (
                    finding["rule"].as_str().unwrap().to_owned(),
                    finding["message"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        found.sort();
        found
    };
    let names: Vec<&str> = json["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|container| container["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "the label selects exactly the two: {names:?}"
    );
    let codes =
        |name: &str| -> Vec<String> { of(name).into_iter().map(|(code, _)| code).collect() };
    // The parent's memory, pids and CPU limits bind the first one.
    assert_eq!(
        codes(&bound),
        ["CAP001", "FSY002", "HLT001", "IMG003", "PRV002", "USR004"]
    );
    assert_eq!(
        codes(&free),
        [
            "CAP001", "FSY002", "HLT001", "IMG003", "PRV002", "RES001", "RES002", "RES003",
            "USR004"
        ]
    );
    let notes: Vec<&str> = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|note| note.as_str().unwrap())
        .collect();
    for (rule, what) in [
        ("RES001", "limited to 134217728 bytes"),
        ("RES002", "limited to 0.25 CPUs"),
        ("RES003", "limited to 50 processes"),
    ] {
        assert!(
            notes.iter().any(
                |note| note.starts_with(&format!("{bound}: {rule} not reported"))
                    && note.contains(what)
                    && note.contains(&parent)
            ),
            "{rule}: {notes:?}"
        );
    }
    // The other one's findings cite what its process shows.
    let free_findings = of(&free);
    let message = |rule: &str| {
        free_findings
            .iter()
            .find(|(code, _)| code == rule)
            .map(|(_, message)| message.clone())
            .unwrap()
    };
    assert!(
        message("PRV002").contains("/status shows NoNewPrivs: 0"),
        "{free_findings:?}"
    );
    assert!(
        message("USR004").ends_with("shows uid 0"),
        "{free_findings:?}"
    );
    assert!(
        message("RES001").ends_with("; its cgroup confirms: no limit"),
        "{free_findings:?}"
    );
    assert!(
        message("CAP001").contains("its init process can hold 14 capabilities"),
        "{free_findings:?}"
    );
}

fn nix_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// Kills a helper process however the test ends.
struct Helper(std::process::Child);

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether the tools a test needs are here; under CI they must be.
fn have_tools(tools: &[&str]) -> bool {
    // A tool is there when it can be started at all (exit statuses for `--version` vary).
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| Command::new(tool).arg("--version").output().is_err())
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("CI").map_or(true, |value| value != "true"),
        "CI=true: this test needs {missing:?}"
    );
    eprintln!("SKIPPED: needs {missing:?}");
    false
}

/// A `tcp://` engine that demands client certificates (a small TLS server standing in for
/// dockerd with `--tlsverify`): the certificates from --tlscacert/--tlscert/--tlskey or from
/// `DOCKER_CERT_PATH` with `DOCKER_TLS_VERIFY` get through; without them the run fails with status 2
/// and says that the port may want TLS.
#[test]
fn a_tls_engine_is_reached_with_client_certificates() {
    if !have_tools(&["openssl", "python3"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("openssl runs");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    std::fs::write(
        dir.path().join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("client.ext"),
        "extendedKeyUsage=clientAuth\n",
    )
    .unwrap();
    let subject = |name: &str| format!("/CN={name}");
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        &subject("cofferdam test CA"),
    ]);
    for (name, ext, key, cert) in [
        ("server", "server.ext", "server-key.pem", "server.pem"),
        ("client", "client.ext", "key.pem", "cert.pem"),
    ] {
        let csr = format!("{name}.csr");
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            key,
            "-out",
            &csr,
            "-subj",
            &subject(name),
        ]);
        run(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca-key.pem",
            "-CAcreateserial",
            "-out",
            cert,
            "-days",
            "2",
            "-extfile",
            ext,
        ]);
    }
    std::fs::write(
        dir.path().join("engine.py"),
        r#"import http.server, json, re, ssl, sys
ANSWERS = {"/version": {"ApiVersion": "1.41", "Version": "20.10.24"},
           "/info": {"ServerVersion": "20.10.24", "SecurityOptions": ["name=seccomp,profile=default"]},
           "/containers/json": []}
class Engine(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        path = re.sub(r"^/v[0-9.]+/", "/", self.path.split("?")[0])
        body = json.dumps(ANSWERS.get(path, {"message": "page not found"})).encode()
        self.send_response(200 if path in ANSWERS else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain("server.pem", "server-key.pem")
context.load_verify_locations("ca.pem")
context.verify_mode = ssl.CERT_REQUIRED
server = http.server.HTTPServer(("127.0.0.1", 0), Engine)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"#,
    )
    .unwrap();
    let mut child = Command::new("python3")
        .arg("engine.py")
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let stdout = child.stdout.take().unwrap();
    let _server = Helper(child);
    let mut port = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut port).unwrap();
    let host = format!("tcp://127.0.0.1:{}", port.trim());
    let file = |name: &str| dir.path().join(name).display().to_string();
    let (code, stdout, stderr) = audit(
        &[
            "--host",
            &host,
            "--tlscacert",
            &file("ca.pem"),
            "--tlscert",
            &file("cert.pem"),
            "--tlskey",
            &file("key.pem"),
            "--no-host-checks",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["findings"], serde_json::json!([]));
    assert!(stderr.contains("no containers to review"), "{stderr}");
    let cert_path = dir.path().display().to_string();
    let (code, _, stderr) = audit(
        &["--no-host-checks"],
        &[
            ("DOCKER_HOST", host.as_str()),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", cert_path.as_str()),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    // Plain HTTP to the TLS port: refused by the server, with a hint.
    let (code, _, stderr) = audit(
        &["--host", &host, "--no-host-checks", "--timeout", "5"],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "cofferdam: error: cannot reach the Docker engine at {host}: "
        )),
        "{stderr}"
    );
    assert!(stderr.contains("--tlscacert"), "{stderr}");
    // A CA that did not sign the server's certificate: refused by us.
    let (code, _, stderr) = audit(
        &[
            "--host",
            &host,
            "--tlscacert",
            &file("cert.pem"),
            "--tlscert",
            &file("cert.pem"),
            "--tlskey",
            &file("key.pem"),
            "--no-host-checks",
        ],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("certificate"), "{stderr}");
}

/// A user who may not open the socket is told to use root or the group that owns it.
#[test]
fn a_socket_the_user_may_not_open_says_who_may() {
    if !nix_is_root() {
        assert!(
            std::env::var("CI").map_or(true, |value| value != "true"),
            "CI=true: this test drops from root to nobody with setpriv"
        );
        eprintln!("SKIPPED: needs root to run the client as another user");
        return;
    }
    if !have_tools(&["setpriv"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // World-searchable directory, socket only for root.
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let path = dir.path().join("engine.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o660)).unwrap();
    let output = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_cofferdam"))
        .args(["audit", "--no-host-checks", "--host"])
        .arg(format!("unix://{}", path.display()))
        .output()
        .expect("setpriv runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim(),
        format!(
            "cofferdam: error: cannot reach the Docker engine at unix://{0}: the version negotiation: permission denied (the socket is root's and the docker group's: run as root or as a member of the group that owns {0})",
            path.display()
        )
    );
}

/// Removes the test's containers, then its networks.
struct ContainersOnNetworks {
    containers: Containers,
    networks: Vec<String>,
}

impl Drop for ContainersOnNetworks {
    fn drop(&mut self) {
        self.containers.drop_now();
        if !self.networks.is_empty() {
            let _ = Command::new("docker")
                .args(["network", "rm"])
                .args(&self.networks)
                .output();
        }
    }
}

fn docker(args: &[&str]) {
    let output = Command::new("docker")
        .args(args)
        .output()
        .expect("docker runs");
    assert!(
        output.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A compose project on a live engine (its labels set as Compose v2 sets them; Compose itself is
/// not installed here): the engine's networks are inspected too, so the reachability rules judge
/// the project — `web` is published and shares `back` with the data store `db`.
#[test]
fn a_live_compose_project_is_judged_as_a_project() {
    if !common::image_ready() {
        return;
    }
    let project = format!("cofferdamshop{}", std::process::id());
    let front = format!("{project}_front");
    let back = format!("{project}_back");
    let web = format!("{project}-web-1");
    let db = format!("{project}-db-1");
    let _cleanup = ContainersOnNetworks {
        containers: Containers(vec![web.clone(), db.clone()]),
        networks: vec![front.clone(), back.clone()],
    };
    for (network, name) in [(&front, "front"), (&back, "back")] {
        docker(&[
            "network",
            "create",
            "--internal",
            "--label",
            &format!("com.docker.compose.project={project}"),
            "--label",
            &format!("com.docker.compose.network={name}"),
            network,
        ]);
    }
    let project_label = format!("com.docker.compose.project={project}");
    // Created, never started: the published port is never bound on this machine.
    docker(&[
        "create",
        "--name",
        &web,
        "--label",
        &project_label,
        "--label",
        "com.docker.compose.service=web",
        "--network",
        &front,
        "-p",
        "18080:80",
        IMAGE,
        "sleep",
        "600",
    ]);
    docker(&["network", "connect", &back, &web]);
    docker(&[
        "create",
        "--name",
        &db,
        "--label",
        &project_label,
        "--label",
        "com.docker.compose.service=db",
        "--network",
        &back,
        "--expose",
        "5432",
        IMAGE,
        "sleep",
        "600",
    ]);
    let (code, stdout, stderr) = audit(
        &[
            "--all",
            "--filter",
            &format!("label={project_label}"),
            "--no-host-checks",
            "--select",
            "NET006,NET008",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let findings: Vec<(String, String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap().to_owned(),
                finding["service"].as_str().unwrap().to_owned(),
                finding["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            ("NET008".to_owned(), db.clone(), format!("container:{db}")),
            ("NET006".to_owned(), web.clone(), format!("container:{web}")),
        ],
        "{stdout}"
    );
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "published `web` can reach data store `db` on network `back` without needing it"
    );
}
