//! A virus or forbidden attachment was found.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "virus",
    "malware",
    "infected",
    "trojan",
    "worm",
    "harmful",
    "banned attachment",
    "attachment type",
    "forbidden attachment",
    "executable",
    "dangerous attachment",
];
