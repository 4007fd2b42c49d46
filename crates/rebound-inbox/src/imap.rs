//! One IMAP connection: TCP, TLS (implicit or STARTTLS), login with a password or XOAUTH2, and
//! the read-only commands the watcher uses.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::types::NameAttribute;
use async_imap::{Authenticator, Client, Session};
use futures_util::TryStreamExt;
use rebound_ledger::{Credentials, InboxLogin, Timestamp, Tls};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

use crate::Error;

/// How long connecting, logging in or any one command may take.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// The byte stream under the IMAP client: plain TCP or TLS over it.
#[derive(Debug)]
pub enum Stream {
    /// Plain TCP.
    Plain(TcpStream),
    /// TLS over TCP.
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A logged-in IMAP session.
pub type ImapSession = Session<Stream>;

/// The certificates a server's TLS certificate is checked against: the Mozilla roots
/// (webpki-roots) plus any the operator adds for a private CA.
pub fn tls_connector(extra_ca_pem: Option<&[u8]>) -> Result<TlsConnector, Error> {
    let mut roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = extra_ca_pem {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<_, _>>()
            .map_err(|e| Error::Config(format!("reading the CA file: {e}")))?;
        if certs.is_empty() {
            return Err(Error::Config("the CA file holds no certificate".into()));
        }
        for c in certs {
            roots
                .add(c)
                .map_err(|e| Error::Config(format!("a CA certificate is not usable: {e}")))?;
        }
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// SASL XOAUTH2 (Google, Microsoft): `user=… ^A auth=Bearer … ^A ^A`.
struct XOAuth2<'a> {
    user: &'a str,
    token: &'a str,
}

impl Authenticator for XOAuth2<'_> {
    type Response = String;

    fn process(&mut self, challenge: &[u8]) -> String {
        // A second challenge is the server's JSON error; the empty answer ends the exchange
        // and the server then fails the command with its reason.
        if challenge.is_empty() {
            xoauth2_response(self.user, self.token)
        } else {
            String::new()
        }
    }
}

/// The XOAUTH2 initial client response (before base64).
pub fn xoauth2_response(user: &str, token: &str) -> String {
    format!("user={user}\x01auth=Bearer {token}\x01\x01")
}

async fn timed<T>(
    what: &str,
    f: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    tokio::time::timeout(COMMAND_TIMEOUT, f)
        .await
        .map_err(|_| Error::Imap(format!("{what}: no answer in {COMMAND_TIMEOUT:?}")))?
}

/// Connects to one of `addrs` (the inbox's host, resolved and checked by
/// [`Destinations::resolve`](rebound_ledger::Destinations::resolve)), secures the connection as
/// configured (the certificate is checked against the host's name), and logs in.
pub async fn connect(
    login: &InboxLogin,
    addrs: &[SocketAddr],
    tls: &TlsConnector,
) -> Result<ImapSession, Error> {
    timed("connecting", async {
        let tcp = TcpStream::connect(addrs)
            .await
            .map_err(|e| Error::Io(format!("connecting to {}:{}: {e}", login.host, login.port)))?;
        let host = login.host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host.to_string())
            .map_err(|e| Error::Config(format!("host {:?}: {e}", login.host)))?;
        let mut client = match login.tls {
            Tls::Tls => {
                let s = tls
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|e| Error::Tls(e.to_string()))?;
                Client::new(Stream::Tls(Box::new(s)))
            }
            Tls::None | Tls::Starttls => Client::new(Stream::Plain(tcp)),
        };
        client
            .read_response()
            .await
            .map_err(|e| Error::Io(e.to_string()))?
            .ok_or_else(|| Error::Imap("the server closed before its greeting".into()))?;
        if login.tls == Tls::Starttls {
            client
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(|e| Error::Tls(format!("STARTTLS refused: {e}")))?;
            let Stream::Plain(tcp) = client.into_inner() else {
                return Err(Error::Tls("STARTTLS on a TLS connection".into()));
            };
            let s = tls
                .connect(name, tcp)
                .await
                .map_err(|e| Error::Tls(e.to_string()))?;
            client = Client::new(Stream::Tls(Box::new(s)));
        }
        let session = match &login.credentials {
            Credentials::Password(p) => client.login(&login.username, p).await,
            Credentials::OAuth2(t) => {
                let auth = XOAuth2 {
                    user: &login.username,
                    token: t,
                };
                client.authenticate("XOAUTH2", auth).await
            }
        };
        session.map_err(|(e, _)| Error::Login(e.to_string()))
    })
    .await
}

/// The Sent folder: the one marked `\Sent` (RFC 6154), else one with a usual name.
pub async fn sent_folder(s: &mut ImapSession) -> Result<Option<String>, Error> {
    const USUAL: [&str; 5] = [
        "Sent",
        "Sent Items",
        "Sent Messages",
        "Sent Mail",
        "[Gmail]/Sent Mail",
    ];
    let names: Vec<_> = timed("LIST", async {
        s.list(Some(""), Some("*"))
            .await?
            .try_collect::<Vec<_>>()
            .await
            .map_err(Error::from)
    })
    .await?;
    let selectable = |n: &&async_imap::types::Name| {
        !n.attributes()
            .iter()
            .any(|a| matches!(a, NameAttribute::NoSelect))
    };
    if let Some(n) = names.iter().filter(selectable).find(|n| {
        n.attributes()
            .iter()
            .any(|a| matches!(a, NameAttribute::Sent))
    }) {
        return Ok(Some(n.name().to_string()));
    }
    for usual in USUAL {
        for n in names.iter().filter(selectable) {
            // Folders below INBOX ("INBOX.Sent", "INBOX/Sent") are the same thing.
            let bare = n
                .delimiter()
                .and_then(|d| n.name().strip_prefix(&format!("INBOX{d}")))
                .unwrap_or(n.name());
            if bare.eq_ignore_ascii_case(usual) {
                return Ok(Some(n.name().to_string()));
            }
        }
    }
    Ok(None)
}

/// A message read from a folder.
pub struct Fetched {
    /// Its UID.
    pub uid: u32,
    /// When the server received it.
    pub internal_date: Option<i64>,
    /// Its bytes (the first [`MAX_FETCH_BYTES`] of them).
    pub bytes: Vec<u8>,
}

/// At most this much of a message is read: bounce reports are small, and the parser reads no
/// more of a message anyway.
pub const MAX_FETCH_BYTES: usize = 8 << 20;

/// Which messages of the selected folder to list.
#[derive(Debug, Clone, Copy)]
pub enum Since {
    /// Those with a UID above this one.
    Uid(u32),
    /// Those the server received on or after this time's day, for a first look at a folder
    /// that may hold years of mail.
    Received(Timestamp),
}

/// The UIDs in the selected folder, ascending.
pub async fn uids(s: &mut ImapSession, since: Since) -> Result<Vec<u32>, Error> {
    let (query, after) = match since {
        Since::Uid(after) => (format!("UID {}:*", after.saturating_add(1)), after),
        Since::Received(t) => (format!("SINCE {}", t.to_imap_date()), 0),
    };
    let found = timed("UID SEARCH", async {
        s.uid_search(query).await.map_err(Error::from)
    })
    .await?;
    // "n:*" always includes the highest UID, even when it is below n (RFC 3501 §6.4.8).
    let mut uids: Vec<u32> = found.into_iter().filter(|u| *u > after).collect();
    uids.sort_unstable();
    Ok(uids)
}

/// What of a message to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The header only (a sent message: who, when, which Message-ID).
    Header,
    /// The whole message, up to [`MAX_FETCH_BYTES`].
    Whole,
}

/// Reads these messages without changing their flags: `BODY.PEEK` never sets `\Seen`
/// (RFC 3501 §6.4.5), and the folder is opened with `EXAMINE` (read-only) anyway.
pub async fn fetch(s: &mut ImapSession, uids: &[u32], part: Part) -> Result<Vec<Fetched>, Error> {
    let set = uids
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let query = match part {
        Part::Header => "(UID INTERNALDATE BODY.PEEK[HEADER])".to_string(),
        Part::Whole => format!("(UID INTERNALDATE BODY.PEEK[]<0.{MAX_FETCH_BYTES}>)"),
    };
    let mut out: Vec<Fetched> = timed("UID FETCH", async {
        let items: Vec<_> = s.uid_fetch(&set, &query).await?.try_collect().await?;
        Ok(items
            .iter()
            .filter_map(|f| {
                let bytes = match part {
                    Part::Header => f.header()?,
                    Part::Whole => f.body()?,
                };
                Some(Fetched {
                    uid: f.uid?,
                    internal_date: f.internal_date().map(|d| d.timestamp_millis()),
                    bytes: bytes.to_vec(),
                })
            })
            .collect())
    })
    .await?;
    out.sort_by_key(|f| f.uid);
    Ok(out)
}

/// A folder opened read-only.
#[derive(Debug, Clone, Copy)]
pub struct Examined {
    /// Its UIDVALIDITY.
    pub validity: u32,
    /// How many messages it holds.
    pub exists: u32,
    /// The UID the next message will get, when the server says.
    pub uid_next: Option<u32>,
}

/// Opens a folder read-only (`EXAMINE`, RFC 3501 §6.3.2).
pub async fn examine(s: &mut ImapSession, folder: &str) -> Result<Examined, Error> {
    let m = timed("EXAMINE", async {
        s.examine(folder).await.map_err(Error::from)
    })
    .await?;
    Ok(Examined {
        validity: m.uid_validity.unwrap_or(0),
        exists: m.exists,
        uid_next: m.uid_next,
    })
}

/// Whether the server offers IDLE (RFC 2177).
pub async fn has_idle(s: &mut ImapSession) -> Result<bool, Error> {
    let caps = timed("CAPABILITY", async {
        s.capabilities().await.map_err(Error::from)
    })
    .await?;
    Ok(caps.has_str("IDLE"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoauth2_initial_response_has_the_documented_shape() {
        // https://developers.google.com/gmail/imap/xoauth2-protocol
        assert_eq!(
            xoauth2_response(
                "someuser@example.com",
                "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"
            ),
            "user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
        );
        let mut a = XOAuth2 {
            user: "u",
            token: "t",
        };
        assert_eq!(a.process(b""), "user=u\x01auth=Bearer t\x01\x01");
        assert_eq!(a.process(b"{\"status\":\"401\"}"), "");
    }

    #[test]
    fn extra_ca_files_are_checked() {
        assert!(tls_connector(None).is_ok());
        assert!(tls_connector(Some(b"not a certificate")).is_err());
    }
}
