//! Nothing in the report tells the cause (placeholder class, never matched by text).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[];
