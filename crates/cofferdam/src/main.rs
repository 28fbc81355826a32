//! The `cofferdam` binary: parse the command line, run one command, map the outcome to an exit
//! status. Everything else lives in the modules below.

mod args;
mod baseline;
mod commands;
mod config;
mod discover;
mod exit;
mod fix;
mod loader;
mod mask;
mod printer;
mod report;
mod resolve;
mod suggest;

use std::process::ExitCode;

use clap::Parser;

// Linting allocates many small, short-lived values (syntax trees, words, diagnostics) on every
// worker thread; mimalloc's thread-local free lists make that markedly cheaper than glibc malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli.command) {
        Ok(status) => status.into(),
        Err(error) => exit::report_error(&error),
    }
}
