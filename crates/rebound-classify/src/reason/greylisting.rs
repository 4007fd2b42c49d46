//! Greylisting (RFC 6647): the receiver defers mail from unknown senders for a while. It is
//! temporary by nature: a report that gave up on it means the message expired, and while
//! retrying it is a security filter (SPEC §3), i.e. the `blocked` cause.

/// Lower-case phrases of greylisting deferrals (Postgrey "Greylisted, see ...", Exim/others
/// "greylisted, please try again", "graylisted").
pub const PHRASES: &[&str] = &[
    "greylist",
    "graylist",
    "grey-list",
    "gray-list",
    "grey list",
    "gray list",
];
