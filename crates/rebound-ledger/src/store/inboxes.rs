//! The SQL of connected inboxes (SPEC §6): inboxes, folder cursors, one-to-one sends, the
//! bounce reports found in inboxes and their per-recipient bounces.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::error::Result;
use crate::time::Timestamp;

/// The columns [`inbox_from_row`] reads.
macro_rules! inbox_columns {
    () => {
        "id, account_id, host, port, tls, username, auth, secret, created_at, status, \
         status_detail, status_at"
    };
}

/// The columns [`bounce_from_row`] reads.
macro_rules! bounce_columns {
    () => {
        "id, report_id, account_id, inbox_id, address, kind, bounce_type, reason, cause, status, \
         reply_code, diagnostic, remote_mta, at, send_message_id, match_kind"
    };
}

/// A connected inbox as stored (the secret still sealed).
#[derive(Debug, Clone)]
pub struct InboxRow {
    /// Id.
    pub id: i64,
    /// Account.
    pub account_id: i64,
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
    /// The sealed password or token ([`crate::secret`]).
    pub secret: String,
    /// Connected.
    pub created_at: Timestamp,
    /// What the watcher last said: connecting, watching, error.
    pub status: String,
    /// Details of the status (the error).
    pub status_detail: Option<String>,
    /// When the status was set.
    pub status_at: Option<Timestamp>,
}

fn inbox_from_row(r: &AnyRow) -> Result<InboxRow> {
    Ok(InboxRow {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        host: r.try_get("host")?,
        port: r.try_get("port")?,
        tls: r.try_get("tls")?,
        username: r.try_get("username")?,
        auth: r.try_get("auth")?,
        secret: r.try_get("secret")?,
        created_at: Timestamp(r.try_get("created_at")?),
        status: r.try_get("status")?,
        status_detail: r.try_get("status_detail")?,
        status_at: r.try_get::<Option<i64>, _>("status_at")?.map(Timestamp),
    })
}

/// Stores a new inbox with its secret still empty (the secret is sealed to the row id, so it
/// is set with [`set_secret`] in the same transaction); returns its id.
pub async fn insert_inbox(c: &mut AnyConnection, i: &InboxRow) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO inboxes (account_id, host, port, tls, username, auth, secret, created_at, status) \
         VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8) RETURNING id",
    )
    .bind(i.account_id)
    .bind(&i.host)
    .bind(i.port)
    .bind(&i.tls)
    .bind(&i.username)
    .bind(&i.auth)
    .bind(i.created_at.0)
    .bind(&i.status)
    .fetch_one(&mut *c)
    .await?)
}

/// Sets an inbox's sealed secret.
pub async fn set_secret(c: &mut AnyConnection, id: i64, sealed: &str) -> Result<()> {
    sqlx::query("UPDATE inboxes SET secret = $1 WHERE id = $2")
        .bind(sealed)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Replaces an inbox's kind of login and sealed secret.
pub async fn set_credentials(
    c: &mut AnyConnection,
    id: i64,
    auth: &str,
    sealed: &str,
) -> Result<()> {
    sqlx::query("UPDATE inboxes SET auth = $1, secret = $2 WHERE id = $3")
        .bind(auth)
        .bind(sealed)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// The inboxes of an account, or of every account.
pub async fn inboxes(c: &mut AnyConnection, account: Option<i64>) -> Result<Vec<InboxRow>> {
    let rows = match account {
        Some(a) => {
            sqlx::query(concat!(
                "SELECT ",
                inbox_columns!(),
                " FROM inboxes WHERE account_id = $1 ORDER BY id"
            ))
            .bind(a)
            .fetch_all(&mut *c)
            .await?
        }
        None => {
            sqlx::query(concat!(
                "SELECT ",
                inbox_columns!(),
                " FROM inboxes ORDER BY id"
            ))
            .fetch_all(&mut *c)
            .await?
        }
    };
    rows.iter().map(inbox_from_row).collect()
}

/// One inbox by id.
pub async fn inbox(c: &mut AnyConnection, id: i64) -> Result<Option<InboxRow>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        inbox_columns!(),
        " FROM inboxes WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(inbox_from_row).transpose()
}

/// Removes an inbox and its folder cursors (its sends and bounces stay on the timelines);
/// false when the account has no such inbox.
pub async fn delete_inbox(c: &mut AnyConnection, account: i64, id: i64) -> Result<bool> {
    let gone = sqlx::query("DELETE FROM inboxes WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account)
        .execute(&mut *c)
        .await?
        .rows_affected();
    if gone == 0 {
        // Another account's inbox, or none: nothing of it is touched.
        return Ok(false);
    }
    sqlx::query("DELETE FROM inbox_folders WHERE inbox_id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(true)
}

/// Records what the watcher says about an inbox.
pub async fn set_status(
    c: &mut AnyConnection,
    id: i64,
    status: &str,
    detail: Option<&str>,
    at: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE inboxes SET status = $1, status_detail = $2, status_at = $3 WHERE id = $4")
        .bind(status)
        .bind(detail)
        .bind(at.0)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Where the watcher is in a folder: (UIDVALIDITY, last UID read).
pub async fn folder(c: &mut AnyConnection, inbox: i64, folder: &str) -> Result<Option<(i64, i64)>> {
    let row = sqlx::query(
        "SELECT uidvalidity, last_uid FROM inbox_folders WHERE inbox_id = $1 AND folder = $2",
    )
    .bind(inbox)
    .bind(folder)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| Ok((r.try_get("uidvalidity")?, r.try_get("last_uid")?)))
        .transpose()
}

/// Every folder cursor of an inbox: (folder, UIDVALIDITY, last UID).
pub async fn folders(c: &mut AnyConnection, inbox: i64) -> Result<Vec<(String, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT folder, uidvalidity, last_uid FROM inbox_folders WHERE inbox_id = $1 ORDER BY folder",
    )
    .bind(inbox)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("folder")?,
                r.try_get("uidvalidity")?,
                r.try_get("last_uid")?,
            ))
        })
        .collect()
}

/// Moves a folder cursor.
pub async fn set_folder(
    c: &mut AnyConnection,
    inbox: i64,
    folder: &str,
    uidvalidity: i64,
    last_uid: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO inbox_folders (inbox_id, folder, uidvalidity, last_uid) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (inbox_id, folder) DO UPDATE SET uidvalidity = $3, last_uid = $4",
    )
    .bind(inbox)
    .bind(folder)
    .bind(uidvalidity)
    .bind(last_uid)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// One recipient of a one-to-one send.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DirectSend {
    /// Account.
    #[serde(skip)]
    pub account_id: i64,
    /// The inbox it was sent from.
    pub inbox_id: i64,
    /// Its Message-ID, without angle brackets.
    pub message_id: String,
    /// The recipient, canonical.
    pub address: String,
    /// Subject.
    pub subject: String,
    /// When it was sent.
    pub at: Timestamp,
    /// api or sent_folder.
    pub source: String,
}

fn send_from_row(r: &AnyRow) -> Result<DirectSend> {
    Ok(DirectSend {
        account_id: r.try_get("account_id")?,
        inbox_id: r.try_get("inbox_id")?,
        message_id: r.try_get("message_id")?,
        address: r.try_get("address")?,
        subject: r.try_get("subject")?,
        at: Timestamp(r.try_get("at")?),
        source: r.try_get("source")?,
    })
}

const SEND_COLUMNS: &str = "account_id, inbox_id, message_id, address, subject, at, source";

/// Logs one recipient of a one-to-one send; false when it was already logged.
pub async fn insert_send(c: &mut AnyConnection, s: &DirectSend) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO direct_sends (account_id, inbox_id, message_id, address, subject, at, source) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (inbox_id, message_id, address) DO NOTHING",
    )
    .bind(s.account_id)
    .bind(s.inbox_id)
    .bind(&s.message_id)
    .bind(&s.address)
    .bind(&s.subject)
    .bind(s.at.0)
    .bind(&s.source)
    .execute(&mut *c)
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// The recipients of the inbox's send with this Message-ID.
pub async fn sends_by_message_id(
    c: &mut AnyConnection,
    inbox: i64,
    message_id: &str,
) -> Result<Vec<DirectSend>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SEND_COLUMNS} FROM direct_sends WHERE inbox_id = $1 AND message_id = $2 ORDER BY id"
    )))
    .bind(inbox)
    .bind(message_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(send_from_row).collect()
}

/// The inbox's latest send to `address` made between `from` and `to`, if `subject` is given
/// with that subject.
pub async fn latest_send_to(
    c: &mut AnyConnection,
    inbox: i64,
    address: &str,
    from: Timestamp,
    to: Timestamp,
    subject: Option<&str>,
) -> Result<Option<DirectSend>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SEND_COLUMNS} FROM direct_sends WHERE inbox_id = $1 AND address = $2 \
         AND at >= $3 AND at <= $4 AND ($5 IS NULL OR subject = $5) ORDER BY at DESC, id DESC LIMIT 1"
    )))
    .bind(inbox)
    .bind(address)
    .bind(from.0)
    .bind(to.0)
    .bind(subject)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(send_from_row).transpose()
}

/// An account's one-to-one sends to an address.
pub async fn sends_to(
    c: &mut AnyConnection,
    account: i64,
    address: &str,
) -> Result<Vec<DirectSend>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SEND_COLUMNS} FROM direct_sends WHERE account_id = $1 AND address = $2 ORDER BY at, id"
    )))
    .bind(account)
    .bind(address)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(send_from_row).collect()
}

/// Number of one-to-one sends (recipients) logged for an inbox.
pub async fn send_count(c: &mut AnyConnection, inbox: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM direct_sends WHERE inbox_id = $1")
            .bind(inbox)
            .fetch_one(&mut *c)
            .await?,
    )
}

/// A bounce report found in an inbox: what matching reads, and the whole message.
#[derive(Debug, Clone)]
pub struct ReportRow {
    /// Account.
    pub account_id: i64,
    /// Inbox.
    pub inbox_id: i64,
    /// SHA-256 of the bytes.
    pub digest: String,
    /// The folder it was read from.
    pub folder: String,
    /// Its UID there.
    pub uid: i64,
    /// When it was written (its Date, else when the server received it).
    pub at: Timestamp,
    /// Its Subject.
    pub subject: String,
    /// The format module that read it.
    pub engine: String,
    /// In-Reply-To and References, space-separated, without brackets.
    pub refs: String,
    /// Message-IDs quoted in the report, space-separated, without brackets.
    pub quoted_ids: String,
    /// The Subject of the quoted original, when quoted.
    pub quoted_subject: Option<String>,
    /// The whole message.
    pub bytes: Vec<u8>,
}

/// Stores a report; `None` when the inbox already holds these exact bytes.
pub async fn insert_report(c: &mut AnyConnection, r: &ReportRow) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO direct_reports (account_id, inbox_id, digest, folder, uid, at, subject, engine, \
         refs, quoted_ids, quoted_subject, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (inbox_id, digest) DO NOTHING RETURNING id",
    )
    .bind(r.account_id)
    .bind(r.inbox_id)
    .bind(&r.digest)
    .bind(&r.folder)
    .bind(r.uid)
    .bind(r.at.0)
    .bind(&r.subject)
    .bind(&r.engine)
    .bind(&r.refs)
    .bind(&r.quoted_ids)
    .bind(r.quoted_subject.as_deref())
    .bind(&r.bytes)
    .fetch_optional(&mut *c)
    .await?)
}

/// What matching needs of a stored report: (refs, quoted_ids, quoted_subject, at).
pub async fn report_keys(
    c: &mut AnyConnection,
    id: i64,
) -> Result<Option<(String, String, Option<String>, Timestamp)>> {
    let row = sqlx::query(
        "SELECT refs, quoted_ids, quoted_subject, at FROM direct_reports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("refs")?,
            r.try_get("quoted_ids")?,
            r.try_get("quoted_subject")?,
            Timestamp(r.try_get("at")?),
        ))
    })
    .transpose()
}

/// A report's bytes, within an account.
pub async fn report_bytes(c: &mut AnyConnection, account: i64, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(
        sqlx::query_scalar("SELECT bytes FROM direct_reports WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account)
            .fetch_optional(&mut *c)
            .await?,
    )
}

/// One recipient of a report found in an inbox, and the send it was matched to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DirectBounce {
    /// Id.
    pub id: i64,
    /// The report (`GET /inbox-reports/{id}` gives the whole message).
    pub report_id: i64,
    /// Account.
    #[serde(skip)]
    pub account_id: i64,
    /// The inbox it was found in.
    pub inbox_id: i64,
    /// The recipient ("" when the report names none and the send had several).
    pub address: String,
    /// bounce or pending.
    pub kind: String,
    /// hard, soft or pending.
    #[serde(rename = "type")]
    pub bounce_type: String,
    /// The reason (SPEC §3).
    pub reason: Option<String>,
    /// The fine cause (Sisimai vocabulary).
    pub cause: String,
    /// Enhanced status code.
    pub status: Option<String>,
    /// SMTP reply code.
    pub reply_code: Option<String>,
    /// The remote server's full response.
    pub diagnostic: Option<String>,
    /// The remote MTA.
    pub remote_mta: Option<String>,
    /// When the report was written.
    pub at: Timestamp,
    /// The Message-ID of the send it was matched to; null when unmatched.
    #[serde(rename = "message_id")]
    pub send_message_id: Option<String>,
    /// How: in_reply_to, quoted_original or recipient_time; null when unmatched.
    #[serde(rename = "match")]
    pub match_kind: Option<String>,
}

fn bounce_from_row(r: &AnyRow) -> Result<DirectBounce> {
    Ok(DirectBounce {
        id: r.try_get("id")?,
        report_id: r.try_get("report_id")?,
        account_id: r.try_get("account_id")?,
        inbox_id: r.try_get("inbox_id")?,
        address: r.try_get("address")?,
        kind: r.try_get("kind")?,
        bounce_type: r.try_get("bounce_type")?,
        reason: r.try_get("reason")?,
        cause: r.try_get("cause")?,
        status: r.try_get("status")?,
        reply_code: r.try_get("reply_code")?,
        diagnostic: r.try_get("diagnostic")?,
        remote_mta: r.try_get("remote_mta")?,
        at: Timestamp(r.try_get("at")?),
        send_message_id: r.try_get("send_message_id")?,
        match_kind: r.try_get("match_kind")?,
    })
}

/// Stores one recipient of a report (once per report and address); returns its id.
pub async fn insert_bounce(c: &mut AnyConnection, b: &DirectBounce) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO direct_bounces (report_id, account_id, inbox_id, address, kind, bounce_type, reason, \
         cause, status, reply_code, diagnostic, remote_mta, at, send_message_id, match_kind) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (report_id, address) DO NOTHING RETURNING id",
    )
    .bind(b.report_id)
    .bind(b.account_id)
    .bind(b.inbox_id)
    .bind(&b.address)
    .bind(&b.kind)
    .bind(&b.bounce_type)
    .bind(b.reason.as_deref())
    .bind(&b.cause)
    .bind(b.status.as_deref())
    .bind(b.reply_code.as_deref())
    .bind(b.diagnostic.as_deref())
    .bind(b.remote_mta.as_deref())
    .bind(b.at.0)
    .bind(b.send_message_id.as_deref())
    .bind(b.match_kind.as_deref())
    .fetch_optional(&mut *c)
    .await?)
}

/// Attaches a bounce to a send.
pub async fn set_match(
    c: &mut AnyConnection,
    id: i64,
    address: &str,
    send_message_id: &str,
    match_kind: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE direct_bounces SET address = $1, send_message_id = $2, match_kind = $3 WHERE id = $4",
    )
    .bind(address)
    .bind(send_message_id)
    .bind(match_kind)
    .bind(id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The bounces found in an inbox, newest first.
pub async fn bounces_of_inbox(c: &mut AnyConnection, inbox: i64) -> Result<Vec<DirectBounce>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        bounce_columns!(),
        " FROM direct_bounces WHERE inbox_id = $1 ORDER BY at DESC, id DESC"
    ))
    .bind(inbox)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(bounce_from_row).collect()
}

/// The inbox's unmatched bounces a new send could match: those of its recipients, and those
/// whose report names or quotes its Message-ID.
pub async fn unmatched_candidates(
    c: &mut AnyConnection,
    inbox: i64,
    message_id: &str,
    addresses: &[String],
) -> Result<Vec<DirectBounce>> {
    // LIKE is portable; the id's own wildcards are escaped.
    let escaped: String = message_id
        .chars()
        .flat_map(|ch| match ch {
            '%' | '_' | '\\' => vec!['\\', ch],
            ch => vec![ch],
        })
        .collect();
    let pattern = format!("% {escaped} %");
    let mut rows = sqlx::query(concat!(
        "SELECT ",
        bounce_columns!(),
        " FROM direct_bounces WHERE inbox_id = $1 AND match_kind IS NULL AND report_id IN \
         (SELECT id FROM direct_reports WHERE inbox_id = $1 AND \
         (' ' || refs || ' ' || quoted_ids || ' ') LIKE $2 ESCAPE '\\')"
    ))
    .bind(inbox)
    .bind(&pattern)
    .fetch_all(&mut *c)
    .await?;
    for a in addresses {
        rows.extend(
            sqlx::query(concat!(
                "SELECT ",
                bounce_columns!(),
                " FROM direct_bounces WHERE inbox_id = $1 AND match_kind IS NULL AND address = $2"
            ))
            .bind(inbox)
            .bind(a)
            .fetch_all(&mut *c)
            .await?,
        );
    }
    let mut out: Vec<DirectBounce> = rows.iter().map(bounce_from_row).collect::<Result<_>>()?;
    out.sort_by_key(|b| b.id);
    out.dedup_by_key(|b| b.id);
    Ok(out)
}

/// How many bounces found in an inbox are matched to a send, and how many are not.
pub async fn bounce_counts(c: &mut AnyConnection, inbox: i64) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COUNT(match_kind) AS matched, COUNT(*) - COUNT(match_kind) AS unmatched \
         FROM direct_bounces WHERE inbox_id = $1",
    )
    .bind(inbox)
    .fetch_one(&mut *c)
    .await?;
    Ok((row.try_get("matched")?, row.try_get("unmatched")?))
}

/// An account's matched one-to-one bounces of an address.
pub async fn bounces_to(
    c: &mut AnyConnection,
    account: i64,
    address: &str,
) -> Result<Vec<DirectBounce>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        bounce_columns!(),
        " FROM direct_bounces WHERE account_id = $1 AND address = $2 AND match_kind IS NOT NULL \
         ORDER BY at, id"
    ))
    .bind(account)
    .bind(address)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(bounce_from_row).collect()
}
