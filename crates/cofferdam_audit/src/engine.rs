//! The Docker Engine API, as much of it as a review needs: which containers exist, what each was
//! created with (`/containers/{id}/json`), its image's own settings (`/images/{id}/json`) and the
//! daemon's (`/info`).
//!
//! The answers are returned as pretty-printed JSON texts, the same shape `docker inspect` and
//! `docker info --format '{{json .}}'` write, so that a live review and a review of saved files go
//! through one lowering (`cofferdam_linter::lint_inspect`) and findings can show the lines.
//!
//! Connection: `--host`, else `DOCKER_HOST`, else `unix:///var/run/docker.sock`; `tcp://` with
//! client certificates when they are given or `DOCKER_TLS_VERIFY` is set (from
//! `DOCKER_CERT_PATH`, default `~/.docker`), plain HTTP otherwise. The API version is negotiated
//! with the engine. Every request has a deadline, so an engine that accepts connections but
//! never answers does not hang the run.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use bollard::Docker;
use bollard::query_parameters::ListContainersOptionsBuilder;
use futures_util::stream::{self, StreamExt};

/// How many inspect requests are in flight at once: enough to hide the round trips to a remote
/// engine, few enough that a host with thousands of containers does not get thousands of
/// connections. (A local engine answers an inspect in about a millisecond: 20 containers took
/// 0.09-0.10 s for the whole audit with 8 in flight and 0.11 s one by one, medians of 21 runs
/// of a debug build on this project's 2-core machines.)
const CONCURRENT_REQUESTS: usize = 8;

/// How to reach the engine and what to fetch.
#[derive(Clone, Debug, Default)]
pub struct EngineOptions {
    /// `unix:///path`, `tcp://host:port`; `None` uses `DOCKER_HOST` or the default socket.
    pub host: Option<String>,
    /// Client certificate files for `tcp://` (all three, or none).
    pub tls: Option<TlsFiles>,
    /// Deadline per request.
    pub timeout: Duration,
    /// Stopped containers too.
    pub all: bool,
    /// Only these containers (names without `/`, or id prefixes); empty means all.
    pub containers: Vec<String>,
    /// The engine's list filters (`label` → `com.docker.compose.project=shop`), as
    /// `docker ps --filter key=value`; the engine checks the keys.
    pub filters: Vec<(String, String)>,
}

/// The client certificate, key and the CA that signed the engine's certificate.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// What the engine answered.
#[derive(Clone, Debug, Default)]
pub struct Fetched {
    /// Where it was reached (`unix:///var/run/docker.sock`).
    pub endpoint: String,
    /// The negotiated API version.
    pub api_version: String,
    /// `/info`, pretty JSON.
    pub info: Option<String>,
    /// Each container's name and its inspect JSON.
    pub containers: Vec<(String, String)>,
    /// The inspect JSON of each image the containers use.
    pub images: Vec<String>,
    /// Each network the containers join (other than `bridge`, `host` and `none`): its name and
    /// inspect JSON, which says whether it is internal and which compose project made it.
    pub networks: Vec<(String, String)>,
    /// Things that happened on the way (a container that went away while being inspected).
    pub notes: Vec<String>,
}

/// Why the engine could not be asked.
#[derive(Debug)]
pub struct EngineError {
    pub endpoint: String,
    pub problem: String,
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot reach the Docker engine at {}: {}",
            self.endpoint, self.problem
        )
    }
}

impl std::error::Error for EngineError {}

/// The endpoint the options name.
pub fn endpoint(options: &EngineOptions) -> String {
    options
        .host
        .clone()
        .or_else(|| {
            std::env::var("DOCKER_HOST")
                .ok()
                .filter(|host| !host.is_empty())
        })
        .unwrap_or_else(|| "unix:///var/run/docker.sock".to_owned())
}

/// Connects, negotiates, lists and inspects.
pub fn fetch(options: &EngineOptions) -> Result<Fetched, EngineError> {
    let endpoint = endpoint(options);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| EngineError {
            endpoint: endpoint.clone(),
            problem: format!("cannot start the client runtime: {error}"),
        })?;
    runtime.block_on(fetch_async(options, endpoint))
}

async fn fetch_async(options: &EngineOptions, endpoint: String) -> Result<Fetched, EngineError> {
    let fail = |problem: String| EngineError {
        endpoint: endpoint.clone(),
        problem,
    };
    let docker = connect(options, &endpoint).map_err(|error| fail(explain(&error, &endpoint)))?;
    let deadline = options.timeout;
    let docker = within(deadline, docker.negotiate_version())
        .await
        .map_err(|error| {
            let mut problem = error.explain(&endpoint, "the version negotiation");
            // A TLS port spoken to in plain HTTP drops the connection: say what may be missing.
            if matches!(error, Failure::Engine(_))
                && endpoint.starts_with("tcp://")
                && !uses_tls(options, &endpoint)
            {
                problem.push_str(
                    " (if the engine listens with TLS, give --tlscacert, --tlscert and --tlskey, \
                     or set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH)",
                );
            }
            fail(problem)
        })?;
    let api_version = docker.client_version().to_string();
    let info = within(deadline, docker.info())
        .await
        .map_err(|error| fail(error.explain(&endpoint, "GET /info")))?;
    let info = serde_json::to_string_pretty(&info).ok();
    let mut filters: HashMap<String, Vec<String>> = HashMap::new();
    for (key, value) in &options.filters {
        filters.entry(key.clone()).or_default().push(value.clone());
    }
    let listed = within(
        deadline,
        docker.list_containers(Some(
            ListContainersOptionsBuilder::new()
                .all(options.all)
                .filters(&filters)
                .build(),
        )),
    )
    .await
    .map_err(|error| fail(error.explain(&endpoint, "GET /containers/json")))?;
    let wanted: Vec<String> = listed
        .into_iter()
        .filter_map(|summary| {
            let id = summary.id?;
            let names: Vec<String> = summary
                .names
                .unwrap_or_default()
                .into_iter()
                .map(|name| name.trim_start_matches('/').to_owned())
                .collect();
            let selected = options.containers.is_empty()
                || names
                    .iter()
                    .any(|name| selects(&options.containers, name, &id));
            selected.then_some(id)
        })
        .collect();

    let mut fetched = Fetched {
        endpoint: endpoint.clone(),
        api_version,
        info,
        ..Fetched::default()
    };
    let docker = &docker;
    let inspected = each(wanted, deadline, |id| async move {
        docker.inspect_container(&id, None).await
    })
    .await;
    let mut image_ids = Vec::new();
    let mut network_names: Vec<String> = Vec::new();
    for (id, answer) in inspected {
        let subject = format!("container {}", short(&id));
        let request = format!("GET /containers/{}/json", short(&id));
        let skip = Skip::new(&subject, "it went away while being inspected", "skipped");
        match answer {
            Ok(container) => {
                for network in container
                    .network_settings
                    .as_ref()
                    .and_then(|settings| settings.networks.as_ref())
                    .into_iter()
                    .flat_map(|networks| networks.keys())
                {
                    if !matches!(network.as_str(), "bridge" | "host" | "none")
                        && !network_names.contains(network)
                    {
                        network_names.push(network.clone());
                    }
                }
                let name = container
                    .name
                    .clone()
                    .unwrap_or_default()
                    .trim_start_matches('/')
                    .to_owned();
                if let Some(image) = &container.image
                    && !image_ids.contains(image)
                {
                    image_ids.push(image.clone());
                }
                match serde_json::to_string_pretty(&container) {
                    Ok(json) => fetched.containers.push((name, json)),
                    Err(error) => fetched.notes.push(format!(
                        "container {id}: cannot encode its inspect answer: {error}"
                    )),
                }
            }
            Err(error) => fetched
                .notes
                .push(skip.note(&error, &endpoint, &request).map_err(fail)?),
        }
    }
    // The images too, the same few at a time: a host runs many images as often as many
    // containers.
    let images = each(image_ids, deadline, |image| async move {
        docker.inspect_image(&image).await
    })
    .await;
    for (image, answer) in images {
        match answer {
            Ok(answer) => {
                if let Ok(json) = serde_json::to_string_pretty(&answer) {
                    fetched.images.push(json);
                }
            }
            Err(error) => {
                let subject = format!("image {}", short(&image));
                let skip = Skip::new(
                    &subject,
                    "not found (removed after the container was created)",
                    "its own user is unknown",
                );
                let request = format!("GET /images/{}/json", short(&image));
                fetched
                    .notes
                    .push(skip.note(&error, &endpoint, &request).map_err(fail)?);
            }
        }
    }
    let networks = each(network_names, deadline, |name| async move {
        docker.inspect_network(&name, None).await
    })
    .await;
    for (name, answer) in networks {
        match answer {
            Ok(answer) => {
                if let Ok(json) = serde_json::to_string_pretty(&answer) {
                    fetched.networks.push((name, json));
                }
            }
            Err(error) => {
                let subject = format!("network {name}");
                let skip = Skip::new(
                    &subject,
                    "it went away while being inspected",
                    "the reachability of its containers is not judged",
                );
                let request = format!("GET /networks/{name}");
                fetched
                    .notes
                    .push(skip.note(&error, &endpoint, &request).map_err(fail)?);
            }
        }
    }
    Ok(fetched)
}

/// Whether `--container` values `wanted` name the container `name` (without `/`) or `id`
/// (by a prefix of at least 4 characters, as `docker` accepts them).
pub fn selects(wanted: &[String], name: &str, id: &str) -> bool {
    wanted
        .iter()
        .any(|want| want == name || (want.len() >= 4 && id.starts_with(want.as_str())))
}

/// The first 12 characters of an id, as `docker ps` shows it.
fn short(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    id.get(..12).unwrap_or(id)
}

fn connect(options: &EngineOptions, endpoint: &str) -> Result<Docker, bollard::errors::Error> {
    let seconds = options.timeout.as_secs().max(1);
    let version = bollard::API_DEFAULT_VERSION;
    if let Some(path) = endpoint.strip_prefix("unix://") {
        return Docker::connect_with_unix(path, seconds, version);
    }
    let tcp = endpoint.starts_with("tcp://") || endpoint.starts_with("https://");
    if uses_tls(options, endpoint) {
        let files = options.tls.clone().unwrap_or_else(|| {
            let dir = std::env::var_os("DOCKER_CERT_PATH").map_or_else(
                || {
                    std::env::var_os("HOME")
                        .map(PathBuf::from)
                        .unwrap_or_default()
                        .join(".docker")
                },
                PathBuf::from,
            );
            TlsFiles {
                ca: dir.join("ca.pem"),
                cert: dir.join("cert.pem"),
                key: dir.join("key.pem"),
            }
        });
        return Docker::connect_with_ssl(
            endpoint,
            &files.key,
            &files.cert,
            &files.ca,
            seconds,
            version,
        );
    }
    if tcp || endpoint.starts_with("http://") {
        return Docker::connect_with_http(endpoint, seconds, version);
    }
    Docker::connect_with_host(endpoint)
}

/// Whether a `tcp://` (or `https://`) endpoint is reached with TLS: certificates were given, or
/// `DOCKER_TLS_VERIFY` is set, as the docker CLI decides.
fn uses_tls(options: &EngineOptions, endpoint: &str) -> bool {
    let verify = std::env::var("DOCKER_TLS_VERIFY").is_ok_and(|value| !value.is_empty());
    endpoint.starts_with("https://")
        || (endpoint.starts_with("tcp://") && (options.tls.is_some() || verify))
}

/// Runs `request` for each item with the deadline, a few at a time (see
/// `CONCURRENT_REQUESTS`), and returns each item with its answer, in list order.
async fn each<T, Answer>(
    items: Vec<String>,
    deadline: Duration,
    request: impl Fn(String) -> Answer,
) -> Vec<(String, Result<T, Failure>)>
where
    Answer: std::future::Future<Output = Result<T, bollard::errors::Error>>,
{
    stream::iter(items)
        .map(|item| {
            let answer = request(item.clone());
            async move { (item, within(deadline, answer).await) }
        })
        .buffered(CONCURRENT_REQUESTS)
        .collect()
        .await
}

/// How one object's failed request is reported when the audit can go on without it.
struct Skip<'a> {
    /// `container 0123456789ab`.
    subject: &'a str,
    /// Why a 404 happened.
    gone: &'a str,
    /// What the audit does without the object.
    consequence: &'a str,
}

impl<'a> Skip<'a> {
    fn new(subject: &'a str, gone: &'a str, consequence: &'a str) -> Self {
        Skip {
            subject,
            gone,
            consequence,
        }
    }

    /// The note for an object that went away or whose answer cannot be read; any other
    /// failure is the engine's and fails the audit (the explanation is returned as the error).
    fn note(&self, failure: &Failure, endpoint: &str, request: &str) -> Result<String, String> {
        let (subject, consequence) = (self.subject, self.consequence);
        match failure {
            Failure::NotFound => Ok(format!("{subject}: {}; {consequence}", self.gone)),
            Failure::Unreadable(_) => Ok(format!(
                "{subject}: {}; {consequence}",
                failure.explain(endpoint, request)
            )),
            Failure::Timeout(_) | Failure::Engine(_) => Err(failure.explain(endpoint, request)),
        }
    }
}

/// A request that failed.
#[derive(Debug)]
enum Failure {
    /// 404: the object does not exist (any more).
    NotFound,
    /// No answer before the deadline.
    Timeout(Duration),
    /// An answer that does not decode as what the API documents (a newer or patched engine,
    /// a proxy in between): one object's problem, not the engine's.
    Unreadable(String),
    Engine(bollard::errors::Error),
}

impl Failure {
    fn explain(&self, endpoint: &str, request: &str) -> String {
        match self {
            Failure::NotFound => format!("{request}: not found"),
            Failure::Timeout(deadline) => format!(
                "{request}: no answer within {} s (raise --timeout if the engine is busy)",
                deadline.as_secs_f64()
            ),
            Failure::Unreadable(message) => {
                format!("{request}: the answer could not be read: {message}")
            }
            Failure::Engine(error) => format!("{request}: {}", explain(error, endpoint)),
        }
    }
}

/// Runs a request with a deadline and sorts its failure.
async fn within<T>(
    deadline: Duration,
    request: impl std::future::Future<Output = Result<T, bollard::errors::Error>>,
) -> Result<T, Failure> {
    match tokio::time::timeout(deadline, request).await {
        Err(_) | Ok(Err(bollard::errors::Error::RequestTimeoutError)) => {
            Err(Failure::Timeout(deadline))
        }
        Ok(Ok(value)) => Ok(value),
        Ok(Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        })) => Err(Failure::NotFound),
        Ok(Err(bollard::errors::Error::JsonDataError {
            message, column, ..
        })) => Err(Failure::Unreadable(format!(
            "{message} (at character {column})"
        ))),
        Ok(Err(bollard::errors::Error::JsonSerdeError { err })) => {
            Err(Failure::Unreadable(err.to_string()))
        }
        Ok(Err(error)) => Err(Failure::Engine(error)),
    }
}

/// What went wrong, in words that say what to do: a missing socket, permission (the docker
/// group), a refused connection, TLS.
fn explain(error: &bollard::errors::Error, endpoint: &str) -> String {
    use bollard::errors::Error;
    if let Error::SocketNotFoundError(path) = error {
        return format!("{path} does not exist (is dockerd running? is DOCKER_HOST right?)");
    }
    if let Error::DockerResponseServerError {
        status_code,
        message,
    } = error
    {
        return format!("the engine answered {status_code}: {message}");
    }
    // The io::Error at the bottom of the chain says what the socket did.
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::PermissionDenied => format!(
                    "permission denied (the socket is root's and the docker group's: run as root or \
                     as a member of the group that owns {})",
                    endpoint.trim_start_matches("unix://")
                ),
                std::io::ErrorKind::ConnectionRefused => {
                    "connection refused (nothing listens there: is dockerd running?)".to_owned()
                }
                std::io::ErrorKind::NotFound => "no such socket".to_owned(),
                _ => io.to_string(),
            };
        }
        source = cause.source();
    }
    error.to_string()
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::os::unix::net::UnixListener;

    use super::*;

    #[test]
    fn a_missing_socket_is_named() {
        let error = fetch(&EngineOptions {
            host: Some("unix:///nonexistent/docker.sock".to_owned()),
            timeout: Duration::from_secs(2),
            ..EngineOptions::default()
        })
        .expect_err("no engine there");
        let message = error.to_string();
        assert!(
            message.starts_with("cannot reach the Docker engine at unix:///nonexistent/docker.sock: /nonexistent/docker.sock does not exist"),
            "{message}"
        );
    }

    #[test]
    fn an_engine_that_never_answers_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("silent.sock");
        let listener = UnixListener::bind(&path).unwrap();
        // Accept and read, never answer.
        let server = std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut buffer = [0u8; 1024];
                let _ = stream.read(&mut buffer);
                std::thread::sleep(Duration::from_secs(3));
            }
        });
        let started = std::time::Instant::now();
        let error = fetch(&EngineOptions {
            host: Some(format!("unix://{}", path.display())),
            timeout: Duration::from_secs(1),
            ..EngineOptions::default()
        })
        .expect_err("no answer");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert!(
            error.to_string().contains("no answer within 1 s"),
            "{error}"
        );
        server.join().unwrap();
    }

    /// A fake engine on a unix socket: answers each request from `routes` (path prefix after
    /// the version, status, body), one connection per request as the client makes them.
    fn fake_engine(routes: Vec<(&'static str, u16, &'static str)>) -> (tempfile::TempDir, String) {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("engine.sock");
        let listener = UnixListener::bind(&path).unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(read) => request.extend_from_slice(&buffer[..read]),
                    }
                }
                let request = String::from_utf8_lossy(&request);
                let target = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                // `/v1.41/containers/json` → `/containers/json`.
                let path = match target.strip_prefix("/v") {
                    Some(rest) => rest
                        .find('/')
                        .map_or(target.clone(), |at| rest[at..].to_owned()),
                    None => target.clone(),
                };
                let (status, body) = routes
                    .iter()
                    .find(|(prefix, _, _)| path.starts_with(prefix))
                    .map_or(
                        (404, "{\"message\": \"page not found\"}"),
                        |(_, status, body)| (*status, *body),
                    );
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        let endpoint = format!("unix://{}", path.display());
        (dir, endpoint)
    }

    #[test]
    fn a_container_that_goes_away_is_skipped_with_a_note() {
        let (_dir, endpoint) = fake_engine(vec![
            (
                "/version",
                200,
                r#"{"ApiVersion": "1.41", "Version": "20.10.24"}"#,
            ),
            (
                "/info",
                200,
                r#"{"ServerVersion": "20.10.24", "SecurityOptions": ["name=seccomp,profile=default"]}"#,
            ),
            (
                "/containers/json",
                200,
                r#"[{"Id": "0123456789abcdef0123", "Names": ["/gone"]}, {"Id": "fedcba9876543210fedc", "Names": ["/here"]}]"#,
            ),
            (
                "/containers/0123456789abcdef0123/json",
                404,
                r#"{"message": "No such container: 0123456789abcdef0123"}"#,
            ),
            (
                "/containers/fedcba9876543210fedc/json",
                200,
                r#"{"Id": "fedcba9876543210fedc", "Name": "/here", "Image": "sha256:aaaa", "Config": {"User": "", "Image": "app:1"}, "HostConfig": {"Privileged": true}}"#,
            ),
            ("/images/", 404, r#"{"message": "No such image"}"#),
        ]);
        let fetched = fetch(&EngineOptions {
            host: Some(endpoint.clone()),
            timeout: Duration::from_secs(5),
            ..EngineOptions::default()
        })
        .expect("the engine answers");
        assert_eq!(fetched.endpoint, endpoint);
        assert_eq!(fetched.api_version, "1.41");
        let names: Vec<&str> = fetched
            .containers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(names, ["here"]);
        assert!(
            fetched.containers[0].1.contains("\"Privileged\": true"),
            "{}",
            fetched.containers[0].1
        );
        assert_eq!(
            fetched.notes,
            [
                "container 0123456789ab: it went away while being inspected; skipped",
                "image aaaa: not found (removed after the container was created); its own user is unknown",
            ]
        );
        assert!(fetched.info.expect("info").contains("SecurityOptions"));
    }

    #[test]
    fn a_container_whose_answer_cannot_be_read_is_skipped_with_a_note() {
        let (_dir, endpoint) = fake_engine(vec![
            (
                "/version",
                200,
                r#"{"ApiVersion": "1.41", "Version": "20.10.24"}"#,
            ),
            ("/info", 200, r#"{"ServerVersion": "20.10.24"}"#),
            (
                "/containers/json",
                200,
                r#"[{"Id": "0123456789abcdef0123", "Names": ["/odd"]}, {"Id": "fedcba9876543210fedc", "Names": ["/here"]}]"#,
            ),
            (
                "/containers/0123456789abcdef0123/json",
                200,
                r#"{"Id": "0123456789abcdef0123", "HostConfig": {"Privileged": "yes please"}}"#,
            ),
            (
                "/containers/fedcba9876543210fedc/json",
                200,
                r#"{"Id": "fedcba9876543210fedc", "Name": "/here", "Config": {"Image": "app:1"}}"#,
            ),
        ]);
        let fetched = fetch(&EngineOptions {
            host: Some(endpoint),
            timeout: Duration::from_secs(5),
            ..EngineOptions::default()
        })
        .expect("one unreadable container does not fail the audit");
        let names: Vec<&str> = fetched
            .containers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(names, ["here"]);
        assert_eq!(fetched.notes.len(), 1, "{:?}", fetched.notes);
        assert!(
            fetched.notes[0].starts_with(
                "container 0123456789ab: GET /containers/0123456789ab/json: the answer could not be read:"
            ) && fetched.notes[0].ends_with("; skipped"),
            "{:?}",
            fetched.notes
        );
    }

    #[test]
    fn an_engine_error_names_the_request() {
        let (_dir, endpoint) = fake_engine(vec![
            ("/version", 200, r#"{"ApiVersion": "1.41"}"#),
            ("/info", 500, r#"{"message": "daemon is shutting down"}"#),
        ]);
        let error = fetch(&EngineOptions {
            host: Some(endpoint.clone()),
            timeout: Duration::from_secs(5),
            ..EngineOptions::default()
        })
        .expect_err("the engine fails");
        assert_eq!(
            error.to_string(),
            format!(
                "cannot reach the Docker engine at {endpoint}: GET /info: the engine answered 500: daemon is shutting down"
            )
        );
    }

    /// An answer that is not what the API promises names the request it came from.
    #[test]
    fn an_unexpected_answer_names_the_request() {
        let (_dir, endpoint) = fake_engine(vec![
            ("/version", 200, r#"{"ApiVersion": "1.41"}"#),
            ("/info", 200, r#"{"ServerVersion": "20.10.24"}"#),
            ("/containers/json", 200, r#"{"not": "a list"}"#),
        ]);
        let error = fetch(&EngineOptions {
            host: Some(endpoint.clone()),
            timeout: Duration::from_secs(5),
            ..EngineOptions::default()
        })
        .expect_err("a list was promised");
        let message = error.to_string();
        assert!(
            message.starts_with(&format!(
                "cannot reach the Docker engine at {endpoint}: GET /containers/json: "
            )),
            "{message}"
        );
    }

    #[test]
    fn a_refused_connection_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("closed.sock");
        drop(UnixListener::bind(&path).unwrap());
        let error = fetch(&EngineOptions {
            host: Some(format!("unix://{}", path.display())),
            timeout: Duration::from_secs(2),
            ..EngineOptions::default()
        })
        .expect_err("nobody listens");
        assert!(error.to_string().contains("connection refused"), "{error}");
    }
}
