//! Lifecycle tests of dedicated servers (order found by listing), backups and restore,
//! software installs and the console.

use std::time::Duration;

use serde_json::json;

use super::*;
use crate::tfplugin::provider::{DataSource, Resource};
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::hoster::dedicated::DedicatedServerResource;
use crate::vendors::hoster::vm::VmResource;
use crate::vendors::hoster::vm_backup::VmBackupResource;

#[tokio::test]
async fn dedicated_order_is_found_by_listing_then_reinstalled_powered_and_terminated() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let market = crate::vendors::hoster::data_market::MarketDataSource
        .read(
            &c,
            &Value::null_object(
                &crate::vendors::hoster::data_market::schema()
                    .block
                    .implied_type(),
            ),
            &mut d,
        )
        .await;
    ok(&d);
    let offer = market.get("servers").elements()[0].clone();
    let market_id = offer.get("id").as_i64().unwrap();
    let plan = planned(
        crate::vendors::hoster::dedicated::schema(),
        &[
            ("market_id", market_id.into()),
            ("template", "Debian Buster".into()),
            ("hostname", "db.example.com".into()),
        ],
    );
    let created = DedicatedServerResource.create(&c, &plan, &mut d).await;
    ok(&d);
    assert!(created.is_wholly_known(), "{created:?}");
    assert_eq!(created.get("status").as_str(), Some("running"));
    assert!(created.get("root_password").as_str().is_some());
    assert!(created
        .get("configuration")
        .get("cpu_type")
        .as_str()
        .is_some());

    let mut next = created.clone();
    next.set("template", "Ubuntu 20.04 LTS");
    next.set("power_state", "stopped");
    let updated = DedicatedServerResource
        .update(&c, &created, &next, &mut d)
        .await;
    ok(&d);
    assert_eq!(updated.get("template").as_str(), Some("Ubuntu 20.04 LTS"));
    assert_eq!(updated.get("power_state").as_str(), Some("stopped"));
    assert_eq!(updated.get("status").as_str(), Some("halted"));

    DedicatedServerResource.delete(&c, &updated, &mut d).await;
    ok(&d);
    sim.assert_empty().await;
    assert!(DedicatedServerResource
        .read(&c, &updated, &mut d)
        .await
        .is_null());
}

#[tokio::test]
async fn a_vanished_order_is_an_error_with_nothing_in_state() {
    let (sim, client) = start().await;
    sim.post("hoster/next_order", json!({"outcome": "vanish"}))
        .await;
    let plan = planned(
        crate::vendors::hoster::dedicated::schema(),
        &[
            ("market_id", 9i64.into()),
            ("template", "Debian Buster".into()),
        ],
    );
    let mut d = Diagnostics::default();
    let created = DedicatedServerResource
        .create(&ctx(&client, Duration::from_secs(20)), &plan, &mut d)
        .await;
    assert!(created.is_null());
    assert!(d.0[0].summary.contains("failed"), "{d:?}");
    sim.assert_empty().await;
}

#[tokio::test]
async fn backup_then_restore_in_place() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let vm = VmResource.create(&c, &planned_vm(), &mut d).await;
    let id = vm.get("id").as_str().unwrap().to_string();
    let backup = VmBackupResource
        .create(
            &c,
            &planned(
                crate::vendors::hoster::vm_backup::schema(),
                &[("vm_id", id.as_str().into())],
            ),
            &mut d,
        )
        .await;
    ok(&d);
    let timestamp = backup.get("timestamp").as_i64().unwrap();
    assert_eq!(
        backup.get("id").as_str(),
        Some(timestamp.to_string().as_str())
    );
    assert_eq!(VmBackupResource.read(&c, &backup, &mut d).await, backup);

    let mut next = vm.clone();
    next.set("restore_backup", timestamp);
    let restored = VmResource.update(&c, &vm, &next, &mut d).await;
    ok(&d);
    assert_eq!(restored.get("restore_backup").as_i64(), Some(timestamp));

    VmBackupResource.delete(&c, &backup, &mut d).await;
    assert!(!d.has_errors());
    assert!(d.0.iter().any(|x| x.summary.contains("cannot be deleted")));
    VmResource.delete(&c, &restored, &mut d).await;
    sim.assert_empty().await;
}

#[tokio::test]
async fn software_installs_with_either_password_and_uninstalls_only_with_a_stored_one() {
    use crate::vendors::hoster::software::{schema, SoftwareResource};
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let vm = VmResource.create(&c, &planned_vm(), &mut d).await;
    let id = vm.get("id").clone();
    let password = vm.get("root_password").clone();

    let wrong = planned(
        schema(),
        &[
            ("server", id.clone()),
            ("package", "ts3".into()),
            ("password", "wrong".into()),
        ],
    );
    let mut failed = Diagnostics::default();
    assert!(SoftwareResource
        .create(&c, &wrong, &mut failed)
        .await
        .is_null());
    assert!(failed.0[0].detail.contains("0xd1"), "{failed:?}");

    let stored = planned(
        schema(),
        &[
            ("server", id.clone()),
            ("package", "ts3".into()),
            ("password", password.clone()),
        ],
    );
    let ts3 = SoftwareResource.create(&c, &stored, &mut d).await;
    ok(&d);
    assert_eq!(
        ts3.get("id").as_str(),
        Some(format!("{}/ts3", id.as_str().unwrap()).as_str())
    );
    assert_eq!(SoftwareResource.read(&c, &ts3, &mut d).await, ts3);
    SoftwareResource.delete(&c, &ts3, &mut d).await;
    ok(&d);

    let write_only = planned(
        schema(),
        &[
            ("server", id.clone()),
            ("package", "nginx".into()),
            ("password_wo", password),
        ],
    );
    let nginx = SoftwareResource.create(&c, &write_only, &mut d).await;
    ok(&d);
    assert!(nginx.get("password_wo").is_null() && nginx.get("password").is_null());
    SoftwareResource.delete(&c, &nginx, &mut d).await;
    assert!(
        d.0.iter()
            .any(|x| x.summary.contains("was not uninstalled")),
        "{d:?}"
    );
    let left = sim.get("empty").await;
    assert!(
        left["left"].to_string().contains("software nginx"),
        "{left}"
    );

    VmResource.delete(&c, &vm, &mut d).await;
    assert!(SoftwareResource.read(&c, &nginx, &mut d).await.is_null());
    sim.assert_empty().await;
}

#[tokio::test]
async fn console_urls_are_opened_for_running_vms() {
    use crate::tfplugin::provider::EphemeralResource;
    use crate::vendors::hoster::console::VmConsole;
    let (_sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let vm = VmResource.create(&c, &planned_vm(), &mut d).await;
    let mut config = Value::null_object(
        &crate::vendors::hoster::console::schema()
            .block
            .implied_type(),
    );
    VmConsole.validate(&config, &mut d);
    assert!(d.has_errors(), "one machine is required");
    let mut d = Diagnostics::default();
    config.set("vm_id", vm.get("id").clone());
    let opened = VmConsole.open(&c, &config, &mut d).await;
    ok(&d);
    assert!(opened
        .result
        .get("url")
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));
}

#[tokio::test]
async fn a_failed_backup_task_is_an_error_with_nothing_in_state() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let vm = VmResource.create(&c, &planned_vm(), &mut d).await;
    sim.post(
        "hoster/next_jobs",
        json!({"outcome": "fail", "kind": "backup"}),
    )
    .await;
    let plan = planned(
        crate::vendors::hoster::vm_backup::schema(),
        &[("vm_id", vm.get("id").clone())],
    );
    let mut failed = Diagnostics::default();
    assert!(VmBackupResource
        .create(&c, &plan, &mut failed)
        .await
        .is_null());
    assert!(failed.0[0].detail.contains("failed"), "{failed:?}");
    VmResource.delete(&c, &vm, &mut d).await;
    sim.assert_empty().await;
}

#[tokio::test]
async fn a_restore_keeps_the_planned_sizes_and_refuses_another_template() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let vm = VmResource.create(&c, &planned_vm(), &mut d).await;
    let plan = planned(
        crate::vendors::hoster::vm_backup::schema(),
        &[("vm_id", vm.get("id").clone())],
    );
    let backup = VmBackupResource.create(&c, &plan, &mut d).await;
    let timestamp = backup.get("timestamp").as_i64().unwrap();
    let mut bigger = vm.clone();
    bigger.set("cpu_cores", 4i64);
    let bigger = VmResource.update(&c, &vm, &bigger, &mut d).await;
    ok(&d);

    let mut restore = bigger.clone();
    restore.set("restore_backup", timestamp);
    let restored = VmResource.update(&c, &bigger, &restore, &mut d).await;
    ok(&d);
    assert_eq!(
        restored.get("cpu_cores").as_i64(),
        Some(4),
        "resized back to the plan"
    );

    let mut other = restored.clone();
    other.set("template", "CentOS7");
    other.set("root_password", Value::Unknown);
    other.set("job_id", Value::Unknown);
    let reinstalled = VmResource.update(&c, &restored, &other, &mut d).await;
    ok(&d);
    let mut back = reinstalled.clone();
    back.set("restore_backup", timestamp - 1);
    let mut refused = Diagnostics::default();
    VmResource
        .update(&c, &reinstalled, &back, &mut refused)
        .await;
    assert!(
        refused.has_errors(),
        "the backup {} is not there",
        timestamp - 1
    );
    let mut back = reinstalled.clone();
    back.set("restore_backup", Value::Null);
    let cleared = VmResource.update(&c, &reinstalled, &back, &mut d).await;
    let mut again = cleared.clone();
    again.set("restore_backup", timestamp);
    let mut mismatch = Diagnostics::default();
    let after = VmResource.update(&c, &cleared, &again, &mut mismatch).await;
    assert_eq!(
        mismatch.0[0].summary, "The restored backup has another template",
        "{mismatch:?}"
    );
    assert_eq!(
        after.get("template").as_str(),
        Some("Debian10.0"),
        "state shows what the VM runs"
    );
    VmResource.delete(&c, &after, &mut d).await;
    sim.assert_empty().await;
}
