//! A per-recipient or per-message administrative limit was exceeded (RFC 3463 X.2.3).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "message too large for this recipient",
    "exceeds the size limit for this recipient",
    "message size exceeds",
    "exceeded maximum size",
    "exceeds local limit",
    "message length exceeds administrative limit",
    "exceeded the max",
    "size limit exceeded",
];
