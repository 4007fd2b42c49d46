//! A last-resort reader for plain-text bounces of MTAs without a module of their own: finds the
//! failed addresses in the notice and takes the paragraph around each as the response.
//!
//! It only reads messages that look like bounces (sent by a mail system, or with a bounce
//! subject), and only the part before the returned original.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

use super::rfc3834::is_daemon;

/// Subject words of delivery failure notices (Sendmail "Returned mail", qmail "failure notice",
/// Exim "Mail delivery failed", Exchange "Undeliverable", generic "Delivery Status Notification").
const BOUNCE_SUBJECTS: &[&str] = &[
    "delivery fail",
    "delivery status notification",
    "delivery notification",
    "failure notice",
    "mail delivery",
    "mail could not be delivered",
    "non-delivery",
    "nondeliverable",
    "non delivery",
    "not delivered",
    "returned mail",
    "returning message",
    "undeliverable",
    "undelivered",
    "delivery problem",
    "could not be delivered",
    "rejected",
    "mail error",
    "delivery error",
    "bounce",
    "warning: message",
    "delayed mail",
    "error sending",
];

/// Lines that start the returned original or a quoted copy of it in a plain-text bounce.
pub(crate) const ORIGINAL_MARKERS: &[&str] = &[
    "below this line is a copy",
    "copy of the message",
    "original message follows",
    "original message headers",
    "returned message",
    "message headers follow",
    "header of the original message",
    "headers of your message",
    "original message ---",
    "content-type: message/rfc822",
    "unsent message below",
    "your message reads",
    "message header follows",
    "the headers of the original",
];

/// True when `mail` looks like a delivery failure notice.
pub fn looks_like_bounce(mail: &Mail) -> bool {
    if is_daemon(mail.from()) {
        return true;
    }
    let s = mail.subject().to_ascii_lowercase();
    BOUNCE_SUBJECTS.iter().any(|m| s.contains(m))
}

/// Whether a marker preceded by `before` (the start of its line) introduces the returned
/// original: it starts the line, possibly after decoration ("------ This is a copy of the
/// message ..."), or sits in a decorated separator line. Boilerplate that only mentions the
/// returned message mid-sentence ("delete your own text from the attached returned message",
/// Postfix) does not count.
pub(crate) fn starts_original(before: &str) -> bool {
    const DECORATION: &str = "-=*_#>|[(";
    let t = before.trim_start_matches(|c: char| c.is_whitespace() || DECORATION.contains(c));
    let plain =
        t.is_empty() || t.eq_ignore_ascii_case("this is a ") || t.eq_ignore_ascii_case("a ");
    let separator_line = before.trim_start().starts_with(['-', '=', '*']) && before.len() < 80;
    plain || separator_line
}

/// Local parts that belong to mail systems, never a failed recipient.
const SYSTEM_LOCALPARTS: &[&str] = &[
    "mailer-daemon",
    "postmaster",
    "mail-daemon",
    "abuse",
    "hostmaster",
    "webmaster",
];

fn is_system_address(addr: &str) -> bool {
    let l = addr.split('@').next().unwrap_or("").to_ascii_lowercase();
    SYSTEM_LOCALPARTS.contains(&l.as_str())
}

/// True when `line` names `addr` the way failed-recipient lists do: alone on the line, as
/// `<addr>:` or `addr:`, or right at the start followed by the error.
fn is_recipient_line(line: &str, addr: &str) -> bool {
    let t = line.trim().trim_start_matches(['-', '*', '>', ' ']);
    let t = t.trim_start_matches('"');
    let t = t.strip_prefix('<').unwrap_or(t);
    if let Some(rest) = t.strip_prefix(addr) {
        let rest = rest.trim_start_matches(['>', '"']);
        return rest.is_empty()
            || rest.starts_with([':', ' ', '.', ',', ';', '\t', '('])
            || rest.starts_with("...");
    }
    let l = line.to_ascii_lowercase();
    [
        "rcpt to:",
        "recipient:",
        "to:<",
        "address:",
        "addressed to",
        "delivery to",
        "mailbox",
    ]
    .iter()
    .any(|k| l.contains(k))
}

/// Reads a plain-text bounce.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !looks_like_bounce(mail) {
        return None;
    }
    let body = mail.notice();
    let mut excluded: Vec<String> = Vec::new();
    for h in ["to", "from", "return-path", "reply-to"] {
        if let Some(v) = mail.header(h) {
            excluded.extend(text::addresses(v).map(|a| a.to_ascii_lowercase()));
        }
    }
    let lines: Vec<&str> = text::lines(body).collect();
    let mut hits: Vec<(usize, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for a in text::addresses(line) {
            let al = a.to_ascii_lowercase();
            if excluded.contains(&al) || is_system_address(a) {
                continue;
            }
            if is_recipient_line(line, a) && !hits.iter().any(|(_, h)| h.eq_ignore_ascii_case(a)) {
                hits.push((i, a.to_string()));
            }
        }
    }
    if hits.is_empty() {
        if let Some(v) = mail.header("x-failed-recipients") {
            let all = text::squeeze(body);
            return Some(
                text::addresses(v)
                    .map(|a| Recipient {
                        address: a.to_string(),
                        diagnostic: all.clone(),
                        ..Recipient::default()
                    })
                    .collect(),
            );
        }
        return None;
    }
    let mut out = Vec::new();
    for (k, (i, addr)) in hits.iter().enumerate() {
        let next = hits
            .get(k + 1)
            .map(|(j, _)| *j)
            .filter(|j| j > i)
            .unwrap_or(lines.len());
        out.push(Recipient {
            address: addr.clone(),
            diagnostic: paragraph(&lines, *i, next),
            ..Recipient::default()
        });
    }
    Some(out)
}

/// The response text for a recipient named on line `i`: that line and what follows up to the
/// next recipient or a blank line; when the recipient line stands alone, the next paragraph.
pub fn paragraph(lines: &[&str], i: usize, next: usize) -> String {
    // A block of RFC 3464 fields pasted after the prose is not part of the response.
    let part_of_reply = |l: &str| !text::is_blank(l) && !is_dsn_field(l);
    let mut parts: Vec<&str> = Vec::with_capacity(16);
    parts.push(lines[i]);
    let mut j = i + 1;
    while j < next && part_of_reply(lines[j]) {
        parts.push(lines[j]);
        j += 1;
    }
    if parts.len() == 1 {
        while j < next && text::is_blank(lines[j]) {
            j += 1;
        }
        while j < next && part_of_reply(lines[j]) {
            parts.push(lines[j]);
            j += 1;
        }
    }
    text::squeeze_join(&parts)
}

/// Per-message and per-recipient field names of RFC 3464 §2.2-2.3 (and Sendmail's
/// `X-Actual-Recipient`).
const DSN_FIELDS: &[&str] = &[
    "x-actual-recipient:",
    "reporting-mta:",
    "dsn-gateway:",
    "received-from-mta:",
    "arrival-date:",
    "original-envelope-id:",
    "original-recipient:",
    "final-recipient:",
    "action:",
    "status:",
    "remote-mta:",
    "diagnostic-code:",
    "last-attempt-date:",
    "will-retry-until:",
];

/// True when `line` starts an RFC 3464 field.
pub(crate) fn is_dsn_field(line: &str) -> bool {
    // Most lines are no field: compare whole names only where the first letter fits.
    let Some(first) = line.as_bytes().first().map(u8::to_ascii_lowercase) else {
        return false;
    };
    DSN_FIELDS.iter().any(|f| {
        f.as_bytes().first() == Some(&first)
            && line
                .get(..f.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(f))
    })
}

#[cfg(test)]
mod paragraph_tests {
    use super::*;

    #[test]
    fn dsn_fields_end_the_response() {
        let lines = [
            "<a@b.test>:",
            "554 Service unavailable",
            "Reporting-MTA: dns; mx.test",
            "Final-Recipient: rfc822; a@b.test",
        ];
        assert_eq!(
            paragraph(&lines, 0, lines.len()),
            "<a@b.test>: 554 Service unavailable"
        );
    }
}
