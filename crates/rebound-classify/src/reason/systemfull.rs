//! The remote system's storage is full (RFC 3463 X.3.1).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "mail system full",
    "system full",
    "insufficient system storage",
    "out of disk space on",
    "mail queue is full",
    "queue full",
    "too many messages in queue",
    "not enough space on the disk",
    "insufficient disk space",
    "disk full",
    "no space left on device",
];
