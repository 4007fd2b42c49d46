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

/// What binds an operator session to the admin key it signed in with: HMAC-SHA256 of the key
/// under the cookie's token. The token is not stored, so the database alone does not let anyone
/// test guesses of the admin key; another admin key (a rotation, a restart with a new key) gives
/// another MAC and the session is over.
fn key_mac(token: &str, admin_key: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(token.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(b"rebound-admin-session:");
    mac.update(admin_key.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Ledger {
    /// Starts a session for an account user, or for the operator when `admin_key` is the admin
    /// key they signed in with; returns the cookie token and the session.
    pub async fn start_session(
        &self,
        account: Option<i64>,
        admin_key: Option<&str>,
    ) -> Result<(String, Session)> {
        let (t, csrf) = (token()?, token()?);
        let now = self.clock.now();
        let admin = admin_key.is_some();
        let mac = admin_key.map(|k| key_mac(&t, k)).unwrap_or_default();
        let row = (account, admin, csrf.clone(), now.plus(SESSION_MS), mac);
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

    /// The live session of a cookie token. An operator session lives only while `admin_key` is
    /// the key it signed in with (compared in constant time).
    pub async fn session(&self, token: &str, admin_key: &str) -> Result<Option<Session>> {
        let mut c = self.pool.acquire().await?;
        let row = store::session(&mut c, &sha256_hex(token.as_bytes())).await?;
        let now = self.clock.now();
        Ok(row
            .filter(|r| r.3 > now)
            .filter(|r| !r.1 || crate::same_secret(&r.4, &key_mac(token, admin_key)))
            .map(|(account, admin, csrf, _, _)| Session {
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
