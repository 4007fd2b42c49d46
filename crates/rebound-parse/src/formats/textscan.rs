//! A last-resort reader for plain-text bounces of MTAs without a module of their own: finds the
//! failed addresses in the notice and takes the paragraph around each as the response.
//!
//! It only reads messages that look like bounces (sent by a mail system, or with a bounce
//! subject), and only the part before the returned original.

use std::collections::HashSet;

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

use super::rfc3834::is_daemon;
use super::{Found, MAX_RECIPIENTS};

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

/// Decoration of separator lines ("------ This is a copy", "==== Original message").
const DECORATION: &str = "-=*_#>|[(";

/// Of the start of a line: the offset where white space and decoration end, and the first
/// character that is no white space.
pub(crate) fn line_head(line: &str) -> (usize, Option<char>) {
    let t = line.trim_start_matches(|c: char| c.is_whitespace() || DECORATION.contains(c));
    (line.len() - t.len(), line.trim_start().chars().next())
}

/// Whether a marker preceded by `before` (the start of its line, whose [`line_head`] is
/// `decoration_end` and `first`) introduces the returned
/// original: it starts the line, possibly after decoration ("------ This is a copy of the
/// message ..."), or sits in a decorated separator line. Boilerplate that only mentions the
/// returned message mid-sentence ("delete your own text from the attached returned message",
/// Postfix) does not count.
pub(crate) fn starts_original_at(before: &str, decoration_end: usize, first: Option<char>) -> bool {
    let t = before.get(decoration_end.min(before.len())..).unwrap_or("");
    let plain =
        t.is_empty() || t.eq_ignore_ascii_case("this is a ") || t.eq_ignore_ascii_case("a ");
    let separator_line = first.is_some_and(|c| matches!(c, '-' | '=' | '*')) && before.len() < 80;
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

/// Words of a line that introduce the address it names ("RCPT TO:<a@b>", "Recipient: a@b",
/// "delivery to a@b", …).
const RECIPIENT_WORDS: &[&str] = &[
    "rcpt to:",
    "recipient:",
    "to:<",
    "address:",
    "addressed to",
    "delivery to",
    "mailbox",
];

/// True when `line` names `addr` the way failed-recipient lists do: alone on the line, as
/// `<addr>:` or `addr:`, or right at the start followed by the error; or when the line has one
/// of [`RECIPIENT_WORDS`] (`has_words`, computed once per line).
fn is_recipient_line(line: &str, addr: &str, has_words: impl FnOnce() -> bool) -> bool {
    let t = line.trim().trim_start_matches(['-', '*', '>', ' ']);
    let t = t.trim_start_matches('"');
    let t = t.strip_prefix('<').unwrap_or(t);
    if let Some(rest) = t.strip_prefix(addr) {
        let rest = rest.trim_start_matches(['>', '"']);
        return rest.is_empty()
            || rest.starts_with([':', ' ', '.', ',', ';', '\t', '('])
            || rest.starts_with("...");
    }
    has_words()
}

/// Reads a plain-text bounce.
pub fn read(mail: &Mail) -> Option<Found> {
    if !looks_like_bounce(mail) {
        return None;
    }
    let body = mail.notice();
    let mut excluded: HashSet<String> = HashSet::new();
    for h in ["to", "from", "return-path", "reply-to"] {
        if let Some(v) = mail.header(h) {
            excluded.extend(text::addresses(v).map(|a| a.to_ascii_lowercase()));
        }
    }
    let lines: Vec<&str> = text::lines(body).collect();
    let mut hits: Vec<(usize, String)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    // Hits after the one past the cap, only counted.
    let mut uncounted = 0;
    for (i, line) in lines.iter().enumerate() {
        // Whether the line has one of the recipient words: looked for once per line, not once
        // per address on it (a line may hold thousands).
        let mut has_words: Option<bool> = None;
        for a in text::addresses(line) {
            let al = a.to_ascii_lowercase();
            if excluded.contains(&al) || is_system_address(a) || seen.contains(&al) {
                continue;
            }
            let words = || {
                *has_words.get_or_insert_with(|| {
                    let l = line.to_ascii_lowercase();
                    RECIPIENT_WORDS.iter().any(|k| l.contains(k))
                })
            };
            if is_recipient_line(line, a, words) {
                // One hit past the cap is kept: it ends the last response read.
                if hits.len() <= MAX_RECIPIENTS {
                    hits.push((i, a.to_string()));
                } else {
                    uncounted += 1;
                }
                seen.insert(al);
            }
        }
    }
    if hits.is_empty() {
        if let Some(v) = mail.header("x-failed-recipients") {
            // One response for every address: read at most what one response keeps.
            let all = text::squeeze(text::prefix(body, 4 * text::MAX_RESPONSE));
            let all = text::prefix(&all, text::MAX_RESPONSE);
            let mut out = Found::default();
            for a in text::addresses(v) {
                if out.full() {
                    out.more += 1;
                } else {
                    out.push(Recipient {
                        address: a.to_string(),
                        diagnostic: all.to_string(),
                        ..Recipient::default()
                    });
                }
            }
            return Some(out);
        }
        return None;
    }
    let mut out = Found {
        recipients: Vec::with_capacity(hits.len().min(MAX_RECIPIENTS)),
        more: uncounted + hits.len().saturating_sub(MAX_RECIPIENTS),
    };
    // Recipients named on one line share their paragraph: made once.
    let mut last: Option<((usize, usize), String)> = None;
    for (k, (i, addr)) in hits.iter().enumerate().take(MAX_RECIPIENTS) {
        let next = hits
            .get(k + 1)
            .map(|(j, _)| *j)
            .filter(|j| j > i)
            .unwrap_or(lines.len());
        let diagnostic = match &last {
            Some((at, p)) if *at == (*i, next) => p.clone(),
            _ => {
                let p = paragraph(&lines, *i, next);
                last = Some(((*i, next), p.clone()));
                p
            }
        };
        out.recipients.push(Recipient {
            address: addr.clone(),
            diagnostic,
            ..Recipient::default()
        });
    }
    Some(out)
}

/// The response text for a recipient named on line `i`: that line and what follows up to the
/// next recipient or a blank line; when the recipient line stands alone, the next paragraph.
///
/// At most a few times [`text::MAX_RESPONSE`] bytes of text are read, so the cost of one
/// recipient's response is bounded however long its paragraph.
pub fn paragraph(lines: &[&str], i: usize, next: usize) -> String {
    // A block of RFC 3464 fields pasted after the prose is not part of the response.
    let part_of_reply = |l: &str| !text::is_blank(l) && !is_dsn_field(l);
    let mut budget = 4 * text::MAX_RESPONSE;
    let mut parts: Vec<&str> = Vec::with_capacity(16);
    let Some(first) = lines.get(i) else {
        return String::new();
    };
    take(&mut parts, &mut budget, first);
    let mut j = i + 1;
    while j < next && budget > 0 && part_of_reply(lines[j]) {
        take(&mut parts, &mut budget, lines[j]);
        j += 1;
    }
    if parts.len() == 1 && budget > 0 {
        while j < next && text::is_blank(lines[j]) {
            j += 1;
        }
        while j < next && budget > 0 && part_of_reply(lines[j]) {
            take(&mut parts, &mut budget, lines[j]);
            j += 1;
        }
    }
    let mut p = text::squeeze_join(&parts);
    text::clip(&mut p, text::MAX_RESPONSE);
    p
}

/// Adds what is left of `budget` bytes of `line` to `parts`.
fn take<'l>(parts: &mut Vec<&'l str>, budget: &mut usize, line: &'l str) {
    let l = text::prefix(line, *budget);
    *budget = budget.saturating_sub(l.len() + 1);
    parts.push(l);
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
