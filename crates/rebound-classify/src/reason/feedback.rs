//! ARF complaints (RFC 5965); decided by the format, not by text.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[];
