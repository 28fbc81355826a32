//! `cargo xtask`: developer tasks over the workspace.
//!
//! `cargo xtask generate` writes the documentation that is generated from the code — one page
//! per rule and an index (`docs/rules/`, from the rule registry), the command-line reference
//! (`docs/cli.md`) and man pages (`docs/man/`, both from the clap command tree), the
//! configuration reference (`docs/configuration.md`, from the key tables) — and `cargo
//! xtask check` (or `generate --check`) fails, naming each stale file, when the committed files
//! differ from what would be generated. The test `committed_docs_are_up_to_date` runs the same
//! check under `cargo test --workspace`, so CI fails on stale docs.

mod cli;
mod config;
mod generated;
mod rules;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::generated::Generated;

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Developer tasks for the cofferdam workspace"
)]
struct Args {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Write docs/rules/, docs/cli.md, docs/man/ and docs/configuration.md from the code.
    Generate {
        /// Write nothing; fail when a committed file differs from what would be generated.
        #[arg(long)]
        check: bool,
    },
    /// Fail when a generated file is stale (the same as `generate --check`).
    Check,
}

/// The workspace root: this crate's parent directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Everything `generate` writes, keyed by path relative to the workspace root.
fn generate_all() -> Result<Generated> {
    let mut generated = Generated::default();
    rules::generate(&mut generated);
    cli::generate(&mut generated)?;
    config::generate(&mut generated);
    Ok(generated)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let root = workspace_root();
    let check = match args.task {
        Task::Generate { check } => check,
        Task::Check => true,
    };
    match run(&root, check) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(root: &Path, check: bool) -> Result<ExitCode> {
    let generated = generate_all()?;
    if check {
        let stale = generated.stale(root)?;
        if stale.is_empty() {
            println!("generated docs are up to date ({} files)", generated.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprint!("{}", generated::describe(&stale));
        return Ok(ExitCode::FAILURE);
    }
    let changes = generated.write(root)?;
    for change in &changes {
        println!("{change}");
    }
    println!(
        "{} of {} generated files changed",
        changes.len(),
        generated.len()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed docs are what the code generates; CI runs this through `cargo test`.
    #[test]
    fn committed_docs_are_up_to_date() {
        let generated = generate_all().expect("the docs generate");
        let stale = generated
            .stale(&workspace_root())
            .expect("the docs can be read");
        assert!(stale.is_empty(), "{}", generated::describe(&stale));
    }

    /// The generated set covers every rule, the CLI reference and a man page per command.
    #[test]
    fn every_rule_and_command_has_its_file() {
        let generated = generate_all().unwrap();
        for rule in cofferdam_linter::rules::RULES.iter() {
            let page = generated
                .get(&format!("docs/rules/{}.md", rule.meta.code))
                .unwrap_or_else(|| panic!("no page for {}", rule.meta.code));
            assert!(
                page.contains(&format!("# {} `{}`", rule.meta.code, rule.meta.name)),
                "{}: the title names the code and the name",
                rule.meta.code
            );
        }
        assert!(generated.get("docs/cli.md").is_some());
        for page in [
            "docs/man/cofferdam.1",
            "docs/man/cofferdam-check.1",
            "docs/man/cofferdam-seccomp-record.1",
        ] {
            assert!(generated.get(page).is_some(), "{page} is generated");
        }
    }
}
