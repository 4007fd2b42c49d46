//! A flat view of a MIME message for the format modules: top-level header fields, the
//! human-readable text, the machine-readable report parts and the returned original.
//!
//! MIME structure and transfer/charset decoding come from `mail-parser`; this module only
//! decides which part plays which role in a report (RFC 6522 `multipart/report`).

use std::borrow::Cow;

use mail_parser::{MessageParser, MimeHeaders, PartType};

use crate::Flag;

/// Largest message read whole; larger inputs are cut here and flagged [`Flag::Truncated`].
/// Bounce reports are small: the corpus's largest is under 200 KiB.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// The parts of a message that a report format cares about.
#[derive(Debug, Default)]
pub struct Mail {
    /// Top-level header fields, names in lower case, values unfolded (encoded words decoded).
    pub headers: Vec<(String, String)>,
    /// Human-readable text: every inline `text/*` part outside a returned message, in order
    /// (HTML reduced to text when there is no plain part).
    pub text: String,
    /// Bodies of `message/delivery-status` / `message/global-delivery-status` parts (RFC 3464,
    /// RFC 6533).
    pub status_parts: Vec<String>,
    /// Body of a `message/feedback-report` part (RFC 5965).
    pub feedback: Option<String>,
    /// The returned original's header fields when it is attached as a MIME part.
    pub original_headers: Option<Vec<(String, String)>>,
    /// Content-Type of the top-level message, lower case ("multipart/report").
    pub content_type: String,
    /// `report-type` parameter of a `multipart/report`, lower case.
    pub report_type: String,
    /// Problems met while reading.
    pub flags: Vec<Flag>,
}

impl Mail {
    /// First value of a top-level header field (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
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
    pub fn read(bytes: &[u8]) -> Mail {
        let mut mail = Mail::default();
        let bytes = if bytes.len() > MAX_MESSAGE_BYTES {
            mail.flags.push(Flag::Truncated);
            &bytes[..MAX_MESSAGE_BYTES]
        } else {
            bytes
        };
        let bytes = normalize_newlines(bytes);
        let Some(message) = MessageParser::default().parse(bytes.as_ref()) else {
            mail.flags.push(Flag::NotMime);
            return mail;
        };
        mail.headers = header_list(&message);
        if let Some(s) = message.subject()
            && let Some(slot) = mail.headers.iter_mut().find(|(n, _)| n == "subject")
        {
            slot.1 = unfold(s);
        }
        if let Some(ct) = message.root_part().content_type() {
            mail.content_type = format!(
                "{}/{}",
                ct.ctype().to_ascii_lowercase(),
                ct.subtype().unwrap_or("").to_ascii_lowercase()
            );
            mail.report_type = ct
                .attribute("report-type")
                .unwrap_or("")
                .to_ascii_lowercase();
        }
        let mut html = String::new();
        for part in &message.parts {
            if part.is_encoding_problem {
                push_flag(&mut mail.flags, Flag::BadEncoding);
            }
            let (ctype, sub) = match part.content_type() {
                Some(ct) => (
                    ct.ctype().to_ascii_lowercase(),
                    ct.subtype().unwrap_or("").to_ascii_lowercase(),
                ),
                None => ("text".to_string(), "plain".to_string()),
            };
            match (&part.body, ctype.as_str(), sub.as_str()) {
                (PartType::Multipart(_), _, _) => {}
                (PartType::Message(inner), _, _)
                    if mail.original_headers.is_none() => {
                        mail.original_headers = Some(header_list(inner));
                    }
                (body, "message", "delivery-status" | "global-delivery-status") => {
                    mail.status_parts
                        .push(body_text(body, part.contents()).into_owned());
                }
                (body, "message", "feedback-report") => {
                    mail.feedback = Some(body_text(body, part.contents()).into_owned());
                }
                (body, "text", "rfc822-headers") | (body, "message", "rfc822-headers")
                    if mail.original_headers.is_none() => {
                        let text = body_text(body, part.contents());
                        mail.original_headers = Some(parse_header_block(&text));
                    }
                (body, "message", "rfc822" | "global")
                    // An attached original that mail-parser did not parse as a message
                    // (e.g. headers only): read its header block ourselves.
                    if mail.original_headers.is_none() => {
                        let text = body_text(body, part.contents());
                        mail.original_headers = Some(parse_header_block(&text));
                    }
                (PartType::Text(t), "text", _) | (PartType::Text(t), _, _)
                    if !is_attachment(part) =>
                {
                    if !mail.text.is_empty() {
                        mail.text.push('\n');
                    }
                    mail.text.push_str(t);
                }
                (PartType::Html(h), _, _) if !is_attachment(part) => {
                    html.push_str(&html_to_text(h));
                    html.push('\n');
                }
                _ => {}
            }
        }
        if mail.text.trim().is_empty() && !html.is_empty() {
            mail.text = html;
        }
        if mail.text.trim().is_empty() && mail.status_parts.is_empty() {
            // MIME too broken to find a text part (a `boundary=` parameter on an unfolded line,
            // say): the raw body, part headers and all, is still better than nothing.
            let start = usize::try_from(message.root_part().raw_body_offset()).unwrap_or(0);
            let raw = message.raw_message().get(start..).unwrap_or(&[]);
            mail.text = String::from_utf8_lossy(raw).into_owned();
        }
        mail
    }
}

fn push_flag(flags: &mut Vec<Flag>, flag: Flag) {
    if !flags.contains(&flag) {
        flags.push(flag);
    }
}

fn is_attachment(part: &mail_parser::MessagePart<'_>) -> bool {
    part.content_disposition()
        .is_some_and(|d| d.is_attachment())
}

/// Text of a leaf part, whatever mail-parser made of it.
fn body_text<'a>(body: &'a PartType<'_>, raw: &'a [u8]) -> Cow<'a, str> {
    match body {
        PartType::Text(t) | PartType::Html(t) => Cow::Borrowed(t.as_ref()),
        _ => String::from_utf8_lossy(raw),
    }
}

/// The header fields of a parsed message as (lower-case name, unfolded raw value).
fn header_list(message: &mail_parser::Message<'_>) -> Vec<(String, String)> {
    message
        .headers_raw()
        .map(|(n, v)| (n.to_ascii_lowercase(), unfold(v)))
        .collect()
}

/// Joins folded lines (RFC 5322 §2.2.3) and trims.
pub fn unfold(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, line) in value.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if i > 0 {
            let t = line.trim_start();
            if t.is_empty() {
                continue;
            }
            out.push(' ');
            out.push_str(t);
        } else {
            out.push_str(line.trim());
        }
    }
    out.trim().to_string()
}

/// Parses a block of `Name: value` lines with continuation lines into (lower-case name,
/// unfolded value) pairs; stops at the first empty line after at least one field.
pub fn parse_header_block(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if out.is_empty() {
                continue;
            }
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim();
            if !name.is_empty() && !name.contains(' ') {
                out.push((name.to_ascii_lowercase(), value.trim().to_string()));
            }
        }
    }
    out
}

/// LF, CRLF and lone CR all become LF, so every variant of a message reads the same.
fn normalize_newlines(bytes: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'\r', bytes).is_none() {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' => {
                out.push(b'\n');
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(out)
}

/// A crude HTML-to-text reduction: tags become spaces or newlines, common entities decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                tag.clear();
            }
            '>' if in_tag => {
                in_tag = false;
                let t = tag.to_ascii_lowercase();
                let name = t
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                if matches!(
                    name,
                    "br" | "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "table"
                ) {
                    out.push('\n');
                } else {
                    out.push(' ');
                }
            }
            _ if in_tag => tag.push(c),
            _ => out.push(c),
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
