//! `network` rules for Dockerfiles.

