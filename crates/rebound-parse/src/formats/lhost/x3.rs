//! "X3": an unidentified MTA (Sisimai's name for it) whose notices are framed by lines of `=`.
//!
//! "This is an automatically generated Delivery Status Notification.", then "Delivery to the
//! following recipients failed permanently:" (or "... was aborted after N hour(s):" when the
//! retry time ran out), the recipients as `* address` lines, and under "Technical details:" one
//! line per failure such as `SMTP:RCPT host 192.0.2.8: 553 5.3.0 <a@b>... No such user`.

use crate::formats::rfc3464;
use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;
/// The opening sentence of every X3 notice.
pub(super) const OPENING: &str = "This is an automatically generated Delivery Status Notification";

/// Reads an X3 notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    let t = &mail.text;
    if !t.contains(OPENING) {
        return None;
    }
    // "Delevery" is how some versions spell it; match the rest of the sentence.
    let lead = text::find_ci(t, "to the following recipients ")?;
    let rest = t.get(lead..)?;
    let aborted = rest
        .lines()
        .next()
        .is_some_and(|l| text::contains_ci(l, "was aborted after"));
    let details_at = text::find_ci(rest, "technical details:");
    let list = rest.get(..details_at.unwrap_or(rest.len())).unwrap_or(rest);
    let addresses: Vec<&str> = list
        .lines()
        .filter_map(|l| l.trim().strip_prefix("* "))
        .filter_map(text::address)
        .collect();
    if addresses.is_empty() {
        return None;
    }
    let details: Vec<&str> = details_at
        .and_then(|d| rest.get(d..))
        .map(|d| {
            d.lines()
                .skip(1)
                .map(str::trim)
                .take_while(|l| !l.starts_with("====") && !l.starts_with("--"))
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let dsn: Vec<Recipient> = mail
        .status_parts
        .iter()
        .flat_map(|p| rfc3464::parse_fields(p).1)
        .collect();
    Some(
        addresses
            .iter()
            .map(|a| {
                let line = details
                    .iter()
                    .find(|l| text::contains_ci(l, a))
                    .or(details.first())
                    .copied()
                    .unwrap_or("");
                let (command, mut diagnostic) = split_detail(line);
                let dsn = dsn.iter().find(|d| d.address.eq_ignore_ascii_case(a));
                if diagnostic.is_empty()
                    && let Some(d) = dsn
                {
                    diagnostic.clone_from(&d.diagnostic);
                }
                // "was aborted after N hour(s)" with no server response: the MTA gave up when
                // its retry time ran out.
                let timed_out = aborted && text::reply_code(&diagnostic).is_none();
                Recipient {
                    address: a.to_string(),
                    diagnostic,
                    command,
                    action: dsn.and_then(|d| d.action),
                    remote_mta: dsn.and_then(|d| d.remote_mta.clone()),
                    hint: timed_out.then_some("expired"),
                    ..Recipient::default()
                }
            })
            .collect(),
    )
}

/// `SMTP:RCPT host H: response` → (RCPT, response); other lines are kept whole.
fn split_detail(line: &str) -> (Option<String>, String) {
    if let Some(rest) = line.strip_prefix("SMTP:") {
        let cmd = rest
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .filter(|c| !c.is_empty())
            .map(str::to_ascii_uppercase);
        if let Some(h) = rest.find(" host ")
            && let Some(p) = rest.get(h..).and_then(|r| r.find(": "))
        {
            let resp = rest.get(h + p + 2..).unwrap_or("");
            return (cmd, text::squeeze(resp));
        }
        return (cmd, text::squeeze(rest));
    }
    (None, text::squeeze(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_and_technical_details() {
        let m = "From: Mail Delivery System <mds@mx.test>\n\
                 Subject: Delivery status notification\n\n\
                 ======\n  This is an automatically generated Delivery Status Notification.\n\n\
                 Delivery to the following recipients failed permanently:\n\n   \
                 * who@dest.test\n\n\
                 ======\n   Technical details:\n\n\
                 SMTP:RCPT host 192.0.2.8: 553 5.3.0 <who@dest.test>... No such user here\n\n\
                 ======\n";
        let rs = read(&Mail::read(m.as_bytes())).expect("x3");
        assert_eq!(rs[0].address, "who@dest.test");
        assert_eq!(rs[0].command.as_deref(), Some("RCPT"));
        assert_eq!(
            rs[0].diagnostic,
            "553 5.3.0 <who@dest.test>... No such user here"
        );
    }
}
