//! `filesystem` rules for Dockerfiles.

