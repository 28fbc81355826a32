//! Lossless parsers with byte ranges: Dockerfiles, and shell text from `RUN` bodies and heredocs.

pub mod dockerfile;
pub mod shell;
