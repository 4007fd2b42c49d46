//! [`Ledger`]: the only place that decides who may be mailed.
//!
//! Writes go through one lock: store the new events, recompute the derived state of every
//! address they touch (its account state and its global state) in the same transaction, commit,
//! then update the in-memory [`Gate`]. Whatever a caller saw acknowledged is committed.

use std::collections::{BTreeSet, HashMap};
use std::sync::RwLock;

use rebound_classify::{Policy, Reason};
use rebound_parse::Recipient;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool};
use tokio::sync::Mutex;

use crate::address;
use crate::derive::{self, AccountState, GlobalBounce};
use crate::error::{LedgerError, Result};
use crate::event::{Event, EventKind, source};
use crate::gate::{self, AccountBlock, Decision, Gate, Scope};
use crate::rules::{self, Actor};
use crate::store::{self, SuppressionRow};
use crate::time::{Clock, Timestamp};
use crate::verp::Verp;

/// The ledger: storage, the gate, the policy and the clock.
pub struct Ledger {
    pub(crate) pool: AnyPool,
    gate: RwLock<Gate>,
    keys: RwLock<HashMap<String, i64>>,
    /// The last change log row this node's gate and keys reflect.
    changes_seen: std::sync::atomic::AtomicI64,
    /// Whether this node leads the cluster now (see `leader`).
    pub(crate) leading: std::sync::atomic::AtomicBool,
    pub(crate) write: Mutex<()>,
    pub(crate) clock: Clock,
    policy: Policy,
    verp: Verp,
    bounce_domains: Vec<String>,
    incoming: std::sync::Mutex<Vec<Incoming>>,
    pub(crate) secrets: Option<crate::secret::SecretBox>,
    pub(crate) inbox_changes: tokio::sync::Notify,
    pub(crate) inbox_destinations: crate::destination::Destinations,
}

/// A received message waiting for the next group commit.
struct Incoming {
    mail_from: String,
    rcpt_to: Vec<String>,
    bytes: Vec<u8>,
    done: tokio::sync::oneshot::Sender<std::result::Result<i64, String>>,
}

/// One recipient of a logged send.
#[derive(Debug, Clone, Serialize)]
pub struct LoggedSend {
    /// The canonical address.
    pub recipient: String,
    /// false when the same send was already logged.
    pub recorded: bool,
    /// The send's id (what its VERP return path names).
    pub send_id: Option<i64>,
    /// The VERP return path to send it with, at the first bounce domain.
    pub return_path: Option<String>,
}

/// What became of a message the SMTP receiver accepted.
#[derive(Debug, Clone, Serialize)]
pub struct Processed {
    /// applied, unmatched or failed.
    pub state: &'static str,
    /// The accounts it was applied to, with how it was matched.
    pub applied: Vec<Ingested>,
}

/// A new account and its key (shown once; only its hash is stored).
#[derive(Debug, Clone, Serialize)]
pub struct NewAccount {
    /// Account id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The API key.
    pub api_key: String,
}

/// A delivery result (`POST /events`).
#[derive(Debug, Clone, Default)]
pub struct DeliveryResult {
    /// The recipient.
    pub recipient: String,
    /// The SMTP reply ("550 5.1.1 …"), or the MTA's words for a connection failure.
    pub reply: String,
    /// The Message-ID of the message sent.
    pub message_id: Option<String>,
    /// The email it belongs to.
    pub email_id: Option<String>,
    /// When it happened (default: now).
    pub at: Option<Timestamp>,
    /// Makes a retried request count once even when it differs.
    pub idempotency_key: Option<String>,
    /// The server that gave the reply.
    pub remote_mta: Option<String>,
}

/// What the ledger made of one recipient of an input.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    /// The canonical address.
    pub recipient: String,
    /// The event as stored.
    #[serde(flatten)]
    pub event: Event,
    /// false when the same input was already recorded (nothing changed).
    pub recorded: bool,
}

/// What `POST /bounces` made of a message.
#[derive(Debug, Clone, Serialize)]
pub struct Ingested {
    /// Which format module read it.
    pub engine: &'static str,
    /// The original message's Message-ID, when quoted.
    pub original_message_id: Option<String>,
    /// How it was matched to a send: `message_id`, or null.
    pub matched: Option<&'static str>,
    /// The email the matched send belongs to.
    pub email_id: Option<String>,
    /// false when these exact bytes were already received.
    pub new_message: bool,
    /// One per recipient the report speaks of.
    pub records: Vec<Applied>,
    /// Recipients that could not be applied (no usable address), with why.
    pub skipped: Vec<Skipped>,
    /// Recipients a report from the shared receiver named although the send it matched did
    /// not go to them: kept here, not applied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<Skipped>,
}

/// Whom a report may speak for.
/// Which received messages one applier reads, by size (see [`rules::LARGE_MESSAGE_BYTES`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Every message (start-up recovery, tests).
    All,
    /// Messages up to [`rules::LARGE_MESSAGE_BYTES`].
    Small,
    /// Messages larger than that.
    Large,
}

impl Lane {
    /// The sizes in bytes this lane reads, inclusive.
    fn bytes(self) -> (i64, i64) {
        match self {
            Lane::All => (0, i64::MAX),
            Lane::Small => (0, rules::LARGE_MESSAGE_BYTES),
            Lane::Large => (rules::LARGE_MESSAGE_BYTES + 1, i64::MAX),
        }
    }
}

/// Parses on the blocking pool: a parse is pure CPU (linear, but up to about a second for
/// 16 MiB), and on a runtime worker it would stall every connection that worker serves.
pub(crate) async fn parse_apart(bytes: Vec<u8>) -> Result<rebound_parse::Report> {
    Ok(parse_apart_owned(bytes).await?.0)
}

/// [`parse_apart`], handing the bytes back for the caller to keep using.
async fn parse_apart_owned(bytes: Vec<u8>) -> Result<(rebound_parse::Report, Vec<u8>)> {
    tokio::task::spawn_blocking(move || (rebound_parse::parse(&bytes), bytes))
        .await
        // The parser does not panic (it is fuzzed); if it ever did, the message is kept as
        // unreadable rather than taking the caller down.
        .map_err(|e| LedgerError::Invalid(format!("the message could not be read: {e}")))
}

enum Authority {
    /// The account itself (`POST /bounces` with its key): every recipient the report names.
    Account,
    /// A report from the shared receiver, matched (by `verp` or `message_id`) to these sends
    /// of one account: only their recipients.
    Sends(Vec<store::Send>, &'static str),
}

/// A recipient of a report that was not applied.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// The address as the report gave it.
    pub recipient: String,
    /// Why it was not applied.
    pub error: String,
}

/// A suppression as shown on a contact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuppressionView {
    /// account or global.
    pub scope: Scope,
    /// The reason, or `spam_report`.
    pub reason: String,
    /// Since when.
    pub since: Timestamp,
    /// Until when (time-limited), if ever.
    pub until: Option<Timestamp>,
}

/// `GET /contacts/{address}`.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    /// The canonical address.
    pub address: String,
    /// May marketing email go to it?
    pub eligible: bool,
    /// The last hard-bounce reason in this account (empty when only globally bounced).
    pub email_hard_bounce_reason: Option<Reason>,
    /// What blocks it.
    pub suppression: Option<SuppressionView>,
    /// The remedy for the blocking reason, in plain words.
    pub remedy: Option<&'static str>,
    /// Whether an account user may unbounce it now, and if not, why.
    pub unbounce: UnbounceHint,
    /// The account's own history of the address, oldest first.
    pub history: Vec<Event>,
}

/// Whether an unbounce is possible.
#[derive(Debug, Clone, Serialize)]
pub struct UnbounceHint {
    /// An account user may unbounce now.
    pub allowed: bool,
    /// Why not.
    pub refusal: Option<String>,
}

/// One page of suppressions.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// The rows.
    pub suppressions: Vec<SuppressionRow>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next_cursor: Option<String>,
}

/// `bytes` random bytes from the operating system, in lower-case hex.
pub fn random_hex(bytes: usize) -> Result<String> {
    let mut raw = vec![0u8; bytes];
    getrandom::fill(&mut raw).map_err(|e| LedgerError::Invalid(format!("no randomness: {e}")))?;
    Ok(raw.iter().map(|b| format!("{b:02x}")).collect())
}

/// A fresh API key and its hash.
fn new_key() -> Result<(String, String)> {
    let key = format!("rb_{}", random_hex(24)?);
    let hash = sha256_hex(key.as_bytes());
    Ok((key, hash))
}

/// SHA-256 in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn canonical(text: &str) -> Result<String> {
    address::normalize(text)
        .map(|a| a.into_owned())
        .map_err(|why| LedgerError::address(text, why))
}

/// A Message-ID without angle brackets or surrounding space.
pub(crate) fn bare_message_id(id: &str) -> String {
    let t = id.trim();
    t.strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(t)
        .to_string()
}

impl Ledger {
    /// Opens the ledger at a database URL (`sqlite://rebound.db`).
    pub async fn open(url: &str, policy: Policy, clock: Clock) -> Result<Ledger> {
        let pool = store::open(url).await?;
        let secret = {
            let fresh = random_hex(32)?;
            let mut c = pool.acquire().await?;
            store::setting_or_insert(&mut c, "verp_secret", &fresh).await?
        };
        let ledger = Ledger {
            verp: Verp::new(secret.as_bytes()),
            bounce_domains: vec!["bounces.localhost".into()],
            incoming: std::sync::Mutex::new(Vec::new()),
            secrets: None,
            inbox_changes: tokio::sync::Notify::new(),
            inbox_destinations: Default::default(),
            pool,
            gate: RwLock::new(Gate::default()),
            keys: RwLock::new(HashMap::new()),
            changes_seen: Default::default(),
            leading: Default::default(),
            write: Mutex::new(()),
            clock,
            policy,
        };
        ledger.load().await?;
        Ok(ledger)
    }

    /// Fills the gate and the key table from the database.
    async fn load(&self) -> Result<()> {
        let mut c = self.pool.acquire().await?;
        // The cursor first: a change committed while the rows below are read is applied
        // again by the follower, which is harmless; one skipped would be lost.
        let cursor = store::last_change(&mut c).await?;
        let rows = store::all_suppressions(&mut c).await?;
        let accounts = store::accounts(&mut c).await?;
        let mut g = Gate::default();
        let mut blocks: HashMap<(i64, String), AccountBlock> = HashMap::new();
        for (account, address, kind, reason, until) in rows {
            match account {
                None => g.set_global(&address, Reason::parse(&reason)),
                Some(a) => add_row(
                    blocks.entry((a, address)).or_default(),
                    &kind,
                    &reason,
                    until,
                ),
            }
        }
        for ((a, address), b) in blocks {
            g.set_account(a, &address, b);
        }
        *self.gate.write().unwrap_or_else(|e| e.into_inner()) = g;
        let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
        keys.clear();
        keys.extend(accounts.into_iter().map(|(id, _, hash, _)| (hash, id)));
        self.changes_seen
            .store(cursor, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    /// Sets the bounce domains (VERP return paths are at the first; the receiver accepts all).
    pub fn set_bounce_domains(&mut self, domains: Vec<String>) {
        if !domains.is_empty() {
            self.bounce_domains = domains
                .into_iter()
                .map(|d| d.to_ascii_lowercase())
                .collect();
        }
    }

    /// The bounce domains.
    pub fn bounce_domains(&self) -> &[String] {
        &self.bounce_domains
    }

    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The policy bounces are classified with.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Creates an account with a fresh random key.
    pub async fn create_account(&self, name: &str) -> Result<NewAccount> {
        let (api_key, hash) = new_key()?;
        let _w = self.write.lock().await;
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        let id = store::insert_account(&mut tx, name, &hash, now).await?;
        let operator = Actor::Operator.as_str();
        store::audit(
            &mut tx,
            now,
            operator,
            "create_account",
            Some(id),
            None,
            Some(name),
        )
        .await?;
        store::append_changes(&mut tx, &[store::Change::Key(id)]).await?;
        tx.commit().await?;
        self.keys
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(hash, id);
        Ok(NewAccount {
            id,
            name: name.to_string(),
            api_key,
        })
    }

    /// Gives an account a new key; the old one and the web sessions signed in with it stop
    /// working (audited).
    pub async fn rotate_key(&self, account: i64) -> Result<String> {
        let (api_key, hash) = new_key()?;
        let _w = self.write.lock().await;
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        if !store::set_key_hash(&mut tx, account, &hash).await? {
            return Err(LedgerError::NotFound(format!("no account {account}")));
        }
        // Whoever signed in to the web with the old key is signed out with it.
        store::delete_sessions_of(&mut tx, account).await?;
        let operator = Actor::Operator.as_str();
        store::audit(
            &mut tx,
            now,
            operator,
            "rotate_key",
            Some(account),
            None,
            None,
        )
        .await?;
        store::append_changes(&mut tx, &[store::Change::Key(account)]).await?;
        tx.commit().await?;
        self.set_key(account, Some(hash));
        Ok(api_key)
    }

    /// Makes `hash` the one key of `account` in the key table (`None`: it has none).
    fn set_key(&self, account: i64, hash: Option<String>) {
        let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
        keys.retain(|_, id| *id != account);
        if let Some(hash) = hash {
            keys.insert(hash, account);
        }
    }

    /// The account a key belongs to.
    pub fn authenticate(&self, key: &str) -> Option<i64> {
        let hash = sha256_hex(key.as_bytes());
        self.keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&hash)
            .copied()
    }

    /// Whether an account exists.
    pub fn account_exists(&self, id: i64) -> bool {
        self.keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .any(|v| *v == id)
    }

    /// Every account: (id, name, created).
    pub async fn accounts(&self) -> Result<Vec<(i64, String, Timestamp)>> {
        let mut c = self.pool.acquire().await?;
        Ok(store::accounts(&mut c)
            .await?
            .into_iter()
            .map(|(id, n, _, at)| (id, n, at))
            .collect())
    }

    /// The event one classified recipient makes.
    pub(crate) fn event_for(
        &self,
        account: i64,
        address: String,
        r: &Recipient,
        at: Timestamp,
        src: &str,
    ) -> Event {
        let verdict = rebound_classify::classify(r, &self.policy);
        let mut e = Event::new(EventKind::of(&verdict), at, src);
        e.account_id = account;
        e.address = address;
        if matches!(e.kind, EventKind::Bounce | EventKind::Pending) {
            e.bounce_type = Some(verdict.bounce_type);
            e.reason = verdict.reason;
        }
        e.cause = Some(verdict.cause.as_str().to_string());
        e.status = r.status.clone();
        e.reply_code = r.reply_code.clone();
        e.diagnostic = Some(r.diagnostic.clone()).filter(|d| !d.is_empty());
        e.remote_mta = r.remote_mta.clone();
        e.suppress_days = verdict.suppress_days.map(i64::from);
        e
    }

    /// Records a delivery result reported by an MTA or provider (`POST /events`).
    pub async fn record_delivery(&self, account: i64, d: DeliveryResult) -> Result<Applied> {
        let address = canonical(&d.recipient)?;
        if d.reply.trim().is_empty() {
            return Err(LedgerError::Invalid(
                "reply is empty: give the SMTP reply, e.g. \"550 5.1.1 user unknown\"".into(),
            ));
        }
        let r = rebound_parse::reply::recipient(&address, &d.reply);
        let at = d.at.unwrap_or_else(|| self.clock.now());
        let mut e = self.event_for(account, address, &r, at, source::REPLY);
        e.message_id = d.message_id.as_deref().map(bare_message_id);
        e.email_id = d.email_id.clone();
        e.remote_mta = d.remote_mta.clone();
        e.dedup = match &d.idempotency_key {
            Some(k) => format!("key:{k}"),
            None => {
                let at = d.at.map(|t| t.0.to_string()).unwrap_or_default();
                let fields = [
                    e.address.as_str(),
                    d.reply.trim(),
                    e.message_id.as_deref().unwrap_or(""),
                    e.email_id.as_deref().unwrap_or(""),
                    at.as_str(),
                ];
                format!("reply:{}", sha256_hex(fields.join("\n").as_bytes()))
            }
        };
        let mut applied = self.apply(vec![e]).await?;
        Ok(applied.remove(0))
    }

    /// Logs a send an account reports (`POST /sends`): one `sent` event per recipient, the
    /// Message-ID for matching bounces, and a signed VERP return path per recipient.
    ///
    /// A Message-ID at one of the bounce domains is Rebound's own and cannot be logged by an
    /// account; any other is trusted only within the account that logged it.
    pub async fn record_send(
        &self,
        account: i64,
        recipients: &[String],
        message_id: Option<&str>,
        email_id: Option<&str>,
        at: Option<Timestamp>,
    ) -> Result<Vec<LoggedSend>> {
        if recipients.len() > rules::MAX_SEND_RECIPIENTS {
            return Err(LedgerError::TooLarge(format!(
                "at most {} recipients per call: log a larger send in several calls",
                rules::MAX_SEND_RECIPIENTS
            )));
        }
        if let Some(id) = message_id {
            let bare = bare_message_id(id);
            let domain = bare.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
            if self
                .bounce_domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(domain))
            {
                return Err(LedgerError::Invalid(format!(
                    "message_id {id:?} is at a bounce domain: those Message-IDs are Rebound's own"
                )));
            }
        }
        self.record_send_as(
            account,
            recipients,
            message_id,
            email_id,
            at,
            store::Origin::Logged,
        )
        .await
    }

    /// [`Ledger::record_send`] with the Message-ID's origin. Large sends are written in
    /// chunks, each its own transaction, so one request never holds the write path long.
    pub(crate) async fn record_send_as(
        &self,
        account: i64,
        recipients: &[String],
        message_id: Option<&str>,
        email_id: Option<&str>,
        at: Option<Timestamp>,
        origin: store::Origin,
    ) -> Result<Vec<LoggedSend>> {
        let at = at.unwrap_or_else(|| self.clock.now());
        let message_id = message_id.map(bare_message_id);
        let mut events = Vec::with_capacity(recipients.len());
        for r in recipients {
            let mut e = Event::new(EventKind::Sent, at, source::SEND);
            e.account_id = account;
            e.address = canonical(r)?;
            e.message_id = message_id.clone();
            e.email_id = email_id.map(str::to_string);
            e.dedup = format!(
                "sent:{}:{}:{}",
                message_id.as_deref().unwrap_or(""),
                email_id.unwrap_or(""),
                e.address
            );
            events.push(e);
        }
        let mut out = Vec::with_capacity(events.len());
        for chunk in events.chunks(rules::WRITE_CHUNK) {
            let _w = self.write.lock().await;
            let mut tx = self.pool.begin().await?;
            for e in chunk {
                let recorded = store::insert_event(&mut tx, e, self.clock.now())
                    .await?
                    .is_some();
                let send_id = if recorded {
                    let (m, em) = (e.message_id.as_deref(), e.email_id.as_deref());
                    Some(store::insert_send(&mut tx, account, &e.address, m, em, at, origin).await?)
                } else {
                    None
                };
                out.push(LoggedSend {
                    recipient: e.address.clone(),
                    recorded,
                    send_id,
                    return_path: send_id
                        .map(|id| self.verp.return_path(id, &self.bounce_domains[0])),
                });
            }
            tx.commit().await?;
        }
        Ok(out)
    }

    /// Reads a raw message (`POST /bounces`), stores it, matches it to its send by the quoted
    /// original Message-ID, and applies every recipient it speaks of: the account speaks for
    /// itself.
    pub async fn ingest_message(&self, account: i64, bytes: &[u8]) -> Result<Ingested> {
        let report = parse_apart(bytes.to_vec()).await?;
        self.ingest(account, bytes, report, Authority::Account)
            .await
    }

    /// Reads, stores and applies a report for `account`, as far as `authority` lets it speak.
    async fn ingest(
        &self,
        account: i64,
        bytes: &[u8],
        report: rebound_parse::Report,
        authority: Authority,
    ) -> Result<Ingested> {
        let sha = sha256_hex(bytes);
        let now = self.clock.now();
        let quoted = report.original_message_id.as_deref().map(bare_message_id);
        let (sends, how, only_theirs) = match authority {
            Authority::Sends(sends, how) => (sends, Some(how), true),
            Authority::Account => {
                let sends = match &quoted {
                    Some(id) => {
                        let mut c = self.pool.acquire().await?;
                        store::sends_by_message_id(&mut c, account, id).await?
                    }
                    None => Vec::new(),
                };
                let how = (!sends.is_empty()).then_some("message_id");
                (sends, how, false)
            }
        };
        let original = quoted.or_else(|| sends.iter().find_map(|s| s.message_id.clone()));
        let email_id = sends.iter().find_map(|s| s.email_id.clone());
        let mut events = Vec::new();
        let mut skipped = Vec::new();
        let mut refused = Vec::new();
        for (i, r) in report.recipients.iter().enumerate() {
            // A complaint with a redacted recipient (RFC 6590) names its send: use its only
            // recipient when the match is unambiguous.
            let given = if r.address.is_empty() && sends.len() == 1 {
                &sends[0].address
            } else {
                &r.address
            };
            match canonical(given) {
                Ok(address) => {
                    let send = sends.iter().find(|s| s.address == address);
                    if only_theirs && send.is_none() {
                        // A report that reached the shared receiver speaks only for the
                        // recipients of the send it matched: anyone can mail the receiver.
                        refused.push(Skipped {
                            recipient: address,
                            error: format!(
                                "not a recipient of the send this report matched (by {}): kept, not applied",
                                how.unwrap_or("")
                            ),
                        });
                        continue;
                    }
                    let mut e = self.event_for(account, address, r, now, source::MESSAGE);
                    e.message_id = send
                        .and_then(|s| s.message_id.clone())
                        .or_else(|| original.clone());
                    e.email_id = send
                        .and_then(|s| s.email_id.clone())
                        .or_else(|| email_id.clone());
                    e.dedup = format!("message:{sha}:{i}");
                    events.push(e);
                }
                Err(err) => skipped.push(Skipped {
                    recipient: r.address.clone(),
                    error: err.to_string(),
                }),
            }
        }
        let new_message = {
            let _w = self.write.lock().await;
            let mut tx = self.pool.begin().await?;
            let id = store::insert_message(&mut tx, account, &sha, bytes, now).await?;
            tx.commit().await?;
            id.is_some()
        };
        let records = self.apply(events).await?;
        Ok(Ingested {
            engine: report.engine,
            original_message_id: original,
            matched: how,
            email_id,
            new_message,
            records,
            skipped,
            refused,
        })
    }

    /// Stores a message the SMTP receiver accepted, durably, before it answers 250.
    pub async fn receive(&self, mail_from: &str, rcpt_to: &[String], bytes: &[u8]) -> Result<i64> {
        // Group commit: every message waiting when the writer lock comes free is stored in one
        // transaction (one sync to disk), and each caller hears its own id only after it.
        let (done, answer) = tokio::sync::oneshot::channel();
        self.incoming
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Incoming {
                mail_from: mail_from.to_string(),
                rcpt_to: rcpt_to.to_vec(),
                bytes: bytes.to_vec(),
                done,
            });
        {
            let _w = self.write.lock().await;
            let batch =
                std::mem::take(&mut *self.incoming.lock().unwrap_or_else(|e| e.into_inner()));
            if !batch.is_empty() {
                let stored = self.store_incoming(&batch).await;
                for (i, m) in batch.into_iter().enumerate() {
                    let result = match &stored {
                        Ok(ids) => Ok(ids[i]),
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = m.done.send(result);
                }
            }
        }
        match answer.await {
            Ok(Ok(id)) => Ok(id),
            Ok(Err(e)) => Err(LedgerError::Invalid(format!(
                "storing the message failed: {e}"
            ))),
            Err(_) => Err(LedgerError::Invalid(
                "storing the message was abandoned".into(),
            )),
        }
    }

    async fn store_incoming(&self, batch: &[Incoming]) -> Result<Vec<i64>> {
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(batch.len());
        for m in batch {
            ids.push(
                store::insert_inbound(&mut tx, now, &m.mail_from, &m.rcpt_to, &m.bytes).await?,
            );
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Applies a received message. Anyone can mail the receiver, so a report speaks only for
    /// the send it is matched to: the one its VERP recipient names (that recipient), else the
    /// sends whose Message-ID it quotes (their recipients) when that Message-ID is Rebound's
    /// own or was logged by one account only. Whatever else it names is kept, not applied; a
    /// message matched to nothing stays unmatched.
    pub async fn process_inbound(&self, id: i64) -> Result<Processed> {
        let mut c = self.pool.acquire().await?;
        let Some((rcpts, bytes)) = store::inbound(&mut c, id).await? else {
            return Err(LedgerError::NotFound(format!("no inbound message {id}")));
        };
        let mut matched: Option<(Vec<store::Send>, &'static str)> = None;
        for r in &rcpts {
            if let Some(send) = self.verp.decode(r, &self.bounce_domains)
                && let Some(send) = store::send_by_id(&mut c, send).await?
            {
                matched = Some((vec![send], "verp"));
                break;
            }
        }
        // Read once: the quoted Message-ID below and the records in `ingest` both come from it.
        let (report, bytes) = parse_apart_owned(bytes).await?;
        let mut why_not = "no valid VERP address and no known Message-ID quoted".to_string();
        if matched.is_none()
            && let Some(original) = report.original_message_id.as_deref()
        {
            let sends = store::sends_by_message_id_any(&mut c, &bare_message_id(original)).await?;
            // Rebound's own Message-IDs are unique to the account it sent for; one an account
            // logged is that account's word only, so two accounts' make it ambiguous.
            let own: Vec<store::Send> = sends
                .iter()
                .filter(|s| s.origin == store::Origin::Rebound)
                .cloned()
                .collect();
            let candidates = if own.is_empty() { sends } else { own };
            let accounts: BTreeSet<i64> = candidates.iter().map(|s| s.account_id).collect();
            match accounts.len() {
                0 => {}
                1 => matched = Some((candidates, "message_id")),
                n => {
                    why_not = format!(
                        "the quoted Message-ID was logged by {n} accounts: ambiguous, matched to none"
                    )
                }
            }
        }
        drop(c);
        let mut applied = Vec::new();
        let mut account = None;
        if let Some((sends, how)) = matched {
            let a = sends[0].account_id;
            account = Some(a);
            applied.push(
                self.ingest(a, &bytes, report, Authority::Sends(sends, how))
                    .await?,
            );
        }
        let refused: Vec<&str> = applied
            .iter()
            .flat_map(|i| i.refused.iter().map(|r| r.recipient.as_str()))
            .collect();
        let nothing_applied = applied.iter().all(|i| i.records.is_empty());
        let (state, note) = match applied.first() {
            None => ("unmatched", Some(why_not)),
            Some(_) if refused.is_empty() => ("applied", None),
            Some(i) => (
                if nothing_applied {
                    "unmatched"
                } else {
                    "applied"
                },
                Some(format!(
                    "matched a send by {}, but names recipients that send did not go to (not applied): {}",
                    i.matched.unwrap_or(""),
                    refused.join(", ")
                )),
            ),
        };
        let _w = self.write.lock().await;
        let mut c = self.pool.acquire().await?;
        store::set_inbound_state(&mut c, id, state, account, note.as_deref()).await?;
        Ok(Processed { state, applied })
    }

    /// Applies every received message not yet processed (after a crash); returns how many.
    pub async fn process_received(&self) -> Result<usize> {
        self.process_received_in(Lane::All).await
    }

    /// Like [`Ledger::process_received`], for the messages of one size lane only: the server
    /// runs one applier per lane, so a large message never holds back the small ones.
    pub async fn process_received_in(&self, lane: Lane) -> Result<usize> {
        let (min, max) = lane.bytes();
        let mut c = self.pool.acquire().await?;
        let ids = store::inbound_in_state(&mut c, "received", min, max).await?;
        drop(c);
        for id in &ids {
            match self.process_inbound(*id).await {
                Ok(_) => {}
                // The database failing is worth a retry; anything else about this message is
                // kept as failed, with why, so it does not hold up the ones after it.
                Err(e @ LedgerError::Storage(_)) => return Err(e),
                Err(e) => {
                    let _w = self.write.lock().await;
                    let mut c = self.pool.acquire().await?;
                    store::set_inbound_state(&mut c, *id, "failed", None, Some(&e.to_string()))
                        .await?;
                }
            }
        }
        Ok(ids.len())
    }

    /// The receiver's newest messages (operator view): what was applied, what stayed
    /// unmatched and why, what a report named but could not speak for.
    pub async fn inbound(&self, state: Option<&str>, limit: i64) -> Result<Vec<store::InboundRow>> {
        let mut c = self.pool.acquire().await?;
        store::inbound_list(&mut c, state, limit.clamp(1, 1_000)).await
    }

    /// Inbound messages by state.
    pub async fn inbound_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut c = self.pool.acquire().await?;
        store::inbound_counts(&mut c).await
    }

    /// Imports an existing suppression list (e.g. from another system) as hard bounces at
    /// their original times; each row counts like any bounce, idempotently.
    pub async fn import_hard_bounces(
        &self,
        account: i64,
        rows: &[(String, Reason, Timestamp)],
    ) -> Result<usize> {
        let mut recorded = 0;
        for chunk in rows.chunks(5_000) {
            let mut events = Vec::with_capacity(chunk.len());
            for (address, reason, at) in chunk {
                let mut e = Event::new(EventKind::Bounce, *at, source::IMPORT);
                e.account_id = account;
                e.address = canonical(address)?;
                e.bounce_type = Some(rebound_classify::BounceType::Hard);
                e.reason = Some(*reason);
                e.suppress_days = self.policy.suppress_days(*reason).map(i64::from);
                e.dedup = format!("import:{}:{}", e.address, at.0);
                events.push(e);
            }
            recorded += self
                .apply(events)
                .await?
                .iter()
                .filter(|a| a.recorded)
                .count();
        }
        Ok(recorded)
    }

    /// Stores events and recomputes what they touch, in one transaction.
    async fn apply(&self, events: Vec<Event>) -> Result<Vec<Applied>> {
        let _w = self.write.lock().await;
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        let mut out = Vec::with_capacity(events.len());
        let mut touched = BTreeSet::new();
        for mut e in events {
            let id = store::insert_event(&mut tx, &e, now).await?;
            if let Some(id) = id {
                e.id = id;
                touched.insert((e.account_id, e.address.clone()));
            }
            out.push(Applied {
                recipient: e.address.clone(),
                event: e,
                recorded: id.is_some(),
            });
        }
        // The global rule reads permanent hard bounces only (and lifts, which go elsewhere).
        let global: BTreeSet<&str> = out
            .iter()
            .filter(|a| a.recorded && a.event.is_permanent_hard_bounce())
            .map(|a| a.event.address.as_str())
            .collect();
        store::lock_addresses(&mut tx, touched.iter().map(|(_, a)| a.as_str())).await?;
        let mut updates = Vec::new();
        for (account, address) in &touched {
            let with_global = global.contains(address.as_str());
            updates.push(
                self.recompute(&mut tx, *account, address, now, with_global)
                    .await?,
            );
        }
        self.commit(tx, updates).await?;
        Ok(out)
    }

    /// Recomputes one address in one account, and (`with_global`) the address's global state.
    async fn recompute(
        &self,
        c: &mut AnyConnection,
        account: i64,
        address: &str,
        now: Timestamp,
        with_global: bool,
    ) -> Result<GateUpdate> {
        let stored = store::events_of(c, account, address).await?;
        let st = derive::account_state(&stored, now);
        store::write_account_state(c, account, address, &stored, &st, now).await?;
        let global = if with_global {
            Some(self.recompute_global(c, address).await?)
        } else {
            None
        };
        Ok(GateUpdate {
            account: Some((account, block_of(&st))),
            address: address.to_string(),
            global,
        })
    }

    async fn recompute_global(
        &self,
        c: &mut AnyConnection,
        address: &str,
    ) -> Result<Option<GlobalBounce>> {
        let bounces = store::permanent_bounces(c, address).await?;
        let lifted = store::last_lift(c, address).await?;
        let g = derive::global_state(&bounces, lifted);
        store::write_global(c, address, g.as_ref()).await?;
        Ok(g)
    }

    /// Logs what a transaction changed for the other nodes, commits it, and updates this
    /// node's gate at once (the change log brings the same rows back later; applying them
    /// again changes nothing).
    async fn commit(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        updates: Vec<GateUpdate>,
    ) -> Result<()> {
        let mut changes = Vec::with_capacity(updates.len());
        for u in &updates {
            if let Some((account, _)) = u.account {
                changes.push(store::Change::Account(account, u.address.clone()));
            }
            if u.global.is_some() {
                changes.push(store::Change::Global(u.address.clone()));
            }
        }
        store::append_changes(&mut tx, &changes).await?;
        tx.commit().await?;
        self.publish(updates);
        Ok(())
    }

    /// Brings this node's gate and key table up to the change log: applies every change
    /// after its cursor, re-reading the rows it names. Returns how many it applied. The
    /// server calls it about every 200 ms, so a write made through any node is honoured by
    /// this one within a second.
    pub async fn follow_changes(&self) -> Result<usize> {
        let mut c = self.pool.acquire().await?;
        let cursor = self.changes_seen.load(std::sync::atomic::Ordering::Acquire);
        // Fallen behind the trimmed log (a node cut off from the database for long): what
        // it missed is no longer listed, so it reads the whole state again.
        if store::first_change(&mut c)
            .await?
            .is_some_and(|first| first > cursor + 1)
        {
            drop(c);
            self.load().await?;
            return Ok(0);
        }
        let mut applied = 0;
        loop {
            let cursor = self.changes_seen.load(std::sync::atomic::Ordering::Acquire);
            let batch = store::changes_after(&mut c, cursor, 1_000).await?;
            let Some(&(last, _)) = batch.last() else {
                return Ok(applied);
            };
            for (_, change) in &batch {
                match change {
                    store::Change::Account(account, address) => {
                        let rows = store::suppressions_of(&mut c, *account, address).await?;
                        let mut block = AccountBlock::default();
                        for (kind, reason, until) in &rows {
                            add_row(&mut block, kind, reason, *until);
                        }
                        self.gate
                            .write()
                            .unwrap_or_else(|e| e.into_inner())
                            .set_account(*account, address, block);
                    }
                    store::Change::Global(address) => {
                        let g = store::global_of(&mut c, address).await?.map(|g| g.0);
                        self.gate
                            .write()
                            .unwrap_or_else(|e| e.into_inner())
                            .set_global(address, g);
                    }
                    store::Change::Key(account) => {
                        let hash = store::key_hash_of(&mut c, *account).await?;
                        self.set_key(*account, hash);
                    }
                }
            }
            applied += batch.len();
            self.changes_seen
                .store(last, std::sync::atomic::Ordering::Release);
        }
    }

    fn publish(&self, updates: Vec<GateUpdate>) {
        let mut g = self.gate.write().unwrap_or_else(|e| e.into_inner());
        for u in updates {
            if let Some((account, block)) = u.account {
                g.set_account(account, &u.address, block);
            }
            if let Some(global) = u.global {
                g.set_global(&u.address, global.map(|g| g.reason));
            }
        }
    }

    /// Turns pending windows that ran out by now into soft bounces; returns how many addresses
    /// changed.
    pub async fn sweep(&self) -> Result<usize> {
        let _w = self.write.lock().await;
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        let due = store::due_pendings(&mut tx, now).await?;
        store::lock_addresses(&mut tx, due.iter().map(|(_, a)| a.as_str())).await?;
        let mut updates = Vec::new();
        for (account, address) in &due {
            updates.push(
                self.recompute(&mut tx, *account, address, now, false)
                    .await?,
            );
        }
        self.commit(tx, updates).await?;
        let mut c = self.pool.acquire().await?;
        store::trim_changes(&mut c, rules::CHANGES_KEPT).await?;
        Ok(due.len())
    }

    /// The send-time gate for a batch of addresses.
    pub fn check<'a>(
        &self,
        account: i64,
        addresses: impl IntoIterator<Item = &'a str>,
    ) -> Vec<Result<Decision, &'static str>> {
        let now = self.clock.now();
        let g = self.gate.read().unwrap_or_else(|e| e.into_inner());
        addresses
            .into_iter()
            .map(|a| g.check(account, a, now))
            .collect()
    }

    /// Number of account-scope blocks and global bounces held by the gate.
    pub fn gate_size(&self) -> (usize, usize) {
        self.gate.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// A contact as the account sees it.
    pub async fn contact(&self, account: i64, address: &str) -> Result<ContactView> {
        let address = canonical(address)?;
        let mut c = self.pool.acquire().await?;
        let mut history = store::events_of(&mut c, account, &address).await?;
        let global = store::global_of(&mut c, &address).await?;
        drop(c);
        let now = self.clock.now();
        // The rules read the marketing journal only; one-to-one email joins the timeline after.
        let st = derive::account_state(&history, now);
        history.extend(self.direct_history(account, &address).await?);
        history.sort_by_key(|e| e.at);
        let decision = gate::decide(Some(&block_of(&st)), global.map(|g| g.0), now);
        let suppression = match decision.scope {
            None => None,
            Some(Scope::Global) => global.map(|(reason, since)| SuppressionView {
                scope: Scope::Global,
                reason: reason.as_str().into(),
                since,
                until: None,
            }),
            Some(Scope::Account) => match (&st.bounce, st.complaint) {
                (Some(b), _) if decision.reason == Some(b.reason.as_str()) => {
                    Some(SuppressionView {
                        scope: Scope::Account,
                        reason: b.reason.as_str().into(),
                        since: b.since,
                        until: b.until,
                    })
                }
                (_, Some(since)) => Some(SuppressionView {
                    scope: Scope::Account,
                    reason: gate::SPAM_REPORT.into(),
                    since,
                    until: None,
                }),
                _ => None,
            },
        };
        let remedy = decision.reason.and_then(Reason::parse).map(rules::remedy);
        let unbounce = match unbounce_refusal(&st, global.map(|g| g.0), Actor::Account, false, now)
        {
            Ok(()) => UnbounceHint {
                allowed: true,
                refusal: None,
            },
            Err(LedgerError::Refused { message, .. }) => UnbounceHint {
                allowed: false,
                refusal: Some(message),
            },
            Err(e) => UnbounceHint {
                allowed: false,
                refusal: Some(e.to_string()),
            },
        };
        Ok(ContactView {
            address,
            eligible: decision.eligible,
            email_hard_bounce_reason: st.hard_bounce_reason,
            suppression,
            remedy,
            unbounce,
            history,
        })
    }

    /// Sets the address of a contact record (the account's own id for a person) and returns
    /// the contact as it now stands: the new address's bounces apply, the old one's do not.
    pub async fn put_contact_record(
        &self,
        account: i64,
        id: &str,
        address: &str,
    ) -> Result<ContactView> {
        if id.is_empty() || id.len() > 200 {
            return Err(LedgerError::Invalid(
                "a contact id is 1 to 200 characters".into(),
            ));
        }
        let address = canonical(address)?;
        {
            let _w = self.write.lock().await;
            let mut tx = self.pool.begin().await?;
            store::put_contact(&mut tx, account, id, &address, self.clock.now()).await?;
            tx.commit().await?;
        }
        self.contact(account, &address).await
    }

    /// The contact a record names, through its current address.
    pub async fn contact_record(&self, account: i64, id: &str) -> Result<ContactView> {
        let mut c = self.pool.acquire().await?;
        let address = store::contact_address(&mut c, account, id).await?;
        drop(c);
        match address {
            Some(a) => self.contact(account, &a).await,
            None => Err(LedgerError::NotFound(format!(
                "no contact record {id:?} in this account"
            ))),
        }
    }

    /// The audit trail, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<store::AuditEntry>> {
        let mut c = self.pool.acquire().await?;
        store::audit_log(&mut c, limit.clamp(1, 10_000)).await
    }

    /// Lifts an account's hard bounce of an address (SPEC §4).
    pub async fn unbounce(
        &self,
        account: i64,
        address: &str,
        actor: Actor,
        note: Option<&str>,
        override_permanent: bool,
    ) -> Result<ContactView> {
        let address = canonical(address)?;
        {
            let _w = self.write.lock().await;
            let now = self.clock.now();
            let mut tx = self.pool.begin().await?;
            store::lock_addresses(&mut tx, [address.as_str()]).await?;
            let stored = store::events_of(&mut tx, account, &address).await?;
            let st = derive::account_state(&stored, now);
            let global = store::global_of(&mut tx, &address).await?.map(|g| g.0);
            unbounce_refusal(&st, global, actor, override_permanent, now)?;
            let reason = st.bounce.as_ref().map(|b| b.reason);
            let mut e = Event::new(EventKind::Unbounce, now, source::ACTION);
            e.account_id = account;
            e.address = address.clone();
            e.reason = reason;
            e.actor = Some(actor.as_str().into());
            e.note = note.map(str::to_string);
            e.dedup = format!("unbounce:{}:{}", now.0, random_hex(8)?);
            store::insert_event(&mut tx, &e, now).await?;
            let action = if reason.is_some_and(Reason::is_permanent) {
                "unbounce_override"
            } else {
                "unbounce"
            };
            store::audit(
                &mut tx,
                now,
                actor.as_str(),
                action,
                Some(account),
                Some(&address),
                note,
            )
            .await?;
            let update = self
                .recompute(&mut tx, account, &address, now, false)
                .await?;
            self.commit(tx, vec![update]).await?;
        }
        self.contact(account, &address).await
    }

    /// Lifts a global bounce (operator only, audited).
    pub async fn lift_global(&self, address: &str, note: Option<&str>) -> Result<()> {
        let address = canonical(address)?;
        let _w = self.write.lock().await;
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        store::lock_addresses(&mut tx, [address.as_str()]).await?;
        if store::global_of(&mut tx, &address).await?.is_none() {
            return Err(LedgerError::NotFound(format!(
                "{address} is not globally bounced"
            )));
        }
        store::insert_lift(&mut tx, &address, now, Actor::Operator.as_str(), note).await?;
        store::audit(
            &mut tx,
            now,
            Actor::Operator.as_str(),
            "lift_global",
            None,
            Some(&address),
            note,
        )
        .await?;
        let global = self.recompute_global(&mut tx, &address).await?;
        let update = GateUpdate {
            account: None,
            address,
            global: Some(global),
        };
        self.commit(tx, vec![update]).await
    }

    /// A page of suppressions: the account's own first, then the global list (read-only).
    pub async fn suppressions(
        &self,
        account: i64,
        scope: Option<Scope>,
        reason: Option<&str>,
        cursor: Option<&str>,
        limit: i64,
    ) -> Result<Page> {
        let limit = limit.clamp(1, 10_000);
        // Cursor: "a:<address>" inside the account list, "g:<address>" inside the global one.
        let (in_global, after) = match cursor {
            Some(c) if c.starts_with("g:") => (true, &c[2..]),
            Some(c) if c.starts_with("a:") => (false, &c[2..]),
            Some(c) => return Err(LedgerError::Invalid(format!("bad cursor {c:?}"))),
            None => (scope == Some(Scope::Global), ""),
        };
        let now = self.clock.now();
        let mut c = self.pool.acquire().await?;
        let mut rows = Vec::new();
        if !in_global && scope != Some(Scope::Global) {
            rows =
                store::account_suppressions(&mut c, account, reason, after, limit + 1, now).await?;
            if rows.len() as i64 > limit {
                rows.truncate(limit as usize);
                let next = rows.last().map(|r| format!("a:{}", r.address));
                return Ok(Page {
                    suppressions: rows,
                    next_cursor: next,
                });
            }
        }
        if scope != Some(Scope::Account) {
            let left = limit - rows.len() as i64;
            let after = if in_global { after } else { "" };
            let mut g = store::global_suppressions(&mut c, reason, after, left + 1).await?;
            let more = g.len() as i64 > left;
            g.truncate(left.max(0) as usize);
            let next = if more {
                g.last().map(|r| format!("g:{}", r.address))
            } else {
                None
            };
            rows.extend(g);
            return Ok(Page {
                suppressions: rows,
                next_cursor: next,
            });
        }
        Ok(Page {
            suppressions: rows,
            next_cursor: None,
        })
    }

    /// Writes the account's suppressions and the global list as CSV (SPEC §5 export).
    pub async fn suppressions_csv(&self, account: i64) -> Result<String> {
        let mut out = String::from(
            "address,account_bounce_reason,account_bounce_since,suppressed_until,global_bounce,global_bounce_since,unsubscribed,spam_report,spam_report_since\n",
        );
        let mut by_address: std::collections::BTreeMap<String, [String; 8]> = Default::default();
        let mut cursor: Option<String> = None;
        loop {
            let page = self
                .suppressions(account, None, None, cursor.as_deref(), 10_000)
                .await?;
            for r in &page.suppressions {
                let row = by_address.entry(r.address.clone()).or_insert_with(|| {
                    let mut a: [String; 8] = Default::default();
                    a[3] = "false".into();
                    a[5] = "false".into();
                    a[6] = "false".into();
                    a
                });
                match (r.scope, r.reason.as_str()) {
                    ("global", _) => {
                        row[3] = "true".into();
                        row[4] = r.since.to_string();
                    }
                    (_, gate::SPAM_REPORT) => {
                        row[5] = "true".into();
                        row[6] = "true".into();
                        row[7] = r.since.to_string();
                    }
                    _ => {
                        row[0] = r.reason.clone();
                        row[1] = r.since.to_string();
                        row[2] = r.until.map(|u| u.to_string()).unwrap_or_default();
                    }
                }
            }
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        for (address, cols) in by_address {
            out.push_str(&csv_field(&address));
            for c in cols {
                out.push(',');
                out.push_str(&csv_field(&c));
            }
            out.push('\n');
        }
        Ok(out)
    }
}

/// RFC 4180 quoting when needed. A cell a spreadsheet would read as a formula (it starts with
/// `= + - @`, tab or CR) gets a leading `'` and quotes, as OWASP's "CSV Injection" advises.
fn csv_field(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("\"'{}\"", s.replace('"', "\"\""))
    } else if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// What a recompute changes in the gate.
struct GateUpdate {
    account: Option<(i64, AccountBlock)>,
    address: String,
    /// `Some` when the global state was recomputed.
    global: Option<Option<GlobalBounce>>,
}

/// Adds one stored suppression row (kind, reason, until) to an address's block.
fn add_row(block: &mut AccountBlock, kind: &str, reason: &str, until: Option<i64>) {
    if kind == "complaint" {
        block.complained = true;
    } else if let Some(r) = Reason::parse(reason) {
        block.bounce = Some((r, until.map(Timestamp)));
    }
}

fn block_of(st: &AccountState) -> AccountBlock {
    AccountBlock {
        bounce: st.bounce.as_ref().map(|b| (b.reason, b.until)),
        complained: st.complaint.is_some(),
    }
}

/// Why an unbounce is refused, if it is (SPEC §4).
fn unbounce_refusal(
    st: &AccountState,
    global: Option<Reason>,
    actor: Actor,
    override_permanent: bool,
    now: Timestamp,
) -> Result<()> {
    match &st.bounce {
        Some(b) if b.until.is_none_or(|u| now < u) => {
            rules::may_unbounce(b.reason, actor, override_permanent).map_err(|message| {
                LedgerError::Refused {
                    code: "permanent_reason",
                    message,
                }
            })
        }
        _ if global.is_some() => Err(LedgerError::Refused {
            code: "global_bounce",
            message: format!(
                "the address is globally bounced ({}): only the operator can lift a global bounce",
                global.map_or("", Reason::as_str)
            ),
        }),
        _ => Err(LedgerError::Refused {
            code: "not_bounced",
            message: "the address has no hard bounce in this account to lift".into(),
        }),
    }
}
