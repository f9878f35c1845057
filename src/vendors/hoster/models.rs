//! HosterAPI wire types, written from the vendor's API page and decoded leniently: results
//! come wrapped as `{"result": ...}` (incidents as `{"response": ...}`), errors as
//! `{"result": false, "error": "0xNN: text"}`, and counts may arrive as numbers or strings.

use serde::Deserialize;
use serde_json::Value as Json;

use crate::support::lenient::{
    de_bool_lenient, de_i64_lenient, de_opt_bool_lenient, de_opt_f64_lenient, de_opt_i64_lenient,
    de_opt_string_lenient, value,
};
use crate::support::{Hint, Poll};

/// The vendor's `"0xNN: text"` of an error body, if it has one.
pub fn error_message(body: &str) -> Option<String> {
    let json = crate::support::lenient::parse_tolerant_json(body).ok()?;
    json.get("error")
        .filter(|e| !matches!(e, Json::Bool(false) | Json::Null))
        .and_then(value::string_of)
        .filter(|s| !s.trim().is_empty())
}

/// The vendor code of an error message: `"0x01: no vm"` -> `Some("0x01")`.
pub fn error_code(message: &str) -> Option<&str> {
    let (code, _) = message.split_once(':')?;
    let code = code.trim();
    code.starts_with("0x").then_some(code)
}

/// The answer to a request that starts a job (VM create, reinstall, software).
#[derive(Debug, Clone, Deserialize)]
pub struct JobStarted {
    #[serde(rename = "jobId", deserialize_with = "de_i64_lenient")]
    pub job_id: i64,
    #[serde(default)]
    pub status: Option<String>,
}

/// `GET job/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Job {
    #[serde(default)]
    pub status: String,
    #[serde(default, deserialize_with = "de_opt_f64_lenient")]
    pub progress: Option<f64>,
    #[serde(default)]
    pub output: Json,
}

impl Job {
    pub fn is_finished(&self) -> bool {
        self.status.eq_ignore_ascii_case("finished")
    }

    pub fn is_failed(&self) -> bool {
        self.status.eq_ignore_ascii_case("failed")
    }

    /// The error text of a failed job (its output), or a note that it gave none.
    pub fn failure_text(&self) -> String {
        value::string_of(&self.output)
            .or_else(|| (!self.output.is_null()).then(|| self.output.to_string()))
            .unwrap_or_else(|| "the job gave no reason".to_string())
    }

    /// A pending job as the poll engine sees it: its description, and its progress as a
    /// hint for when to look again.
    pub fn pending<T>(&self) -> Poll<T> {
        match self.progress {
            Some(done) => Poll::Underway(self.describe(), Hint::Progress(done)),
            None => Poll::Pending(self.describe()),
        }
    }

    /// `executing (33%)`.
    pub fn describe(&self) -> String {
        match self.progress {
            Some(p) => format!("{} ({:.0}%)", self.status, p * 100.0),
            None => self.status.clone(),
        }
    }
}

/// The output of a finished VM creation or reinstall job.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct JobOutput {
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub vmid: Option<i64>,
    #[serde(default)]
    pub ips: Vec<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub user: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub password: Option<String>,
}

impl JobOutput {
    /// The output of a finished job; empty when it is not an object.
    pub fn of(job: &Job) -> JobOutput {
        serde_json::from_value(job.output.clone()).unwrap_or_default()
    }
}

/// `GET datacenter/server/{sid}/config`.
#[derive(Debug, Clone, Deserialize)]
pub struct VmConfig {
    #[serde(rename = "cpuCores", deserialize_with = "de_i64_lenient")]
    pub cpu_cores: i64,
    #[serde(deserialize_with = "de_i64_lenient")]
    pub mem: i64,
    #[serde(
        deserialize_with = "crate::support::lenient::de_opt_string_lenient",
        default
    )]
    pub disk: Option<String>,
    #[serde(default)]
    pub ips: Vec<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub template: Option<String>,
}

impl VmConfig {
    /// The IPv4 addresses (the ones `ipCount` counts and rDNS applies to).
    pub fn ipv4s(&self) -> Vec<String> {
        self.ips
            .iter()
            .filter(|ip| ip.parse::<std::net::Ipv4Addr>().is_ok())
            .cloned()
            .collect()
    }
}

/// `GET datacenter/server/{sid}/status` (only the field the provider uses).
#[derive(Debug, Clone, Deserialize)]
pub struct VmStatus {
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub state: Option<String>,
}

/// One entry of `GET datacenter/dedicated`.
#[derive(Debug, Clone, Deserialize)]
pub struct OwnedServer {
    #[serde(deserialize_with = "de_i64_lenient")]
    pub id: i64,
    #[serde(
        rename = "orderComplete",
        default,
        deserialize_with = "de_bool_lenient"
    )]
    pub order_complete: bool,
}

/// The hardware of a market offer or an owned dedicated server.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Hardware {
    #[serde(default)]
    pub cpu: Part,
    #[serde(default)]
    pub ram: Part,
    #[serde(default)]
    pub storage: Part,
    #[serde(default, deserialize_with = "de_opt_f64_lenient")]
    pub price: Option<f64>,
    #[serde(default)]
    pub location: Location,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Part {
    #[serde(rename = "type", default, deserialize_with = "de_opt_string_lenient")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub count: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub size: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Location {
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub name: Option<String>,
}

/// The leading number of a size such as `"32"` or `"32 GB DDR4 ECC"`.
pub fn leading_number(text: &str) -> Option<f64> {
    let digits: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits.parse().ok()
}

/// One offer of `GET datacenter/dedicated/market`.
#[derive(Debug, Clone, Deserialize)]
pub struct MarketServer {
    #[serde(deserialize_with = "de_i64_lenient")]
    pub id: i64,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub model: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub description: Option<String>,
    #[serde(default)]
    pub configuration: Hardware,
}

/// `GET datacenter/dedicated/{sid}/config`.
#[derive(Debug, Clone, Deserialize)]
pub struct DedicatedConfig {
    #[serde(default)]
    pub ssh: Json,
    #[serde(default)]
    pub ips: Vec<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub template: Option<String>,
    #[serde(default)]
    pub configuration: Hardware,
}

impl DedicatedConfig {
    pub fn root_password(&self) -> Option<String> {
        self.ssh
            .get("root")
            .and_then(|r| r.get("password"))
            .and_then(value::string_of)
    }
}

/// `GET datacenter/server/{sid}/backups/status`.
#[derive(Debug, Clone, Deserialize)]
pub struct BackupTask {
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "de_opt_f64_lenient")]
    pub progress: Option<f64>,
}

impl BackupTask {
    /// True while a backup or restore is queued or running.
    pub fn is_busy(&self) -> bool {
        matches!(
            self.status
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("pending" | "queued" | "running" | "executing" | "in progress")
        )
    }

    pub fn is_failed(&self) -> bool {
        matches!(
            self.status
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("failed" | "error")
        )
    }
}

/// One entry of `GET datacenter/server/{sid}/incidents`.
#[derive(Debug, Clone, Deserialize)]
pub struct Incident {
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub gid: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub start: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub stop: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub host: Option<String>,
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub direction: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_f64_lenient")]
    pub impact: Option<f64>,
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(default, deserialize_with = "de_opt_bool_lenient")]
    pub ongoing: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_bodies_give_code_and_text() {
        let m = error_message(r#"{"result": false, "error": "0x01: no vm with id 4010 found"}"#);
        assert_eq!(m.as_deref(), Some("0x01: no vm with id 4010 found"));
        assert_eq!(error_code(m.as_deref().unwrap()), Some("0x01"));
        assert_eq!(error_message(r#"{"response": [], "error": false}"#), None);
        assert_eq!(error_code("no code here"), None);
    }

    #[test]
    fn job_shapes_from_the_document() {
        let done: Job = serde_json::from_value(json!({"status": "finished", "progress": 1,
            "output": {"vmid": 4001, "ips": ["37.114.XX.XXX"], "user": "root", "password": "pw"}}))
        .unwrap();
        assert!(done.is_finished());
        let out = JobOutput::of(&done);
        assert_eq!(out.vmid, Some(4001));
        assert_eq!(out.password.as_deref(), Some("pw"));
        let failed: Job = serde_json::from_value(json!({"status": "failed", "progress": 0.33,
            "output": "0xb0: Requested resources exceed administrative limits"}))
        .unwrap();
        assert!(failed.is_failed());
        assert_eq!(failed.describe(), "failed (33%)");
        assert!(failed.failure_text().starts_with("0xb0"));
        let executing: Job =
            serde_json::from_value(json!({"status": "executing", "progress": "0.33"})).unwrap();
        assert!(matches!(
            executing.pending::<()>(),
            Poll::Underway(state, Hint::Progress(p)) if state == "executing (33%)" && p == 0.33
        ));
        let queued: Job = serde_json::from_value(json!({"status": "queued"})).unwrap();
        assert!(matches!(queued.pending::<()>(), Poll::Pending(state) if state == "queued"));
    }

    #[test]
    fn config_and_market_decode_leniently() {
        let c: VmConfig =
            serde_json::from_value(json!({"cpuCores": "2", "mem": 2048, "disk": "100G",
            "ips": ["127.0.0.1", "fe80::1"], "template": "Ubuntu20.04"}))
            .unwrap();
        assert_eq!(c.cpu_cores, 2);
        assert_eq!(c.ipv4s(), vec!["127.0.0.1".to_string()]);
        let m: MarketServer = serde_json::from_value(json!({"id": 84, "model": "Generic", "description": null,
            "configuration": {"cpu": {"type": "AMD Ryzen 7 3800X", "count": "1"}, "ram": {"type": "DDR4 ECC", "size": "32 GB DDR4 ECC"},
            "storage": {"type": "NVMe", "count": "2", "size": "256"}, "price": 139, "location": {"id": 1, "name": "Maincubes, Frankfurt"}}}))
        .unwrap();
        assert_eq!(m.configuration.price, Some(139.0));
        assert_eq!(
            leading_number(m.configuration.ram.size.as_deref().unwrap()),
            Some(32.0)
        );
        let o: OwnedServer =
            serde_json::from_value(json!({"id": "9", "orderComplete": "0"})).unwrap();
        assert!(!o.order_complete);
    }
}
