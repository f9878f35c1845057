//! The simulated Terrahost/Gigahost APIs on the wire: login (2FA by TOTP on the wall clock),
//! expiring tokens, the documents' shapes (numbers as strings, a one-element detail list,
//! `powerstate` in `meta`), snapshots on the virtual clock, the malformed-JSON and
//! hidden-server quirks, and what `/_sim/empty` counts.

use reqwest::Method;
use serde_json::{json, Value};

use super::TestSim;
use crate::sim::terrahost::model::{DEFAULT_PASSWORD, DEFAULT_TOTP_SECRET, DEFAULT_USERNAME};
use crate::support::totp;

const TH: &str = "/terrahost/api/v3";

pub(super) async fn send(
    sim: &TestSim,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, String) {
    let mut request = sim
        .client
        .request(method, format!("{}{TH}{path}", sim.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn code() -> String {
    totp::totp_now(&totp::decode_base32(DEFAULT_TOTP_SECRET).unwrap())
}

pub(super) async fn login(sim: &TestSim) -> String {
    let body = json!({"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD, "code": code()});
    let (status, text) = send(sim, Method::POST, "/authenticate", None, Some(body)).await;
    assert_eq!(status, 200, "{text}");
    let json: Value = serde_json::from_str(&text).unwrap();
    assert!(json["data"]["token_expire"].is_string(), "{text}");
    json["data"]["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn login_needs_the_totp_code_and_tokens_expire_on_the_virtual_clock() {
    let sim = TestSim::start().await;
    let no_code = json!({"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD});
    let (status, text) = send(&sim, Method::POST, "/authenticate", None, Some(no_code)).await;
    assert_eq!(status, 401);
    assert!(text.contains("Two-factor"), "{text}");
    let wrong = json!({"username": DEFAULT_USERNAME, "password": "nope", "code": code()});
    assert_eq!(
        send(&sim, Method::POST, "/authenticate", None, Some(wrong))
            .await
            .0,
        401
    );
    let token = login(&sim).await;
    assert_eq!(
        send(&sim, Method::GET, "/servers", Some(&token), None)
            .await
            .0,
        200
    );
    assert_eq!(
        send(&sim, Method::GET, "/servers", Some("guess"), None)
            .await
            .0,
        401
    );
    sim.advance(3601).await;
    let (status, text) = send(&sim, Method::GET, "/servers", Some(&token), None).await;
    assert_eq!(status, 401);
    assert!(text.contains("Token expired"), "{text}");
}

#[tokio::test]
async fn servers_have_the_documented_shapes() {
    let sim = TestSim::start().await;
    let token = login(&sim).await;
    let (_, text) = send(&sim, Method::GET, "/servers", Some(&token), None).await;
    let list: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list["meta"]["status"], 200);
    assert_eq!(list["data"][0]["srv_id"], "3523");
    assert_eq!(list["data"][0]["srv_status"], true);
    let (_, text) = send(&sim, Method::GET, "/servers/3523", Some(&token), None).await;
    let detail: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(detail["data"][0]["subnets"][0]["sub_id"], "7796");
    let (_, text) = send(
        &sim,
        Method::GET,
        "/servers/3523/powerstate",
        Some(&token),
        None,
    )
    .await;
    assert!(text.contains("\"powerstate\":true"), "{text}");
    assert!(!text.contains("\"data\""), "{text}");
}

#[tokio::test]
async fn snapshots_are_listed_then_completed_and_counted_as_leftovers() {
    let sim = TestSim::start().await;
    let token = login(&sim).await;
    let (status, text) = send(
        &sim,
        Method::POST,
        "/servers/3523/snapshot",
        Some(&token),
        Some(json!({"name": "a"})),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert!(
        !text.contains("snap_id"),
        "the create answer names no snapshot: {text}"
    );
    let list = |text: String| serde_json::from_str::<Value>(&text).unwrap()["data"].clone();
    assert_eq!(
        list(
            send(
                &sim,
                Method::GET,
                "/servers/3523/snapshots",
                Some(&token),
                None
            )
            .await
            .1
        ),
        json!([])
    );
    sim.advance(6).await;
    let listed = list(
        send(
            &sim,
            Method::GET,
            "/servers/3523/snapshots",
            Some(&token),
            None,
        )
        .await
        .1,
    );
    assert_eq!(listed[0]["snap_state"], "pending");
    assert!(listed[0]["snap_id"].is_number());
    sim.advance(60).await;
    let listed = list(
        send(
            &sim,
            Method::GET,
            "/servers/3523/snapshots",
            Some(&token),
            None,
        )
        .await
        .1,
    );
    assert_eq!(listed[0]["snap_state"], "completed");
    let empty = sim.admin(Method::GET, "/empty", None).await;
    assert_eq!(empty.body["empty"], false);
    let id = listed[0]["snap_id"].as_u64().unwrap();
    assert_eq!(
        send(
            &sim,
            Method::DELETE,
            &format!("/servers/3523/snapshot/{id}"),
            Some(&token),
            None
        )
        .await
        .0,
        200
    );
    assert_eq!(
        send(
            &sim,
            Method::DELETE,
            &format!("/servers/3523/snapshot/{id}"),
            Some(&token),
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        sim.admin(Method::GET, "/empty", None).await.body["empty"],
        true
    );
}

#[tokio::test]
async fn quirks_malform_json_and_hide_a_server_for_some_reads() {
    let sim = TestSim::start().await;
    let token = login(&sim).await;
    let quirks = json!({"malformed_json": true, "hide_server": {"3523": 2}});
    assert_eq!(
        sim.admin(Method::POST, "/terrahost/quirks", Some(quirks))
            .await
            .status,
        200
    );
    let (_, text) = send(&sim, Method::GET, "/servers", Some(&token), None).await;
    assert!(text.ends_with(",}"), "{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err());
    let ids = |text: &str| {
        crate::support::lenient::parse_tolerant_json(text).unwrap()["data"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(ids(&text), 1, "hidden from the first read");
    assert_eq!(
        send(&sim, Method::GET, "/servers/3523", Some(&token), None)
            .await
            .0,
        404
    );
    let (_, text) = send(&sim, Method::GET, "/servers", Some(&token), None).await;
    assert_eq!(ids(&text), 2, "back after two reads");
}
