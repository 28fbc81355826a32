//! The command line as the user typed it: clap derive structs and nothing else.
//!
//! These types stop at `resolve`, which turns them into the settings the commands run with; no
//! command sees a clap type, so a configuration file can later feed the same settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use cofferdam_diagnostics::Severity;

/// Reviews containerised applications the way a careful security engineer would.
#[derive(Debug, Parser)]
#[command(name = "cofferdam", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Review Dockerfiles, compose files and `docker run` lines found under the given paths.
    ///
    /// Exit status: 0 when no finding is at or above `--fail-on`, 1 when one is, 2 on a usage
    /// error, a syntax error or an unreadable file (an error wins over findings).
    Check(CheckArgs),
    /// List every rule with its category, default severity and peer aliases.
    Rules(RulesArgs),
    /// Show the configuration that applies to a path: which cofferdam.toml (the nearest in the
    /// path's directory or above, or `COFFERDAM_CONFIG`), its text, and the effective result:
    /// enabled rules, severity overrides, thresholds, fail-on. Exit status: 0, or 2 when the
    /// configuration is invalid (the error names the line and column).
    Config(ConfigArgs),
    /// Show the documentation of one rule, by code, name or peer alias.
    Rule(RuleArgs),
    /// Print which services of compose projects can reach which, as text or Graphviz DOT.
    ///
    /// Shows the networks (declared, the implicit default, internal, external), each service's
    /// role and networks, the ports published on the host with their interface, shared network
    /// namespaces and the paths between services. Exit status: 0, or 2 when a file cannot be
    /// read or parsed (the error names the file, line and column).
    Graph(GraphArgs),
    /// Print a `docker run` command with hardening flags added and dangerous ones removed.
    ///
    /// Reads one command — `docker run|create`, `docker container run|create`, `podman
    /// run|create` or `nerdctl run`, with `sudo`/`env` prefixes and `\` line continuations —
    /// from the argument (one quoted string, or the command's words after harden-run's own
    /// options) or, with no argument or `-`, from standard input. Prints the same command with
    /// every word it does not change kept as written (quoting, order, line layout).
    ///
    /// Added when missing: `--user` (a `'<uid:gid>'` placeholder to fill in, unless `--user` is
    /// given here: a uid is never guessed), `--cap-drop ALL`, `--security-opt
    /// no-new-privileges`, `--read-only` with `--tmpfs /tmp:rw,noexec,nosuid,size=64m`,
    /// `--memory 512m --memory-swap 512m --cpus 1 --pids-limit 256` (starting points: adjust
    /// them to the workload) and `--restart on-failure:3` (not with `--rm`; `always`,
    /// `unless-stopped` and an unbounded `on-failure` are replaced too).
    ///
    /// Removed: `--privileged`; `--cap-add` of `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_RAWIO`,
    /// `DAC_READ_SEARCH`, `SYS_PTRACE`, `NET_ADMIN`, `BPF`, `PERFMON`, `MAC_ADMIN`,
    /// `MAC_OVERRIDE`, `AUDIT_CONTROL`, `SYS_BOOT` and `SYS_TIME`; `--security-opt`
    /// `seccomp=unconfined`, `apparmor=unconfined`, `label=disable`, `systempaths=unconfined`
    /// and `no-new-privileges=false`; the host's pid, ipc, uts, user and cgroup namespaces;
    /// mounts of a Docker, containerd, Podman, CRI-O or `BuildKit` socket and
    /// `--use-api-socket`. `--network host` is kept and flagged: which ports to publish instead
    /// is the workload's to say.
    ///
    /// Standard output is only the command, ready to paste. Each change is explained on one
    /// line starting with `#`, on standard error by default; `--explain comments` prints those
    /// lines above the command instead (for a script), `--explain none` drops them.
    ///
    /// Exit status: 0, or 2 when the input holds no docker, podman or nerdctl `run`/`create`
    /// command or names no image.
    HardenRun(HardenRunArgs),
    /// Show the capabilities, `no_new_privs` and seccomp mode of this process, or decode a mask.
    ///
    /// Without a subcommand, reads /proc/self/status like `capsh --print`: the effective,
    /// permitted, inheritable, bounding and ambient sets, `no_new_privs`, the seccomp mode and the
    /// number of filters, and the uid/gid. Run inside a container it shows what that container
    /// was given. Exit status: 0, or 2 when the input cannot be read or decoded.
    Caps(CapsArgs),
    /// Review the containers of a running Docker engine, or saved `docker inspect` output, and
    /// the daemon and host they run on.
    ///
    /// Live (the default): connects to the Engine API (`--host`, else `DOCKER_HOST`, else
    /// /var/run/docker.sock; `tcp://` with TLS client certificates), inspects every running
    /// container (`--all` for stopped ones too; `--container` to pick), and runs the same
    /// container rules as `check` on what each was really created with. Containers made by
    /// Compose name their project, service and compose file. On the engine's own host it also
    /// reads what configuration hides: each container's init process in /proc (capabilities,
    /// `no_new_privs`, seccomp mode; a daemon-wide no-new-privileges default shows there), and
    /// the daemon's configuration (daemon.json, dockerd's flags, `docker info`, socket and file
    /// permissions, the docker group) for the `daemon` rules (CIS Docker Benchmark 1-3).
    ///
    /// `--inspect FILE…` reviews saved `docker inspect` output instead (containers and images,
    /// arrays or single objects) and `docker info` JSON, for a host you cannot reach.
    ///
    /// Exit status: 0 when no finding is at or above `--fail-on`, 1 when one is, 2 when the
    /// engine cannot be reached (the message names the socket or address and why) or a file
    /// cannot be read or parsed.
    Audit(AuditArgs),
    /// Report what an attacker who lands in this container gets, one verdict per practice.
    ///
    /// Run inside a container (copy a static build in, see README): reads this process's
    /// capabilities (effective, bounding, and those it can gain, compared with Docker's default
    /// set), seccomp mode and filters, `no_new_privs`, uid/gid and user-namespace mapping, the
    /// AppArmor or SELinux label, whether the root filesystem is writable (the mount, and a real
    /// write that leaves nothing behind), container runtime sockets (through the mount table and
    /// their usual paths, and whether they accept a connection), host paths in the mount table,
    /// device nodes beyond the default set, cgroup memory/cpu/pids limits, and which namespaces
    /// it shares with the host. Says whether this is a container at all, and what it could not
    /// determine (not root, unreadable files) instead of failing.
    ///
    /// Exit status: 0 when no practice fails, 1 when one does, 2 on an error (such as an
    /// unreadable --root).
    #[command(name = "self")]
    SelfCheck(SelfArgs),
    /// Seccomp profiles: Docker's default resolved for a container, custom profiles linted,
    /// two profiles compared.
    #[command(subcommand)]
    Seccomp(SeccompCommand),
    /// Print a completion script for bash, zsh, fish, PowerShell or Elvish.
    ///
    /// Generated from this build's command tree, so it always offers its subcommands, options
    /// and their values. For the current bash session: `source <(cofferdam completions bash)`.
    /// Installed: `cofferdam completions bash >
    /// ~/.local/share/bash-completion/completions/cofferdam`, `cofferdam completions zsh >
    /// "${fpath[1]}/_cofferdam"`, `cofferdam completions fish >
    /// ~/.config/fish/completions/cofferdam.fish`. Exit status: 0, or 2 for an unknown shell.
    Completions(CompletionsArgs),
    /// Write one self-contained HTML file for a reviewer: scores, findings and network diagrams.
    ///
    /// Runs the same review as `check` (same discovery, cofferdam.toml, selection and inline
    /// suppressions) and writes, with no external asset: totals by severity, a score per
    /// service and per practice (100 minus 25 per critical, 10 per high, 4 per medium and 1 per
    /// low finding, at least 0), every finding grouped by file with its source lines (secret
    /// values masked) and fix, and the network reachability diagram of each compose project as
    /// inline SVG.
    ///
    /// Exit status: 0 when the report was written (findings do not fail it unless `--fail-on`
    /// is given), 1 when `--fail-on` is given and a finding is at or above it, 2 on a usage
    /// error, an unreadable or unparsable input (the report is still written and lists it) or
    /// when the report cannot be written.
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to print the script for.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(crate) struct SelfArgs {
    /// `human` (verdicts, then the details) or `json` (one object; fields in README).
    #[arg(long, value_enum, default_value_t = SelfFormat::Human)]
    pub(crate) format: SelfFormat,

    /// Do not probe: no test write to the root filesystem, no connection to runtime sockets.
    #[arg(long)]
    pub(crate) no_probe: bool,

    /// Examine a recorded tree instead of this process: DIR is its `/` and DIR/proc its
    /// `/proc` (implies --no-probe).
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SelfFormat {
    Human,
    Json,
}

/// `key=value` of `audit --filter`.
fn parse_filter(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() && !value.is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!(
            "expected KEY=VALUE as for `docker ps --filter` (e.g. `label=com.docker.compose.project=shop`), found `{text}`"
        )),
    }
}

#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Review these saved `docker inspect` (container or image) and `docker info` JSON files
    /// instead of a live engine.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub(crate) inspect: Vec<PathBuf>,

    /// The engine: `unix:///path/to/docker.sock` or `tcp://host:port`. Default: `DOCKER_HOST`,
    /// else `unix:///var/run/docker.sock`.
    #[arg(long = "host", short = 'H', value_name = "URL")]
    pub(crate) engine: Option<String>,

    /// CA certificate for a `tcp://` engine (with --tlscert and --tlskey; default: the files in
    /// `DOCKER_CERT_PATH` when `DOCKER_TLS_VERIFY` is set).
    #[arg(long, value_name = "FILE", requires_all = ["tlscert", "tlskey"])]
    pub(crate) tlscacert: Option<PathBuf>,

    /// Client certificate for a `tcp://` engine.
    #[arg(long, value_name = "FILE", requires_all = ["tlscacert", "tlskey"])]
    pub(crate) tlscert: Option<PathBuf>,

    /// Client key for a `tcp://` engine.
    #[arg(long, value_name = "FILE", requires_all = ["tlscacert", "tlscert"])]
    pub(crate) tlskey: Option<PathBuf>,

    /// Seconds to wait for each answer from the engine.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub(crate) timeout: u64,

    /// Stopped and created containers too, not only running ones.
    #[arg(long)]
    pub(crate) all: bool,

    /// Only these containers (name or id prefix); repeatable and comma-separated. Applies to
    /// --inspect files too.
    #[arg(long = "container", value_name = "NAME", value_delimiter = ',')]
    pub(crate) containers: Vec<String>,

    /// Only the containers the engine's own filter selects, as `docker ps --filter`:
    /// `label=com.docker.compose.project=shop`, `label=tier`, `name=web`, `network=back`,
    /// `status=exited`, `ancestor=nginx`… Repeatable: different keys must all match, the same
    /// key repeated matches any of its values. Live engines only.
    #[arg(long = "filter", value_name = "KEY=VALUE", value_parser = parse_filter, conflicts_with = "inspect")]
    pub(crate) filters: Vec<(String, String)>,

    /// Skip the daemon and host checks (daemon.json, sockets, docker group, `docker info`).
    #[arg(long)]
    pub(crate) no_host_checks: bool,

    /// Read the host's files (daemon.json, /proc, sockets, /etc/group) below DIR, e.g. a host's
    /// root mounted read-only into a container.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub(crate) host_root: PathBuf,

    #[command(flatten)]
    pub(crate) review: ReviewArgs,
}

/// How findings are selected and printed, shared by review commands.
#[derive(Debug, Args)]
pub(crate) struct ReviewArgs {
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub(crate) format: CheckFormat,

    /// Exit with status 1 when a finding has at least this severity.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity, default_value = "info")]
    pub(crate) fail_on: Severity,

    /// Run only these rules (codes, names, categories, peer aliases, or ALL).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) select: Vec<String>,

    /// Run these rules in addition to the default or selected set.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) extend_select: Vec<String>,

    /// Do not run these rules.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) ignore: Vec<String>,

    /// Report the rules KEY selects at SEVERITY, e.g. `icc-enabled=high`. Repeatable.
    #[arg(long, value_name = "KEY=SEVERITY", value_delimiter = ',')]
    pub(crate) severity_override: Vec<String>,

    /// Print findings only: no summary.
    #[arg(long, short)]
    pub(crate) quiet: bool,

    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Known findings: when FILE exists, the findings it lists are not reported (only new ones
    /// fail); when it does not, it is written with every current finding and the run passes.
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,

    /// Rewrite the --baseline file from the current findings.
    #[arg(long, requires = "baseline")]
    pub(crate) update_baseline: bool,

    /// Apply the safe fixes (those that cannot change what the container does), repeating
    /// until nothing changes, then report what remains. Files are written atomically, and only
    /// files under the given paths that did not change on disk meanwhile.
    #[arg(long, conflicts_with = "diff")]
    pub(crate) fix: bool,

    /// Also apply the fixes that may change runtime behaviour (dropping capabilities, a
    /// read-only root filesystem, a non-root user). Implies --fix unless --diff is given.
    #[arg(long)]
    pub(crate) unsafe_fixes: bool,

    /// Print a unified diff of what --fix would change, and write nothing. Exit status 1 when
    /// something would change.
    #[arg(long)]
    pub(crate) diff: bool,

    /// Apply an inline suppression (`# cofferdam: ignore[CODE] reason`) only when it gives a
    /// reason; one without is reported and silences nothing.
    #[arg(long)]
    pub(crate) require_reason: bool,

    /// Files or directories to check; `-` reads standard input. Directories are walked in
    /// parallel, honouring .gitignore and .ignore and skipping hidden files; files named here are
    /// always checked. Default: the current directory.
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,

    /// How to print findings.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub(crate) format: CheckFormat,

    /// Exit with status 1 when a finding has at least this severity. Default: `fail-on` in
    /// cofferdam.toml, else `COFFERDAM_FAIL_ON`, else `info`, which fails on any finding, as
    /// hadolint and Trivy do.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub(crate) fail_on: Option<Severity>,

    /// Run only these rules (codes, names, categories, peer aliases such as DL3002, or ALL).
    /// Comma-separated and repeatable.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) select: Vec<String>,

    /// Run these rules in addition to the default or selected set.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) extend_select: Vec<String>,

    /// Do not run these rules.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) ignore: Vec<String>,

    /// Report the rules KEY selects at SEVERITY, e.g. `latest-tag=high`. Repeatable.
    #[arg(long, value_name = "KEY=SEVERITY", value_delimiter = ',')]
    pub(crate) severity_override: Vec<String>,

    /// Print findings only: no summary line and no progress bar.
    #[arg(long, short)]
    pub(crate) quiet: bool,

    /// Never show a progress bar.
    #[arg(long)]
    pub(crate) no_progress: bool,

    /// When to colour human output; `auto` honours `NO_COLOR` and whether stdout is a terminal.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,

    /// The name under which standard input (`-`) is reported; it also says what the input is
    /// (`compose.yaml` reads it as a compose file).
    #[arg(long, value_name = "NAME", default_value = "Dockerfile")]
    pub(crate) stdin_filename: String,

    /// The `N` of the recommended restart policy `on-failure:N`: policies that restart more
    /// often (or forever) are reported. Default: cofferdam.toml's `restart-max-retries`, else 3.
    #[arg(long, value_name = "N")]
    pub(crate) restart_max_retries: Option<u32>,

    /// Merge these compose files into one project, like `docker compose -f a.yaml -f b.yaml`
    /// (later files override earlier ones). Repeatable.
    #[arg(long = "compose-file", short = 'f', value_name = "FILE")]
    pub(crate) compose_files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Files or directories to review, as for `check` (standard input is not read). Default:
    /// the current directory.
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,

    /// The HTML file to write (replaced atomically).
    #[arg(
        long,
        short,
        value_name = "FILE",
        default_value = "cofferdam-report.html"
    )]
    pub(crate) output: PathBuf,

    /// Exit with status 1 when a finding has at least this severity. Default: never (the
    /// report is the product; cofferdam.toml's `fail-on` is for `check`).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub(crate) fail_on: Option<Severity>,

    /// Run only these rules (codes, names, categories, peer aliases, or ALL).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) select: Vec<String>,

    /// Run these rules in addition to the default or selected set.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) extend_select: Vec<String>,

    /// Do not run these rules.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) ignore: Vec<String>,

    /// Report the rules KEY selects at SEVERITY, e.g. `latest-tag=high`. Repeatable.
    #[arg(long, value_name = "KEY=SEVERITY", value_delimiter = ',')]
    pub(crate) severity_override: Vec<String>,

    /// Apply an inline suppression only when it gives a reason.
    #[arg(long)]
    pub(crate) require_reason: bool,

    /// The `N` of the recommended restart policy `on-failure:N`. Default: cofferdam.toml's
    /// `restart-max-retries`, else 3.
    #[arg(long, value_name = "N")]
    pub(crate) restart_max_retries: Option<u32>,

    /// Merge these compose files into one project, like `docker compose -f a.yaml -f b.yaml`.
    /// Repeatable.
    #[arg(long = "compose-file", short = 'f', value_name = "FILE")]
    pub(crate) compose_files: Vec<PathBuf>,
}

impl ReportArgs {
    /// The `check` arguments that run the same review, printing nothing.
    pub(crate) fn check_args(&self) -> CheckArgs {
        CheckArgs {
            baseline: None,
            update_baseline: false,
            fix: false,
            unsafe_fixes: false,
            diff: false,
            require_reason: self.require_reason,
            paths: self.paths.clone(),
            format: CheckFormat::Json,
            fail_on: self.fail_on,
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            severity_override: self.severity_override.clone(),
            quiet: true,
            no_progress: true,
            color: ColorChoice::Never,
            stdin_filename: "Dockerfile".to_owned(),
            restart_max_retries: self.restart_max_retries,
            compose_files: self.compose_files.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    /// The file or directory whose configuration to show. Default: the current directory.
    #[arg(value_name = "PATH", default_value = ".")]
    pub(crate) path: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub(crate) format: RulesFormat,
}

#[derive(Debug, Args)]
pub(crate) struct GraphArgs {
    /// Compose files, or directories to search for them (like `check`, honouring .gitignore);
    /// `-` reads one compose file from standard input. Default: the current directory.
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,

    /// How to print the graph.
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    pub(crate) format: GraphFormat,

    /// The `N` of the recommended restart policy `on-failure:N`: policies that restart more
    /// often (or forever) are reported.
    #[arg(long, value_name = "N", default_value_t = cofferdam_linter::settings::DEFAULT_RESTART_MAX_RETRIES)]
    pub(crate) restart_max_retries: u32,

    /// Merge these compose files into one project, like `docker compose -f a.yaml -f b.yaml`
    /// (later files override earlier ones). Repeatable.
    #[arg(long = "compose-file", short = 'f', value_name = "FILE")]
    pub(crate) compose_files: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphFormat {
    /// Networks, services, ports published on the host, and who reaches whom.
    Text,
    /// Graphviz DOT, e.g. `cofferdam graph --format dot | dot -Tsvg > graph.svg`.
    Dot,
}

#[derive(Debug, Args)]
pub(crate) struct RuleArgs {
    /// A rule code (USR001), name (last-user-root) or peer alias (DL3002, trivy:DS-0002).
    pub(crate) rule: String,
}

#[derive(Debug, Args)]
pub(crate) struct HardenRunArgs {
    /// The command: one quoted argument (`'docker run …'`) or its words; `-` or nothing reads
    /// it from standard input. harden-run's own options go before it.
    #[arg(
        value_name = "COMMAND",
        num_args = 0..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub(crate) command: Vec<String>,

    /// Where the explanations go: `stderr` (one `#` line per change), `comments` (the same
    /// lines above the command on standard output) or `none`.
    #[arg(long, value_enum, default_value_t = ExplainMode::Stderr)]
    pub(crate) explain: ExplainMode,

    /// The user to run as (`uid[:gid]`, non-root) instead of the `'<uid:gid>'` placeholder
    /// inserted when the command sets none or root.
    #[arg(long, value_name = "UID[:GID]")]
    pub(crate) user: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExplainMode {
    Stderr,
    Comments,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    /// Source snippets with the span underlined, why it matters and how to fix it.
    Human,
    /// One line per finding: `path:line:col: severity CODE name message`.
    Concise,
    /// One JSON object with findings, errors and a summary.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and SARIF viewers: rule descriptors, stable
    /// fingerprints, paths relative to the current directory.
    Sarif,
    /// JUnit XML for CI test reports: a test suite per file, a failing test case per finding
    /// at or above `--fail-on`.
    Junit,
    /// GitHub Actions workflow commands: an `::error`, `::warning` or `::notice` annotation per
    /// finding, on its file and lines.
    Github,
    /// A Markdown report for pull-request comments and job summaries: counts by severity, a
    /// table of findings per file, errors and containers.
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum RulesFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Parses a severity at parse time so that a typo is a usage error (exit 2) with clap's message.
fn parse_severity(value: &str) -> Result<Severity, String> {
    value.parse()
}

#[derive(Debug, Args)]
pub(crate) struct CapsArgs {
    #[command(subcommand)]
    pub(crate) command: Option<CapsCommand>,

    /// How to print the sets.
    #[arg(long, value_enum, default_value_t = CapsFormat::Text, global = true)]
    pub(crate) format: CapsFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum CapsFormat {
    /// One line per set, capability names comma-separated, like `capsh --print`.
    Text,
    /// One JSON object.
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CapsCommand {
    /// Decode a capability mask as /proc/<pid>/status and `docker inspect` show it, e.g.
    /// `00000000a80425fb` (Docker's 14 default capabilities).
    Decode {
        /// The hexadecimal mask (a `0x` prefix is accepted).
        mask: String,
    },
}

/// The `seccomp` subcommands. `record` and `test` (tracing a program to write a profile, and
/// running one under a profile with denials reported) are added here by their own change;
/// each variant takes its own `Args` struct so that the variants stay independent.
#[derive(Debug, Subcommand)]
pub(crate) enum SeccompCommand {
    /// Docker's default seccomp profile as it applies to one container: for an architecture,
    /// a capability set (Docker's 14 defaults, changed with --cap-add / --cap-drop as `docker
    /// run` changes them) and a kernel version, evaluated as the engine evaluates it.
    ///
    /// Prints the resolved profile (Docker's JSON format, usable with `--security-opt
    /// seccomp=…`), or with `--blocked` the syscalls it does not allow outright, one per line:
    /// those allowed for some arguments only are marked `(argument filter)`, and those that
    /// fail with another errno than EPERM say which (`clone3 (ENOSYS)`). Exit status: 0, or 2
    /// for an unknown architecture, capability or kernel version.
    Default(SeccompDefaultArgs),
    /// Check seccomp profiles: what the engine refuses (unknown actions, operators,
    /// architectures, flags; `name` with `names`), what it silently ignores (unknown syscall
    /// names and keys, conditions that never match), deny-lists (`defaultAction:
    /// SCMP_ACT_ALLOW`), missing architectures, and syscalls allowed that Docker's default
    /// blocks for the same container (high for those escapes and kernel exploits use: keyctl,
    /// bpf, mount, unshare, setns, ptrace, `io_uring_*`, …). Findings name the file, line and
    /// column, and print like `check`'s.
    ///
    /// Exit status: 0 when no finding is at or above `--fail-on`, 1 when one is, 2 when a
    /// profile cannot be read or is not a profile the engine can decode (invalid JSON, a value
    /// of the wrong type).
    Lint(SeccompLintArgs),
    /// Compare two profiles (either may be `default`, Docker's) for one container: `+` the
    /// syscalls B lets through that A does not, with risk notes, `-` the reverse, `~` those
    /// both block differently. Exit status: 0, or 2 when a profile cannot be read or decoded.
    Diff(SeccompDiffArgs),
    /// Run a command under ptrace and write the smallest profile that lets it run: every
    /// syscall of every process and thread it starts (forks, clones, execs followed), for each
    /// architecture seen (`x86_64` and i386 on `x86_64` hosts), allowed; everything else fails
    /// with EPERM. Each syscall costs one seccomp stop (a filter returns `SECCOMP_RET_TRACE`),
    /// not the two of `strace -f`.
    ///
    /// The command's stdin, stdout and stderr pass through; the profile goes to --output, or to
    /// stdout after the command's own output. Exit status: the command's (128 + N when signal
    /// N killed it), or 2 when it cannot be started or traced (e.g. ptrace is not permitted).
    Record(SeccompRecordArgs),
    /// Run a command under a profile with denials reported instead of silently failing: each
    /// syscall the profile would deny is logged on stderr (name, arguments, program) and then
    /// fails as the profile says (errno; kill actions kill the process); a summary such as
    /// `would be denied: openat2 (3×, /usr/bin/app)` ends the run.
    ///
    /// Exit status: the command's when nothing would be denied, 3 when something would be
    /// (with --enforce, always the command's), 2 when the profile cannot be read or compiled or
    /// the command cannot be started or traced.
    Test(SeccompTestArgs),
}

/// The container a profile is resolved for.
#[derive(Debug, Args)]
pub(crate) struct SeccompContainerArgs {
    /// `x86_64` (`amd64`) or `aarch64` (`arm64`).
    #[arg(long, default_value = "x86_64")]
    pub(crate) arch: String,

    /// Capabilities added to Docker's defaults (`SYS_ADMIN`, `cap_net_admin`, `ALL`);
    /// repeatable and comma-separated.
    #[arg(long, value_name = "CAP", value_delimiter = ',')]
    pub(crate) cap_add: Vec<String>,

    /// Capabilities removed from Docker's defaults (`ALL` removes every one; then only
    /// --cap-add counts, as with `docker run`).
    #[arg(long, value_name = "CAP", value_delimiter = ',')]
    pub(crate) cap_drop: Vec<String>,

    /// The host's kernel version, `major.minor` (rules with `minKernel` depend on it).
    #[arg(long, default_value = "6.1")]
    pub(crate) kernel: String,
}

#[derive(Debug, Args)]
pub(crate) struct SeccompLintArgs {
    /// Profile files (Docker's JSON format).
    #[arg(value_name = "PROFILE", required = true)]
    pub(crate) profiles: Vec<PathBuf>,

    /// The container the profiles are judged for: what Docker's default gives it is the bar.
    #[command(flatten)]
    pub(crate) container: SeccompContainerArgs,

    /// How to print findings.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub(crate) format: CheckFormat,

    /// Exit with status 1 when a finding has at least this severity.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity, default_value = "info")]
    pub(crate) fail_on: Severity,

    /// Print findings only, without the summary line.
    #[arg(long, short)]
    pub(crate) quiet: bool,

    /// When to colour human output; `auto` honours `NO_COLOR` and whether stdout is a terminal.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

#[derive(Debug, Args)]
pub(crate) struct SeccompDiffArgs {
    /// The first profile: a file or `default`.
    pub(crate) a: String,
    /// The second profile: a file or `default`.
    pub(crate) b: String,
    #[command(flatten)]
    pub(crate) container: SeccompContainerArgs,
    /// `text` or `json`.
    #[arg(long, value_enum, default_value_t = CapsFormat::Text)]
    pub(crate) format: CapsFormat,
}

#[derive(Debug, Args)]
pub(crate) struct SeccompDefaultArgs {
    #[command(flatten)]
    pub(crate) container: SeccompContainerArgs,

    /// Print the syscalls that are not allowed outright instead of the profile.
    #[arg(long)]
    pub(crate) blocked: bool,

    /// `text` (with `--blocked`, one name per line; otherwise indented JSON) or `json`.
    #[arg(long, value_enum, default_value_t = CapsFormat::Text)]
    pub(crate) format: CapsFormat,
}

/// What `seccomp record` adds for the container runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SeccompRuntime {
    Runc,
    None,
}

#[derive(Debug, Args)]
pub(crate) struct SeccompRecordArgs {
    /// Write the profile to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    /// Add what this run needs to the profile already in --output (created if missing), so
    /// that several runs (start-up, requests, shutdown) build one profile.
    #[arg(long, requires = "output")]
    pub(crate) merge: bool,

    /// Run the command on one CPU, the tracer's: several times faster to trace on virtual
    /// machines (no cross-CPU wake-up per syscall), but the command sees a single CPU.
    #[arg(long)]
    pub(crate) one_cpu: bool,

    /// The container runtime the profile is for: `runc` (Docker, containerd, Podman with runc)
    /// adds, in a rule of its own, the syscalls runc and its Go runtime make between installing
    /// the filter and starting the program, without which the container does not start; `none`
    /// writes only what the command called (for `seccomp test`, or a filter installed by the
    /// program itself).
    #[arg(long, value_enum, default_value_t = SeccompRuntime::Runc)]
    pub(crate) runtime: SeccompRuntime,

    /// The command to run and its arguments (after `--`).
    #[arg(
        value_name = "COMMAND",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub(crate) command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub(crate) struct SeccompTestArgs {
    /// The profile (Docker's JSON format) to run the command under.
    #[arg(long, value_name = "PROFILE")]
    pub(crate) profile: PathBuf,

    /// Run with the real filter only: denied syscalls fail as the profile says, nothing is
    /// traced or reported, the exit status is the command's.
    #[arg(long)]
    pub(crate) enforce: bool,

    /// Capabilities the container would have beyond Docker's defaults (for rules with
    /// `includes`/`excludes` caps); repeatable and comma-separated.
    #[arg(long, value_name = "CAP", value_delimiter = ',')]
    pub(crate) cap_add: Vec<String>,

    /// Capabilities removed from Docker's defaults (`ALL` removes every one).
    #[arg(long, value_name = "CAP", value_delimiter = ',')]
    pub(crate) cap_drop: Vec<String>,

    /// The command to run and its arguments (after `--`).
    #[arg(
        value_name = "COMMAND",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub(crate) command: Vec<std::ffi::OsString>,
}
