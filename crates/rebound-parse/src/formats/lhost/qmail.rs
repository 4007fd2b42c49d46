//! qmail (<https://cr.yp.to/qmail.html>) `qmail-send` bounces and the notices of qmail-based
//! systems that keep its layout.
//!
//! qmail writes "Hi. This is the qmail-send program at HOST." and "I'm afraid I wasn't able to
//! deliver your message to the following addresses." (some derivatives: "Message from HOST." /
//! "Unable to deliver message to the following address(es)."), then one paragraph per
//! recipient, `<address>:` on its own line followed by the error, and finally
//! "--- Below this line is a copy of the message." `qmail-remote` quotes the server after
//! "Remote host said:" and names the stage ("Connected to IP but sender was rejected.").

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// Opening sentences of qmail-send (`qmail-send.c`) and of qmail-based notices.
pub(super) const OPENINGS: &[&str] = &[
    "this is the qmail-send program at",
    "i'm afraid i wasn't able to deliver your message to the following addresses",
    "unable to deliver message to the following address(es)",
];

/// `qmail-remote.c` messages naming the SMTP stage a failure happened in.
const STAGES: &[(&str, &str)] = &[
    ("but greeting failed", "CONN"),
    ("but my name was rejected", "HELO"),
    ("but sender was rejected", "MAIL"),
    ("does not like recipient", "RCPT"),
    ("failed on data command", "DATA"),
    ("failed after i sent the message", "DATA"),
];

/// `qmail-send.c`: a deferred message outlived the queue lifetime and was bounced.
const QUEUE_TOO_LONG: &str = "this message has been in the queue too long";

/// qmail's own sentences around the quoted response; they are not the server's words.
const QMAIL_TAILS: &[&str] = &[
    "giving up on ",
    "i'm not going to try again",
    "/i'm not going",
];

/// Reads a qmail bounce.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    let notice = mail.notice();
    let head = notice.get(..notice.len().min(2048)).unwrap_or(notice);
    let lower_head = head.to_ascii_lowercase();
    if !OPENINGS.iter().any(|o| lower_head.contains(o)) {
        return None;
    }
    let derivative = !OPENINGS[..2].iter().any(|o| lower_head.contains(o));
    let mut blocks: Vec<(String, Vec<&str>)> = Vec::new();
    let mut open = false;
    for line in notice.lines() {
        let t = line.trim();
        if t.starts_with('<') && t.ends_with(">:") && t.contains('@') {
            let addr = t.trim_start_matches('<').trim_end_matches(">:");
            blocks.push((addr.to_string(), Vec::new()));
            open = true;
        } else if t.is_empty() {
            open = false;
        } else if open && let Some((_, lines)) = blocks.last_mut() {
            lines.push(t);
        }
    }
    if blocks.is_empty() {
        return None;
    }
    Some(
        blocks
            .into_iter()
            .map(|(address, lines)| {
                let all = text::squeeze(&lines.join(" "));
                let lower = all.to_ascii_lowercase();
                let command = STAGES
                    .iter()
                    .find(|(w, _)| lower.contains(w))
                    .map(|(_, c)| c.to_string());
                // qmail-send itself quotes the last attempt's error in qmail-remote's fixed
                // sentences ("Sorry, I wasn't able to establish an SMTP connection", "Unable to
                // contact LDAP server"), which name the cause; its queue-lifetime sentence is
                // left to the classifier's general expiry rule. Derivatives with their own
                // layout ("Message from HOST. Unable to deliver message to the following
                // address(es).") report the expiry as the verdict. Sisimai draws the same line:
                // its qmail module maps qmail-remote's sentences first, its X2 module for the
                // derivative leaves them to the generic tables, where the expiry wins.
                let hint = (derivative && lower.contains(QUEUE_TOO_LONG)).then_some("expired");
                Recipient {
                    address,
                    diagnostic: response(&all),
                    command,
                    hint,
                    ..Recipient::default()
                }
            })
            .collect(),
    )
}

/// The server's words after "Remote host said:", without qmail's trailing sentences; the whole
/// error when no server was quoted (a local delivery error).
fn response(all: &str) -> String {
    let Some(p) = text::find_ci(all, "remote host said:") else {
        return all.to_string();
    };
    let mut r = all
        .get(p + "remote host said:".len()..)
        .unwrap_or("")
        .trim();
    let lower = r.to_ascii_lowercase();
    if let Some(cut) = QMAIL_TAILS.iter().filter_map(|t| lower.find(t)).min() {
        r = r.get(..cut).unwrap_or(r).trim();
    }
    r.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_stage_and_response() {
        let m = "From: MAILER-DAEMON@mx.test\nSubject: failure notice\n\n\
                 Hi. This is the qmail-send program at mx.test.\n\
                 I'm afraid I wasn't able to deliver your message to the following addresses.\n\
                 This is a permanent error; I've given up. Sorry it didn't work out.\n\n\
                 <who@dest.test>:\n\
                 192.0.2.1 does not like recipient.\n\
                 Remote host said: 550 5.1.1 no such user\n\
                 Giving up on 192.0.2.1.\n\n\
                 <late@dest.test>:\n\
                 Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n\
                 I'm not going to try again; this message has been in the queue too long.\n\n\
                 --- Below this line is a copy of the message.\n\nSubject: hi\n";
        let rs = read(&Mail::read(m.as_bytes())).expect("qmail");
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].address, "who@dest.test");
        assert_eq!(rs[0].command.as_deref(), Some("RCPT"));
        assert_eq!(rs[0].diagnostic, "550 5.1.1 no such user");
        // qmail-send's own notice leaves the expiry to the classifier.
        assert_eq!(rs[1].hint, None);
    }

    #[test]
    fn derivative_layout_states_the_expiry() {
        let m = "From: MAILER-DAEMON@mx.test\nSubject: failure delivery\n\n\
                 Message from mx.test.\n\
                 Unable to deliver message to the following address(es).\n\n\
                 <late@dest.test>:\n\
                 Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n\
                 I'm not going to try again; this message has been in the queue too long.\n\n\
                 --- Original message follows.\n\nSubject: hi\n";
        let rs = read(&Mail::read(m.as_bytes())).expect("qmail derivative");
        assert_eq!(rs.len(), 1);
        assert_eq!(rs[0].hint, Some("expired"));
    }
}
