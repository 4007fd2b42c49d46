//! Web sign-in sessions: a random token in a cookie (only its hash is stored) and a CSRF token
//! that every form posts back.

use crate::error::Result;
use crate::ledger::{Ledger, random_hex, sha256_hex};
use crate::store;
use crate::time::DAY;

/// Who a session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The account, for an account user.
    pub account: Option<i64>,
    /// The operator.
    pub admin: bool,
    /// The token forms must post back.
    pub csrf: String,
}

/// Sessions last this long.
const SESSION_MS: i64 = 7 * DAY;

fn token() -> Result<String> {
    random_hex(24)
}

impl Ledger {
    /// Starts a session; returns the cookie token and the session.
    pub async fn start_session(
        &self,
        account: Option<i64>,
        admin: bool,
    ) -> Result<(String, Session)> {
        let (t, csrf) = (token()?, token()?);
        let now = self.clock.now();
        let row = (account, admin, csrf.clone(), now.plus(SESSION_MS));
        let _w = self.write.lock().await;
        let mut c = self.pool.acquire().await?;
        store::insert_session(&mut c, &sha256_hex(t.as_bytes()), &row, now).await?;
        Ok((
            t,
            Session {
                account,
                admin,
                csrf,
            },
        ))
    }

    /// The live session of a cookie token.
    pub async fn session(&self, token: &str) -> Result<Option<Session>> {
        let mut c = self.pool.acquire().await?;
        let row = store::session(&mut c, &sha256_hex(token.as_bytes())).await?;
        let now = self.clock.now();
        Ok(row
            .filter(|r| r.3 > now)
            .map(|(account, admin, csrf, _)| Session {
                account,
                admin,
                csrf,
            }))
    }

    /// Ends a session.
    pub async fn end_session(&self, token: &str) -> Result<()> {
        let _w = self.write.lock().await;
        let mut c = self.pool.acquire().await?;
        store::delete_session(&mut c, &sha256_hex(token.as_bytes())).await
    }
}
