//! Marketing emails (SPEC §5, §9 `/emails`): drafts, the send-time gate, the durable delivery
//! queue with its retries, the recipients view, and resending to the soft-bounced.
//!
//! The channels deliver; this module decides who is sent, when to try again, and what each
//! recipient's status is (from the ledger's own events, so bounces that come back later as DSNs
//! show up here too).

use std::collections::HashMap;

use serde::Serialize;

use crate::error::{LedgerError, Result};
use crate::event::{Event, EventKind};
use crate::gate::{SPAM_REPORT, Scope};
use crate::ledger::{DeliveryResult, Ledger, canonical, random_hex};
use crate::rules::{
    DELIVERY_LEASE_MS, MAX_EMAIL_RECIPIENTS, PENDING_WINDOW_MS, WRITE_CHUNK, retry_delay,
};
use crate::store::{self, Email, QueueRow};
use crate::time::Timestamp;

/// A new email.
#[derive(Debug, Clone)]
pub struct NewEmail {
    /// Subject.
    pub subject: String,
    /// From address.
    pub from: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: Option<String>,
    /// Recipients.
    pub recipients: Vec<String>,
}

/// An email with its recipients' counts.
#[derive(Debug, Clone, Serialize)]
pub struct EmailView {
    /// The email.
    #[serde(flatten)]
    pub email: Email,
    /// Recipients by status.
    pub counts: Counts,
    /// Bounced / (recipients actually sent), 0 when none were sent.
    pub bounce_rate: f64,
}

/// Recipients by status.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    /// All recipients.
    pub recipients: usize,
    /// Not yet sent (a draft).
    pub draft: usize,
    /// Handed over, no result yet.
    pub sent: usize,
    /// Delivered.
    pub delivered: usize,
    /// Still being retried.
    pub pending: usize,
    /// Bounced (hard or soft).
    pub bounced: usize,
    /// Skipped at send time (suppressed).
    pub not_sent: usize,
}

/// One recipient in the recipients view (SPEC §5).
#[derive(Debug, Clone, Serialize)]
pub struct RecipientView {
    /// The address.
    pub address: String,
    /// draft, sent, delivered, pending, bounced, not_sent.
    pub status: &'static str,
    /// Why it was not sent.
    pub not_sent_reason: Option<String>,
    /// For bounced/pending: hard, soft or pending.
    #[serde(rename = "type")]
    pub bounce_type: Option<String>,
    /// Reason (SPEC §3).
    pub reason: Option<String>,
    /// Fine cause.
    pub cause: Option<String>,
    /// Enhanced status code.
    pub status_code: Option<String>,
    /// The remote server's full response.
    pub diagnostic: Option<String>,
    /// The remote MTA.
    pub remote_mta: Option<String>,
    /// When the status was reached.
    pub at: Option<Timestamp>,
    /// The remedy for the reason, in plain words.
    pub remedy: Option<&'static str>,
    /// The Message-ID it was sent with.
    pub message_id: Option<String>,
    /// Delivery attempts made by this system.
    pub attempts: i64,
}

/// One queued delivery, with what is needed to compose it.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The email.
    pub email: Email,
    /// The recipient's queue row.
    pub row: QueueRow,
}

/// What an email send did.
#[derive(Debug, Clone, Serialize)]
pub struct SendSummary {
    /// Queued for delivery.
    pub queued: usize,
    /// Skipped because suppressed.
    pub not_sent: usize,
}

/// Why an address is not sent to, in the words of SPEC §5 "Not sent".
fn not_sent_reason(scope: Option<Scope>, reason: Option<&str>) -> String {
    match (scope, reason) {
        (Some(Scope::Global), Some(r)) => format!("globally_bounced: {r}"),
        (_, Some(SPAM_REPORT)) => "reported_spam".into(),
        (_, Some(r)) => format!("hard_bounced: {r}"),
        _ => "suppressed".into(),
    }
}

impl Ledger {
    /// Creates a draft email.
    pub async fn create_email(&self, account: i64, e: NewEmail) -> Result<EmailView> {
        if e.subject.trim().is_empty() || e.text.is_empty() && e.html.is_none() {
            return Err(LedgerError::Invalid(
                "an email needs a subject and a text or html body".into(),
            ));
        }
        let from = canonical(&e.from)?;
        let mut recipients = Vec::with_capacity(e.recipients.len());
        for r in &e.recipients {
            recipients.push(canonical(r)?);
        }
        if recipients.is_empty() {
            return Err(LedgerError::Invalid(
                "an email needs at least one recipient".into(),
            ));
        }
        let email = Email {
            id: 0,
            account_id: account,
            subject: e.subject,
            from,
            text: e.text,
            html: e.html,
            created_at: self.clock.now(),
            sent_at: None,
            resend_of: None,
        };
        let id = self.insert_email(&email, &recipients).await?;
        self.email(account, id).await
    }

    /// Stores a draft, its recipients in chunks (each its own transaction, so a large list
    /// does not hold the write path); a draft whose writing fails half-way is removed.
    async fn insert_email(&self, email: &Email, recipients: &[String]) -> Result<i64> {
        if recipients.len() > MAX_EMAIL_RECIPIENTS {
            return Err(LedgerError::TooLarge(format!(
                "at most {MAX_EMAIL_RECIPIENTS} recipients per email"
            )));
        }
        let mut chunks = recipients.chunks(WRITE_CHUNK);
        let id = {
            let _w = self.write.lock().await;
            let mut tx = self.pool.begin().await?;
            let id = store::insert_email(&mut tx, email, chunks.next().unwrap_or(&[])).await?;
            tx.commit().await?;
            id
        };
        for chunk in chunks {
            let written = async {
                let _w = self.write.lock().await;
                let mut tx = self.pool.begin().await?;
                store::insert_email_recipients(&mut tx, id, chunk).await?;
                tx.commit().await?;
                Ok::<(), LedgerError>(())
            }
            .await;
            if let Err(e) = written {
                let _w = self.write.lock().await;
                let mut c = self.pool.acquire().await?;
                let _ = store::delete_email(&mut c, id).await;
                return Err(e);
            }
        }
        Ok(id)
    }

    /// An email with its counts.
    pub async fn email(&self, account: i64, id: i64) -> Result<EmailView> {
        let mut c = self.pool.acquire().await?;
        let email = store::email(&mut c, account, id)
            .await?
            .ok_or_else(|| LedgerError::NotFound(format!("no email {id} in this account")))?;
        drop(c);
        let recipients = self.recipients(account, id, None).await?;
        let mut counts = Counts {
            recipients: recipients.len(),
            ..Counts::default()
        };
        for r in &recipients {
            match r.status {
                "draft" => counts.draft += 1,
                "sent" => counts.sent += 1,
                "delivered" => counts.delivered += 1,
                "pending" => counts.pending += 1,
                "bounced" => counts.bounced += 1,
                _ => counts.not_sent += 1,
            }
        }
        let went_out = counts.sent + counts.delivered + counts.pending + counts.bounced;
        let bounce_rate = if went_out == 0 {
            0.0
        } else {
            counts.bounced as f64 / went_out as f64
        };
        Ok(EmailView {
            email,
            counts,
            bounce_rate,
        })
    }

    /// The account's emails, newest first, with counts.
    pub async fn emails(&self, account: i64) -> Result<Vec<EmailView>> {
        let mut c = self.pool.acquire().await?;
        let ids: Vec<i64> = store::emails(&mut c, account)
            .await?
            .iter()
            .map(|e| e.id)
            .collect();
        drop(c);
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.email(account, id).await?);
        }
        Ok(out)
    }

    /// Sends a draft: suppressed recipients are listed as not sent, with why; the others are
    /// logged as sends (own Message-ID, VERP return path) and queued for delivery now.
    pub async fn send_email(&self, account: i64, id: i64) -> Result<SendSummary> {
        self.start_send(account, id, self.clock.now(), true).await
    }

    /// Records that a draft went out at `at` through another system (history, or a sender
    /// outside Rebound): the gate and the logging are the same, nothing is queued; its results
    /// arrive as events and bounces.
    pub async fn record_sent_elsewhere(
        &self,
        account: i64,
        id: i64,
        at: Timestamp,
    ) -> Result<SendSummary> {
        self.start_send(account, id, at, false).await
    }

    async fn start_send(
        &self,
        account: i64,
        id: i64,
        now: Timestamp,
        queue: bool,
    ) -> Result<SendSummary> {
        let mut c = self.pool.acquire().await?;
        let email = store::email(&mut c, account, id)
            .await?
            .ok_or_else(|| LedgerError::NotFound(format!("no email {id} in this account")))?;
        if email.sent_at.is_some() {
            return Err(LedgerError::Refused {
                code: "already_sent",
                message: format!("email {id} was already sent"),
            });
        }
        let rows = store::email_recipients(&mut c, id).await?;
        drop(c);
        let decisions = self.check(account, rows.iter().map(|r| r.address.as_str()));
        let domain = self.bounce_domains()[0].clone();
        let (mut queued, mut not_sent) = (0, 0);
        for (mut row, decision) in rows.into_iter().zip(decisions) {
            match decision {
                Ok(d) if d.eligible => {
                    let message_id = format!("e{id}.{}@{domain}", random_hex(8)?);
                    let logged = self
                        .record_send_as(
                            account,
                            std::slice::from_ref(&row.address),
                            Some(&message_id),
                            Some(&id.to_string()),
                            Some(now),
                            store::Origin::Rebound,
                        )
                        .await?;
                    row.state = if queue { "queued" } else { "done" }.into();
                    row.message_id = Some(message_id);
                    row.send_id = logged.first().and_then(|l| l.send_id);
                    row.return_path = logged.first().and_then(|l| l.return_path.clone());
                    self.update_row(&row, queue.then_some(now)).await?;

                    queued += 1;
                }
                Ok(d) => {
                    row.state = "not_sent".into();
                    row.not_sent_reason = Some(not_sent_reason(d.scope, d.reason));
                    self.update_row(&row, None).await?;
                    not_sent += 1;
                }
                Err(why) => {
                    row.state = "not_sent".into();
                    row.not_sent_reason = Some(format!("invalid_address: {why}"));
                    self.update_row(&row, None).await?;
                    not_sent += 1;
                }
            }
        }
        let _w = self.write.lock().await;
        let mut c = self.pool.acquire().await?;
        store::set_email_sent(&mut c, id, now).await?;
        Ok(SendSummary { queued, not_sent })
    }

    async fn update_row(&self, row: &QueueRow, next: Option<Timestamp>) -> Result<()> {
        let _w = self.write.lock().await;
        let mut c = self.pool.acquire().await?;
        store::update_recipient(&mut c, row, next).await
    }

    /// Deliveries due now (at most `limit`).
    pub async fn due_deliveries(&self, limit: i64) -> Result<Vec<Delivery>> {
        let now = self.clock.now();
        let rows = {
            let _w = self.write.lock().await;
            let mut c = self.pool.acquire().await?;
            store::due_deliveries(&mut c, now, now.plus(DELIVERY_LEASE_MS), limit).await?
        };
        let mut c = self.pool.acquire().await?;
        let mut emails: HashMap<i64, Email> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for mut row in rows {
            // No attempt after the pending window: the ledger has made it a soft bounce.
            if row
                .first_attempt_at
                .is_some_and(|f| now.0 - f.0 >= PENDING_WINDOW_MS)
            {
                row.state = "done".into();
                self.update_row(&row, None).await?;
                continue;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = emails.entry(row.email_id) {
                let email = store::email_by_id(&mut c, row.email_id).await?;
                slot.insert(
                    email.ok_or_else(|| {
                        LedgerError::NotFound(format!("no email {}", row.email_id))
                    })?,
                );
            }
            let email = emails[&row.email_id].clone();
            out.push(Delivery { email, row });
        }
        Ok(out)
    }

    /// Records the outcome of one delivery attempt: the SMTP reply (or, without one, what
    /// failed). 5xx → bounce now; 4xx or failure → pending, retried with back-off until 72
    /// hours after the first attempt (then the ledger turns it into a soft bounce); 2xx →
    /// delivered, or just handed over when `via_relay` (the relay's DSN tells the rest).
    pub async fn delivery_attempt(
        &self,
        d: &Delivery,
        reply: &str,
        server: Option<&str>,
        via_relay: bool,
    ) -> Result<()> {
        let now = self.clock.now();
        let mut row = d.row.clone();
        row.attempts += 1;
        row.last_reply = Some(reply.chars().take(2000).collect());
        let first = *row.first_attempt_at.get_or_insert(now);
        let class = reply
            .trim_start()
            .chars()
            .next()
            .filter(char::is_ascii_digit);
        let relayed = class == Some('2') && via_relay;
        if !relayed {
            self.record_delivery(
                d.email.account_id,
                DeliveryResult {
                    recipient: row.address.clone(),
                    reply: if reply.trim().is_empty() {
                        "connection failed".into()
                    } else {
                        reply.to_string()
                    },
                    message_id: row.message_id.clone(),
                    email_id: Some(row.email_id.to_string()),
                    at: Some(now),
                    idempotency_key: Some(format!(
                        "attempt:{}:{}:{}",
                        row.email_id, row.address, row.attempts
                    )),
                    remote_mta: server.map(str::to_string),
                },
            )
            .await?;
        }
        let next = match class {
            Some('2') | Some('5') => None,
            _ if now.0 - first.0 >= PENDING_WINDOW_MS => None,
            _ => Some(now.plus(retry_delay(row.attempts))),
        };
        row.state = if next.is_some() {
            "queued".into()
        } else {
            "done".into()
        };
        self.update_row(&row, next).await
    }

    /// Every recipient of an email with its status, optionally only one status.
    pub async fn recipients(
        &self,
        account: i64,
        id: i64,
        status: Option<&str>,
    ) -> Result<Vec<RecipientView>> {
        let mut c = self.pool.acquire().await?;
        if store::email(&mut c, account, id).await?.is_none() {
            return Err(LedgerError::NotFound(format!(
                "no email {id} in this account"
            )));
        }
        let rows = store::email_recipients(&mut c, id).await?;
        let events = store::email_events(&mut c, account, &id.to_string()).await?;
        drop(c);
        // The latest result per recipient; at the same instant a final result outranks a
        // pending one (a retry at the very end of the window is covered by its expiry).
        let rank = |k: EventKind| match k {
            EventKind::Pending => 0,
            EventKind::Bounce => 1,
            _ => 2,
        };
        let mut last: HashMap<&str, &Event> = HashMap::new();
        for e in events.iter().filter(|e| {
            matches!(
                e.kind,
                EventKind::Delivered | EventKind::Pending | EventKind::Bounce
            )
        }) {
            let newer = last
                .get(e.address.as_str())
                .is_none_or(|l| (e.at, rank(e.kind)) >= (l.at, rank(l.kind)));
            if newer {
                last.insert(e.address.as_str(), e);
            }
        }
        let views = rows
            .iter()
            .map(|row| view(row, last.get(row.address.as_str()).copied()));
        Ok(views
            .filter(|v| status.is_none_or(|s| v.status == s))
            .collect())
    }

    /// A new draft with the same content, addressed to exactly the email's soft-bounced
    /// recipients (SPEC §5 Resend).
    pub async fn resend_soft_bounced(&self, account: i64, id: i64) -> Result<EmailView> {
        let original = self.email(account, id).await?.email;
        let soft: Vec<String> = self
            .recipients(account, id, Some("bounced"))
            .await?
            .into_iter()
            .filter(|r| r.bounce_type.as_deref() == Some("soft"))
            .map(|r| r.address)
            .collect();
        if soft.is_empty() {
            return Err(LedgerError::Refused {
                code: "no_soft_bounces",
                message: format!("email {id} has no soft-bounced recipients"),
            });
        }
        let copy = Email {
            id: 0,
            created_at: self.clock.now(),
            sent_at: None,
            resend_of: Some(id),
            ..original
        };
        let new_id = self.insert_email(&copy, &soft).await?;
        self.email(account, new_id).await
    }
}

fn view(row: &QueueRow, last: Option<&Event>) -> RecipientView {
    let status = match (row.state.as_str(), last.map(|e| e.kind)) {
        ("draft", _) => "draft",
        ("not_sent", _) => "not_sent",
        (_, Some(EventKind::Bounce)) => "bounced",
        (_, Some(EventKind::Delivered)) => "delivered",
        (_, Some(EventKind::Pending)) => "pending",
        _ => "sent",
    };
    let e = last.filter(|_| matches!(status, "bounced" | "pending" | "delivered"));
    RecipientView {
        address: row.address.clone(),
        status,
        not_sent_reason: row.not_sent_reason.clone(),
        bounce_type: e
            .and_then(|e| e.bounce_type)
            .map(|t| t.as_str().to_string()),
        reason: e.and_then(|e| e.reason).map(|r| r.as_str().to_string()),
        cause: e.and_then(|e| e.cause.clone()),
        status_code: e.and_then(|e| e.status.clone()),
        diagnostic: e.and_then(|e| e.diagnostic.clone()),
        remote_mta: e.and_then(|e| e.remote_mta.clone()),
        at: e.map(|e| e.at),
        remedy: e.and_then(|e| e.reason).map(crate::rules::remedy),
        message_id: row.message_id.clone(),
        attempts: row.attempts,
    }
}
