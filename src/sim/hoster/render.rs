//! HosterAPI answers: the `{"result": ...}` envelope, the `{"result": false, "error": "0xNN:
//! text"}` error envelope and the error values handlers return.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

/// A handler's answer: a success envelope or an [`ApiError`].
pub type Answer = Result<Response, ApiError>;

/// `{"result": result}` with 200.
pub fn ok<T: Serialize>(result: T) -> Answer {
    Ok(Json(json!({ "result": result })).into_response())
}

/// An error in the vendor's envelope: `status` and `"0xNN: text"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub error: String,
}

impl ApiError {
    pub fn new(status: StatusCode, error: impl Into<String>) -> Self {
        ApiError {
            status,
            error: error.into(),
        }
    }

    /// 404 `0x01: no vm with id ID found` (the document uses it for dedicated servers too).
    pub fn no_vm(id: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("0x01: no vm with id {id} found"),
        )
    }

    /// 400 `0xb1: Missing required parameter NAME`.
    pub fn missing(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("0xb1: Missing required parameter {name}"),
        )
    }

    /// 400 `0xb2: invalid parameter NAME`.
    pub fn invalid(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("0xb2: invalid parameter {name}"),
        )
    }

    /// 400 `0xb3: unknown WHAT NAME`.
    pub fn unknown(what: &str, name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("0xb3: unknown {what} {name}"),
        )
    }

    /// 500 `0xa1: failed to send SIGNAL signal to vm`.
    pub fn signal_failed(signal: &str) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("0xa1: failed to send {signal} signal to vm"),
        )
    }

    /// 500 `0xa1: failed to set config on vm`.
    pub fn config_failed() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "0xa1: failed to set config on vm",
        )
    }

    /// 500 `0xa3: timeout`.
    pub fn timeout() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "0xa3: timeout")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error(self.status, &self.error)
    }
}

/// `{"result": false, "error": error}` with `status`.
pub fn error(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({ "result": false, "error": error }))).into_response()
}

/// Renders an injected fault's status in the vendor envelope (`SPEC.error_response`).
pub fn fault(status: StatusCode, message: &str) -> Response {
    let code = match status.as_u16() {
        401 => "0x03",
        404 => "0x01",
        429 => "0x04",
        400..=499 => "0xb1",
        _ => "0xa3",
    };
    error(status, &format!("{code}: {}", message.to_lowercase()))
}
