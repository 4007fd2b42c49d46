//! Automatic responses (RFC 3834): out-of-office and vacation replies. The recipient is the
//! person who is away, i.e. the author (`From`) of the reply.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// Subject prefixes that mail clients put on automatic replies (Outlook "Automatic reply:",
/// Apple/others "Auto reply:", Lotus Notes "Out of Office", generic "Autoreply").
const SUBJECT_MARKERS: &[&str] = &[
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "autoresponse",
    "autorespons",
    "automatic reply",
    "automatic response",
    "away until",
    "out of office",
    "out of the office",
    "vacation",
];

/// Senders that write delivery reports, never auto-replies.
pub(crate) const DAEMON_LOCALPARTS: &[&str] = &["mailer-daemon", "postmaster", "mail-daemon"];

/// True when `from` is a mail system's own address rather than a person's.
pub(crate) fn is_daemon(from: &str) -> bool {
    let f = from.to_ascii_lowercase();
    DAEMON_LOCALPARTS.iter().any(|d| f.contains(d))
}

/// Reads an automatic reply.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if is_daemon(mail.from()) {
        return None;
    }
    let auto = mail
        .header("auto-submitted")
        .unwrap_or("")
        .to_ascii_lowercase();
    let precedence = mail.header("precedence").unwrap_or("").to_ascii_lowercase();
    let subject = mail.subject().to_ascii_lowercase();
    let by_header = auto.starts_with("auto-replied")
        || precedence == "auto_reply"
        || mail.header("x-autoreply").is_some()
        || mail.header("x-autorespond").is_some();
    let by_subject = SUBJECT_MARKERS.iter().any(|m| subject.contains(m));
    if !(by_header || by_subject) {
        return None;
    }
    let address = text::address(mail.from())?.to_string();
    let body: String = mail
        .text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    Some(vec![Recipient {
        address,
        diagnostic: text::squeeze(&body),
        hint: Some("vacation"),
        ..Recipient::default()
    }])
}
