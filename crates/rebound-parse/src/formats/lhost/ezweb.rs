//! au by KDDI EZweb (`Postmaster@ezweb.ne.jp`, later `au.com`) notices,
//! `Subject: Mail System Error - Returned Mail`.
//!
//! A Japanese summary, then English: one of EZweb's fixed sentences, then the recipients, each
//! as `<address>` (with `: reply` when a server was quoted) or as a transcript block:
//!
//! ```text
//! Each of the following recipients was rejected by a remote
//! mail server.
//!
//!     Recipient: <user@example.org>
//!     >>> RCPT TO:<user@example.org>
//!     <<< 550 <user@example.org>: User unknown
//! ```
//!
//! Some versions add a `message/delivery-status` part (status X.0.0, no diagnostic); its
//! recipients are then taken and the text fills in their response.
//!
//! EZweb's fixed sentences state a cause no reply code shows (`SENTENCES`); a refusal by the
//! recipient's own mail filter ("domain filter", spam designation) is marked by the header
//! `X-SPASIGN: NG` instead.

use crate::formats::{Found, first_by_key, rfc3464};
use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// EZweb's subject line.
const SUBJECT: &str = "Mail System Error - Returned Mail";

/// Domains EZweb's notices come from.
const SENDERS: &[&str] = &["@ezweb.ne.jp", "@au.com"];

/// EZweb's fixed sentences and the cause each states: a disabled (or temporarily limited, i.e.
/// suspended for non-payment) subscriber account, a mailbox over quota, a delivery that timed
/// out.
const SENTENCES: &[(&str, &str)] = &[
    ("The user(s) account is disabled.", "suspend"),
    ("The user(s) account is temporarily limited.", "suspend"),
    (
        "The user(s) account is temporarily over quota",
        "mailboxfull",
    ),
    ("Your message was not delivered within", "expired"),
];

/// EZweb's spam-designation header: `NG` means the recipient's filter refused the message.
const SPASIGN: &str = "x-spasign";

/// Reads an EZweb notice.
pub fn read(mail: &Mail) -> Option<Found> {
    if mail.subject().trim() != SUBJECT
        || !SENDERS.iter().any(|d| text::contains_ci(mail.from(), d))
    {
        return None;
    }
    let (english, found) = notice(&mail.text);
    let filtered = mail
        .header(SPASIGN)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("NG"));
    let hint = if filtered {
        Some("filtered")
    } else {
        SENTENCES
            .iter()
            .find(|(s, _)| english.contains(s))
            .map(|(_, c)| *c)
    };
    let mut out = rfc3464::read(mail).unwrap_or_else(|| {
        let mut all = Found::default();
        for r in &found {
            all.push(r.clone());
        }
        all
    });
    let by_address = first_by_key(&found, |f| f.address.as_str());
    for r in &mut out.recipients {
        if let Some(f) = by_address
            .get(&r.address.to_ascii_lowercase())
            .and_then(|&i| found.get(i))
        {
            if r.diagnostic.is_empty() {
                r.diagnostic = f.diagnostic.clone();
            }
            r.command = r.command.take().or_else(|| f.command.clone());
        }
        if r.diagnostic.is_empty() {
            r.diagnostic = english.clone();
        }
        r.hint = r.hint.or(hint);
    }
    Some(out)
}

/// EZweb's English sentences, and the recipients with their quoted
/// replies and SMTP commands.
fn notice(body: &str) -> (String, Vec<Recipient>) {
    let mut english: Vec<&str> = Vec::new();
    let mut out: Vec<Recipient> = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        if t.starts_with("-----") {
            // The returned message follows the ruler.
            break;
        }
        let named = t.strip_prefix("Recipient:").unwrap_or(t).trim_start();
        if let Some(cmd) = t.strip_prefix(">>>") {
            if let Some(r) = out.last_mut() {
                r.command = smtp_command(cmd);
            }
        } else if let Some(reply) = t.strip_prefix("<<<") {
            if let Some(r) = out.last_mut() {
                r.diagnostic = text::squeeze(reply);
            }
        } else if named.starts_with('<')
            && let Some(end) = named.find('>')
            && let Some(a) = text::address(named.get(..end).unwrap_or(""))
        {
            let reply = named.get(end + 1..).unwrap_or("").trim_start_matches(':');
            out.push(Recipient {
                address: a.to_string(),
                diagnostic: text::squeeze(reply),
                ..Recipient::default()
            });
        } else if t.is_ascii() && !t.is_empty() {
            english.push(t);
        }
    }
    (text::squeeze(&english.join(" ")), out)
}

/// The command of a `>>>` transcript line ("MAIL FROM:<a@b>" → MAIL).
fn smtp_command(line: &str) -> Option<String> {
    let word = line
        .trim()
        .split([' ', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    matches!(word.as_str(), "MAIL" | "RCPT" | "DATA" | "EHLO" | "HELO").then_some(word)
}

#[cfg(test)]
mod tests {
    use crate::parse;

    const HEAD: &str = "From: Postmaster@ezweb.ne.jp\nSubject: Mail System Error - Returned Mail\nContent-Type: text/plain\n";

    #[test]
    fn transcript_reply_and_command() {
        let m = format!(
            "{HEAD}\nEach of the following recipients was rejected by a remote\nmail server.\n\n    Recipient: <bob@rcpt.test>\n    >>> MAIL FROM:<alice@sender.test>\n    <<< 550 5.7.1 Messages from 192.0.2.1 refused\n\n"
        );
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/ezweb");
        let b = &r.recipients[0];
        assert_eq!(b.address, "bob@rcpt.test");
        assert_eq!(b.command.as_deref(), Some("MAIL"));
        assert_eq!(b.diagnostic, "550 5.7.1 Messages from 192.0.2.1 refused");
        assert_eq!(b.hint, None);
    }

    #[test]
    fn fixed_sentences_and_spasign() {
        let m = format!("{HEAD}\nThe user(s) account is disabled.\n\n<bob@rcpt.test>\n\n");
        let r = parse(m.as_bytes());
        assert_eq!(r.recipients[0].hint, Some("suspend"));
        assert_eq!(
            r.recipients[0].diagnostic,
            "The user(s) account is disabled."
        );
        let m = format!(
            "{HEAD}X-SPASIGN: NG\n\n<bob@rcpt.test>\n\nEach of the following recipients was rejected by a remote mail server.\n-----\nTo: bob@rcpt.test\n"
        );
        let r = parse(m.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].hint, Some("filtered"));
    }
}
