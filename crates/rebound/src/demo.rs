//! `rebound serve --demo`: a demo account filled with realistic, made-up history so a newcomer
//! sees a populated UI at once. Every address is at a reserved `.example` domain.

use rebound_ledger::{DeliveryResult, Ledger, NewEmail, Timestamp};

/// The demo account's name.
const NAME: &str = "Demo newsletter";

/// What the remote servers answered, by the first part of a recipient's local part.
const REPLIES: &[(&str, &str, &str)] = &[
    (
        "gone",
        "550 5.1.1 <{a}>: Recipient address rejected: User unknown in virtual mailbox table",
        "mx1.mail.example",
    ),
    (
        "full",
        "552 5.2.2 <{a}>: Mailbox full: quota exceeded (12345678/10000000)",
        "mx.inbox.example",
    ),
    (
        "strict",
        "554 5.7.1 Message rejected due to content restrictions (spam score 8.4 > 5.0)",
        "filter.corp.example",
    ),
    (
        "dmarc",
        "550 5.7.26 Unauthenticated email from news.example is not accepted due to domain's DMARC policy",
        "mx.bigmail.example",
    ),
    (
        "busy",
        "421 4.3.2 Service not available, closing transmission channel",
        "mx2.mail.example",
    ),
    (
        "grey",
        "451 4.7.1 Greylisted, please try again in 300 seconds",
        "mx.small.example",
    ),
];

/// The recipients of every demo email: mostly people whose mail is delivered.
fn list() -> Vec<String> {
    let names = [
        "anna", "bo", "carl", "dora", "erik", "fatima", "gustav", "hanna", "ivan", "jonna",
        "karin", "leo", "maja", "nils", "olivia", "per",
    ];
    let mut out: Vec<String> = names
        .iter()
        .map(|n| format!("{n}@people.example"))
        .collect();
    for (prefix, _, _) in REPLIES {
        out.push(format!("{prefix}.one@mail.example"));
        out.push(format!("{prefix}.two@inbox.example"));
    }
    out.push("complainer@people.example".into());
    out.push("away@people.example".into());
    out
}

/// Creates and fills the demo account unless it exists (then it gets a new key, since only a
/// hash of the old one is kept); returns the key to sign in with.
pub async fn fill(ledger: &Ledger) -> anyhow::Result<String> {
    if let Some((id, _, _)) = ledger
        .accounts()
        .await?
        .into_iter()
        .find(|(_, n, _)| n == NAME)
    {
        return Ok(ledger.rotate_key(id).await?);
    }
    let account = ledger.create_account(NAME).await?;
    let now = ledger.clock().now();
    let day = 24 * 3_600_000;
    let emails = [
        ("March newsletter", 25),
        ("Spring sale", 12),
        ("Product update", 3),
    ];
    for (subject, days_ago) in emails {
        let at = Timestamp(now.0 - days_ago * day);
        let email = NewEmail {
            subject: subject.into(),
            from: "news@news.example".into(),
            text: format!("{subject}\n\nHello from the demo newsletter."),
            html: Some(format!(
                "<h1>{subject}</h1><p>Hello from the demo newsletter.</p>"
            )),
            recipients: list(),
        };
        let id = ledger.create_email(account.id, email).await?.email.id;
        ledger.record_sent_elsewhere(account.id, id, at).await?;
        for r in ledger.recipients(account.id, id, Some("sent")).await? {
            let local = r.address.split(['.', '@']).next().unwrap_or("");
            let (reply, mta) = match REPLIES.iter().find(|(p, _, _)| *p == local) {
                Some((_, reply, mta)) => (reply.replace("{a}", &r.address), *mta),
                None if local == "complainer" || local == "away" => continue,
                None => (
                    "250 2.0.0 Ok: queued as 4F2A1B3C".to_string(),
                    "mx.people.example",
                ),
            };
            let result = DeliveryResult {
                recipient: r.address.clone(),
                reply,
                message_id: r.message_id.clone(),
                email_id: Some(id.to_string()),
                at: Some(Timestamp(at.0 + 60_000)),
                idempotency_key: None,
                remote_mta: Some(mta.into()),
            };
            ledger.record_delivery(account.id, result).await?;
        }
    }
    // A spam complaint and an out-of-office reply, as the messages that bring them.
    ledger
        .ingest_message(account.id, COMPLAINT.as_bytes())
        .await?;
    ledger
        .ingest_message(account.id, AUTO_REPLY.as_bytes())
        .await?;
    ledger.sweep().await?;
    Ok(account.api_key)
}

const COMPLAINT: &str = "From: fbl@isp.example\r\nTo: abuse@news.example\r\nSubject: complaint\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=feedback-report; boundary=\"f\"\r\n\r\n--f\r\nContent-Type: text/plain\r\n\r\n\
A recipient marked a message as spam.\r\n\r\n--f\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\n\
User-Agent: isp-fbl/2.1\r\nVersion: 1\r\nOriginal-Rcpt-To: complainer@people.example\r\n\r\n--f\r\nContent-Type: message/rfc822\r\n\r\n\
From: news@news.example\r\nTo: complainer@people.example\r\nSubject: Spring sale\r\n\r\nHello\r\n--f--\r\n";

const AUTO_REPLY: &str = "From: Away <away@people.example>\r\nTo: news@news.example\r\nSubject: Out of office: Spring sale\r\n\
Auto-Submitted: auto-replied\r\n\r\nI am away until next week.\r\n";
