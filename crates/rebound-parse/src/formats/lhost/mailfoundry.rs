//! MailFoundry gateway notices (`Subject: Message delivery has failed`).
//!
//! ```text
//! Unable to deliver message to: <address>
//! Delivery failed for the following reason:
//! Server mx.example.org[192.0.2.1] failed with: 550 <address> No such user here
//! ```
//!
//! The remote server's reply follows `failed with:`.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// MailFoundry's per-recipient line.
const UNABLE: &str = "Unable to deliver message to:";
/// The sentence that opens a MailFoundry notice.
pub(super) const OPENING: &str = "Delivery failed for the following reason:";

/// Reads a MailFoundry notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !mail.text.contains(OPENING) {
        return None;
    }
    let mut out: Vec<Recipient> = Vec::new();
    for line in mail.text.lines() {
        if let Some(rest) = line.trim().strip_prefix(UNABLE) {
            if let Some(a) = text::address(rest) {
                out.push(Recipient {
                    address: a.to_string(),
                    ..Recipient::default()
                });
            }
        } else if let Some((server, reply)) = line.split_once(" failed with:")
            && let Some(r) = out.last_mut()
            && r.diagnostic.is_empty()
        {
            r.diagnostic = text::squeeze(reply);
            r.remote_mta = server
                .trim()
                .strip_prefix("Server ")
                .and_then(|h| h.split('[').next())
                .map(str::to_string);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn reads_reply_after_failed_with() {
        let m = "From: MAILER-DAEMON@gw.sender.test\nSubject: Message delivery has failed\nContent-Type: text/plain\n\nUnable to deliver message to: <bob@rcpt.test>\nDelivery failed for the following reason:\nServer mx.rcpt.test[192.0.2.1] failed with: 550 <bob@rcpt.test> No such user here\n\nThis has been a permanent failure.\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/mailfoundry");
        let b = &r.recipients[0];
        assert_eq!(b.diagnostic, "550 <bob@rcpt.test> No such user here");
        assert_eq!(b.remote_mta.as_deref(), Some("mx.rcpt.test"));
    }
}
