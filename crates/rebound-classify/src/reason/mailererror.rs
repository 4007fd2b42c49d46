//! A local delivery program (procmail, a pipe) failed (Diagnostic-Code type X-UNIX).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "x-unix",
    "command died with status",
    "command output:",
    "mail.local",
    "procmail",
    "exit status",
    "pipe to |",
    "mailer error",
    "mailer failure",
    "command failed",
    "unknown mailer error",
    "local delivery failed",
    "|/",
];
