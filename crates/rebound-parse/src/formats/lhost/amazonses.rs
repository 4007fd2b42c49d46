//! Amazon SES (Simple Email Service) reports, in their two shapes:
//!
//! - **DSN mail** from `MAILER-DAEMON@…amazonses.com`: an RFC 3464 report. Early SES (2011)
//!   wrote its own code before the remote reply in `Diagnostic-Code`:
//!   `5.1.0 - Unknown address error 550-'5.7.1 <…>... Access denied' (delivery attempts: 0)`;
//!   the quoted part is the remote server's response.
//! - **SNS notifications** (`From: …@sns.amazonaws.com`, `x-amz-sns-message-id`): the JSON
//!   event documented at <https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html>,
//!   alone or wrapped in an SNS envelope whose `Message` is the event as a string.
//!   `notificationType` is `Bounce`, `Complaint` or `Delivery`.

use super::json::{self, Json};
use crate::formats::{Format, Reader, rfc3464};
use crate::mail::Mail;
use crate::report::{Action, Recipient, ReportKind};
use crate::text;

/// `bounceSubType` values that name a cause (SES notification contents, "Bounce types"). The
/// others (`General`, `Undetermined`) leave it to the response.
const BOUNCE_SUBTYPES: &[(&str, &str)] = &[
    ("AttachmentRejected", "contenterror"),
    ("ContentRejected", "contenterror"),
    ("MailboxFull", "mailboxfull"),
    ("MessageTooLarge", "mesgtoobig"),
    ("NoEmail", "userunknown"),
    ("OnAccountSuppressionList", "suppressed"),
    ("Suppressed", "suppressed"),
];

/// Reads SES bounce and delivery reports (DSN mail and SNS `Bounce`/`Delivery` events).
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if is_sns(mail) {
        let event = event(mail)?;
        return match event.get("notificationType").and_then(Json::as_str)? {
            "Bounce" => Some(bounces(&event)),
            "Delivery" => Some(deliveries(&event)),
            _ => None,
        };
    }
    if !text::contains_ci(mail.from(), "amazonses.com") {
        return None;
    }
    let mut out = Vec::new();
    for part in &mail.status_parts {
        out.extend(rfc3464::parse_fields(part).1);
    }
    for r in &mut out {
        remote_reply(r);
    }
    Some(out)
}

/// Reads an SNS `Complaint` event (a feedback report, like ARF).
pub fn read_complaint(mail: &Mail) -> Option<Vec<Recipient>> {
    if !is_sns(mail) {
        return None;
    }
    let event = event(mail)?;
    if event.get("notificationType").and_then(Json::as_str)? != "Complaint" {
        return None;
    }
    let complaint = event.get("complaint")?;
    let kind = complaint
        .get("complaintFeedbackType")
        .and_then(Json::as_str)
        .unwrap_or("");
    Some(
        complaint
            .get("complainedRecipients")?
            .items()
            .iter()
            .filter_map(|r| r.get("emailAddress").and_then(Json::as_str))
            .map(|a| Recipient {
                address: a.to_string(),
                diagnostic: kind.to_string(),
                hint: Some("feedback"),
                ..Recipient::default()
            })
            .collect(),
    )
}

fn is_sns(mail: &Mail) -> bool {
    mail.header("x-amz-sns-message-id").is_some()
        || text::contains_ci(mail.from(), "@sns.amazonaws.com")
}

/// The SES event in the body, unwrapped from an SNS envelope when there is one.
fn event(mail: &Mail) -> Option<Json> {
    let body = unbreak(&mail.text);
    let start = body.find('{')?;
    let outer = json::parse(body.get(start..)?)?;
    match outer.get("Message").and_then(Json::as_str) {
        Some(inner) => json::parse(inner),
        None => Some(outer),
    }
}

/// Joins lines that a relay broke for length: sendmail (`putxline`) ends the first piece with
/// `!` and continues on a line starting with a space; others fold with a leading space only.
fn unbreak(body: &str) -> String {
    body.replace("!\n ", "").replace("\n ", "")
}

fn bounces(event: &Json) -> Vec<Recipient> {
    let Some(bounce) = event.get("bounce") else {
        return Vec::new();
    };
    let subtype = bounce.get("bounceSubType").and_then(Json::as_str);
    let hint = BOUNCE_SUBTYPES
        .iter()
        .find(|(s, _)| Some(*s) == subtype)
        .map(|(_, h)| *h);
    let transient = bounce.get("bounceType").and_then(Json::as_str) == Some("Transient");
    bounce
        .get("bouncedRecipients")
        .map(Json::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|r| {
            let field = |k: &str| r.get(k).and_then(Json::as_str);
            let diagnostic = field("diagnosticCode").unwrap_or("");
            // "smtp; 550 5.1.1 user unknown", as in an RFC 3464 Diagnostic-Code.
            let (kind, response) = match diagnostic.split_once(';') {
                Some((k, rest)) if !k.trim().contains(' ') => {
                    (Some(k.trim().to_ascii_uppercase()), rest)
                }
                _ => (None, diagnostic),
            };
            Some(Recipient {
                address: text::address(field("emailAddress")?)?.to_string(),
                action: field("action").and_then(Action::parse).or(if transient {
                    Some(Action::Delayed)
                } else {
                    None
                }),
                status: field("status")
                    .and_then(text::status_code)
                    .map(str::to_string),
                diagnostic: text::squeeze(response),
                diagnostic_type: kind,
                hint,
                ..Recipient::default()
            })
        })
        .collect()
}

fn deliveries(event: &Json) -> Vec<Recipient> {
    let Some(delivery) = event.get("delivery") else {
        return Vec::new();
    };
    let response = delivery
        .get("smtpResponse")
        .and_then(Json::as_str)
        .unwrap_or("");
    let remote = delivery
        .get("remoteMtaIp")
        .and_then(Json::as_str)
        .map(str::to_string);
    delivery
        .get("recipients")
        .map(Json::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(Json::as_str)
        .filter_map(text::address)
        .map(|a| Recipient {
            address: a.to_string(),
            action: Some(Action::Delivered),
            diagnostic: text::squeeze(response),
            remote_mta: remote.clone(),
            ..Recipient::default()
        })
        .collect()
}

/// Puts the remote server's own reply first where SES wrapped it in its own words, so the status
/// and reply code come from the remote server.
fn remote_reply(r: &mut Recipient) {
    if let Some((status, code, reply)) = early_ses(&r.diagnostic) {
        r.status = status;
        r.reply_code = Some(code);
        r.diagnostic = reply;
    }
}

/// Early SES: `5.1.0 - Unknown address error 550-'<remote reply>' (delivery attempts: 0)` gives
/// (status, reply code, "550 <remote reply>"); SES's own code stands when the reply has none.
fn early_ses(d: &str) -> Option<(Option<String>, String, String)> {
    let (own, rest) = d.split_once(" - ")?;
    let q = rest.find("-'")?;
    let code = rest.get(q.checked_sub(3)?..q)?;
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let quoted = rest.get(q + 2..)?;
    let quoted = quoted.get(..quoted.rfind('\'').unwrap_or(quoted.len()))?;
    let status = text::status_code(quoted)
        .or_else(|| text::status_code(own))
        .map(str::to_string);
    Some((
        status,
        code.to_string(),
        text::squeeze(&format!("{code} {quoted}")),
    ))
}

/// SNS `Complaint` events, registered with the feedback kind.
pub const COMPLAINT: Format = Format {
    name: "lhost/amazonses",
    kind: ReportKind::Feedback,
    markers: &[],
    read: Reader::All(read_complaint),
};

#[cfg(test)]
mod tests {
    use crate::{Action, ReportKind, parse};

    fn sns(event: &str) -> String {
        format!(
            "From: Topic <no-reply@sns.amazonaws.com>\nSubject: AWS Notification Message\nx-amz-sns-message-id: 1\nContent-Type: text/plain; charset=UTF-8\n\n{event}\n\n--\nunsubscribe text\n"
        )
    }

    #[test]
    fn sns_bounce_event() {
        let long = format!(
            "{}!\n {}",
            "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\",\"bouncedRecipients\":[{\"emailAddress\":\"bob@rc",
            "pt.test\",\"action\":\"failed\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}]}}"
        );
        let r = parse(sns(&long).as_bytes());
        assert_eq!(r.engine, "lhost/amazonses");
        let b = &r.recipients[0];
        assert_eq!(b.address, "bob@rcpt.test");
        assert_eq!(b.status.as_deref(), Some("5.1.1"));
        assert_eq!(b.diagnostic, "550 5.1.1 user unknown");
        assert_eq!(b.diagnostic_type.as_deref(), Some("SMTP"));
    }

    #[test]
    fn sns_envelope_delivery_and_complaint() {
        let inner = r#"{\"notificationType\":\"Delivery\",\"delivery\":{\"recipients\":[\"bob@rcpt.test\"],\"smtpResponse\":\"250 2.6.0 Message received\"}}"#;
        let r = parse(
            sns(&format!(
                "{{\"Type\":\"Notification\",\"Message\":\"{inner}\"}}"
            ))
            .as_bytes(),
        );
        assert_eq!(r.recipients[0].action, Some(Action::Delivered));
        assert_eq!(r.recipients[0].status.as_deref(), Some("2.6.0"));
        let c = r#"{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"bob@rcpt.test"}],"complaintFeedbackType":"abuse"}}"#;
        let r = parse(sns(c).as_bytes());
        assert_eq!(r.kind, ReportKind::Feedback);
        assert_eq!(r.recipients[0].hint, Some("feedback"));
    }

    #[test]
    fn early_ses_quoted_remote_reply() {
        let m = "From: MAILER-DAEMON@email-bounces.amazonses.com\nSubject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nundeliverable\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; out.amazonses.com\n\nFinal-Recipient: rfc822;bob@rcpt.test\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 5.1.0 - Unknown address error 550-'5.2.2 <bob@rcpt.test>... Mailbox Full' (delivery attempts: 0)\n--b--\n";
        let r = parse(m.as_bytes());
        let b = &r.recipients[0];
        assert_eq!(b.status.as_deref(), Some("5.2.2"));
        assert_eq!(b.reply_code.as_deref(), Some("550"));
        assert_eq!(b.diagnostic, "550 5.2.2 <bob@rcpt.test>... Mailbox Full");
    }
}
