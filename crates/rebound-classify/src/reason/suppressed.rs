//! The sending system itself refused because the address is on its suppression list.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "suppression list",
    "on the suppression",
    "suppressed",
    "address is on our suppression",
];
