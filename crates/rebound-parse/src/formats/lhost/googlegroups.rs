//! Google Groups rejections of a post.
//!
//! Sent by Google's bounce sender with `X-Failed-Recipients: <group address>`, in the poster's
//! language: the group "may not exist, or you may not have permission to post messages to the
//! group", signed "Google Groups" with a link to <https://groups.google.com/support/>. The whole
//! notice is Google's verdict; there is no SMTP response.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

use super::gmail::from_google;

/// Reads a Google Groups rejection.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !from_google(mail) {
        return None;
    }
    let failed = mail.header("x-failed-recipients")?;
    let notice = mail.notice();
    let notice = notice
        .find("----- Original message -----")
        .and_then(|p| notice.get(..p))
        .unwrap_or(notice);
    // The help link is the same in every language of the notice.
    if !notice.contains("groups.google.com") {
        return None;
    }
    let diagnostic = text::squeeze(notice);
    Some(
        text::addresses(failed)
            .map(|a| Recipient {
                address: a.to_string(),
                diagnostic: diagnostic.clone(),
                // The group refused the post (no such group, or the sender may not post):
                // Sisimai's "rejected".
                hint: Some("rejected"),
                ..Recipient::default()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_from_failed_recipients() {
        let m = "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n\
                 X-Failed-Recipients: team@groups.test\n\n\
                 Hello, the group you tried to contact (team) may not exist.\n\
                 Visit https://groups.google.com/support/.\n\n\
                 ----- Original message -----\n\nSubject: hi\n";
        let rs = read(&Mail::read(m.as_bytes())).expect("groups");
        assert_eq!(rs.len(), 1);
        assert_eq!(rs[0].address, "team@groups.test");
        assert_eq!(rs[0].hint, Some("rejected"));
        assert!(!rs[0].diagnostic.contains("Original"));
    }
}
