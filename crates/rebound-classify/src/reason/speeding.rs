//! The sender is sending too fast (rate limits).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "sending too fast",
    "exceeded the rate",
    "throttl",
    "too many emails",
    "receiving mail at a rate",
    "please try again slower",
    "rate limited",
];
