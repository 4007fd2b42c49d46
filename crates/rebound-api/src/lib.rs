//! Rebound's HTTP API: JSON under `/api/v1` (SPEC §9), plus `/healthz`, `/metrics` and
//! `/api/openapi.json`.
//!
//! [`app`] builds the router as a value, so tests and benchmarks can serve it on any listener.
//! Handlers only translate between HTTP and [`Ledger`]; every rule lives in the ledger.
//! Bad input gets a 4xx with `{"error": {"code", "message"}}`, never a 500.

mod auth;
mod error;
mod inboxes;
mod metrics;
pub mod throttle;

use std::borrow::Cow;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use rebound_ledger::{DeliveryResult, Ledger, NewEmail, Scope, Timestamp};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

pub use auth::{AccountCaller, Admin};
pub use error::ApiError;
pub use metrics::Metrics;
pub use throttle::{Client, Throttle};

/// The largest request body: a raw bounce may be as big as the parser reads (16 MiB).
pub const MAX_BODY_BYTES: usize = 16 << 20;

/// What handlers share.
pub struct AppState {
    /// The ledger.
    pub ledger: Ledger,
    /// The operator's key.
    pub admin_key: String,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
    /// Failed authentications (API keys and web sign-in).
    pub throttle: Throttle,
    /// Where people reach this server (`--public-url`); `https://` makes cookies `Secure`.
    pub public_url: Option<String>,
}

impl AppState {
    /// Whether the server is reached over HTTPS, so cookies can be `Secure`.
    pub fn https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| {
            u.get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
        })
    }
}

/// Headers on every response: no MIME sniffing, no framing (clickjacking), nothing loaded from
/// elsewhere (the UI has no script and no inline style), no URLs leaked to other sites.
pub async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::http::HeaderValue;
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    r
}

impl AsRef<Ledger> for AppState {
    fn as_ref(&self) -> &Ledger {
        &self.ledger
    }
}

/// The OpenAPI document of this API.
pub const OPENAPI: &str = include_str!("openapi.json");

/// The router.
pub fn app(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/accounts", post(create_account).get(list_accounts))
        .route("/accounts/{id}/key", post(rotate_key))
        .route("/bounces", post(post_bounce))
        .route("/events", post(post_event))
        .route("/sends", post(post_send))
        .route("/contacts/{address}", get(get_contact))
        .route("/contacts/{address}/unbounce", post(unbounce))
        .route(
            "/contact-records/{id}",
            get(get_contact_record).put(put_contact_record),
        )
        .route("/audit", get(audit))
        .route("/inbound", get(inbound))
        .route("/check", post(check))
        .route("/emails", post(create_email).get(list_emails))
        .route("/emails/{id}", get(get_email))
        .route("/emails/{id}/send", post(send_email))
        .route(
            "/emails/{id}/resend-soft-bounced",
            post(resend_soft_bounced),
        )
        .route("/emails/{id}/recipients", get(email_recipients))
        .route("/suppressions", get(suppressions))
        .route("/suppressions.csv", get(suppressions_csv))
        .route("/global-bounces/{address}", delete(lift_global))
        .route("/inboxes", post(inboxes::create).get(inboxes::list))
        .route(
            "/inboxes/{id}",
            get(inboxes::get_one).delete(inboxes::remove),
        )
        .route("/inboxes/{id}/sent", post(inboxes::sent))
        .route("/inboxes/{id}/credentials", put(inboxes::set_credentials))
        .route("/inboxes/{id}/bounces", get(inboxes::bounces))
        .route("/inbox-reports/{id}", get(inboxes::report))
        .route("/sweep", post(sweep))
        .route("/clock", put(set_clock));
    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::render))
        .route("/api/openapi.json", get(openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

type Shared = State<Arc<AppState>>;

/// Reads a JSON body, answering malformed JSON with a 400 that says what is wrong.
fn body<T: DeserializeOwned>(bytes: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let bytes = bytes.map_err(|e| ApiError::new(e.status(), "bad_body", e.body_text()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::bad_request(format!("invalid query: {}", e.body_text())))
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint; see /api/openapi.json")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method",
    )
}

async fn healthz(State(s): Shared) -> Response {
    match s.ledger.accounts().await {
        Ok(_) => Json(json!({"status": "ok"})).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAccountBody {
    name: String,
}

async fn create_account(
    State(s): Shared,
    _: Admin,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let b: NewAccountBody = body(b)?;
    if b.name.trim().is_empty() || b.name.len() > 200 {
        return Err(ApiError::bad_request("name must be 1 to 200 characters"));
    }
    let a = s.ledger.create_account(b.name.trim()).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

async fn rotate_key(
    State(s): Shared,
    _: Admin,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id("account", &id)?;
    let api_key = s.ledger.rotate_key(id).await?;
    Ok(Json(json!({ "id": id, "api_key": api_key })).into_response())
}

async fn list_accounts(State(s): Shared, _: Admin) -> Result<Response, ApiError> {
    let accounts: Vec<_> = s
        .ledger
        .accounts()
        .await?
        .into_iter()
        .map(|(id, name, at)| json!({"id": id, "name": name, "created_at": at}))
        .collect();
    Ok(Json(json!({ "accounts": accounts })).into_response())
}

async fn post_bounce(
    State(s): Shared,
    c: AccountCaller,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let bytes = b.map_err(|e| ApiError::new(e.status(), "bad_body", e.body_text()))?;
    if bytes.is_empty() {
        return Err(ApiError::bad_request(
            "the body must be one raw message (Content-Type: message/rfc822)",
        ));
    }
    let ingested = s.ledger.ingest_message(c.account, &bytes).await?;
    s.metrics.record(&ingested.records);
    Ok(Json(ingested).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventBody {
    recipient: String,
    reply: String,
    message_id: Option<String>,
    email_id: Option<String>,
    at: Option<Timestamp>,
    idempotency_key: Option<String>,
    remote_mta: Option<String>,
}

async fn post_event(
    State(s): Shared,
    c: AccountCaller,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let e: EventBody = body(b)?;
    let applied = s
        .ledger
        .record_delivery(
            c.account,
            DeliveryResult {
                recipient: e.recipient,
                reply: e.reply,
                message_id: e.message_id,
                email_id: e.email_id,
                at: e.at,
                idempotency_key: e.idempotency_key,
                remote_mta: e.remote_mta,
            },
        )
        .await?;
    s.metrics.record(std::slice::from_ref(&applied));
    Ok(Json(applied).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendBody {
    recipients: Vec<String>,
    message_id: Option<String>,
    email_id: Option<String>,
    at: Option<Timestamp>,
}

async fn post_send(
    State(s): Shared,
    c: AccountCaller,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let b: SendBody = body(b)?;
    if b.recipients.is_empty() {
        return Err(ApiError::bad_request("recipients is empty"));
    }
    let sends = s
        .ledger
        .record_send(
            c.account,
            &b.recipients,
            b.message_id.as_deref(),
            b.email_id.as_deref(),
            b.at,
        )
        .await?;
    let recorded = sends.iter().filter(|x| x.recorded).count();
    Ok(Json(json!({ "recorded": recorded, "sends": sends })).into_response())
}

async fn get_contact(
    State(s): Shared,
    c: AccountCaller,
    Path(address): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.ledger.contact(c.account, &address).await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactRecordBody {
    address: String,
}

async fn put_contact_record(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let b: ContactRecordBody = body(b)?;
    let view = s
        .ledger
        .put_contact_record(c.account, &id, &b.address)
        .await?;
    Ok(Json(json!({ "id": id, "contact": view })).into_response())
}

async fn get_contact_record(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = s.ledger.contact_record(c.account, &id).await?;
    Ok(Json(json!({ "id": id, "contact": view })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitQuery {
    limit: Option<i64>,
}

async fn audit(
    State(s): Shared,
    _: Admin,
    q: Result<Query<LimitQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let entries = s.ledger.audit_log(q.limit.unwrap_or(100)).await?;
    Ok(Json(json!({ "audit": entries })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InboundQuery {
    state: Option<String>,
    limit: Option<i64>,
}

/// The receiver's messages and what became of each (operator only).
async fn inbound(
    State(s): Shared,
    _: Admin,
    q: Result<Query<InboundQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let state = q.state.as_deref().filter(|s| !s.is_empty());
    if let Some(st) = state
        && !["received", "applied", "unmatched", "failed"].contains(&st)
    {
        return Err(ApiError::bad_request(
            "state must be received, applied, unmatched or failed",
        ));
    }
    let rows = s.ledger.inbound(state, q.limit.unwrap_or(100)).await?;
    Ok(Json(json!({ "inbound": rows })).into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct UnbounceBody {
    note: Option<String>,
    /// Operator only: lift an unknown-user or mailbox-full bounce (audited).
    #[serde(default, rename = "override")]
    override_permanent: bool,
}

async fn unbounce(
    State(s): Shared,
    c: AccountCaller,
    Path(address): Path<String>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let b: UnbounceBody = match &b {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => UnbounceBody::default(),
        _ => body(b)?,
    };
    let view = s
        .ledger
        .unbounce(
            c.account,
            &address,
            c.actor,
            b.note.as_deref(),
            b.override_permanent,
        )
        .await?;
    Ok(Json(view).into_response())
}

#[derive(Deserialize)]
struct CheckBody<'a> {
    #[serde(borrow)]
    addresses: Vec<Cow<'a, str>>,
}

/// The largest batch `POST /check` takes.
pub const MAX_CHECK_BATCH: usize = 100_000;

async fn check(
    State(s): Shared,
    c: AccountCaller,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let bytes = b.map_err(|e| ApiError::new(e.status(), "bad_body", e.body_text()))?;
    let req: CheckBody = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?;
    if req.addresses.len() > MAX_CHECK_BATCH {
        return Err(ApiError::too_large(format!(
            "at most {MAX_CHECK_BATCH} addresses per request"
        )));
    }
    let decisions = s
        .ledger
        .check(c.account, req.addresses.iter().map(|a| a.as_ref()));
    s.metrics.checked(decisions.len());
    // Written by hand: this is the hot path of the gate benchmark.
    let mut out = Vec::with_capacity(req.addresses.len() * 64 + 16);
    out.extend_from_slice(b"{\"results\":[");
    for (i, (a, d)) in req.addresses.iter().zip(&decisions).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"address\":");
        serde_json::to_writer(&mut out, a.as_ref())
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        match d {
            Ok(d) => {
                out.extend_from_slice(if d.eligible {
                    b",\"eligible\":true"
                } else {
                    b",\"eligible\":false"
                });
                push_opt(&mut out, "scope", d.scope.map(Scope::as_str));
                push_opt(&mut out, "reason", d.reason);
            }
            Err(why) => {
                out.extend_from_slice(
                    b",\"eligible\":false,\"scope\":null,\"reason\":null,\"error\":",
                );
                serde_json::to_writer(&mut out, why)
                    .map_err(|e| ApiError::bad_request(e.to_string()))?;
            }
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    Ok(([(header::CONTENT_TYPE, "application/json")], out).into_response())
}

/// Appends `,"key":"value"` or `,"key":null` (values are fixed ASCII names).
fn push_opt(out: &mut Vec<u8>, key: &str, value: Option<&str>) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
    match value {
        Some(v) => {
            out.push(b'"');
            out.extend_from_slice(v.as_bytes());
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailBody {
    subject: String,
    from: String,
    text: String,
    html: Option<String>,
    recipients: Vec<String>,
}

async fn create_email(
    State(s): Shared,
    c: AccountCaller,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let b: EmailBody = body(b)?;
    let email = NewEmail {
        subject: b.subject,
        from: b.from,
        text: b.text,
        html: b.html,
        recipients: b.recipients,
    };
    let view = s.ledger.create_email(c.account, email).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn list_emails(State(s): Shared, c: AccountCaller) -> Result<Response, ApiError> {
    Ok(Json(json!({ "emails": s.ledger.emails(c.account).await? })).into_response())
}

/// A numeric id of a `what` from the path: a 404 (not a 400) for anything that is not one.
fn path_id(what: &str, id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::not_found(format!("no {what} {id:?}")))
}

fn email_id(id: &str) -> Result<i64, ApiError> {
    path_id("email", id)
}

async fn get_email(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.ledger.email(c.account, email_id(&id)?).await?).into_response())
}

async fn send_email(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.ledger.send_email(c.account, email_id(&id)?).await?).into_response())
}

async fn resend_soft_bounced(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = s
        .ledger
        .resend_soft_bounced(c.account, email_id(&id)?)
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecipientsQuery {
    status: Option<String>,
    /// Consumed by the admin-key authentication.
    #[allow(dead_code)]
    account: Option<String>,
}

/// Statuses of the recipients view.
const STATUSES: [&str; 7] = [
    "draft",
    "sent",
    "delivered",
    "pending",
    "bounced",
    "not_sent",
    "",
];

async fn email_recipients(
    State(s): Shared,
    c: AccountCaller,
    Path(id): Path<String>,
    q: Result<Query<RecipientsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    if let Some(st) = status
        && !STATUSES.contains(&st)
    {
        return Err(ApiError::bad_request(format!(
            "status must be one of {}",
            STATUSES[..6].join(", ")
        )));
    }
    let recipients = s
        .ledger
        .recipients(c.account, email_id(&id)?, status)
        .await?;
    Ok(Json(json!({ "recipients": recipients })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SuppressionQuery {
    scope: Option<String>,
    reason: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
    /// Consumed by the admin-key authentication.
    #[allow(dead_code)]
    account: Option<String>,
}

async fn suppressions(
    State(s): Shared,
    c: AccountCaller,
    q: Result<Query<SuppressionQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let scope = match q.scope.as_deref() {
        None | Some("") => None,
        Some("account") => Some(Scope::Account),
        Some("global") => Some(Scope::Global),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "scope must be account or global, not {other:?}"
            )));
        }
    };
    let page = s
        .ledger
        .suppressions(
            c.account,
            scope,
            q.reason.as_deref().filter(|r| !r.is_empty()),
            q.cursor.as_deref(),
            q.limit.unwrap_or(100),
        )
        .await?;
    Ok(Json(page).into_response())
}

async fn suppressions_csv(State(s): Shared, c: AccountCaller) -> Result<Response, ApiError> {
    let csv = s.ledger.suppressions_csv(c.account).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"suppressions.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    note: Option<String>,
}

async fn lift_global(
    State(s): Shared,
    _: Admin,
    Path(address): Path<String>,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let b: NoteBody = match &b {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => NoteBody::default(),
        _ => body(b)?,
    };
    s.ledger.lift_global(&address, b.note.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn sweep(State(s): Shared, _: Admin) -> Result<Response, ApiError> {
    let swept = s.ledger.sweep().await?;
    Ok(Json(json!({ "swept": swept, "now": s.ledger.clock().now() })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    now: Timestamp,
}

/// Sets a test clock (`rebound serve --test-clock`) and runs the sweeper at the new time.
async fn set_clock(
    State(s): Shared,
    _: Admin,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let b: ClockBody = body(b)?;
    if !s.ledger.clock().set(b.now) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "clock_not_settable",
            "the clock is the system clock; start the server with --test-clock to set it",
        ));
    }
    let swept = s.ledger.sweep().await?;
    Ok(Json(json!({ "now": b.now, "swept": swept })).into_response())
}
