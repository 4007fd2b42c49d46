//! 1&1 (Eins und Eins, `mailer-daemon@kundenserver.de`) notices.
//!
//! Exim's opening sentence, but 1&1's own layout: addresses unindented, the reason after "For
//! the following reason:" (1&1's own errors, documented at postmaster.1and1.com) or on the line
//! after `address:` (a remote server's reply), and the returned headers after a fixed line:
//!
//! ```text
//! The following address failed:
//!
//! user@example.org
//!
//! For the following reason:
//!
//! Mail size limit exceeded. For explanation visit
//! http://postmaster.1and1.com/en/error-messages?ip=%1s
//!
//! --- The header of the original message is following. ---
//! ```
//!
//! A remote reply reads "SMTP error from remote server for TEXT command, host: HOST (IP)
//! reason: 550 …"; "TEXT" is 1&1's name for the message content, i.e. the reply to DATA.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// The opening sentence (shared with Exim).
pub(super) const OPENING: &str = "This message was created automatically by mail delivery software";

/// 1&1's line before the returned headers; no other MTA writes it.
const HEADER_MARKER: &str = "--- The header of the original message is following. ---";

/// Introduces 1&1's own reason.
const REASON: &str = "For the following reason:";

/// Introduces a remote server's reply ("… host: HOST (IP) reason: 550 …").
const REMOTE: &str = "SMTP error from remote server";

/// Reads a 1&1 notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    let body = mail.text.as_str();
    let end = body.find(HEADER_MARKER)?;
    let notice = body.get(..end)?;
    let start = notice.find(OPENING)?;
    let mut out: Vec<Recipient> = Vec::new();
    let mut reason: Vec<&str> = Vec::new();
    for line in notice.get(start..)?.lines().skip(1) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let bare = t.trim_end_matches(':');
        if !bare.contains(' ') && text::address(bare).is_some_and(|a| a.len() + 2 >= bare.len()) {
            finish(&mut out, &mut reason);
            out.push(Recipient {
                address: text::address(bare).unwrap_or(bare).to_string(),
                ..Recipient::default()
            });
        } else if !out.is_empty() && !t.starts_with(REASON) {
            reason.push(t);
        }
    }
    finish(&mut out, &mut reason);
    Some(out)
}

/// Gives the last recipient the collected reason: the reply after "reason:" when a remote
/// server is quoted, else 1&1's own words.
fn finish(out: &mut [Recipient], reason: &mut Vec<&str>) {
    let all = text::squeeze(&reason.join(" "));
    reason.clear();
    let Some(r) = out.last_mut() else { return };
    if !r.diagnostic.is_empty() || all.is_empty() {
        return;
    }
    if all.starts_with(REMOTE)
        && let Some(p) = all.find(" reason: ")
    {
        let head = all.get(..p).unwrap_or("");
        r.remote_mta = head
            .split_once("host: ")
            .and_then(|(_, h)| h.split_whitespace().next())
            .map(str::to_string);
        if head.contains("for TEXT command") {
            r.command = Some("DATA".to_string());
        }
        r.diagnostic = all.get(p + " reason: ".len()..).unwrap_or("").to_string();
    } else {
        r.diagnostic = all;
    }
}

#[cfg(test)]
mod tests {
    use crate::parse;

    const HEAD: &str = "From: \"Mail Delivery System\" <mailer-daemon@isp.test>\nSubject: Mail delivery failed: returning message to sender\nContent-Type: text/plain\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients. This is a permanent error.\n\n";
    const TAIL: &str = "\n--- The header of the original message is following. ---\n\nMessage-ID: <1@sender.test>\nTo: bob@rcpt.test\n\n";

    #[test]
    fn own_reason_after_for_the_following_reason() {
        let m = format!(
            "{HEAD}The following address failed:\n\nbob@rcpt.test\n\nFor the following reason:\n\nMail size limit exceeded. For explanation visit\nhttp://postmaster.isp.test/\n{TAIL}"
        );
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/einsundeins");
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "bob@rcpt.test");
        assert!(
            r.recipients[0]
                .diagnostic
                .starts_with("Mail size limit exceeded.")
        );
    }

    #[test]
    fn remote_reply_after_reason() {
        let m = format!(
            "{HEAD}The following address(es)\nfailed:\n\nbob@rcpt.test:\nSMTP error from remote server for TEXT command, host: mx.rcpt.test (192.0.2.1) reason: 550 5.2.0 Mail rejected.\n{TAIL}"
        );
        let r = parse(m.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        let b = &r.recipients[0];
        assert_eq!(b.diagnostic, "550 5.2.0 Mail rejected.");
        assert_eq!(b.remote_mta.as_deref(), Some("mx.rcpt.test"));
        assert_eq!(b.command.as_deref(), Some("DATA"));
        assert_eq!(b.status.as_deref(), Some("5.2.0"));
    }
}
