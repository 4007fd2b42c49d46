//! au one net / au by KDDI (formerly DION) mail system error notices.
//!
//! A `multipart/mixed` message (often `Subject: メールエラー通知`) whose text part may start with a
//! Japanese summary and then quotes the mail system's English notice:
//!
//! ```text
//! Your mail sent on: Thu, 29 Apr 2010 11:04:47 +0900
//!      Could not be delivered to: <address>
//!      As their mailbox is full.
//! ```
//!
//! (`Your mail attempted to be delivered on:` in some versions). The indented lines after the
//! recipient are the reason. The returned message is a `message/rfc822` part.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// Opens the notice.
pub(super) const STARTS: &[&str] = &[
    "Your mail sent on:",
    "Your mail attempted to be delivered on:",
];

/// Names one recipient.
const RECIPIENT: &str = "Could not be delivered to:";

/// Reads an au one net notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    let body = mail.text.as_str();
    let start = STARTS.iter().filter_map(|s| body.find(s)).min()?;
    let notice = body.get(start..)?;
    if !notice.contains(RECIPIENT) {
        return None;
    }
    let mut out: Vec<Recipient> = Vec::new();
    let mut reason: Vec<&str> = Vec::new();
    let flush = |out: &mut Vec<Recipient>, reason: &mut Vec<&str>| {
        if let Some(r) = out.last_mut()
            && r.diagnostic.is_empty()
        {
            r.diagnostic = text::squeeze(&reason.join(" "));
        }
        reason.clear();
    };
    for line in notice.lines().skip(1) {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix(RECIPIENT) {
            flush(&mut out, &mut reason);
            if let Some(a) = text::address(rest) {
                out.push(Recipient {
                    address: a.to_string(),
                    ..Recipient::default()
                });
            }
        } else if STARTS.iter().any(|s| t.starts_with(s)) {
            flush(&mut out, &mut reason);
        } else if line.starts_with([' ', '\t']) && !t.is_empty() && !out.is_empty() {
            reason.push(t);
        } else if t.is_empty() && !reason.is_empty() {
            flush(&mut out, &mut reason);
        }
    }
    flush(&mut out, &mut reason);
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::parse;

    const BOUNCE: &str = "From: no-reply@mx.rcpt.test\nTo: alice@sender.test\nSubject: Mail\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain; charset=us-ascii\n\nYour mail sent on: Mon, 1 Jan 2024 00:00:00 +0900\n     Could not be delivered to: <bob@rcpt.test>\n     As their mailbox is full.\n\n--b1\nContent-Type: message/rfc822\n\nFrom: alice@sender.test\nTo: bob@rcpt.test\nMessage-ID: <1@sender.test>\n\nhi\n--b1--\n";

    #[test]
    fn reads_recipient_and_reason() {
        let r = parse(BOUNCE.as_bytes());
        assert_eq!(r.engine, "lhost/kddi");
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "bob@rcpt.test");
        assert_eq!(r.recipients[0].diagnostic, "As their mailbox is full.");
        assert_eq!(r.original_message_id.as_deref(), Some("<1@sender.test>"));
    }
}
