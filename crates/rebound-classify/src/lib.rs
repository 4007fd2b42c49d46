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
//!
//! ```
//! use rebound_classify::{BounceType, Cause, Policy, Reason};
//! use rebound_parse::{Action, Recipient};
//!
//! let r = Recipient {
//!     address: "bo@rcpt.test".into(),
//!     action: Some(Action::Failed),
//!     status: Some("5.2.2".into()),
//!     diagnostic: "552 5.2.2 Mailbox full".into(),
//!     ..Recipient::default()
//! };
//! let v = rebound_classify::classify(&r, &Policy::default());
//! assert_eq!(v.cause, Cause::MailboxFull);
//! assert_eq!((v.bounce_type, v.reason), (BounceType::Hard, Some(Reason::MailboxFull)));
//! ```

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
    Cause::NotAccept,
    Cause::HostUnknown,
    Cause::VirusDetected,
    Cause::SpamDetected,
    Cause::Speeding,
    Cause::TooManyConn,
    Cause::Blocked,
];

/// Causes whose status codes are unambiguous (see `status::STATUS_CAUSES`).
const PRECISE: &[Cause] = &[
    Cause::HasMoved,
    Cause::Rejected,
    Cause::MailboxFull,
    Cause::ExceedLimit,
    Cause::MesgTooBig,
    Cause::AuthFailure,
    Cause::RequirePtr,
    Cause::Suspend,
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

/// Causes whose wording overrides "user unknown" wording in the same response: a response
/// that says the relay, the sender, a blocklist or a full mailbox refused the message is about
/// that, even when it also says the address was not accepted ("550 5.1.8 Domain of sender
/// address does not exist").
const OVERRIDE_USER_UNKNOWN: &[Cause] = &[
    Cause::HostUnknown,
    Cause::NoRelaying,
    Cause::Blocked,
    Cause::MailboxFull,
    Cause::HasMoved,
    Cause::Rejected,
    Cause::NotAccept,
];

/// Wording that turns a "host not found" into a temporary DNS failure: Postfix writes "Host not
/// found, try again" for the resolver's TRY_AGAIN (RFC 1035 SERVFAIL), not for a missing domain.
const TEMPORARY_DNS: &[&str] = &["host not found, try again"];

/// Removes the repeated reply-code prefixes of a multi-line SMTP reply (RFC 5321 §4.2.1:
/// "550-5.7.1 first line 550-5.7.1 second line ..."), which unfolding puts mid-sentence.
pub fn unfold_reply(diagnostic: &str) -> String {
    // Most responses are one line: with at most one code word nothing is removed, and joining
    // the words again only drops the leading spaces.
    // Split as bytes: a byte loop beats a substring search per (short) word.
    if diagnostic
        .as_bytes()
        .split(|b| *b == b' ')
        .filter(|w| is_reply_code_word(w))
        .nth(1)
        .is_none()
    {
        return diagnostic.trim_start_matches(' ').to_string();
    }
    let mut out = String::with_capacity(diagnostic.len());
    let mut first_prefix_seen = false;
    let words: Vec<&str> = diagnostic.split(' ').collect();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let is_code = is_reply_code_word(w.as_bytes());
        if is_code && first_prefix_seen {
            // Skip the code and an enhanced status right after it.
            i += 1;
            if words.get(i).is_some_and(|n| {
                rebound_parse::text::status_code(n) == Some(n.trim_end_matches(['.', ',']))
            }) {
                i += 1;
            }
            continue;
        }
        if is_code {
            first_prefix_seen = true;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
        i += 1;
    }
    out
}

/// "550", "550-" or "550-5.7.1" standing alone: the reply-code prefix of a reply line.
fn is_reply_code_word(b: &[u8]) -> bool {
    b.len() >= 3
        && matches!(b[0], b'2' | b'4' | b'5')
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && (b.len() == 3 || b[3] == b'-')
}

/// True when the thing said not to exist is a bare domain name ("example.test does not exist"),
/// not an address or a user.
fn names_missing_domain(text: &str) -> bool {
    let Some(p) = rebound_parse::text::find_ci(text, " does not exist") else {
        return false;
    };
    let before = text.get(..p).unwrap_or("");
    let token = before.rsplit(' ').next().unwrap_or("");
    let token = token.trim_matches(|c: char| matches!(c, '"' | '\'' | '(' | ')' | '[' | ']'));
    token.contains('.')
        && !token.contains('@')
        && !token.contains(['<', '>'])
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && token.chars().any(|c| c.is_ascii_alphabetic())
}

/// Blocklist operators whose names contain "spam".
const SPAM_BLOCKLISTS: &[&str] = &["spamhaus", "spamcop", "spamrats", "spameatingmonkey"];

/// True when every "spam" in `text` is part of a blocklist's name.
fn spam_only_in_blocklist_names(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let all = lower.matches("spam").count();
    let named: usize = SPAM_BLOCKLISTS
        .iter()
        .map(|b| lower.matches(b).count())
        .sum();
    named > 0 && all == named
}

/// The cause of one recipient's bounce.
pub fn cause(r: &Recipient) -> Cause {
    cause_with(r, true)
}

/// The causes the wording of `r`'s response names, after the rules that let one cause's wording
/// override another's.
fn wording(r: &Recipient, diagnostic: &str) -> reason::Matches {
    let mut found = reason::scan(diagnostic);
    // What the report itself states: the format's own verdict, else the status code.
    let stated = r
        .hint
        .and_then(Cause::parse)
        .or_else(|| r.status.as_deref().and_then(status::cause_of));
    if found.has(Cause::UserUnknown)
        && r.command.as_deref() != Some("MAIL")
        && names_missing_domain(diagnostic)
    {
        // "553 mx.example.test does not exist": what does not exist is a host, not a mailbox.
        found.remove(Cause::UserUnknown);
        found.insert(Cause::HostUnknown);
    }
    if found.has(Cause::UserUnknown) {
        if OVERRIDE_USER_UNKNOWN.iter().any(|c| found.has(*c)) {
            found.remove(Cause::UserUnknown);
        } else if stated != Some(Cause::UserUnknown) && r.command.as_deref() != Some("RCPT") {
            // "No such user" is only proof of a missing mailbox in answer to RCPT TO or under
            // an X.1.x code. After DATA, or when the report does not say at which command, the
            // recipient had been accepted and its filter refused the message, whatever it says;
            // at MAIL FROM or HELO the wording is about the sender (handled below).
            found.remove(Cause::UserUnknown);
            if !matches!(
                r.command.as_deref(),
                Some("MAIL" | "EHLO" | "HELO" | "CONN")
            ) {
                found.insert(Cause::Filtered);
            }
        }
    }
    if found.has(Cause::SpamDetected)
        && found.has(Cause::Blocked)
        && spam_only_in_blocklist_names(diagnostic)
    {
        // "spamhaus.org", "spamcop.net" name blocklists: the sender is blocked, nothing was
        // judged to be spam.
        found.remove(Cause::SpamDetected);
    }
    if found.has(Cause::HostUnknown) {
        let lower = diagnostic.to_ascii_lowercase();
        let temporary = r.status.as_deref().is_some_and(|s| s.starts_with('4'));
        if temporary || TEMPORARY_DNS.iter().any(|w| lower.contains(w)) {
            // A failed lookup that the reporter will retry is a DNS problem, not proof that
            // the domain does not exist.
            found.remove(Cause::HostUnknown);
            found.insert(Cause::NetworkError);
        }
    }
    if matches!(r.command.as_deref(), Some("EHLO" | "HELO"))
        && [Cause::UserUnknown, Cause::HostUnknown, Cause::Rejected]
            .iter()
            .any(|c| found.has(*c))
    {
        // Refused at HELO/EHLO, before any address was given (RFC 5321 §4.1.1.1): the
        // sending host is what was refused, whatever the wording says about names.
        for c in [Cause::UserUnknown, Cause::HostUnknown, Cause::Rejected] {
            found.remove(c);
        }
        found.insert(Cause::Blocked);
    }
    if r.command.as_deref() == Some("MAIL")
        && (found.is_empty() || found == reason::Matches::only(Cause::UserUnknown))
    {
        // A refusal at MAIL FROM is about the envelope sender (RFC 5321 §3.3), whatever it
        // says about "unknown" or "does not exist".
        found.remove(Cause::UserUnknown);
        found.insert(Cause::Rejected);
    }
    found
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
    let mut diagnostic = unfold_reply(&r.diagnostic);
    if let Some(c) = &r.status_comment {
        // The reporter's own words on the status ("5.2.1 (mailbox disabled, not accepting
        // messages)", PowerMTA) are read with the response: they are the reporting MTA's
        // account of what the code meant for this recipient (Sisimai reads them too).
        diagnostic.push_str(" (");
        diagnostic.push_str(c);
        diagnostic.push(')');
    }
    let mut timing = reason::timing(&diagnostic);
    timing.expired &= allow_expired;
    let mut found = wording(r, &diagnostic);
    let mut substantive = found;
    substantive.remove(Cause::Expired);
    if timing.greylisted {
        // Greylisting is a temporary block of the sender; it outweighs the "recipient address
        // rejected" that Postfix prefixes to every RCPT restriction.
        found.remove(Cause::UserUnknown);
        found.insert(Cause::Blocked);
    }
    // The last attempt's own code tells its cause better than an MTA's blanket "5.0.0".
    let status = if allow_expired {
        status
    } else {
        rebound_parse::text::status_codes(&diagnostic)
            .find(|c| !c.ends_with(".0.0"))
            .unwrap_or(status)
    };
    let mut by_status = status::cause_of(status);
    if !allow_expired {
        found.remove(Cause::Expired);
        if by_status == Some(Cause::Expired) {
            by_status = None;
        }
    }
    // A final report on a temporary (4.x.x) failure means the sender's MTA gave up retrying:
    // the queue lifetime ran out (Postfix bounce_queue_lifetime, Exim retry rules, Sendmail
    // Timeout.queuereturn). With a detail of 0 ("4.0.0", "4.3.0": "other or undefined", RFC 3463
    // §3) and no wording, the report does not say what failed, so it does not say that either.
    let gave_up_on_temporary = allow_expired
        && r.action == Some(Action::Failed)
        && status.starts_with('4')
        && !status.ends_with(".0");
    // That is the cause unless the wording names a substantive one (greylisting is not: it only
    // ever delays).
    if gave_up_on_temporary && substantive.is_empty() {
        return Cause::Expired;
    }
    // A format that states the expiry as its verdict (the `expired` hint) together with the
    // MTA's own statement that it gave up because the time ran out (`expired::STATEMENTS`) is
    // overridden only by wording that names a condition of the recipient, its mailbox or the
    // sender (the first-pass causes: a full mailbox, a refusal, ...), which retrying could not
    // have cured. Transient conditions named with it (a failed connection, an unavailable
    // resource) are only why the attempts failed until the time ran out; they remain the reason
    // of the last failure (`cause_with(r, false)`). Sisimai does the same: an "expired" its
    // format modules set is replaced only by its first class-order pass (go-sisimai
    // reason/lib.go `classorder[0]`, fact/rise.go).
    if hint == Some(Cause::Expired)
        && timing.expired
        && !FIRST_PASS.iter().any(|c| substantive.has(*c))
    {
        return Cause::Expired;
    }
    let kind = r.diagnostic_type.as_deref().unwrap_or("");
    let smtp = kind.is_empty() || kind == "SMTP";
    // Codes that name one condition only (RFC 3463 X.1.6 moved, X.2.2 full, X.2.3 too long,
    // X.3.4 too big; RFC 7372 X.7.20-26 authentication; X.7.25 PTR) decide by themselves.
    if let Some(c) = by_status.filter(|c| PRECISE.contains(c)) {
        return c;
    }
    // Otherwise the wording decides first, the status code second.
    if smtp
        && let Some(c) = FIRST_PASS
            .iter()
            .find(|c| found.has(**c) || hint == Some(**c))
            .or_else(|| FIRST_PASS.iter().find(|c| by_status == Some(**c)))
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
        // RFC 5321 §4.2.2: 500-504 are syntax errors and unimplemented commands.
        let syntax_reply = matches!(
            r.reply_code.as_deref(),
            Some("500" | "501" | "502" | "503" | "504")
        );
        if found.has(Cause::SyntaxError) || syntax_reply {
            return Cause::SyntaxError;
        }
        if allow_expired && r.action == Some(Action::Delayed) {
            return Cause::Expired;
        }
        if matches!(r.command.as_deref(), Some("EHLO" | "HELO" | "CONN")) {
            return Cause::Blocked;
        }
        // Wording of any cause, for responses not typed `SMTP` that the first pass skipped.
        if let Some(c) = FIRST_PASS.iter().find(|c| found.has(**c)) {
            return *c;
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
    let mut verdict = policy.verdict(cause, permanence(r), last_failure);
    // A delay notice that does not say the time ran out is still being retried (POLICY.md
    // "still trying"): the cause keeps Sisimai's name for delays, but the type is pending.
    if cause == Cause::Expired && r.action == Some(Action::Delayed) && !says_expired(r) {
        let retrying = policy.verdict(
            last_failure.unwrap_or(Cause::Undefined),
            Permanence::StillTrying,
            None,
        );
        verdict.bounce_type = retrying.bounce_type;
        verdict.reason = retrying.reason;
    }
    verdict
}

/// Whether the report itself says the delivery time ran out (the format's hint or wording).
fn says_expired(r: &Recipient) -> bool {
    r.hint == Some(Cause::Expired.as_str()) || reason::timing(&unfold_reply(&r.diagnostic)).expired
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rcpt(action: Action, status: &str, diagnostic: &str, command: Option<&str>) -> Recipient {
        Recipient {
            address: "someone@mx.test".into(),
            action: Some(action),
            status: Some(status.into()),
            diagnostic: diagnostic.into(),
            command: command.map(str::to_string),
            ..Recipient::default()
        }
    }

    #[test]
    fn user_unknown_needs_rcpt_or_an_x11_code() {
        let at_rcpt = rcpt(Action::Failed, "5.0.0", "550 User unknown", Some("RCPT"));
        assert_eq!(cause(&at_rcpt), Cause::UserUnknown);
        let coded = rcpt(
            Action::Failed,
            "5.1.1",
            "550 5.1.1 User unknown",
            Some("DATA"),
        );
        assert_eq!(cause(&coded), Cause::UserUnknown);
        let after_data = rcpt(Action::Failed, "5.0.0", "550 User unknown", Some("DATA"));
        assert_eq!(cause(&after_data), Cause::Filtered);
        let at_mail = rcpt(
            Action::Failed,
            "5.0.0",
            "553 sender.test does not exist",
            Some("MAIL"),
        );
        assert_eq!(cause(&at_mail), Cause::Rejected);
        let at_helo = rcpt(
            Action::Failed,
            "5.0.0",
            "501 Invalid domain name",
            Some("HELO"),
        );
        assert_eq!(cause(&at_helo), Cause::Blocked);
    }

    #[test]
    fn giving_up_on_a_temporary_failure_is_expiry() {
        let grey = rcpt(
            Action::Failed,
            "4.7.1",
            "451 4.7.1 Recipient address rejected: Greylisted, please try again",
            Some("RCPT"),
        );
        assert_eq!(cause(&grey), Cause::Expired);
        let v = classify(&grey, &Policy::default());
        assert_eq!(
            (v.bounce_type, v.reason),
            (BounceType::Soft, Some(Reason::SecurityFilter))
        );
        let still = Recipient {
            action: Some(Action::Delayed),
            ..grey.clone()
        };
        let v = classify(&still, &Policy::default());
        assert_eq!(
            (v.bounce_type, v.reason),
            (BounceType::Pending, Some(Reason::SecurityFilter))
        );
        let exim = rcpt(
            Action::Failed,
            "5.0.0",
            "421 4.3.2 Service not available: retry timeout exceeded",
            None,
        );
        let v = classify(&exim, &Policy::default());
        assert_eq!(v.cause, Cause::Expired);
        assert_eq!(v.reason, Some(Reason::RecipientUnavailable));
        // A substantive cause named in the last reply wins over the give-up.
        let full = rcpt(Action::Failed, "4.2.2", "452 4.2.2 Mailbox full", None);
        assert_eq!(cause(&full), Cause::MailboxFull);
    }

    #[test]
    fn wording_overrides() {
        let spamhaus = rcpt(
            Action::Failed,
            "5.7.1",
            "554 Blocked - see spamhaus.org",
            None,
        );
        assert_eq!(cause(&spamhaus), Cause::Blocked);
        let spam = rcpt(
            Action::Failed,
            "5.7.1",
            "554 5.7.1 Message rejected as spam",
            None,
        );
        assert_eq!(cause(&spam), Cause::SpamDetected);
        let dns = rcpt(Action::Failed, "5.0.0", "Host not found, try again", None);
        assert_eq!(cause(&dns), Cause::NetworkError);
        let sender = rcpt(
            Action::Failed,
            "5.1.8",
            "553 5.1.8 Domain of sender address x@y.test does not exist",
            Some("RCPT"),
        );
        assert_eq!(cause(&sender), Cause::Rejected);
        let dmarc = rcpt(
            Action::Failed,
            "5.7.26",
            "550 5.7.26 Unauthenticated email",
            None,
        );
        assert_eq!(
            classify(&dmarc, &Policy::default()).bounce_type,
            BounceType::Soft
        );
    }

    #[test]
    fn a_formats_expiry_verdict_outweighs_transient_wording() {
        let text = "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1) I'm not going \
                    to try again; this message has been in the queue too long.";
        let stated = Recipient {
            hint: Some("expired"),
            ..rcpt(Action::Failed, "4.4.1", text, None)
        };
        assert_eq!(cause(&stated), Cause::Expired);
        // Without the format's verdict the transient wording names the cause.
        let plain = rcpt(Action::Failed, "4.4.1", text, None);
        assert_eq!(cause(&plain), Cause::NetworkError);
        // A condition retrying could not cure still wins.
        let full = Recipient {
            hint: Some("expired"),
            ..rcpt(
                Action::Failed,
                "4.2.2",
                "Mailbox is full (#4.2.2) I'm not going to try again; this message has been \
                 in the queue too long.",
                None,
            )
        };
        assert_eq!(cause(&full), Cause::MailboxFull);
    }

    #[test]
    fn the_status_comment_is_read_with_the_response() {
        let bare = rcpt(
            Action::Failed,
            "5.2.1",
            "550 5.2.1 <bo@rcpt.test>... Recipient not available",
            None,
        );
        assert_eq!(cause(&bare), Cause::Filtered);
        let commented = Recipient {
            status_comment: Some("mailbox disabled, not accepting messages".into()),
            ..bare
        };
        assert_eq!(cause(&commented), Cause::Suspend);
    }

    #[test]
    fn sender_and_domain_wordings() {
        let gw = rcpt(
            Action::Failed,
            "5.0.0",
            "550 'bo@rcpt.test' is not a registered gateway user",
            None,
        );
        assert_eq!(cause(&gw), Cause::Rejected);
        let eop = rcpt(
            Action::Failed,
            "5.4.1",
            "550 5.4.1 All recipient addresses rejected : Access denied [AB1.eop.test]",
            None,
        );
        assert_eq!(cause(&eop), Cause::Rejected);
        let cpanel = rcpt(
            Action::Failed,
            "5.0.0",
            "Could not deliver to bo@rcpt.test. The account or domain may not exist, they may \
             be blacklisted, or missing the proper dns entries.",
            None,
        );
        assert_eq!(cause(&cpanel), Cause::HostUnknown);
        let resolver = Recipient {
            diagnostic_type: Some("X-POSTFIX".into()),
            ..rcpt(
                Action::Failed,
                "5.4.4",
                "Name service error for name=rcpt.test type=MX: Malformed or unexpected name \
                 server reply",
                None,
            )
        };
        assert_eq!(cause(&resolver), Cause::NetworkError);
    }

    #[test]
    fn a_missing_domain_is_not_a_missing_user() {
        let r = rcpt(
            Action::Failed,
            "5.0.0",
            "553 mx.gone.test does not exist",
            Some("RCPT"),
        );
        assert_eq!(cause(&r), Cause::HostUnknown);
        let r = rcpt(
            Action::Failed,
            "5.0.0",
            "550 user bo does not exist",
            Some("RCPT"),
        );
        assert_eq!(cause(&r), Cause::UserUnknown);
    }

    #[test]
    fn multi_line_replies_are_unfolded() {
        assert_eq!(
            unfold_reply(
                "550-5.7.1 Messages with multiple 550-5.7.1 addresses in From: 550 5.7.1 are refused"
            ),
            "550-5.7.1 Messages with multiple addresses in From: are refused"
        );
        let r = rcpt(
            Action::Failed,
            "5.7.1",
            "550-5.7.1 Messages with multiple 550 5.7.1 addresses in From: header are not accepted",
            None,
        );
        assert_eq!(cause(&r), Cause::NotCompliantRfc);
    }

    #[test]
    fn delivered_and_format_hints() {
        let ok = rcpt(Action::Relayed, "2.0.0", "", None);
        assert_eq!(
            classify(&ok, &Policy::default()).bounce_type,
            BounceType::None
        );
        let complaint = Recipient {
            hint: Some("feedback"),
            ..Recipient::default()
        };
        assert_eq!(
            classify(&complaint, &Policy::default()).bounce_type,
            BounceType::Complaint
        );
        let empty = Recipient {
            action: Some(Action::Failed),
            ..Recipient::default()
        };
        assert_eq!(cause(&empty), Cause::Undefined);
    }
}
