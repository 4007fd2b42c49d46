//! The message's format, headers or encoding were refused (RFC 3463 X.6.x).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "header too long",
    "header size",
    "illegal attachment",
    "improper use of 8-bit data",
    "invalid header",
    "invalid mime",
    "message header",
    "mime error",
    "message contains invalid",
    "bare lf",
    "bare linefeed",
    "line too long",
    "headers too long",
    "message has been refused because of content",
    "duplicate header",
];
