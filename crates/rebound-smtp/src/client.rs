//! A small SMTP client (RFC 5321) for outbound delivery: one message to one recipient per
//! transaction, so every recipient gets its own reply, which is what the ledger records.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One transaction's envelope and content.
#[derive(Debug, Clone)]
pub struct Transaction<'a> {
    /// Our name for EHLO.
    pub helo: &'a str,
    /// The envelope sender (the VERP return path).
    pub mail_from: &'a str,
    /// The recipient.
    pub rcpt_to: &'a str,
    /// The message, CRLF line ends.
    pub data: &'a [u8],
}

/// What the server said in the end: the first refusal, or its answer to the data. `None` code
/// means no reply at all (connection refused, reset, timed out); the text says what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The reply code, if the server replied.
    pub code: Option<u16>,
    /// The full reply text (all lines joined), or what failed.
    pub text: String,
    /// host:port it spoke to.
    pub server: String,
}

/// Delivers one message to `server` (host:port).
pub async fn deliver(server: &str, t: &Transaction<'_>, timeout: Duration) -> Outcome {
    match tokio::time::timeout(timeout, exchange(server, t, timeout)).await {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => failure(server, format!("connection to {server} failed: {e}")),
        Err(_) => failure(server, format!("connection to {server} timed out")),
    }
}

fn failure(server: &str, text: String) -> Outcome {
    Outcome {
        code: None,
        text,
        server: server.to_string(),
    }
}

async fn exchange(
    server: &str,
    t: &Transaction<'_>,
    timeout: Duration,
) -> std::io::Result<Outcome> {
    let stream = TcpStream::connect(server).await?;
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let done = |code, text| {
        Ok(Outcome {
            code: Some(code),
            text,
            server: server.to_string(),
        })
    };
    let (code, text) = reply(&mut r, timeout).await?;
    if code != 220 {
        return done(code, text);
    }
    let steps = [
        format!("EHLO {}\r\n", t.helo),
        format!("MAIL FROM:<{}>\r\n", t.mail_from),
        format!("RCPT TO:<{}>\r\n", t.rcpt_to),
        "DATA\r\n".to_string(),
    ];
    for (i, step) in steps.iter().enumerate() {
        w.write_all(step.as_bytes()).await?;
        let (code, text) = reply(&mut r, timeout).await?;
        let ok = if i == 3 {
            code == 354
        } else {
            (200..300).contains(&code)
        };
        if !ok {
            let _ = w.write_all(b"QUIT\r\n").await;
            return done(code, text);
        }
    }
    w.write_all(&dot_stuff(t.data)).await?;
    let (code, text) = reply(&mut r, timeout).await?;
    let _ = w.write_all(b"QUIT\r\n").await;
    done(code, text)
}

/// Reads one (possibly multi-line) reply: its code and its lines joined by a space.
async fn reply<R: AsyncBufReadExt + Unpin>(
    r: &mut R,
    timeout: Duration,
) -> std::io::Result<(u16, String)> {
    let mut text = String::new();
    loop {
        let mut line = String::new();
        let n = tokio::time::timeout(timeout, r.read_line(&mut line))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no reply"))??;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        let line = line.trim_end();
        let code = line.get(..3).and_then(|c| c.parse::<u16>().ok());
        let Some(code) = code else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("not an SMTP reply: {line:?}"),
            ));
        };
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(line);
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok((code, text));
        }
    }
}

/// The data with leading dots doubled and the end marker (RFC 5321 §4.5.2).
pub fn dot_stuff(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 8);
    for line in data.split_inclusive(|b| *b == b'\n') {
        if line.starts_with(b".") {
            out.push(b'.');
        }
        out.extend_from_slice(line);
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receiver::{self, Config, Sink};
    use std::sync::{Arc, Mutex};

    #[derive(Default)]
    struct Kept(Mutex<Vec<Vec<u8>>>);

    impl Sink for Kept {
        async fn store(&self, _: String, _: Vec<String>, data: Vec<u8>) -> Result<String, String> {
            self.0.lock().unwrap().push(data);
            Ok("1".into())
        }
    }

    #[test]
    fn dots_are_stuffed_and_the_end_marked() {
        assert_eq!(dot_stuff(b"a\r\n.b\r\n"), b"a\r\n..b\r\n.\r\n");
        assert_eq!(dot_stuff(b"no newline"), b"no newline\r\n.\r\n");
    }

    #[tokio::test]
    async fn delivers_to_our_own_receiver_and_reports_refusals() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let kept = Arc::new(Kept::default());
        tokio::spawn(receiver::serve(
            listener,
            Arc::new(Config::default()),
            kept.clone(),
        ));
        let t = Transaction {
            helo: "me.test",
            mail_from: "",
            rcpt_to: "x@bounces.localhost",
            data: b"Subject: s\r\n\r\n.hi\r\n",
        };
        let o = deliver(&addr, &t, Duration::from_secs(5)).await;
        assert_eq!(o.code, Some(250), "{o:?}");
        assert_eq!(kept.0.lock().unwrap()[0], b"Subject: s\r\n\r\n.hi\r\n");
        let t = Transaction {
            rcpt_to: "x@elsewhere.test",
            ..t
        };
        let o = deliver(&addr, &t, Duration::from_secs(5)).await;
        assert_eq!(o.code, Some(550));
        assert!(o.text.contains("5.7.1"), "{o:?}");
        let o = deliver("127.0.0.1:1", &t, Duration::from_secs(5)).await;
        assert_eq!(o.code, None);
    }
}
