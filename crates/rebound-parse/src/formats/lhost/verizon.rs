//! Verizon Wireless MMS gateway (MMSC) notices, sent by `MMSC NDR Administrator
//! <sysadmin@….vzwpix.com>` when a picture/video message (MM, 3GPP TS 23.140) to a handset
//! cannot be delivered:
//!
//! ```text
//! Message could not be delivered to mobile.
//! Error: No valid recipients for this MM
//!
//! Original Message:
//! From: …
//! To: 2125550100@vzwpix.com
//! ```
//!
//! The notice names no recipient itself: it is the `To:` of the quoted original.

use crate::mail::{Mail, parse_header_block};
use crate::report::Recipient;
use crate::text;

/// The MMSC's opening sentence.
pub(super) const OPENING: &str = "Message could not be delivered to mobile.";

/// Starts the MMSC's error line.
const ERROR: &str = "Error:";

/// The MMSC's fixed error sentences that name a cause: "No valid recipients for this MM" says
/// no addressee of the MM is a subscriber the MMSC can deliver to.
const CAUSES: &[(&str, &str)] = &[("No valid recipients", "userunknown")];

/// Starts the quoted header block of the original.
const ORIGINAL: &str = "Original Message:";

/// Reads a Verizon MMSC notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    let body = mail.text.as_str();
    let start = body.find(OPENING)?;
    let notice = body.get(start..)?;
    let original = notice.find(ORIGINAL)?;
    let diagnostic = notice
        .get(..original)?
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(ERROR))
        .map(|l| text::squeeze(l.get(ERROR.len()..).unwrap_or("")))
        .unwrap_or_default();
    let hint = CAUSES
        .iter()
        .find(|(w, _)| text::contains_ci(&diagnostic, w))
        .map(|(_, c)| *c);
    let headers = parse_header_block(notice.get(original + ORIGINAL.len()..)?);
    let to = headers.iter().find(|(n, _)| n == "to").map(|(_, v)| v)?;
    Some(Recipient::each(text::addresses(to), &diagnostic, hint))
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn recipient_is_the_quoted_to() {
        let m = "From: MMSC NDR Administrator <sysadmin@mms.carrier.test>\nTo: alice@sender.test\nSubject: Undeliverable Message\nContent-Type: text/plain\n\nMessage could not be delivered to mobile.\nError: No valid recipients for this MM\n\n\nOriginal Message:\nFrom: Alice <alice@sender.test>\nTo: 2125550100@mms.carrier.test\nSubject: hi\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/verizon");
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "2125550100@mms.carrier.test");
        assert_eq!(
            r.recipients[0].diagnostic,
            "No valid recipients for this MM"
        );
        assert_eq!(r.recipients[0].hint, Some("userunknown"));
    }
}
