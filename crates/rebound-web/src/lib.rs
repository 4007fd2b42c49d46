//! Rebound's web UI (SPEC §5): server-rendered pages over the same ledger queries as the API.
//!
//! Sign-in takes an account key (or the admin key) and sets a session cookie; every form posts
//! back the session's CSRF token. Pages work without JavaScript; the stylesheet is embedded.
//! [`routes`] is merged into the API router by `rebound serve`.

mod charts;
mod pages;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rebound_api::AppState;
use rebound_ledger::Session;

pub use pages::label;

/// The session cookie's name.
const COOKIE: &str = "rebound_session";
/// The pre-session cookie of the login form: its value is the form's CSRF token, so a login
/// posted from another site (login CSRF) is refused.
const LOGIN_COOKIE: &str = "rebound_login";

/// The stylesheet.
const CSS: &str = include_str!("app.css");

/// The UI's routes (to merge into the API router).
pub fn routes(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/login", get(pages::login_page).post(login))
        .route("/logout", post(logout))
        .route("/emails", get(pages::emails))
        .route("/emails/{id}", get(pages::email))
        .route("/emails/{id}/resend", post(pages::resend))
        .route("/contacts", get(pages::find_contact))
        .route("/contacts/{address}", get(pages::contact))
        .route("/contacts/{address}/unbounce", post(pages::unbounce))
        .route("/suppressions", get(pages::suppressions))
        .route("/suppressions.csv", get(pages::suppressions_csv))
        .route("/inboxes", get(pages::inboxes).post(pages::connect_inbox))
        .route("/inboxes/reports/{id}", get(pages::inbox_report))
        .route("/health", get(pages::health))
        .route("/admin", get(pages::admin))
        .route("/admin/global-bounces/{address}/lift", post(pages::lift))
        .route("/static/app.css", get(css))
        .route("/static/icon.svg", get(icon))
        .route("/favicon.ico", get(icon))
        .layer(axum::middleware::from_fn(rebound_api::security_headers))
        .with_state(state)
}

type Shared = State<Arc<AppState>>;

async fn icon() -> Response {
    (
        [(header::CONTENT_TYPE, "image/svg+xml")],
        include_str!("icon.svg"),
    )
        .into_response()
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

/// The session cookie's token, if any.
fn cookie_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE)
}

/// A cookie's value, if set and not empty.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_string())
        })
}

/// A `Set-Cookie` value: HttpOnly, SameSite, and Secure when served over HTTPS.
fn set_cookie(s: &AppState, name_value: &str, path: &str, same_site: &str, max_age: u32) -> String {
    let secure = if s.https() { "; Secure" } else { "" };
    format!("{name_value}; Path={path}; HttpOnly; SameSite={same_site}; Max-Age={max_age}{secure}")
}

/// A signed-in visitor.
pub struct Web {
    token: String,
    session: Session,
}

impl FromRequestParts<Arc<AppState>> for Web {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Response> {
        let Some(token) = cookie_token(&parts.headers) else {
            return Err(Redirect::to("/login").into_response());
        };
        match state.ledger.session(&token, &state.admin_key).await {
            Ok(Some(session)) => Ok(Web { token, session }),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(e) => Err(error_page(StatusCode::SERVICE_UNAVAILABLE, &e.to_string())),
        }
    }
}

impl Web {
    /// The account of an account user; the operator is sent to the operator's page.
    fn account(&self) -> Result<i64, Stop> {
        self.session
            .account
            .ok_or_else(|| Stop::from(Redirect::to("/admin").into_response()))
    }

    /// Checks a form's CSRF token.
    fn check(&self, form: &HashMap<String, String>) -> Result<(), Stop> {
        match form.get("csrf") {
            Some(t) if rebound_ledger::same_secret(t, &self.session.csrf) => Ok(()),
            _ => Err(Stop::from(error_page(
                StatusCode::FORBIDDEN,
                "The form has expired; reload the page and try again.",
            ))),
        }
    }
}

/// A page that ends early: a redirect or an error page (boxed: responses are large).
pub struct Stop(Box<Response>);

impl From<Response> for Stop {
    fn from(r: Response) -> Stop {
        Stop(Box::new(r))
    }
}

impl From<rebound_ledger::LedgerError> for Stop {
    fn from(e: rebound_ledger::LedgerError) -> Stop {
        use rebound_ledger::LedgerError;
        let status = match e {
            LedgerError::NotFound(_) => StatusCode::NOT_FOUND,
            LedgerError::InvalidAddress { .. }
            | LedgerError::Invalid(_)
            | LedgerError::HostNotAllowed(_) => StatusCode::BAD_REQUEST,
            LedgerError::Refused { .. } => StatusCode::CONFLICT,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        };
        Stop::from(error_page(status, &e.to_string()))
    }
}

impl IntoResponse for Stop {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// What a page handler returns.
type Page = Result<Response, Stop>;

/// A plain page for errors.
fn error_page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Rebound</title><link rel=\"stylesheet\" href=\"/static/app.css\"><link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\"></head><body><main><h1>{}</h1><p>{}</p><p><a href=\"/\">Back</a></p></main></body></html>",
        status.canonical_reason().unwrap_or("Error"),
        charts::esc(message)
    );
    (status, Html(body)).into_response()
}

async fn home(headers: HeaderMap) -> Response {
    match cookie_token(&headers) {
        Some(_) => Redirect::to("/emails").into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

async fn login(
    State(s): Shared,
    client: rebound_api::Client,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let token = form.get("csrf").map(String::as_str).unwrap_or("");
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if token.is_empty() || !rebound_ledger::same_secret(token, &expected) {
        return error_page(
            StatusCode::FORBIDDEN,
            "The sign-in form has expired; reload the page and try again.",
        );
    }
    let key = form.get("key").map(|k| k.trim()).unwrap_or("");
    if let Err(wait) = s.throttle.check(client, key) {
        let secs = rebound_api::throttle::retry_after_secs(wait);
        let page = error_page(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Too many wrong keys from here; try again in {secs} seconds."),
        );
        return ([(header::RETRY_AFTER, secs.to_string())], page).into_response();
    }
    let (account, admin_key, next) =
        if !key.is_empty() && rebound_ledger::same_secret(key, &s.admin_key) {
            (None, Some(s.admin_key.as_str()), "/admin")
        } else if let Some(a) = s.ledger.authenticate(key) {
            (Some(a), None, "/emails")
        } else {
            if !key.is_empty() {
                s.throttle.failed(client, key);
            }
            return pages::login_with(
                &s,
                StatusCode::UNAUTHORIZED,
                Some("That key is not valid.".into()),
            );
        };
    match s.ledger.start_session(account, admin_key).await {
        Ok((token, _)) => {
            let session = set_cookie(&s, &format!("{COOKIE}={token}"), "/", "Lax", 604_800);
            let spent = set_cookie(&s, &format!("{LOGIN_COOKIE}="), "/login", "Strict", 0);
            let mut r = Redirect::to(next).into_response();
            for c in [session, spent] {
                if let Ok(v) = header::HeaderValue::from_str(&c) {
                    r.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            r
        }
        Err(e) => error_page(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    }
}

async fn logout(State(s): Shared, web: Web, Form(form): Form<HashMap<String, String>>) -> Page {
    web.check(&form)?;
    let _ = s.ledger.end_session(&web.token).await;
    let cookie = set_cookie(&s, &format!("{COOKIE}="), "/", "Lax", 0);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

/// Query parameters of a page.
type Params = Query<HashMap<String, String>>;

/// A path segment taken as given.
type Segment = Path<String>;
