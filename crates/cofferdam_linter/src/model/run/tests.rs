//! Tests for the `docker run` grammar: every flag form, ranges, notes, the false-positive traps,
//! parity with compose, and the render/re-parse property.
