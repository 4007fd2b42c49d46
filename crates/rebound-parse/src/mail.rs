//! A flat view of a MIME message for the format modules: top-level header fields, the
//! human-readable text, the machine-readable report parts and the returned original.
//!
//! MIME structure comes from [`crate::mime`]; this module only decides which part plays which
//! role in a report (RFC 6522 `multipart/report`).

use std::borrow::Cow;

use crate::Flag;
use crate::header::Headers;
use crate::mime::{self, ContentType};

/// Largest message read whole; larger inputs are cut here and flagged [`Flag::Truncated`].
/// Bounce reports are small: the corpus's largest is under 200 KiB.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// How deep attached messages are searched for a report ([`Mail::read`]): a notice that wraps
/// the real report once (a gateway's "Returned mail" around the MTA's DSN) is common, deeper
/// nesting is not and would only cost time.
const MAX_ATTACHED_DEPTH: u8 = 2;

/// The parts of a message that a report format cares about.
#[derive(Debug, Default)]
pub struct Mail {
    /// Top-level header fields, names in lower case, values unfolded (encoded words decoded in
    /// the `Subject`).
    pub headers: Headers,
    /// Human-readable text: every inline `text/*` part outside a returned message, in order
    /// (HTML reduced to text when there is no plain part).
    pub text: String,
    /// Bodies of `message/delivery-status` / `message/global-delivery-status` parts (RFC 3464,
    /// RFC 6533).
    pub status_parts: Vec<String>,
    /// Body of a `message/feedback-report` part (RFC 5965).
    pub feedback: Option<String>,
    /// The returned original's header block (as text) when it is attached as a MIME part.
    pub original_block: Option<String>,
    /// [`Mail::original_headers`], parsed once on first use.
    original_fields: std::cell::OnceCell<Vec<(String, String)>>,
    /// Content-Type of the top-level message, lower case ("multipart/report").
    pub content_type: String,
    /// `report-type` parameter of a `multipart/report`, lower case.
    pub report_type: String,
    /// Problems met while reading.
    pub flags: Vec<Flag>,
    /// The one pass over the text ([`crate::scan`]), done on first use.
    scan: std::cell::OnceCell<crate::scan::Scan>,
}

impl Mail {
    /// The returned original's header fields (lower-case names, unfolded values) when it is
    /// attached as a MIME part; parsed on first use.
    pub fn original_headers(&self) -> Option<&[(String, String)]> {
        let block = self.original_block.as_deref()?;
        Some(
            self.original_fields
                .get_or_init(|| parse_header_block(block)),
        )
    }

    /// The notice part of the text: everything before the returned original (found by
    /// [`crate::scan`], once per message).
    pub fn notice(&self) -> &str {
        let len = self.scan().notice_len;
        self.text.get(..len).unwrap_or(&self.text)
    }

    /// The phrases found in the text ([`crate::scan::Scan`]), scanned once per message.
    pub fn scan(&self) -> &crate::scan::Scan {
        self.scan.get_or_init(|| crate::scan::scan(&self.text))
    }

    /// First value of a top-level header field (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// The `Subject`, or "".
    pub fn subject(&self) -> &str {
        self.header("subject").unwrap_or("")
    }

    /// The `From`, or "".
    pub fn from(&self) -> &str {
        self.header("from").unwrap_or("")
    }

    /// Reads `bytes` into a [`Mail`]. Never fails: bad structure is flagged.
    ///
    /// When the message carries no report part of its own but attaches, as `message/rfc822`, a
    /// message that does (a relay or filter forwarding the DSN it received inside its own
    /// notice), that attached report is read in its place: its status parts, its text after this
    /// message's text, and the original it returns.
    pub fn read(bytes: &[u8]) -> Mail {
        Mail::read_nested(bytes, 0)
    }

    fn read_nested(bytes: &[u8], depth: u8) -> Mail {
        let mut mail = Mail::default();
        let bytes = if bytes.len() > MAX_MESSAGE_BYTES {
            mail.flags.push(Flag::Truncated);
            &bytes[..MAX_MESSAGE_BYTES]
        } else {
            bytes
        };
        let bytes = normalize_newlines(bytes);
        let (head, body) = mime::split_entity(&bytes);
        mail.headers = Headers::parse(&crate::text::lossy(head));
        if mail.headers.is_empty() {
            mail.flags.push(Flag::NotMime);
        }
        mail.headers.decode_words("subject");
        if let Some(ct) = mail
            .headers
            .get("content-type")
            .and_then(ContentType::parse)
        {
            mail.content_type = [&*ct.ctype, "/", &*ct.subtype].concat();
            mail.report_type = ct.param("report-type").unwrap_or("").to_ascii_lowercase();
        }
        // HTML alternatives are only decoded when there is no plain text: (body, charset).
        let mut html: Vec<(Cow<'_, [u8]>, Option<String>)> = Vec::new();
        // Attached messages, kept borrowed: most are never read again.
        let mut attached: Vec<Cow<'_, [u8]>> = Vec::new();
        let mut bad_encoding = false;
        let Mail {
            text,
            status_parts,
            feedback,
            original_block,
            ..
        } = &mut mail;
        mime::leaves(head, body, &mut |leaf| {
            bad_encoding |= leaf.bad_encoding;
            let ct = &leaf.content_type;
            match (&*ct.ctype, &*ct.subtype) {
                ("message", "delivery-status" | "global-delivery-status") => {
                    status_parts.push(leaf.text().into_owned());
                }
                ("message", "feedback-report") => *feedback = Some(leaf.text().into_owned()),
                ("text" | "message", "rfc822-headers") if original_block.is_none() => {
                    *original_block = Some(leaf.text().into_owned());
                }
                ("message", "rfc822" | "global") => {
                    if original_block.is_none() {
                        let (h, _) = mime::split_entity(&leaf.body);
                        *original_block = Some(crate::text::lossy(h).into_owned());
                    }
                    if depth < MAX_ATTACHED_DEPTH {
                        attached.push(leaf.body);
                    }
                }
                ("text", "html") if !leaf.attachment => {
                    let charset = ct.param("charset").map(str::to_string);
                    html.push((leaf.body, charset));
                }
                ("text", _) if !leaf.attachment => {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(&leaf.text());
                }
                _ => {}
            }
        });
        if bad_encoding {
            push_flag(&mut mail.flags, Flag::BadEncoding);
        }
        if mail.text.trim().is_empty() && !html.is_empty() {
            mail.text = html
                .iter()
                .map(|(body, charset)| html_to_text(&mime::decode_text(body, charset.as_deref())))
                .collect::<Vec<_>>()
                .join("\n");
        }
        if mail.status_parts.is_empty() && mail.feedback.is_none() && depth < MAX_ATTACHED_DEPTH {
            mail.adopt_attached_report(&attached, depth);
        }
        if mail.text.trim().is_empty() && mail.status_parts.is_empty() {
            // MIME too broken to find a text part (a `boundary=` parameter on an unfolded line,
            // say): the raw body, part headers and all, is still better than nothing.
            mail.text = crate::text::lossy(body).into_owned();
        }
        mail
    }
}

impl Mail {
    /// Takes the first attached message that holds a report (`message/delivery-status`
    /// parts) as this message's report; see [`Mail::read`].
    fn adopt_attached_report(&mut self, attached: &[Cow<'_, [u8]>], depth: u8) {
        let Some(inner) = attached
            .iter()
            .filter(|raw| has_status_part(raw))
            .map(|raw| Mail::read_nested(raw, depth + 1))
            .find(|m| !m.status_parts.is_empty())
        else {
            return;
        };
        self.status_parts = inner.status_parts;
        if !inner.text.is_empty() {
            if !self.text.is_empty() {
                self.text.push('\n');
            }
            self.text.push_str(&inner.text);
        }
        self.original_block = inner.original_block;
        self.original_fields = std::cell::OnceCell::new();
        for f in inner.flags {
            push_flag(&mut self.flags, f);
        }
    }
}

/// True when an attached message has a `message/delivery-status` part of its own.
fn has_status_part(raw: &[u8]) -> bool {
    let (head, body) = mime::split_entity(raw);
    let mut found = false;
    mime::leaves(head, body, &mut |leaf| {
        found |= leaf.content_type.ctype == "message"
            && matches!(
                &*leaf.content_type.subtype,
                "delivery-status" | "global-delivery-status"
            );
    });
    found
}

fn push_flag(flags: &mut Vec<Flag>, flag: Flag) {
    if !flags.contains(&flag) {
        flags.push(flag);
    }
}

/// Parses a block of `Name: value` lines with continuation lines into (lower-case name,
/// unfolded value) pairs; stops at the first empty line after at least one field.
pub fn parse_header_block(block: &str) -> Vec<(String, String)> {
    Headers::parse(block)
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// LF, CRLF and lone CR all become LF, so every variant of a message reads the same.
fn normalize_newlines(bytes: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'\r', bytes).is_none() {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(p) = memchr::memchr(b'\r', rest) {
        out.extend_from_slice(rest.get(..p).unwrap_or(&[]));
        out.push(b'\n');
        let after = rest.get(p + 1..).unwrap_or(&[]);
        rest = after.strip_prefix(b"\n").unwrap_or(after);
    }
    out.extend_from_slice(rest);
    Cow::Owned(out)
}

/// A crude HTML-to-text reduction in one pass: tags become spaces (block tags newlines),
/// the common entities are decoded.
pub fn html_to_text(html: &str) -> String {
    const ENTITIES: &[(&str, char)] = &[
        ("&nbsp;", ' '),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&amp;", '&'),
    ];
    const BLOCKS: &[&str] = &["br", "p", "div", "tr", "li", "h1", "h2", "h3", "table"];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Both bytes are ASCII, so the offset is a character boundary.
    while let Some(p) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..p]);
        let tail = &rest[p..];
        if tail.starts_with('<') {
            let end = tail.find('>').unwrap_or(tail.len());
            let tag = tail[1..end].trim_start_matches('/');
            let name_len = tag
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(tag.len());
            let block = BLOCKS
                .iter()
                .any(|b| tag[..name_len].eq_ignore_ascii_case(b));
            out.push(if block { '\n' } else { ' ' });
            rest = tail.get(end + 1..).unwrap_or("");
        } else if let Some((e, c)) = ENTITIES.iter().find(|(e, _)| tail.starts_with(e)) {
            out.push(*c);
            rest = &tail[e.len()..];
        } else {
            out.push('&');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A filter's own notice that attaches, as `message/rfc822`, the DSN it received.
    const WRAPPED: &str = "From: MAILER-DAEMON@gw.sender.test\nSubject: Returned mail\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"outer\"\n\n--outer\nContent-Type: text/plain\n\nThe following addresses had permanent delivery errors\n\n--outer\nContent-Type: message/rfc822\n\nFrom: MAILER-DAEMON@mx.rcpt.test\nSubject: Returned mail: User unknown\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"inner\"\n\n--inner\nContent-Type: text/plain\n\nbob@rcpt.test\n\n--inner\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.rcpt.test\n\nFinal-Recipient: rfc822; bob@rcpt.test\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n\n--inner\nContent-Type: message/rfc822\n\nFrom: alice@sender.test\nTo: bob@rcpt.test\nMessage-ID: <1@sender.test>\n\nhi\n--inner--\n\n--outer--\n";

    #[test]
    fn report_attached_as_message_is_read() {
        let m = Mail::read(WRAPPED.as_bytes());
        assert_eq!(m.status_parts.len(), 1);
        assert!(m.status_parts[0].contains("Final-Recipient: rfc822; bob@rcpt.test"));
        assert!(m.text.contains("bob@rcpt.test"));
        let id = m
            .original_headers()
            .and_then(|h| h.iter().find(|(n, _)| n == "message-id"));
        assert_eq!(id.map(|(_, v)| v.as_str()), Some("<1@sender.test>"));
        let r = crate::parse(WRAPPED.as_bytes());
        assert_eq!(r.recipients.len(), 1);
        assert_eq!(r.recipients[0].status.as_deref(), Some("5.1.1"));
    }

    #[test]
    fn utf8_labelled_iso_2022_jp_is_read_as_utf8() {
        let m =
            "Subject: x\nContent-Type: text/plain; charset=ISO-2022-JP\n\nエラー\nbob@rcpt.test\n";
        assert!(Mail::read(m.as_bytes()).text.starts_with("エラー"));
        let jis =
            b"Subject: x\nContent-Type: text/plain; charset=ISO-2022-JP\n\n\x1b$B%(%i!<\x1b(B\n";
        assert!(Mail::read(jis).text.starts_with("エラー"));
    }

    #[test]
    fn headers_only_rfc822_part_names_the_original() {
        // Some MTAs return only the header block inside a message/rfc822 part (no empty line,
        // no body); the Message-ID must still be found.
        let m = "Subject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@rcpt.test\nAction: failed\nStatus: 5.1.1\n\n--b\nContent-Type: message/rfc822\n\nFrom: s@sender.test\nMessage-ID: <h-1@sender.test>\n--b--\n";
        let r = crate::parse(m.as_bytes());
        assert_eq!(r.original_message_id.as_deref(), Some("<h-1@sender.test>"));
        assert_eq!(r.recipients.len(), 1);
    }

    #[test]
    fn attached_original_without_report_stays_the_original() {
        let m = Mail::read(b"Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nfailed\n--b\nContent-Type: message/rfc822\n\nMessage-ID: <2@s.test>\n\nbody\n--b--\n");
        assert!(m.status_parts.is_empty());
        let h = m.original_headers().unwrap_or_default();
        assert!(h.iter().any(|(_, v)| v == "<2@s.test>"));
    }
}
