//! Parsers with byte ranges: Dockerfiles, shell text from `RUN` bodies and heredocs, and YAML.

pub mod dockerfile;
pub mod shell;
pub mod yaml;
