//! An SMTP command was malformed or out of sequence (RFC 5321 500/501/503).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "syntax error",
    "command unrecognized",
    "unrecognized command",
    "bad sequence of commands",
    "command not recognized",
    "invalid command",
    "line too long",
    "command not implemented",
];
