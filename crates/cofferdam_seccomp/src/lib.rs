//! Seccomp profiles and Linux capabilities, as cofferdam reviews, records and tests them.
//!
//! This crate depends only on `cofferdam_diagnostics` (see DESIGN.md: diagnostics ← seccomp ←
//! cofferdam). It owns the Docker/OCI seccomp profile model, Docker's default profile resolved
//! for an architecture, a capability set and a kernel version, profile lint and diff, recording
//! a profile by tracing a command, testing a profile with blocked syscalls reported, and
//! capability decoding.
