//! The Dockerfile front-end: a lossless parser ([`parse`]) producing the tree in [`ast`].

pub mod ast;
mod parser;

pub use ast::*;
pub use parser::parse;
