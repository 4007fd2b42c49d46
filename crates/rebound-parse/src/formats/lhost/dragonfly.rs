//! DragonFly Mail Agent (`dma`, the small MTA of DragonFly BSD and some Linux distributions).
//!
//! Its bounces are plain text sent as `MAILER-DAEMON` with `Subject: Mail delivery failed`; the
//! message's own `Received:` field names "DragonFly Mail Agent". The notice names one recipient
//! per `There was an error delivering your mail to <address>.` line, then the error: either
//! `host [ip] did not like our RCPT TO:` (or `final DATA`, ...) followed by the server's reply,
//! or one of dma's own messages (`DNS lookup failure: host ... not found`, `Could not deliver for
//! the last N seconds. Giving up.`). The returned headers follow `Message headers follow.` or
//! `Original message follows.`.

use std::sync::LazyLock;

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// Line that starts each recipient's block (dma `mail.c`, bounce text).
const RECIPIENT_LINE: &str = "There was an error delivering your mail to";

/// dma's own reasons, written by dma itself rather than a remote server.
const OWN_MESSAGES: &[(&str, &str)] = &[
    // dma.c: the queue lifetime (MAX_TIMEOUT) ran out.
    ("Could not deliver for the last ", "expired"),
    // net.c: no MX and no A record for the recipient's domain.
    ("DNS lookup failure: host ", "hostunknown"),
];

/// True when a `Received` field or the text's first line names the DragonFly Mail Agent.
fn is_dma(mail: &Mail) -> bool {
    // One searcher for every message (a `str::contains` builds one per field).
    static AGENT: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("(DragonFly Mail Agent"));
    mail.headers
        .get_all("received")
        .any(|v| AGENT.find(v.as_bytes()).is_some())
        || mail
            .text
            .trim_start()
            .starts_with("This is the DragonFly Mail Agent")
}

/// Reads a dma bounce.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !is_dma(mail) {
        return None;
    }
    let lines: Vec<&str> = mail.notice().lines().collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(RECIPIENT_LINE))
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    for (k, &i) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(lines.len());
        let Some(address) = lines.get(i).and_then(|l| text::address(l)) else {
            continue;
        };
        let mut r = Recipient {
            address: address.to_string(),
            ..Recipient::default()
        };
        let mut response: Vec<&str> = Vec::new();
        for line in lines.get(i + 1..end).unwrap_or(&[]) {
            // net.c: "%s [%s] did not like our %s:\n%s" — host, address, command, reply.
            if let Some(p) = line.find(" did not like our ") {
                let host = line.get(..p).unwrap_or("");
                r.remote_mta = host.split_whitespace().next().map(str::to_string);
                let cmd = line.get(p + 18..).unwrap_or("").trim_end_matches(':');
                r.command = command(cmd);
                continue;
            }
            response.push(line);
        }
        r.diagnostic = text::squeeze(&response.join(" "));
        r.hint = OWN_MESSAGES
            .iter()
            .find(|(m, _)| r.diagnostic.starts_with(m))
            .map(|(_, h)| *h);
        out.push(r);
    }
    Some(out)
}

/// The SMTP command word in dma's "did not like our ..." ("RCPT TO", "final DATA", "MAIL FROM").
fn command(text: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    ["RCPT", "DATA", "MAIL", "EHLO", "HELO", "STARTTLS", "AUTH"]
        .iter()
        .find(|c| upper.split_whitespace().any(|w| w == **c))
        .map(|c| c.to_string())
}

#[cfg(test)]
mod tests {
    use crate::parse;

    const BOUNCE: &str = "Received: from MAILER-DAEMON\n\tid 1a2b\n\tby mx.sender.test (DragonFly Mail Agent v0.13);\n\tMon, 1 Jan 2024 00:00:00 +0000\nFrom: MAILER-DAEMON <>\nTo: alice@sender.test\nSubject: Mail delivery failed\n\nThis is the DragonFly Mail Agent v0.13 at mx.sender.test.\n\nThere was an error delivering your mail to <bob@rcpt.test>.\n\nmx.rcpt.test [192.0.2.1] did not like our RCPT TO:\n550 5.1.1 <bob@rcpt.test>: Recipient address rejected: no such user\n\nThere was an error delivering your mail to <carol@gone.test>.\n\nCould not deliver for the last 432000 seconds. Giving up.\n\nMessage headers follow.\n\nSubject: hello\nMessage-Id: <1@sender.test>\n";

    #[test]
    fn reads_recipients_replies_and_own_messages() {
        let r = parse(BOUNCE.as_bytes());
        assert_eq!(r.engine, "lhost/dragonfly");
        assert_eq!(r.recipients.len(), 2);
        let bob = &r.recipients[0];
        assert_eq!(bob.address, "bob@rcpt.test");
        assert_eq!(bob.status.as_deref(), Some("5.1.1"));
        assert_eq!(bob.reply_code.as_deref(), Some("550"));
        assert_eq!(bob.remote_mta.as_deref(), Some("mx.rcpt.test"));
        assert_eq!(bob.command.as_deref(), Some("RCPT"));
        assert!(bob.diagnostic.starts_with("550 5.1.1 <bob@rcpt.test>"));
        let carol = &r.recipients[1];
        assert_eq!(carol.address, "carol@gone.test");
        assert_eq!(carol.hint, Some("expired"));
        assert_eq!(r.original_message_id.as_deref(), Some("<1@sender.test>"));
    }
}
