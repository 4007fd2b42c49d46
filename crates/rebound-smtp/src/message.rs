//! Composing an outgoing message (RFC 5322 headers, RFC 2045/2046 MIME).

/// What goes into one message.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// From address.
    pub from: &'a str,
    /// To address.
    pub to: &'a str,
    /// Subject (UTF-8; encoded per RFC 2047 when not ASCII).
    pub subject: &'a str,
    /// Message-ID without angle brackets.
    pub message_id: &'a str,
    /// RFC 5322 date text.
    pub date: &'a str,
    /// Plain-text body.
    pub text: &'a str,
    /// HTML body, sent as multipart/alternative with the text.
    pub html: Option<&'a str>,
}

/// The message bytes with CRLF line ends.
pub fn compose(m: &Outgoing<'_>) -> Vec<u8> {
    let mut out = String::new();
    out.push_str(&format!("From: <{}>\r\nTo: <{}>\r\n", m.from, m.to));
    out.push_str(&format!("Subject: {}\r\n", encode_word(m.subject)));
    out.push_str(&format!(
        "Date: {}\r\nMessage-ID: <{}>\r\nMIME-Version: 1.0\r\n",
        m.date, m.message_id
    ));
    match m.html {
        None => {
            out.push_str("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
            out.push_str(&crlf(m.text));
        }
        Some(html) => {
            let boundary = format!("=_alt_{}", m.message_id.len() * 7919 % 100_000);
            out.push_str(&format!(
                "Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n"
            ));
            out.push_str(&format!("--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"));
            out.push_str(&crlf(m.text));
            out.push_str(&format!("\r\n--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"));
            out.push_str(&crlf(html));
            out.push_str(&format!("\r\n--{boundary}--\r\n"));
        }
    }
    out.into_bytes()
}

/// Text with every line ending as CRLF.
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

/// An RFC 2047 encoded word (base64) for non-ASCII text; ASCII as is, without line breaks.
fn encode_word(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.is_ascii() {
        return clean;
    }
    format!("=?utf-8?B?{}?=", base64(clean.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composes_text_and_alternative_messages() {
        let m = Outgoing {
            from: "news@a.test",
            to: "b@c.test",
            subject: "Hej då",
            message_id: "x@a.test",
            date: "Thu, 1 Jan 1970 00:00:00 +0000",
            text: "hi\nthere",
            html: None,
        };
        let text = String::from_utf8(compose(&m)).unwrap();
        assert!(
            text.contains("Subject: =?utf-8?B?SGVqIGTDpQ==?=\r\n"),
            "{text}"
        );
        assert!(text.ends_with("\r\n\r\nhi\r\nthere"), "{text}");
        let alt = String::from_utf8(compose(&Outgoing {
            html: Some("<p>hi</p>"),
            ..m
        }))
        .unwrap();
        assert!(alt.contains("multipart/alternative") && alt.contains("<p>hi</p>"));
        assert_eq!(base64(b"Ma"), "TWE=");
    }
}
