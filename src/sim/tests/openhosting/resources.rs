//! Open Hosting ip and vlan resources: create, info, list, set, destroy, use by servers.

use reqwest::Method;

use super::super::TestSim;

#[tokio::test]
async fn ips_and_vlans_are_created_listed_used_and_destroyed() {
    let sim = TestSim::start().await;
    let ip = sim
        .oh_post("/resources/ip/create", "name Public\ntag web\n")
        .await;
    assert_eq!(ip.status, 200, "{}", ip.text());
    let ip = ip.props();
    assert_eq!(ip["type"], "ip");
    assert_eq!(ip["resource"], "203.0.113.10");
    assert_eq!(ip["netmask"], "255.255.255.0");
    assert_eq!(ip["gateway"], "203.0.113.1");
    assert_eq!(ip["tags"], "web");
    let address = ip["resource"].clone();
    let vlan = sim
        .oh_send(
            sim.oh(Method::POST, "/resources/vlan/create")
                .header("Accept", "application/json")
                .json(&serde_json::json!({"name": "Private", "user:zone": "a"})),
        )
        .await
        .json();
    let vlan_id = vlan["resource"].as_str().expect("vlan id").to_owned();
    assert_eq!(vlan["type"], "vlan");
    assert_eq!(vlan["user:zone"], "a");

    let listed = sim.oh_get("/resources/list").await;
    assert_eq!(listed.output.as_deref(), Some("list"));
    assert_eq!(listed.text(), format!("ip {address}\nvlan {vlan_id}\n"));
    assert_eq!(
        sim.oh_get("/resources/vlan/list").await.text(),
        format!("vlan {vlan_id}\n")
    );
    assert_eq!(
        sim.oh_get("/resources/info")
            .await
            .text()
            .split("\n\n")
            .count(),
        2
    );
    assert_eq!(sim.oh_get("/resources/disk/list").await.status, 404);

    let renamed = sim
        .oh_post(
            &format!("/resources/vlan/{vlan_id}/set"),
            "name Backend\ntags x y\n",
        )
        .await;
    assert_eq!(renamed.props()["name"], "Backend");
    assert_eq!(
        sim.oh_get(&format!("/resources/vlan/{vlan_id}/info"))
            .await
            .props()["tags"],
        "x y"
    );

    let drive = sim.oh_drive("boot", "1G").await;
    let server = sim
        .oh_server(
            "/servers/create",
            &format!(
                "name S\ncpu 1000\nmem 512\nide:0:0 {drive}\nnic:0:model virtio\n\
                 nic:0:dhcp {address}\nnic:1:model virtio\nnic:1:vlan {vlan_id}\n"
            ),
        )
        .await;
    assert_eq!(server["nic:0:dhcp"], address);
    let uuid = server["server"].clone();
    for path in [
        format!("/resources/ip/{address}/destroy"),
        format!("/resources/vlan/{vlan_id}/destroy"),
    ] {
        let busy = sim.oh_post(&path, "").await;
        assert_eq!((busy.status, busy.error.as_deref()), (409, Some("busy")));
    }
    let other = sim.oh_drive("other", "1G").await;
    let clash = sim
        .oh_post(
            "/servers/create",
            &format!("name T\ncpu 1000\nmem 512\nide:0:0 {other}\nnic:0:dhcp {address}\n"),
        )
        .await;
    assert_eq!(clash.status, 409, "{}", clash.text());
    let unknown_ip = sim
        .oh_post(
            "/servers/create",
            "name T\ncpu 1000\nmem 512\nnic:0:dhcp 192.0.2.1\n",
        )
        .await;
    assert_eq!(unknown_ip.status, 404);

    sim.oh_post(&format!("/servers/{uuid}/destroy"), "").await;
    for path in [
        format!("/resources/ip/{address}/destroy"),
        format!("/resources/vlan/{vlan_id}/destroy"),
    ] {
        assert_eq!(sim.oh_post(&path, "").await.status, 204);
        assert_eq!(sim.oh_post(&path, "").await.status, 404);
    }
    let nameless = sim.oh_post("/resources/ip/create", "tags x\n").await;
    assert_eq!(nameless.status, 400);
}
