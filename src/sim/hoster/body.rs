//! Request-body parsing for HosterAPI: a JSON object whose integers may be numbers or numeric
//! strings, with the vendor's "Missing required parameter" and invented "invalid parameter"
//! errors.

use axum::body::Bytes;
use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::sim::hoster::render::ApiError;

/// The fields of a request body; an empty body is `{}`.
pub struct Fields(Map<String, Value>);

impl Fields {
    /// Parses `body` as a JSON object.
    pub fn parse(body: &Bytes) -> Result<Fields, ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Fields(Map::new()));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(fields)) => Ok(Fields(fields)),
            _ => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "0xb2: invalid request body",
            )),
        }
    }

    fn present(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|value| !value.is_null())
    }

    /// An optional integer: a JSON integer or a string of digits.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Number(number)) => number
                .as_i64()
                .map(Some)
                .ok_or_else(|| ApiError::invalid(name)),
            Some(Value::String(text)) => text
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::invalid(name)),
            Some(_) => Err(ApiError::invalid(name)),
        }
    }

    /// A required integer.
    pub fn required_int(&self, name: &str) -> Result<i64, ApiError> {
        self.int(name)?.ok_or_else(|| ApiError::missing(name))
    }

    /// An optional string; an empty one counts as absent.
    pub fn string(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.as_str())),
            Some(_) => Err(ApiError::invalid(name)),
        }
    }

    /// A required non-empty string.
    pub fn required_string(&self, name: &str) -> Result<&str, ApiError> {
        self.string(name)?.ok_or_else(|| ApiError::missing(name))
    }

    /// A string or an integer, as text (for `sid|ip`).
    pub fn required_text(&self, name: &str) -> Result<String, ApiError> {
        match self.present(name) {
            None => Err(ApiError::missing(name)),
            Some(Value::String(text)) if text.trim().is_empty() => Err(ApiError::missing(name)),
            Some(Value::String(text)) => Ok(text.trim().to_owned()),
            Some(Value::Number(number)) if number.is_u64() => Ok(number.to_string()),
            Some(_) => Err(ApiError::invalid(name)),
        }
    }

    /// An optional boolean: `true`/`false`, `1`/`0` or `"true"`/`"false"`/`"1"`/`"0"`.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(Value::Number(number)) => match number.as_i64() {
                Some(0) => Ok(Some(false)),
                Some(1) => Ok(Some(true)),
                _ => Err(ApiError::invalid(name)),
            },
            Some(Value::String(text)) => match text.as_str() {
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                _ => Err(ApiError::invalid(name)),
            },
            Some(_) => Err(ApiError::invalid(name)),
        }
    }
}

/// Parses a path id; anything that is not a number names no server (404 `0x01`).
pub fn path_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse().map_err(|_| ApiError::no_vm(raw))
}

/// Parses a root disk size `"<N>G"` into gigabytes.
pub fn disk_gb(text: &str) -> Option<u32> {
    let digits = text.strip_suffix('G')?;
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}
