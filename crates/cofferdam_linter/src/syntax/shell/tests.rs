//! Tests for the shell analysis.
