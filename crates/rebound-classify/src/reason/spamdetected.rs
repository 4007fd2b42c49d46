//! The message was judged to be spam by the recipient's filter.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "spam",
    "junk",
    "unsolicited",
    "bulk mail",
    "scored too high",
    "content filter",
    "looks like spam",
    "message rejected as spam",
    "spam score",
    "classified as spam",
    "suspicious",
    "considered spam",
    "detected as spam",
    "spamassassin",
    "identified as spam",
    "rejected due to spam",
    "probable spam",
    "high probability of spam",
    "phishing",
    "content rejected",
    "blacklisted url",
    "blocklisted url",
];
