//! Injected faults of every kind, request counters, reset, `/_sim/empty` and out-of-band
//! server changes.

use std::time::Instant;

use reqwest::Method;
use serde_json::{json, Value};

use super::{deploy_body, TestSim};

async fn arm(sim: &TestSim, fault: Value) {
    let answer = sim.admin(Method::POST, "/faults", Some(fault)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

async fn server_count(sim: &TestSim) -> usize {
    let state = sim.admin(Method::GET, "/state", None).await;
    state.body["hosthatch"]["servers"]
        .as_array()
        .map_or(0, Vec::len)
}

#[tokio::test]
async fn status_fault_answers_without_processing() {
    let sim = TestSim::start().await;
    arm(
        &sim,
        json!({"vendor": "hosthatch", "kind": "status", "status": 429, "retry_after": 3,
                     "count": 1, "method": "POST", "path_contains": "/deploy"}),
    )
    .await;
    let limited = sim.post("/deploy", deploy_body("a")).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.retry_after.as_deref(), Some("3"));
    assert_eq!(limited.body["result"], "error");
    assert_eq!(server_count(&sim).await, 0);
    let next = sim.post("/deploy", deploy_body("a")).await;
    assert_eq!(next.status, 201);
}

#[tokio::test]
async fn status_after_fault_processes_then_fails() {
    let sim = TestSim::start().await;
    arm(&sim, json!({"vendor": "hosthatch", "kind": "status_after", "status": 500, "path_contains": "/deploy"}))
        .await;
    let lost = sim.post("/deploy", deploy_body("a")).await;
    assert_eq!(lost.status, 500);
    assert_eq!(lost.body["result"], "error");
    assert_eq!(server_count(&sim).await, 1);
}

#[tokio::test]
async fn drop_fault_breaks_the_connection_after_processing() {
    let sim = TestSim::start().await;
    arm(
        &sim,
        json!({"vendor": "hosthatch", "kind": "drop", "path_contains": "/deploy"}),
    )
    .await;
    let dropped = sim
        .client
        .post(format!("{}{}/deploy", sim.base, super::API))
        .bearer_auth(super::TOKEN)
        .json(&deploy_body("a"))
        .send()
        .await;
    let error = dropped.expect_err("expected a transport error before any response");
    assert!(error.status().is_none());
    assert_eq!(server_count(&sim).await, 1);
}

#[tokio::test]
async fn drop_before_fault_breaks_the_connection_without_processing() {
    let sim = TestSim::start().await;
    arm(
        &sim,
        json!({"vendor": "hosthatch", "kind": "drop_before", "method": "POST"}),
    )
    .await;
    let dropped = sim
        .try_call(Method::POST, "/deploy", Some(deploy_body("a")))
        .await;
    assert!(dropped.is_err(), "expected a transport error");
    assert_eq!(server_count(&sim).await, 0);
}

#[tokio::test]
async fn latency_fault_delays_the_answer() {
    let sim = TestSim::start().await;
    arm(
        &sim,
        json!({"vendor": "hosthatch", "kind": "latency", "ms": 300}),
    )
    .await;
    let started = Instant::now();
    let answer = sim.get("/servers").await;
    assert_eq!(answer.status, 200);
    assert!(started.elapsed().as_millis() >= 300);
}

#[tokio::test]
async fn rate_fault_fails_a_share_and_clear_removes_faults() {
    let sim = TestSim::start().await;
    arm(
        &sim,
        json!({"vendor": "hosthatch", "kind": "rate", "status": 429, "share": 1.0,
                     "retry_after": 1, "count": 3}),
    )
    .await;
    for _ in 0..3 {
        assert_eq!(sim.get("/servers").await.status, 429);
    }
    assert_eq!(sim.get("/servers").await.status, 200);
    let stats = sim.admin(Method::GET, "/stats", None).await.body;
    assert_eq!(
        stats["faults_injected"],
        json!({"hosthatch 429 retry-after": 3})
    );

    arm(
        &sim,
        json!({"vendor": "hosthatch", "kind": "rate", "share": 0.0, "count": 5}),
    )
    .await;
    assert_eq!(sim.get("/servers").await.status, 200);
    arm(
        &sim,
        json!({"vendor": "hosthatch", "kind": "status", "status": 503, "count": 9}),
    )
    .await;
    sim.admin(Method::DELETE, "/faults", None).await;
    assert_eq!(sim.get("/servers").await.status, 200);
}

#[tokio::test]
async fn bad_fault_specs_are_refused() {
    let sim = TestSim::start().await;
    for fault in [
        json!({"vendor": "nobody", "kind": "status", "status": 500}),
        json!({"vendor": "hosthatch", "kind": "status"}),
        json!({"vendor": "hosthatch", "kind": "explode"}),
        json!({"vendor": "hosthatch", "kind": "latency"}),
        json!({"vendor": "hosthatch", "kind": "drop", "count": 0}),
        json!({"vendor": "hosthatch", "kind": "drop", "colour": "red"}),
    ] {
        let answer = sim.admin(Method::POST, "/faults", Some(fault)).await;
        assert_eq!(answer.status, 400);
    }
}

#[tokio::test]
async fn stats_count_requests_per_route() {
    let sim = TestSim::start().await;
    let id = sim.deploy("counted").await;
    sim.get(&format!("/servers/{id}")).await;
    sim.get(&format!("/servers/{id}")).await;
    sim.get(&format!("/servers/{id}/status")).await;
    let stats = sim.admin(Method::GET, "/stats", None).await.body;
    assert_eq!(stats["hosthatch"]["POST /deploy"], 1);
    assert_eq!(stats["hosthatch"]["GET /servers/{id}"], 2);
    assert_eq!(stats["hosthatch"]["GET /servers/{id}/status"], 1);
    assert_eq!(stats["total"], 4);
    let busiest = stats["busiest_second"]["hosthatch"].as_u64().unwrap_or(0);
    assert!((1..=4).contains(&busiest), "{stats}");
    assert_eq!(stats["faults_injected"], json!({}));
}

#[tokio::test]
async fn empty_reset_and_out_of_band_changes() {
    let sim = TestSim::start().await;
    assert_eq!(
        sim.admin(Method::GET, "/empty", None).await.body,
        json!({"empty": true, "left": []})
    );
    let id = sim.deploy("drift").await;
    let key = sim.add_key().await;
    let empty = sim.admin(Method::GET, "/empty", None).await.body;
    assert_eq!(empty["empty"], false);
    assert_eq!(
        empty["left"],
        json!([
            format!("hosthatch server {id}"),
            format!("hosthatch key {key}")
        ])
    );

    let patched = sim
        .admin(
            Method::PATCH,
            &format!("/hosthatch/servers/{id}"),
            Some(json!({"hostname": "renamed", "state": "Suspended", "status": "offline", "product": "nvme-4gb"})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let server = sim.get(&format!("/servers/{id}")).await.body["data"]["server"].clone();
    assert_eq!(server["hostname"], "renamed");
    assert_eq!(server["state"], "Suspended");
    assert_eq!(server["product"]["_id"], "nvme-4gb");
    sim.advance(100).await;
    assert_eq!(sim.server_state(id).await, "Suspended");

    let deleted = sim
        .admin(Method::DELETE, &format!("/hosthatch/servers/{id}"), None)
        .await;
    assert_eq!(deleted.status, 200);
    assert_eq!(sim.get(&format!("/servers/{id}")).await.status, 404);

    let state = sim.admin(Method::GET, "/state", None).await.body;
    assert_eq!(state["hosthatch"]["invoices"][0]["id"], 445566);
    sim.admin(Method::POST, "/reset", None).await;
    let state = sim.admin(Method::GET, "/state", None).await.body;
    assert_eq!(state["hosthatch"]["keys"], json!([]));
    assert_eq!(state["hosthatch"]["invoices"], json!([]));
    assert_eq!(
        sim.admin(Method::GET, "/stats", None).await.body,
        json!({"total": 0, "busiest_second": {}, "faults_injected": {}})
    );
    assert_eq!(sim.deploy("fresh").await, 112233);
}

#[tokio::test]
async fn unknown_prefixes_and_admin_routes_are_404() {
    let sim = TestSim::start().await;
    let vendor = sim
        .client
        .get(format!("{}/nobody/api", sim.base))
        .send()
        .await;
    assert_eq!(vendor.expect("send").status().as_u16(), 404);
    assert_eq!(sim.admin(Method::GET, "/nothing", None).await.status, 404);
    let listed = sim.admin(Method::GET, "/faults", None).await;
    assert_eq!(listed.body, json!({"faults": []}));
}
