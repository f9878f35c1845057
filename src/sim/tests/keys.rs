//! SSH key CRUD, the odd key shape and the malformed-JSON quirk.

use reqwest::Method;
use serde_json::json;

use super::TestSim;

#[tokio::test]
async fn keys_crud() {
    let sim = TestSim::start().await;
    let invalid = sim
        .post("/keys", json!({"type": "pgp", "value": "not-a-key"}))
        .await;
    assert_eq!(invalid.status, 422);
    assert_eq!(
        invalid.body["errors"],
        json!([
            "The description field is required.",
            "The selected type is invalid.",
            "The value must be a valid SSH public key."
        ])
    );

    let id = sim.add_key().await;
    assert_eq!(id, 1234);
    let shown = sim.get(&format!("/keys/{id}")).await;
    assert_eq!(
        shown.body["data"]["key"],
        json!({"id": 1234, "type": "sshkey", "description": "laptop", "value": "ssh-ed25519 AAAAC3Nz test"})
    );
    let listed = sim.get("/keys").await;
    assert_eq!(listed.body["data"]["keys"][0]["id"], 1234);

    let deleted = sim.call(Method::DELETE, &format!("/keys/{id}"), None).await;
    assert_eq!(deleted.body, json!({"result": "success", "data": null}));
    assert_eq!(sim.get(&format!("/keys/{id}")).await.status, 404);
    assert_eq!(
        sim.call(Method::DELETE, &format!("/keys/{id}"), None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn odd_key_shape_quirk() {
    let sim = TestSim::start().await;
    let id = sim.add_key().await;
    sim.admin(
        Method::POST,
        "/hosthatch/quirks",
        Some(json!({"odd_key_shape": true})),
    )
    .await;
    let shown = sim.get(&format!("/keys/{id}")).await;
    assert_eq!(
        shown.body["data"]["key"],
        json!({"id": id, "type": "sshkey", "state": "laptop", "created": "ssh-ed25519 AAAAC3Nz test"})
    );
}

#[tokio::test]
async fn malformed_json_quirk() {
    let sim = TestSim::start().await;
    let id = sim.deploy("quirky").await;
    sim.admin(
        Method::POST,
        "/hosthatch/quirks",
        Some(json!({"malformed_json": true})),
    )
    .await;
    let status = sim.get(&format!("/servers/{id}/status")).await;
    assert_eq!(status.status, 200);
    assert_eq!(
        status.text,
        r#"{"result":"success",,"data":{"status":"offline",},}"#
    );
    assert!(serde_json::from_str::<serde_json::Value>(&status.text).is_err());
    sim.admin(
        Method::POST,
        "/hosthatch/quirks",
        Some(json!({"malformed_json": false})),
    )
    .await;
    let valid = sim.get(&format!("/servers/{id}/status")).await;
    assert_eq!(valid.body["data"]["status"], "offline");
}

#[tokio::test]
async fn out_of_band_key_changes() {
    let sim = TestSim::start().await;
    let id = sim.add_key().await;
    let patched = sim
        .admin(
            Method::PATCH,
            &format!("/hosthatch/keys/{id}"),
            Some(json!({"description": "drifted"})),
        )
        .await;
    assert_eq!(patched.status, 200);
    assert_eq!(
        sim.get(&format!("/keys/{id}")).await.body["data"]["key"]["description"],
        "drifted"
    );
    let deleted = sim
        .admin(Method::DELETE, &format!("/hosthatch/keys/{id}"), None)
        .await;
    assert_eq!(deleted.status, 200);
    assert_eq!(sim.get(&format!("/keys/{id}")).await.status, 404);
}
