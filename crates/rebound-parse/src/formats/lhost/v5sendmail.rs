//! Sendmail version 5 (and the early 8.x releases before DSN) plain-text bounces.
//!
//! Sent as `Subject: Returned mail: <why>`, with no `message/delivery-status` part. The body is
//! the session transcript after `----- Transcript of session follows -----`, and the returned
//! message after `----- Unsent message follows -----` (or `----- No message was collected
//! -----`). In the transcript, `While talking to <host>:` opens an SMTP conversation whose
//! commands are quoted as `>>> RCPT To:<...>` and whose replies as `<<< 550 ...`; sendmail's own
//! verdict for each address is a line `554 <address>... reason`; lines `421 host (smtp)...
//! Deferred: ...` are about hosts, not recipients.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// Lines that separate the transcript from the returned message (sendmail `savemail.c`).
const UNSENT_MARKERS: &[&str] = &[
    "----- Unsent message follows -----",
    "----- No message was collected -----",
];

/// Subject of sendmail's queue-timeout bounce ("Returned mail: Cannot send message for 5
/// days", `queue.c` / `savemail.c`): the message expired in the queue.
const EXPIRED_SUBJECT: &str = "cannot send message for";

/// The address of a sendmail verdict line `550 <addr>... reason`, when `line` is one. Sendmail
/// 8 puts the RFC 3463 code after the reply code (`550 5.1.1 <addr>... User unknown`,
/// `usersmtp.c`); it is skipped.
fn verdict_address(line: &str) -> Option<&str> {
    let code = line.get(..3)?;
    if !code.bytes().all(|b| b.is_ascii_digit()) || !line.get(3..)?.starts_with(' ') {
        return None;
    }
    let rest = line.get(4..)?;
    let rest = match text::status_code(rest) {
        Some(s) if rest.starts_with(s) && rest.get(s.len()..)?.starts_with(' ') => {
            rest.get(s.len() + 1..)?
        }
        _ => rest,
    };
    let (who, _) = rest.split_once("...")?;
    let who = who.trim();
    if who.contains(' ') {
        return None;
    }
    text::address(who)
}

/// The SMTP command word of a quoted `>>> ` line.
fn command_word(line: &str) -> Option<String> {
    let w = line.split([' ', ':']).next()?.to_ascii_uppercase();
    (!w.is_empty()).then_some(w)
}

/// Reads a version-5 sendmail bounce.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !mail.subject().starts_with("Returned mail:") || !mail.status_parts.is_empty() {
        return None;
    }
    let body = mail.text.as_str();
    let cut = UNSENT_MARKERS.iter().filter_map(|m| body.find(m)).min()?;
    let transcript = body.get(..cut)?;
    let start = transcript.find("----- Transcript of session follows -----")?;
    let transcript = transcript.get(start..)?;
    let unsent = body.get(cut..).unwrap_or("");

    let mut out: Vec<Recipient> = Vec::new();
    let mut host: Option<String> = None;
    let mut cmd: Option<String> = None;
    // Replies quoted from the current conversation, not yet given to a recipient.
    let mut replies: Vec<&str> = Vec::new();
    // Sendmail's lines about hosts; the only evidence when no recipient line exists.
    let mut other: Vec<&str> = Vec::new();
    for line in transcript.lines().skip(1) {
        let line = line.trim_end();
        if let Some(h) = line.strip_prefix("While talking to ") {
            host = Some(h.trim_end_matches(':').trim().to_string());
            cmd = None;
            replies.clear();
        } else if let Some(c) = line.strip_prefix(">>> ") {
            cmd = command_word(c);
        } else if let Some(r) = line.strip_prefix("<<< ") {
            replies.push(r);
        } else if let Some(addr) = verdict_address(line) {
            match out.last_mut() {
                Some(last) if last.address.eq_ignore_ascii_case(addr) && replies.is_empty() => {
                    // Only what one response keeps (a run of verdicts for one address is read
                    // in bounded memory).
                    if last.diagnostic.len() < text::MAX_RESPONSE {
                        last.diagnostic.push(' ');
                        last.diagnostic
                            .push_str(text::prefix(line, text::MAX_RESPONSE));
                    }
                }
                _ => {
                    let conversation = !replies.is_empty();
                    replies.push(line);
                    out.push(Recipient {
                        address: addr.to_string(),
                        diagnostic: text::squeeze(&replies.join(" ")),
                        remote_mta: host.clone().filter(|_| conversation),
                        command: cmd.clone().filter(|_| conversation),
                        ..Recipient::default()
                    });
                    replies.clear();
                }
            }
        } else if !line.trim().is_empty() {
            other.push(line);
        }
    }
    if out.is_empty() {
        // Nothing but host lines: the recipient is the returned message's `To`.
        let to = unsent
            .lines()
            .take_while(|l| !l.trim().is_empty() || l.contains("-----"))
            .find_map(|l| l.strip_prefix("To:"))?;
        out.push(Recipient {
            address: text::address(to)?.to_string(),
            diagnostic: text::squeeze(&other.join(" ")),
            ..Recipient::default()
        });
    }
    if text::contains_ci(mail.subject(), EXPIRED_SUBJECT) {
        for r in &mut out {
            r.hint = Some("expired");
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::parse;

    const BOUNCE: &str = "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.sender.test>\nSubject: Returned mail: User unknown\nTo: alice@sender.test\n\n   ----- Transcript of session follows -----\nWhile talking to mx.rcpt.test:\n>>> RCPT To:<bob@rcpt.test>\n<<< 550 No such user here\n550 <bob@rcpt.test>... User unknown\n550 nowhere.test (smtp)... 550 Host unknown\n554 <carol@nowhere.test>... 550 Host unknown (Authoritative answer from name server)\n\n   ----- Unsent message follows -----\nFrom: alice@sender.test\nTo: bob@rcpt.test\nSubject: hi\n\nhello\n";

    const EXPIRED: &str = "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.sender.test>\nSubject: Returned mail: Cannot send message for 5 days\nTo: alice@sender.test\n\n   ----- Transcript of session follows -----\n421 rcpt.test (smtp)... Deferred: Connection timed out\n\n   ----- Unsent message follows -----\nFrom: alice@sender.test\nTo: dave@rcpt.test\nSubject: hi\n\nhello\n";

    #[test]
    fn reads_transcript_verdicts_in_order() {
        let r = parse(BOUNCE.as_bytes());
        assert_eq!(r.engine, "lhost/v5sendmail");
        let got: Vec<_> = r.recipients.iter().map(|x| x.address.as_str()).collect();
        assert_eq!(got, ["bob@rcpt.test", "carol@nowhere.test"]);
        let bob = &r.recipients[0];
        assert_eq!(
            bob.diagnostic,
            "550 No such user here 550 <bob@rcpt.test>... User unknown"
        );
        assert_eq!(bob.command.as_deref(), Some("RCPT"));
        assert_eq!(bob.remote_mta.as_deref(), Some("mx.rcpt.test"));
        assert_eq!(r.recipients[1].remote_mta, None);
    }

    #[test]
    fn queue_timeout_takes_the_returned_to() {
        let r = parse(EXPIRED.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "dave@rcpt.test");
        assert_eq!(r.recipients[0].hint, Some("expired"));
        assert_eq!(r.recipients[0].status.as_deref(), Some("4.0.0"));
    }
}
