//! The HosterAPI client: one function per endpoint of the vendor's page, each unwrapping the
//! `{"result": ...}` envelope into wire types from `models.rs` or a typed [`ApiError`].
//!
//! Where the page is silent we assume:
//! - an error may also come with HTTP 200 as `{"result": false, "error": ...}`; it is treated
//!   like the same error with its vendor code, and code `0x01` ("no vm with id ... found")
//!   means the object is gone, whatever the HTTP status;
//! - creating a VM, ordering a dedicated server and creating a backup bill or take effect
//!   once, so they are never resent after a 5xx or a lost answer; power actions, rDNS and
//!   reads are safe to resend.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{json, Value as Json};
use tokio::sync::Mutex;

use super::models::{
    error_code, BackupTask, DedicatedConfig, Incident, Job, JobStarted, MarketServer, OwnedServer,
    VmConfig, VmStatus,
};
use crate::support::{ApiClient, ApiError, Idempotency, Response};

/// Where credentials come from, for error advice.
pub const CREDENTIALS: &str =
    "the provider's `token` argument or the HOSTER_TOKEN environment variable";

/// The configured client every hoster resource and data source uses.
#[derive(Debug)]
pub struct HosterClient {
    pub api: ApiClient,
    pub poll_interval: Duration,
    /// Dedicated orders are found by listing before and after: one order at a time per
    /// provider process, so two orders of one apply cannot mistake each other's server.
    pub order_lock: Mutex<()>,
}

/// True when the error says the object does not exist (HTTP 404 or vendor code `0x01`).
pub fn is_gone(error: &ApiError) -> bool {
    error.is_not_found() || error.vendor_message().and_then(error_code) == Some("0x01")
}

/// The envelope's `key` (`result`, or `response` for incidents), decoded into `T`.
fn unwrap<T: DeserializeOwned>(response: &Response, key: &str) -> Result<T, ApiError> {
    let body = response.json_value()?;
    let refused = matches!(body.get("result"), Some(Json::Bool(false)))
        || body.get("error").is_some_and(Json::is_string);
    if refused {
        let message = super::models::error_message(&response.body)
            .unwrap_or_else(|| "the request was refused without a reason".to_string());
        return Err(ApiError::Status {
            request: response.request.clone(),
            status: if error_code(&message) == Some("0x01") {
                404
            } else {
                response.status
            },
            vendor_message: message,
            body_excerpt: crate::support::http::excerpt(&response.body),
            retry_after: None,
        });
    }
    let part = body
        .get(key)
        .cloned()
        .ok_or_else(|| response.decode_error(format!("no `{key}` in the answer")))?;
    response.decode(part)
}

/// A `{"result": true}` answer (or any other non-false result).
fn accepted(response: &Response) -> Result<(), ApiError> {
    unwrap::<Json>(response, "result").map(drop)
}

impl HosterClient {
    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        unwrap(&self.api.get(path).await?, "result")
    }

    /// `GET datacenter/templates`.
    pub async fn templates(&self) -> Result<Vec<String>, ApiError> {
        self.get("/datacenter/templates").await
    }

    /// `GET datacenter/server`: the ids of the account's VMs.
    pub async fn list_vms(&self) -> Result<Vec<i64>, ApiError> {
        let ids: Vec<Json> = self.get("/datacenter/server").await?;
        Ok(ids
            .iter()
            .filter_map(crate::support::lenient::value::i64_of)
            .collect())
    }

    /// `POST datacenter/server`: starts the creation job. Sent once (it bills).
    pub async fn create_vm(
        &self,
        template: &str,
        cpu_cores: i64,
        mem: i64,
        disk: &str,
        ip_count: i64,
    ) -> Result<JobStarted, ApiError> {
        let disk = super::disk::api_form(disk);
        let body = json!({"template": template, "cpuCores": cpu_cores, "mem": mem, "disk": disk, "ipCount": ip_count});
        let response = self
            .api
            .post("/datacenter/server", Some(&body), Idempotency::Once)
            .await?;
        unwrap(&response, "result")
    }

    /// `GET job/{id}`.
    pub async fn job(&self, id: i64) -> Result<Job, ApiError> {
        self.get(&format!("/job/{id}")).await
    }

    /// `GET datacenter/server/{sid}/config`.
    pub async fn vm_config(&self, sid: i64) -> Result<VmConfig, ApiError> {
        self.get(&format!("/datacenter/server/{sid}/config")).await
    }

    /// `GET datacenter/server/{sid}/status`.
    pub async fn vm_status(&self, sid: i64) -> Result<VmStatus, ApiError> {
        self.get(&format!("/datacenter/server/{sid}/status")).await
    }

    /// `PUT datacenter/server/{sid}/change` with only the fields to change. Sent once (it
    /// bills); the answer is `true` or, should the vendor run it as a job, a job.
    pub async fn change_vm(&self, sid: i64, changes: &Json) -> Result<Option<i64>, ApiError> {
        let response = self
            .api
            .put(
                &format!("/datacenter/server/{sid}/change"),
                Some(changes),
                Idempotency::Once,
            )
            .await?;
        let result: Json = unwrap(&response, "result")?;
        Ok(result
            .get("jobId")
            .and_then(crate::support::lenient::value::i64_of))
    }

    /// `PUT datacenter/server/{sid}/reinstall` with a template: a job.
    pub async fn reinstall_vm(&self, sid: i64, template: &str) -> Result<JobStarted, ApiError> {
        let response = self
            .api
            .put(
                &format!("/datacenter/server/{sid}/reinstall"),
                Some(&json!({"template": template})),
                Idempotency::Once,
            )
            .await?;
        unwrap(&response, "result")
    }

    /// `PUT datacenter/server/{sid}/{action}` for `start`, `shutdown` and `stop`.
    pub async fn vm_power(&self, sid: i64, action: &str) -> Result<(), ApiError> {
        let path = format!("/datacenter/server/{sid}/{action}");
        accepted(&self.api.put(&path, None, Idempotency::Idempotent).await?)
    }

    /// `POST datacenter/server/{sid}/rdns`.
    pub async fn set_rdns(&self, sid: i64, ip: &str, hostname: &str) -> Result<(), ApiError> {
        let body = json!({"ip": ip, "hostname": hostname});
        let path = format!("/datacenter/server/{sid}/rdns");
        accepted(
            &self
                .api
                .post(&path, Some(&body), Idempotency::Idempotent)
                .await?,
        )
    }

    /// `POST datacenter/server/{sid}/delete` with `force: true`.
    pub async fn delete_vm(&self, sid: i64) -> Result<(), ApiError> {
        let path = format!("/datacenter/server/{sid}/delete");
        let body = json!({"force": true});
        accepted(
            &self
                .api
                .post(&path, Some(&body), Idempotency::Idempotent)
                .await?,
        )
    }

    /// `GET datacenter/server/{sid}/console`: a noVNC URL valid for seconds.
    pub async fn vm_console(&self, sid: i64) -> Result<String, ApiError> {
        self.get(&format!("/datacenter/server/{sid}/console")).await
    }

    /// `GET datacenter/server/{sid}/incidents` (wrapped in `response`, not `result`).
    pub async fn incidents(&self, sid: i64) -> Result<Vec<Incident>, ApiError> {
        let response = self
            .api
            .get(&format!("/datacenter/server/{sid}/incidents"))
            .await?;
        unwrap(&response, "response")
    }

    /// `GET datacenter/server/{sid}/backups/list`: backup timestamps.
    pub async fn backups(&self, sid: i64) -> Result<Vec<i64>, ApiError> {
        let list: Vec<Json> = self
            .get(&format!("/datacenter/server/{sid}/backups/list"))
            .await?;
        Ok(list
            .iter()
            .filter_map(crate::support::lenient::value::i64_of)
            .collect())
    }

    /// `GET datacenter/server/{sid}/backups/status`.
    pub async fn backup_task(&self, sid: i64) -> Result<BackupTask, ApiError> {
        self.get(&format!("/datacenter/server/{sid}/backups/status"))
            .await
    }

    /// `PUT datacenter/server/{sid}/backups/create`. Sent once.
    pub async fn create_backup(&self, sid: i64) -> Result<(), ApiError> {
        let path = format!("/datacenter/server/{sid}/backups/create");
        accepted(&self.api.put(&path, None, Idempotency::Once).await?)
    }

    /// `POST datacenter/server/{sid}/backups/restore`. Sent once.
    pub async fn restore_backup(&self, sid: i64, backup: i64) -> Result<(), ApiError> {
        let path = format!("/datacenter/server/{sid}/backups/restore");
        let body = json!({"backup": backup});
        accepted(&self.api.post(&path, Some(&body), Idempotency::Once).await?)
    }

    /// `GET datacenter/dedicated/market`.
    pub async fn market(&self) -> Result<Vec<MarketServer>, ApiError> {
        self.get("/datacenter/dedicated/market").await
    }

    /// `GET datacenter/dedicated/templates`.
    pub async fn dedicated_templates(&self) -> Result<Vec<String>, ApiError> {
        self.get("/datacenter/dedicated/templates").await
    }

    /// `GET datacenter/dedicated`: owned servers.
    pub async fn owned_dedicated(&self) -> Result<Vec<OwnedServer>, ApiError> {
        self.get("/datacenter/dedicated").await
    }

    /// `POST datacenter/dedicated/order`: answers only `true`. Sent once (it bills).
    pub async fn order_dedicated(
        &self,
        market_id: i64,
        template: &str,
        ip_count: Option<i64>,
        hostname: Option<&str>,
    ) -> Result<(), ApiError> {
        let mut body = json!({"id": market_id, "template": template});
        if let Some(n) = ip_count {
            body["ipCount"] = json!(n.to_string());
        }
        if let Some(h) = hostname {
            body["hostname"] = json!(h);
        }
        let response = self
            .api
            .post(
                "/datacenter/dedicated/order",
                Some(&body),
                Idempotency::Once,
            )
            .await?;
        accepted(&response)
    }

    /// `GET datacenter/dedicated/{sid}/config`.
    pub async fn dedicated_config(&self, sid: i64) -> Result<DedicatedConfig, ApiError> {
        self.get(&format!("/datacenter/dedicated/{sid}/config"))
            .await
    }

    /// `GET datacenter/dedicated/{sid}/status`: the `state`.
    pub async fn dedicated_status(&self, sid: i64) -> Result<VmStatus, ApiError> {
        self.get(&format!("/datacenter/dedicated/{sid}/status"))
            .await
    }

    /// `PUT datacenter/dedicated/{sid}/{action}` for `start`, `shutdown`, `reboot`.
    pub async fn dedicated_power(&self, sid: i64, action: &str) -> Result<(), ApiError> {
        let path = format!("/datacenter/dedicated/{sid}/{action}");
        accepted(&self.api.put(&path, None, Idempotency::Idempotent).await?)
    }

    /// `PUT datacenter/dedicated/{sid}/reinstall`.
    pub async fn reinstall_dedicated(
        &self,
        sid: i64,
        template: &str,
        hostname: Option<&str>,
    ) -> Result<(), ApiError> {
        let mut body = json!({"template": template});
        if let Some(h) = hostname {
            body["hostname"] = json!(h);
        }
        let path = format!("/datacenter/dedicated/{sid}/reinstall");
        accepted(&self.api.put(&path, Some(&body), Idempotency::Once).await?)
    }

    /// `POST datacenter/dedicated/{sid}/terminate`.
    pub async fn terminate_dedicated(&self, sid: i64) -> Result<(), ApiError> {
        let path = format!("/datacenter/dedicated/{sid}/terminate");
        accepted(&self.api.post(&path, None, Idempotency::Idempotent).await?)
    }

    /// `GET datacenter/dedicated/{sid}/console`.
    pub async fn dedicated_console(&self, sid: i64) -> Result<String, ApiError> {
        self.get(&format!("/datacenter/dedicated/{sid}/console"))
            .await
    }

    /// `GET software/list` (its shape is not documented: kept as JSON).
    pub async fn software_packages(&self) -> Result<Json, ApiError> {
        let json: Json = self.get("/software/list").await?;
        // The list is keyed by package name; an error body is no list.
        let is_error = json.get("result").and_then(Json::as_str) == Some("error")
            || json.get("error").is_some();
        if is_error {
            return Err(ApiError::Decode {
                request: "GET /software/list".into(),
                message: "the answer is an error, not a list of packages".into(),
                body_excerpt: crate::support::http::excerpt(&json.to_string()),
            });
        }
        Ok(json)
    }

    /// `POST software/install` or `software/uninstall`: a job.
    pub async fn software(
        &self,
        action: &str,
        server: &str,
        package: &str,
        password: &str,
        port: Option<i64>,
    ) -> Result<JobStarted, ApiError> {
        let mut body = json!({"sid|ip": server, "package": package, "password": password});
        if let Some(port) = port {
            body["port"] = json!(port);
        }
        let response = self
            .api
            .post(
                &format!("/software/{action}"),
                Some(&body),
                Idempotency::Once,
            )
            .await?;
        unwrap(&response, "result")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Response {
        Response {
            request: "GET /x".into(),
            status,
            body: body.into(),
        }
    }

    #[test]
    fn a_false_result_is_an_error_with_the_vendor_code() {
        let err = unwrap::<Json>(
            &response(
                200,
                r#"{"result": false, "error": "0x01: no vm with id 4010 found"}"#,
            ),
            "result",
        )
        .unwrap_err();
        assert!(is_gone(&err));
        assert!(
            err.to_string().contains("0x01: no vm with id 4010 found"),
            "{err}"
        );
    }

    #[test]
    fn incidents_use_response() {
        let list: Vec<Incident> = unwrap(
            &response(200, r#"{"response": [{"gid": 1, "types": ["NTP Amplification"], "ongoing": 0}], "error": false}"#),
            "response",
        )
        .unwrap();
        assert_eq!(list[0].ongoing, Some(false));
    }

    #[test]
    fn a_missing_result_is_a_decode_error() {
        let err = unwrap::<Json>(&response(200, r#"{"data": 1}"#), "result").unwrap_err();
        assert!(matches!(err, ApiError::Decode { .. }), "{err:?}");
    }
}
