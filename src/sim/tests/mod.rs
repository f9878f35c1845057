//! Tests of the simulator through its HTTP surface: a real listener on 127.0.0.1:0 and a
//! reqwest client, with virtual time advanced through the admin API.

mod auth_and_catalogue;
mod deploy;
mod faults_and_admin;
mod fixtures;
mod hoster;
mod keys;
mod openhosting;
mod persistence;
mod server_actions;
mod terrahost;

use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::oneshot;

use crate::sim::{spawn_on_loopback, spawn_state_on_loopback, SimConfig, SimState};

pub const TOKEN: &str = "test-token";
pub const API: &str = "/hosthatch/api/v1";

/// A running simulator; stops when dropped.
pub struct TestSim {
    pub base: String,
    pub client: reqwest::Client,
    _stop: oneshot::Sender<()>,
}

/// A status code and the parsed body (`Value::Null` when the body is not JSON).
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub retry_after: Option<String>,
}

impl TestSim {
    /// Starts a simulator whose clock crawls (scale 1) so only admin skips move time.
    pub async fn start() -> TestSim {
        let (base, stop) = spawn_on_loopback(SimConfig {
            time_scale: 1.0,
            token: TOKEN.to_owned(),
            log_requests: false,
            ..SimConfig::default()
        })
        .await;
        TestSim {
            base,
            client: reqwest::Client::new(),
            _stop: stop,
        }
    }

    /// Serves an existing `state` (give it `token: TOKEN`).
    pub async fn start_with_state(state: SimState) -> TestSim {
        let (base, stop) = spawn_state_on_loopback(state).await;
        TestSim {
            base,
            client: reqwest::Client::new(),
            _stop: stop,
        }
    }

    /// Sends an authenticated vendor request.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.try_call(method, path, body)
            .await
            .expect("transport error")
    }

    /// Like [`TestSim::call`] but returns transport errors.
    pub async fn try_call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Answer, reqwest::Error> {
        let request = self
            .client
            .request(method, format!("{}{API}{path}", self.base))
            .bearer_auth(TOKEN)
            .header("Accept", "application/json");
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        answer(request.send().await?).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    /// Sends an admin request to `/_sim{path}`.
    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let request = self
            .client
            .request(method, format!("{}/_sim{path}", self.base));
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        answer(request.send().await.expect("admin transport"))
            .await
            .expect("admin body")
    }

    pub async fn advance(&self, secs: u64) {
        let answer = self
            .admin(Method::POST, "/time", Some(json!({ "advance_secs": secs })))
            .await;
        assert_eq!(answer.status, 200);
    }

    pub async fn add_key(&self) -> u64 {
        let answer = self
            .post(
                "/keys",
                json!({"description": "laptop", "type": "sshkey", "value": "ssh-ed25519 AAAAC3Nz test"}),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.body["data"]["key"]["id"].as_u64().expect("key id")
    }

    /// Deploys a small server and returns its id.
    pub async fn deploy(&self, hostname: &str) -> u64 {
        let answer = self.post("/deploy", deploy_body(hostname)).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        answer.body["data"]["server_id"]
            .as_u64()
            .expect("server id")
    }

    /// A server's `state` as `GET /servers/{id}` shows it.
    pub async fn server_state(&self, id: u64) -> String {
        let answer = self.get(&format!("/servers/{id}")).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.body["data"]["server"]["state"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn server_status(&self, id: u64) -> String {
        let answer = self.get(&format!("/servers/{id}/status")).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.body["data"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

pub fn deploy_body(hostname: &str) -> Value {
    json!({
        "product": "nvme-2gb",
        "location": "AMS",
        "billing": "monthly",
        "image": "ubuntu22",
        "hostname": hostname,
    })
}

async fn answer(response: reqwest::Response) -> Result<Answer, reqwest::Error> {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await?;
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Ok(Answer {
        status,
        body,
        text,
        retry_after,
    })
}
