//! fml mailing-list manager (<https://www.fml.org>) error notices, sent by the list's
//! `…-admin` address with `X-MLServer: fml [fml 4.0 …]`.
//!
//! fml refuses a post in its own words, naming the list in angle brackets ("You are not a member
//! of this mailing list <list@host>."); the post follows `Original mail as follows:`. The
//! recipient is the list that refused the post.

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

/// fml's refusal sentences (fml 4.0 message templates) and the cause each names.
const REFUSALS: &[(&str, &str)] = &[
    // Posting restricted to members, or the sender is listed as a spammer.
    ("You are not a member of this mailing list", "rejected"),
    ("NOT MEMBER article from ", "rejected"),
    ("reject mail from ", "rejected"),
    ("reject spammers:", "rejected"),
    // fml's loop checks: a Message-ID it has already distributed, its own headers coming back.
    ("Duplicated Message-ID", "systemerror"),
    ("has detected a loop condition", "systemerror"),
    ("Loop Back Warning:", "systemerror"),
    ("Security alert:", "securityerror"),
];

/// Reads an fml notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    if !mail
        .header("x-mlserver")
        .is_some_and(|v| v.trim_start().starts_with("fml"))
    {
        return None;
    }
    let body = mail.text.as_str();
    let notice = body.get(..body.find("Original mail as follows:").unwrap_or(body.len()))?;
    let mut out = Vec::new();
    for line in notice.lines() {
        let Some(hint) = REFUSALS
            .iter()
            .find(|(p, _)| line.contains(p))
            .map(|(_, h)| *h)
        else {
            continue;
        };
        let Some(addr) = line
            .split_once('<')
            .and_then(|(_, rest)| text::address(rest))
        else {
            continue;
        };
        out.push(Recipient {
            address: addr.to_string(),
            diagnostic: text::squeeze(line),
            hint: Some(hint),
            ..Recipient::default()
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn reads_refusal() {
        let m = "From: list-admin@lists.test\nSubject: You alice@sender.test are not member (list ML)\nX-MLServer: fml [fml 4.0.3 release]\n\nYou are not a member of this mailing list <list@lists.test>.\n\nOriginal mail as follows:\n\nFrom: alice@sender.test\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/fml");
        assert_eq!(r.recipients[0].address, "list@lists.test");
        assert_eq!(r.recipients[0].hint, Some("rejected"));
    }
}
