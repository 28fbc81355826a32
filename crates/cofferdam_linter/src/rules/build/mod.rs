//! `build` rules for Dockerfiles.

