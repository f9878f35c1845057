//! Server, static IP and VLAN lifecycles against the in-process simulator: create with two
//! NICs, a busy drive that cannot be destroyed, live rename vs. stop-set-start, power.

use std::time::Duration;

use super::super::drive::DriveResource;
use super::super::network::NetworkResource;
use super::super::server::ServerResource;
use super::{ctx, drive, planned, start};
use crate::tfplugin::provider::Resource;
use crate::tfplugin::{Diagnostics, Value};

fn nic(dhcp: Option<&str>, vlan: Option<&str>) -> Value {
    Value::Object(
        [
            ("model".to_string(), Value::Null),
            ("dhcp".to_string(), dhcp.into()),
            ("vlan".to_string(), vlan.into()),
            ("mac".to_string(), Value::Null),
        ]
        .into(),
    )
}

fn attached(device: &str, uuid: &str) -> Value {
    Value::Object(
        [
            ("device".to_string(), device.into()),
            ("drive_uuid".to_string(), uuid.into()),
            ("media".to_string(), Value::Null),
        ]
        .into(),
    )
}

#[tokio::test]
async fn server_live_set_restart_power_and_busy_drive() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let disk = DriveResource
        .create(
            &c,
            &drive(&[("name", "root".into()), ("size", "1G".into())]),
            &mut d,
        )
        .await;
    let disk_id = disk.get("id").as_str().unwrap().to_string();
    let ip = NetworkResource::IP
        .create(
            &c,
            &planned(
                super::super::network::schema(super::super::api::ResourceKind::Ip),
                &[("name", "web ip".into())],
            ),
            &mut d,
        )
        .await;
    let vlan = NetworkResource::VLAN
        .create(
            &c,
            &planned(
                super::super::network::schema(super::super::api::ResourceKind::Vlan),
                &[("name", "back".into())],
            ),
            &mut d,
        )
        .await;
    assert!(!d.has_errors(), "{d:?}");
    let address = ip.get("id").as_str().unwrap().to_string();
    assert_eq!(ip.get("netmask").as_str(), Some("255.255.255.0"));
    let server_plan = planned(
        super::super::server::schema(),
        &[
            ("name", "web".into()),
            ("cpu", 2000i64.into()),
            ("mem", 1024i64.into()),
            ("drive", Value::List(vec![attached("ide:0:0", &disk_id)])),
            ("boot", Value::string_list(["ide:0:0"])),
            (
                "nic",
                Value::List(vec![
                    nic(Some(&address), None),
                    nic(None, vlan.get("id").as_str()),
                ]),
            ),
        ],
    );
    let server = ServerResource.create(&c, &server_plan, &mut d).await;
    assert!(!d.has_errors(), "{d:?}");
    assert_eq!(server.get("status").as_str(), Some("active"));
    assert_eq!(server.get("ip").as_str(), Some(address.as_str()));
    assert_eq!(
        ServerResource.read(&c, &server, &mut d).await,
        server,
        "read after create changes nothing"
    );

    let mut quick = Diagnostics::default();
    DriveResource
        .delete(&ctx(&client, Duration::from_millis(200)), &disk, &mut quick)
        .await;
    assert!(quick.has_errors());
    assert!(
        quick.0[0]
            .summary
            .contains(server.get("id").as_str().unwrap()),
        "{quick:?}"
    );

    let mut renamed = server.clone();
    renamed.set("name", "web2");
    let renamed = ServerResource.update(&c, &server, &renamed, &mut d).await;
    assert_eq!(
        renamed.get("started"),
        server.get("started"),
        "a rename does not restart"
    );
    assert_eq!(renamed.get("name").as_str(), Some("web2"));

    let mut bigger = renamed.clone();
    bigger.set("mem", 2048i64);
    let bigger = ServerResource.update(&c, &renamed, &bigger, &mut d).await;
    assert!(!d.has_errors(), "{d:?}");
    assert_eq!(bigger.get("mem").as_i64(), Some(2048));
    assert_eq!(bigger.get("status").as_str(), Some("active"));
    assert_eq!(ServerResource.read(&c, &bigger, &mut d).await, bigger);

    let mut off = bigger.clone();
    off.set("power_state", "stopped");
    let off = ServerResource.update(&c, &bigger, &off, &mut d).await;
    assert_eq!(off.get("status").as_str(), Some("stopped"));
    assert!(off.get("ip").is_null());
    let mut on = off.clone();
    on.set("power_state", "running");
    let on = ServerResource.update(&c, &off, &on, &mut d).await;
    assert_eq!(on.get("status").as_str(), Some("active"));
    assert!(!d.has_errors(), "{d:?}");

    // The drive's destroy is refused (409) while the server runs, and retried until it is gone.
    let (mut drive_diags, mut server_diags) = (Diagnostics::default(), Diagnostics::default());
    let server_goes_later = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        ServerResource.delete(&c, &on, &mut server_diags).await;
    };
    tokio::join!(
        DriveResource.delete(&c, &disk, &mut drive_diags),
        server_goes_later
    );
    assert!(
        !drive_diags.has_errors() && !server_diags.has_errors(),
        "{drive_diags:?} {server_diags:?}"
    );
    let mut renamed_ip = ip.clone();
    renamed_ip.set("name", "renamed");
    let renamed_ip = NetworkResource::IP
        .update(&c, &ip, &renamed_ip, &mut d)
        .await;
    assert_eq!(
        NetworkResource::IP
            .read(&c, &renamed_ip, &mut d)
            .await
            .get("name")
            .as_str(),
        Some("renamed")
    );
    NetworkResource::IP.delete(&c, &renamed_ip, &mut d).await;
    NetworkResource::VLAN.delete(&c, &vlan, &mut d).await;
    assert!(!d.has_errors(), "{d:?}");
    sim.assert_empty().await;
}
