//! Parsers with byte ranges: Dockerfiles, shell text from `RUN` bodies and heredocs, and YAML.

pub mod dockerfile;
pub mod embedded;
pub mod shell;
pub mod yaml;
