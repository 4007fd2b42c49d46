//! The watcher: one task per connected inbox, and [`run`], which keeps them in step with the
//! inboxes stored in the ledger.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use rebound_ledger::{InboxLogin, Ledger, LedgerError, Timestamp};
use tokio::task::JoinHandle;
use tokio_rustls::TlsConnector;

use crate::Error;
use crate::imap::{self, ImapSession, Part, Since};

/// How the watchers behave.
#[derive(Debug, Clone)]
pub struct Options {
    /// Between looks at a server that does not offer IDLE.
    pub poll_interval: Duration,
    /// IDLE is re-issued after this long (RFC 2177: at least every 29 minutes); a connection
    /// that stays silent this long (not even the server's keep-alives) is given up.
    pub idle_timeout: Duration,
    /// Use IDLE where the server offers it (else always poll).
    pub use_idle: bool,
    /// Longest wait between reconnection attempts (the wait doubles from one second).
    pub max_backoff: Duration,
    /// Extra CA certificates (PEM) trusted for IMAP servers, e.g. a company's own CA.
    pub extra_ca_pem: Option<Vec<u8>>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            poll_interval: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(10 * 60),
            use_idle: true,
            max_backoff: Duration::from_secs(5 * 60),
            extra_ca_pem: None,
        }
    }
}

/// The inbox folder, which every IMAP server has (RFC 3501 §5.1).
const INBOX: &str = "INBOX";
/// Messages fetched per command.
const FETCH_BATCH: usize = 25;
/// The first look at a folder (or at one whose UIDs were renumbered) reads the messages the
/// server received in this many days, not years of mail: bounces come within days of their
/// send (RECIPIENT_MATCH_WINDOW_MS in the ledger is seven).
pub const FIRST_LOOK_DAYS: i64 = 30;

/// Runs one watcher per inbox in the ledger until the process ends: starts watchers for new
/// inboxes and stops those of removed ones when the ledger says the inboxes changed (and once a
/// minute in any case). `state` is anything that holds the ledger.
pub async fn run<S>(state: Arc<S>, opts: Options) -> Result<Infallible, Error>
where
    S: AsRef<Ledger> + Send + Sync + 'static,
{
    let tls = imap::tls_connector(opts.extra_ca_pem.as_deref())?;
    let ledger = (*state).as_ref();
    // Each inbox's watcher and the credentials version it started with.
    let mut running: HashMap<i64, (String, JoinHandle<()>)> = HashMap::new();
    loop {
        match ledger.inbox_ids().await {
            Ok(ids) => {
                running.retain(|id, (version, task)| {
                    let keep =
                        ids.iter().any(|(i, v)| i == id && v == version) && !task.is_finished();
                    if !keep {
                        task.abort();
                    }
                    keep
                });
                for (id, version) in ids {
                    running.entry(id).or_insert_with(|| {
                        let task = watch(state.clone(), id, tls.clone(), opts.clone());
                        (version, tokio::spawn(task))
                    });
                }
            }
            Err(e) => eprintln!("rebound: inboxes: {e}"),
        }
        tokio::select! {
            () = ledger.inbox_changes().notified() => {}
            () = tokio::time::sleep(Duration::from_secs(60)) => {}
        }
    }
}

/// Watches one inbox until it is removed: connects, reads, waits, and reconnects with
/// back-off whenever the session fails.
async fn watch<S: AsRef<Ledger>>(state: Arc<S>, id: i64, tls: TlsConnector, opts: Options) {
    let ledger = (*state).as_ref();
    let mut backoff = Duration::from_secs(1);
    loop {
        let failure = match ledger.inbox_login(id).await {
            Ok(None) => return,
            Ok(Some(login)) => {
                let _ = ledger.set_inbox_status(id, "connecting", None).await;
                match session(ledger, &login, &tls, &opts, &mut backoff).await {
                    Ok(never) => match never {},
                    Err(e) => e.to_string(),
                }
            }
            Err(e) => e.to_string(),
        };
        let detail = format!("{failure} (next attempt in {} s)", backoff.as_secs());
        eprintln!("rebound: inbox {id}: {detail}");
        let _ = ledger.set_inbox_status(id, "error", Some(&detail)).await;
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(opts.max_backoff);
    }
}

/// One connection: read what is new in the Sent folder and the inbox, wait, repeat.
async fn session(
    ledger: &Ledger,
    login: &InboxLogin,
    tls: &TlsConnector,
    opts: &Options,
    backoff: &mut Duration,
) -> Result<Infallible, Error> {
    // Resolved and checked at every connect: DNS and the operator's list can change.
    let addrs = ledger
        .inbox_destinations()
        .resolve(&login.host, login.port)
        .await
        .map_err(|e| Error::Config(e.to_string()))?;
    let mut s = imap::connect(login, &addrs, tls).await?;
    *backoff = Duration::from_secs(1);
    let idle = opts.use_idle && imap::has_idle(&mut s).await?;
    let sent = imap::sent_folder(&mut s).await?;
    ledger.set_inbox_status(login.id, "watching", None).await?;
    loop {
        // The Sent folder first, so a bounce finds the send it belongs to.
        if let Some(folder) = &sent {
            sync(ledger, &mut s, login.id, folder, Kind::Sent).await?;
        }
        sync(ledger, &mut s, login.id, INBOX, Kind::Inbox).await?;
        if idle {
            // INBOX is still examined: wait there until the server reports a change.
            let mut handle = s.idle();
            handle.init().await?;
            {
                let (wait, _stop) = handle.wait_with_timeout(opts.idle_timeout);
                wait.await?;
            }
            s = tokio::time::timeout(imap::COMMAND_TIMEOUT, handle.done())
                .await
                .map_err(|_| Error::Imap("no answer to DONE".into()))??;
        } else {
            tokio::time::sleep(opts.poll_interval).await;
        }
    }
}

/// What a folder holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sent,
    Inbox,
}

/// Reads the messages of `folder` that are new since the stored cursor, hands each to the
/// ledger and moves the cursor after it.
async fn sync(
    ledger: &Ledger,
    s: &mut ImapSession,
    inbox: i64,
    folder: &str,
    kind: Kind,
) -> Result<(), Error> {
    let seen = imap::examine(s, folder).await?;
    let validity = seen.validity;
    let (last, since) = match ledger.folder_cursor(inbox, folder).await? {
        Some((v, last)) if v == validity => (last, Since::Uid(last)),
        // A new folder, or its UIDs were renumbered (RFC 3501 §2.3.1.1): read its recent mail
        // again. The ledger keeps each report and send once, so nothing is reported twice.
        _ => {
            // The server's receive dates are real time, whatever clock the ledger runs on.
            let now = rebound_ledger::Clock::system().now();
            (0, Since::Received(now.plus(-FIRST_LOOK_DAYS * 86_400_000)))
        }
    };
    let uids = if seen.exists == 0 {
        Vec::new()
    } else {
        imap::uids(s, since).await?
    };
    // After a first look the cursor stands at the newest message that was there, read or
    // (older than the first look) not, so older mail is never read later either.
    let end = match since {
        Since::Received(_) => seen.uid_next.map_or(0, |n| n.saturating_sub(1)),
        Since::Uid(_) => last,
    };
    let end = end.max(uids.last().copied().unwrap_or(0));
    if uids.is_empty() {
        ledger
            .set_folder_cursor(inbox, folder, validity, end)
            .await?;
    }
    for chunk in uids.chunks(FETCH_BATCH) {
        let part = match kind {
            Kind::Sent => Part::Header,
            Kind::Inbox => Part::Whole,
        };
        for m in imap::fetch(s, chunk, part).await? {
            let date = m.internal_date.map(Timestamp);
            let read = match kind {
                Kind::Sent => ledger
                    .read_sent_message(inbox, date, &m.bytes)
                    .await
                    .map(|_| ()),
                Kind::Inbox => ledger
                    .read_inbox_message(inbox, folder, m.uid, date, &m.bytes)
                    .await
                    .map(|_| ()),
            };
            match read {
                Ok(()) => {}
                // The database failing stops the session (the message is read again later).
                Err(e @ LedgerError::Storage(_)) => return Err(e.into()),
                // A message the ledger cannot use is skipped, never retried forever.
                Err(e) => eprintln!("rebound: inbox {inbox}: {folder} UID {}: {e}", m.uid),
            }
            ledger
                .set_folder_cursor(inbox, folder, validity, m.uid)
                .await?;
        }
    }
    if uids.last().is_some_and(|u| *u < end) {
        ledger
            .set_folder_cursor(inbox, folder, validity, end)
            .await?;
    }
    Ok(())
}
