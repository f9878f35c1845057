//! `hostform-sim --state-file` and `--fixtures` as a user runs them: an object created through
//! the API is still there after SIGTERM and a restart; a corrupt state file or a fixtures file
//! with an unknown key stops the start with a clear message.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

const TOKEN: &str = "state-file-test-token";

/// A simulator child process and its base URL.
struct RunningSim {
    child: Child,
    url: String,
}

fn start(state_file: &Path, log: &Path) -> RunningSim {
    start_with(&[OsStr::new("--state-file"), state_file.as_os_str()], log)
}

/// Starts `hostform-sim` on a free port with `args`, stderr to `log`; waits for its address.
fn start_with(args: &[&OsStr], log: &Path) -> RunningSim {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hostform-sim"))
        .args(["--listen", "127.0.0.1:0", "--token", TOKEN])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).expect("create the log"))
        .spawn()
        .expect("start hostform-sim");
    let mut first_line = String::new();
    let stdout = child.stdout.take().expect("piped stdout");
    BufReader::new(stdout)
        .read_line(&mut first_line)
        .expect("read the listen line");
    let url = first_line
        .trim_end()
        .strip_prefix("hostform-sim listening on ")
        .unwrap_or_else(|| panic!("no listen line: {first_line:?}, log: {}", read(log)))
        .to_owned();
    RunningSim { child, url }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Sends SIGTERM, as a CI runner or `docker stop` would, and waits for a clean exit.
fn terminate(mut sim: RunningSim, log: &Path) {
    let status = Command::new("kill")
        .args(["-TERM", &sim.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let exit = sim.child.wait().expect("wait for hostform-sim");
    assert!(exit.success(), "exit {exit:?}, log: {}", read(log));
}

async fn keys(client: &reqwest::Client, sim: &RunningSim) -> Value {
    let response = client
        .get(format!("{}/hosthatch/api/v1/keys", sim.url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("list keys");
    response.json().await.expect("keys JSON")
}

#[tokio::test]
async fn objects_survive_sigterm_and_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state_file = dir.path().join("sim-state.json");
    let log = dir.path().join("sim.log");
    let client = reqwest::Client::new();

    let sim = start(&state_file, &log);
    assert!(state_file.exists(), "saved once at start");
    let created = client
        .post(format!("{}/hosthatch/api/v1/keys", sim.url))
        .bearer_auth(TOKEN)
        .json(&json!({"description": "demo laptop", "type": "sshkey", "value": "ssh-ed25519 AAAAdemo"}))
        .send()
        .await
        .expect("create a key");
    assert!(created.status().is_success(), "{}", read(&log));
    terminate(sim, &log);

    let sim = start(&state_file, &log);
    let listed = keys(&client, &sim).await;
    assert!(listed.to_string().contains("demo laptop"), "{listed}");
    terminate(sim, &log);
}

/// Runs `hostform-sim --state-file PATH`, which must refuse to start; gives its stderr.
fn refused_start(state_file: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_hostform-sim"))
        .args(["--listen", "127.0.0.1:0", "--state-file"])
        .arg(state_file)
        .stdin(Stdio::null())
        .output()
        .expect("run hostform-sim");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "it must not start listening");
    let message = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!message.contains("panicked"), "{message}");
    message
}

#[test]
fn a_corrupt_state_file_stops_the_start_with_a_message_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state_file = dir.path().join("broken.json");
    std::fs::write(&state_file, "{\"version\": 1, \"hosthatch\": ").expect("write");
    let message = refused_start(&state_file);
    assert!(message.contains("broken.json"), "{message}");
    assert!(message.contains("not valid JSON"), "{message}");
}

#[test]
fn an_unwritable_state_file_stops_the_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state_file = dir.path().join("no-such-dir").join("state.json");
    let message = refused_start(&state_file);
    assert!(message.contains("no-such-dir"), "{message}");
}

#[test]
fn a_fixtures_file_with_an_unknown_key_stops_the_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixtures = dir.path().join("fixtures.json");
    std::fs::write(&fixtures, r#"{"hosthatch": {"flavours": []}}"#).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_hostform-sim"))
        .args(["--listen", "127.0.0.1:0", "--fixtures"])
        .arg(&fixtures)
        .stdin(Stdio::null())
        .output()
        .expect("run hostform-sim");
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("fixtures.json"), "{message}");
    assert!(message.contains("flavours"), "{message}");
}

/// Also proves a SIGTERM right after the listen line is handled (a clean exit, state saved).
#[test]
fn the_guides_example_fixtures_are_accepted() {
    let example =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guides/sim-fixtures.example.json");
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("sim.log");
    let sim = start_with(&[OsStr::new("--fixtures"), example.as_os_str()], &log);
    terminate(sim, &log);
}
