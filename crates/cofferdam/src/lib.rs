//! The `cofferdam` command line as a value, for the tools that document it.
//!
//! The binary (`main.rs`) owns everything cofferdam does; this library target compiles only the
//! clap definitions, from the same `args.rs` the binary parses with, so that `cargo xtask
//! generate` writes the CLI reference and the man pages from the real command tree (and tests
//! can inspect it) without making the binary's modules public or scraping `--help` output.
//! `args.rs` therefore uses nothing from the binary's other modules. `config_keys` is the
//! configuration's key reference, compiled here for the same reason.

// The binary reads every field; this target only describes the command line, so from here the
// fields look unused.
#[allow(dead_code)]
mod args;
pub mod config_keys;

/// The `cofferdam` command tree, exactly as the binary parses it.
pub fn command() -> clap::Command {
    <args::Cli as clap::CommandFactory>::command()
}
