//! `healthcheck` rules for Dockerfiles.

