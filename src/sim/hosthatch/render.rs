//! HostHatch response rendering: the success and error envelopes, and the malformed-JSON
//! quirk (trailing commas, a doubled comma) the document's examples show.

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::Response;
use serde::Serialize;

use crate::sim::hosthatch::wire::{ErrorEnvelope, SuccessEnvelope};

/// `{"result":"success","data":data}` with `status`; malformed on purpose when asked.
pub fn success<T: Serialize>(status: StatusCode, data: T, malformed: bool) -> Response {
    let envelope = SuccessEnvelope {
        result: "success",
        data,
    };
    match serde_json::to_string(&envelope) {
        Ok(text) if malformed => json_response(status, malform(&text)),
        Ok(text) => json_response(status, text),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "Server Error"),
    }
}

/// `{"result":"error","message":message}`.
pub fn error(status: StatusCode, message: &str) -> Response {
    error_body(
        status,
        &ErrorEnvelope {
            result: "error",
            message,
            errors: None,
        },
    )
}

/// 422 `{"result":"error","message":"Validation failed","errors":[...]}`.
pub fn validation_failed(errors: &[String]) -> Response {
    error_body(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ErrorEnvelope {
            result: "error",
            message: "Validation failed",
            errors: Some(errors),
        },
    )
}

/// 404 for an unknown server.
pub fn server_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Server not found")
}

/// 404 for an unknown key.
pub fn key_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Key not found")
}

fn error_body(status: StatusCode, envelope: &ErrorEnvelope<'_>) -> Response {
    let text = serde_json::to_string(envelope)
        .unwrap_or_else(|_| r#"{"result":"error","message":"Server Error"}"#.to_owned());
    json_response(status, text)
}

fn json_response(status: StatusCode, text: String) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

/// Adds a comma before every `}` that closes a non-empty object and doubles the comma after
/// the leading `"result":"success"`, leaving string contents alone.
fn malform(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    for ch in compact.chars() {
        if in_string {
            in_string = ch != '"' || escaped;
            escaped = ch == '\\' && !escaped;
        } else if ch == '"' {
            in_string = true;
        } else if ch == '}' && !out.ends_with('{') {
            out.push(',');
        }
        out.push(ch);
    }
    out.replacen(r#""result":"success","#, r#""result":"success",,"#, 1)
}

#[cfg(test)]
mod tests {
    use super::malform;

    #[test]
    fn malformed_text_has_the_document_quirks() {
        let text = r#"{"result":"success","data":{"status":"on}line","empty":{}}}"#;
        assert_eq!(
            malform(text),
            r#"{"result":"success",,"data":{"status":"on}line","empty":{},},}"#
        );
    }
}
