//! The message is larger than the recipient's system accepts (RFC 3463 X.3.4, RFC 1870).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "exceeded maximum inbound message size",
    "line limit exceeded",
    "max message size exceeded",
    "message file too big",
    "message length exceeds",
    "message size exceeds fixed limit",
    "message size exceeds fixed maximum",
    "message too big",
    "message too large",
    "size limit",
    "taille limite du message atteinte",
    "message exceeds maximum",
    "is too big",
    "is too large",
    "size exceeds",
    "mail size exceeds",
    "size of the message exceeds",
    "exceeds the maximum size",
];
