//! Who is calling: an account key, or the operator's admin key (SPEC §9).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rebound_ledger::{Actor, same_secret};
use std::sync::Arc;

use crate::AppState;
use crate::error::ApiError;
use crate::throttle::Client;

/// The bearer token of a request, if any.
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The `account` query parameter, which lets the operator act inside an account.
fn account_param(parts: &Parts) -> Option<&str> {
    parts
        .uri
        .query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix("account="))
}

/// Who a request's key belongs to.
enum Key {
    /// The operator's admin key.
    Admin,
    /// An account's key.
    Account(i64),
}

/// Reads and checks the bearer key: 401 when missing or unknown, 429 after too many wrong
/// keys from the client or with the key.
fn key(parts: &Parts, state: &AppState) -> Result<Key, ApiError> {
    let token = bearer(parts).ok_or_else(ApiError::unauthorized)?;
    let client = Client::of(parts);
    state
        .throttle
        .check(client, token)
        .map_err(ApiError::too_many_attempts)?;
    if same_secret(token, &state.admin_key) {
        return Ok(Key::Admin);
    }
    match state.ledger.authenticate(token) {
        Some(account) => Ok(Key::Account(account)),
        None => {
            state.throttle.failed(client, token);
            Err(ApiError::unauthorized())
        }
    }
}

/// A request on behalf of one account: its own key, or the admin key with `?account=ID`.
pub struct AccountCaller {
    /// The account.
    pub account: i64,
    /// Who acts.
    pub actor: Actor,
}

impl FromRequestParts<Arc<AppState>> for AccountCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let account = match key(parts, state)? {
            Key::Account(account) => {
                return Ok(AccountCaller {
                    account,
                    actor: Actor::Account,
                });
            }
            Key::Admin => account_param(parts).ok_or_else(|| {
                ApiError::bad_request("the admin key acts in an account given as ?account=ID")
            })?,
        };
        let id = account
            .parse()
            .ok()
            .filter(|a| state.ledger.account_exists(*a))
            .ok_or_else(|| ApiError::not_found(format!("no account {account:?}")))?;
        Ok(AccountCaller {
            account: id,
            actor: Actor::Operator,
        })
    }
}

/// A request with the admin key.
pub struct Admin;

impl FromRequestParts<Arc<AppState>> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        match key(parts, state)? {
            Key::Admin => Ok(Admin),
            Key::Account(_) => Err(ApiError::forbidden("this needs the operator's admin key")),
        }
    }
}
