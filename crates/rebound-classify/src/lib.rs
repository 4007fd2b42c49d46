//! # rebound-classify
//!
//! Turns the facts of a [`rebound_parse::Report`] into a [`Verdict`] per recipient:
//!
//! 1. a fine-grained [`Cause`] in the Sisimai vocabulary, from the format's own hint, the
//!    enhanced status code ([`status`]), provider rules keyed on the remote host ([`rhost`]) and
//!    the response wording ([`reason`], one phrase table per cause);
//! 2. a [`BounceType`] and [`Reason`] (SPEC §3) from a [`Policy`] table that maps cause and
//!    permanence to them; the default is `policy/default.toml`, replaceable by a TOML file.
//!
//! No I/O and no clock: the same facts always give the same verdict.

pub mod cause;
pub mod policy;
pub mod reason;
pub mod rhost;
pub mod status;

pub use cause::Cause;
pub use policy::{BounceType, Policy, PolicyError, Reason, Verdict};

use rebound_parse::{Action, Recipient};

/// Causes that a status code or format hint may name too vaguely; the wording is consulted
/// before they are accepted.
const VAGUE: &[Cause] = &[
    Cause::Undefined,
    Cause::OnHold,
    Cause::SystemError,
    Cause::SecurityError,
    Cause::Expired,
    Cause::NetworkError,
    Cause::HostUnknown,
    Cause::UserUnknown,
];

/// First pass over an SMTP response: a cause is taken when its status code or its wording is
/// present, in this order (specific mailbox conditions before generic refusals).
const FIRST_PASS: &[Cause] = &[
    Cause::MailboxFull,
    Cause::MesgTooBig,
    Cause::ExceedLimit,
    Cause::Suspend,
    Cause::HasMoved,
    Cause::NoRelaying,
    Cause::AuthFailure,
    Cause::UserUnknown,
    Cause::Filtered,
    Cause::RequirePtr,
    Cause::NotCompliantRfc,
    Cause::BadReputation,
    Cause::ContentError,
    Cause::Rejected,
    Cause::HostUnknown,
    Cause::SpamDetected,
    Cause::Speeding,
    Cause::TooManyConn,
    Cause::Blocked,
];

/// Second pass, by wording only, when the status code named no cause or a vague one.
const SECOND_PASS: &[Cause] = &[
    Cause::MailboxFull,
    Cause::AuthFailure,
    Cause::BadReputation,
    Cause::Speeding,
    Cause::SpamDetected,
    Cause::VirusDetected,
    Cause::PolicyViolation,
    Cause::NoRelaying,
    Cause::SystemError,
    Cause::NetworkError,
    Cause::Suspend,
    Cause::ContentError,
    Cause::SystemFull,
    Cause::NotAccept,
    Cause::Expired,
    Cause::FailedStartTls,
    Cause::SecurityError,
    Cause::Suppressed,
    Cause::MailerError,
];

/// The cause of one recipient's bounce.
pub fn cause(r: &Recipient) -> Cause {
    cause_with(r, true)
}

/// The cause, optionally ignoring that the delivery time expired: the reason of the last
/// temporary failure of an expired message (SPEC §3) comes from this.
fn cause_with(r: &Recipient, allow_expired: bool) -> Cause {
    let hint = r.hint.and_then(Cause::parse);
    if let Some(h) = hint
        && !VAGUE.contains(&h)
    {
        return h;
    }
    let status = r.status.as_deref().unwrap_or("");
    if status.starts_with("2.")
        || matches!(
            r.action,
            Some(Action::Delivered | Action::Relayed | Action::Expanded)
        )
    {
        return Cause::Delivered;
    }
    if let Some(c) = rhost::cause(r) {
        return c;
    }
    let mut found = reason::scan(&r.diagnostic);
    let mut by_status = status::cause_of(status);
    if !allow_expired {
        found.remove(Cause::Expired);
        if by_status == Some(Cause::Expired) {
            by_status = None;
        }
    }
    let kind = r.diagnostic_type.as_deref().unwrap_or("");
    let smtp = kind.is_empty() || kind == "SMTP";
    if smtp
        && let Some(c) = FIRST_PASS
            .iter()
            .find(|c| by_status == Some(**c) || found.has(**c))
    {
        return *c;
    }
    let by_status = by_status.or(hint.filter(|_| allow_expired));
    if by_status.is_none_or(|c| VAGUE.contains(&c)) || kind != "SMTP" {
        if let Some(c) = SECOND_PASS.iter().find(|c| found.has(**c)) {
            return *c;
        }
        if let Some(c) = by_status {
            return c;
        }
        match status.get(..3) {
            Some("5.6" | "4.6") => return Cause::ContentError,
            Some("5.7" | "4.7") => return Cause::SecurityError,
            _ => {}
        }
        if kind.starts_with("X-UNIX") {
            return Cause::MailerError;
        }
        if found.has(Cause::SyntaxError) {
            return Cause::SyntaxError;
        }
        if allow_expired && r.action == Some(Action::Delayed) {
            return Cause::Expired;
        }
        if matches!(r.command.as_deref(), Some("EHLO" | "HELO")) {
            return Cause::Blocked;
        }
    } else if let Some(c) = by_status {
        return c;
    }
    if found.has(Cause::Vacation) {
        return Cause::Vacation;
    }
    if r.diagnostic.trim().is_empty() {
        Cause::Undefined
    } else {
        Cause::OnHold
    }
}

/// Classifies one recipient: cause, then type and reason under `policy`.
pub fn classify(r: &Recipient, policy: &Policy) -> Verdict {
    let cause = cause(r);
    let last_failure = if cause == Cause::Expired {
        Some(cause_with(r, false)).filter(|c| !matches!(c, Cause::OnHold | Cause::Undefined))
    } else {
        None
    };
    policy.verdict(cause, permanence(r), last_failure)
}

/// How final a recipient's report is (POLICY.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permanence {
    /// Gave up with a 5xx code.
    FinalPermanent,
    /// Gave up with a 4xx code (or the time ran out).
    FinalTemporary,
    /// Still being retried.
    StillTrying,
}

/// Permanence from `Action` and the status class (RFC 3464 §2.3.3, RFC 3463 §3.1).
pub fn permanence(r: &Recipient) -> Permanence {
    let class = r
        .status
        .as_deref()
        .and_then(|s| s.chars().next())
        .or_else(|| r.reply_code.as_deref().and_then(|s| s.chars().next()));
    match (r.action, class) {
        (Some(Action::Delayed), _) => Permanence::StillTrying,
        (_, Some('4')) => Permanence::FinalTemporary,
        _ => Permanence::FinalPermanent,
    }
}
