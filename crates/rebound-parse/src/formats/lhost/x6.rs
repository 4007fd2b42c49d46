//! An unidentified MTA's notices ("X6" in Sisimai's corpus), `Subject: There was an error
//! sending your mail`, text starting `We had trouble delivering your message. Full details
//! follow:`. Each error is one line, either `The following recipients returned permanent
//! errors: ADDRESS. Reason: ... [REPLY]` or `SMTP Server HOST rejected recipient
//! ADDRESS (Error following RCPT command). It responded as follows: [REPLY]`; the remote
//! server's reply is in the square brackets.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// The notice's opening sentence.
pub(super) const OPENING: &str = "We had trouble delivering your message. Full details follow:";

/// Reads the notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    let start = mail.text.find(OPENING)?;
    let notice = mail.text.get(start..)?;
    let mut out = Vec::new();
    for line in notice.lines() {
        let addr = if let Some(rest) = line.split_once("returned permanent errors:") {
            text::address(rest.1)
        } else if let Some(rest) = line.split_once(" rejected recipient ") {
            text::address(rest.1)
        } else {
            None
        };
        let Some(addr) = addr else { continue };
        // The reply between the last '[' and its ']' (or the end of the line).
        let reply = line
            .rfind('[')
            .and_then(|p| line.get(p + 1..))
            .map(|r| r.get(..r.rfind(']').unwrap_or(r.len())).unwrap_or(r));
        let command = if line.contains("(DATA)") {
            Some("DATA")
        } else if line.contains("RCPT command") {
            Some("RCPT")
        } else {
            None
        };
        out.push(Recipient {
            address: addr.trim_end_matches('.').to_string(),
            diagnostic: text::squeeze(reply.unwrap_or(line)),
            command: command.map(str::to_string),
            ..Recipient::default()
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn reads_both_error_lines() {
        let m = "From: mailer-daemon\nSubject: There was an error sending your mail\nContent-Type: text/plain\n\nWe had trouble delivering your message. Full details follow:\n\n2 error(s):\n\nSMTP Server <mx.rcpt.test> rejected recipient <bob@rcpt.test> (Error following RCPT command). It responded as follows: [550 5.1.1 User unknown]\nThe following recipients returned permanent errors: carol@rcpt.test. Reason: SMTP Server <192.0.2.1> refused to accept your message (DATA), with the following error message: [554 5.4.6 Hop count exceeded]\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/x6");
        assert_eq!(r.recipients.len(), 2);
        assert_eq!(r.recipients[0].diagnostic, "550 5.1.1 User unknown");
        assert_eq!(r.recipients[0].command.as_deref(), Some("RCPT"));
        assert_eq!(r.recipients[1].address, "carol@rcpt.test");
        assert_eq!(r.recipients[1].status.as_deref(), Some("5.4.6"));
    }
}
