//! Gmail / Google Workspace notices in the current style (since about 2016).
//!
//! A `multipart/report` from Google's bounce sender whose text part starts with a headline in
//! asterisks ("** Address not found **", "** Message not delivered **", "** Message blocked
//! **"), one sentence "Your message wasn't delivered to ADDRESS because ...", and, when a
//! server answered, "The response was:" followed by that response. The RFC 3464 part often has
//! no `Diagnostic-Code`, so the response is taken from the text.

use crate::formats::rfc3464;
use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

use super::gmail::from_google;

/// Google's own explanations that state the cause when no server response is quoted, with the
/// Sisimai cause they mean.
const GOOGLE_CAUSES: &[(&str, &str)] = &[
    // "Address not found ... because the address couldn't be found" (no response quoted).
    ("because the address couldn't be found", "userunknown"),
    // support.google.com/mail/answer/7720: Gmail kept trying to connect and gave up.
    ("did not accept our requests to connect", "expired"),
    // support.google.com/mail/?p=CustomFromDenied: the sender's "Send mail as" account is
    // misconfigured, so the sender was refused.
    ("'send mail as'", "rejected"),
];

/// Reads a current-style Gmail / Google Workspace notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !from_google(mail) {
        return None;
    }
    let notice = mail.notice();
    let head = notice.trim_start();
    if !head.starts_with("** ") {
        return None;
    }
    // The text part ends where the HTML alternative would begin; only the plain part counts.
    let plain = head.find("\n<").and_then(|p| head.get(..p)).unwrap_or(head);
    let response = text::find_ci(plain, "the response was:")
        .and_then(|p| plain.get(p + "the response was:".len()..))
        .map(|r| {
            let r = r.trim_start();
            let end = r.find("\n\n").unwrap_or(r.len());
            text::squeeze(r.get(..end).unwrap_or(r))
        })
        .filter(|r| !r.is_empty());
    let explanation = {
        let body = plain.split_once('\n').map_or("", |(_, b)| b);
        let end = text::find_ci(body, "the response was:").unwrap_or(body.len());
        text::squeeze(body.get(..end).unwrap_or(body))
    };
    let lower = explanation.to_ascii_lowercase();
    let stated = GOOGLE_CAUSES
        .iter()
        .find(|(w, _)| lower.contains(w) || response.as_deref().is_some_and(|r| r.contains(w)))
        .map(|(_, c)| *c);
    let mut recipients: Vec<Recipient> = mail
        .status_parts
        .iter()
        .flat_map(|p| rfc3464::parse_fields(p).1)
        .collect();
    if recipients.is_empty() {
        // The sentence names the recipient; some notices only have X-Failed-Recipients.
        let named = text::find_ci(&explanation, "wasn't delivered to ")
            .and_then(|p| explanation.get(p..))
            .and_then(text::address);
        let listed = mail.header("x-failed-recipients").unwrap_or("");
        recipients.extend(
            named
                .into_iter()
                .chain(text::addresses(listed))
                .take(if named.is_some() { 1 } else { usize::MAX })
                .map(|a| Recipient {
                    address: a.to_string(),
                    ..Recipient::default()
                }),
        );
        if recipients.is_empty() {
            return None;
        }
    }
    for r in &mut recipients {
        let from_dsn = std::mem::take(&mut r.diagnostic);
        r.diagnostic = match &response {
            Some(resp) => resp.clone(),
            None if !from_dsn.is_empty() => from_dsn,
            None => explanation.clone(),
        };
        // A quoted response speaks for itself, except that Google's own explanation of a
        // connection failure or a sender setting is the cause whatever the response says.
        r.hint = match stated {
            Some("userunknown") if response.is_some() => None,
            other => other,
        };
    }
    Some(recipients)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_after_headline() {
        let m = "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n\
                 Subject: Delivery Status Notification (Failure)\n\n\
                 ** Address not found **\n\n\
                 Your message wasn't delivered to who@dest.test because the address couldn't \
                 be found.\n\n\
                 The response was:\n\n\
                 550 5.1.1 no such user\n";
        let rs = read(&Mail::read(m.as_bytes())).expect("google");
        assert_eq!(rs[0].address, "who@dest.test");
        assert_eq!(rs[0].diagnostic, "550 5.1.1 no such user");
        assert_eq!(rs[0].hint, None);
    }
}
