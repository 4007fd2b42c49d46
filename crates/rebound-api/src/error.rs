//! One error type for the API: `{"error": {"code", "message"}}` with a fitting status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rebound_ledger::LedgerError;

/// An API error.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
    /// Seconds for a `Retry-After` header (429).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 429: too many failed authentications from this client or with this key.
    pub fn too_many_attempts(wait: std::time::Duration) -> ApiError {
        let secs = crate::throttle::retry_after_secs(wait);
        ApiError {
            retry_after: Some(secs),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!("too many wrong keys; try again in {secs} s"),
            )
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 413: more than one call may carry.
    pub fn too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }

    /// 401: no valid key.
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send a valid key as \"Authorization: Bearer <key>\"",
        )
    }

    /// 403: the key may not do this.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl From<LedgerError> for ApiError {
    fn from(e: LedgerError) -> ApiError {
        let message = e.to_string();
        match e {
            LedgerError::InvalidAddress { .. } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_address", message)
            }
            LedgerError::Invalid(_) => ApiError::bad_request(message),
            LedgerError::HostNotAllowed(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "host_not_allowed", message)
            }
            LedgerError::NotFound(_) => ApiError::not_found(message),
            LedgerError::TooLarge(_) => ApiError::too_large(message),
            LedgerError::Refused { code, .. } => ApiError::new(StatusCode::CONFLICT, code, message),
            _ => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                message,
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": {"code": self.code, "message": self.message}});
        let mut r = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            r.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        r
    }
}
