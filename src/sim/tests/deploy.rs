//! `POST /deploy`: validation, provisioning on the virtual clock, armed outcomes.

use reqwest::Method;
use serde_json::json;

use super::{deploy_body, TestSim};

#[tokio::test]
async fn empty_deploy_names_every_required_field() {
    let sim = TestSim::start().await;
    let answer = sim.post("/deploy", json!({})).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.body["message"], "Validation failed");
    let errors = answer.body["errors"].as_array().expect("errors");
    for field in ["product", "location", "billing", "image", "hostname"] {
        let message = format!("The {field} field is required.");
        assert!(
            errors.contains(&json!(message)),
            "{message} missing in {errors:?}"
        );
    }
}

#[tokio::test]
async fn invalid_values_are_each_reported() {
    let sim = TestSim::start().await;
    let answer = sim
        .post(
            "/deploy",
            json!({
                "product": "nvme-2gb", "location": "STO", "billing": "yearly",
                "image": "windows", "hostname": "bad_name",
                "features": {"ipv6": "yes", "additional-ipv4": 9, "ssh_keys": [4242]}
            }),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.body["errors"],
        json!([
            "The product nvme-2gb is out of stock in STO.",
            "The selected billing is invalid.",
            "The selected image is invalid.",
            "The hostname format is invalid.",
            "The selected features.additional-ipv4 is invalid.",
            "The selected features.ipv6 is invalid.",
            "The selected features.ssh_keys.0 is invalid.",
        ])
    );
    let unknown_location = sim
        .post("/deploy", json!({"product": "nvme-2gb", "location": "XYZ"}))
        .await;
    assert!(unknown_location.body["errors"]
        .as_array()
        .expect("errors")
        .contains(&json!("The selected location is invalid.")));
}

#[tokio::test]
async fn malformed_body_is_an_error_envelope() {
    let sim = TestSim::start().await;
    let response = sim
        .client
        .post(format!("{}{}/deploy", sim.base, super::API))
        .bearer_auth(super::TOKEN)
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["result"], "error");
}

#[tokio::test]
async fn deploy_goes_pending_then_active() {
    let sim = TestSim::start().await;
    let key = sim.add_key().await;
    let mut body = deploy_body("web-1.example.com");
    body["features"] = json!({"ipv6": true, "additional-ipv4": "2", "ssh_keys": [key]});
    let answer = sim.post("/deploy", body).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let data = &answer.body["data"];
    assert_eq!(data["server_id"], 112233);
    assert_eq!(data["invoice_id"], 445566);
    assert_eq!(data["requires_payment"], false);
    assert!(data.get("outstanding_balance").is_none());

    let server = sim.get("/servers/112233").await.body["data"]["server"].clone();
    assert_eq!(server["state"], "Pending");
    assert_eq!(server["product"]["image"], "Ubuntu 22.04 64-bit");
    assert_eq!(
        server["product"]["available_upgrades"],
        json!(["nvme-4gb", "nvme-8gb", "nvme-16gb"])
    );
    assert_eq!(server["network"]["primary_ipaddress"], "203.0.113.1");
    assert_eq!(server["billing"]["recurring_cost"], 20);
    assert_eq!(server["billing"]["initial_cost"], 24);
    assert_eq!(server["created"].as_str().map(str::len), Some(10));
    assert_eq!(sim.server_status(112233).await, "offline");

    sim.advance(61).await;
    assert_eq!(sim.server_state(112233).await, "Active");
    assert_eq!(sim.server_status(112233).await, "online");

    let second = sim.deploy("web-2").await;
    assert_eq!(second, 112234);
    let listed = sim.get("/servers").await;
    assert_eq!(
        listed.body["data"]["servers"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        listed.body["data"]["servers"][1]["network"]["primary_ipaddress"],
        "203.0.113.2"
    );
}

#[tokio::test]
async fn requires_payment_waits_for_the_invoice() {
    let sim = TestSim::start().await;
    sim.admin(
        Method::POST,
        "/hosthatch/next_deploy",
        Some(json!({"requires_payment": true})),
    )
    .await;
    let answer = sim.post("/deploy", deploy_body("unpaid")).await;
    assert_eq!(answer.status, 200);
    let data = &answer.body["data"];
    assert_eq!(data["requires_payment"], true);
    assert_eq!(
        data["outstanding_balance"],
        json!({"price": 20, "currency": "USD"})
    );
    let invoice = data["invoice_id"].as_u64().expect("invoice");
    let server = data["server_id"].as_u64().expect("server");

    sim.advance(600).await;
    assert_eq!(sim.server_state(server).await, "Pending");
    let paid = sim
        .admin(
            Method::POST,
            &format!("/hosthatch/invoices/{invoice}/pay"),
            None,
        )
        .await;
    assert_eq!(paid.status, 200);
    sim.advance(30).await;
    assert_eq!(sim.server_state(server).await, "Pending");
    sim.advance(31).await;
    assert_eq!(sim.server_state(server).await, "Active");

    // The outcome applied to one deploy only.
    let next = sim.post("/deploy", deploy_body("paid")).await;
    assert_eq!(next.status, 201);
}

#[tokio::test]
async fn never_active_stays_pending() {
    let sim = TestSim::start().await;
    sim.admin(
        Method::POST,
        "/hosthatch/next_deploy",
        Some(json!({"never_active": true})),
    )
    .await;
    let id = sim.deploy("stuck").await;
    sim.advance(10_000).await;
    assert_eq!(sim.server_state(id).await, "Pending");
    assert_eq!(sim.server_status(id).await, "offline");
}
