//! Open Hosting drives: auth, both formats, create/info/list/set/destroy and error statuses.

use reqwest::Method;

use super::super::TestSim;
use super::OH;
use crate::sim::openhosting::model::SIM_USER;

#[tokio::test]
async fn basic_auth_is_required() {
    let sim = TestSim::start().await;
    let url = format!("{}{OH}/drives/list", sim.base);
    for request in [
        sim.client.get(&url),
        sim.client.get(&url).basic_auth(SIM_USER, Some("wrong")),
        sim.client
            .get(&url)
            .basic_auth("00000000-0000-0000-0000-000000000000", Some(super::TOKEN)),
        sim.client.get(&url).bearer_auth(super::TOKEN),
    ] {
        let answer = sim.oh_send(request).await;
        assert_eq!(answer.status, 401);
        assert_eq!(answer.error.as_deref(), Some("auth"));
    }
    assert_eq!(sim.oh_get("/drives/list").await.status, 200);
}

#[tokio::test]
async fn drives_are_created_listed_changed_and_destroyed_in_text() {
    let sim = TestSim::start().await;
    let created = sim
        .oh_post(
            "/drives/create",
            "name TestDrive\nsize 10M\ntags web db\nuser:owner ops team\nclaim:type shared\n",
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text());
    assert_eq!(created.output.as_deref(), Some("properties"));
    let props = created.props();
    let uuid = props["drive"].clone();
    assert!(crate::sim::openhosting::model::is_uuid(&uuid), "{uuid}");
    assert_eq!(props["name"], "TestDrive");
    assert_eq!(props["size"], "10485760");
    assert_eq!(props["status"], "active");
    assert_eq!(props["claim:type"], "shared");
    assert_eq!(props["tags"], "web db");
    assert_eq!(props["user:owner"], "ops team");
    assert_eq!(props["encryption:cipher"], "aes-xts-plain");
    assert_eq!(props["user"], SIM_USER);
    assert!(!props.contains_key("claimed"));
    assert!(!props.contains_key("imaging"));

    let second = sim.oh_drive("Other", "1G").await;
    let listed = sim.oh_get("/drives/list").await;
    assert_eq!(listed.output.as_deref(), Some("list"));
    let mut expected = vec![uuid.clone(), second.clone()];
    expected.sort();
    assert_eq!(listed.text().lines().collect::<Vec<_>>(), expected);

    let all = sim.oh_get("/drives/info").await;
    assert_eq!(all.output.as_deref(), Some("properties list"));
    assert_eq!(all.text().split("\n\n").count(), 2);

    let set = sim
        .oh_post(
            &format!("/drives/{uuid}/set"),
            "name Renamed\ntags\nuser:owner\nuser:env prod\n",
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text());
    let props = sim.oh_drive_info(&uuid).await;
    assert_eq!(props["name"], "Renamed");
    assert!(!props.contains_key("tags"));
    assert!(!props.contains_key("user:owner"));
    assert_eq!(props["user:env"], "prod");
    assert_eq!(props["size"], "10485760");

    let resize = sim
        .oh_post(&format!("/drives/{uuid}/set"), "size 20M\n")
        .await;
    assert_eq!(resize.status, 400);
    assert_eq!(resize.error.as_deref(), Some("usage"));

    let destroyed = sim.oh_post(&format!("/drives/{uuid}/destroy"), "").await;
    assert_eq!(destroyed.status, 204);
    let gone = sim.oh_get(&format!("/drives/{uuid}/info")).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.error.as_deref(), Some("missing"));
    let again = sim.oh_post(&format!("/drives/{uuid}/destroy"), "").await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn drives_speak_json_both_ways() {
    let sim = TestSim::start().await;
    let created = sim
        .oh_send(
            sim.oh(Method::POST, "/drives/create")
                .header("Accept", "application/json")
                .json(
                    &serde_json::json!({"name": "J", "size": 1048576, "tags": ["a", "b"],
                                          "encryption:cipher": "none"}),
                ),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text());
    let body = created.json();
    assert_eq!(body["size"], 1048576);
    assert_eq!(body["name"], "J");
    assert_eq!(body["tags"], "a b");
    assert_eq!(body["encryption:cipher"], "none");
    let uuid = body["drive"].as_str().expect("drive").to_owned();
    let listed = sim
        .oh_send(
            sim.oh(Method::GET, "/drives/list")
                .header("Accept", "application/json"),
        )
        .await;
    assert_eq!(listed.json(), serde_json::json!([{ "drive": uuid }]));
    let all = sim
        .oh_send(
            sim.oh(Method::GET, "/drives/info")
                .header("Accept", "application/json"),
        )
        .await;
    assert_eq!(all.json()[0]["write:bytes"], 0);
}

#[tokio::test]
async fn bad_drive_requests_get_the_documented_errors() {
    let sim = TestSim::start().await;
    for body in [
        "size 1G\n",
        "name x\n",
        "name x\nsize lots\n",
        "name x\nsize 0\n",
        "name x\nsize 1G\ncolour red\n",
        "name x\nsize 1G\nclaim:type sometimes\n",
        "name x\nsize 1G\nreaders bob\n",
        "name x\nname y\nsize 1G\n",
    ] {
        let answer = sim.oh_post("/drives/create", body).await;
        assert_eq!(answer.status, 400, "{body:?}: {}", answer.text());
        assert_eq!(answer.error.as_deref(), Some("usage"));
        assert!(!answer.text().is_empty());
    }
    let huge = sim.oh_post("/drives/create", "name x\nsize 2T\n").await;
    assert_eq!((huge.status, huge.error.as_deref()), (507, Some("full")));
    let wrong_method = sim.oh_get("/drives/create").await;
    assert_eq!(
        (wrong_method.status, wrong_method.error.as_deref()),
        (405, Some("method"))
    );
    let unknown = sim.oh_get("/drives/nothing/here/at/all").await;
    assert_eq!(
        (unknown.status, unknown.error.as_deref()),
        (404, Some("missing"))
    );

    sim.admin(
        Method::POST,
        "/openhosting/account",
        Some(serde_json::json!({"billing_blocked": true})),
    )
    .await;
    let unpaid = sim.oh_post("/drives/create", "name x\nsize 1G\n").await;
    assert_eq!(
        (unpaid.status, unpaid.error.as_deref()),
        (402, Some("billing"))
    );
    assert_eq!(sim.oh_get("/drives/list").await.text(), "");
}
