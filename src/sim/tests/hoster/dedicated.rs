//! HosterAPI dedicated servers: market, order (found by listing), `orderComplete` on the
//! virtual clock, actions, reinstall, terminate, and the armed order outcomes.

use reqwest::Method;
use serde_json::{json, Value};

use super::Hoster;

fn order_body(id: u64) -> Value {
    json!({"id": id, "template": "Debian Buster", "ipCount": "2", "hostname": "myserver.example.com"})
}

async fn owned(hoster: &Hoster) -> Value {
    hoster
        .result(Method::GET, "/datacenter/dedicated", None)
        .await
}

async fn market_ids(hoster: &Hoster) -> Vec<u64> {
    let market = hoster
        .result(Method::GET, "/datacenter/dedicated/market", None)
        .await;
    market
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|entry| entry["id"].as_u64())
        .collect()
}

async fn dedicated_state(hoster: &Hoster, id: u64) -> Value {
    let path = format!("/datacenter/dedicated/{id}/status");
    hoster.result(Method::GET, &path, None).await["state"].clone()
}

#[tokio::test]
async fn market_shows_the_document_shapes() {
    let hoster = Hoster::start().await;
    let market = hoster
        .result(Method::GET, "/datacenter/dedicated/market", None)
        .await;
    let first = &market[0];
    assert_eq!(first["id"], 9);
    assert_eq!(first["model"], "HP ProLiant BL460c G8");
    assert_eq!(first["configuration"]["cpu"]["count"], "1");
    assert_eq!(first["configuration"]["price"], 39);
    assert_eq!(
        first["configuration"]["location"]["name"],
        "Maincubes, Frankfurt"
    );
    assert!(market
        .as_array()
        .expect("list")
        .iter()
        .any(|m| m["description"].is_null()));
}

#[tokio::test]
async fn an_order_is_found_by_listing_and_completes_later() {
    let hoster = Hoster::start().await;
    let ordered = hoster
        .result(
            Method::POST,
            "/datacenter/dedicated/order",
            Some(order_body(9)),
        )
        .await;
    assert_eq!(ordered, json!(true));
    assert_eq!(
        owned(&hoster).await,
        json!([{"id": 9, "orderComplete": false}])
    );
    assert!(!market_ids(&hoster).await.contains(&9));
    let early = hoster.put("/datacenter/dedicated/9/start", None).await;
    assert_eq!(early.status, 500);
    assert_eq!(
        early.body["error"],
        "0xa1: failed to send start signal to vm"
    );
    let again = hoster
        .post("/datacenter/dedicated/order", order_body(9))
        .await;
    assert_eq!(again.status, 404, "a sold machine is not on the market");
    hoster.advance(61).await;
    assert_eq!(
        owned(&hoster).await,
        json!([{"id": 9, "orderComplete": true}])
    );
    let status = hoster
        .result(Method::GET, "/datacenter/dedicated/9/status", None)
        .await;
    assert_eq!(status, json!({"state": "running"}));
    let config = hoster
        .result(Method::GET, "/datacenter/dedicated/9/config", None)
        .await;
    assert_eq!(config["template"], "Debian Buster");
    assert_eq!(config["ips"].as_array().map(Vec::len), Some(2));
    assert_eq!(config["ssh"]["user"]["username"], "user");
    assert!(config["ssh"]["root"]["password"].is_string());
    assert_eq!(config["configuration"]["storage"]["type"], "SSD");
    let console = hoster
        .result(Method::GET, "/datacenter/dedicated/9/console", None)
        .await;
    assert!(console
        .as_str()
        .is_some_and(|url| url.starts_with("https://")));
}

#[tokio::test]
async fn power_reinstall_and_terminate() {
    let hoster = Hoster::start().await;
    hoster
        .post("/datacenter/dedicated/order", order_body(84))
        .await;
    hoster.advance(61).await;
    hoster
        .result(Method::PUT, "/datacenter/dedicated/84/shutdown", None)
        .await;
    hoster.advance(6).await;
    assert_eq!(dedicated_state(&hoster, 84).await, "halted");
    hoster
        .result(Method::PUT, "/datacenter/dedicated/84/start", None)
        .await;
    hoster.advance(6).await;
    assert_eq!(dedicated_state(&hoster, 84).await, "running");
    hoster
        .result(Method::PUT, "/datacenter/dedicated/84/reboot", None)
        .await;
    let before = hoster
        .result(Method::GET, "/datacenter/dedicated/84/config", None)
        .await;
    let reinstall = hoster
        .result(
            Method::PUT,
            "/datacenter/dedicated/84/reinstall",
            Some(json!({"template": "Proxmox VE 6", "hostname": "pve.example.com"})),
        )
        .await;
    assert_eq!(reinstall, json!(true));
    assert_eq!(dedicated_state(&hoster, 84).await, "halted");
    hoster.advance(30).await;
    assert_eq!(dedicated_state(&hoster, 84).await, "running");
    let after = hoster
        .result(Method::GET, "/datacenter/dedicated/84/config", None)
        .await;
    assert_eq!(after["template"], "Proxmox VE 6");
    assert_ne!(
        after["ssh"]["root"]["password"],
        before["ssh"]["root"]["password"]
    );
    let missing = hoster
        .put("/datacenter/dedicated/84/reinstall", Some(json!({})))
        .await;
    assert_eq!(
        missing.body["error"],
        "0xb1: Missing required parameter template"
    );
    assert_eq!(
        hoster.leftovers().await,
        vec!["hoster dedicated 84".to_owned()]
    );
    let gone = hoster
        .result(Method::POST, "/datacenter/dedicated/84/terminate", None)
        .await;
    assert_eq!(gone, json!(true));
    assert_eq!(owned(&hoster).await, json!([]));
    assert!(market_ids(&hoster).await.contains(&84));
    assert_eq!(
        hoster
            .post("/datacenter/dedicated/84/terminate", json!({}))
            .await
            .status,
        404
    );
    assert!(hoster.leftovers().await.is_empty());
}

#[tokio::test]
async fn armed_order_outcomes_never_complete_or_vanish() {
    let hoster = Hoster::start().await;
    let arm = |outcome: &'static str| {
        let hoster = &hoster;
        async move {
            let answer = hoster
                .sim
                .admin(
                    Method::POST,
                    "/hoster/next_order",
                    Some(json!({"outcome": outcome})),
                )
                .await;
            assert_eq!(answer.status, 200, "{}", answer.text);
        }
    };
    arm("never_complete").await;
    hoster
        .post("/datacenter/dedicated/order", order_body(10))
        .await;
    arm("vanish").await;
    hoster
        .post("/datacenter/dedicated/order", order_body(11))
        .await;
    hoster
        .post("/datacenter/dedicated/order", order_body(12))
        .await;
    hoster.advance(3600).await;
    assert_eq!(
        owned(&hoster).await,
        json!([{"id": 10, "orderComplete": false}, {"id": 12, "orderComplete": true}])
    );
    assert!(market_ids(&hoster).await.contains(&11));
}

#[tokio::test]
async fn bad_orders_are_refused() {
    let hoster = Hoster::start().await;
    let unknown = hoster
        .post("/datacenter/dedicated/order", order_body(1234))
        .await;
    assert_eq!(unknown.status, 404);
    let mut body = order_body(9);
    body["template"] = json!("Windows");
    assert_eq!(
        hoster
            .post("/datacenter/dedicated/order", body)
            .await
            .status,
        400
    );
    let missing = hoster
        .post("/datacenter/dedicated/order", json!({"id": 9}))
        .await;
    assert_eq!(
        missing.body["error"],
        "0xb1: Missing required parameter template"
    );
    assert_eq!(owned(&hoster).await, json!([]));
}
