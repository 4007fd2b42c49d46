//! Connected inboxes (SPEC §6): one-to-one email a user sends from their own mailbox, and the
//! bounces of it found in that mailbox.
//!
//! The watcher (crate `rebound-inbox`) reads the mailbox over IMAP and hands every new message
//! here: a message in the Sent folder logs a send ([`Ledger::read_sent_message`]); a message
//! in the inbox is parsed, and when it is a bounce report it is kept whole and each recipient
//! is matched to a send ([`Ledger::read_inbox_message`]), in this order:
//!
//! 1. `in_reply_to`: its `In-Reply-To`/`References` name the send's Message-ID (the only way the
//!    seed's system finds one);
//! 2. `quoted_original`: the report quotes the send's Message-ID (in a returned
//!    `message/rfc822` or `text/rfc822-headers` part, or as a `Message-ID:` line in its text, as
//!    filtering gateways write it), or failing that the quoted Subject of a send to the same
//!    recipient;
//! 3. `recipient_time`: the latest send to the recipient in the
//!    [`RECIPIENT_MATCH_WINDOW_MS`](crate::rules::RECIPIENT_MATCH_WINDOW_MS) before the report.
//!
//! These rows live apart from the marketing journal, so by construction they never suppress
//! an address nor block a send; they are shown on the contact's timeline with channel `inbox`.
//! Messages that are not bounces (ordinary replies, auto-replies, delivery notices) are not
//! stored at all.

use serde::Serialize;

use crate::destination::Refusal;
use crate::error::{LedgerError, Result};
use crate::event::{self, Event, EventKind};
use crate::ledger::{Ledger, bare_message_id, canonical, parse_apart, sha256_hex};
use crate::rules::{RECIPIENT_MATCH_SKEW_MS, RECIPIENT_MATCH_WINDOW_MS};
use crate::store::inboxes::{self as store, DirectBounce, DirectSend, InboxRow, ReportRow};
use crate::time::Timestamp;

/// How the IMAP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tls {
    /// Plain text (loopback and tests only).
    None,
    /// Plain text, upgraded with STARTTLS before logging in (RFC 3501 §6.2.1).
    Starttls,
    /// TLS from the first byte (port 993, RFC 8314).
    Tls,
}

impl Tls {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Tls::None => "none",
            Tls::Starttls => "starttls",
            Tls::Tls => "tls",
        }
    }

    /// Reads a name.
    pub fn parse(text: &str) -> Option<Tls> {
        [Tls::None, Tls::Starttls, Tls::Tls]
            .into_iter()
            .find(|t| t.as_str() == text)
    }

    /// The usual port.
    pub fn default_port(self) -> u16 {
        match self {
            Tls::Tls => 993,
            Tls::None | Tls::Starttls => 143,
        }
    }
}

/// How the watcher logs in.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// `LOGIN` with a password or app password.
    Password(String),
    /// `AUTHENTICATE XOAUTH2` with an OAuth2 access token (Gmail, Office 365).
    OAuth2(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credentials::Password(_) => "Password(..)",
            Credentials::OAuth2(_) => "OAuth2(..)",
        })
    }
}

/// `POST /inboxes`.
#[derive(Debug, Clone)]
pub struct NewInbox {
    /// IMAP host.
    pub host: String,
    /// IMAP port (default by `tls`).
    pub port: Option<u16>,
    /// How the connection is secured.
    pub tls: Tls,
    /// IMAP user name.
    pub username: String,
    /// The secret.
    pub credentials: Credentials,
}

/// Everything the watcher needs to log in to an inbox.
#[derive(Debug, Clone)]
pub struct InboxLogin {
    /// Inbox id.
    pub id: i64,
    /// Account.
    pub account_id: i64,
    /// IMAP host.
    pub host: String,
    /// IMAP port.
    pub port: u16,
    /// How the connection is secured.
    pub tls: Tls,
    /// IMAP user name.
    pub username: String,
    /// The secret, decrypted.
    pub credentials: Credentials,
}

/// An inbox as the API shows it (never its secret).
#[derive(Debug, Clone, Serialize)]
pub struct InboxView {
    /// Id.
    pub id: i64,
    /// IMAP host.
    pub host: String,
    /// IMAP port.
    pub port: i64,
    /// none, starttls or tls.
    pub tls: String,
    /// IMAP user name.
    pub username: String,
    /// password or oauth2.
    pub auth: String,
    /// Connected.
    pub created_at: Timestamp,
    /// What the watcher last said: connecting, watching or error.
    pub status: String,
    /// The error, when there is one.
    pub status_detail: Option<String>,
    /// When the status was set.
    pub status_at: Option<Timestamp>,
    /// Where the watcher is in each folder.
    pub folders: Vec<FolderView>,
    /// One-to-one sends logged (one per recipient).
    pub sends: i64,
    /// Bounces found and matched to a send.
    pub bounces: i64,
    /// Bounces found that match no logged send.
    pub unmatched: i64,
}

/// A folder cursor.
#[derive(Debug, Clone, Serialize)]
pub struct FolderView {
    /// Folder name.
    pub folder: String,
    /// Its UIDVALIDITY when last read.
    pub uidvalidity: i64,
    /// The last UID read.
    pub last_uid: i64,
}

/// `POST /inboxes/{id}/sent`.
#[derive(Debug, Clone, Default)]
pub struct NewDirectSend {
    /// The Message-ID of the message sent.
    pub message_id: String,
    /// Its recipients (To, Cc, Bcc).
    pub to: Vec<String>,
    /// Its subject.
    pub subject: String,
    /// When it was sent (default: now).
    pub at: Option<Timestamp>,
}

/// What logging a send did.
#[derive(Debug, Clone, Serialize)]
pub struct LoggedDirectSend {
    /// The Message-ID, without brackets.
    pub message_id: String,
    /// Its recipients, canonical.
    pub recipients: Vec<String>,
    /// How many recipients were new (0 when the same send was logged before).
    pub recorded: usize,
    /// Bounces found earlier that now match this send.
    pub rematched: usize,
}

/// What the watcher's message turned out to be.
#[derive(Debug, Clone, Serialize)]
pub struct InboxMessage {
    /// `bounce`, `not_bounce` (nothing is kept) or `already_read` (same bytes seen before).
    pub outcome: &'static str,
    /// The stored report.
    pub report_id: Option<i64>,
    /// One per recipient the report speaks of, with its match.
    pub bounces: Vec<DirectBounce>,
}

/// How a one-to-one bounce was matched to its send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// Its `In-Reply-To`/`References` name the send.
    InReplyTo,
    /// It quotes the send's Message-ID or headers.
    QuotedOriginal,
    /// Its recipient was sent to shortly before.
    RecipientTime,
}

impl MatchKind {
    /// The name shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::InReplyTo => "in_reply_to",
            MatchKind::QuotedOriginal => "quoted_original",
            MatchKind::RecipientTime => "recipient_time",
        }
    }
}

/// What matching reads of a report.
struct Keys {
    refs: Vec<String>,
    quoted: Vec<String>,
    quoted_subject: Option<String>,
    at: Timestamp,
}

impl Keys {
    fn of_row(refs: &str, quoted: &str, quoted_subject: Option<String>, at: Timestamp) -> Keys {
        let split = |s: &str| s.split_whitespace().map(String::from).collect();
        Keys {
            refs: split(refs),
            quoted: split(quoted),
            quoted_subject,
            at,
        }
    }
}

/// The `Message-ID`s quoted in the body of a message: every `…Message-ID:` field after the
/// top-level header (returned headers, `X-Original-Message-ID`, a gateway's "Message-ID:" line
/// in its text), without brackets, in order, once each.
pub fn quoted_message_ids(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let body_at = ["\r\n\r\n", "\n\n", "\r\r"]
        .iter()
        .filter_map(|sep| text.find(sep))
        .min()
        .unwrap_or(text.len());
    let body = text.get(body_at..).unwrap_or("");
    let lower = body.to_ascii_lowercase();
    let mut out: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(i) = lower.get(from..).and_then(|s| s.find("message-id:")) {
        let start = from + i + "message-id:".len();
        from = start;
        let rest = body.get(start..).unwrap_or("");
        // The value may be folded onto the next line, or written "Message-ID: <…>" in prose.
        let value: String = rest.chars().take(300).collect();
        let Some(open) = value.find('<') else {
            continue;
        };
        if value.get(..open).is_some_and(|gap| !gap.trim().is_empty()) {
            continue;
        }
        let Some(close) = value.get(open..).and_then(|v| v.find('>')) else {
            continue;
        };
        let id = value.get(open + 1..open + close).unwrap_or("").trim();
        if !id.is_empty() && id.contains('@') && !id.contains(char::is_whitespace) {
            let id = id.to_string();
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

/// The top-level header facts of a message: (Message-ID, In-Reply-To + References, Date,
/// Subject, To + Cc + Bcc addresses).
struct Head {
    message_id: Option<String>,
    refs: Vec<String>,
    date: Option<Timestamp>,
    subject: String,
    recipients: Vec<String>,
}

fn head(bytes: &[u8]) -> Head {
    let parsed = mail_parser::MessageParser::new().parse_headers(bytes);
    let Some(m) = parsed else {
        return Head {
            message_id: None,
            refs: Vec::new(),
            date: None,
            subject: String::new(),
            recipients: Vec::new(),
        };
    };
    let mut refs: Vec<String> = Vec::new();
    for v in [m.in_reply_to(), m.references()] {
        for id in v.as_text_list().unwrap_or_default() {
            let id = bare_message_id(id);
            if !id.is_empty() && !refs.contains(&id) {
                refs.push(id);
            }
        }
    }
    let recipients = [m.to(), m.cc(), m.bcc()]
        .into_iter()
        .flatten()
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .map(str::to_string)
        .collect();
    Head {
        message_id: m.message_id().map(bare_message_id),
        refs,
        date: m.date().map(|d| Timestamp(d.to_timestamp() * 1000)),
        subject: m.subject().unwrap_or("").to_string(),
        recipients,
    }
}

impl Ledger {
    /// Sets the key that seals inbox secrets (64 hex digits).
    pub fn set_secret_key(&mut self, hex: &str) -> Result<()> {
        self.secrets = Some(crate::secret::SecretBox::from_hex(hex)?);
        Ok(())
    }

    /// Sets where connected inboxes may connect besides public addresses.
    pub fn set_inbox_destinations(&mut self, d: crate::destination::Destinations) {
        self.inbox_destinations = d;
    }

    /// Where connected inboxes may connect (checked again at each connect).
    pub fn inbox_destinations(&self) -> &crate::destination::Destinations {
        &self.inbox_destinations
    }

    /// Whether a secret key is configured (inboxes can be connected).
    pub fn can_seal_secrets(&self) -> bool {
        self.secrets.is_some()
    }

    fn secrets(&self) -> Result<&crate::secret::SecretBox> {
        self.secrets.as_ref().ok_or_else(|| LedgerError::Refused {
            code: "secret_key_missing",
            message: "inbox passwords and tokens are stored encrypted: start the server with a \
                      secret_key (--secret-key, REBOUND_SECRET_KEY or secret_key in the config; \
                      64 hex digits, e.g. from `openssl rand -hex 32`)"
                .into(),
        })
    }

    /// Wakes whoever runs the watchers when an inbox is added or removed.
    pub fn inbox_changes(&self) -> &tokio::sync::Notify {
        &self.inbox_changes
    }

    /// Connects an inbox: stores it with its secret sealed; the watcher picks it up.
    pub async fn create_inbox(&self, account: i64, n: NewInbox) -> Result<InboxView> {
        let secrets = self.secrets()?;
        let host = n.host.trim();
        if host.is_empty() || host.len() > 253 || host.contains(char::is_whitespace) {
            return Err(LedgerError::Invalid(
                "host must be an IMAP server's name or address".into(),
            ));
        }
        if n.username.trim().is_empty() || n.username.len() > 320 {
            return Err(LedgerError::Invalid("username is required".into()));
        }
        let (auth, secret) = credentials_parts(&n.credentials)?;
        let port = n.port.unwrap_or_else(|| n.tls.default_port());
        if port == 0 {
            return Err(LedgerError::Invalid("port must be 1 to 65535".into()));
        }
        // A name that does not resolve now is kept: the watcher checks at every connect.
        if let Err(e @ Refusal::NotAllowed(_)) = self.inbox_destinations.resolve(host, port).await {
            return Err(LedgerError::HostNotAllowed(e.to_string()));
        }
        let row = InboxRow {
            id: 0,
            account_id: account,
            host: host.to_string(),
            port: i64::from(port),
            tls: n.tls.as_str().into(),
            username: n.username.trim().to_string(),
            auth: auth.into(),
            secret: String::new(),
            created_at: self.clock.now(),
            status: "connecting".into(),
            status_detail: None,
            status_at: None,
        };
        let id = {
            let _w = self.write.lock().await;
            let mut tx = self.pool.begin().await?;
            let id = store::insert_inbox(&mut tx, &row).await?;
            let sealed = secrets.seal(&secret_context(id), secret)?;
            store::set_secret(&mut tx, id, &sealed).await?;
            tx.commit().await?;
            id
        };
        self.inbox_changes.notify_one();
        self.inbox(account, id).await
    }

    /// An account's inboxes.
    pub async fn inboxes(&self, account: i64) -> Result<Vec<InboxView>> {
        let mut c = self.pool.acquire().await?;
        let rows = store::inboxes(&mut c, Some(account)).await?;
        drop(c);
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.inbox_view(r).await?);
        }
        Ok(out)
    }

    /// One of an account's inboxes.
    pub async fn inbox(&self, account: i64, id: i64) -> Result<InboxView> {
        let row = self.inbox_row(account, id).await?;
        self.inbox_view(row).await
    }

    async fn inbox_row(&self, account: i64, id: i64) -> Result<InboxRow> {
        let mut c = self.pool.acquire().await?;
        store::inbox(&mut c, id)
            .await?
            .filter(|r| r.account_id == account)
            .ok_or_else(|| LedgerError::NotFound(format!("no inbox {id} in this account")))
    }

    async fn inbox_view(&self, r: InboxRow) -> Result<InboxView> {
        let mut c = self.pool.acquire().await?;
        let folders = store::folders(&mut c, r.id)
            .await?
            .into_iter()
            .map(|(folder, uidvalidity, last_uid)| FolderView {
                folder,
                uidvalidity,
                last_uid,
            })
            .collect();
        let sends = store::send_count(&mut c, r.id).await?;
        let (bounces, unmatched) = store::bounce_counts(&mut c, r.id).await?;
        Ok(InboxView {
            id: r.id,
            host: r.host,
            port: r.port,
            tls: r.tls,
            username: r.username,
            auth: r.auth,
            created_at: r.created_at,
            status: r.status,
            status_detail: r.status_detail,
            status_at: r.status_at,
            folders,
            sends,
            bounces,
            unmatched,
        })
    }

    /// Disconnects an inbox; what it found stays on the timelines.
    pub async fn delete_inbox(&self, account: i64, id: i64) -> Result<()> {
        let gone = {
            let _w = self.write.lock().await;
            let mut tx = self.pool.begin().await?;
            let gone = store::delete_inbox(&mut tx, account, id).await?;
            tx.commit().await?;
            gone
        };
        if !gone {
            return Err(LedgerError::NotFound(format!(
                "no inbox {id} in this account"
            )));
        }
        self.inbox_changes.notify_one();
        Ok(())
    }

    /// Every inbox, as (id, version) for the watchers: the version changes when the
    /// credentials do, so a watcher can start over with the new ones.
    pub async fn inbox_ids(&self) -> Result<Vec<(i64, String)>> {
        let mut c = self.pool.acquire().await?;
        Ok(store::inboxes(&mut c, None)
            .await?
            .into_iter()
            .map(|r| (r.id, sha256_hex(r.secret.as_bytes())))
            .collect())
    }

    /// Replaces an inbox's password or token (an OAuth2 access token expires; an app
    /// password is revoked); its watcher starts over with the new one.
    pub async fn set_inbox_credentials(
        &self,
        account: i64,
        id: i64,
        credentials: Credentials,
    ) -> Result<InboxView> {
        let secrets = self.secrets()?;
        self.inbox_row(account, id).await?;
        let (auth, secret) = credentials_parts(&credentials)?;
        {
            let _w = self.write.lock().await;
            let mut tx = self.pool.begin().await?;
            let sealed = secrets.seal(&secret_context(id), secret)?;
            store::set_credentials(&mut tx, id, auth, &sealed).await?;
            tx.commit().await?;
        }
        self.inbox_changes.notify_one();
        self.inbox(account, id).await
    }

    /// How to log in to an inbox, its secret decrypted; `None` when it was removed.
    pub async fn inbox_login(&self, id: i64) -> Result<Option<InboxLogin>> {
        let mut c = self.pool.acquire().await?;
        let Some(r) = store::inbox(&mut c, id).await? else {
            return Ok(None);
        };
        drop(c);
        let secret = self.secrets()?.open(&secret_context(id), &r.secret)?;
        Ok(Some(InboxLogin {
            id,
            account_id: r.account_id,
            port: u16::try_from(r.port).unwrap_or(143),
            tls: Tls::parse(&r.tls).unwrap_or(Tls::Tls),
            credentials: if r.auth == "oauth2" {
                Credentials::OAuth2(secret)
            } else {
                Credentials::Password(secret)
            },
            host: r.host,
            username: r.username,
        }))
    }

    /// Records what the watcher says (connecting, watching, error) and why.
    pub async fn set_inbox_status(
        &self,
        id: i64,
        status: &str,
        detail: Option<&str>,
    ) -> Result<()> {
        let detail = detail.map(|d| d.chars().take(1000).collect::<String>());
        let mut c = self.pool.acquire().await?;
        store::set_status(&mut c, id, status, detail.as_deref(), self.clock.now()).await
    }

    /// Where the watcher is in a folder: (UIDVALIDITY, last UID read).
    pub async fn folder_cursor(&self, inbox: i64, folder: &str) -> Result<Option<(u32, u32)>> {
        let mut c = self.pool.acquire().await?;
        Ok(store::folder(&mut c, inbox, folder).await?.map(|(v, u)| {
            (
                u32::try_from(v).unwrap_or_default(),
                u32::try_from(u).unwrap_or_default(),
            )
        }))
    }

    /// Moves a folder cursor (after the message at `last_uid` was handled).
    pub async fn set_folder_cursor(
        &self,
        inbox: i64,
        folder: &str,
        uidvalidity: u32,
        last_uid: u32,
    ) -> Result<()> {
        let _w = self.write.lock().await;
        let mut c = self.pool.acquire().await?;
        store::set_folder(
            &mut c,
            inbox,
            folder,
            i64::from(uidvalidity),
            i64::from(last_uid),
        )
        .await
    }

    /// Logs a one-to-one send of an account's inbox (`POST /inboxes/{id}/sent`).
    pub async fn log_direct_send(
        &self,
        account: i64,
        inbox: i64,
        s: NewDirectSend,
    ) -> Result<LoggedDirectSend> {
        self.inbox_row(account, inbox).await?;
        self.log_send(account, inbox, s, "api").await
    }

    async fn log_send(
        &self,
        account: i64,
        inbox: i64,
        s: NewDirectSend,
        source: &str,
    ) -> Result<LoggedDirectSend> {
        let message_id = bare_message_id(&s.message_id);
        if message_id.is_empty() || message_id.len() > 998 {
            return Err(LedgerError::Invalid(
                "message_id is required: the Message-ID of the message sent".into(),
            ));
        }
        if s.to.is_empty() {
            return Err(LedgerError::Invalid(
                "to must name at least one recipient".into(),
            ));
        }
        let mut recipients = Vec::new();
        for a in &s.to {
            let a = canonical(a)?;
            if !recipients.contains(&a) {
                recipients.push(a);
            }
        }
        let at = s.at.unwrap_or_else(|| self.clock.now());
        let mut recorded = 0;
        {
            let _w = self.write.lock().await;
            let mut tx = self.pool.begin().await?;
            for address in &recipients {
                let row = DirectSend {
                    account_id: account,
                    inbox_id: inbox,
                    message_id: message_id.clone(),
                    address: address.clone(),
                    subject: s.subject.chars().take(998).collect(),
                    at,
                    source: source.into(),
                };
                recorded += usize::from(store::insert_send(&mut tx, &row).await?);
            }
            tx.commit().await?;
        }
        let rematched = if recorded > 0 {
            self.rematch(inbox, &message_id, &recipients).await?
        } else {
            0
        };
        Ok(LoggedDirectSend {
            message_id,
            recipients,
            recorded,
            rematched,
        })
    }

    /// Tries again to match the inbox's unmatched bounces that a new send could match (it was
    /// logged after its bounce arrived); returns how many now match.
    async fn rematch(&self, inbox: i64, message_id: &str, recipients: &[String]) -> Result<usize> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        let mut n = 0;
        for b in store::unmatched_candidates(&mut tx, inbox, message_id, recipients).await? {
            let Some((refs, quoted, subject, at)) =
                store::report_keys(&mut tx, b.report_id).await?
            else {
                continue;
            };
            let keys = Keys::of_row(&refs, &quoted, subject, at);
            let address = Some(b.address.as_str()).filter(|a| !a.is_empty());
            if let Some((send, how)) = find_send(&mut tx, inbox, &keys, address).await? {
                store::set_match(&mut tx, b.id, &send.address, &send.message_id, how.as_str())
                    .await?;
                n += 1;
            }
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Logs the send a message in the inbox's Sent folder is; `None` when it names no
    /// Message-ID or no recipient.
    pub async fn read_sent_message(
        &self,
        inbox: i64,
        internal_date: Option<Timestamp>,
        bytes: &[u8],
    ) -> Result<Option<LoggedDirectSend>> {
        let mut c = self.pool.acquire().await?;
        let Some(row) = store::inbox(&mut c, inbox).await? else {
            return Ok(None);
        };
        drop(c);
        let h = head(bytes);
        let Some(message_id) = h.message_id.filter(|m| !m.is_empty()) else {
            return Ok(None);
        };
        let to: Vec<String> = h
            .recipients
            .into_iter()
            .filter(|a| canonical(a).is_ok())
            .collect();
        if to.is_empty() {
            return Ok(None);
        }
        let send = NewDirectSend {
            message_id,
            to,
            subject: h.subject,
            at: h.date.or(internal_date),
        };
        self.log_send(row.account_id, inbox, send, "sent_folder")
            .await
            .map(Some)
    }

    /// Reads a message from the inbox: a bounce report is kept and each of its recipients
    /// matched to a send; anything else is left alone and nothing of it is stored.
    pub async fn read_inbox_message(
        &self,
        inbox: i64,
        folder: &str,
        uid: u32,
        internal_date: Option<Timestamp>,
        bytes: &[u8],
    ) -> Result<InboxMessage> {
        let not_bounce = InboxMessage {
            outcome: "not_bounce",
            report_id: None,
            bounces: Vec::new(),
        };
        let mut c = self.pool.acquire().await?;
        let Some(row) = store::inbox(&mut c, inbox).await? else {
            return Ok(not_bounce);
        };
        drop(c);
        let report = parse_apart(bytes.to_vec()).await?;
        let now = self.clock.now();
        let h = head(bytes);
        let at = h.date.or(internal_date).unwrap_or(now);
        // One classified event per recipient; only bounces and delays are kept.
        let found: Vec<(Option<String>, Event)> = report
            .recipients
            .iter()
            .map(|r| {
                let address = canonical(&r.address).ok();
                let e = self.event_for(
                    row.account_id,
                    address.clone().unwrap_or_default(),
                    r,
                    at,
                    event::source::MESSAGE,
                );
                (address, e)
            })
            .filter(|(_, e)| matches!(e.kind, EventKind::Bounce | EventKind::Pending))
            .collect();
        if found.is_empty() {
            return Ok(not_bounce);
        }
        let mut quoted: Vec<String> = report
            .original_message_id
            .as_deref()
            .map(bare_message_id)
            .into_iter()
            .collect();
        for id in quoted_message_ids(bytes) {
            if !quoted.contains(&id) && h.message_id.as_deref() != Some(id.as_str()) {
                quoted.push(id);
            }
        }
        let quoted_subject = report
            .original_headers()
            .into_iter()
            .find(|(k, _)| k == "subject")
            .map(|(_, v)| v)
            .filter(|v| !v.trim().is_empty());
        let keys = Keys {
            refs: h.refs,
            quoted,
            quoted_subject,
            at,
        };
        let report_row = ReportRow {
            account_id: row.account_id,
            inbox_id: inbox,
            digest: sha256_hex(bytes),
            folder: folder.to_string(),
            uid: i64::from(uid),
            at,
            subject: h.subject,
            engine: report.engine.to_string(),
            refs: keys.refs.join(" "),
            quoted_ids: keys.quoted.join(" "),
            quoted_subject: keys.quoted_subject.clone(),
            bytes: bytes.to_vec(),
        };
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await?;
        let Some(report_id) = store::insert_report(&mut tx, &report_row).await? else {
            return Ok(InboxMessage {
                outcome: "already_read",
                report_id: None,
                bounces: Vec::new(),
            });
        };
        let mut bounces = Vec::new();
        for (address, e) in found {
            let matched = find_send(&mut tx, inbox, &keys, address.as_deref()).await?;
            let (address, send_message_id, match_kind) = match matched {
                Some((send, how)) => (
                    send.address,
                    Some(send.message_id),
                    Some(how.as_str().to_string()),
                ),
                None => (address.unwrap_or_default(), None, None),
            };
            let mut b = DirectBounce {
                id: 0,
                report_id,
                account_id: row.account_id,
                inbox_id: inbox,
                address,
                kind: e.kind.as_str().into(),
                bounce_type: e.bounce_type.map(|t| t.as_str()).unwrap_or("").into(),
                reason: e.reason.map(|r| r.as_str().to_string()),
                cause: e.cause.unwrap_or_default(),
                status: e.status,
                reply_code: e.reply_code,
                diagnostic: e.diagnostic,
                remote_mta: e.remote_mta,
                at,
                send_message_id,
                match_kind,
            };
            if let Some(id) = store::insert_bounce(&mut tx, &b).await? {
                b.id = id;
                bounces.push(b);
            }
        }
        tx.commit().await?;
        Ok(InboxMessage {
            outcome: "bounce",
            report_id: Some(report_id),
            bounces,
        })
    }

    /// The bounces found in one of an account's inboxes, newest first.
    pub async fn inbox_bounces(&self, account: i64, inbox: i64) -> Result<Vec<DirectBounce>> {
        self.inbox_row(account, inbox).await?;
        let mut c = self.pool.acquire().await?;
        store::bounces_of_inbox(&mut c, inbox).await
    }

    /// A bounce report found in one of the account's inboxes, whole.
    pub async fn inbox_report(&self, account: i64, id: i64) -> Result<Vec<u8>> {
        let mut c = self.pool.acquire().await?;
        store::report_bytes(&mut c, account, id)
            .await?
            .ok_or_else(|| LedgerError::NotFound(format!("no inbox report {id} in this account")))
    }

    /// The account's one-to-one sends to an address and their matched bounces, as timeline
    /// entries with channel `inbox`.
    pub(crate) async fn direct_history(&self, account: i64, address: &str) -> Result<Vec<Event>> {
        let mut c = self.pool.acquire().await?;
        let sends = store::sends_to(&mut c, account, address).await?;
        let bounces = store::bounces_to(&mut c, account, address).await?;
        let mut out = Vec::with_capacity(sends.len() + bounces.len());
        for s in sends {
            let mut e = Event::new(EventKind::Sent, s.at, event::source::SEND);
            e.channel = event::INBOX;
            e.message_id = Some(s.message_id);
            e.subject = Some(s.subject).filter(|s| !s.is_empty());
            out.push(e);
        }
        for b in bounces {
            let kind = EventKind::parse(&b.kind).unwrap_or(EventKind::Bounce);
            let mut e = Event::new(kind, b.at, event::source::MESSAGE);
            e.channel = event::INBOX;
            e.bounce_type = event::parse_bounce_type(&b.bounce_type);
            e.reason = b
                .reason
                .as_deref()
                .and_then(rebound_classify::Reason::parse);
            e.cause = Some(b.cause);
            e.status = b.status;
            e.reply_code = b.reply_code;
            e.diagnostic = b.diagnostic;
            e.remote_mta = b.remote_mta;
            e.message_id = b.send_message_id;
            e.match_kind = b.match_kind;
            e.report_id = Some(b.report_id);
            out.push(e);
        }
        Ok(out)
    }
}

/// The stored kind of a secret and the secret, checked.
fn credentials_parts(c: &Credentials) -> Result<(&'static str, &str)> {
    let (auth, secret) = match c {
        Credentials::Password(p) => ("password", p),
        Credentials::OAuth2(t) => ("oauth2", t),
    };
    if secret.is_empty() || secret.len() > 8192 {
        return Err(LedgerError::Invalid(
            "give a password (or app password) or an oauth2_token".into(),
        ));
    }
    Ok((auth, secret))
}

/// The AEAD context a secret is sealed to: its row.
fn secret_context(id: i64) -> String {
    format!("inbox:{id}")
}

/// The send a report's recipient belongs to, and how it was found (see the module docs).
async fn find_send(
    c: &mut sqlx::AnyConnection,
    inbox: i64,
    keys: &Keys,
    address: Option<&str>,
) -> Result<Option<(DirectSend, MatchKind)>> {
    for (ids, how) in [
        (&keys.refs, MatchKind::InReplyTo),
        (&keys.quoted, MatchKind::QuotedOriginal),
    ] {
        for id in ids {
            let sends = store::sends_by_message_id(c, inbox, id).await?;
            // A report speaks only for the recipients of the send it names (anyone can mail
            // the inbox): the one it names, or the send's only recipient when it names none.
            let pick = match address {
                Some(a) => sends.iter().find(|s| s.address == a),
                None if sends.len() == 1 => sends.first(),
                None => None,
            };
            if let Some(send) = pick {
                return Ok(Some((send.clone(), how)));
            }
        }
    }
    let Some(address) = address else {
        return Ok(None);
    };
    let from = Timestamp(keys.at.0 - RECIPIENT_MATCH_WINDOW_MS);
    let to = Timestamp(keys.at.0 + RECIPIENT_MATCH_SKEW_MS);
    if let Some(subject) = keys.quoted_subject.as_deref()
        && let Some(send) =
            store::latest_send_to(c, inbox, address, from, to, Some(subject)).await?
    {
        return Ok(Some((send, MatchKind::QuotedOriginal)));
    }
    Ok(store::latest_send_to(c, inbox, address, from, to, None)
        .await?
        .map(|s| (s, MatchKind::RecipientTime)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_ids_come_from_the_body_only() {
        let m = b"Message-ID: <own@report.test>\r\nIn-Reply-To: <x@y>\r\n\r\n\
                  Your message could not be delivered.\r\n\
                  Original Message-ID: <a1@send.test>\r\n\
                  --b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-Id:\r\n <b2@send.test>\r\n\
                  X-Message-ID: no brackets here\r\nmessage-id: <a1@send.test>\r\n";
        assert_eq!(quoted_message_ids(m), ["a1@send.test", "b2@send.test"]);
        assert!(quoted_message_ids(b"Message-ID: <only@head>\n\nhello").is_empty());
        assert!(quoted_message_ids(b"").is_empty());
        assert!(quoted_message_ids(b"\n\nmessage-id: <unterminated").is_empty());
        assert!(quoted_message_ids("\n\nMessage-ID: <\u{e9}@x>".as_bytes()).len() == 1);
    }

    #[test]
    fn head_reads_references_and_recipients() {
        let m = b"Message-ID: <m1@x.test>\r\nIn-Reply-To: <p@x.test>\r\n\
                  References: <r0@x.test> <p@x.test>\r\nTo: Bob <bob@y.test>, carol@y.test\r\n\
                  Cc: dave@y.test\r\nSubject: Hi\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nbody";
        let h = head(m);
        assert_eq!(h.message_id.as_deref(), Some("m1@x.test"));
        assert_eq!(h.refs, ["p@x.test", "r0@x.test"]);
        assert_eq!(h.recipients, ["bob@y.test", "carol@y.test", "dave@y.test"]);
        assert_eq!(h.subject, "Hi");
        assert_eq!(
            h.date,
            Some(Timestamp::parse_rfc3339("2026-11-24T10:00:00Z").unwrap())
        );
        let empty = head(b"\xff\xfe");
        assert!(empty.message_id.is_none() && empty.recipients.is_empty());
    }
}
