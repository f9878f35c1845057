//! Lifecycle tests of the hoster resources and data sources against the simulator
//! (`crate::sim`) on a loopback port; this module holds the harness, `vm` the VM tests and
//! `extras` those of dedicated servers, backups, software and the console.

mod extras;
mod vm;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value as Jv};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::api::HosterClient;
use crate::sim::{run, SimConfig, SimInner};
use crate::support::{ApiClient, Auth, HttpSettings};
use crate::tfplugin::provider::Ctx;
use crate::tfplugin::{Diagnostics, Value};

const TOKEN: &str = "lifecycle-token";

pub struct Sim {
    base: String,
    admin: reqwest::Client,
    _stop: oneshot::Sender<()>,
}

impl Sim {
    pub async fn admin(&self, method: reqwest::Method, path: &str, body: Jv) -> Jv {
        let answer = self
            .admin
            .request(method.clone(), format!("{}/_sim/{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            answer.status().is_success(),
            "{method} /_sim/{path}: {}",
            answer.status()
        );
        answer.json().await.unwrap_or(Jv::Null)
    }

    pub async fn post(&self, path: &str, body: Jv) -> Jv {
        self.admin(reqwest::Method::POST, path, body).await
    }

    pub async fn get(&self, path: &str) -> Jv {
        self.admin(reqwest::Method::GET, path, json!({})).await
    }

    pub async fn assert_empty(&self) {
        let empty = self.get("empty").await;
        assert_eq!(empty["empty"], true, "left behind: {}", empty["left"]);
    }

    pub async fn vm(&self, id: &str) -> Jv {
        let state = self.get("state").await;
        state["hoster"]["vms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"].as_u64().is_some_and(|n| n.to_string() == id))
            .cloned()
            .unwrap_or(Jv::Null)
    }
}

pub async fn start() -> (Sim, Arc<HosterClient>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = SimInner::new_state(SimConfig {
        time_scale: 1000.0,
        token: TOKEN.into(),
        log_requests: false,
    });
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(run(listener, state, async {
        let _ = stopped.await;
    }));
    let api = ApiClient::new(HttpSettings {
        endpoint: format!("{base}/hoster/api/v1"),
        user_agent_suffix: "test".into(),
        request_timeout: Duration::from_secs(5),
        max_retries: 2,
        auth: Auth::Bearer(TOKEN.into()),
    })
    .unwrap()
    .with_backoff_base(Duration::from_millis(1))
    .with_error_parser(super::models::error_message);
    let client = Arc::new(HosterClient {
        api,
        poll_interval: Duration::from_millis(5),
        order_lock: Default::default(),
    });
    let sim = Sim {
        base,
        admin: reqwest::Client::new(),
        _stop: stop,
    };
    (sim, client)
}

pub fn ctx(client: &Arc<HosterClient>, timeout: Duration) -> Ctx<HosterClient> {
    Ctx {
        client: client.clone(),
        cancel: CancellationToken::new(),
        timeout,
    }
}

/// A planned value of `schema` with `pairs` set and every computed-only attribute unknown.
pub fn planned(schema: crate::tfplugin::Schema, pairs: &[(&str, Value)]) -> Value {
    let mut v = Value::null_object(&schema.block.implied_type());
    for a in schema.block.attributes.iter().filter(|a| a.computed) {
        v.set(a.name, Value::Unknown);
    }
    for (k, x) in pairs {
        v.set(k, x.clone());
    }
    v
}

pub fn planned_vm() -> Value {
    planned(
        super::vm::schema(),
        &[
            ("template", "Debian10.0".into()),
            ("cpu_cores", 2i64.into()),
            ("memory", 2048i64.into()),
            ("disk", "10240M".into()),
            ("ip_count", 1i64.into()),
        ],
    )
}

pub fn ok(d: &Diagnostics) {
    assert!(!d.has_errors(), "{d:?}");
}
