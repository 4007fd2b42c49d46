//! Leadership: the work that must run once in a cluster of nodes on one database (the pending
//! sweeper, the connected-inbox watchers) runs on the node that holds a PostgreSQL
//! session-level advisory lock. The lock lives as long as that node's connection does, so
//! when the node dies (even by `kill -9`) the server drops the connection, the lock is free,
//! and the next node to ask takes over. On SQLite there is one node, which always leads.

use std::sync::atomic::Ordering;
use std::time::Duration;

use sqlx::AnyConnection;
use sqlx::pool::PoolConnection;

use crate::error::Result;
use crate::ledger::Ledger;

/// The advisory lock whose holder leads the cluster.
const LEADER_LOCK: i64 = 0x7265_626f_756e_6403;

/// How often a node that does not lead asks again, and a leader checks it still does.
pub const LEADER_POLL: Duration = Duration::from_secs(1);

/// This node's leadership, held until dropped (or until its connection is lost).
pub struct Leadership {
    /// The connection holding the lock; `None` on SQLite.
    conn: Option<PoolConnection<sqlx::Any>>,
}

impl Leadership {
    /// Whether this node still leads: false once the connection holding the lock failed.
    pub async fn holds(&mut self) -> bool {
        let Some(c) = self.conn.as_mut() else {
            return true;
        };
        let c: &mut AnyConnection = c;
        sqlx::query_scalar::<_, bool>("SELECT TRUE")
            .fetch_one(c)
            .await
            .is_ok()
    }
}

impl Drop for Leadership {
    fn drop(&mut self) {
        // The lock belongs to the session: close it rather than hand it back to the pool
        // still locked.
        if let Some(c) = self.conn.take() {
            drop(c.detach());
        }
    }
}

impl Ledger {
    /// Waits until this node leads the cluster. Returns at once on SQLite.
    pub async fn lead(&self) -> Result<Leadership> {
        let mut conn = self.pool.acquire().await?;
        if conn.backend_name() != "PostgreSQL" {
            self.leading.store(true, Ordering::Release);
            return Ok(Leadership { conn: None });
        }
        loop {
            let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(LEADER_LOCK)
                .fetch_one(&mut *conn)
                .await?;
            if got {
                self.leading.store(true, Ordering::Release);
                return Ok(Leadership { conn: Some(conn) });
            }
            tokio::time::sleep(LEADER_POLL).await;
        }
    }

    /// Marks that this node no longer leads.
    pub fn resign(&self) {
        self.leading.store(false, Ordering::Release);
    }

    /// Whether this node leads now (for `/metrics`).
    pub fn is_leader(&self) -> bool {
        self.leading.load(Ordering::Acquire)
    }
}
