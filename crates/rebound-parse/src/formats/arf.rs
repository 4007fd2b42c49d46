//! Abuse Reporting Format complaints (RFC 5965), and the Microsoft JMRP/Hotmail variant that
//! attaches the complained-of message with an `X-HmXmrOriginalRecipient` field instead of a
//! `message/feedback-report` part.

use crate::mail::{Mail, parse_header_block};
use crate::report::Recipient;
use crate::text;

/// Reads a feedback report: recipients are the `Original-Rcpt-To` fields (RFC 5965 §3.2), else
/// the `To` of the returned message.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    // Cheap test first: most messages are no complaint and their original is not parsed.
    let maybe_hotmail = mail
        .original_block
        .as_deref()
        .is_some_and(|b| text::contains_ci(b, "x-hmxmroriginalrecipient"));
    let original =
        match maybe_hotmail || mail.feedback.is_some() || mail.report_type == "feedback-report" {
            true => mail.original_headers().unwrap_or(&[]),
            false => &[],
        };
    let hotmail = original
        .iter()
        .find(|(n, _)| n == "x-hmxmroriginalrecipient")
        .map(|(_, v)| v.clone());
    if mail.feedback.is_none()
        && hotmail.is_none()
        && mail
            .header("x-apple-unsubscribe")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return apple_unsubscribe(mail);
    }
    let feedback = match (&mail.feedback, &hotmail) {
        (Some(f), _) => f.as_str(),
        (None, Some(_)) => "",
        (None, None) if mail.report_type == "feedback-report" => "",
        _ => return None,
    };
    let fields = parse_header_block(feedback);
    let mut addrs: Vec<String> = fields
        .iter()
        .filter(|(n, _)| n == "original-rcpt-to" || n == "removal-recipient")
        .filter_map(|(_, v)| text::address(v).map(str::to_string))
        .collect();
    if addrs.is_empty()
        && let Some(h) = hotmail
    {
        addrs.extend(text::address(&h).map(str::to_string));
    }
    if addrs.is_empty()
        && let Some((_, to)) = original.iter().find(|(n, _)| n == "to")
    {
        addrs.extend(text::addresses(to).map(str::to_string));
    }
    if addrs.is_empty() {
        // Feedback loops often redact the complainant's address (RFC 6650 §5 allows it); the
        // complaint still names the message, so one record with an empty recipient is kept for
        // matching the send through `original_message_id` (and the VERP return path).
        addrs.push(String::new());
    }
    let diagnostic = summary(mail);
    Some(Recipient::each(addrs, &diagnostic, Some("feedback")))
}

/// An Apple Mail unsubscribe request: the subscriber is the `From`.
fn apple_unsubscribe(mail: &Mail) -> Option<Vec<Recipient>> {
    let address = text::address(mail.from())?.to_string();
    Some(vec![Recipient {
        address,
        diagnostic: summary(mail),
        hint: Some("feedback"),
        ..Recipient::default()
    }])
}

/// The first lines of the human-readable part.
fn summary(mail: &Mail) -> String {
    text::squeeze(
        mail.text
            .lines()
            .take(8)
            .collect::<Vec<_>>()
            .join(" ")
            .as_str(),
    )
}

#[cfg(test)]
mod tests {
    use crate::{ReportKind, parse};

    #[test]
    fn redacted_complaint_keeps_one_record() {
        let m = "From: fbl@isp.test\nSubject: complaint\nContent-Type: multipart/report; report-type=feedback-report; boundary=b\n\n--b\nContent-Type: text/plain\n\nabuse report\n--b\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n--b\nContent-Type: text/rfc822-headers\n\nFrom: news@sender.test\nTo: redacted\nMessage-ID: <c-1@sender.test>\n\n--b--\n";
        let r = crate::parse(m.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "");
        assert_eq!(r.recipients[0].hint, Some("feedback"));
        assert_eq!(r.original_message_id.as_deref(), Some("<c-1@sender.test>"));
    }

    #[test]
    fn apple_mail_unsubscribe_is_a_complaint_by_the_sender() {
        let m = "From: carol@mail.rcpt.test\nTo: opt-out-1@list.sender.test\nSubject: unsubscribe\nAuto-Submitted: auto-replied\nX-Apple-Unsubscribe: true\nContent-Type: text/plain\n\nApple Mail sent this email to unsubscribe from the message \"News\".\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "arf");
        assert_eq!(r.kind, ReportKind::Feedback);
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].address, "carol@mail.rcpt.test");
        assert_eq!(r.recipients[0].hint, Some("feedback"));
    }
}
