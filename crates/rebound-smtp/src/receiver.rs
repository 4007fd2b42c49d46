//! The inbound SMTP receiver: accepts mail for the bounce domains only, stores each message
//! through a [`Sink`] before answering 250 (SPEC §8), and refuses everything else with a clear
//! reply (RFC 5321 §4.2, enhanced codes per RFC 3463).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Where accepted messages go.
pub trait Sink: Send + Sync + 'static {
    /// Stores a message durably and returns an id for the 250 reply, or why it could not
    /// (answered with a temporary 451, so the sender retries).
    fn store(
        &self,
        mail_from: String,
        rcpt_to: Vec<String>,
        data: Vec<u8>,
    ) -> impl Future<Output = Result<String, String>> + Send;
}

/// Limits and names.
#[derive(Debug, Clone)]
pub struct Config {
    /// The name in the greeting and EHLO reply.
    pub hostname: String,
    /// Recipient domains accepted (the bounce domains); anything else is relaying, refused.
    pub domains: Vec<String>,
    /// The largest message accepted (advertised as SIZE).
    pub max_message_bytes: usize,
    /// Connections served at once; more get 421.
    pub max_connections: usize,
    /// Recipients per message.
    pub max_recipients: usize,
    /// How long to wait for a command or a chunk of data (RFC 5321 §4.5.3.2 suggests minutes).
    pub timeout: Duration,
    /// With a certificate: STARTTLS is offered (RFC 3207).
    pub tls: Option<Arc<ServerConfig>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            hostname: "rebound.localhost".into(),
            domains: vec!["bounces.localhost".into()],
            max_message_bytes: 16 << 20,
            max_connections: 200,
            max_recipients: 100,
            timeout: Duration::from_secs(300),
            tls: None,
        }
    }
}

/// The longest command line (RFC 5321 §4.5.3.1.4: 512 octets; we allow extensions' length).
const MAX_LINE: usize = 4096;

/// Serves connections from `listener` until the task is dropped.
pub async fn serve<S: Sink>(listener: TcpListener, config: Arc<Config>, sink: Arc<S>) {
    let slots = Arc::new(Semaphore::new(config.max_connections));
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            tokio::spawn(async move {
                let _ = stream
                    .write_all(b"421 4.3.2 Too many connections, try again later\r\n")
                    .await;
            });
            continue;
        };
        let (config, sink) = (config.clone(), sink.clone());
        tokio::spawn(async move {
            let _ = session(stream, &config, &*sink).await;
            drop(permit);
        });
    }
}

/// Where a session stands.
#[derive(Default)]
struct Envelope {
    helo: bool,
    from: Option<String>,
    to: Vec<String>,
}

/// A server configuration for STARTTLS from PEM certificate chain and private key.
pub fn tls_config(cert_pem: &[u8], key_pem: &[u8]) -> Result<Arc<ServerConfig>, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("reading the certificate: {e}"))?;
    if certs.is_empty() {
        return Err("the certificate file holds no certificate".into());
    }
    let key =
        PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| format!("reading the key: {e}"))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("certificate and key do not fit: {e}"))?;
    Ok(Arc::new(config))
}

/// How a part of a session ended.
enum Next<T> {
    /// The client quit, went away or was sent away.
    Done,
    /// The client asked for TLS: the connection, to be wrapped.
    StartTls(T),
}

/// One SMTP session over any byte stream; after STARTTLS it continues over TLS.
pub async fn session<T, S>(stream: T, config: &Config, sink: &S) -> std::io::Result<()>
where
    T: AsyncRead + AsyncWrite + Unpin,
    S: Sink,
{
    let tls = config.tls.clone();
    match run(stream, config, sink, tls.is_some(), true).await? {
        Next::Done => Ok(()),
        Next::StartTls(stream) => {
            let Some(tls) = tls else { return Ok(()) };
            let secure = TlsAcceptor::from(tls).accept(stream).await?;
            // RFC 3207 §4.2: what was said before TLS is forgotten; the client says EHLO anew.
            run(secure, config, sink, false, false).await.map(|_| ())
        }
    }
}

/// Answers commands until the session ends or turns to TLS.
async fn run<T, S>(
    stream: T,
    config: &Config,
    sink: &S,
    offer_tls: bool,
    greet: bool,
) -> std::io::Result<Next<T>>
where
    T: AsyncRead + AsyncWrite + Unpin,
    S: Sink,
{
    let (r, mut w) = tokio::io::split(stream);
    let mut r = BufReader::new(r);
    let host = &config.hostname;
    if greet {
        let greeting = format!("220 {host} ESMTP Rebound bounce receiver\r\n");
        w.write_all(greeting.as_bytes()).await?;
    }
    let mut env = Envelope::default();
    let mut line = Vec::with_capacity(512);
    loop {
        line.clear();
        match read_line(&mut r, &mut line, config.timeout).await? {
            Line::Eof => return Ok(Next::Done),
            Line::Timeout => {
                w.write_all(b"421 4.4.2 Idle too long, closing\r\n").await?;
                return Ok(Next::Done);
            }
            Line::TooLong => {
                w.write_all(b"500 5.5.2 Line too long\r\n").await?;
                continue;
            }
            Line::Ok => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        let (verb, arg) = text.split_once(' ').unwrap_or((text, ""));
        let reply = match verb.to_ascii_uppercase().as_str() {
            "EHLO" if !arg.trim().is_empty() => {
                env = Envelope {
                    helo: true,
                    ..Envelope::default()
                };
                let starttls = if offer_tls { "250-STARTTLS\r\n" } else { "" };
                format!(
                    "250-{host} greets {}\r\n250-PIPELINING\r\n250-SIZE {}\r\n250-8BITMIME\r\n\
                     {starttls}250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n",
                    arg.trim(),
                    config.max_message_bytes
                )
            }
            "HELO" if !arg.trim().is_empty() => {
                env = Envelope {
                    helo: true,
                    ..Envelope::default()
                };
                format!("250 {host}\r\n")
            }
            "EHLO" | "HELO" => "501 5.5.4 Give your host name\r\n".into(),
            "MAIL" => mail(&mut env, arg, config),
            "RCPT" => rcpt(&mut env, arg, config),
            "DATA" if env.from.is_none() || env.to.is_empty() => {
                "503 5.5.1 Need MAIL and RCPT first\r\n".into()
            }
            "DATA" => {
                w.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                match data(&mut r, &mut env, config, sink).await? {
                    Some(reply) => reply,
                    None => {
                        w.write_all(b"421 4.4.2 Data timed out, closing\r\n")
                            .await?;
                        return Ok(Next::Done);
                    }
                }
            }
            "RSET" => {
                env = Envelope {
                    helo: env.helo,
                    ..Envelope::default()
                };
                "250 2.0.0 Ok\r\n".into()
            }
            "NOOP" => "250 2.0.0 Ok\r\n".into(),
            "VRFY" => {
                "252 2.5.0 Cannot verify, but will accept mail for the bounce domains\r\n".into()
            }
            "QUIT" => {
                let bye = format!("221 2.0.0 {host} closing\r\n");
                w.write_all(bye.as_bytes()).await?;
                return Ok(Next::Done);
            }
            "STARTTLS" if offer_tls && env.helo => {
                // RFC 3207 §4: nothing may be pipelined after STARTTLS.
                if !r.buffer().is_empty() {
                    w.write_all(b"501 5.5.4 Nothing may follow STARTTLS\r\n")
                        .await?;
                    return Ok(Next::Done);
                }
                w.write_all(b"220 2.0.0 Ready to start TLS\r\n").await?;
                w.flush().await?;
                return Ok(Next::StartTls(r.into_inner().unsplit(w)));
            }
            "STARTTLS" if offer_tls => "503 5.5.1 Say EHLO first\r\n".into(),
            "STARTTLS" => "502 5.5.1 STARTTLS is not offered here\r\n".into(),
            _ => "500 5.5.2 Command not recognised\r\n".into(),
        };
        w.write_all(reply.as_bytes()).await?;
    }
}

enum Line {
    Ok,
    Eof,
    Timeout,
    TooLong,
}

/// Reads one line (up to LF) into `buf`, at most [`MAX_LINE`] bytes kept.
async fn read_line<R: AsyncBufReadExt + Unpin>(
    r: &mut R,
    buf: &mut Vec<u8>,
    timeout: Duration,
) -> std::io::Result<Line> {
    let read = async {
        let mut too_long = false;
        loop {
            let chunk = r.fill_buf().await?;
            if chunk.is_empty() {
                return Ok(if buf.is_empty() && !too_long {
                    Line::Eof
                } else {
                    Line::Ok
                });
            }
            let (take, done) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if buf.len() + take > MAX_LINE {
                too_long = true;
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
            r.consume(take);
            if done {
                return Ok(if too_long { Line::TooLong } else { Line::Ok });
            }
        }
    };
    match tokio::time::timeout(timeout, read).await {
        Ok(result) => result,
        Err(_) => Ok(Line::Timeout),
    }
}

/// The address inside `FROM:<…>` / `TO:<…>` and the parameters after it.
fn path<'a>(arg: &'a str, keyword: &str) -> Option<(&'a str, &'a str)> {
    let arg = arg.trim_start();
    if arg.len() < keyword.len() || !arg[..keyword.len()].eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = arg[keyword.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    Some((&rest[..end], rest[end + 1..].trim()))
}

fn mail(env: &mut Envelope, arg: &str, config: &Config) -> String {
    if !env.helo {
        return "503 5.5.1 Say EHLO first\r\n".into();
    }
    if env.from.is_some() {
        return "503 5.5.1 Sender already given\r\n".into();
    }
    let Some((from, params)) = path(arg, "FROM:") else {
        return "501 5.5.4 Syntax: MAIL FROM:<address>\r\n".into();
    };
    // RFC 1870: a declared size over the limit is refused before the data is sent.
    let declared = params
        .split_whitespace()
        .find_map(|p| {
            p.get(..5)
                .filter(|k| k.eq_ignore_ascii_case("SIZE="))
                .and(p.get(5..))
        })
        .and_then(|n| n.parse::<usize>().ok());
    if declared.is_some_and(|n| n > config.max_message_bytes) {
        return format!(
            "552 5.3.4 Message size exceeds the limit of {} bytes\r\n",
            config.max_message_bytes
        );
    }
    // Bounces come from the null sender (RFC 5321 §4.5.5); other senders are accepted too.
    env.from = Some(from.to_string());
    "250 2.1.0 Ok\r\n".into()
}

fn rcpt(env: &mut Envelope, arg: &str, config: &Config) -> String {
    if env.from.is_none() {
        return "503 5.5.1 Need MAIL first\r\n".into();
    }
    let Some((to, _)) = path(arg, "TO:") else {
        return "501 5.5.4 Syntax: RCPT TO:<address>\r\n".into();
    };
    let domain = to.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    if !config
        .domains
        .iter()
        .any(|d| d.eq_ignore_ascii_case(domain))
    {
        return "550 5.7.1 Relaying denied: this server only accepts mail for its bounce domains\r\n".into();
    }
    if env.to.len() >= config.max_recipients {
        return "452 4.5.3 Too many recipients\r\n".into();
    }
    env.to.push(to.to_string());
    "250 2.1.5 Ok\r\n".into()
}

/// Reads the data up to the lone dot, undoing dot-stuffing (RFC 5321 §4.5.2); stores it.
/// `None` when the client went silent.
async fn data<R, S>(
    r: &mut R,
    env: &mut Envelope,
    config: &Config,
    sink: &S,
) -> std::io::Result<Option<String>>
where
    R: AsyncBufReadExt + Unpin,
    S: Sink,
{
    let mut message = Vec::new();
    let mut too_big = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        // Data lines may be long (RFC 5321 §4.5.3.1.6 allows 1000; some senders exceed it): read
        // without the command limit, but never keep more than the size limit.
        let read = tokio::time::timeout(config.timeout, r.read_until(b'\n', &mut line)).await;
        match read {
            Err(_) => return Ok(None),
            Ok(Err(e)) => return Err(e),
            Ok(Ok(0)) => return Ok(None),
            Ok(Ok(_)) => {}
        }
        if line == b".\r\n" || line == b".\n" {
            break;
        }
        let content = line
            .strip_prefix(b".")
            .filter(|_| line.starts_with(b"."))
            .unwrap_or(&line);
        if message.len() + content.len() > config.max_message_bytes {
            too_big = true;
        } else if !too_big {
            message.extend_from_slice(content);
        }
    }
    let from = env.from.take().unwrap_or_default();
    let to = std::mem::take(&mut env.to);
    if too_big {
        return Ok(Some(format!(
            "552 5.3.4 Message size exceeds the limit of {} bytes\r\n",
            config.max_message_bytes
        )));
    }
    Ok(Some(match sink.store(from, to, message).await {
        Ok(id) => format!("250 2.0.0 Ok: stored as {id}\r\n"),
        Err(why) => format!("451 4.3.0 Could not store the message, try again later: {why}\r\n"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Sender, recipients, data.
    type Stored = (String, Vec<String>, Vec<u8>);

    #[derive(Default)]
    struct Memory(Mutex<Vec<Stored>>);

    impl Sink for Memory {
        async fn store(
            &self,
            from: String,
            to: Vec<String>,
            data: Vec<u8>,
        ) -> Result<String, String> {
            let mut v = self.0.lock().unwrap();
            v.push((from, to, data));
            Ok(v.len().to_string())
        }
    }

    async fn converse(input: &str, config: &Config) -> (String, Arc<Memory>) {
        let sink = Arc::new(Memory::default());
        let (client, server) = tokio::io::duplex(1 << 20);
        let s = sink.clone();
        let cfg = config.clone();
        let task = tokio::spawn(async move { session(server, &cfg, &*s).await });
        let (mut cr, mut cw) = tokio::io::split(client);
        cw.write_all(input.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut cr, &mut out)
            .await
            .unwrap();
        task.await.unwrap().unwrap();
        (String::from_utf8(out).unwrap(), sink)
    }

    #[tokio::test]
    async fn accepts_a_bounce_for_a_bounce_domain_and_unstuffs_dots() {
        let input = "EHLO mx.test\r\nMAIL FROM:<>\r\nRCPT TO:<b-1-00@bounces.localhost>\r\nDATA\r\nSubject: x\r\n\r\n..line\r\n.\r\nQUIT\r\n";
        let (out, sink) = converse(input, &Config::default()).await;
        assert!(out.contains("250 2.0.0 Ok: stored as 1"), "{out}");
        let stored = sink.0.lock().unwrap();
        assert_eq!(stored[0].0, "");
        assert_eq!(stored[0].1, ["b-1-00@bounces.localhost"]);
        assert_eq!(stored[0].2, b"Subject: x\r\n\r\n.line\r\n");
    }

    #[tokio::test]
    async fn never_relays() {
        let input = "EHLO mx.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<victim@elsewhere.test>\r\nDATA\r\nQUIT\r\n";
        let (out, sink) = converse(input, &Config::default()).await;
        assert!(out.contains("550 5.7.1 Relaying denied"), "{out}");
        assert!(out.contains("503 5.5.1 Need MAIL and RCPT first"), "{out}");
        assert!(sink.0.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn refuses_too_big_messages_declared_or_sent() {
        let config = Config {
            max_message_bytes: 10,
            ..Config::default()
        };
        let input = "EHLO x\r\nMAIL FROM:<> SIZE=11\r\nMAIL FROM:<>\r\nRCPT TO:<a@bounces.localhost>\r\nDATA\r\n0123456789ABC\r\n.\r\nQUIT\r\n";
        let (out, sink) = converse(input, &config).await;
        assert!(out.contains("552 5.3.4"), "{out}");
        assert_eq!(out.matches("552 5.3.4").count(), 2, "{out}");
        assert!(sink.0.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn clear_errors_for_out_of_order_and_unknown_commands() {
        let input =
            "MAIL FROM:<>\r\nEHLO\r\nHELO x\r\nRCPT TO:<a@bounces.localhost>\r\nFOO\r\nQUIT\r\n";
        let (out, _) = converse(input, &Config::default()).await;
        for want in [
            "503 5.5.1 Say EHLO first",
            "501 5.5.4",
            "250 rebound.localhost",
            "503 5.5.1 Need MAIL first",
            "500 5.5.2",
            "221",
        ] {
            assert!(out.contains(want), "{want}: {out}");
        }
    }
}
