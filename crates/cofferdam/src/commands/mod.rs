//! Command dispatch: resolve the arguments into settings, run the command against a buffered
//! stdout, flush. Commands receive settings, never clap types, and write only through printers.

mod audit;
mod caps;
pub(crate) mod check;
mod completions;
mod config_command;
mod graph;
mod harden_run;
mod report;
mod rules;
mod seccomp;
mod seccomp_trace;
mod self_check;

use std::io::{BufWriter, Write};

use anyhow::{Context, Result};

use crate::args::Command;
use crate::exit::ExitStatus;
use crate::resolve;

pub(crate) fn run(command: Command) -> Result<ExitStatus> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let status = match command {
        Command::Check(args) => {
            let settings = resolve::check_settings(args)?;
            check::check(&settings, &mut out)?
        }
        Command::Audit(args) => {
            let tls = match (args.tlscacert, args.tlscert, args.tlskey) {
                (Some(ca), Some(cert), Some(key)) => {
                    Some(cofferdam_audit::engine::TlsFiles { ca, cert, key })
                }
                _ => None,
            };
            let settings = audit::AuditSettings {
                inspect: args.inspect,
                engine: cofferdam_audit::engine::EngineOptions {
                    host: args.engine,
                    tls,
                    timeout: std::time::Duration::from_secs(args.timeout.max(1)),
                    all: args.all,
                    containers: args.containers,
                    filters: args.filters,
                },
                host_checks: !args.no_host_checks,
                host_root: args.host_root,
                output: resolve::review_settings(&args.review)?,
            };
            audit::audit(&settings, &mut out)?
        }
        Command::Config(args) => config_command::show(&args.path, &mut out)?,
        Command::Report(args) => {
            let settings = report::ReportSettings {
                check: resolve::check_settings(args.check_args())?,
                output: args.output,
                fail_on: args.fail_on,
            };
            report::report(&settings, &mut out)?
        }
        Command::Rules(args) => rules::list(resolve::rules_output(&args), &mut out)?,
        Command::Rule(args) => rules::show(&args.rule, &mut out)?,
        Command::Completions(args) => completions::completions(args.shell, &mut out)?,
        Command::Graph(args) => {
            let format = match args.format {
                crate::args::GraphFormat::Text => graph::GraphFormat::Text,
                crate::args::GraphFormat::Dot => graph::GraphFormat::Dot,
            };
            let settings = graph::GraphSettings {
                paths: args.paths,
                compose_files: args.compose_files,
                format,
            };
            graph::graph(&settings, &mut out)?
        }
        Command::Seccomp(crate::args::SeccompCommand::Default(args)) => {
            let settings = seccomp::DefaultSettings {
                container: seccomp_container(args.container),
                blocked: args.blocked,
                json: args.format == crate::args::CapsFormat::Json,
            };
            seccomp::default(&settings, &mut out)?
        }
        Command::Seccomp(crate::args::SeccompCommand::Lint(args)) => {
            let settings = seccomp::LintSettings {
                profiles: args.profiles,
                container: seccomp_container(args.container),
                format: args.format.into(),
                fail_on: args.fail_on,
                color: resolve::use_color(args.color),
                quiet: args.quiet,
            };
            seccomp::lint_files(&settings, &mut out)?
        }
        Command::Seccomp(crate::args::SeccompCommand::Diff(args)) => {
            let settings = seccomp::DiffSettings {
                a: args.a,
                b: args.b,
                container: seccomp_container(args.container),
                json: args.format == crate::args::CapsFormat::Json,
            };
            seccomp::diff(&settings, &mut out)?
        }
        Command::Seccomp(crate::args::SeccompCommand::Record(args)) => {
            let settings = seccomp_trace::RecordSettings {
                output: args.output,
                merge: args.merge,
                one_cpu: args.one_cpu,
                runtime: args.runtime == crate::args::SeccompRuntime::Runc,
                command: args.command,
            };
            let code = seccomp_trace::record(&settings, &mut out, &mut std::io::stderr())?;
            seccomp_trace::exit(code, &mut out)
        }
        Command::Seccomp(crate::args::SeccompCommand::Test(args)) => {
            let settings = seccomp_trace::TestSettings {
                profile: args.profile,
                enforce: args.enforce,
                cap_add: args.cap_add,
                cap_drop: args.cap_drop,
                command: args.command,
            };
            let code = seccomp_trace::test(&settings, &mut std::io::stderr())?;
            seccomp_trace::exit(code, &mut out)
        }
        Command::SelfCheck(args) => {
            let settings = self_check::SelfSettings {
                json: args.format == crate::args::SelfFormat::Json,
                probe: !args.no_probe && args.root.is_none(),
                root: args.root,
            };
            self_check::self_check(&settings, &mut out)?
        }
        Command::Caps(args) => {
            let request = match args.command {
                Some(crate::args::CapsCommand::Decode { mask }) => caps::CapsRequest::Decode(mask),
                None => caps::CapsRequest::Process,
            };
            caps::caps(
                &request,
                args.format == crate::args::CapsFormat::Json,
                &mut out,
            )?
        }
        Command::HardenRun(args) => {
            let settings = harden_run::HardenSettings {
                command: args.command,
                explain: match args.explain {
                    crate::args::ExplainMode::Stderr => harden_run::Explain::Stderr,
                    crate::args::ExplainMode::Comments => harden_run::Explain::Comments,
                    crate::args::ExplainMode::None => harden_run::Explain::None,
                },
                user: args.user,
            };
            harden_run::harden_run(&settings, &mut out, &mut std::io::stderr().lock())?
        }
    };
    out.flush().context("cannot write to standard output")?;
    Ok(status)
}

/// The container `seccomp` subcommands resolve profiles for, as typed.
fn seccomp_container(args: crate::args::SeccompContainerArgs) -> seccomp::ContainerSpec {
    seccomp::ContainerSpec {
        arch: args.arch,
        cap_add: args.cap_add,
        cap_drop: args.cap_drop,
        kernel: args.kernel,
    }
}
