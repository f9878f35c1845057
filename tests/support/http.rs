//! A tiny blocking JSON HTTP client for the simulator's admin routes: reqwest (which the
//! crate only has in async form) driven by a current-thread tokio runtime per request,
//! so tests stay plain synchronous code.

use serde_json::Value;
use std::time::Duration;

/// Status and body of one HTTP exchange. The body is parsed as JSON when possible,
/// `Value::Null` when empty, and kept as a JSON string otherwise.
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub body: Value,
}

/// Sends `method url` with an optional JSON body and waits up to 30 s for the reply.
/// Panics on transport errors (a test cannot go on without the simulator).
pub fn request_json(method: &str, url: &str, body: Option<&Value>) -> HttpReply {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build a tokio runtime for the admin HTTP client");
    runtime.block_on(async {
        let verb = reqwest::Method::from_bytes(method.as_bytes()).expect("valid HTTP method");
        let mut request = reqwest::Client::new()
            .request(verb, url)
            .timeout(Duration::from_secs(30));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: reading the body: {e}"));
        let body = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        HttpReply { status, body }
    })
}
