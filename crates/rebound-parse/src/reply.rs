//! Facts from an SMTP reply seen during delivery (the sender's own channel, SPEC §7), rather
//! than from a report message.

use crate::{Action, Recipient, text};

/// The recipient facts an SMTP reply states: `250 2.0.0 Ok` → delivered, `451 4.7.1 …` → delayed
/// (still being retried), `550 5.1.1 …` → failed. A "reply" without a code (a refused
/// connection, a timeout, as an MTA logs it) is a temporary failure: delayed.
pub fn recipient(address: &str, reply: &str) -> Recipient {
    let diagnostic = text::squeeze(reply);
    let code = leading_code(&diagnostic)
        .or_else(|| text::reply_codes(&diagnostic).next())
        .map(str::to_string);
    let class = code.as_deref().and_then(|c| c.chars().next());
    // An enhanced code of another class than the reply (RFC 3463 §2 says they agree) is ignored.
    let status = text::status_codes(&diagnostic)
        .find(|s| class.is_none() || s.chars().next() == class)
        .map(str::to_string);
    let class = class.or_else(|| status.as_deref().and_then(|s| s.chars().next()));
    let action = match class {
        Some('2') => Action::Delivered,
        Some('5') => Action::Failed,
        _ => Action::Delayed,
    };
    Recipient {
        address: address.to_string(),
        action: Some(action),
        status,
        reply_code: code,
        diagnostic,
        diagnostic_type: Some("SMTP".into()),
        ..Recipient::default()
    }
}

/// The code an SMTP reply starts with (RFC 5321 §4.2: three digits, then space, hyphen or end).
fn leading_code(reply: &str) -> Option<&str> {
    let b = reply.as_bytes();
    let digits = b.len() >= 3
        && matches!(b[0], b'2'..=b'5')
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit();
    (digits && matches!(b.get(3), None | Some(b' ' | b'-'))).then(|| &reply[..3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_classes_give_actions() {
        let r = recipient("a@example.org", "550 5.1.1 <a@example.org>: user unknown");
        assert_eq!(r.action, Some(Action::Failed));
        assert_eq!(r.status.as_deref(), Some("5.1.1"));
        assert_eq!(r.reply_code.as_deref(), Some("550"));
        let r = recipient(
            "a@example.org",
            "451 4.7.1 Greylisted, try again in 5 minutes",
        );
        assert_eq!(r.action, Some(Action::Delayed));
        assert_eq!(r.status.as_deref(), Some("4.7.1"));
        assert_eq!(
            recipient("a@example.org", "250 2.0.0 Ok: queued").action,
            Some(Action::Delivered)
        );
    }

    #[test]
    fn no_code_is_a_temporary_failure_and_mismatched_status_is_ignored() {
        let r = recipient(
            "a@example.org",
            "connect to mx.example.org[192.0.2.1]:25: Connection refused",
        );
        assert_eq!(
            (r.action, r.reply_code, r.status),
            (Some(Action::Delayed), None, None)
        );
        let r = recipient("a@example.org", "550 4.2.2 odd");
        assert_eq!(r.status, None);
        assert_eq!(r.action, Some(Action::Failed));
    }
}
