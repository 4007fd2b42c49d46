//! Ipswitch/Progress IMail Server bounces (`X-Mailer: <SMTP32 vN>`, `Subject: Undeliverable
//! Mail`).
//!
//! Plain text: one line per failed recipient, `<IMail's reason>: address` ("Unknown user:
//! a@b", "User mailbox exceeds allowed size: a@b") or `undeliverable to a@b`; when the remote
//! server refused, its reply follows `Body of message generated response:`. The returned message
//! follows `Original message follows.`.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// IMail's own reason phrases and the cause each one names. These are IMail's fixed wording, not
/// a remote server's reply, so they carry no status code.
const OWN_REASONS: &[(&str, &str)] = &[
    ("Delivery failed ", "expired"), // "Delivery failed 20 attempts: a@b" — retries used up
    ("Invalid final delivery userid", "userunknown"),
    ("Unknown host", "hostunknown"),
    ("Unknown user", "userunknown"),
    ("User mailbox exceeds allowed size", "mailboxfull"),
];

/// Introduces the remote server's reply.
const RESPONSE: &str = "Body of message generated response:";

/// The returned message starts here.
const ORIGINAL: &str = "Original message follows.";

fn is_imail(mail: &Mail) -> bool {
    mail.header("x-mailer")
        .is_some_and(|v| v.trim_start().starts_with("<SMTP32 v"))
}

/// The recipient named by an IMail reason line, if `line` is one.
fn recipient_of(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix("undeliverable to ") {
        return text::address(rest);
    }
    let (phrase, rest) = line.split_once(": ")?;
    if phrase.len() < 8 || phrase.contains('@') || rest.trim().contains(' ') {
        return None;
    }
    text::address(rest)
}

/// Reads an IMail Server bounce.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !is_imail(mail) {
        return None;
    }
    let body = mail.text.as_str();
    let notice = body.get(..body.find(ORIGINAL).unwrap_or(body.len()))?;
    let response = notice.find(RESPONSE).map(|p| {
        let after = notice.get(p + RESPONSE.len()..).unwrap_or("");
        let block: Vec<&str> = after
            .lines()
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| !l.trim().is_empty())
            .collect();
        text::squeeze(&block.join(" "))
    });
    let mut out = Vec::new();
    for line in notice.lines().map(str::trim) {
        let Some(addr) = recipient_of(line) else {
            continue;
        };
        let hint = OWN_REASONS
            .iter()
            .find(|(p, _)| line.starts_with(p))
            .map(|(_, h)| *h);
        let diagnostic = match &response {
            Some(r) if !r.is_empty() => r.clone(),
            _ => text::squeeze(line),
        };
        out.push(Recipient {
            address: addr.to_string(),
            diagnostic,
            hint,
            ..Recipient::default()
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::parse;

    fn bounce(notice: &str) -> String {
        format!(
            "From: \"Postmaster\" <postmaster@mx.rcpt.test>\nSubject: Undeliverable Mail\nX-Mailer: <SMTP32 v8.22>\nTo: alice@sender.test\n\n{notice}\n\nOriginal message follows.\n\nFrom: alice@sender.test\nTo: bob@rcpt.test\nMessage-ID: <1@sender.test>\n\nhi\n"
        )
    }

    #[test]
    fn own_reason_gives_the_cause() {
        let r = parse(bounce("User mailbox exceeds allowed size: bob@rcpt.test").as_bytes());
        assert_eq!(r.engine, "lhost/imailserver");
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "bob@rcpt.test");
        assert_eq!(r.recipients[0].hint, Some("mailboxfull"));
        assert_eq!(r.original_message_id.as_deref(), Some("<1@sender.test>"));
    }

    #[test]
    fn remote_reply_is_the_diagnostic() {
        let notice = "undeliverable to bob@rcpt.test\n\nBody of message generated response:\n550-Rejected, listed URL\n550 in message body";
        let r = parse(bounce(notice).as_bytes());
        let b = &r.recipients[0];
        assert_eq!(b.diagnostic, "550-Rejected, listed URL 550 in message body");
        assert_eq!(b.reply_code.as_deref(), Some("550"));
        assert_eq!(b.hint, None);
    }
}
