//! Answer shapes the HosterAPI document hints at but does not promise, switched on through
//! `/_sim/hoster/quirks` so the provider's lenient decoding is tested: numbers sent as strings
//! (the document itself sends `"ipCount": "2"` and `"count": "1"`).

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sim::store::{lock, SimState};

/// Largest answer body the quirk rewriter reads.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// Quirk switches; all off by default.
#[derive(Debug, Default, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quirks {
    /// Every number in an answer is sent as a string (`4001` -> `"4001"`).
    #[serde(default)]
    pub numbers_as_strings: bool,
}

/// Middleware: rewrites JSON answers when a quirk is on.
pub async fn apply(State(state): State<SimState>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let quirks = lock(&state.hoster).quirks;
    if !quirks.numbers_as_strings {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let rewritten = match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut value) => {
            stringify_numbers(&mut value);
            serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec())
        }
        Err(_) => bytes.to_vec(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(rewritten))
}

/// Replaces every number in `value` by its text.
pub fn stringify_numbers(value: &mut Value) {
    match value {
        Value::Number(number) => *value = Value::String(number.to_string()),
        Value::Array(items) => items.iter_mut().for_each(stringify_numbers),
        Value::Object(fields) => fields.values_mut().for_each(stringify_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn numbers_become_strings_everywhere() {
        let mut value = json!({"result": {"vmid": 4001, "progress": 0.33, "ips": [1], "ok": true}});
        super::stringify_numbers(&mut value);
        assert_eq!(
            value,
            json!({"result": {"vmid": "4001", "progress": "0.33", "ips": ["1"], "ok": true}})
        );
    }
}
