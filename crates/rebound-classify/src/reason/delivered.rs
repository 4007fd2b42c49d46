//! Success notices (RFC 3464 Action delivered/relayed/expanded; 2.x.x).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[];
