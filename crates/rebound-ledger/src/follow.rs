//! Following the change log (see `store::append_changes`): every node applies it to its
//! in-memory gate and key table. On PostgreSQL a write's commit also sends a notification
//! (`NOTIFY rebound_changes`, delivered at commit), which wakes the follower at once; the
//! timer is the fallback, and after a lost connection the follower simply reads on from its
//! cursor, so nothing committed meanwhile is missed.

use std::time::Duration;

use sqlx::postgres::PgListener;

use crate::ledger::Ledger;
use crate::store::Backend;

/// The notification channel a commit that changed the log signals on.
pub const CHANNEL: &str = "rebound_changes";

impl Ledger {
    /// Applies the change log forever: when notified, and at least every `every`.
    pub async fn follow_forever(&self, url: &str, every: Duration) {
        let mut listener = None;
        loop {
            if listener.is_none() && Backend::of(url) == Some(Backend::Postgres) {
                listener = listen(url).await;
            }
            match listener.as_mut() {
                Some(l) => {
                    tokio::select! {
                        n = l.try_recv() => if n.is_err() {
                            // Reconnects on the next pass; the cursor covers the gap.
                            listener = None;
                        },
                        _ = tokio::time::sleep(every) => {}
                    }
                }
                None => tokio::time::sleep(every).await,
            }
            if let Err(e) = self.follow_changes().await {
                eprintln!("rebound: following the change log: {e}");
            }
        }
    }
}

async fn listen(url: &str) -> Option<PgListener> {
    let mut l = match PgListener::connect(url).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("rebound: change notifications unavailable ({e}); polling");
            return None;
        }
    };
    l.listen(CHANNEL).await.ok()?;
    Some(l)
}
