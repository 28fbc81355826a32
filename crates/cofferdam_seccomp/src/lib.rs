//! Seccomp profiles and Linux capabilities, as cofferdam reviews, records and tests them.
//!
//! This crate depends only on `cofferdam_diagnostics` (see DESIGN.md: diagnostics ← seccomp ←
//! cofferdam). Today it holds the capability tables and the reading of a process's privileges
//! (`caps`); the seccomp profile model, Docker's default profile resolved per architecture,
//! capabilities and kernel, profile lint and diff, and recording and testing profiles under
//! ptrace come next (issue 5).

pub mod arch;
pub mod caps;
pub mod default;
pub mod diff;
pub mod filter;

pub mod lint;
pub mod profile;
pub mod record;
pub mod resolve;
pub mod supervise;
pub mod trace;
