//! Open Hosting faults: "write chunk fails once", "imaging key vanishes early", the generic
//! fault table in the vendor's error shape, `/_sim/empty` leftovers and reset.

use reqwest::Method;
use serde_json::json;

use super::super::TestSim;

#[tokio::test]
async fn a_write_chunk_fails_once_at_an_offset_or_by_number() {
    let sim = TestSim::start().await;
    let drive = sim.oh_drive("upload", "20M").await;
    let armed = sim
        .admin(
            Method::POST,
            "/openhosting/faults",
            Some(json!({"write_fails_at_offsets": [5242880], "write_fails_nth": [3]})),
        )
        .await;
    assert_eq!(armed.status, 200, "{}", armed.text);
    assert_eq!(sim.oh_write(&drive, 0, vec![1u8; 100]).await.status, 204);
    let failed = sim.oh_write(&drive, 5 << 20, vec![2u8; 100]).await;
    assert_eq!(
        (failed.status, failed.error.as_deref()),
        (500, Some("failed"))
    );
    assert_eq!(sim.oh_read(&drive, 5 << 20, 2).await, [0, 0]);
    let third = sim.oh_write(&drive, 10 << 20, vec![3u8; 100]).await;
    assert_eq!(third.status, 500);
    assert_eq!(
        sim.oh_write(&drive, 5 << 20, vec![2u8; 100]).await.status,
        204
    );
    assert_eq!(
        sim.oh_write(&drive, 10 << 20, vec![3u8; 100]).await.status,
        204
    );
    assert_eq!(sim.oh_read(&drive, 5 << 20, 2).await, [2, 2]);
    let shown = sim.admin(Method::GET, "/openhosting/faults", None).await;
    assert_eq!(shown.body["faults"]["write_fails_nth"], json!([]));
    let bad = sim
        .admin(
            Method::POST,
            "/openhosting/faults",
            Some(json!({"explode": true})),
        )
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn the_imaging_key_vanishes_early_once() {
    let sim = TestSim::start().await;
    let source = sim.oh_drive("source", "1M").await;
    let target = sim.oh_drive("target", "1M").await;
    sim.admin(
        Method::POST,
        "/openhosting/faults",
        Some(json!({"imaging_key_vanishes": 1})),
    )
    .await;
    assert!(!sim.oh_drive_info(&target).await.contains_key("imaging"));
    sim.oh_post(&format!("/drives/{target}/image/{source}"), "")
        .await;
    assert!(!sim.oh_drive_info(&target).await.contains_key("imaging"));
    assert_eq!(sim.oh_drive_info(&target).await["imaging"], "0%");
}

#[tokio::test]
async fn generic_faults_use_the_vendor_error_shape() {
    let sim = TestSim::start().await;
    let armed = sim
        .admin(
            Method::POST,
            "/faults",
            Some(
                json!({"vendor": "openhosting", "kind": "status", "status": 503,
                         "path_contains": "/drives/list"}),
            ),
        )
        .await;
    assert_eq!(armed.status, 200, "{}", armed.text);
    let failed = sim.oh_get("/drives/list").await;
    assert_eq!(
        (failed.status, failed.error.as_deref()),
        (503, Some("system"))
    );
    sim.admin(
        Method::POST,
        "/faults",
        Some(json!({"vendor": "openhosting", "kind": "status_after",
                     "path_contains": "/drives/create"})),
    )
    .await;
    let lost = sim.oh_post("/drives/create", "name lost\nsize 1M\n").await;
    assert_eq!((lost.status, lost.error.as_deref()), (500, Some("failed")));
    let stats = sim.admin(Method::GET, "/stats", None).await.body;
    assert_eq!(stats["openhosting"]["POST /drives/create"], 1);
    assert_eq!(stats["openhosting"]["GET /drives/list"], 1);
    let drive = sim.oh_drive("counted", "1M").await;
    sim.oh_write(&drive, 4096, vec![1]).await;
    let stats = sim.admin(Method::GET, "/stats", None).await.body;
    assert_eq!(stats["openhosting"]["POST /drives/{id}/write/{id}"], 1);

    let empty = sim.admin(Method::GET, "/empty", None).await.body;
    assert_eq!(empty["empty"], false);
    let left = empty["left"][0].as_str().unwrap_or_default().to_owned();
    assert!(left.starts_with("openhosting drive "), "{left}");
    sim.admin(Method::POST, "/reset", None).await;
    let empty = sim.admin(Method::GET, "/empty", None).await.body;
    assert_eq!(empty, json!({"empty": true, "left": []}));
}

#[tokio::test]
async fn out_of_band_changes_through_admin() {
    let sim = TestSim::start().await;
    let drive = sim.oh_drive("boot", "1M").await;
    let server = sim
        .oh_server(
            "/servers/create",
            &format!("name s\ncpu 1000\nmem 512\nide:0:0 {drive}\n"),
        )
        .await["server"]
        .clone();
    let patched = sim
        .admin(
            Method::PATCH,
            &format!("/openhosting/servers/{server}"),
            Some(json!({"config": {"name": "drifted", "mem": ""}, "status": "stopped"})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let info = sim.oh_get(&format!("/servers/{server}/info")).await.props();
    assert_eq!(info["name"], "drifted");
    assert_eq!(info["status"], "stopped");
    assert!(!info.contains_key("mem"));
    for path in [
        format!("/openhosting/servers/{server}"),
        format!("/openhosting/drives/{drive}"),
    ] {
        assert_eq!(sim.admin(Method::DELETE, &path, None).await.status, 200);
        assert_eq!(sim.admin(Method::DELETE, &path, None).await.status, 404);
    }
    assert_eq!(
        sim.admin(Method::GET, "/empty", None).await.body["empty"],
        true
    );
}
