//! Power actions, upgrade and cancel of a server.

use reqwest::Method;
use serde_json::json;

use super::TestSim;

async fn active_server(sim: &TestSim) -> u64 {
    let id = sim.deploy("actions").await;
    sim.advance(60).await;
    assert_eq!(sim.server_state(id).await, "Active");
    id
}

#[tokio::test]
async fn power_actions_change_status_after_a_while() {
    let sim = TestSim::start().await;
    let pending = sim.deploy("pending").await;
    let refused = sim
        .post(&format!("/servers/{pending}/boot"), json!({}))
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.body["message"], "Server is not active");

    let id = active_server(&sim).await;
    let shutdown = sim
        .call(Method::POST, &format!("/servers/{id}/shutdown"), None)
        .await;
    assert_eq!(shutdown.status, 200);
    assert_eq!(shutdown.body, json!({"result": "success", "data": null}));
    assert_eq!(sim.server_status(id).await, "online");
    sim.advance(10).await;
    assert_eq!(sim.server_status(id).await, "offline");

    sim.call(Method::POST, &format!("/servers/{id}/boot"), None)
        .await;
    sim.advance(10).await;
    assert_eq!(sim.server_status(id).await, "online");

    sim.call(Method::POST, &format!("/servers/{id}/reboot"), None)
        .await;
    assert_eq!(sim.server_status(id).await, "offline");
    sim.advance(20).await;
    assert_eq!(sim.server_status(id).await, "online");
}

#[tokio::test]
async fn upgrade_changes_the_product_later() {
    let sim = TestSim::start().await;
    let id = active_server(&sim).await;
    let path = format!("/servers/{id}/upgrade");
    let missing = sim.call(Method::PUT, &path, Some(json!({}))).await;
    assert_eq!(missing.status, 422);
    assert_eq!(
        missing.body["errors"],
        json!(["The product field is required."])
    );
    let same = sim
        .call(Method::PUT, &path, Some(json!({"product": "nvme-2gb"})))
        .await;
    assert_eq!(same.status, 422);

    let upgraded = sim
        .call(
            Method::PUT,
            &path,
            Some(json!({"product": "nvme-8gb", "upgrade_disk": false})),
        )
        .await;
    assert_eq!(upgraded.status, 201, "{}", upgraded.text);
    assert_eq!(upgraded.body["data"]["requires_payment"], false);
    assert_eq!(upgraded.body["data"]["invoice_id"], 445567);
    let product = |answer: &super::Answer| answer.body["data"]["server"]["product"]["_id"].clone();
    assert_eq!(
        product(&sim.get(&format!("/servers/{id}")).await),
        "nvme-2gb"
    );
    sim.advance(30).await;
    let after = sim.get(&format!("/servers/{id}")).await;
    assert_eq!(product(&after), "nvme-8gb");
    assert_eq!(
        after.body["data"]["server"]["product"]["available_upgrades"],
        json!(["nvme-16gb"])
    );
    assert_eq!(
        after.body["data"]["server"]["billing"]["recurring_cost"],
        50
    );
}

#[tokio::test]
async fn immediate_cancel_makes_the_server_disappear() {
    let sim = TestSim::start().await;
    let id = active_server(&sim).await;
    let path = format!("/servers/{id}/cancel");
    let no_reason = sim
        .call(Method::PUT, &path, Some(json!({"immediate": true})))
        .await;
    assert_eq!(no_reason.status, 422);
    assert_eq!(
        no_reason.body["errors"],
        json!(["The reason field is required."])
    );

    let cancelled = sim
        .call(
            Method::POST,
            &path,
            Some(json!({"reason": "done", "immediate": true})),
        )
        .await;
    assert_eq!(cancelled.status, 200);
    assert_eq!(sim.server_state(id).await, "Cancelled");
    sim.advance(10).await;
    assert_eq!(sim.get(&format!("/servers/{id}")).await.status, 404);
    assert_eq!(sim.get("/servers").await.body["data"]["servers"], json!([]));
    let again = sim
        .call(Method::PUT, &path, Some(json!({"reason": "x"})))
        .await;
    assert_eq!(again.status, 404);
    let state = sim.admin(Method::GET, "/state", None).await;
    assert_eq!(state.body["hosthatch"]["servers"], json!([]));
    assert_eq!(
        sim.admin(Method::GET, "/empty", None).await.body["empty"],
        true
    );
}

#[tokio::test]
async fn cancel_at_period_end_keeps_the_server() {
    let sim = TestSim::start().await;
    let id = active_server(&sim).await;
    let answer = sim
        .call(
            Method::PUT,
            &format!("/servers/{id}/cancel"),
            Some(json!({"reason": "later"})),
        )
        .await;
    assert_eq!(answer.status, 200);
    sim.advance(1000).await;
    assert_eq!(sim.server_state(id).await, "Active");
    let state = sim.admin(Method::GET, "/state", None).await;
    assert_eq!(
        state.body["hosthatch"]["servers"][0]["cancel_at_period_end"],
        true
    );
    let unknown = sim
        .call(
            Method::PUT,
            "/servers/1/cancel",
            Some(json!({"reason": "x"})),
        )
        .await;
    assert_eq!(unknown.status, 404);
}
