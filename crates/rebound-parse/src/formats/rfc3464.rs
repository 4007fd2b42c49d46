//! RFC 3464 delivery status notifications and their RFC 6533 internationalised form.
//!
//! The `message/delivery-status` body is one block of per-message fields followed by one block
//! of per-recipient fields for each recipient (RFC 3464 §2.1), separated by blank lines. Some
//! MTAs omit the blank lines or put the fields in a `text/plain` part; a new `Final-Recipient`
//! (or `Original-Recipient` after one) therefore also starts a new recipient.

use std::borrow::Cow;

use crate::formats::Found;
use crate::mail::Mail;
use crate::report::{Action, Recipient};
use crate::text;

/// Per-message fields that matter to us (RFC 3464 §2.2).
#[derive(Debug, Default, Clone)]
pub struct MessageFields {
    /// `Reporting-MTA` host.
    pub reporting_mta: Option<String>,
}

/// Splits `body` into fields; `None` marks a blank line between blocks.
fn fields(body: &str) -> Vec<Option<(&str, Cow<'_, str>)>> {
    let mut out: Vec<Option<(&str, Cow<'_, str>)>> = Vec::with_capacity(16);
    for line in text::lines(body) {
        if text::is_blank(line) {
            out.push(None);
        } else if line.starts_with([' ', '\t']) {
            if let Some(Some((_, v))) = out.last_mut() {
                let v = v.to_mut();
                v.push(' ');
                v.push_str(text::trim(line));
            }
        } else if let Some(colon) = memchr::memchr(b':', line.as_bytes()) {
            // The colon is ASCII, so both sides are whole characters.
            let (name, value) = (
                line.get(..colon).unwrap_or(""),
                line.get(colon + 1..).unwrap_or(""),
            );
            let name = text::trim(name);
            if !name.is_empty() && !name.as_bytes().contains(&b' ') {
                out.push(Some((name, Cow::Borrowed(text::trim(value)))));
            }
        }
    }
    out
}

#[derive(Default)]
struct Building {
    recipient: Recipient,
    final_recipient: Option<String>,
    original_recipient: Option<String>,
    /// The comment of the `Status` field, e.g. "host name lookup failure".
    status_comment: Option<String>,
}

impl Building {
    fn started(&self) -> bool {
        self.final_recipient.is_some() || self.original_recipient.is_some()
    }

    /// The Final-Recipient when it is a full address, else the Original-Recipient.
    fn finish(mut self) -> Recipient {
        let f = self.final_recipient.unwrap_or_default();
        let o = self.original_recipient.unwrap_or_default();
        self.recipient.address = if f.contains('@') || !o.contains('@') {
            f
        } else {
            o
        };
        if self.recipient.diagnostic.is_empty()
            && let Some(c) = self.status_comment
        {
            self.recipient.diagnostic = c;
        } else {
            self.recipient.status_comment = self.status_comment;
        }
        self.recipient
    }
}

/// The RFC 3464 fields read (§2.2, §2.3); others are skipped.
const FIELDS: &[&str] = &[
    "final-recipient",
    "original-recipient",
    "action",
    "status",
    "remote-mta",
    "diagnostic-code",
    "reporting-mta",
];

/// Parses RFC 3464 field blocks in `body` into the per-message fields and the recipients in
/// order.
pub fn parse_fields(body: &str) -> (MessageFields, Vec<Recipient>) {
    let mut out = Vec::new();
    let msg = parse_each(body, |r| out.push(r));
    (msg, out)
}

/// [`parse_fields`] into `found`: once it is full, further recipients are only counted.
fn parse_found(body: &str, found: &mut Found) -> MessageFields {
    parse_each(body, |r| found.push(r))
}

/// Parses RFC 3464 field blocks in `body`, gives each recipient with an address to `out` in
/// order, and returns the per-message fields.
fn parse_each(body: &str, mut out: impl FnMut(Recipient)) -> MessageFields {
    let mut msg = MessageFields::default();
    let mut push = |b: Building| {
        let r = b.finish();
        if !r.address.is_empty() {
            out(r);
        }
    };
    let mut cur = Building::default();
    for f in fields(body) {
        let Some((name, value)) = f else {
            if cur.started() {
                push(std::mem::take(&mut cur));
            }
            continue;
        };
        let name = FIELDS
            .iter()
            .find(|f| f.eq_ignore_ascii_case(name))
            .copied()
            .unwrap_or("");
        match name {
            "final-recipient" => {
                if cur.final_recipient.is_some() {
                    push(std::mem::take(&mut cur));
                }
                cur.final_recipient = Some(typed_address(&value));
            }
            "original-recipient" => {
                if cur.original_recipient.is_some() {
                    push(std::mem::take(&mut cur));
                }
                cur.original_recipient = Some(typed_address(&value));
            }
            "action" => cur.recipient.action = Action::parse(&value),
            "status" => {
                cur.recipient.status = text::status_code(&value).map(str::to_string);
                cur.status_comment = status_comment(&value);
            }
            "remote-mta" => cur.recipient.remote_mta = Some(typed_value(&value).to_string()),
            "diagnostic-code" => {
                let (kind, rest) = match value.split_once(';') {
                    Some((k, rest)) if !text::trim(k).contains(' ') => {
                        (Some(text::trim(k).to_ascii_uppercase()), text::trim(rest))
                    }
                    _ => (None, text::trim(&value)),
                };
                cur.recipient.diagnostic_type = kind;
                cur.recipient.diagnostic = text::squeeze(rest);
            }
            "reporting-mta" => msg.reporting_mta = Some(typed_value(&value).to_string()),
            _ => {}
        }
    }
    if cur.started() {
        push(cur);
    }
    msg
}

/// The comment after the code of a `Status` field (`4.0.0 (example.net: host name lookup
/// failure)`, Sendmail; `4.2.2 (Over quota)`, Oracle Messaging Server): RFC 3464 §2.3.4 allows an
/// RFC 822 comment there, and without a `Diagnostic-Code` it is the only explanation the report
/// gives. Comments that only restate the class ("permanent failure") say nothing.
fn status_comment(value: &str) -> Option<String> {
    let open = value.find('(')?;
    let close = value.rfind(')').filter(|c| *c > open)?;
    let c = text::squeeze(value.get(open + 1..close)?);
    let lower = c.to_ascii_lowercase();
    let generic = [
        "permanent failure",
        "temporary failure",
        "persistent transient failure",
        "unrecoverable error",
        "success",
        "delivered",
        "other or undefined",
    ];
    (!c.is_empty() && !generic.iter().any(|g| lower.contains(g))).then_some(c)
}

/// The value after `type;` in an RFC 3464 typed field (`rfc822; a@b`, `dns; host`).
fn typed_value(value: &str) -> &str {
    match value.split_once(';') {
        Some((_, v)) => text::trim(v),
        None => text::trim(value),
    }
}

fn typed_address(value: &str) -> String {
    // A structured field (RFC 3464 §2.3.2): comments may stand anywhere between its tokens.
    let v = text::strip_comments(typed_value(value));
    let v = text::trim(&v);
    match text::address(v) {
        Some(a) => a.to_string(),
        None => v.trim_matches(['<', '>', ' ']).to_string(),
    }
}

/// Reads the status parts of `mail`; `None` when it has none with a recipient.
pub fn read(mail: &Mail) -> Option<Found> {
    let mut all = Found::default();
    for part in &mail.status_parts {
        let from = all.recipients.len();
        let msg = parse_found(part, &mut all);
        for r in all.recipients.get_mut(from..).unwrap_or(&mut []) {
            r.reporting_mta.clone_from(&msg.reporting_mta);
        }
    }
    if all.recipients.is_empty() {
        // DSN fields pasted into a text part (some gateways do so).
        let t = &mail.text;
        let at = mail.scan().dsn_fields?;
        let start = t[..at].rfind("\n\n").map(|p| p + 1).unwrap_or(at);
        all = Found::default();
        parse_found(&t[start..], &mut all);
    }
    if all.recipients.is_empty() {
        None
    } else {
        Some(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_comment_and_reporting_mta() {
        let body = "Reporting-MTA: dns; out.sender.test\n\n\
                    Final-Recipient: rfc822; bo@rcpt.test\nAction: failed\n\
                    Status: 5.2.1 (mailbox disabled, not accepting messages)\n\
                    Diagnostic-Code: smtp; 550 5.2.1 Recipient not available\n\n\
                    Final-Recipient: rfc822; al@rcpt.test\nAction: failed\n\
                    Status: 4.2.2 (Over quota)\n";
        let (msg, rs) = parse_fields(body);
        assert_eq!(msg.reporting_mta.as_deref(), Some("out.sender.test"));
        assert_eq!(
            rs[0].status_comment.as_deref(),
            Some("mailbox disabled, not accepting messages")
        );
        // Without a Diagnostic-Code the comment is the explanation itself.
        assert_eq!(rs[1].diagnostic, "Over quota");
        assert_eq!(rs[1].status_comment, None);
    }
}
