//! The simulator as a child process: `hostform-sim --listen 127.0.0.1:0`, whose first
//! stdout line announces the bound address; killed when the [`Sim`] is dropped.
//! Admin helpers talk to its `/_sim/...` routes.

use super::http::{request_json, HttpReply};
use serde_json::Value;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

const LISTEN_PREFIX: &str = "hostform-sim listening on ";
/// Virtual seconds per real second for tests: a 60 s provisioning takes 0.3 s.
const TEST_TIME_SCALE: u32 = 200;

/// A running simulator; its stderr goes to a log file shown when startup fails.
pub struct Sim {
    child: Child,
    url: String,
    log: PathBuf,
    _log_dir: tempfile::TempDir,
}

/// `"hostform-sim listening on http://127.0.0.1:PORT"` -> `"http://127.0.0.1:PORT"`.
pub fn parse_listen_line(line: &str) -> Option<String> {
    let url = line.trim_end().strip_prefix(LISTEN_PREFIX)?;
    url.starts_with("http://").then(|| url.to_string())
}

impl Sim {
    /// Starts the crate's `hostform-sim` on a free port with the test time scale.
    pub fn start() -> Sim {
        Sim::start_with_time_scale(TEST_TIME_SCALE)
    }

    pub fn start_with_time_scale(time_scale: u32) -> Sim {
        let binary = env!("CARGO_BIN_EXE_hostform-sim");
        let log_dir = tempfile::tempdir().expect("temp dir for the simulator log");
        let log = log_dir.path().join("hostform-sim.log");
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--time-scale"])
            .arg(time_scale.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(&log).expect("create the simulator log"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let first_line = first_line_then_drain(child.stdout.take().expect("piped stdout"));
        let url = match first_line.as_deref().and_then(parse_listen_line) {
            Some(url) => url,
            None => {
                let exited = child.try_wait().ok().flatten();
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{binary} did not announce its address (first stdout line: {first_line:?}, \
                     exit status: {exited:?}; it gets 30 s)\n--- its stderr ---\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
        };
        Sim {
            child,
            url,
            log,
            _log_dir: log_dir,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// What `HOSTHATCH_ENDPOINT` must be for the provider to talk to this simulator.
    pub fn hosthatch_endpoint(&self) -> String {
        format!("{}/hosthatch/api/v1", self.url)
    }

    /// What `HOSTER_ENDPOINT` must be for the provider to talk to this simulator.
    pub fn hoster_endpoint(&self) -> String {
        format!("{}/hoster/api/v1", self.url)
    }

    /// What `OPENHOSTING_ENDPOINT` must be for the provider to talk to this simulator.
    pub fn openhosting_endpoint(&self) -> String {
        format!("{}/openhosting", self.url)
    }

    /// The SHA-256 (hex) of the first `length` bytes of an Open Hosting drive.
    pub fn openhosting_drive_sha256(&self, uuid: &str, length: u64) -> String {
        let answer = self.admin_get(&format!("openhosting/drives/{uuid}/sha256?length={length}"));
        answer["sha256"].as_str().unwrap_or_default().to_string()
    }

    /// Endpoints, credentials (2FA by TOTP secret) and a fast poll interval for the simulated
    /// Terrahost and Gigahost accounts, as `TERRAHOST_*` / `GIGAHOST_*` environment variables.
    pub fn terrahost_env(&self) -> Vec<(String, String)> {
        use hostform::sim::terrahost::model::{
            DEFAULT_PASSWORD, DEFAULT_TOTP_SECRET, DEFAULT_USERNAME,
        };
        let mut env = Vec::new();
        for (prefix, path) in [
            ("TERRAHOST", "terrahost/api/v3"),
            ("GIGAHOST", "gigahost/api/v0"),
        ] {
            env.push((format!("{prefix}_ENDPOINT"), format!("{}/{path}", self.url)));
            env.push((format!("{prefix}_USERNAME"), DEFAULT_USERNAME.to_string()));
            env.push((format!("{prefix}_PASSWORD"), DEFAULT_PASSWORD.to_string()));
            env.push((
                format!("{prefix}_TOTP_SECRET"),
                DEFAULT_TOTP_SECRET.to_string(),
            ));
        }
        env
    }

    /// The simulator's stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `path` is below `/_sim/`: `"faults"`, `"/faults"` and `"/_sim/faults"` are the same.
    pub fn admin_url(&self, path: &str) -> String {
        let path = path.trim_start_matches('/');
        let path = path.strip_prefix("_sim/").unwrap_or(path);
        format!("{}/_sim/{}", self.url, path)
    }

    pub fn admin_get(&self, path: &str) -> Value {
        self.admin("GET", path, None)
    }

    pub fn admin_post(&self, path: &str, body: Value) -> Value {
        self.admin("POST", path, Some(&body))
    }

    pub fn admin_patch(&self, path: &str, body: Value) -> Value {
        self.admin("PATCH", path, Some(&body))
    }

    pub fn admin_delete(&self, path: &str) -> Value {
        self.admin("DELETE", path, None)
    }

    /// Everything the simulator holds, per vendor (`GET /_sim/state`).
    pub fn state(&self) -> Value {
        self.admin_get("state")
    }

    /// Ids of the HostHatch servers the simulator holds, as strings.
    pub fn hosthatch_server_ids(&self) -> Vec<String> {
        let state = self.state();
        let servers = state["hosthatch"]["servers"].as_array().cloned();
        servers
            .unwrap_or_default()
            .iter()
            .map(|server| id_string(&server["id"]))
            .collect()
    }

    /// Panics, listing what is left, unless the simulator holds no objects.
    pub fn assert_empty(&self) {
        let reply = self.admin_get("empty");
        if reply["empty"].as_bool() != Some(true) {
            panic!(
                "the simulator is not empty; left behind:\n{}",
                serde_json::to_string_pretty(&reply["left"]).unwrap_or_default()
            );
        }
    }

    fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let url = self.admin_url(path);
        let HttpReply { status, body } = request_json(method, &url, body);
        if !(200..300).contains(&status) {
            panic!("{method} {url} answered {status}: {body}");
        }
        body
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A JSON id (number or string) as a string, the form Terraform uses.
fn id_string(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Reads the first line (waiting up to 30 s), then keeps draining the pipe in the
/// background so the simulator never blocks on a full stdout.
fn first_line_then_drain(stdout: impl io::Read + Send + 'static) -> Option<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let got = reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false);
        let _ = sender.send(got.then_some(line));
        let _ = io::copy(&mut reader, &mut io::sink());
    });
    receiver
        .recv_timeout(Duration::from_secs(30))
        .ok()
        .flatten()
}
