//! The sender is sending too fast (rate limits).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "rate limit",
    "rate-limit",
    "ratelimit",
    "sending too fast",
    "too many messages",
    "exceeded the rate",
    "temporarily deferred due to unexpected volume",
    "throttl",
    "too many emails",
    "sending rate",
    "messages per",
];
