//! Seccomp profiles and Linux capabilities, as cofferdam reviews, records and tests them.
//!
//! This crate depends only on `cofferdam_diagnostics` among cofferdam's crates (see DESIGN.md:
//! diagnostics ← seccomp ← cofferdam). `profile` reads Docker's profile format as the engine
//! does, with positions; `arch` and `caps` hold the syscall and capability tables; `resolve`
//! evaluates a profile for one container (architecture, capabilities, kernel) and `default`
//! embeds Docker's; `lint` and `diff` review and compare profiles; `filter` compiles a profile
//! to BPF; `needs` reads the capabilities a recorded program used from its calls; `trace`,
//! `record` and `supervise` run a command under ptrace to record the profile
//! it needs or to test one with every denial reported. Only `trace` calls the kernel directly.

pub mod arch;
pub mod caps;
pub mod default;
pub mod diff;
pub mod filter;
pub mod lint;
pub mod needs;
pub mod profile;
pub mod record;
pub mod resolve;
pub mod supervise;
pub mod trace;
