//! Apache James bounces (its `Bounce`/`DSNBounce` mailets' plain-text notice), also used by
//! carriers' SMS/MMS gateways built on James.
//!
//! ```text
//! Error: Invalid user address
//! Error message below:
//! 550 - Requested action not taken: no such user here
//! Message details:
//!   Subject: ...
//!   MAIL FROM: sender@...
//!   RCPT TO: recipient@...
//! ```
//!
//! The remote reply is the block after `Error message below:`; the recipients are the `RCPT TO:`
//! lines of the details.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// Labels of James's notice.
pub(super) const ERROR_BELOW: &str = "Error message below:";
const DETAILS: &str = "Message details:";

/// Reads an Apache James notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    let body = mail.text.as_str();
    let below = body.find(ERROR_BELOW)?;
    let details = body.get(below..)?.find(DETAILS)? + below;
    let reply = body.get(below + ERROR_BELOW.len()..details)?;
    let diagnostic = text::squeeze(reply);
    let mut out: Vec<Recipient> = Vec::new();
    for line in body.get(details..)?.lines().skip(1) {
        let t = line.trim();
        if t.is_empty() {
            break;
        }
        if let Some(rest) = t.strip_prefix("RCPT TO:") {
            for a in text::addresses(rest) {
                out.push(Recipient {
                    address: a.to_string(),
                    diagnostic: diagnostic.clone(),
                    ..Recipient::default()
                });
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn reads_reply_and_rcpt_to() {
        let m = "From: postmaster@gw.rcpt.test\nSubject: Re:hello\nContent-Type: text/plain\n\nError: Invalid user address\n\nError message below:\n550 - Requested action not taken: no such user here\n\nMessage details:\n  Subject: hello\n  MAIL FROM: alice@sender.test\n  RCPT TO: bob@rcpt.test\n  From: alice@sender.test\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/apachejames");
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "bob@rcpt.test");
        assert_eq!(r.recipients[0].reply_code.as_deref(), Some("550"));
    }
}
