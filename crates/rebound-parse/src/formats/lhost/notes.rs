//! Lotus Notes / Lotus SMTP MTA notices (`Subject: Undeliverable message`):
//!
//! ```text
//! ------- Failure Reasons  --------
//!
//! User  not listed in public Name & Address Book
//! user@example.org
//!
//! ------- Returned Message --------
//! ```
//!
//! Between the two rulers, each reason line is followed by the addresses it applies to.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// Opens the reasons (Lotus writes two spaces before the dashes in some versions).
pub(super) const REASONS: &str = "------- Failure Reasons";

/// Starts the returned message.
const RETURNED: &str = "------- Returned Message --------";

/// The Lotus SMTP MTA's own sentences (not a remote server's) that state the cause: the
/// recipient is not in the Public Name & Address Book, the Notes user directory.
const NOTES_CAUSES: &[(&str, &str)] =
    &[("not listed in public Name & Address Book", "userunknown")];

/// Reads a Lotus Notes notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    let body = mail.text.as_str();
    let start = body.find(REASONS)?;
    let block = body.get(start..)?;
    let block = block.get(..block.find(RETURNED)?)?;
    let mut out: Vec<Recipient> = Vec::new();
    let mut reason: Vec<&str> = Vec::new();
    for line in block.lines().skip(1) {
        let t = line.trim();
        if t.is_empty() || t.starts_with('-') {
            continue;
        }
        match text::address(t).filter(|a| a.len() + 2 >= t.len() && !t.contains(' ')) {
            Some(a) => {
                let diagnostic = if reason.is_empty() {
                    out.last().map(|r| r.diagnostic.clone()).unwrap_or_default()
                } else {
                    text::squeeze(&reason.join(" "))
                };
                reason.clear();
                let hint = NOTES_CAUSES
                    .iter()
                    .find(|(w, _)| text::contains_ci(&diagnostic, w))
                    .map(|(_, c)| *c);
                out.push(Recipient {
                    address: a.to_string(),
                    diagnostic,
                    hint,
                    ..Recipient::default()
                });
            }
            None => reason.push(t),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn reason_line_before_the_addresses() {
        let m = "From: POSTMASTER@gw.rcpt.test\nSubject: Undeliverable message\nContent-Type: text/plain\n\n------- Failure Reasons  --------\n\nUser  not listed in public Name & Address Book\nbob@rcpt.test\ncarl@rcpt.test\n\n\n------- Returned Message --------\nFrom: alice@sender.test\nMessage-Id: <1@sender.test>\n\nhi\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/notes");
        assert_eq!(r.recipients.len(), 2);
        assert_eq!(r.recipients[1].address, "carl@rcpt.test");
        assert_eq!(
            r.recipients[1].diagnostic,
            "User not listed in public Name & Address Book"
        );
        assert_eq!(r.recipients[1].hint, Some("userunknown"));
    }
}
