//! The HTTP client every vendor uses: one reqwest client per provider, authentication, a
//! `User-Agent` naming hostform and Terraform, retries with backoff, and a typed [`ApiError`]
//! whose text names the request (`GET /servers/1`) and never a credential.
//!
//! Retry policy:
//! - 429 is always retried (the vendor refused the request, it did nothing), honouring
//!   `Retry-After` in seconds, capped at [`MAX_RETRY_AFTER`];
//! - 5xx, timeouts and transport errors are retried only for idempotent requests: GET, DELETE
//!   and requests the caller marks [`Idempotency::Idempotent`]. A request that orders something
//!   billable (a deploy, an upgrade invoice) is marked [`Idempotency::Once`]: after a 5xx or a
//!   lost answer it may have been carried out, and sending it again could bill twice. The caller
//!   decides what to do instead (e.g. look for the object it may have created).
//!
//! Every attempt, retries included, first takes a slot from the provider's
//! [`RequestLimiter`] (`max_requests_per_second`; unlimited unless configured).

use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

use super::lenient::parse_tolerant_json;
use super::rate_limit::RequestLimiter;

/// Longest `Retry-After` honoured; longer answers are treated as this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Longest computed backoff between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How much of a response body an error keeps.
pub const BODY_EXCERPT_CHARS: usize = 300;

/// How a request authenticates.
#[derive(Clone)]
pub enum Auth {
    Bearer(String),
    Basic(String, String),
    None,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Auth::Bearer(_) => "Bearer(***)",
            Auth::Basic(..) => "Basic(***)",
            Auth::None => "None",
        })
    }
}

/// What a provider's configuration decides about HTTP.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    /// Base URL every path is appended to, e.g. `https://cloud.hosthatch.com/api/v1`.
    pub endpoint: String,
    /// The Terraform version, appended to the `User-Agent`.
    pub user_agent_suffix: String,
    pub request_timeout: Duration,
    pub max_retries: u32,
    pub auth: Auth,
    /// Shared by every client built from these settings (clones share it).
    pub limiter: RequestLimiter,
}

/// Whether sending a request twice has the same effect as sending it once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    Idempotent,
    /// Never resent after a 5xx or a lost answer; resent only after a 429.
    Once,
}

/// Why a request failed. The `request` field is `METHOD /path`, never a URL with credentials.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("{request} failed: {message}")]
    Transport { request: String, message: String },
    #[error("{request} answered HTTP {status}{}", vendor_suffix(vendor_message))]
    Status {
        request: String,
        status: u16,
        vendor_message: String,
        body_excerpt: String,
        /// The answer's `Retry-After`, for a poll to honour when the client's retries are
        /// used up.
        retry_after: Option<Duration>,
    },
    #[error("the answer to {request} could not be read: {message}")]
    Decode {
        request: String,
        message: String,
        body_excerpt: String,
    },
    #[error("{request} timed out")]
    Timeout { request: String },
    /// Terraform asked the provider to stop while the request waited for its
    /// `max_requests_per_second` slot; it was never sent.
    #[error("{request} was not sent: Terraform asked the provider to stop")]
    Stopped { request: String },
}

fn vendor_suffix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

impl ApiError {
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// True when the same request may succeed later: 429, 5xx, timeouts, transport errors.
    /// How long the vendor asked to be left alone (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Transport { .. } | ApiError::Timeout { .. } => true,
            ApiError::Status { status, .. } => *status == 429 || *status >= 500,
            ApiError::Decode { .. } | ApiError::Stopped { .. } => false,
        }
    }

    /// True when the vendor may have carried out the request although no success came back.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ApiError::Transport { .. } | ApiError::Timeout { .. } => true,
            ApiError::Status { status, .. } => *status >= 500,
            ApiError::Decode { .. } | ApiError::Stopped { .. } => false,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn request(&self) -> &str {
        match self {
            ApiError::Transport { request, .. }
            | ApiError::Status { request, .. }
            | ApiError::Decode { request, .. }
            | ApiError::Timeout { request }
            | ApiError::Stopped { request } => request,
        }
    }

    pub fn vendor_message(&self) -> Option<&str> {
        match self {
            ApiError::Status { vendor_message, .. } if !vendor_message.is_empty() => {
                Some(vendor_message)
            }
            _ => None,
        }
    }
}

/// A successful answer (2xx): its status and body text.
#[derive(Debug, Clone)]
pub struct Response {
    pub request: String,
    pub status: u16,
    pub body: String,
}

impl Response {
    /// The body as JSON, tolerating the malformations vendor examples show.
    pub fn json_value(&self) -> Result<Json, ApiError> {
        parse_tolerant_json(&self.body).map_err(|message| self.decode_error(message))
    }

    /// The body decoded into `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        self.decode(self.json_value()?)
    }

    /// Decodes part of the body (e.g. an envelope's `data`) into `T`.
    pub fn decode<T: DeserializeOwned>(&self, json: Json) -> Result<T, ApiError> {
        serde_json::from_value(json).map_err(|e| self.decode_error(e.to_string()))
    }

    pub fn decode_error(&self, message: impl Into<String>) -> ApiError {
        ApiError::Decode {
            request: self.request.clone(),
            message: message.into(),
            body_excerpt: excerpt(&self.body),
        }
    }
}

/// Extracts the vendor's own error text from an error body (its envelope is vendor-specific).
pub type ErrorMessageParser = fn(&str) -> Option<String>;

/// A configured HTTP client for one vendor endpoint.
pub struct ApiClient {
    http: reqwest::Client,
    endpoint: String,
    auth: Auth,
    max_retries: u32,
    backoff_base: Duration,
    error_message: ErrorMessageParser,
    /// A response header naming the error class (e.g. `X-Elastic-Error`), shown before the
    /// vendor's message.
    error_class_header: Option<&'static str>,
    cancel: CancellationToken,
    limiter: RequestLimiter,
}

/// What a request carries.
#[derive(Clone, Copy, Debug)]
pub enum Body<'a> {
    None,
    Json(&'a Json),
    /// Raw bytes (`application/octet-stream`), with an optional `Content-Encoding`.
    Bytes(&'a [u8], Option<&'static str>),
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("endpoint", &self.endpoint)
            .field("auth", &self.auth)
            .finish()
    }
}

impl ApiClient {
    pub fn new(settings: HttpSettings) -> Result<ApiClient, ApiError> {
        let user_agent = format!(
            "hostform/{} terraform/{}",
            env!("CARGO_PKG_VERSION"),
            settings.user_agent_suffix
        );
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .default_headers(headers)
            .timeout(settings.request_timeout)
            .connect_timeout(settings.request_timeout.min(Duration::from_secs(30)))
            .build()
            .map_err(|e| ApiError::Transport {
                request: "building the HTTP client".to_string(),
                message: e.to_string(),
            })?;
        Ok(ApiClient {
            http,
            endpoint: settings.endpoint.trim_end_matches('/').to_string(),
            auth: settings.auth,
            max_retries: settings.max_retries,
            backoff_base: Duration::from_millis(500),
            error_message: generic_error_message,
            error_class_header: None,
            cancel: CancellationToken::new(),
            limiter: settings.limiter,
        })
    }

    /// Prefixes vendor messages with the value of response header `name` (`busy: ...`).
    pub fn with_error_class_header(mut self, name: &'static str) -> ApiClient {
        self.error_class_header = Some(name);
        self
    }

    /// Uses `parser` to find the vendor's message in error bodies.
    pub fn with_error_parser(mut self, parser: ErrorMessageParser) -> ApiClient {
        self.error_message = parser;
        self
    }

    /// Ends retry pauses early when `cancel` fires (Terraform's Stop): the last error is
    /// returned instead of waiting for the next attempt.
    pub fn with_cancel(mut self, cancel: CancellationToken) -> ApiClient {
        self.cancel = cancel;
        self
    }

    /// The first backoff step (doubled on each retry); tests shorten it.
    pub fn with_backoff_base(mut self, base: Duration) -> ApiClient {
        self.backoff_base = base;
        self
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub async fn get(&self, path: &str) -> Result<Response, ApiError> {
        self.send(Method::GET, path, None, Idempotency::Idempotent)
            .await
    }

    pub async fn delete(&self, path: &str) -> Result<Response, ApiError> {
        self.send(Method::DELETE, path, None, Idempotency::Idempotent)
            .await
    }

    pub async fn post(
        &self,
        path: &str,
        body: Option<&Json>,
        idempotency: Idempotency,
    ) -> Result<Response, ApiError> {
        self.send(Method::POST, path, body, idempotency).await
    }

    pub async fn put(
        &self,
        path: &str,
        body: Option<&Json>,
        idempotency: Idempotency,
    ) -> Result<Response, ApiError> {
        self.send(Method::PUT, path, body, idempotency).await
    }

    /// Sends a request, retrying as the module documentation describes.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Json>,
        idempotency: Idempotency,
    ) -> Result<Response, ApiError> {
        let body = body.map_or(Body::None, Body::Json);
        self.send_body(method, path, body, idempotency).await
    }

    /// Like [`ApiClient::send`] with any kind of body (e.g. gzip-encoded bytes).
    pub async fn send_body(
        &self,
        method: Method,
        path: &str,
        body: Body<'_>,
        idempotency: Idempotency,
    ) -> Result<Response, ApiError> {
        let request = format!("{method} {}", path.split('?').next().unwrap_or(path));
        let mut attempt: u32 = 0;
        let mut last_error = None;
        loop {
            if !self.limiter.acquire(&self.cancel).await {
                log::debug!("{request}: stop requested while waiting for a request slot");
                return Err(last_error.unwrap_or(ApiError::Stopped { request }));
            }
            let (error, retry_after) = match self.send_once(&method, path, body, &request).await {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            let allowed = error.status() == Some(429)
                || (error.is_retryable() && idempotency == Idempotency::Idempotent);
            if !allowed || attempt >= self.max_retries {
                return Err(error);
            }
            let delay = retry_delay(attempt, retry_after, self.backoff_base);
            log::debug!(
                "{request}: retry {} of {} in {} ms",
                attempt + 1,
                self.max_retries,
                delay.as_millis()
            );
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = self.cancel.cancelled() => {
                    log::debug!("{request}: stop requested, not retrying");
                    return Err(error);
                }
            }
            last_error = Some(error);
            attempt += 1;
        }
    }

    /// One attempt: a 2xx response, or the error with the server's `Retry-After`, if any.
    async fn send_once(
        &self,
        method: &Method,
        path: &str,
        body: Body<'_>,
        request: &str,
    ) -> Result<Response, (ApiError, Option<Duration>)> {
        let mut builder = self
            .http
            .request(method.clone(), format!("{}{path}", self.endpoint));
        builder = match &self.auth {
            Auth::Bearer(token) => builder.bearer_auth(token),
            Auth::Basic(user, password) => builder.basic_auth(user, Some(password)),
            Auth::None => builder,
        };
        match body {
            Body::None => {}
            Body::Json(json) => builder = builder.json(json),
            Body::Bytes(bytes, encoding) => {
                builder = builder
                    .header(CONTENT_TYPE, "application/octet-stream")
                    .body(bytes.to_vec());
                if let Some(encoding) = encoding {
                    builder = builder.header(CONTENT_ENCODING, encoding);
                }
            }
        }
        let started = tokio::time::Instant::now();
        let answer = builder.send().await;
        let elapsed_ms = started.elapsed().as_millis();
        let response = match answer {
            Ok(response) => response,
            Err(e) => {
                log::debug!("{request} -> no answer after {elapsed_ms} ms");
                return Err((transport_error(request, &e), None));
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let error_class = self
            .error_class_header
            .and_then(|name| response.headers().get(name))
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
        let text = response
            .text()
            .await
            .map_err(|e| (transport_error(request, &e), None))?;
        log::debug!("{request} -> {status} in {elapsed_ms} ms");
        if (200..300).contains(&status) {
            return Ok(Response {
                request: request.to_string(),
                status,
                body: text,
            });
        }
        let mut vendor_message = (self.error_message)(&text).unwrap_or_default();
        if let Some(class) = error_class {
            vendor_message = if vendor_message.is_empty() {
                class
            } else {
                format!("{class}: {vendor_message}")
            };
        }
        let error = ApiError::Status {
            request: request.to_string(),
            status,
            vendor_message,
            body_excerpt: excerpt(&text),
            retry_after,
        };
        Err((error, retry_after))
    }
}

fn transport_error(request: &str, error: &reqwest::Error) -> ApiError {
    if error.is_timeout() {
        return ApiError::Timeout {
            request: request.to_string(),
        };
    }
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    ApiError::Transport {
        request: request.to_string(),
        message: crate::tfplugin::log::redact(&message),
    }
}

/// The pause before retry number `attempt + 1`: the server's `Retry-After` when it gave one
/// (capped), otherwise `base * 2^attempt` with jitter, capped at [`MAX_BACKOFF`].
pub fn retry_delay(attempt: u32, retry_after: Option<Duration>, base: Duration) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(MAX_RETRY_AFTER);
    }
    let exponential = base.saturating_mul(2u32.saturating_pow(attempt.min(16)));
    let jitter = 0.5 + fastrand::f64() * 0.5;
    exponential.min(MAX_BACKOFF).mul_f64(jitter)
}

/// The first [`BODY_EXCERPT_CHARS`] characters of a body, secrets masked.
pub fn excerpt(body: &str) -> String {
    let mut text: String = body.chars().take(BODY_EXCERPT_CHARS).collect();
    if body.chars().count() > BODY_EXCERPT_CHARS {
        text.push('…');
    }
    crate::tfplugin::log::redact(&text)
}

/// A vendor-neutral guess at an error body's message: `message`, `error` or `detail`.
fn generic_error_message(body: &str) -> Option<String> {
    let json = parse_tolerant_json(body).ok()?;
    ["message", "error", "detail"]
        .iter()
        .find_map(|key| json.get(key).and_then(Json::as_str))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::{get, post};
    use axum::Router;

    /// Serves `app` on a free local port and returns its base URL.
    async fn serve(app: Router) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}")
    }

    fn settings(endpoint: String, max_retries: u32) -> HttpSettings {
        HttpSettings {
            endpoint,
            user_agent_suffix: "1.9.0".into(),
            request_timeout: Duration::from_secs(5),
            max_retries,
            auth: Auth::Bearer("tok-secret-123".into()),
            limiter: RequestLimiter::unlimited(),
        }
    }

    fn client(endpoint: String, max_retries: u32) -> ApiClient {
        ApiClient::new(settings(endpoint, max_retries))
            .unwrap()
            .with_backoff_base(Duration::from_millis(1))
    }

    /// A route failing with `status` the first `failures` times, then answering `{"ok":true}`.
    fn flaky(
        status: StatusCode,
        failures: u32,
        hits: Arc<AtomicU32>,
        retry_after: Option<&'static str>,
    ) -> Router {
        let handler = move || {
            let hits = hits.clone();
            async move {
                let n = hits.fetch_add(1, Ordering::SeqCst);
                let mut headers = HeaderMap::new();
                if let Some(ra) = retry_after {
                    headers.insert("retry-after", ra.parse().unwrap());
                }
                if n < failures {
                    (status, headers, r#"{"message":"busy"}"#.to_string())
                } else {
                    (StatusCode::OK, headers, r#"{"ok":true}"#.to_string())
                }
            }
        };
        Router::new()
            .route("/thing", get(handler.clone()))
            .route("/deploy", post(handler))
    }

    #[tokio::test]
    async fn get_is_retried_on_5xx() {
        let hits = Arc::new(AtomicU32::new(0));
        let base = serve(flaky(StatusCode::BAD_GATEWAY, 2, hits.clone(), None)).await;
        let answer = client(base, 5).get("/thing").await.unwrap();
        assert_eq!(answer.json_value().unwrap()["ok"], true);
        assert_eq!(hits.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_billable_post_is_not_retried_on_5xx() {
        let hits = Arc::new(AtomicU32::new(0));
        let base = serve(flaky(
            StatusCode::INTERNAL_SERVER_ERROR,
            1,
            hits.clone(),
            None,
        ))
        .await;
        let err = client(base, 5)
            .post("/deploy", Some(&serde_json::json!({})), Idempotency::Once)
            .await
            .unwrap_err();
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert_eq!(err.status(), Some(500));
        assert!(err.outcome_unknown());
        assert_eq!(err.to_string(), "POST /deploy answered HTTP 500: busy");
    }

    #[tokio::test]
    async fn a_billable_post_is_retried_on_429_honouring_retry_after() {
        let hits = Arc::new(AtomicU32::new(0));
        let base = serve(flaky(
            StatusCode::TOO_MANY_REQUESTS,
            1,
            hits.clone(),
            Some("1"),
        ))
        .await;
        let started = std::time::Instant::now();
        client(base, 5)
            .post("/deploy", None, Idempotency::Once)
            .await
            .unwrap();
        assert_eq!(hits.load(Ordering::SeqCst), 2);
        assert!(
            started.elapsed() >= Duration::from_millis(950),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn stop_ends_a_retry_pause_with_the_last_error() {
        let hits = Arc::new(AtomicU32::new(0));
        let base = serve(flaky(
            StatusCode::TOO_MANY_REQUESTS,
            5,
            hits.clone(),
            Some("30"),
        ))
        .await;
        let stop = CancellationToken::new();
        let api = client(base, 5).with_cancel(stop.clone());
        let stopper = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            stop.cancel();
        });
        let started = std::time::Instant::now();
        let err = api.get("/thing").await.unwrap_err();
        stopper.await.unwrap();
        assert_eq!(err.status(), Some(429));
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn retries_take_request_slots_too() {
        let hits = Arc::new(AtomicU32::new(0));
        let base = serve(flaky(StatusCode::TOO_MANY_REQUESTS, 4, hits.clone(), None)).await;
        let api = ApiClient::new(HttpSettings {
            limiter: RequestLimiter::per_second(Some(20.0)),
            ..settings(base, 5)
        })
        .unwrap()
        .with_backoff_base(Duration::from_millis(1));
        let started = std::time::Instant::now();
        api.get("/thing").await.unwrap();
        assert_eq!(hits.load(Ordering::SeqCst), 5);
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_millis(195), "{elapsed:?}");
    }

    #[tokio::test]
    async fn retries_stop_at_max_retries() {
        let hits = Arc::new(AtomicU32::new(0));
        let base = serve(flaky(
            StatusCode::SERVICE_UNAVAILABLE,
            100,
            hits.clone(),
            None,
        ))
        .await;
        let err = client(base, 2).get("/thing").await.unwrap_err();
        assert_eq!(hits.load(Ordering::SeqCst), 3);
        assert!(err.is_retryable());
    }

    #[tokio::test]
    async fn not_found_is_not_retried_and_never_shows_the_token() {
        let hits = Arc::new(AtomicU32::new(0));
        let base = serve(flaky(StatusCode::NOT_FOUND, 100, hits.clone(), None)).await;
        let err = client(base, 5).get("/thing?x=1").await.unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        let text = format!("{err} {err:?}");
        assert!(
            text.contains("GET /thing") && !text.contains("tok-secret-123"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn a_refused_connection_is_a_transport_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let err = client(base, 1).get("/thing").await.unwrap_err();
        assert!(matches!(err, ApiError::Transport { .. }), "{err:?}");
        assert!(err.to_string().starts_with("GET /thing failed"), "{err}");
    }

    #[tokio::test]
    async fn a_slow_answer_is_a_timeout_naming_the_request() {
        let slow = || async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        };
        let base = serve(Router::new().route("/slow", get(slow))).await;
        let client = ApiClient::new(HttpSettings {
            endpoint: base,
            user_agent_suffix: "1.9.0".into(),
            request_timeout: Duration::from_millis(200),
            max_retries: 0,
            auth: Auth::None,
            limiter: RequestLimiter::unlimited(),
        })
        .unwrap();
        let err = client.get("/slow").await.unwrap_err();
        assert_eq!(err.to_string(), "GET /slow timed out");
        assert!(err.is_retryable());
    }

    #[tokio::test]
    async fn an_error_class_header_prefixes_the_message_and_bytes_carry_their_encoding() {
        let handler = |headers: HeaderMap, body: axum::body::Bytes| async move {
            let encoding = headers
                .get("content-encoding")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
                .to_string();
            let mut out = HeaderMap::new();
            out.insert("x-elastic-error", "busy".parse().unwrap());
            let text = format!("{} bytes, {encoding}", body.len());
            (StatusCode::CONFLICT, out, text)
        };
        let base = serve(Router::new().route("/write", post(handler))).await;
        let api = client(base, 0)
            .with_error_parser(|text| Some(text.trim().to_string()))
            .with_error_class_header("X-Elastic-Error");
        let err = api
            .send_body(
                Method::POST,
                "/write",
                Body::Bytes(b"abc", Some("gzip")),
                Idempotency::Idempotent,
            )
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "POST /write answered HTTP 409: busy: 3 bytes, gzip"
        );
    }

    #[test]
    fn retry_after_wins_and_is_capped() {
        let base = Duration::from_millis(500);
        assert_eq!(
            retry_delay(0, Some(Duration::from_secs(3)), base),
            Duration::from_secs(3)
        );
        assert_eq!(
            retry_delay(0, Some(Duration::from_secs(3600)), base),
            MAX_RETRY_AFTER
        );
        let d = retry_delay(2, None, base);
        assert!(
            d >= Duration::from_millis(1000) && d <= Duration::from_millis(2000),
            "{d:?}"
        );
        assert!(retry_delay(30, None, base) <= MAX_BACKOFF);
    }

    #[test]
    fn excerpts_are_bounded() {
        let long = "x".repeat(1000);
        assert_eq!(excerpt(&long).chars().count(), BODY_EXCERPT_CHARS + 1);
        assert_eq!(excerpt("short"), "short");
    }
}
