//! `--state-file` in process: objects of every vendor, drive contents and work still in
//! flight survive a save and a load into a fresh simulator; bad files are clear errors.

use std::path::Path;

use reqwest::Method;
use serde_json::{json, Value};

use super::hoster::{small_vm, Hoster};
use super::terrahost::{login, send};
use super::{TestSim, TOKEN};
use crate::sim::persist;
use crate::sim::SimConfig;

/// A config saving to `path`, with a clock slow enough that only admin skips move time.
fn saving_to(path: &Path) -> SimConfig {
    SimConfig {
        time_scale: 0.001,
        token: TOKEN.to_owned(),
        log_requests: false,
        state_file: Some(path.to_owned()),
    }
}

async fn restarted(path: &Path) -> TestSim {
    let state = persist::open(saving_to(path)).expect("the saved state loads");
    TestSim::start_with_state(state).await
}

async fn admin_get(sim: &TestSim, path: &str) -> Value {
    let answer = sim.admin(Method::GET, path, None).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.text);
    answer.body
}

#[tokio::test]
async fn objects_and_work_in_flight_survive_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.json");
    let first = persist::open(saving_to(&path)).expect("fresh start");
    let hoster = Hoster {
        sim: TestSim::start_with_state(first.clone()).await,
    };
    let sim = &hoster.sim;
    let key = sim.add_key().await;
    let server = sim.deploy("persisted").await;
    let job = hoster.create_job(small_vm()).await;
    let drive = sim.oh_drive("persisted", "1M").await;
    let written = b"contents that span a block boundary".repeat(4000);
    assert_eq!(
        sim.oh_write(&drive, 1000, written.clone()).await.status,
        204
    );
    let digest_path = format!("/openhosting/drives/{drive}/sha256");
    let digest = admin_get(sim, &digest_path).await["sha256"].clone();
    let token = login(sim).await;
    let snapshot = json!({"name": "kept"});
    let created = send(
        sim,
        Method::POST,
        "/servers/3523/snapshot",
        Some(&token),
        Some(snapshot),
    )
    .await;
    assert_eq!(created.0, 200, "{}", created.1);
    let renamed = json!({"label": "renamed"});
    let patched = sim
        .admin(Method::PATCH, "/gigahost/servers/5101", Some(renamed))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    sim.advance(5).await;
    let dump_before = without_faults(admin_get(sim, "/state").await);
    let time_before = admin_get(sim, "/time").await["now_secs"].as_f64();
    drop(hoster);
    persist::save(&first).expect("the shutdown save");

    let sim = restarted(&path).await;
    let dump_after = without_faults(admin_get(&sim, "/state").await);
    assert_eq!(
        differences(&dump_before, &dump_after, "state"),
        Vec::<String>::new()
    );
    let time_after = admin_get(&sim, "/time").await["now_secs"].as_f64();
    assert!(time_after >= time_before && time_before >= Some(5.0));
    assert_eq!(admin_get(&sim, &digest_path).await["sha256"], digest);
    assert_eq!(sim.oh_read(&drive, 1000, 100).await, written[..100]);
    assert!(sim.get("/keys").await.text.contains(&key.to_string()));
    let hoster = Hoster { sim };
    assert_ne!(hoster.job(job).await["status"], "finished");
    assert_eq!(hoster.sim.server_state(server).await, "Pending");
    hoster.advance(60).await;
    assert_eq!(hoster.job(job).await["status"], "finished");
    assert_eq!(hoster.sim.server_state(server).await, "Active");
    assert_ne!(
        hoster.sim.deploy("second").await,
        server,
        "id counters kept"
    );
    let (status, listed) = send(
        &hoster.sim,
        Method::GET,
        "/servers/3523/snapshots",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    assert!(listed.contains("kept"), "{listed}");
}

/// A `/_sim/state` dump without the armed faults, which are not saved.
fn without_faults(mut dump: Value) -> Value {
    if let Some(openhosting) = dump["openhosting"].as_object_mut() {
        openhosting.remove("faults");
    }
    dump
}

/// Where two JSON documents differ, as `path: before != after` lines.
fn differences(before: &Value, after: &Value, path: &str) -> Vec<String> {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter()
                .flat_map(|key| {
                    let (x, y) = (&a.get(key), &b.get(key));
                    let (x, y) = (x.unwrap_or(&Value::Null), y.unwrap_or(&Value::Null));
                    differences(x, y, &format!("{path}.{key}"))
                })
                .collect()
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .flat_map(|(index, (x, y))| differences(x, y, &format!("{path}[{index}]")))
            .collect(),
        _ if before == after => Vec::new(),
        _ => vec![format!("{path}: {before} != {after}")],
    }
}

#[tokio::test]
async fn a_missing_file_starts_fresh_and_is_written_after_a_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("new.json");
    let sim = restarted(&path).await;
    assert!(!path.exists());
    sim.add_key().await;
    let saved: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("saved")).expect("saved JSON");
    assert_eq!(saved["version"], persist::FORMAT_VERSION);
}

fn open_error(path: &Path) -> String {
    match persist::open(saving_to(path)) {
        Ok(_) => panic!("{} should not load", path.display()),
        Err(error) => error.to_string(),
    }
}

#[test]
fn bad_state_files_are_clear_errors_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.json");
    let cases = [
        ("{\"version\": 1, \"hosthatch\": {", "not valid JSON"),
        ("{\"servers\": []}", "no \"version\""),
        ("{\"version\": 2}", "format version 2 is not supported"),
        ("{\"version\": 1}", "does not fit the format"),
    ];
    for (contents, problem) in cases {
        std::fs::write(&path, contents).expect("write");
        let message = open_error(&path);
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains(problem), "{contents}: {message}");
    }
    let message = open_error(dir.path());
    assert!(message.contains("cannot read"), "{message}");
}
