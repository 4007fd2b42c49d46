//! Gmail's older plain-text notices (Google servers, until about 2016).
//!
//! Sent by "Mail Delivery Subsystem <mailer-daemon@googlemail.com>" (or `@google.com`):
//! "Delivery to the following recipient failed permanently:" (or "has been delayed:"), the
//! recipients indented on their own lines, then "Technical details of permanent failure:" and
//! Google's explanation, which quotes the remote server after "The error that the other server
//! returned was:". The quoted response is the diagnostic; without one, Google's own explanation.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// True when the message comes from Google's bounce sender.
pub(crate) fn from_google(mail: &Mail) -> bool {
    // Case-insensitive without a lower-case copy: every message passes by here.
    let from = mail.from();
    text::contains_ci(from, "mailer-daemon@googlemail.com")
        || text::contains_ci(from, "mailer-daemon@google.com")
}

/// Google's explanation of a connection that never succeeded; in a final notice it means
/// Gmail gave up retrying (support.google.com/mail/answer/7720 "did not accept our requests to
/// connect").
const NO_CONNECTION: &str = "did not accept our requests to connect";

/// Reads an older Gmail notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !from_google(mail) {
        return None;
    }
    let notice = mail.notice();
    let lead = text::find_ci(notice, "delivery to the following recipient")?;
    let details = text::find_ci(notice, "technical details of ");
    let after_lead = notice.get(lead..)?;
    let list_end = details
        .and_then(|d| d.checked_sub(lead))
        .unwrap_or(after_lead.len());
    let list = after_lead.get(..list_end).unwrap_or(after_lead);
    let addresses: Vec<&str> = list
        .lines()
        .skip(1)
        .filter(|l| l.starts_with([' ', '\t']))
        .filter_map(|l| text::address(l.trim()))
        .collect();
    if addresses.is_empty() {
        return None;
    }
    let explanation = details
        .and_then(|d| notice.get(d..))
        .map(|t| {
            // Skip the "Technical details of ... failure:" label itself.
            let t = t.split_once(':').map_or(t, |(_, rest)| rest);
            let end = t.find("\n\n\n").unwrap_or(t.len());
            t.get(..end).unwrap_or(t).to_string()
        })
        .unwrap_or_default();
    let response = text::find_ci(&explanation, "the other server returned was:")
        .and_then(|p| explanation.get(p + "the other server returned was:".len()..))
        .map(|r| {
            let r = r.trim_start();
            let end = r.find("\n\n").unwrap_or(r.len());
            text::squeeze(r.get(..end).unwrap_or(r))
        });
    let permanent = text::contains_ci(notice, "failed permanently");
    let diagnostic = response.unwrap_or_else(|| text::squeeze(&explanation));
    let hint = (permanent && text::contains_ci(&diagnostic, NO_CONNECTION)).then_some("expired");
    Some(Recipient::each(addresses, &diagnostic, hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_response_is_the_diagnostic() {
        let m = "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n\
                 Subject: Delivery Status Notification (Failure)\n\n\
                 Delivery to the following recipient failed permanently:\n\n     \
                 who@dest.test\n\n\
                 Technical details of permanent failure:\n\
                 Google tried to deliver your message, but it was rejected by the server.\n\n\
                 The error that the other server returned was:\n\
                 550 5.1.1 <who@dest.test>... User Unknown\n\n\
                 ----- Original message -----\n\nSubject: hi\n";
        let rs = read(&Mail::read(m.as_bytes())).expect("gmail");
        assert_eq!(rs.len(), 1);
        assert_eq!(rs[0].address, "who@dest.test");
        assert_eq!(
            rs[0].diagnostic,
            "550 5.1.1 <who@dest.test>... User Unknown"
        );
    }

    #[test]
    fn others_are_not_read() {
        assert!(
            read(&Mail::read(
                b"From: a@b.test\n\nDelivery to the following recipient\n"
            ))
            .is_none()
        );
    }
}
