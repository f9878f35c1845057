//! HosterAPI faults: armed job failures and never-finishing jobs, injected HTTP faults in the
//! vendor's envelope, out-of-band changes, reset and leftovers.

use reqwest::Method;
use serde_json::json;

use super::{small_vm, Hoster};

#[tokio::test]
async fn armed_failure_fails_the_next_job_of_its_kind_only() {
    let hoster = Hoster::start().await;
    let (vm, _) = hoster.ready_vm().await;
    hoster
        .arm_jobs(json!({"outcome": "fail", "kind": "reinstall", "output": "0xa3: timeout"}))
        .await;
    let create = hoster.create_job(small_vm()).await;
    let reinstall = hoster
        .result(
            Method::PUT,
            &format!("/datacenter/server/{vm}/reinstall"),
            None,
        )
        .await["jobId"]
        .as_u64()
        .expect("jobId");
    hoster.advance(30).await;
    assert_eq!(hoster.job(create).await["status"], "finished");
    let failed = hoster.job(reinstall).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["progress"], 0.33);
    assert_eq!(failed["output"], "0xa3: timeout");
    assert_eq!(
        hoster.vm_state(vm).await,
        "stopped",
        "a failed reinstall leaves it stopped"
    );
    assert_eq!(
        hoster
            .result(Method::PUT, &format!("/datacenter/server/{vm}/start"), None)
            .await,
        json!(true)
    );
}

#[tokio::test]
async fn a_failed_create_removes_the_vm() {
    let hoster = Hoster::start().await;
    hoster
        .arm_jobs(json!({"outcome": "fail", "count": 2}))
        .await;
    let first = hoster.create_job(small_vm()).await;
    let second = hoster.create_job(small_vm()).await;
    let third = hoster.create_job(small_vm()).await;
    hoster.advance(30).await;
    assert_eq!(
        hoster.job(first).await["output"],
        "0xb0: Requested resources exceed administrative limits"
    );
    assert_eq!(hoster.job(second).await["status"], "failed");
    assert_eq!(hoster.job(third).await["status"], "finished");
    assert_eq!(
        hoster.result(Method::GET, "/datacenter/server", None).await,
        json!([4003])
    );
}

#[tokio::test]
async fn a_never_finishing_job_stays_executing_and_its_vm_is_left_over() {
    let hoster = Hoster::start().await;
    hoster
        .arm_jobs(json!({"outcome": "never_finish", "kind": "create"}))
        .await;
    let job = hoster.create_job(small_vm()).await;
    hoster.advance(100_000).await;
    let stuck = hoster.job(job).await;
    assert_eq!(
        stuck,
        json!({"status": "executing", "progress": 0.5, "output": null})
    );
    assert_eq!(hoster.leftovers().await, vec!["hoster vm 4001".to_owned()]);
    let stuck_power = hoster.put("/datacenter/server/4001/start", None).await;
    assert_eq!(stuck_power.status, 500);
    let forced = hoster
        .post("/datacenter/server/4001/delete", json!({"force": true}))
        .await;
    assert_eq!(forced.status, 200);
    assert!(hoster.leftovers().await.is_empty());
    let bad = hoster
        .sim
        .admin(
            Method::POST,
            "/hoster/next_jobs",
            Some(json!({"outcome": "explode"})),
        )
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn injected_http_faults_use_the_hoster_envelope() {
    let hoster = Hoster::start().await;
    let armed = hoster
        .sim
        .admin(
            Method::POST,
            "/faults",
            Some(json!({"vendor": "hoster", "kind": "status", "status": 500,
                        "path_contains": "/datacenter/server"})),
        )
        .await;
    assert_eq!(armed.status, 200, "{}", armed.text);
    let failed = hoster.post("/datacenter/server", small_vm()).await;
    assert_eq!(failed.status, 500);
    assert_eq!(failed.body["result"], false);
    assert!(failed.body["error"]
        .as_str()
        .unwrap_or_default()
        .starts_with("0xa3"));
    assert_eq!(
        hoster.result(Method::GET, "/datacenter/server", None).await,
        json!([])
    );
    let armed = hoster
        .sim
        .admin(
            Method::POST,
            "/faults",
            Some(json!({"vendor": "hoster", "kind": "status", "status": 429, "retry_after": 2})),
        )
        .await;
    assert_eq!(armed.status, 200, "{}", armed.text);
    let limited = hoster.get("/datacenter/templates").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.body["error"], "0x04: too many requests");
    let stats = hoster.sim.admin(Method::GET, "/stats", None).await.body;
    assert!(stats.to_string().contains("/datacenter/server"), "{stats}");
}

#[tokio::test]
async fn out_of_band_changes_reset_and_leftovers() {
    let hoster = Hoster::start().await;
    let (vm, _) = hoster.ready_vm().await;
    let patched = hoster
        .sim
        .admin(
            Method::PATCH,
            &format!("/hoster/vms/{vm}"),
            Some(json!({"state": "stopped", "cpuCores": 6, "ipCount": 2})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(hoster.vm_state(vm).await, "stopped");
    assert_eq!(hoster.config(vm).await["cpuCores"], 6);
    assert_eq!(
        hoster.config(vm).await["ips"].as_array().map(Vec::len),
        Some(3)
    );
    let deleted = hoster
        .sim
        .admin(Method::DELETE, &format!("/hoster/vms/{vm}"), None)
        .await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        hoster
            .get(&format!("/datacenter/server/{vm}/config"))
            .await
            .status,
        404
    );

    hoster.ready_vm().await;
    hoster
        .post(
            "/datacenter/dedicated/order",
            json!({"id": 9, "template": "Debian Buster"}),
        )
        .await;
    assert_eq!(
        hoster.leftovers().await,
        vec!["hoster vm 4002".to_owned(), "hoster dedicated 9".to_owned()]
    );
    let empty = hoster.sim.admin(Method::GET, "/empty", None).await;
    assert_eq!(empty.body["empty"], false);
    let state = hoster.state().await;
    assert_eq!(state["dedicated"][0]["hostname"], json!(null));
    assert_eq!(state["jobs"].as_array().map(Vec::len), Some(2));
    hoster.sim.admin(Method::POST, "/reset", None).await;
    assert!(hoster.leftovers().await.is_empty());
    assert_eq!(hoster.state().await["jobs"], json!([]));
}

#[tokio::test]
async fn numbers_as_strings_quirk_rewrites_every_number() {
    let hoster = Hoster::start().await;
    let (vm, _) = hoster.ready_vm().await;
    let switched = hoster
        .sim
        .admin(
            Method::POST,
            "/hoster/quirks",
            Some(json!({"numbers_as_strings": true})),
        )
        .await;
    assert_eq!(switched.status, 200, "{}", switched.text);
    assert_eq!(
        hoster.result(Method::GET, "/datacenter/server", None).await,
        json!([vm.to_string()])
    );
    let config = hoster.config(vm).await;
    assert_eq!(config["cpuCores"], "2");
    assert_eq!(config["disk"], "10G");
    let job = hoster.job(1).await;
    assert_eq!(job["progress"], "1");
    assert_eq!(job["output"]["vmid"], vm.to_string());
    let missing = hoster.get("/datacenter/server/1/config").await;
    assert_eq!(missing.body["result"], false);
    hoster
        .sim
        .admin(Method::POST, "/hoster/quirks", Some(json!({})))
        .await;
    assert_eq!(hoster.config(vm).await["cpuCores"], 2);
}

#[tokio::test]
async fn the_state_shows_how_often_and_when_a_job_was_seen_ended() {
    let hoster = Hoster::start().await;
    let job = hoster.create_job(small_vm()).await;
    hoster.job(job).await;
    hoster.advance(30).await;
    hoster.job(job).await;
    hoster.job(job).await;
    let shown = &hoster.state().await["jobs"][0];
    assert_eq!(shown["looks"], 3);
    let ends_at = shown["ends_at"].as_f64().expect("ends_at");
    let seen = shown["end_seen_at"].as_f64().expect("end_seen_at");
    assert!(seen >= ends_at && seen < ends_at + 20.0, "{shown}");
}
