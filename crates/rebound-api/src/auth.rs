//! Who is calling: an account key, or the operator's admin key (SPEC §9).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rebound_ledger::Actor;
use std::sync::Arc;

use crate::AppState;
use crate::error::ApiError;

/// The bearer token of a request, if any.
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Compares without an early exit, so the admin key cannot be guessed byte by byte by timing.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The `account` query parameter, which lets the operator act inside an account.
fn account_param(parts: &Parts) -> Option<&str> {
    parts
        .uri
        .query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix("account="))
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
        let token = bearer(parts).ok_or_else(ApiError::unauthorized)?;
        if same(token, &state.admin_key) {
            let id = account_param(parts).ok_or_else(|| {
                ApiError::bad_request("the admin key acts in an account given as ?account=ID")
            })?;
            let account = id
                .parse()
                .ok()
                .filter(|a| state.ledger.account_exists(*a))
                .ok_or_else(|| ApiError::not_found(format!("no account {id:?}")))?;
            return Ok(AccountCaller {
                account,
                actor: Actor::Operator,
            });
        }
        let account = state
            .ledger
            .authenticate(token)
            .ok_or_else(ApiError::unauthorized)?;
        Ok(AccountCaller {
            account,
            actor: Actor::Account,
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
        let token = bearer(parts).ok_or_else(ApiError::unauthorized)?;
        if same(token, &state.admin_key) {
            Ok(Admin)
        } else if state.ledger.authenticate(token).is_some() {
            Err(ApiError::forbidden("this needs the operator's admin key"))
        } else {
            Err(ApiError::unauthorized())
        }
    }
}
