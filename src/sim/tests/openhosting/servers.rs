//! Open Hosting servers: create (started or stopped), info keys, the active/stopped rules for
//! set, start/stop/shutdown/reset/destroy, drive claims and non-persistent servers vanishing.

use reqwest::Method;

use super::super::TestSim;

fn body(drive: &str, extra: &str) -> String {
    format!(
        "name TestServer\ncpu 2000\nmem 1024\nide:0:0 {drive}\nboot ide:0:0\n\
         nic:0:model e1000\nnic:0:dhcp auto\nvnc:ip auto\nvnc:password XXXXXXXX\n{extra}"
    )
}

#[tokio::test]
async fn a_created_server_is_active_and_claims_its_drive() {
    let sim = TestSim::start().await;
    let drive = sim.oh_drive("boot", "10000000").await;
    let server = sim.oh_server("/servers/create", &body(&drive, "")).await;
    let uuid = server["server"].clone();
    assert_eq!(server["status"], "active");
    assert_eq!(server["name"], "TestServer");
    assert_eq!(server["smp"], "auto");
    assert_eq!(server["persistent"], "false");
    assert_eq!(server["ide:0:0"], drive);
    assert!(
        server["nic:0:dhcp"].starts_with("198.51.100."),
        "{server:?}"
    );
    assert_eq!(server["vnc:ip"], server["nic:0:dhcp"]);
    assert_eq!(server["rx"], "0");
    assert_eq!(server["ide:0:0:read:bytes"], "0");
    assert!(server["started"].parse::<u64>().is_ok());

    let drive_info = sim.oh_drive_info(&drive).await;
    assert_eq!(drive_info["claimed"], uuid);
    let destroy_drive = sim.oh_post(&format!("/drives/{drive}/destroy"), "").await;
    assert_eq!(
        (destroy_drive.status, destroy_drive.error.as_deref()),
        (409, Some("busy"))
    );
    let second = sim.oh_post("/servers/create", &body(&drive, "")).await;
    assert_eq!(second.status, 409, "{}", second.text());

    let listed = sim.oh_get("/servers/list").await;
    assert_eq!(listed.output.as_deref(), Some("list"));
    assert_eq!(listed.text(), format!("{uuid} 2000 1024\n"));
    let json = sim
        .oh_send(
            sim.oh(Method::GET, "/servers/info")
                .header("Accept", "application/json"),
        )
        .await
        .json();
    assert_eq!(json[0]["cpu"], 2000);
    assert_eq!(json[0]["status"], "active");

    // Not persistent: stop destroys it and frees the drive; drives are never destroyed.
    assert_eq!(
        sim.oh_post(&format!("/servers/{uuid}/stop"), "")
            .await
            .status,
        204
    );
    assert_eq!(
        sim.oh_get(&format!("/servers/{uuid}/info")).await.status,
        404
    );
    assert!(!sim.oh_drive_info(&drive).await.contains_key("claimed"));
    assert_eq!(
        sim.oh_post(&format!("/drives/{drive}/destroy"), "")
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn set_follows_the_active_and_stopped_rules() {
    let sim = TestSim::start().await;
    let drive = sim.oh_drive("boot", "1G").await;
    let server = sim
        .oh_server(
            "/servers/create",
            &body(&drive, "persistent true\ntags a\n"),
        )
        .await;
    let uuid = server["server"].clone();
    let set = format!("/servers/{uuid}/set");

    let live = sim
        .oh_post(
            &set,
            "name Renamed\ncpu 3000\ntags b c\nuser:team ops\nvnc:password abc\n",
        )
        .await;
    assert_eq!(live.status, 200, "{}", live.text());
    let props = live.props();
    assert_eq!(props["name"], "Renamed");
    assert_eq!(props["cpu"], "3000");
    assert_eq!(props["mem"], "1024");
    assert_eq!(props["tags"], "b c");
    assert_eq!(props["user:team"], "ops");
    assert_eq!(props["ide:0:0"], drive);

    let refused = sim.oh_post(&set, "mem 2048\n").await;
    assert_eq!(
        (refused.status, refused.error.as_deref()),
        (409, Some("busy"))
    );
    let long_password = sim.oh_post(&set, "vnc:password 123456789\n").await;
    assert_eq!(long_password.status, 400);

    assert_eq!(
        sim.oh_post(&format!("/servers/{uuid}/stop"), "")
            .await
            .status,
        204
    );
    let stopped = sim.oh_get(&format!("/servers/{uuid}/info")).await.props();
    assert_eq!(stopped["status"], "stopped");
    assert_eq!(stopped["nic:0:dhcp"], "auto");
    assert!(!stopped.contains_key("started"));
    assert_eq!(
        sim.oh_post(&format!("/servers/{uuid}/stop"), "")
            .await
            .status,
        409
    );

    let replaced = sim
        .oh_post(
            &set,
            &format!("mem 2048\nblock:0 {drive}\nboot block:0\npersistent true\n"),
        )
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.text());
    let props = replaced.props();
    assert_eq!(props["mem"], "2048");
    assert_eq!(props["name"], "Renamed");
    assert_eq!(props["block:0"], drive);
    assert!(!props.contains_key("ide:0:0"));
    assert!(!props.contains_key("tags"));
    assert!(!props.contains_key("nic:0:model"));

    assert_eq!(
        sim.oh_post(&format!("/servers/{uuid}/start"), "")
            .await
            .status,
        204
    );
    assert_eq!(
        sim.oh_post(&format!("/servers/{uuid}/start"), "")
            .await
            .status,
        409
    );
    assert_eq!(
        sim.oh_post(&format!("/servers/{uuid}/reset"), "")
            .await
            .status,
        204
    );
    assert_eq!(
        sim.oh_post(&format!("/servers/{uuid}/destroy"), "")
            .await
            .status,
        204
    );
    assert_eq!(
        sim.oh_get(&format!("/servers/{uuid}/info")).await.status,
        404
    );
    assert!(sim.oh_drive_info(&drive).await.contains_key("size"));
}

#[tokio::test]
async fn shutdown_takes_effect_later_and_keeps_persistent_servers() {
    let sim = TestSim::start().await;
    let drive = sim.oh_drive("boot", "1G").await;
    let other = sim.oh_drive("other", "1G").await;
    let keep = sim
        .oh_server("/servers/create", &body(&drive, "persistent true\n"))
        .await["server"]
        .clone();
    let vanish = sim.oh_server("/servers/create", &body(&other, "")).await["server"].clone();
    for uuid in [&keep, &vanish] {
        assert_eq!(
            sim.oh_post(&format!("/servers/{uuid}/shutdown"), "")
                .await
                .status,
            204
        );
        let props = sim.oh_get(&format!("/servers/{uuid}/info")).await.props();
        assert_eq!(props["status"], "active");
    }
    sim.advance(11).await;
    let kept = sim.oh_get(&format!("/servers/{keep}/info")).await.props();
    assert_eq!(kept["status"], "stopped");
    assert_eq!(
        sim.oh_get(&format!("/servers/{vanish}/info")).await.status,
        404
    );
}

#[tokio::test]
async fn stopped_creation_and_bad_configurations() {
    let sim = TestSim::start().await;
    let drive = sim.oh_drive("boot", "1G").await;
    let stopped = sim
        .oh_server("/servers/create/stopped", &body(&drive, ""))
        .await;
    assert_eq!(stopped["status"], "stopped");
    assert_eq!(stopped["nic:0:dhcp"], "auto");
    assert!(!sim.oh_drive_info(&drive).await.contains_key("claimed"));

    let missing_drive = sim
        .oh_post(
            "/servers/create",
            &body("00000000-0000-4000-a000-000000000000", ""),
        )
        .await;
    assert_eq!(missing_drive.status, 404);
    for extra in [
        "colour red\n",
        "nic:0:model ne2000\n",
        "smp many\n",
        "persistent maybe\n",
        "nic:0:mac 00:11\n",
        "ide:2:0 x\n",
        "ide:1:0:media floppy\n",
        "vnc:tls sometimes\n",
    ] {
        let answer = sim.oh_post("/servers/create", &body(&drive, extra)).await;
        assert_eq!(answer.status, 400, "{extra:?}: {}", answer.text());
        assert_eq!(answer.error.as_deref(), Some("usage"));
    }
    for (text, why) in [
        ("cpu 2000\nmem 1024\n", "no name"),
        ("name x\nmem 1024\n", "no cpu"),
        ("name x\ncpu 2000\nmem 10\n", "mem too small"),
        ("name x\ncpu 2000\nmem 1024\nboot ide:0:0\n", "boot nothing"),
    ] {
        let answer = sim.oh_post("/servers/create", text).await;
        assert_eq!(answer.status, 400, "{why}: {}", answer.text());
    }
    let wrong_method = sim.oh_get("/servers/create").await;
    assert_eq!(wrong_method.status, 405);
    let state = sim.admin(Method::GET, "/state", None).await;
    assert_eq!(
        state.body["openhosting"]["servers"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn a_blocked_account_gets_billing_errors() {
    let sim = TestSim::start().await;
    let drive = sim.oh_drive("boot", "1M").await;
    let source = sim.oh_drive("source", "1M").await;
    let stopped = sim
        .oh_server("/servers/create/stopped", &body(&drive, ""))
        .await["server"]
        .clone();
    sim.admin(
        Method::POST,
        "/openhosting/account",
        Some(serde_json::json!({"billing_blocked": true})),
    )
    .await;
    let attempts = [
        ("/servers/create".to_owned(), body(&drive, "")),
        (format!("/servers/{stopped}/start"), String::new()),
        ("/resources/ip/create".to_owned(), "name x\n".to_owned()),
        (format!("/drives/{drive}/image/{source}"), String::new()),
    ];
    for (path, text) in attempts {
        let answer = sim.oh_post(&path, &text).await;
        assert_eq!(
            (answer.status, answer.error.as_deref()),
            (402, Some("billing")),
            "{path}"
        );
    }
    let set = sim
        .oh_send(
            sim.oh(Method::POST, &format!("/servers/{stopped}/set"))
                .header("Accept", "application/json")
                .json(
                    &serde_json::json!({"name": "still", "cpu": 1000, "mem": 512,
                                          "persistent": true}),
                ),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert_eq!(set.json()["persistent"], "true");
    assert_eq!(set.json()["cpu"], 1000);
}
