//! Postfix notices without a delivery report.
//!
//! Ordinary Postfix bounces are RFC 3464 reports and read by `rfc3464`. When the bounce daemon
//! cannot read the message's bounce log it still returns the message, but writes
//! `--- Delivery report unavailable ---` (`bounce_notify_util.c`) in place of the recipient
//! list and leaves the `message/delivery-status` part without per-recipient fields. The only
//! recipients such a notice can speak of are those the returned message was addressed to; it
//! states no response, so none is given.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// Postfix's line in place of the per-recipient report.
pub(super) const UNAVAILABLE: &str = "--- Delivery report unavailable ---";

/// Reads a Postfix notice whose delivery report is unavailable.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !mail.text.contains(UNAVAILABLE)
        || mail
            .status_parts
            .iter()
            .any(|p| text::contains_ci(p, "final-recipient:"))
    {
        return None;
    }
    let headers = mail.original_headers()?;
    let to = headers.iter().find(|(n, _)| n == "to").map(|(_, v)| v)?;
    Some(
        text::addresses(to)
            .map(|a| Recipient {
                address: a.to_string(),
                ..Recipient::default()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn recipients_from_the_returned_message() {
        let m = "From: MAILER-DAEMON@mx.sender.test (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThis is the mail system at host mx.sender.test.\n\n\t--- Delivery report unavailable ---\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.sender.test\n\n--b\nContent-Type: message/rfc822\n\nFrom: alice@sender.test\nTo: bob@rcpt.test\nMessage-ID: <1@sender.test>\n\nhi\n--b--\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/postfix");
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "bob@rcpt.test");
        assert_eq!(r.recipients[0].diagnostic, "");
        assert_eq!(r.recipients[0].status.as_deref(), Some("5.0.0"));
    }
}
