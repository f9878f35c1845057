//! What the vendors' tests share: the simulator (`crate::sim`) on a loopback port, its `/_sim`
//! admin API, quick-retrying HTTP settings pointed at it, the resource context, and
//! configuration values built from a schema.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value as Jv;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::sim::{spawn_on_loopback, SimConfig};
use crate::support::{ApiClient, Auth, HttpSettings};
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::{Schema, Value};

/// The bearer token (Open Hosting: the API key) the simulator accepts.
pub const TOKEN: &str = "lifecycle-token";

/// A simulator on a free port; it stops when dropped.
pub struct Sim {
    base: String,
    admin: reqwest::Client,
    _stop: oneshot::Sender<()>,
}

impl Sim {
    /// Starts a simulator whose clock runs `time_scale` virtual seconds per real second.
    pub async fn start(time_scale: f64) -> Sim {
        let (base, stop) = spawn_on_loopback(SimConfig {
            time_scale,
            token: TOKEN.into(),
            log_requests: false,
            ..SimConfig::default()
        })
        .await;
        Sim {
            base,
            admin: reqwest::Client::new(),
            _stop: stop,
        }
    }

    /// Client settings for the vendor API under `prefix`: 5 s per request, 2 retries.
    pub fn http_settings(&self, prefix: &str, auth: Auth) -> HttpSettings {
        HttpSettings {
            endpoint: format!("{}{prefix}", self.base),
            user_agent_suffix: "test".into(),
            request_timeout: Duration::from_secs(5),
            max_retries: 2,
            auth,
            limiter: Default::default(),
        }
    }

    /// An API client for `settings` that waits only a millisecond before retrying.
    pub fn api(settings: HttpSettings) -> ApiClient {
        ApiClient::new(settings)
            .unwrap()
            .with_backoff_base(Duration::from_millis(1))
    }

    /// Sends an admin request, asserts it succeeded and returns its JSON (null if none).
    pub async fn admin(&self, method: Method, path: &str, body: Option<Jv>) -> Jv {
        let mut request = self
            .admin
            .request(method.clone(), format!("{}/_sim/{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.unwrap();
        assert!(
            answer.status().is_success(),
            "{method} /_sim/{path}: {}",
            answer.status()
        );
        answer.json().await.unwrap_or(Jv::Null)
    }

    pub async fn get(&self, path: &str) -> Jv {
        self.admin(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Jv) -> Jv {
        self.admin(Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Jv {
        self.admin(Method::DELETE, path, None).await
    }

    /// Asserts that no vendor object is left in the simulator.
    pub async fn assert_empty(&self) {
        let answer = self.get("empty").await;
        assert_eq!(answer["empty"], true, "left behind: {answer}");
    }
}

/// A resource context for `client` with a fresh cancellation token.
pub fn ctx<C>(client: &Arc<C>, timeout: Duration) -> Ctx<C> {
    Ctx {
        client: client.clone(),
        cancel: CancellationToken::new(),
        timeout,
    }
}

/// A planned create of `schema`: defaults, `pairs`, and every other computed attribute
/// unknown. Takes the schema by value or by reference.
pub fn planned(schema: impl std::borrow::Borrow<Schema>, pairs: &[(&str, Value)]) -> Value {
    let schema = schema.borrow();
    let mut v = Value::null_object(&schema.block.implied_type());
    for a in &schema.block.attributes {
        if let Some(d) = &a.default {
            v.set(a.name, d.clone());
        } else if a.computed {
            v.set(a.name, Value::Unknown);
        }
    }
    for (k, x) in pairs {
        v.set(k, x.clone());
    }
    v
}

/// A value of `schema` with `pairs` set and every other attribute null.
pub fn object_of(schema: &Schema, pairs: &[(&str, Value)]) -> Value {
    let mut v = Value::null_object(&schema.block.implied_type());
    for (k, x) in pairs {
        v.set(k, x.clone());
    }
    v
}
