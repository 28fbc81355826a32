//! Live review: what a running engine, the host and the container cofferdam runs in really
//! have, as opposed to what the files say.
//!
//! This crate gathers facts (Engine API answers, `/proc`, cgroup files, the daemon's
//! configuration, the socket's owner and mode) and hands them to the linter's pure rules; it
//! never decides what is weak itself.

pub mod cgroup;
pub mod effective;
pub mod engine;
pub mod host;
pub mod inside;
pub mod proc;
