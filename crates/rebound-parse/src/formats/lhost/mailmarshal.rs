//! Trustwave (formerly Marshal) MailMarshal SMTP notices (`Subject: Undeliverable Mail: "…"`):
//!
//! ```text
//! Your message:
//!    From:    alice@example.com
//!    Subject: Hello
//!
//! Could not be delivered because of
//!
//! 550 5.1.1 User unknown
//!
//! The following recipients were affected:
//!     bob@example.org
//!
//! Additional Information
//! ======================
//! Remote-MTA:         <192.0.2.2>
//! ```
//!
//! The server's reply stands between "Could not be delivered because of" and the recipient
//! list; the "Additional Information" block only names hosts.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// Introduces the server's reply.
pub(super) const BECAUSE: &str = "Could not be delivered because of";

/// Introduces the recipients.
const AFFECTED: &str = "The following recipients were affected:";

/// Starts MailMarshal's block of host names.
const ADDITIONAL: &str = "Additional Information";

/// Reads a MailMarshal notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    let body = mail.text.as_str();
    let b = body.find(BECAUSE)?;
    let a = b + body.get(b..)?.find(AFFECTED)?;
    let reply = text::squeeze(body.get(b + BECAUSE.len()..a)?);
    let rest = body.get(a + AFFECTED.len()..)?;
    let (list, info) = match rest.find(ADDITIONAL) {
        Some(p) => (rest.get(..p)?, rest.get(p..)?),
        None => (rest, ""),
    };
    let remote_mta = info
        .lines()
        .find_map(|l| l.trim().strip_prefix("Remote-MTA:"))
        .map(|v| v.trim().trim_matches(['<', '>']).to_string())
        .filter(|v| !v.is_empty());
    Some(
        text::addresses(list)
            .map(|addr| Recipient {
                address: addr.to_string(),
                diagnostic: reply.clone(),
                remote_mta: remote_mta.clone(),
                ..Recipient::default()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn reply_before_the_recipient_list() {
        let m = "From: postmaster@gw.sender.test\nSubject: Undeliverable Mail: \"Hi\"\nContent-Type: text/plain\n\nYour message:\n   From:    alice@sender.test\n   Subject: Hi\n\nCould not be delivered because of\n\n550 5.1.1 User unknown\n\nThe following recipients were affected: \n    bob@rcpt.test\n\n\nAdditional Information\n======================\nOriginal Sender:    <alice@sender.test>\nRemote-MTA:\t\t\t<192.0.2.2>\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/mailmarshal");
        assert_eq!(r.recipients.len(), 1);
        let b = &r.recipients[0];
        assert_eq!(b.address, "bob@rcpt.test");
        assert_eq!(b.diagnostic, "550 5.1.1 User unknown");
        assert_eq!(b.remote_mta.as_deref(), Some("192.0.2.2"));
        assert_eq!(b.status.as_deref(), Some("5.1.1"));
    }
}
