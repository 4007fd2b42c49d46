//! The inbound SMTP receiver: accepts mail for the bounce domains only, stores each message
//! through a [`Sink`] before answering 250 (SPEC §8), and refuses everything else with a clear
//! reply (RFC 5321 §4.2, enhanced codes per RFC 3463).
//!
//! Every input is bounded (the Postfix way): a command line by [`MAX_LINE`], a data line by
//! [`MAX_DATA_LINE`], a message by [`Config::max_message_bytes`], all read through one fixed
//! buffer; connections by [`Config::max_connections`] and [`Config::max_per_ip`]; waiting by
//! [`Config::timeout`], cut to [`Config::stress_timeout`] when the receiver is under stress.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::command::{self, Command};
pub use crate::data::MAX_DATA_LINE;
use crate::data::{Decoder, Outcome};

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
    /// Connections served at once; more get `421 4.3.2`.
    pub max_connections: usize,
    /// Connections served at once from one client address (an IPv6 client: its /64); more get
    /// `421 4.7.0`. Postfix's `smtpd_client_connection_count_limit` defaults to 50 too.
    pub max_per_ip: usize,
    /// Recipients per message.
    pub max_recipients: usize,
    /// How long to wait for a command or a chunk of data (RFC 5321 §4.5.3.2 suggests minutes).
    pub timeout: Duration,
    /// The wait instead while more than three quarters of `max_connections` are open, so idle
    /// clients make room before the cap (Postfix STRESS_README: `smtpd_timeout =
    /// ${stress?{10}:{300}}s`).
    pub stress_timeout: Duration,
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
            max_per_ip: 50,
            max_recipients: 100,
            timeout: Duration::from_secs(300),
            stress_timeout: Duration::from_secs(10),
            tls: None,
        }
    }
}

/// The longest command line (RFC 5321 §4.5.3.1.4: 512 octets; we allow extensions' length).
pub const MAX_LINE: usize = 4096;

/// Serves connections from `listener` until the task is dropped.
pub async fn serve<S: Sink>(listener: TcpListener, config: Arc<Config>, sink: Arc<S>) {
    let load = Arc::new(Load::new(&config));
    loop {
        let (mut stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                // Out of file descriptors, say: let connections end instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let slot = match load.admit(peer.ip()) {
            Ok(slot) => slot,
            Err(refusal) => {
                tokio::spawn(async move {
                    let write = stream.write_all(refusal.as_bytes());
                    let _ = tokio::time::timeout(Duration::from_secs(10), write).await;
                });
                continue;
            }
        };
        let (config, sink) = (config.clone(), sink.clone());
        let patience = load.patience(&config);
        tokio::spawn(async move {
            let _ = serve_session(stream, &config, &*sink, &patience).await;
            drop(slot);
        });
    }
}

/// The connections open, in all and by client, and whether that is stress.
struct Load {
    max_connections: usize,
    max_per_ip: usize,
    open: Mutex<(usize, HashMap<IpAddr, usize>)>,
    stress: watch::Sender<bool>,
}

/// One admitted connection; dropping it frees its place.
struct Slot {
    load: Arc<Load>,
    client: IpAddr,
}

impl Load {
    fn new(config: &Config) -> Load {
        Load {
            max_connections: config.max_connections,
            max_per_ip: config.max_per_ip,
            open: Mutex::new((0, HashMap::new())),
            stress: watch::channel(false).0,
        }
    }

    /// A place for a connection from `ip`, or the reply that refuses it.
    fn admit(self: &Arc<Load>, ip: IpAddr) -> Result<Slot, &'static str> {
        let client = client_key(ip);
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.0 >= self.max_connections {
            return Err("421 4.3.2 Too many connections, try again later\r\n");
        }
        let mine = open.1.entry(client).or_insert(0);
        if *mine >= self.max_per_ip {
            return Err("421 4.7.0 Too many connections from your address, try again later\r\n");
        }
        *mine += 1;
        open.0 += 1;
        self.set_stress(open.0);
        Ok(Slot {
            load: self.clone(),
            client,
        })
    }

    /// Stress: more than three quarters of the connections open.
    fn set_stress(&self, open: usize) {
        let stressed = open * 4 > self.max_connections * 3;
        self.stress
            .send_if_modified(|s| std::mem::replace(s, stressed) != stressed);
    }

    fn patience(&self, config: &Config) -> Patience {
        Patience {
            normal: config.timeout,
            stressed: config.stress_timeout,
            stress: self.stress.subscribe(),
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.load.open.lock().unwrap_or_else(|e| e.into_inner());
        open.0 -= 1;
        if let Some(n) = open.1.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                open.1.remove(&self.client);
            }
        }
        self.load.set_stress(open.0);
    }
}

/// What counts as one client: an IPv4 address, or an IPv6 /64 (one end site's usual share,
/// RFC 6177, so a client cannot take a fresh address per connection).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        v4 => v4,
    }
}

/// How long a read or write may wait: the normal timeout, or the short one once the receiver
/// has been under stress during the wait (a wait already longer than that ends as soon as
/// stress begins).
#[derive(Clone)]
struct Patience {
    normal: Duration,
    stressed: Duration,
    stress: watch::Receiver<bool>,
}

impl Patience {
    /// `Some(output)`, or `None` when `work` waited too long.
    async fn wait<F: Future>(&self, work: F) -> Option<F::Output> {
        let started = tokio::time::Instant::now();
        let mut stress = self.stress.clone();
        // Once a wait has seen stress it stays short: shedding the first idle clients ends the
        // stress, and the rest, as idle as they were, must not get their long wait back (all
        // of them ended at the cap, only the first two were shed).
        let mut stressed = false;
        tokio::pin!(work);
        loop {
            stressed |= *stress.borrow_and_update();
            let limit = match stressed {
                true => self.stressed,
                false => self.normal,
            };
            tokio::select! {
                out = &mut work => return Some(out),
                _ = tokio::time::sleep_until(started + limit) => return None,
                Ok(()) = stress.changed() => continue,
            }
        }
    }

    /// Writes a reply; a client that does not read is sent away like an idle one.
    async fn say<W: AsyncWrite + Unpin>(&self, w: &mut W, reply: &[u8]) -> std::io::Result<()> {
        match self.wait(w.write_all(reply)).await {
            Some(result) => result,
            None => Err(std::io::ErrorKind::TimedOut.into()),
        }
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

/// One SMTP session over any byte stream; after STARTTLS it continues over TLS. Never under
/// stress ([`serve`] tracks that across connections).
pub async fn session<T, S>(stream: T, config: &Config, sink: &S) -> std::io::Result<()>
where
    T: AsyncRead + AsyncWrite + Unpin,
    S: Sink,
{
    let (_calm, stress) = watch::channel(false);
    let patience = Patience {
        normal: config.timeout,
        stressed: config.stress_timeout,
        stress,
    };
    serve_session(stream, config, sink, &patience).await
}

async fn serve_session<T, S>(
    stream: T,
    config: &Config,
    sink: &S,
    patience: &Patience,
) -> std::io::Result<()>
where
    T: AsyncRead + AsyncWrite + Unpin,
    S: Sink,
{
    let tls = config.tls.clone();
    match run(stream, config, sink, patience, tls.is_some(), true).await? {
        Next::Done => Ok(()),
        Next::StartTls(stream) => {
            let Some(tls) = tls else { return Ok(()) };
            let handshake = TlsAcceptor::from(tls).accept(stream);
            let Some(secure) = patience.wait(handshake).await else {
                return Ok(());
            };
            // RFC 3207 §4.2: what was said before TLS is forgotten; the client says EHLO anew.
            run(secure?, config, sink, patience, false, false)
                .await
                .map(|_| ())
        }
    }
}

/// Answers commands until the session ends or turns to TLS.
async fn run<T, S>(
    stream: T,
    config: &Config,
    sink: &S,
    patience: &Patience,
    offer_tls: bool,
    greet: bool,
) -> std::io::Result<Next<T>>
where
    T: AsyncRead + AsyncWrite + Unpin,
    S: Sink,
{
    let (r, mut w) = tokio::io::split(stream);
    // The one read buffer of the session: nothing is read into memory past it but a line up
    // to MAX_LINE and a message up to its limit.
    let mut r = BufReader::new(r);
    let host = &config.hostname;
    if greet {
        let greeting = format!("220 {host} ESMTP Rebound bounce receiver\r\n");
        patience.say(&mut w, greeting.as_bytes()).await?;
    }
    let mut env = Envelope::default();
    let mut line = Vec::with_capacity(512);
    loop {
        line.clear();
        match read_line(&mut r, &mut line, patience).await? {
            Line::Eof => return Ok(Next::Done),
            Line::Timeout => {
                patience
                    .say(&mut w, b"421 4.4.2 Idle too long, closing\r\n")
                    .await?;
                return Ok(Next::Done);
            }
            Line::TooLong => {
                patience.say(&mut w, b"500 5.5.2 Line too long\r\n").await?;
                continue;
            }
            Line::Ok => {}
        }
        let reply = match command::parse(&line) {
            Command::Ehlo(domain) if !domain.is_empty() => {
                env = Envelope {
                    helo: true,
                    ..Envelope::default()
                };
                let starttls = if offer_tls { "250-STARTTLS\r\n" } else { "" };
                format!(
                    "250-{host} greets {domain}\r\n250-PIPELINING\r\n250-SIZE {}\r\n250-8BITMIME\r\n\
                     {starttls}250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n",
                    config.max_message_bytes
                )
            }
            Command::Helo(domain) if !domain.is_empty() => {
                env = Envelope {
                    helo: true,
                    ..Envelope::default()
                };
                format!("250 {host}\r\n")
            }
            Command::Ehlo(_) | Command::Helo(_) => "501 5.5.4 Give your host name\r\n".into(),
            Command::Mail(path) => mail(&mut env, path, config),
            Command::Rcpt(path) => rcpt(&mut env, path, config),
            Command::Data if env.from.is_none() || env.to.is_empty() => {
                "503 5.5.1 Need MAIL and RCPT first\r\n".into()
            }
            Command::Data => {
                patience
                    .say(&mut w, b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                match data(&mut r, &mut env, config, sink, patience).await? {
                    Some(reply) => reply,
                    None => {
                        patience
                            .say(&mut w, b"421 4.4.2 Data timed out, closing\r\n")
                            .await?;
                        return Ok(Next::Done);
                    }
                }
            }
            Command::Rset => {
                env = Envelope {
                    helo: env.helo,
                    ..Envelope::default()
                };
                "250 2.0.0 Ok\r\n".into()
            }
            Command::Noop => "250 2.0.0 Ok\r\n".into(),
            Command::Vrfy => {
                "252 2.5.0 Cannot verify, but will accept mail for the bounce domains\r\n".into()
            }
            Command::Quit => {
                let bye = format!("221 2.0.0 {host} closing\r\n");
                patience.say(&mut w, bye.as_bytes()).await?;
                return Ok(Next::Done);
            }
            Command::StartTls if offer_tls && env.helo => {
                // RFC 3207 §4: nothing may be pipelined after STARTTLS.
                if !r.buffer().is_empty() {
                    patience
                        .say(&mut w, b"501 5.5.4 Nothing may follow STARTTLS\r\n")
                        .await?;
                    return Ok(Next::Done);
                }
                patience
                    .say(&mut w, b"220 2.0.0 Ready to start TLS\r\n")
                    .await?;
                w.flush().await?;
                return Ok(Next::StartTls(r.into_inner().unsplit(w)));
            }
            Command::StartTls if offer_tls => "503 5.5.1 Say EHLO first\r\n".into(),
            Command::StartTls => "502 5.5.1 STARTTLS is not offered here\r\n".into(),
            Command::Unknown => "500 5.5.2 Command not recognised\r\n".into(),
        };
        patience.say(&mut w, reply.as_bytes()).await?;
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
    patience: &Patience,
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
    patience.wait(read).await.unwrap_or(Ok(Line::Timeout))
}

fn mail(env: &mut Envelope, path: Option<command::Path>, config: &Config) -> String {
    if !env.helo {
        return "503 5.5.1 Say EHLO first\r\n".into();
    }
    if env.from.is_some() {
        return "503 5.5.1 Sender already given\r\n".into();
    }
    let Some(path) = path else {
        return "501 5.5.4 Syntax: MAIL FROM:<address>\r\n".into();
    };
    // RFC 1870: a declared size over the limit is refused before the data is sent.
    let declared = path.param("SIZE").and_then(|n| n.parse::<usize>().ok());
    if declared.is_some_and(|n| n > config.max_message_bytes) {
        return format!(
            "552 5.3.4 Message size exceeds the limit of {} bytes\r\n",
            config.max_message_bytes
        );
    }
    // Bounces come from the null sender (RFC 5321 §4.5.5); other senders are accepted too.
    env.from = Some(path.address);
    "250 2.1.0 Ok\r\n".into()
}

fn rcpt(env: &mut Envelope, path: Option<command::Path>, config: &Config) -> String {
    if env.from.is_none() {
        return "503 5.5.1 Need MAIL first\r\n".into();
    }
    let Some(path) = path else {
        return "501 5.5.4 Syntax: RCPT TO:<address>\r\n".into();
    };
    let to = path.address;
    // RFC 5321 §4.5.1: "postmaster" without a domain must be accepted (§4.1.1.3: any case).
    let postmaster = to.eq_ignore_ascii_case("postmaster");
    let domain = to.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    if !postmaster
        && !config
            .domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
    {
        return "550 5.7.1 Relaying denied: this server only accepts mail for its bounce domains\r\n".into();
    }
    if env.to.len() >= config.max_recipients {
        return "452 4.5.3 Too many recipients\r\n".into();
    }
    env.to.push(to);
    "250 2.1.5 Ok\r\n".into()
}

/// Reads the data up to `<CR><LF>.<CR><LF>` through the session's read buffer (see
/// [`crate::data`]) and stores it. `None` when the client went silent or away.
async fn data<R, S>(
    r: &mut R,
    env: &mut Envelope,
    config: &Config,
    sink: &S,
    patience: &Patience,
) -> std::io::Result<Option<String>>
where
    R: AsyncBufReadExt + Unpin,
    S: Sink,
{
    let mut decoder = Decoder::new(config.max_message_bytes);
    loop {
        let Some(chunk) = patience.wait(r.fill_buf()).await else {
            return Ok(None);
        };
        let chunk = chunk?;
        if chunk.is_empty() {
            return Ok(None);
        }
        let (used, end) = decoder.feed(chunk);
        r.consume(used);
        if end {
            break;
        }
    }
    let from = env.from.take().unwrap_or_default();
    let to = std::mem::take(&mut env.to);
    Ok(Some(match decoder.finish() {
        Outcome::Message(message) => match sink.store(from, to, message).await {
            Ok(id) => format!("250 2.0.0 Ok: stored as {id}\r\n"),
            Err(why) => {
                format!("451 4.3.0 Could not store the message, try again later: {why}\r\n")
            }
        },
        // RFC 5321 §4.2.2: 500 covers "command line too long"; X.5.6 is the registered
        // enhanced code for a line too long (IANA SMTP Enhanced Status Codes, RFC 4954 §6).
        Outcome::LineTooLong => {
            format!("500 5.5.6 Line too long (over {MAX_DATA_LINE} octets), message discarded\r\n")
        }
        Outcome::TooBig => format!(
            "552 5.3.4 Message size exceeds the limit of {} bytes\r\n",
            config.max_message_bytes
        ),
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

    #[tokio::test]
    async fn a_long_data_line_discards_the_message_and_the_session_goes_on() {
        let long = "a".repeat(MAX_DATA_LINE + 1);
        let input = format!(
            "EHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<a@bounces.localhost>\r\nDATA\r\n{long}\r\n.\r\n\
             MAIL FROM:<>\r\nRCPT TO:<a@bounces.localhost>\r\nDATA\r\nshort\r\n.\r\nQUIT\r\n"
        );
        let (out, sink) = converse(&input, &Config::default()).await;
        assert!(out.contains("500 5.5.6 Line too long"), "{out}");
        assert!(out.contains("250 2.0.0 Ok: stored as 1"), "{out}");
        let stored = sink.0.lock().unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].2, b"short\r\n");
    }

    #[tokio::test]
    async fn a_dot_after_a_bare_lf_smuggles_nothing() {
        let input = "EHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<a@bounces.localhost>\r\nDATA\r\n\
                     hi\n.\r\nMAIL FROM:<>\r\nRCPT TO:<b@bounces.localhost>\r\nDATA\r\nforged\r\n.\r\nQUIT\r\n";
        let (out, sink) = converse(input, &Config::default()).await;
        assert_eq!(out.matches("250 2.0.0 Ok: stored").count(), 1, "{out}");
        let stored = sink.0.lock().unwrap();
        assert_eq!(stored[0].1, ["a@bounces.localhost"]);
        assert!(stored[0].2.starts_with(b"hi\n.\r\nMAIL FROM:<>"));
    }

    #[tokio::test]
    async fn postmaster_without_a_domain_is_accepted_in_any_case() {
        let input = "EHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<postmaster>\r\nRCPT TO:<POSTMASTER>\r\n\
                     RCPT TO:<postmaster@elsewhere.test>\r\nRCPT TO:<postmasterx>\r\nQUIT\r\n";
        let (out, _) = converse(input, &Config::default()).await;
        assert_eq!(out.matches("250 2.1.5").count(), 2, "{out}");
        assert_eq!(out.matches("550 5.7.1").count(), 2, "{out}");
    }

    #[test]
    fn connections_are_counted_per_client_and_stress_starts_above_three_quarters() {
        let config = Config {
            max_connections: 8,
            max_per_ip: 3,
            ..Config::default()
        };
        let load = Arc::new(Load::new(&config));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        let mut slots: Vec<Slot> = (0..2).map(|_| load.admit(a).unwrap()).collect();
        slots.push(load.admit(mapped).unwrap());
        assert!(load.admit(a).err().unwrap().starts_with("421 4.7.0"));
        // One IPv6 /64 is one client.
        let v6 = |s: &str| s.parse::<IpAddr>().unwrap();
        for host in ["2001:db8::1", "2001:db8::2", "2001:db8::3"] {
            slots.push(load.admit(v6(host)).unwrap());
        }
        assert!(load.admit(v6("2001:db8::ffff")).is_err());
        assert!(!*load.stress.borrow());
        slots.push(load.admit(v6("2001:db8:1::1")).unwrap());
        assert!(*load.stress.borrow(), "7 of 8 open");
        slots.push(load.admit(v6("2001:db8:2::1")).unwrap());
        assert!(
            load.admit(v6("2001:db8:3::1"))
                .err()
                .unwrap()
                .starts_with("421 4.3.2")
        );
        slots.truncate(5);
        assert!(!*load.stress.borrow(), "5 of 8 open");
        slots.clear();
        assert!(load.open.lock().unwrap().1.is_empty());
        assert!(load.admit(a).is_ok());
    }

    #[tokio::test]
    async fn a_wait_is_cut_short_when_stress_begins() {
        let config = Config {
            max_connections: 4,
            timeout: Duration::from_secs(300),
            stress_timeout: Duration::from_millis(50),
            ..Config::default()
        };
        let load = Arc::new(Load::new(&config));
        let patience = load.patience(&config);
        let started = std::time::Instant::now();
        let waiting =
            tokio::spawn(async move { patience.wait(std::future::pending::<()>()).await });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!waiting.is_finished());
        let _slots: Vec<Slot> = (0..4)
            .map(|i| load.admit(IpAddr::from([192, 0, 2, i])).unwrap())
            .collect();
        assert_eq!(waiting.await.unwrap(), None);
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[tokio::test]
    async fn a_wait_stays_short_after_the_stress_it_saw_has_ended() {
        let config = Config {
            max_connections: 4,
            timeout: Duration::from_secs(300),
            stress_timeout: Duration::from_millis(300),
            ..Config::default()
        };
        let load = Arc::new(Load::new(&config));
        let started = std::time::Instant::now();
        let waits: Vec<_> = (0..4)
            .map(|_| {
                let patience = load.patience(&config);
                tokio::spawn(async move { patience.wait(std::future::pending::<()>()).await })
            })
            .collect();
        let mut slots: Vec<Slot> = (0..4)
            .map(|i| load.admit(IpAddr::from([192, 0, 2, i])).unwrap())
            .collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        // The first one shed ends the stress; the others are as idle as it was.
        slots.truncate(2);
        assert!(!*load.stress.borrow());
        for w in waits {
            let ended = tokio::time::timeout(Duration::from_secs(5), w).await;
            assert_eq!(ended.expect("still waiting").unwrap(), None);
        }
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
