//! Abuse Reporting Format complaints (RFC 5965), and the Microsoft JMRP/Hotmail variant that
//! attaches the complained-of message with an `X-HmXmrOriginalRecipient` field instead of a
//! `message/feedback-report` part.

use crate::mail::{Mail, parse_header_block};
use crate::report::Recipient;
use crate::text;

/// Reads a feedback report: recipients are the `Original-Rcpt-To` fields (RFC 5965 §3.2), else
/// the `To` of the returned message.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    let original = mail.original_headers.as_deref().unwrap_or(&[]);
    let hotmail = original
        .iter()
        .find(|(n, _)| n == "x-hmxmroriginalrecipient")
        .map(|(_, v)| v.clone());
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
    let diagnostic = text::squeeze(
        mail.text
            .lines()
            .take(8)
            .collect::<Vec<_>>()
            .join(" ")
            .as_str(),
    );
    Some(
        addrs
            .into_iter()
            .map(|address| Recipient {
                address,
                diagnostic: diagnostic.clone(),
                hint: Some("feedback"),
                ..Recipient::default()
            })
            .collect(),
    )
}
