//! Oracle Communications (formerly Sun ONE / iPlanet) Messaging Server notices.
//!
//! An RFC 3464 report whose text part repeats, per recipient, what the delivery-status part
//! may leave out:
//!
//! ```text
//! This report relates to a message you sent with the following header fields:
//!   …
//! Your message cannot be delivered to the following recipients:
//!
//!   Recipient address: user@example.org
//!   Reason: Remote SMTP server has rejected address
//!   Diagnostic code: smtp;550 5.1.1 <user@example.org>... User Unknown
//!   Remote system: dns;mx.example.org (TCP|…) (…)
//! ```
//!
//! The recipients come from the delivery-status part; an empty diagnostic is filled from the
//! block's "Diagnostic code:", else its "Reason:" (Messaging Server's own words, e.g.
//! "Over quota").

use crate::formats::{Found, first_by_key, rfc3464};
use crate::mail::Mail;
use crate::text;

/// Messaging Server's opening sentence.
pub(super) const OPENING: &str =
    "This report relates to a message you sent with the following header fields:";

/// Starts one recipient's block.
const RECIPIENT: &str = "Recipient address:";

/// Messaging Server's own "Reason:" sentences that state a cause: the domain's DNS says it
/// accepts no mail (a null MX, RFC 7505; status 5.1.10).
const REASONS: &[(&str, &str)] = &[("host/domain does not accept mail", "notaccept")];

/// Reads a Messaging Server report.
pub fn read(mail: &Mail) -> Option<Found> {
    if !mail.text.contains(OPENING) {
        return None;
    }
    let mut out = rfc3464::read(mail)?;
    let blocks = blocks(&mail.text);
    // A block names its recipient by the address on its "Recipient address:" line.
    let by_address = first_by_key(&blocks, |(a, _, _)| text::address(a).unwrap_or(a.as_str()));
    for r in &mut out.recipients {
        let Some((_, reason, code)) = by_address
            .get(&r.address.to_ascii_lowercase())
            .and_then(|&i| blocks.get(i))
        else {
            continue;
        };
        if r.diagnostic.is_empty() {
            r.diagnostic = match code {
                Some(c) => text::squeeze(c.split_once(';').map_or(c.as_str(), |(_, v)| v)),
                None => text::squeeze(reason),
            };
        }
        r.hint = REASONS
            .iter()
            .find(|(w, _)| text::contains_ci(reason, w))
            .map(|(_, c)| *c);
    }
    Some(out)
}

/// Each block's recipient line, "Reason:" and "Diagnostic code:" values.
fn blocks(body: &str) -> Vec<(String, String, Option<String>)> {
    let mut out: Vec<(String, String, Option<String>)> = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        if let Some(a) = t.strip_prefix(RECIPIENT) {
            out.push((a.trim().to_string(), String::new(), None));
        } else if let Some(b) = out.last_mut() {
            if let Some(v) = t.strip_prefix("Reason:") {
                b.1 = v.trim().to_string();
            } else if let Some(v) = t.strip_prefix("Diagnostic code:") {
                b.2 = Some(v.trim().to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn reason_fills_an_empty_diagnostic() {
        let m = "From: Postmaster <postmaster@ms.rcpt.test>\nSubject: Delivery Notification: Delivery has failed\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThis report relates to a message you sent with the following header fields:\n\n  To: bob@rcpt.test\n  Subject: Hi\n\nYour message cannot be delivered to the following recipients:\n\n  Recipient address: bob@rcpt.test\n  Reason: Over quota\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;ms.rcpt.test\n\nFinal-recipient: rfc822;bob@rcpt.test\nAction: failed\nStatus: 4.2.2 (Over quota)\n\n--b--\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/messagingserver");
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].diagnostic, "Over quota");
        assert_eq!(r.recipients[0].status.as_deref(), Some("4.2.2"));
        assert_eq!(r.recipients[0].hint, None);
        let null_mx = m
            .replace(
                "Reason: Over quota",
                "Reason: host/domain does not accept mail",
            )
            .replace("4.2.2 (Over quota)", "5.1.10");
        let r = parse(null_mx.as_bytes());
        assert_eq!(r.recipients[0].hint, Some("notaccept"));
    }
}
