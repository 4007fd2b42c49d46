//! Uniform completion of what a format module left open, so each module only has to find the
//! recipients and their responses.

use std::sync::LazyLock;

use crate::mail::Mail;
use crate::notice::Notice;
use crate::report::{Action, Report};
use crate::text;

/// Wording of notices that are still retrying (Postfix "Delayed Mail (still being retried)",
/// Sendmail "Warning: could not send message for past 4 hours", Exim "has been delayed").
pub(crate) const STILL_TRYING: &[&str] = &[
    "still being retried",
    "will continue trying",
    "will keep trying",
    "will be retried",
    "will retry",
    "delivery has been delayed",
    "has been delayed",
    "not yet been delivered",
    "this is only a warning",
    "still trying",
];

/// Where reports say which SMTP command a reply answered: Postfix "(in reply to RCPT TO
/// command)", Exim "SMTP error from remote mail server after RCPT TO:", qmail "most progress was
/// RCPT TO response". Checked in this order; the first phrase found names the command.
const COMMAND_PHRASES: &[(&str, &str)] = &[
    ("in reply to end of data", "DATA"),
    ("in reply to data", "DATA"),
    ("after end of data", "DATA"),
    ("after data", "DATA"),
    ("[data]", "DATA"),
    ("data response", "DATA"),
    ("in reply to rcpt to", "RCPT"),
    ("after rcpt command", "RCPT"),
    ("[rcpt_to]", "RCPT"),
    ("after rcpt to", "RCPT"),
    ("rcpt to response", "RCPT"),
    ("in reply to mail from", "MAIL"),
    ("after mail from", "MAIL"),
    ("mail from response", "MAIL"),
    ("in reply to ehlo", "EHLO"),
    ("in reply to helo", "HELO"),
    ("after ehlo", "EHLO"),
    ("after helo", "HELO"),
    ("after initial connection", "CONN"),
    ("in reply to initial greeting", "CONN"),
];

fn command_in(haystack: &str) -> Option<&'static str> {
    static PHRASES: LazyLock<text::PhraseSet> =
        LazyLock::new(|| text::PhraseSet::new(COMMAND_PHRASES.iter().map(|(p, _)| p)));
    // The first phrase of the table that occurs, wherever it occurs.
    let mut first: Option<usize> = None;
    PHRASES.each_match(haystack, |i, _| {
        first = Some(first.map_or(i, |f| f.min(i)));
    });
    first.and_then(|i| COMMAND_PHRASES.get(i)).map(|(_, c)| *c)
}

/// Sendmail's own transcript lines that state a cause: "unknown mailer error N" is its message
/// for a local delivery program (`X-Unix` mailer) that exited with a code outside sysexits(3).
const SENDMAIL_CAUSES: &[(&str, &str)] = &[("unknown mailer error", "mailererror")];

/// The status code of a response that says most: failures (4.x.x, 5.x.x) before successes
/// in a transcript, and RFC 3463 §3.5's advice for X.4.7 ("the code for the actual problem found
/// when delivery was attempted should be returned rather than this code"): a later code wins
/// over "delivery time expired". X.0.0 only when nothing else is there and `allow_generic`.
fn preferred_code(diagnostic: &str, allow_generic: bool) -> Option<String> {
    let codes: Vec<&str> = text::status_codes(diagnostic).collect();
    let failure = |c: &&str| c.starts_with(['4', '5']);
    let specific = |c: &&str| !c.ends_with(".0.0") && !c.ends_with(".4.7");
    codes
        .iter()
        .find(|c| failure(c) && specific(c))
        .or_else(|| codes.iter().find(|c| failure(c) && !c.ends_with(".0.0")))
        .or_else(|| codes.iter().find(|c| !c.ends_with(".0.0")))
        .or_else(|| codes.first().filter(|_| allow_generic))
        .map(|c| c.to_string())
}

/// Fills status, reply code, command, action and an empty response from the rest of the message.
pub fn complete(report: &mut Report, mail: &Mail) {
    let notice = mail.notice();
    // Sized for the notice's lines at once (notices are short; grown a few times otherwise).
    let mut lines: Vec<&str> = Vec::with_capacity(64);
    lines.extend(text::lines(notice));
    let all: Vec<String> = report
        .recipients
        .iter()
        .map(|r| r.address.clone())
        .collect();
    // What the notice says about each recipient, looked up through one index (SPEC §10: no
    // search of the whole notice per recipient).
    let capped = report
        .flags
        .iter()
        .any(|f| matches!(f, crate::Flag::TooManyRecipients(_)));
    let mut index = Notice::new(notice, &lines, &all, capped);
    for r in &mut report.recipients {
        let around = if r.diagnostic.is_empty() || r.command.is_none() {
            index.response(&r.address)
        } else {
            None
        };
        if r.diagnostic.is_empty()
            && let Some(d) = &around
        {
            r.diagnostic = d.clone();
            text::clip(&mut r.diagnostic, text::MAX_RESPONSE);
        }
        if r.command.is_none() {
            let around = around.unwrap_or_default();
            r.command = command_in(&r.diagnostic)
                .or_else(|| command_in(&around))
                .or_else(|| index.transcript_command(&r.address, &r.diagnostic))
                .map(str::to_string);
        }
        // RFC 3463 codes in the response are more specific than the `Status:` field: Exim and
        // OpenSMTPD write 5.0.0 there, Sendmail 4.4.7 for any deferral that timed out.
        let mut found = preferred_code(&r.diagnostic, r.status.is_none());
        if found.is_none()
            && r.status.as_deref().is_some_and(|s| s.ends_with(".0.0"))
            && text::status_code(&r.diagnostic).is_none()
            && let Some((code, line)) = index.transcript_code(&r.address, all.len() == 1)
        {
            found = Some(code);
            r.hint = r.hint.or_else(|| {
                SENDMAIL_CAUSES
                    .iter()
                    .find(|(w, _)| text::contains_ci(line, w))
                    .map(|(_, c)| *c)
            });
        }
        match (&r.status, found) {
            (None, Some(f)) => r.status = Some(f),
            (Some(s), Some(f)) if s.get(..1) == f.get(..1) => r.status = Some(f),
            // A failed delivery (RFC 3464 §2.3.3) whose server replied permanently, reported
            // with a temporary Status: Postfix writes 4.x.x when it skipped a 5xx greeting
            // (`smtp_skip_5xx_greeting`) and then gave up. The server's own code is the fact.
            (Some(s), Some(f))
                if r.action == Some(Action::Failed) && s.starts_with('4') && f.starts_with('5') =>
            {
                r.status = Some(f)
            }
            _ => {}
        }
        if r.reply_code.is_none() {
            r.reply_code = text::reply_code(&r.diagnostic).map(str::to_string);
        }
        if r.action.is_none() {
            let class = r
                .status
                .as_deref()
                .or(r.reply_code.as_deref())
                .and_then(|s| s.chars().next());
            r.action = Some(match class {
                Some('2') => Action::Delivered,
                _ if mail.scan().still_trying() => Action::Delayed,
                _ => Action::Failed,
            });
        }
        if r.status.is_none() {
            // Only the class is known (RFC 3463 X.0.0 "other undefined status").
            let class = match (r.reply_code.as_deref(), r.action) {
                (Some(c), _) => &c[..1],
                (None, Some(Action::Delayed)) => "4",
                (None, Some(Action::Delivered | Action::Relayed | Action::Expanded)) => "2",
                _ => "5",
            };
            r.status = Some(format!("{class}.0.0"));
        }
    }
}

/// Sets the original message's `Message-ID` and headers: from an attached part, else from a
/// header block quoted in the text after the notice.
pub fn original(report: &mut Report, mail: &Mail) {
    let block = match &mail.original_block {
        Some(b) => Some(b.clone()),
        None => quoted_header_block(mail.text.get(mail.notice().len()..).unwrap_or("")),
    };
    let mut id = block.as_deref().and_then(|b| field_value(b, "message-id"));
    if id.is_none() && mail.original_block.is_none() {
        // The id sits further down (after a transcript, say): take that line.
        let rest = mail.text.get(mail.notice().len()..).unwrap_or("");
        id = text::find_ci(rest, "\nmessage-id:").and_then(|p| {
            let line = text::lines(rest.get(p + 1..)?).next()?;
            Some(line.split_once(':')?.1.trim().to_string())
        });
    }
    // An auto-reply, or a bounce sent as a reply, names the original in In-Reply-To
    // (RFC 5322 §3.6.4) even when it quotes nothing.
    report.original_message_id = id
        .or_else(|| {
            mail.header("in-reply-to")
                .and_then(|v| v.split_whitespace().find(|t| t.starts_with('<')))
                .map(str::to_string)
        })
        .filter(|v| !v.is_empty());
    report.original_header_block = block;
}

/// The header block of an original quoted inline after the notice: from the first line that
/// looks like a header field to the first empty line.
fn quoted_header_block(rest: &str) -> Option<String> {
    text::find_ci(rest, "message-id:")?;
    let mut lines = text::lines(rest).skip_while(|l| !looks_like_field(l));
    let first = lines.next()?;
    let mut block = String::from(first);
    for l in lines.take_while(|l| !text::is_blank(l)) {
        block.push('\n');
        block.push_str(l);
    }
    Some(block)
}

fn looks_like_field(line: &str) -> bool {
    !line.starts_with([' ', '\t'])
        && split_at_colon(line).is_some_and(|(n, _)| !n.is_empty() && !n.as_bytes().contains(&b' '))
}

/// `line.split_once(':')` with `memchr`: cheaper per line than a character searcher.
fn split_at_colon(line: &str) -> Option<(&str, &str)> {
    let colon = memchr::memchr(b':', line.as_bytes())?;
    // The colon is ASCII, so both sides are whole characters.
    Some((line.get(..colon)?, line.get(colon + 1..)?))
}

/// The unfolded value of the first `name` field (lower case) in a header block.
fn field_value(block: &str, name: &str) -> Option<String> {
    let mut lines = text::lines(block).peekable();
    while let Some(line) = lines.next() {
        let Some((n, v)) = split_at_colon(line) else {
            continue;
        };
        if line.starts_with([' ', '\t']) || !text::trim(n).eq_ignore_ascii_case(name) {
            continue;
        }
        let mut value = text::trim(v).to_string();
        while let Some(next) = lines.peek().filter(|l| l.starts_with([' ', '\t'])) {
            value.push(' ');
            value.push_str(text::trim(next));
            lines.next();
        }
        return Some(value.trim().to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn reason_above_a_list_of_bare_addresses() {
        let m = "From: postmaster@mx.rcpt.test\nSubject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThis is an automatically generated Delivery Status Notification.\n\nUnable to deliver message to the following recipients, because the message was forwarded more than the maximum allowed times. This could indicate a mail loop.\n\n       bob@rcpt.test\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;mx.rcpt.test\n\nFinal-Recipient: rfc822;bob@rcpt.test\nAction: failed\nStatus: 4.4.6\n\n--b--\n";
        let r = parse(m.as_bytes());
        assert!(
            r.recipients[0]
                .diagnostic
                .starts_with("Unable to deliver message to the following recipients, because")
        );
    }

    #[test]
    fn mailer_exit_status_from_the_transcript() {
        let m = "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.rcpt.test>\nSubject: Returned mail: see transcript for details\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\n\n   ----- The following addresses had permanent fatal errors -----\n\"|/usr/local/bin/filter\"\n    (reason: 255)\n\n   ----- Transcript of session follows -----\nfilter: database unavailable\n554 5.3.0 unknown mailer error 255\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.rcpt.test\n\nFinal-Recipient: RFC822; bob@rcpt.test\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: X-Unix; 255\n\n--b--\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.recipients[0].status.as_deref(), Some("5.3.0"));
        assert_eq!(r.recipients[0].diagnostic, "255");
        assert_eq!(r.recipients[0].hint, Some("mailererror"));
    }

    #[test]
    fn a_permanent_reply_beats_a_temporary_status_of_a_failure() {
        let m = "From: MAILER-DAEMON@mx.sender.test\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.sender.test\n\nFinal-Recipient: rfc822; bob@rcpt.test\nAction: failed\nStatus: 4.5.0\nDiagnostic-Code: smtp; 550 5.5.0 Service refused\n\nFinal-Recipient: rfc822; carl@rcpt.test\nAction: delayed\nStatus: 4.5.0\nDiagnostic-Code: smtp; 550 5.5.0 Service refused\n\n--b--\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.recipients[0].status.as_deref(), Some("5.5.0"));
        assert_eq!(r.recipients[1].status.as_deref(), Some("4.5.0"));
    }

    #[test]
    fn a_list_heading_alone_is_no_reason() {
        let m = "From: MAILER-DAEMON@mx.sender.test\nSubject: Returned mail\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThe following recipients failed:\n\n   bob@rcpt.test\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822;bob@rcpt.test\nAction: failed\nStatus: 5.0.0\n\n--b--\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.recipients[0].diagnostic, "");
    }
}
