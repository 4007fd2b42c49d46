//! `/inboxes` and `/inbox-reports` (SPEC §6, §9): connected inboxes, one-to-one sends and the
//! bounces found for them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rebound_ledger::{Credentials, NewDirectSend, NewInbox, Timestamp, Tls};
use serde::Deserialize;
use serde_json::json;

use crate::{AccountCaller, ApiError, Shared, body, path_id};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InboxBody {
    host: String,
    port: Option<u16>,
    tls: Option<String>,
    username: String,
    password: Option<String>,
    oauth2_token: Option<String>,
}

fn inbox_id(id: &str) -> Result<i64, ApiError> {
    path_id("inbox", id)
}

pub(crate) async fn create(
    State(s): Shared,
    c: AccountCaller,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let b: InboxBody = body(b)?;
    let tls = match b.tls.as_deref() {
        None => Tls::Tls,
        Some(t) => Tls::parse(t).ok_or_else(|| {
            ApiError::bad_request(format!("tls must be none, starttls or tls, not {t:?}"))
        })?,
    };
    let credentials = credentials(b.password, b.oauth2_token)?;
    let n = NewInbox {
        host: b.host,
        port: b.port,
        tls,
        username: b.username,
        credentials,
    };
    let view = s.ledger.create_inbox(c.account, n).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

fn credentials(
    password: Option<String>,
    oauth2_token: Option<String>,
) -> Result<Credentials, ApiError> {
    match (password, oauth2_token) {
        (Some(p), None) => Ok(Credentials::Password(p)),
        (None, Some(t)) => Ok(Credentials::OAuth2(t)),
        _ => Err(ApiError::bad_request(
            "give exactly one of password (or app password) and oauth2_token",
        )),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsBody {
    password: Option<String>,
    oauth2_token: Option<String>,
}

pub(crate) async fn set_credentials(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let b: CredentialsBody = body(b)?;
    let credentials = credentials(b.password, b.oauth2_token)?;
    let view = s
        .ledger
        .set_inbox_credentials(c.account, inbox_id(&id)?, credentials)
        .await?;
    Ok(Json(view).into_response())
}

pub(crate) async fn list(State(s): Shared, c: AccountCaller) -> Result<Response, ApiError> {
    Ok(Json(json!({ "inboxes": s.ledger.inboxes(c.account).await? })).into_response())
}

pub(crate) async fn get_one(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.ledger.inbox(c.account, inbox_id(&id)?).await?).into_response())
}

pub(crate) async fn remove(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    s.ledger.delete_inbox(c.account, inbox_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SentBody {
    message_id: String,
    to: Vec<String>,
    #[serde(default)]
    subject: String,
    at: Option<Timestamp>,
}

pub(crate) async fn sent(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let b: SentBody = body(b)?;
    let send = NewDirectSend {
        message_id: b.message_id,
        to: b.to,
        subject: b.subject,
        at: b.at,
    };
    let logged = s
        .ledger
        .log_direct_send(c.account, inbox_id(&id)?, send)
        .await?;
    let status = if logged.recorded > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(logged)).into_response())
}

pub(crate) async fn bounces(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let found = s.ledger.inbox_bounces(c.account, inbox_id(&id)?).await?;
    Ok(Json(json!({ "bounces": found })).into_response())
}

pub(crate) async fn report(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id("inbox report", &id)?;
    let bytes = s.ledger.inbox_report(c.account, id).await?;
    Ok(([(header::CONTENT_TYPE, "message/rfc822")], bytes).into_response())
}
