//! Too many connections or recipients at once.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "too many connections",
    "too many concurrent",
    "too many simultaneous",
    "connection limit",
    "max connections",
    "maximum number of connections",
    "too many sessions",
    "concurrency",
    "connections from your host",
    "connection rate limit",
    "too many recipients",
    "too many smtp sessions",
];
