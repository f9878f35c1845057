//! HosterAPI simulator tests through HTTP: helpers to call `/hoster/api/v1`, read jobs and
//! skip virtual time, shared by the route-family test files below.

mod auth_and_errors;
mod backups_and_software;
mod dedicated;
mod faults_and_admin;
mod vm_actions;
mod vm_lifecycle;

use reqwest::Method;
use serde_json::{json, Value};

use super::{Answer, TestSim, TOKEN};

pub const HOSTER: &str = "/hoster/api/v1";

/// A simulator plus HosterAPI call helpers.
pub struct Hoster {
    pub sim: TestSim,
}

impl Hoster {
    pub async fn start() -> Hoster {
        Hoster {
            sim: TestSim::start().await,
        }
    }

    /// An authenticated HosterAPI request.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let request = self
            .sim
            .client
            .request(method, format!("{}{HOSTER}{path}", self.sim.base))
            .bearer_auth(TOKEN)
            .header("Accept", "application/json");
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        let response = request.send().await.expect("transport error");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            body,
            text,
            retry_after: None,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Option<Value>) -> Answer {
        self.call(Method::PUT, path, body).await
    }

    /// `result` of a 200 answer.
    pub async fn result(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let answer = self.call(method, path, body).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
        answer.body["result"].clone()
    }

    pub async fn advance(&self, secs: u64) {
        self.sim.advance(secs).await;
    }

    /// Sets the sim's durations (virtual seconds).
    pub async fn settings(&self, settings: Value) {
        let answer = self
            .sim
            .admin(Method::POST, "/hoster/settings", Some(settings))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }

    /// Arms job outcomes.
    pub async fn arm_jobs(&self, armed: Value) {
        let answer = self
            .sim
            .admin(Method::POST, "/hoster/next_jobs", Some(armed))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }

    /// Starts creating a VM; returns the job id.
    pub async fn create_job(&self, body: Value) -> u64 {
        let result = self
            .result(Method::POST, "/datacenter/server", Some(body))
            .await;
        assert_eq!(result["status"], "queued");
        assert_eq!(result["progress"], 0);
        result["jobId"].as_u64().expect("jobId")
    }

    /// `GET job/{id}`'s result.
    pub async fn job(&self, id: u64) -> Value {
        self.result(Method::GET, &format!("/job/{id}"), None).await
    }

    /// Creates a small VM, waits for its job and returns `(vmid, job output)`.
    pub async fn ready_vm(&self) -> (u64, Value) {
        let job = self.create_job(small_vm()).await;
        self.advance(30).await;
        let done = self.job(job).await;
        assert_eq!(done["status"], "finished", "{done}");
        (
            done["output"]["vmid"].as_u64().expect("vmid"),
            done["output"].clone(),
        )
    }

    pub async fn config(&self, vm: u64) -> Value {
        self.result(
            Method::GET,
            &format!("/datacenter/server/{vm}/config"),
            None,
        )
        .await
    }

    pub async fn vm_state(&self, vm: u64) -> String {
        let status = self
            .result(
                Method::GET,
                &format!("/datacenter/server/{vm}/status"),
                None,
            )
            .await;
        status["state"].as_str().unwrap_or_default().to_owned()
    }

    /// The `hoster` section of `/_sim/state`.
    pub async fn state(&self) -> Value {
        self.sim.admin(Method::GET, "/state", None).await.body["hoster"].clone()
    }

    /// `/_sim/empty`'s `left` list.
    pub async fn leftovers(&self) -> Vec<String> {
        let answer = self.sim.admin(Method::GET, "/empty", None).await;
        serde_json::from_value(answer.body["left"].clone()).expect("left list")
    }
}

/// A VM within every limit.
pub fn small_vm() -> Value {
    json!({"template": "Debian10.0", "cpuCores": 2, "mem": 2048, "disk": "10G", "ipCount": 1})
}
