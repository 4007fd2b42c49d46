//! A recipient-side policy refused the message, often without saying which.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "policy violation",
    "violates policy",
    "violation of policy",
    "policy rejection",
    "rejected for policy reasons",
    "policy reasons",
    "due to policy",
    "by policy",
    "local policy",
    "content policy",
    "email policy",
    "message policy",
    "security policy",
    "your message was rejected by policy",
    "prohibited by policy",
    "policy",
    "the message was rejected because it contains prohibited",
    "protocol violation",
    "content presents a potential security issue",
    "header error",
    "content presents a potential",
];
