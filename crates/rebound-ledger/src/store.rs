//! Storage: every SQL statement of the ledger, over sqlx's `Any` driver.
//!
//! The statements use only `$n` parameters, `ON CONFLICT … DO NOTHING` and `RETURNING`, which
//! SQLite (3.35+) and PostgreSQL both read, so one code base serves both; the DDL is kept per
//! database in `migrations/<database>/`.

use rebound_classify::Reason;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Connection, Executor, Row};
use std::str::FromStr;

use crate::derive::{AccountState, GlobalBounce, PermanentBounce};
use crate::error::{LedgerError, Result};
use crate::event::{Event, EventKind, parse_bounce_type};
use crate::time::Timestamp;

pub mod inboxes;

/// The columns [`event_from_row`] reads.
macro_rules! event_columns {
    () => {
        "id, account_id, address, at, kind, bounce_type, reason, cause, status, reply_code, \
         diagnostic, remote_mta, message_id, email_id, source, actor, note, suppress_days, dedup"
    };
}

/// The columns `email_from_row` reads.
macro_rules! email_columns {
    () => {
        "id, account_id, subject, from_addr, text_body, html_body, created_at, sent_at, resend_of"
    };
}

/// The columns `queue_row` reads.
macro_rules! queue_columns {
    () => {
        "email_id, address, state, not_sent_reason, send_id, message_id, return_path, attempts, \
         first_attempt_at, last_reply"
    };
}

/// Schema migrations for SQLite, in order.
const SQLITE_MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_ledger.sql")),
    (2, include_str!("../migrations/sqlite/0002_contacts.sql")),
    (3, include_str!("../migrations/sqlite/0003_inbound.sql")),
    (4, include_str!("../migrations/sqlite/0004_emails.sql")),
    (5, include_str!("../migrations/sqlite/0005_sessions.sql")),
    (6, include_str!("../migrations/sqlite/0006_inboxes.sql")),
    (
        7,
        include_str!("../migrations/sqlite/0007_ids_never_reused.sql"),
    ),
    (
        8,
        include_str!("../migrations/sqlite/0008_session_key_mac.sql"),
    ),
    (9, include_str!("../migrations/sqlite/0009_changes.sql")),
];

/// Schema migrations for PostgreSQL, in order (its own history: its 0001 is SQLite's schema after 0007).
const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_schema.sql")),
    (2, include_str!("../migrations/postgres/0002_changes.sql")),
    (
        3,
        include_str!("../migrations/postgres/0003_session_key_mac.sql"),
    ),
];

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default, one file.
    Sqlite,
    /// A PostgreSQL server, which several nodes may share.
    Postgres,
}

impl Backend {
    /// The backend of `url`, if it names one Rebound runs on.
    pub fn of(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Opens (creating if needed) the database at `url` and brings its schema up to date.
pub async fn open(url: &str) -> Result<AnyPool> {
    sqlx::any::install_default_drivers();
    match Backend::of(url) {
        Some(Backend::Sqlite) => open_sqlite(url).await,
        Some(Backend::Postgres) => open_postgres(url).await,
        None => Err(LedgerError::Invalid(format!(
            "unsupported database URL {url:?}: use sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE"
        ))),
    }
}

async fn open_sqlite(url: &str) -> Result<AnyPool> {
    let rest = url.strip_prefix("sqlite:").unwrap_or(url);
    // Create the file when missing, like a user expects of an embedded database.
    let url = if rest.contains("mode=") || rest.contains(":memory:") {
        url.to_string()
    } else if rest.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    };
    let options = AnyConnectOptions::from_str(&url)?;
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .after_connect(|conn, _| {
            Box::pin(async move {
                // WAL lets readers run beside the writer; FULL syncs every commit, so whatever
                // was acknowledged survives a crash (SPEC §8).
                for pragma in [
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = FULL",
                    "PRAGMA busy_timeout = 10000",
                ] {
                    conn.execute(pragma).await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    migrate(&pool, SQLITE_MIGRATIONS).await?;
    Ok(pool)
}

/// PostgreSQL's defaults already make a commit durable before it returns
/// (`synchronous_commit = on`, `fsync = on`), which is what every 250 and 2xx rests on.
async fn open_postgres(url: &str) -> Result<AnyPool> {
    let options = AnyConnectOptions::from_str(url)?;
    let pool = AnyPoolOptions::new()
        .max_connections(16)
        .connect_with(options)
        .await?;
    migrate(&pool, POSTGRES_MIGRATIONS).await?;
    Ok(pool)
}

/// The PostgreSQL advisory lock that nodes starting together take so that one of them
/// migrates and the others then find the schema up to date.
const MIGRATION_LOCK: i64 = 0x7265_626f_756e_6401;

async fn migrate(pool: &AnyPool, migrations: &'static [(i64, &'static str)]) -> Result<()> {
    let mut conn = pool.acquire().await?;
    let postgres = is_postgres(&conn);
    if postgres {
        sqlx::query("SELECT pg_advisory_lock($1) IS NULL")
            .bind(MIGRATION_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    let done = migrate_on(&mut conn, migrations).await;
    if postgres {
        sqlx::query("SELECT pg_advisory_unlock($1) IS NULL")
            .bind(MIGRATION_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    done
}

async fn migrate_on(
    conn: &mut AnyConnection,
    migrations: &'static [(i64, &'static str)],
) -> Result<()> {
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
        .await?;
    let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_version")
        .fetch_one(&mut *conn)
        .await?;
    for (version, sql) in migrations {
        if current.is_some_and(|c| c >= *version) {
            continue;
        }
        let mut tx = conn.begin().await?;
        // Statements end with ";" at a line end; "--" comment lines are dropped first.
        let text = strip_comments(sql);
        for statement in text.split(";\n").map(str::trim).filter(|s| !s.is_empty()) {
            let statement = statement.trim_end_matches(';').to_string();
            tx.execute(sqlx::AssertSqlSafe(statement)).await?;
        }
        sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
            .bind(*version)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}

fn strip_comments(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    for line in sql.lines().filter(|l| !l.trim_start().starts_with("--")) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn event_from_row(row: &AnyRow) -> Result<Event> {
    let kind: String = row.try_get("kind")?;
    let kind = EventKind::parse(&kind)
        .ok_or_else(|| LedgerError::Invalid(format!("stored event of unknown kind {kind:?}")))?;
    let mut e = Event::new(kind, Timestamp(row.try_get("at")?), "");
    e.id = row.try_get("id")?;
    e.account_id = row.try_get("account_id")?;
    e.address = row.try_get("address")?;
    e.bounce_type = row
        .try_get::<Option<String>, _>("bounce_type")?
        .and_then(|t| parse_bounce_type(&t));
    e.reason = row
        .try_get::<Option<String>, _>("reason")?
        .and_then(|r| Reason::parse(&r));
    e.cause = row.try_get("cause")?;
    e.status = row.try_get("status")?;
    e.reply_code = row.try_get("reply_code")?;
    e.diagnostic = row.try_get("diagnostic")?;
    e.remote_mta = row.try_get("remote_mta")?;
    e.message_id = row.try_get("message_id")?;
    e.email_id = row.try_get("email_id")?;
    e.source = row.try_get("source")?;
    e.actor = row.try_get("actor")?;
    e.note = row.try_get("note")?;
    e.suppress_days = row.try_get("suppress_days")?;
    e.dedup = row.try_get("dedup")?;
    Ok(e)
}

/// Stores an event; `None` when an event with the same dedup key is already stored.
pub async fn insert_event(
    c: &mut AnyConnection,
    e: &Event,
    recorded_at: Timestamp,
) -> Result<Option<i64>> {
    let id = sqlx::query_scalar(
        "INSERT INTO events (account_id, address, at, kind, bounce_type, reason, cause, status, \
         reply_code, diagnostic, remote_mta, message_id, email_id, source, actor, note, \
         suppress_days, dedup, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) \
         ON CONFLICT (account_id, dedup) DO NOTHING RETURNING id",
    )
    .bind(e.account_id)
    .bind(&e.address)
    .bind(e.at.0)
    .bind(e.kind.as_str())
    .bind(e.bounce_type.map(|t| t.as_str()))
    .bind(e.reason.map(Reason::as_str))
    .bind(e.cause.as_deref())
    .bind(e.status.as_deref())
    .bind(e.reply_code.as_deref())
    .bind(e.diagnostic.as_deref())
    .bind(e.remote_mta.as_deref())
    .bind(e.message_id.as_deref())
    .bind(e.email_id.as_deref())
    .bind(&e.source)
    .bind(e.actor.as_deref())
    .bind(e.note.as_deref())
    .bind(e.suppress_days)
    .bind(&e.dedup)
    .bind(recorded_at.0)
    .fetch_optional(&mut *c)
    .await?;
    Ok(id)
}

/// Every event of an address in an account, in time order.
pub async fn events_of(c: &mut AnyConnection, account: i64, address: &str) -> Result<Vec<Event>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        event_columns!(),
        " FROM events WHERE address = $1 AND account_id = $2 ORDER BY at, id"
    ))
    .bind(address)
    .bind(account)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(event_from_row).collect()
}

/// Rewrites the derived state of an address in an account: expiry events, suppressions,
/// pending windows.
pub async fn write_account_state(
    c: &mut AnyConnection,
    account: i64,
    address: &str,
    stored: &[Event],
    st: &AccountState,
    now: Timestamp,
) -> Result<()> {
    // Expiry events: keep those still right, drop stale ones, add new ones.
    for old in stored
        .iter()
        .filter(|e| e.source == crate::event::source::EXPIRY)
    {
        if !st
            .expiries
            .iter()
            .any(|n| n.dedup == old.dedup && n.at == old.at)
        {
            sqlx::query("DELETE FROM events WHERE id = $1")
                .bind(old.id)
                .execute(&mut *c)
                .await?;
        }
    }
    for new in &st.expiries {
        if !stored
            .iter()
            .any(|o| o.dedup == new.dedup && o.at == new.at)
        {
            insert_event(c, new, now).await?;
        }
    }
    sqlx::query("DELETE FROM suppressions WHERE account_id = $1 AND address = $2")
        .bind(account)
        .bind(address)
        .execute(&mut *c)
        .await?;
    let insert = "INSERT INTO suppressions (account_id, address, kind, reason, cause, since, until) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7)";
    if let Some(b) = &st.bounce {
        sqlx::query(insert)
            .bind(account)
            .bind(address)
            .bind("bounce")
            .bind(b.reason.as_str())
            .bind(b.cause.as_deref())
            .bind(b.since.0)
            .bind(b.until.map(|u| u.0))
            .execute(&mut *c)
            .await?;
    }
    if let Some(since) = st.complaint {
        sqlx::query(insert)
            .bind(account)
            .bind(address)
            .bind("complaint")
            .bind(crate::gate::SPAM_REPORT)
            .bind(Some("feedback"))
            .bind(since.0)
            .bind(None::<i64>)
            .execute(&mut *c)
            .await?;
    }
    sqlx::query("DELETE FROM pendings WHERE account_id = $1 AND address = $2")
        .bind(account)
        .bind(address)
        .execute(&mut *c)
        .await?;
    for p in &st.pendings {
        sqlx::query(
            "INSERT INTO pendings (account_id, address, send_key, first_at, deadline) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(account)
        .bind(address)
        .bind(&p.send_key)
        .bind(p.first_at.0)
        .bind(p.deadline.0)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// Every permanent hard bounce of an address, in any account.
pub async fn permanent_bounces(
    c: &mut AnyConnection,
    address: &str,
) -> Result<Vec<PermanentBounce>> {
    let rows = sqlx::query(
        "SELECT at, account_id, reason FROM events WHERE address = $1 AND kind = 'bounce' \
         AND bounce_type = 'hard' AND reason IN ('unknown_user', 'mailbox_full') ORDER BY at, id",
    )
    .bind(address)
    .fetch_all(&mut *c)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let reason: String = row.try_get("reason")?;
        out.push(PermanentBounce {
            at: Timestamp(row.try_get("at")?),
            account_id: row.try_get("account_id")?,
            reason: Reason::parse(&reason).unwrap_or(Reason::UnknownUser),
        });
    }
    Ok(out)
}

/// When the operator last lifted a global bounce of the address.
pub async fn last_lift(c: &mut AnyConnection, address: &str) -> Result<Option<Timestamp>> {
    let at: Option<i64> = sqlx::query_scalar("SELECT MAX(at) FROM global_lifts WHERE address = $1")
        .bind(address)
        .fetch_one(&mut *c)
        .await?;
    Ok(at.map(Timestamp))
}

/// Records an operator's lift of a global bounce.
pub async fn insert_lift(
    c: &mut AnyConnection,
    address: &str,
    at: Timestamp,
    actor: &str,
    note: Option<&str>,
) -> Result<()> {
    sqlx::query("INSERT INTO global_lifts (address, at, actor, note) VALUES ($1, $2, $3, $4)")
        .bind(address)
        .bind(at.0)
        .bind(actor)
        .bind(note)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Writes or clears the global bounce of an address.
pub async fn write_global(
    c: &mut AnyConnection,
    address: &str,
    g: Option<&GlobalBounce>,
) -> Result<()> {
    sqlx::query("DELETE FROM global_bounces WHERE address = $1")
        .bind(address)
        .execute(&mut *c)
        .await?;
    if let Some(g) = g {
        let accounts = g
            .accounts
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        sqlx::query(
            "INSERT INTO global_bounces (address, reason, since, accounts) VALUES ($1, $2, $3, $4)",
        )
        .bind(address)
        .bind(g.reason.as_str())
        .bind(g.since.0)
        .bind(accounts)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// The global bounce of an address, if any.
pub async fn global_of(
    c: &mut AnyConnection,
    address: &str,
) -> Result<Option<(Reason, Timestamp)>> {
    let row = sqlx::query("SELECT reason, since FROM global_bounces WHERE address = $1")
        .bind(address)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| -> Result<_> {
        let reason: String = r.try_get("reason")?;
        Ok((
            Reason::parse(&reason).unwrap_or(Reason::UnknownUser),
            Timestamp(r.try_get("since")?),
        ))
    })
    .transpose()
}

/// Appends to the audit trail.
pub async fn audit(
    c: &mut AnyConnection,
    at: Timestamp,
    actor: &str,
    action: &str,
    account: Option<i64>,
    address: Option<&str>,
    note: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit (at, actor, action, account_id, address, note) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(at.0)
    .bind(actor)
    .bind(action)
    .bind(account)
    .bind(address)
    .bind(note)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Creates an account; returns its id.
pub async fn insert_account(
    c: &mut AnyConnection,
    name: &str,
    key_hash: &str,
    at: Timestamp,
) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO accounts (name, key_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(key_hash)
    .bind(at.0)
    .fetch_one(&mut *c)
    .await?;
    Ok(id)
}

/// Replaces an account's key hash; false when there is no such account.
pub async fn set_key_hash(c: &mut AnyConnection, account: i64, hash: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE accounts SET key_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(account)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Every account: id, name, key hash, created.
pub async fn accounts(c: &mut AnyConnection) -> Result<Vec<(i64, String, String, Timestamp)>> {
    let rows = sqlx::query("SELECT id, name, key_hash, created_at FROM accounts ORDER BY id")
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("name")?,
                r.try_get("key_hash")?,
                Timestamp(r.try_get("created_at")?),
            ))
        })
        .collect()
}

/// Logs one recipient of a send; returns its id (which its VERP return path names).
pub async fn insert_send(
    c: &mut AnyConnection,
    account: i64,
    address: &str,
    message_id: Option<&str>,
    email_id: Option<&str>,
    at: Timestamp,
    origin: Origin,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO sends (account_id, address, message_id, email_id, at, origin) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account)
    .bind(address)
    .bind(message_id)
    .bind(email_id)
    .bind(at.0)
    .bind(origin.as_str())
    .fetch_one(&mut *c)
    .await?)
}

/// Who made a send's Message-ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Rebound, for a marketing email it sent: unique, and owned by the sending account.
    Rebound,
    /// An account, through `POST /sends`: trusted only within that account.
    Logged,
}

impl Origin {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Rebound => "rebound",
            Origin::Logged => "logged",
        }
    }
}

/// One logged send to one recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct Send {
    /// Row id.
    pub id: i64,
    /// Account.
    pub account_id: i64,
    /// Recipient.
    pub address: String,
    /// Message-ID, without angle brackets.
    pub message_id: Option<String>,
    /// The email it belongs to.
    pub email_id: Option<String>,
    /// Who made its Message-ID.
    pub origin: Origin,
}

fn send_from_row(r: &AnyRow) -> Result<Send> {
    let origin: String = r.try_get("origin")?;
    Ok(Send {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        address: r.try_get("address")?,
        message_id: r.try_get("message_id")?,
        email_id: r.try_get("email_id")?,
        origin: if origin == "rebound" {
            Origin::Rebound
        } else {
            Origin::Logged
        },
    })
}

/// A send by id.
pub async fn send_by_id(c: &mut AnyConnection, id: i64) -> Result<Option<Send>> {
    let row = sqlx::query(
        "SELECT id, account_id, address, message_id, email_id, origin FROM sends WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(send_from_row).transpose()
}

/// The sends with this Message-ID in any account (for reports that reach the shared receiver
/// without a VERP address).
pub async fn sends_by_message_id_any(c: &mut AnyConnection, message_id: &str) -> Result<Vec<Send>> {
    let rows = sqlx::query(
        "SELECT id, account_id, address, message_id, email_id, origin FROM sends WHERE message_id = $1 ORDER BY id",
    )
    .bind(message_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(send_from_row).collect()
}

/// A setting, if set.
pub async fn setting(c: &mut AnyConnection, name: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *c)
            .await?,
    )
}

/// Sets a setting unless it is set; returns the value that holds.
pub async fn setting_or_insert(c: &mut AnyConnection, name: &str, value: &str) -> Result<String> {
    sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(value)
        .execute(&mut *c)
        .await?;
    Ok(setting(c, name).await?.unwrap_or_else(|| value.to_string()))
}

/// Stores a message the SMTP receiver accepted (state `received`); returns its id.
pub async fn insert_inbound(
    c: &mut AnyConnection,
    at: Timestamp,
    mail_from: &str,
    rcpt_to: &[String],
    bytes: &[u8],
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO inbound (received_at, mail_from, rcpt_to, bytes, state) \
         VALUES ($1, $2, $3, $4, 'received') RETURNING id",
    )
    .bind(at.0)
    .bind(mail_from)
    .bind(rcpt_to.join("\n"))
    .bind(bytes)
    .fetch_one(&mut *c)
    .await?)
}

/// An inbound message: (recipients, bytes).
pub async fn inbound(c: &mut AnyConnection, id: i64) -> Result<Option<(Vec<String>, Vec<u8>)>> {
    let row = sqlx::query("SELECT rcpt_to, bytes FROM inbound WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| -> Result<_> {
        let rcpt: String = r.try_get("rcpt_to")?;
        Ok((
            rcpt.lines().map(str::to_string).collect(),
            r.try_get("bytes")?,
        ))
    })
    .transpose()
}

/// Ids of inbound messages in a state whose size in bytes lies in `min..=max`, oldest first.
pub async fn inbound_in_state(
    c: &mut AnyConnection,
    state: &str,
    min: i64,
    max: i64,
) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM inbound WHERE state = $1 AND length(bytes) BETWEEN $2 AND $3 ORDER BY id",
    )
    .bind(state)
    .bind(min)
    .bind(max)
    .fetch_all(&mut *c)
    .await?)
}

/// Marks what became of an inbound message.
pub async fn set_inbound_state(
    c: &mut AnyConnection,
    id: i64,
    state: &str,
    account: Option<i64>,
    note: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE inbound SET state = $1, account_id = $2, note = $3 WHERE id = $4")
        .bind(state)
        .bind(account)
        .bind(note)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// One message the SMTP receiver accepted, as the operator sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InboundRow {
    /// Row id.
    pub id: i64,
    /// When it was accepted.
    pub received_at: Timestamp,
    /// The envelope sender.
    pub mail_from: String,
    /// The envelope recipients.
    pub rcpt_to: Vec<String>,
    /// received, applied, unmatched or failed.
    pub state: String,
    /// The account it was applied to.
    pub account_id: Option<i64>,
    /// Why it is unmatched or failed, or what of it was not applied.
    pub note: Option<String>,
}

/// The newest inbound messages first, optionally in one state, at most `limit`.
pub async fn inbound_list(
    c: &mut AnyConnection,
    state: Option<&str>,
    limit: i64,
) -> Result<Vec<InboundRow>> {
    const COLUMNS: &str =
        "SELECT id, received_at, mail_from, rcpt_to, state, account_id, note FROM inbound";
    let rows = match state {
        Some(state) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "{COLUMNS} WHERE state = $1 ORDER BY id DESC LIMIT $2"
            )))
            .bind(state)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
        }
        None => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "{COLUMNS} ORDER BY id DESC LIMIT $1"
            )))
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
        }
    };
    rows.iter()
        .map(|r| {
            let rcpt: String = r.try_get("rcpt_to")?;
            Ok(InboundRow {
                id: r.try_get("id")?,
                received_at: Timestamp(r.try_get("received_at")?),
                mail_from: r.try_get("mail_from")?,
                rcpt_to: rcpt.lines().map(str::to_string).collect(),
                state: r.try_get("state")?,
                account_id: r.try_get("account_id")?,
                note: r.try_get("note")?,
            })
        })
        .collect()
}

/// Counts of inbound messages by state.
pub async fn inbound_counts(c: &mut AnyConnection) -> Result<Vec<(String, i64)>> {
    let rows =
        sqlx::query("SELECT state, COUNT(*) AS n FROM inbound GROUP BY state ORDER BY state")
            .fetch_all(&mut *c)
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("state")?, r.try_get("n")?)))
        .collect()
}

/// The sends of an account with this Message-ID.
pub async fn sends_by_message_id(
    c: &mut AnyConnection,
    account: i64,
    message_id: &str,
) -> Result<Vec<Send>> {
    let rows = sqlx::query(
        "SELECT id, account_id, address, message_id, email_id, origin FROM sends \
         WHERE account_id = $1 AND message_id = $2 ORDER BY id",
    )
    .bind(account)
    .bind(message_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(send_from_row).collect()
}

/// Stores a raw message; `None` when the account already has these exact bytes.
pub async fn insert_message(
    c: &mut AnyConnection,
    account: i64,
    sha256: &str,
    bytes: &[u8],
    at: Timestamp,
) -> Result<Option<i64>> {
    let id = sqlx::query_scalar(
        "INSERT INTO messages (account_id, sha256, bytes, received_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (account_id, sha256) DO NOTHING RETURNING id",
    )
    .bind(account)
    .bind(sha256)
    .bind(bytes)
    .bind(at.0)
    .fetch_optional(&mut *c)
    .await?;
    Ok(id)
}

/// (account, address) pairs with a pending window that ends at or before `now`.
pub async fn due_pendings(c: &mut AnyConnection, now: Timestamp) -> Result<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT DISTINCT account_id, address FROM pendings WHERE deadline <= $1 ORDER BY account_id, address",
    )
    .bind(now.0)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("account_id")?, r.try_get("address")?)))
        .collect()
}

/// One suppression row as listed and exported.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SuppressionRow {
    /// The address.
    pub address: String,
    /// account or global.
    pub scope: &'static str,
    /// The reason (or `spam_report`).
    pub reason: String,
    /// The fine cause, for account bounces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Since when.
    pub since: Timestamp,
    /// Until when (time-limited), if ever.
    pub until: Option<Timestamp>,
}

/// Account suppressions (bounces and complaints, active at `now`) after `cursor` (an address),
/// at most `limit`, optionally of one reason.
pub async fn account_suppressions(
    c: &mut AnyConnection,
    account: i64,
    reason: Option<&str>,
    cursor: &str,
    limit: i64,
    now: Timestamp,
) -> Result<Vec<SuppressionRow>> {
    let rows = sqlx::query(
        "SELECT address, reason, cause, since, until FROM suppressions WHERE account_id = $1 \
         AND address > $2 AND ($3 = '' OR reason = $3) AND (until IS NULL OR until > $4) \
         ORDER BY address, kind LIMIT $5",
    )
    .bind(account)
    .bind(cursor)
    .bind(reason.unwrap_or(""))
    .bind(now.0)
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SuppressionRow {
                address: r.try_get("address")?,
                scope: "account",
                reason: r.try_get("reason")?,
                cause: r.try_get("cause")?,
                since: Timestamp(r.try_get("since")?),
                until: r.try_get::<Option<i64>, _>("until")?.map(Timestamp),
            })
        })
        .collect()
}

/// Global bounces after `cursor`, at most `limit`, optionally of one reason.
pub async fn global_suppressions(
    c: &mut AnyConnection,
    reason: Option<&str>,
    cursor: &str,
    limit: i64,
) -> Result<Vec<SuppressionRow>> {
    let rows = sqlx::query(
        "SELECT address, reason, since FROM global_bounces WHERE address > $1 \
         AND ($2 = '' OR reason = $2) ORDER BY address LIMIT $3",
    )
    .bind(cursor)
    .bind(reason.unwrap_or(""))
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SuppressionRow {
                address: r.try_get("address")?,
                scope: "global",
                reason: r.try_get("reason")?,
                cause: None,
                since: Timestamp(r.try_get("since")?),
                until: None,
            })
        })
        .collect()
}

/// Every suppression row (for the gate at start): (account or None for global, address,
/// kind, reason, until).
pub async fn all_suppressions(
    c: &mut AnyConnection,
) -> Result<Vec<(Option<i64>, String, String, String, Option<i64>)>> {
    let mut out = Vec::new();
    let rows = sqlx::query("SELECT account_id, address, kind, reason, until FROM suppressions")
        .fetch_all(&mut *c)
        .await?;
    for r in rows {
        out.push((
            Some(r.try_get("account_id")?),
            r.try_get("address")?,
            r.try_get("kind")?,
            r.try_get("reason")?,
            r.try_get("until")?,
        ));
    }
    let rows = sqlx::query("SELECT address, reason FROM global_bounces")
        .fetch_all(&mut *c)
        .await?;
    for r in rows {
        out.push((
            None,
            r.try_get("address")?,
            "global".into(),
            r.try_get("reason")?,
            None,
        ));
    }
    Ok(out)
}

/// Sets a contact record's address (creating the record).
pub async fn put_contact(
    c: &mut AnyConnection,
    account: i64,
    id: &str,
    address: &str,
    at: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO contacts (account_id, contact_id, address, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (account_id, contact_id) DO UPDATE SET address = excluded.address, updated_at = excluded.updated_at",
    )
    .bind(account)
    .bind(id)
    .bind(address)
    .bind(at.0)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The address of a contact record.
pub async fn contact_address(
    c: &mut AnyConnection,
    account: i64,
    id: &str,
) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar(
            "SELECT address FROM contacts WHERE account_id = $1 AND contact_id = $2",
        )
        .bind(account)
        .bind(id)
        .fetch_optional(&mut *c)
        .await?,
    )
}

/// One audit entry.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    /// When.
    pub at: Timestamp,
    /// account or operator.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// In which account.
    pub account_id: Option<i64>,
    /// On which address.
    pub address: Option<String>,
    /// Why, as given.
    pub note: Option<String>,
}

/// The newest audit entries first, at most `limit`.
pub async fn audit_log(c: &mut AnyConnection, limit: i64) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT at, actor, action, account_id, address, note FROM audit ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                at: Timestamp(r.try_get("at")?),
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                account_id: r.try_get("account_id")?,
                address: r.try_get("address")?,
                note: r.try_get("note")?,
            })
        })
        .collect()
}

/// A marketing email as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Email {
    /// Id.
    pub id: i64,
    /// Account.
    #[serde(skip)]
    pub account_id: i64,
    /// Subject.
    pub subject: String,
    /// From header address.
    pub from: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: Option<String>,
    /// Created.
    pub created_at: Timestamp,
    /// When sending started.
    pub sent_at: Option<Timestamp>,
    /// The email this one resends to its soft-bounced recipients.
    pub resend_of: Option<i64>,
}

fn email_from_row(r: &AnyRow) -> Result<Email> {
    Ok(Email {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        subject: r.try_get("subject")?,
        from: r.try_get("from_addr")?,
        text: r.try_get("text_body")?,
        html: r.try_get("html_body")?,
        created_at: Timestamp(r.try_get("created_at")?),
        sent_at: r.try_get::<Option<i64>, _>("sent_at")?.map(Timestamp),
        resend_of: r.try_get("resend_of")?,
    })
}

/// Stores an email with its recipients (state `draft`); returns its id.
pub async fn insert_email(c: &mut AnyConnection, e: &Email, recipients: &[String]) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO emails (account_id, subject, from_addr, text_body, html_body, created_at, resend_of) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(e.account_id)
    .bind(&e.subject)
    .bind(&e.from)
    .bind(&e.text)
    .bind(e.html.as_deref())
    .bind(e.created_at.0)
    .bind(e.resend_of)
    .fetch_one(&mut *c)
    .await?;
    insert_email_recipients(c, id, recipients).await?;
    Ok(id)
}

/// Adds draft recipients to an email (a recipient given twice is kept once).
pub async fn insert_email_recipients(
    c: &mut AnyConnection,
    id: i64,
    recipients: &[String],
) -> Result<()> {
    for r in recipients {
        sqlx::query(
            "INSERT INTO email_recipients (email_id, address, state, attempts) VALUES ($1, $2, 'draft', 0) \
             ON CONFLICT (email_id, address) DO NOTHING",
        )
        .bind(id)
        .bind(r)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// Removes an email and its recipients (a draft whose writing failed half-way).
pub async fn delete_email(c: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM email_recipients WHERE email_id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM emails WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// An email of an account.
pub async fn email(c: &mut AnyConnection, account: i64, id: i64) -> Result<Option<Email>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        email_columns!(),
        " FROM emails WHERE id = $1 AND account_id = $2"
    ))
    .bind(id)
    .bind(account)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(email_from_row).transpose()
}

/// An email by id in whichever account (the delivery queue's own lookup).
pub async fn email_by_id(c: &mut AnyConnection, id: i64) -> Result<Option<Email>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        email_columns!(),
        " FROM emails WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(email_from_row).transpose()
}

/// The emails of an account, newest first.
pub async fn emails(c: &mut AnyConnection, account: i64) -> Result<Vec<Email>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        email_columns!(),
        " FROM emails WHERE account_id = $1 ORDER BY id DESC"
    ))
    .bind(account)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(email_from_row).collect()
}

/// Marks an email as being sent.
pub async fn set_email_sent(c: &mut AnyConnection, id: i64, at: Timestamp) -> Result<()> {
    sqlx::query("UPDATE emails SET sent_at = $1 WHERE id = $2")
        .bind(at.0)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// One recipient row of an email (and queue entry).
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    /// Email.
    pub email_id: i64,
    /// Recipient.
    pub address: String,
    /// draft, not_sent, queued, done.
    pub state: String,
    /// Why not sent.
    pub not_sent_reason: Option<String>,
    /// The logged send.
    pub send_id: Option<i64>,
    /// The Message-ID it goes out with.
    pub message_id: Option<String>,
    /// The VERP return path it goes out with.
    pub return_path: Option<String>,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// The first attempt.
    pub first_attempt_at: Option<Timestamp>,
    /// The last reply.
    pub last_reply: Option<String>,
}

fn queue_row(r: &AnyRow) -> Result<QueueRow> {
    Ok(QueueRow {
        email_id: r.try_get("email_id")?,
        address: r.try_get("address")?,
        state: r.try_get("state")?,
        not_sent_reason: r.try_get("not_sent_reason")?,
        send_id: r.try_get("send_id")?,
        message_id: r.try_get("message_id")?,
        return_path: r.try_get("return_path")?,
        attempts: r.try_get("attempts")?,
        first_attempt_at: r
            .try_get::<Option<i64>, _>("first_attempt_at")?
            .map(Timestamp),
        last_reply: r.try_get("last_reply")?,
    })
}

/// The recipients of an email, by address.
pub async fn email_recipients(c: &mut AnyConnection, email: i64) -> Result<Vec<QueueRow>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        queue_columns!(),
        " FROM email_recipients WHERE email_id = $1 ORDER BY address"
    ))
    .bind(email)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(queue_row).collect()
}

/// Queue entries due at `now`, oldest first.
pub async fn due_deliveries(
    c: &mut AnyConnection,
    now: Timestamp,
    lease_until: Timestamp,
    limit: i64,
) -> Result<Vec<QueueRow>> {
    // Claiming is one statement: the rows due now get `next_attempt_at` = the lease's end, so
    // no other node (nor this one) takes them again until the attempt is recorded (which sets
    // the next time) or the lease runs out because the node died. On PostgreSQL the rows are
    // locked `FOR UPDATE SKIP LOCKED`, so two nodes claiming at once take different rows.
    let skip_locked = if is_postgres(c) {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE email_recipients SET next_attempt_at = $1 WHERE (email_id, address) IN \
         (SELECT email_id, address FROM email_recipients WHERE state = 'queued' \
         AND next_attempt_at <= $2 ORDER BY next_attempt_at, email_id, address LIMIT $3{skip_locked}) \
         RETURNING {}",
        queue_columns!()
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(lease_until.0)
        .bind(now.0)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    let mut out: Vec<QueueRow> = rows.iter().map(queue_row).collect::<Result<_>>()?;
    out.sort_by(|a, b| (a.email_id, &a.address).cmp(&(b.email_id, &b.address)));
    Ok(out)
}

/// Updates a recipient row's queue fields.
pub async fn update_recipient(
    c: &mut AnyConnection,
    q: &QueueRow,
    next_attempt_at: Option<Timestamp>,
) -> Result<()> {
    sqlx::query(
        "UPDATE email_recipients SET state = $1, not_sent_reason = $2, send_id = $3, message_id = $4, \
         return_path = $5, attempts = $6, first_attempt_at = $7, next_attempt_at = $8, last_reply = $9 \
         WHERE email_id = $10 AND address = $11",
    )
    .bind(&q.state)
    .bind(q.not_sent_reason.as_deref())
    .bind(q.send_id)
    .bind(q.message_id.as_deref())
    .bind(q.return_path.as_deref())
    .bind(q.attempts)
    .bind(q.first_attempt_at.map(|t| t.0))
    .bind(next_attempt_at.map(|t| t.0))
    .bind(q.last_reply.as_deref())
    .bind(q.email_id)
    .bind(&q.address)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The delivery-result events of one email in an account, in time order.
pub async fn email_events(c: &mut AnyConnection, account: i64, email: &str) -> Result<Vec<Event>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        event_columns!(),
        " FROM events WHERE account_id = $1 AND email_id = $2 ORDER BY at, id"
    ))
    .bind(account)
    .bind(email)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(event_from_row).collect()
}

/// A web session: (account, is admin, csrf token, expires, the MAC of the admin key of an
/// operator session).
pub type SessionRow = (Option<i64>, bool, String, Timestamp, String);

/// Stores a session.
pub async fn insert_session(
    c: &mut AnyConnection,
    token_hash: &str,
    s: &SessionRow,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions \
         (token_hash, account_id, is_admin, csrf, created_at, expires_at, key_mac) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token_hash)
    .bind(s.0)
    .bind(i64::from(s.1))
    .bind(&s.2)
    .bind(now.0)
    .bind(s.3.0)
    .bind(&s.4)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A session by its token's hash.
pub async fn session(c: &mut AnyConnection, token_hash: &str) -> Result<Option<SessionRow>> {
    let row = sqlx::query(
        "SELECT account_id, is_admin, csrf, expires_at, key_mac FROM sessions \
         WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| -> Result<SessionRow> {
        let admin: i64 = r.try_get("is_admin")?;
        Ok((
            r.try_get("account_id")?,
            admin != 0,
            r.try_get("csrf")?,
            Timestamp(r.try_get("expires_at")?),
            r.try_get("key_mac")?,
        ))
    })
    .transpose()
}

/// Ends a session.
pub async fn delete_session(c: &mut AnyConnection, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Ends every session of an account (its key was rotated).
pub async fn delete_sessions_of(c: &mut AnyConnection, account: i64) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Counts of an account's events since `since`: (kind, bounce type or "", reason or "", n).
pub async fn event_counts(
    c: &mut AnyConnection,
    account: i64,
    since: Timestamp,
) -> Result<Vec<(String, String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT kind, COALESCE(bounce_type, '') AS t, COALESCE(reason, '') AS r, COUNT(*) AS n \
         FROM events WHERE account_id = $1 AND at >= $2 GROUP BY kind, t, r ORDER BY kind, t, r",
    )
    .bind(account)
    .bind(since.0)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("kind")?,
                r.try_get("t")?,
                r.try_get("r")?,
                r.try_get("n")?,
            ))
        })
        .collect()
}

/// Bounce times of an account since `since` (for the bounces-over-time chart).
pub async fn bounce_times(
    c: &mut AnyConnection,
    account: i64,
    since: Timestamp,
) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT at FROM events WHERE account_id = $1 AND kind = 'bounce' AND at >= $2 ORDER BY at",
    )
    .bind(account)
    .bind(since.0)
    .fetch_all(&mut *c)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids are never handed out again: SQLite reuses the largest rowid after a delete unless
    /// the table is AUTOINCREMENT, so a deleted row's id (an inbox's, an account's) could come
    /// back in another account. Every table with a row id must be AUTOINCREMENT, and a
    /// deleted last row's id is not reused, table by table.
    #[tokio::test]
    async fn no_table_hands_out_an_id_twice() {
        let dir = std::env::temp_dir().join(format!("rebound-ids-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let pool = open(&format!("sqlite://{}", dir.join("ids.db").display()))
            .await
            .unwrap();
        let mut c = pool.acquire().await.unwrap();
        let tables: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%id INTEGER PRIMARY KEY%'",
        )
        .fetch_all(&mut *c)
        .await
        .unwrap();
        assert!(tables.len() >= 12, "{tables:?}");
        for (name, sql) in &tables {
            assert!(sql.contains("AUTOINCREMENT"), "{name} reuses ids: {sql}");
            // Insert a row with only the id given (other columns' defaults aside, NOT NULL
            // columns get a value of their declared kind), delete it, insert again.
            let columns: Vec<(String, String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT name, type, \"notnull\" FROM pragma_table_info('{name}')"
            )))
            .fetch_all(&mut *c)
            .await
            .unwrap();
            let (mut names, mut values) = (Vec::new(), Vec::new());
            for (col, kind, notnull) in &columns {
                if col == "id" || *notnull == 0 {
                    continue;
                }
                names.push(col.clone());
                values.push(if kind == "TEXT" { "'x'" } else { "1" });
            }
            let insert = format!(
                "INSERT INTO {name} ({}) VALUES ({}) RETURNING id",
                names.join(", "),
                values.join(", ")
            );
            let first: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(insert.clone()))
                .fetch_one(&mut *c)
                .await
                .unwrap_or_else(|e| panic!("{insert}: {e}"));
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {name}")))
                .execute(&mut *c)
                .await
                .unwrap();
            let second: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(insert))
                .fetch_one(&mut *c)
                .await
                .unwrap();
            assert!(second > first, "{name}: id {first} handed out again");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// True when `c` is a PostgreSQL connection (where several nodes may share the database).
fn is_postgres(c: &AnyConnection) -> bool {
    c.backend_name() == "PostgreSQL"
}

/// Serialises, across every node, the transactions that write the state of these addresses:
/// on PostgreSQL a transaction-level advisory lock per address, taken in one order so two
/// transactions never wait on each other crosswise; they are held to the commit, so whatever
/// the transaction then reads of the address includes every write committed before it.
/// On SQLite the one writer already serialises them.
pub async fn lock_addresses<'a>(
    c: &mut AnyConnection,
    addresses: impl IntoIterator<Item = &'a str>,
) -> Result<()> {
    if !is_postgres(c) {
        return Ok(());
    }
    let mut sorted: Vec<&str> = addresses.into_iter().collect();
    sorted.sort_unstable();
    sorted.dedup();
    for a in sorted {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1)) IS NULL")
            .bind(a)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// The advisory lock that orders appends to the change log: held from the append to the
/// commit, so rows become visible in id order and a follower's cursor never passes a row
/// that commits later.
const CHANGES_LOCK: i64 = 0x7265_626f_756e_6402;

/// What a change log row says changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The suppression state of an address in an account.
    Account(i64, String),
    /// The global state of an address.
    Global(String),
    /// The key of an account (created or rotated).
    Key(i64),
}

/// Appends changes to the log, inside the caller's transaction.
pub async fn append_changes(c: &mut AnyConnection, changes: &[Change]) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    if is_postgres(c) {
        sqlx::query("SELECT pg_advisory_xact_lock($1) IS NULL")
            .bind(CHANGES_LOCK)
            .execute(&mut *c)
            .await?;
        // Delivered when (and only if) the transaction commits: wakes every node's follower.
        sqlx::query("SELECT pg_notify($1, '') IS NULL")
            .bind(crate::follow::CHANNEL)
            .execute(&mut *c)
            .await?;
    }
    for chunk in changes.chunks(crate::rules::WRITE_CHUNK) {
        for ch in chunk {
            let (kind, account, address) = match ch {
                Change::Account(a, x) => ("account", Some(*a), Some(x.as_str())),
                Change::Global(x) => ("global", None, Some(x.as_str())),
                Change::Key(a) => ("key", Some(*a), None),
            };
            sqlx::query("INSERT INTO changes (kind, account_id, address) VALUES ($1, $2, $3)")
                .bind(kind)
                .bind(account)
                .bind(address)
                .execute(&mut *c)
                .await?;
        }
    }
    Ok(())
}

/// The newest change's id (0 when there is none).
pub async fn last_change(c: &mut AnyConnection) -> Result<i64> {
    let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM changes")
        .fetch_one(&mut *c)
        .await?;
    Ok(id.unwrap_or(0))
}

/// The oldest change still in the log, if any.
pub async fn first_change(c: &mut AnyConnection) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT MIN(id) FROM changes")
        .fetch_one(&mut *c)
        .await?)
}

/// Drops all but the newest `keep` changes. A node whose cursor falls behind what is left
/// reloads its gate from the tables instead ([`crate::Ledger::follow_changes`]).
pub async fn trim_changes(c: &mut AnyConnection, keep: i64) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM changes WHERE id <= (SELECT MAX(id) FROM changes) - $1")
            .bind(keep)
            .execute(&mut *c)
            .await?
            .rows_affected(),
    )
}

/// Changes after `cursor`, oldest first, at most `limit`: (id, change).
pub async fn changes_after(
    c: &mut AnyConnection,
    cursor: i64,
    limit: i64,
) -> Result<Vec<(i64, Change)>> {
    let rows = sqlx::query(
        "SELECT id, kind, account_id, address FROM changes WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(cursor)
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let kind: String = r.try_get("kind")?;
        let account: Option<i64> = r.try_get("account_id")?;
        let address: Option<String> = r.try_get("address")?;
        let change = match (kind.as_str(), account, address) {
            ("account", Some(a), Some(x)) => Change::Account(a, x),
            ("global", _, Some(x)) => Change::Global(x),
            ("key", Some(a), _) => Change::Key(a),
            _ => continue,
        };
        out.push((id, change));
    }
    Ok(out)
}

/// The suppression rows of one address in one account: (kind, reason, until).
pub async fn suppressions_of(
    c: &mut AnyConnection,
    account: i64,
    address: &str,
) -> Result<Vec<(String, String, Option<i64>)>> {
    let rows = sqlx::query(
        "SELECT kind, reason, until FROM suppressions WHERE account_id = $1 AND address = $2",
    )
    .bind(account)
    .bind(address)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("kind")?,
                r.try_get("reason")?,
                r.try_get("until")?,
            ))
        })
        .collect()
}

/// An account's key hash, if the account exists.
pub async fn key_hash_of(c: &mut AnyConnection, account: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT key_hash FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_optional(&mut *c)
            .await?,
    )
}
