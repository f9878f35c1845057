//! HosterAPI auth, envelopes and the document's error codes; templates and lists.

use reqwest::Method;
use serde_json::json;

use super::{small_vm, Hoster, HOSTER};

#[tokio::test]
async fn missing_or_wrong_token_is_0x03() {
    let hoster = Hoster::start().await;
    let url = format!("{}{HOSTER}/datacenter/server", hoster.sim.base);
    for request in [
        hoster.sim.client.get(&url),
        hoster.sim.client.get(&url).bearer_auth("wrong"),
        hoster.sim.client.get(&url).basic_auth("user", Some("pass")),
    ] {
        let response = request.send().await.expect("send");
        assert_eq!(response.status().as_u16(), 401);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(
            body,
            json!({"result": false, "error": "0x03: unauthorized"})
        );
    }
}

#[tokio::test]
async fn templates_and_empty_lists() {
    let hoster = Hoster::start().await;
    let templates = hoster
        .result(Method::GET, "/datacenter/templates", None)
        .await;
    assert!(templates
        .as_array()
        .expect("list")
        .contains(&json!("Debian10.0")));
    let dedicated = hoster
        .result(Method::GET, "/datacenter/dedicated/templates", None)
        .await;
    assert!(dedicated
        .as_array()
        .expect("list")
        .contains(&json!("Debian Buster")));
    assert_eq!(
        hoster.result(Method::GET, "/datacenter/server", None).await,
        json!([])
    );
    assert_eq!(
        hoster
            .result(Method::GET, "/datacenter/dedicated", None)
            .await,
        json!([])
    );
    let software = hoster.result(Method::GET, "/software/list", None).await;
    assert!(software.as_array().expect("list").contains(&json!("ts3")));
}

#[tokio::test]
async fn unknown_ids_answer_0x01_and_unknown_jobs_0xc1() {
    let hoster = Hoster::start().await;
    for path in [
        "/datacenter/server/4010/config",
        "/datacenter/server/4010/status",
        "/datacenter/server/abc/config",
        "/datacenter/dedicated/9/status",
    ] {
        let answer = hoster.get(path).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.body["result"], false);
        assert!(answer.body["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("0x01: no vm with id "));
    }
    let answer = hoster.get("/datacenter/server/4010/config").await;
    assert_eq!(answer.body["error"], "0x01: no vm with id 4010 found");
    let job = hoster.get("/job/99").await;
    assert_eq!(job.status, 404);
    assert_eq!(job.body["error"], "0xc1: job not found");
}

#[tokio::test]
async fn missing_and_invalid_parameters_are_400() {
    let hoster = Hoster::start().await;
    let missing = hoster.post("/datacenter/server", json!({})).await;
    assert_eq!(missing.status, 400);
    assert_eq!(
        missing.body["error"],
        "0xb1: Missing required parameter template"
    );
    let mut body = small_vm();
    body["disk"] = json!("10");
    let bad_disk = hoster.post("/datacenter/server", body).await;
    assert_eq!(bad_disk.body["error"], "0xb2: invalid parameter disk");
    let mut body = small_vm();
    body["template"] = json!("Windows");
    let unknown = hoster.post("/datacenter/server", body).await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.body["error"], "0xb3: unknown template Windows");
    let mut body = small_vm();
    body["cpuCores"] = json!("two");
    let bad_int = hoster.post("/datacenter/server", body).await;
    assert_eq!(bad_int.body["error"], "0xb2: invalid parameter cpuCores");
    let mut body = small_vm();
    body["cpuCores"] = json!("2");
    assert_eq!(hoster.post("/datacenter/server", body).await.status, 200);
    let not_json = hoster
        .sim
        .client
        .post(format!("{}{HOSTER}/datacenter/server", hoster.sim.base))
        .bearer_auth(super::TOKEN)
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(not_json.status().as_u16(), 400);
}

#[tokio::test]
async fn unknown_routes_and_methods_use_the_envelope() {
    let hoster = Hoster::start().await;
    let nowhere = hoster.get("/datacenter/nowhere").await;
    assert_eq!(nowhere.status, 404);
    assert_eq!(nowhere.body["result"], false);
    let wrong_method = hoster
        .call(Method::DELETE, "/datacenter/server", None)
        .await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.body["result"], false);
}
