//! `cofferdam completions <shell>`: the completion script `clap_complete` generates from the
//! command tree. Unlike the other commands this one works on the clap definition itself, which
//! is what it describes; it only writes the script.

use std::io::Write;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::args::Cli;
use crate::exit::ExitStatus;

pub(crate) fn completions(shell: Shell, out: &mut dyn Write) -> Result<ExitStatus> {
    let mut command = Cli::command();
    // clap_complete panics when its writer fails; writing to memory first lets a closed pipe
    // end the run the way every other command's output does.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "cofferdam", &mut script);
    out.write_all(&script)
        .context("cannot write to standard output")?;
    Ok(ExitStatus::Success)
}
