//! Uniform completion of what a format module left open, so each module only has to find the
//! recipients and their responses.

use crate::formats::textscan;
use crate::mail::{Mail, parse_header_block};
use crate::report::{Action, Report};
use crate::text;

/// Wording of notices that are still retrying (Postfix "Delayed Mail (still being retried)",
/// Sendmail "Warning: could not send message for past 4 hours", Exim "has been delayed").
const STILL_TRYING: &[&str] = &[
    "still being retried",
    "will continue trying",
    "will keep trying",
    "will be retried",
    "will retry",
    "delivery has been delayed",
    "has been delayed",
    "not yet been delivered",
    "this is only a warning",
    "still trying",
];

/// Fills status, reply code, action and an empty response from the rest of the message.
pub fn complete(report: &mut Report, mail: &Mail) {
    let notice = textscan::notice(&mail.text);
    let lines: Vec<&str> = notice.lines().collect();
    let lower_notice = notice.to_ascii_lowercase();
    for r in &mut report.recipients {
        if r.diagnostic.is_empty()
            && let Some(i) = lines.iter().position(|l| text::contains_ci(l, &r.address))
        {
            r.diagnostic = textscan::paragraph(&lines, i, lines.len());
        }
        // RFC 3463 codes in the response are more specific than a generic X.0.0 in `Status:`
        // (Exim and OpenSMTPD write 5.0.0 and put the real code only in the text).
        let found = text::status_codes(&r.diagnostic)
            .find(|c| !c.ends_with(".0.0") || r.status.is_none())
            .map(str::to_string);
        match (&r.status, found) {
            (None, Some(f)) => r.status = Some(f),
            (Some(s), Some(f)) if s.ends_with(".0.0") && s[..1] == f[..1] => r.status = Some(f),
            _ => {}
        }
        if r.reply_code.is_none() {
            r.reply_code = text::reply_code(&r.diagnostic).map(str::to_string);
        }
        if r.action.is_none() {
            let class = r
                .status
                .as_deref()
                .or(r.reply_code.as_deref())
                .and_then(|s| s.chars().next());
            r.action = Some(match class {
                Some('2') => Action::Delivered,
                _ if STILL_TRYING.iter().any(|w| lower_notice.contains(w)) => Action::Delayed,
                _ => Action::Failed,
            });
        }
        if r.status.is_none() {
            // Only the class is known (RFC 3463 X.0.0 "other undefined status").
            let class = match (r.reply_code.as_deref(), r.action) {
                (Some(c), _) => &c[..1],
                (None, Some(Action::Delayed)) => "4",
                (None, Some(Action::Delivered | Action::Relayed | Action::Expanded)) => "2",
                _ => "5",
            };
            r.status = Some(format!("{class}.0.0"));
        }
    }
}

/// Sets the original message's `Message-ID` and headers: from an attached part, else from a
/// header block quoted in the text after the notice.
pub fn original(report: &mut Report, mail: &Mail) {
    let headers = match &mail.original_headers {
        Some(h) => h.clone(),
        None => {
            let notice_len = textscan::notice(&mail.text).len();
            let rest = &mail.text[notice_len..];
            match text::find_ci(rest, "message-id:") {
                Some(_) => {
                    let start = rest
                        .lines()
                        .position(|l| l.contains(':') && !l.starts_with([' ', '\t']))
                        .unwrap_or(0);
                    let block: String = rest.lines().skip(start).collect::<Vec<_>>().join("\n");
                    let mut h = parse_header_block(&block);
                    if !h.iter().any(|(n, _)| n == "message-id") {
                        // The id sits further down (after a transcript, say): take that line.
                        if let Some(p) = text::find_ci(rest, "message-id:") {
                            let line = rest[p..].lines().next().unwrap_or("");
                            let v = line.split_once(':').map(|x| x.1).unwrap_or("");
                            h.push(("message-id".into(), v.trim().to_string()));
                        }
                    }
                    h
                }
                None => Vec::new(),
            }
        }
    };
    report.original_message_id = headers
        .iter()
        .find(|(n, _)| n == "message-id")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty());
    report.original_headers = headers;
}
