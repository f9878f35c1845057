//! Open Hosting's two data formats: request bodies as text/plain `key value` lines or a JSON
//! object, answers as properties, lists or property lists (with `X-Elastic-Output`) in
//! text/plain or JSON, and errors as a status, an `X-Elastic-Error` header and a text body.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

/// Keys whose values are numbers in JSON answers (when they parse as one).
const NUMERIC_KEYS: &[&str] = &["size", "cpu", "smp", "mem", "started", "rx", "tx"];

/// Ordered `key value` pairs of one object.
pub type Props = Vec<(String, String)>;

/// The body format a client asked for with `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl Format {
    /// JSON when `Accept` mentions `application/json`, text/plain otherwise.
    pub fn from_accept(headers: &HeaderMap) -> Format {
        let wants_json = headers
            .get(header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|accept| accept.contains("application/json"));
        if wants_json {
            Format::Json
        } else {
            Format::Text
        }
    }
}

/// The `X-Elastic-Error` types and their statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Usage,
    Auth,
    Billing,
    Missing,
    Method,
    Busy,
    Failed,
    System,
    Full,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::Usage => StatusCode::BAD_REQUEST,
            ErrorKind::Auth => StatusCode::UNAUTHORIZED,
            ErrorKind::Billing => StatusCode::PAYMENT_REQUIRED,
            ErrorKind::Missing => StatusCode::NOT_FOUND,
            ErrorKind::Method => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::Busy => StatusCode::CONFLICT,
            ErrorKind::Failed | ErrorKind::System => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Full => StatusCode::INSUFFICIENT_STORAGE,
        }
    }

    pub fn header(self) -> &'static str {
        match self {
            ErrorKind::Usage => "usage",
            ErrorKind::Auth => "auth",
            ErrorKind::Billing => "billing",
            ErrorKind::Missing => "missing",
            ErrorKind::Method => "method",
            ErrorKind::Busy => "busy",
            ErrorKind::Failed => "failed",
            ErrorKind::System => "system",
            ErrorKind::Full => "full",
        }
    }

    /// The kind the vendor uses for an HTTP status (for injected faults).
    pub fn for_status(status: StatusCode) -> ErrorKind {
        match status.as_u16() {
            400 => ErrorKind::Usage,
            401 | 403 => ErrorKind::Auth,
            402 => ErrorKind::Billing,
            404 => ErrorKind::Missing,
            405 => ErrorKind::Method,
            409 => ErrorKind::Busy,
            507 => ErrorKind::Full,
            500 => ErrorKind::Failed,
            _ => ErrorKind::System,
        }
    }
}

/// An error answer: kind plus a human description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        ApiError::new(ErrorKind::Usage, message)
    }

    pub fn missing(message: impl Into<String>) -> Self {
        ApiError::new(ErrorKind::Missing, message)
    }

    pub fn busy(message: impl Into<String>) -> Self {
        ApiError::new(ErrorKind::Busy, message)
    }

    pub fn full(message: impl Into<String>) -> Self {
        ApiError::new(ErrorKind::Full, message)
    }

    pub fn into_response(self) -> Response {
        error_response(self.kind.status(), self.kind, &self.message)
    }
}

/// Status, `X-Elastic-Error: kind` and the message as a text/plain body.
pub fn error_response(status: StatusCode, kind: ErrorKind, message: &str) -> Response {
    let mut response = Response::new(Body::from(format!("{message}\n")));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert("x-elastic-error", HeaderValue::from_static(kind.header()));
    response
}

/// The vendor error envelope for the shared fault machinery.
pub fn fault_error(status: StatusCode, message: &str) -> Response {
    error_response(status, ErrorKind::for_status(status), message)
}

/// Parses a request body in the format its `Content-Type` names into ordered pairs.
/// Duplicate keys and malformed lines are usage errors; an empty body is no pairs.
pub fn parse_fields(headers: &HeaderMap, body: &Bytes) -> Result<Props, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.contains("application/json"));
    let pairs = if is_json && !body.iter().all(u8::is_ascii_whitespace) {
        parse_json(body)?
    } else {
        parse_text(body)?
    };
    let mut seen = std::collections::BTreeSet::new();
    for (key, _) in &pairs {
        if !seen.insert(key.as_str()) {
            return Err(ApiError::usage(format!("key {key} given twice")));
        }
    }
    Ok(pairs)
}

fn parse_text(body: &Bytes) -> Result<Props, ApiError> {
    let text =
        std::str::from_utf8(body).map_err(|_| ApiError::usage("request body is not UTF-8 text"))?;
    let mut pairs = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        if key.is_empty() {
            return Err(ApiError::usage(format!("line {line:?} has no key")));
        }
        pairs.push((key.to_owned(), value.trim().to_owned()));
    }
    Ok(pairs)
}

fn parse_json(body: &Bytes) -> Result<Props, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| ApiError::usage(format!("request body is not JSON: {error}")))?;
    let Value::Object(object) = value else {
        return Err(ApiError::usage("request body must be a JSON object"));
    };
    let mut pairs = Vec::new();
    for (key, value) in object {
        let text = match value {
            Value::String(text) => text,
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            Value::Array(items) => {
                let mut words = Vec::new();
                for item in items {
                    match item {
                        Value::String(word) => words.push(word),
                        other => words.push(other.to_string()),
                    }
                }
                words.join(" ")
            }
            Value::Null => continue,
            Value::Object(_) => {
                return Err(ApiError::usage(format!("key {key} must not be an object")))
            }
        };
        pairs.push((key, text));
    }
    Ok(pairs)
}

/// 200 with one object (`X-Elastic-Output: properties`).
pub fn properties(format: Format, props: &Props) -> Response {
    match format {
        Format::Text => text_response("properties", render_text(props)),
        Format::Json => json_response(&Value::Object(json_object(props))),
    }
}

/// 200 with several objects (`X-Elastic-Output: properties list`), blank lines between.
pub fn properties_list(format: Format, objects: &[Props]) -> Response {
    match format {
        Format::Text => {
            let text = objects
                .iter()
                .map(render_text)
                .collect::<Vec<_>>()
                .join("\n");
            text_response("properties list", text)
        }
        Format::Json => json_response(&Value::Array(
            objects
                .iter()
                .map(|props| Value::Object(json_object(props)))
                .collect(),
        )),
    }
}

/// 200 with one line of space-separated values per object (`X-Elastic-Output: list`);
/// in JSON an array of objects keyed by `keys`.
pub fn list(format: Format, keys: &[&str], rows: &[Vec<String>]) -> Response {
    match format {
        Format::Text => {
            let mut text = String::new();
            for row in rows {
                text.push_str(&row.join(" "));
                text.push('\n');
            }
            text_response("list", text)
        }
        Format::Json => json_response(&Value::Array(
            rows.iter()
                .map(|row| {
                    let props: Props = keys
                        .iter()
                        .zip(row)
                        .map(|(key, value)| ((*key).to_owned(), value.clone()))
                        .collect();
                    Value::Object(json_object(&props))
                })
                .collect(),
        )),
    }
}

/// 204 No Content.
pub fn no_content() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

fn render_text(props: &Props) -> String {
    let mut text = String::new();
    for (key, value) in props {
        text.push_str(key);
        text.push(' ');
        text.push_str(value);
        text.push('\n');
    }
    text
}

/// JSON object of `props`; numeric keys (and i/o counters) become numbers.
pub fn json_object(props: &Props) -> Map<String, Value> {
    let mut object = Map::new();
    for (key, value) in props {
        let numeric = NUMERIC_KEYS.contains(&key.as_str())
            || key.ends_with(":bytes")
            || key.ends_with(":requests")
            || key.ends_with(":packets");
        let shown = match value.parse::<u64>() {
            Ok(number) if numeric => Value::from(number),
            _ => Value::String(value.clone()),
        };
        object.insert(key.clone(), shown);
    }
    object
}

fn text_response(output: &'static str, text: String) -> Response {
    let mut response = Response::new(Body::from(text));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert("x-elastic-output", HeaderValue::from_static(output));
    response
}

fn json_response(value: &Value) -> Response {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    let mut response = Response::new(Body::from(text));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Parses a byte count with an optional k/M/G/T suffix (powers of 1024).
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, multiplier) = match text.char_indices().last()? {
        (at, 'k' | 'K') => (&text[..at], 1u64 << 10),
        (at, 'M') => (&text[..at], 1 << 20),
        (at, 'G') => (&text[..at], 1 << 30),
        (at, 'T') => (&text[..at], 1 << 40),
        _ => (text, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(multiplier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("10000000"), Some(10_000_000));
        assert_eq!(parse_size("5M"), Some(5_242_880));
        assert_eq!(parse_size("1k"), Some(1024));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("1T"), Some(1 << 40));
        assert_eq!(parse_size("M"), None);
        assert_eq!(parse_size("-1"), None);
        assert_eq!(parse_size("1.5G"), None);
        assert_eq!(parse_size("99999999999999999999"), None);
    }

    #[test]
    fn text_bodies_split_at_the_first_space() {
        let body = Bytes::from_static(b"name My Drive\n\nsize 1G\r\ntags a b\n");
        let pairs = parse_fields(&HeaderMap::new(), &body).expect("parses");
        assert_eq!(
            pairs,
            vec![
                ("name".to_owned(), "My Drive".to_owned()),
                ("size".to_owned(), "1G".to_owned()),
                ("tags".to_owned(), "a b".to_owned()),
            ]
        );
        let twice = Bytes::from_static(b"name a\nname b\n");
        assert!(parse_fields(&HeaderMap::new(), &twice).is_err());
    }
}
