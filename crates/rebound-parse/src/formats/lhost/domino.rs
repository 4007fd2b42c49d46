//! HCL (formerly IBM/Lotus) Domino notices (`Subject: DELIVERY FAILURE: …`, from the Domino
//! router):
//!
//! ```text
//! Your message
//!
//!   Subject: Test
//!
//! was not delivered to:
//!
//!   user@example.org
//!
//! because:
//!
//!   User Some Name (user@example.org) not listed in Domino Directory
//! ```
//!
//! The recipients are the indented lines after "was not delivered to:", the reason the indented
//! lines after "because:". Newer Domino releases add a `message/delivery-status` part
//! (`Diagnostic-Code: X-Notes; …`); those are left to `rfc3464`, which reads the same words.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// Introduces the recipients.
pub(super) const NOT_DELIVERED: &str = "was not delivered to:";

/// Introduces the reason.
const BECAUSE: &str = "because:";

/// The Domino router's own sentences (not a remote server's) that state the cause: the
/// recipient is not in the Domino Directory, the server's user directory.
const DOMINO_CAUSES: &[(&str, &str)] = &[("not listed in Domino Directory", "userunknown")];

/// Reads a Domino notice without a delivery-status part.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !mail.status_parts.is_empty() {
        return None;
    }
    let body = mail.text.as_str();
    let start = body.find(NOT_DELIVERED)?;
    let rest = body.get(start + NOT_DELIVERED.len()..)?;
    let because = rest.find(BECAUSE)?;
    // "because:" has to stand on a line of its own, right after the address lines.
    let (addresses, after) = (rest.get(..because)?, rest.get(because + BECAUSE.len()..)?);
    if !addresses.ends_with('\n') || !after.starts_with('\n') {
        return None;
    }
    let reason: Vec<&str> = after
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let diagnostic = text::squeeze(&reason.join(" "));
    let hint = DOMINO_CAUSES
        .iter()
        .find(|(w, _)| text::contains_ci(&diagnostic, w))
        .map(|(_, c)| *c);
    Some(Recipient::each(
        text::addresses(addresses),
        &diagnostic,
        hint,
    ))
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn reason_after_because() {
        let m = "From: Postmaster@mail.rcpt.test\nSubject: DELIVERY FAILURE: User bob not listed\nContent-Type: text/plain\n\nYour message\n\n  Subject: Hi\n\nwas not delivered to:\n\n  bob@rcpt.test\n\nbecause:\n\n  User Bob (bob@rcpt.test) not listed in Domino Directory\n\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/domino");
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "bob@rcpt.test");
        assert_eq!(
            r.recipients[0].diagnostic,
            "User Bob (bob@rcpt.test) not listed in Domino Directory"
        );
        assert_eq!(r.recipients[0].hint, Some("userunknown"));
    }
}
