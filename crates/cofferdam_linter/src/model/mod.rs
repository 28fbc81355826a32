//! Meaning on top of syntax: which stage is last, what an `ARG` expands to, who the final user
//! is, and what an image reference names.

pub mod dockerfile;
pub mod expand;
pub mod image;

pub use dockerfile::{Base, DockerfileModel, EffectiveUser, Scope, Stage};
pub use image::ImageRef;
pub mod compose;
pub mod container;
pub mod host;
pub mod inspect;
pub mod reachability;
pub mod run;

pub use container::{ContainerSpec, Spanned};
