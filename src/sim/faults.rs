//! Fault injection: faults armed through `POST /_sim/faults` and the middleware that applies
//! them to every vendor route (never to `/_sim`). The same middleware counts requests.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::sim::store::{lock, SimState};
use crate::sim::VendorSpec;

/// What an armed fault does to a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` (with `Retry-After` when given) without processing the request.
    Status,
    /// Process the request, then replace the answer with `status` ("created, answer lost").
    StatusAfter,
    /// Process the request, then break the connection before a complete answer.
    Drop,
    /// Break the connection without processing the request.
    DropBefore,
    /// Wait `ms` milliseconds, then process and answer normally.
    Latency,
    /// Fail a random `share` (default 0.5) of matching requests with `status` (default 429),
    /// like `Status`; every matching request uses up one `count`, failed or not. A request it
    /// lets through meets the faults armed after it, so several `rate` faults (e.g. 429 with
    /// and without `Retry-After`) apply side by side.
    Rate,
    /// Answer `status` (default 200) with `body` as `content_type` (default `text/html`)
    /// without processing the request: a malformed answer.
    Body,
    /// Process the request, then cut its answer after `bytes` bytes, status and headers kept.
    Truncate,
}

/// One armed fault, as posted to `/_sim/faults`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    pub vendor: String,
    pub kind: FaultKind,
    /// How many matching requests this fault still applies to.
    #[serde(default = "one")]
    pub count: u32,
    /// Only requests with this HTTP method (case-insensitive).
    #[serde(default)]
    pub method: Option<String>,
    /// Only requests whose path contains this text.
    #[serde(default)]
    pub path_contains: Option<String>,
    #[serde(default)]
    pub status: Option<u16>,
    /// Seconds for the `Retry-After` header.
    #[serde(default)]
    pub retry_after: Option<u64>,
    #[serde(default)]
    pub ms: Option<u64>,
    /// For `rate`: the probability (0..=1) that a matching request fails.
    #[serde(default)]
    pub share: Option<f64>,
    /// For `body`: the answer's text and content type.
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
    /// For `truncate`: how many bytes of the real answer to keep.
    #[serde(default)]
    pub bytes: Option<usize>,
}

fn one() -> u32 {
    1
}

impl FaultSpec {
    /// Checks the fields a kind needs and fills in defaults; returns a message on error.
    pub fn validated(mut self, known_vendors: &[&str]) -> Result<Self, String> {
        if !known_vendors.contains(&self.vendor.as_str()) {
            return Err(format!("unknown vendor {:?}", self.vendor));
        }
        if self.count == 0 {
            return Err("\"count\" must be at least 1".to_owned());
        }
        let default_status = match self.kind {
            FaultKind::Status => None,
            FaultKind::StatusAfter => Some(500),
            FaultKind::Rate => Some(429),
            FaultKind::Drop | FaultKind::DropBefore | FaultKind::Latency => Some(0),
            FaultKind::Body => Some(200),
            FaultKind::Truncate => Some(0),
        };
        let status = self.status.or(default_status);
        match status {
            Some(0) => {}
            Some(code) if self.kind == FaultKind::Body && (200..=599).contains(&code) => {}
            Some(code) if (400..=599).contains(&code) => {}
            Some(code) => return Err(format!("status {code} is not an error status")),
            None => return Err("kind \"status\" needs \"status\"".to_owned()),
        }
        self.status = status;
        if self.kind == FaultKind::Truncate && self.bytes.is_none() {
            return Err("kind \"truncate\" needs \"bytes\"".to_owned());
        }
        if self.kind == FaultKind::Latency && self.ms.is_none() {
            return Err("kind \"latency\" needs \"ms\"".to_owned());
        }
        let share = self.share.unwrap_or(0.5);
        if !(0.0..=1.0).contains(&share) {
            return Err("\"share\" must be between 0 and 1".to_owned());
        }
        self.share = Some(share);
        Ok(self)
    }

    fn matches(&self, vendor: &str, method: &str, path: &str) -> bool {
        self.count > 0
            && self.vendor == vendor
            && self
                .method
                .as_ref()
                .is_none_or(|wanted| wanted.eq_ignore_ascii_case(method))
            && self
                .path_contains
                .as_ref()
                .is_none_or(|part| path.contains(part.as_str()))
    }
}

/// The faults currently armed, in the order they were armed.
#[derive(Debug, Default)]
pub struct FaultTable {
    armed: Vec<FaultSpec>,
}

impl FaultTable {
    pub fn arm(&mut self, fault: FaultSpec) {
        self.armed.push(fault);
    }

    pub fn clear(&mut self) {
        self.armed.clear();
    }

    pub fn armed(&self) -> &[FaultSpec] {
        &self.armed
    }

    /// Consumes one count of the first fault matching the request and returns what to do,
    /// or `None` when the request should be served normally.
    fn take(&mut self, vendor: &str, method: &str, path: &str) -> Option<FaultSpec> {
        let mut index = 0;
        while index < self.armed.len() {
            let fault = &mut self.armed[index];
            if !fault.matches(vendor, method, path) {
                index += 1;
                continue;
            }
            fault.count -= 1;
            let taken = fault.clone();
            if fault.count == 0 {
                self.armed.remove(index);
            } else {
                index += 1;
            }
            let passes =
                taken.kind == FaultKind::Rate && fastrand::f64() >= taken.share.unwrap_or(0.5);
            if !passes {
                return Some(taken);
            }
        }
        None
    }
}

/// Middleware for one vendor's routes: counts the request, then applies a matching fault.
pub async fn inject(
    State((state, vendor)): State<(SimState, &'static VendorSpec)>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let template = path_template(&path, vendor.prefix);
    lock(&state.stats).record(vendor.name, &method, &template);
    let fault = lock(&state.faults).take(vendor.name, &method, &path);
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    let status = fault
        .status
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    lock(&state.stats).record_fault(vendor.name, fault.kind, fault.status, fault.retry_after);
    match fault.kind {
        FaultKind::Status | FaultKind::Rate => failure(vendor, status, fault.retry_after),
        FaultKind::StatusAfter => {
            let _lost = next.run(request).await;
            failure(vendor, status, fault.retry_after)
        }
        FaultKind::Drop => {
            let _lost = next.run(request).await;
            broken_connection()
        }
        FaultKind::DropBefore => broken_connection(),
        FaultKind::Latency => {
            tokio::time::sleep(Duration::from_millis(fault.ms.unwrap_or(0))).await;
            next.run(request).await
        }
        FaultKind::Body => {
            let content_type = fault.content_type.as_deref().unwrap_or("text/html");
            let mut response = Response::new(Body::from(fault.body.unwrap_or_default()));
            *response.status_mut() = status;
            if let Ok(value) = HeaderValue::from_str(content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            response
        }
        FaultKind::Truncate => {
            let (mut parts, body) = next.run(request).await.into_parts();
            let whole = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let kept = whole.slice(..fault.bytes.unwrap_or(0).min(whole.len()));
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(kept))
        }
    }
}

/// The path without the vendor prefix and with id segments (numbers, UUIDs, IPv4 addresses)
/// as `{id}`: `/hosthatch/api/v1/servers/112233/status` -> `/servers/{id}/status`.
pub fn path_template(path: &str, prefix: &str) -> String {
    let relative = path.strip_prefix(prefix).unwrap_or(path);
    relative
        .split('/')
        .map(|segment| if is_id(segment) { "{id}" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

fn is_id(segment: &str) -> bool {
    let numeric = !segment.is_empty() && segment.bytes().all(|byte| byte.is_ascii_digit());
    let uuid = segment.len() == 36
        && segment.bytes().enumerate().all(|(at, byte)| match at {
            8 | 13 | 18 | 23 => byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        });
    numeric || uuid || segment.parse::<std::net::Ipv4Addr>().is_ok()
}

fn failure(vendor: &VendorSpec, status: StatusCode, retry_after: Option<u64>) -> Response {
    let message = status.canonical_reason().unwrap_or("Server Error");
    let mut response = (vendor.error_response)(status, message);
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from(secs));
    }
    response
}

/// Marks a response whose connection the fault middleware breaks on purpose.
#[derive(Debug, Clone, Copy)]
pub struct DroppedConnection;

/// A response whose body fails at once, so the server aborts the connection mid-answer.
fn broken_connection() -> Response {
    let failing = tokio_stream::iter([Err::<Bytes, std::io::Error>(std::io::Error::other(
        "hostform-sim: injected connection drop",
    ))]);
    let mut response = Response::new(Body::from_stream(failing));
    response.extensions_mut().insert(DroppedConnection);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_hide_ids_and_the_prefix() {
        assert_eq!(
            path_template(
                "/hosthatch/api/v1/servers/112233/status",
                "/hosthatch/api/v1"
            ),
            "/servers/{id}/status"
        );
        assert_eq!(
            path_template("/hosthatch/api/v1/keys", "/hosthatch/api/v1"),
            "/keys"
        );
        assert_eq!(
            path_template(
                "/openhosting/drives/08c92dd5-70a0-4f51-83d2-835919d254df/write/5242880",
                "/openhosting"
            ),
            "/drives/{id}/write/{id}"
        );
        assert_eq!(
            path_template(
                "/openhosting/resources/ip/203.0.113.10/info",
                "/openhosting"
            ),
            "/resources/ip/{id}/info"
        );
    }

    #[test]
    fn faults_are_consumed_by_matching_requests_only() {
        let mut table = FaultTable::default();
        let fault: FaultSpec = serde_json::from_value(serde_json::json!({
            "vendor": "hosthatch", "kind": "status", "status": 503, "count": 2,
            "method": "post", "path_contains": "/deploy"
        }))
        .expect("fault spec");
        table.arm(fault.validated(&["hosthatch"]).expect("valid"));
        assert!(table.take("hosthatch", "GET", "/x/deploy").is_none());
        assert!(table.take("hosthatch", "POST", "/x/servers").is_none());
        assert!(table.take("hosthatch", "POST", "/x/deploy").is_some());
        assert!(table.take("hosthatch", "POST", "/x/deploy").is_some());
        assert!(table.take("hosthatch", "POST", "/x/deploy").is_none());
    }

    #[test]
    fn a_request_a_rate_fault_lets_through_meets_the_next_fault() {
        let mut table = FaultTable::default();
        for (share, status) in [(0.0, 429), (1.0, 503)] {
            let fault: FaultSpec = serde_json::from_value(serde_json::json!({
                "vendor": "hoster", "kind": "rate", "share": share, "status": status, "count": 3
            }))
            .expect("fault spec");
            table.arm(fault.validated(&["hoster"]).expect("valid"));
        }
        for _ in 0..3 {
            let taken = table
                .take("hoster", "GET", "/vm")
                .expect("the second fault");
            assert_eq!(taken.status, Some(503));
        }
        assert!(table.take("hoster", "GET", "/vm").is_none());
        assert!(table.armed().is_empty());
    }
}
