//! Trend Micro InterScan Messaging Security Suite (and InterScan for NT) notices.
//!
//! A `multipart/mixed` message, `Subject: Mail could not be delivered`, whose text part is
//! framed by `****** Message from InterScan Messaging Security Suite ******` and names each
//! recipient in `Unable to deliver message to <address> (and other recipients in the same
//! domain).`; the returned message is a `message/rfc822` part. InterScan states no status code.
//!
//! That sentence is InterScan's own, written when the next hop refused the address; some
//! versions add "Please check if address is correct." It states no server reply, so the cause
//! it implies, an unknown recipient, is given as the hint.

use std::collections::HashSet;

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// InterScan's banner line.
pub(super) const BANNER: &str = "Message from InterScan Messaging Security Suite";

/// InterScan's per-recipient sentence.
const UNABLE: &str = "Unable to deliver message to";

/// The cause InterScan's per-recipient sentence states.
const UNABLE_CAUSE: &str = "userunknown";

/// Reads an InterScan MSS notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !mail.text.contains(BANNER) {
        return None;
    }
    let mut out: Vec<Recipient> = Vec::new();
    // Addresses already read, lower case: one lookup per line, not a search of `out`.
    let mut seen: HashSet<String> = HashSet::new();
    for line in mail.text.lines() {
        let Some(p) = line.find(UNABLE) else {
            continue;
        };
        let sentence = line.get(p..).unwrap_or("");
        let Some(addr) = text::address(sentence) else {
            continue;
        };
        if seen.insert(addr.to_ascii_lowercase()) {
            out.push(Recipient {
                address: addr.to_string(),
                diagnostic: text::squeeze(line.trim_start_matches("Reason:")),
                hint: Some(UNABLE_CAUSE),
                ..Recipient::default()
            });
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn reads_unable_to_deliver_lines() {
        let m = "From: postmaster@mx.rcpt.test (\"InterScan Notification\")\nSubject: Mail could not be delivered\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-type: text/plain\n\n****** Message from InterScan Messaging Security Suite ******\nThe following mail could not be delivered.\nReason:  Unable to deliver message to <bob@rcpt.test> (and other recipients in the same domain).\n--b\nContent-type: message/rfc822\n\nFrom: alice@sender.test\nTo: bob@rcpt.test\nMessage-ID: <1@sender.test>\n\nhi\n--b--\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/interscanmss");
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "bob@rcpt.test");
        assert!(
            r.recipients[0]
                .diagnostic
                .starts_with("Unable to deliver message to <bob@rcpt.test>")
        );
        assert_eq!(r.recipients[0].hint, Some("userunknown"));
    }
}
