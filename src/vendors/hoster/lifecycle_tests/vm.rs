//! VM lifecycle tests: create through a job, resize, reinstall, power, rDNS, failed and
//! timed-out jobs, out-of-band deletion, and the VM data sources.

use std::time::Duration;

use serde_json::json;

use super::*;
use crate::tfplugin::provider::{DataSource, Resource};
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::hoster::vm::VmResource;

#[tokio::test]
async fn vm_create_resize_reinstall_power_rdns_delete() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let created = VmResource.create(&c, &planned_vm(), &mut d).await;
    ok(&d);
    assert!(created.is_wholly_known(), "{created:?}");
    let id = created.get("id").as_str().unwrap().to_string();
    assert!(id.parse::<i64>().is_ok(), "{id}");
    assert_eq!(
        created.get("disk").as_str(),
        Some("10240M"),
        "the configured spelling stays"
    );
    assert_eq!(created.get("status").as_str(), Some("running"));
    let password = created.get("root_password").as_str().unwrap().to_string();
    assert!(!password.is_empty());
    assert_eq!(
        vm_record(&sim, &id).await["password"].as_str(),
        Some(password.as_str())
    );
    assert_eq!(VmResource.read(&c, &created, &mut d).await, created);

    let mut next = created.clone();
    next.set("cpu_cores", 4i64);
    next.set("disk", "20G");
    next.set("ip_count", 2i64);
    next.set("status", Value::Unknown);
    next.set("ips", Value::Unknown);
    let resized = VmResource.update(&c, &created, &next, &mut d).await;
    ok(&d);
    assert_eq!(resized.get("cpu_cores").as_i64(), Some(4));
    assert_eq!(resized.get("ip_count").as_i64(), Some(2));
    assert_eq!(
        resized.get("ips").elements().len(),
        3,
        "two IPv4 and one IPv6"
    );
    assert_eq!(vm_record(&sim, &id).await["shape"]["disk_gb"], 20);

    let mut next = resized.clone();
    next.set("template", "Ubuntu22.04");
    next.set("root_password", Value::Unknown);
    next.set("job_id", Value::Unknown);
    let reinstalled = VmResource.update(&c, &resized, &next, &mut d).await;
    ok(&d);
    assert_eq!(reinstalled.get("id").as_str(), Some(id.as_str()));
    assert_eq!(reinstalled.get("template").as_str(), Some("Ubuntu22.04"));
    assert_ne!(
        reinstalled.get("root_password").as_str(),
        Some(password.as_str())
    );
    assert_ne!(reinstalled.get("job_id"), created.get("job_id"));

    let ip = reinstalled.get("ips").elements()[0]
        .as_str()
        .unwrap()
        .to_string();
    let mut next = reinstalled.clone();
    next.set("power_state", "stopped");
    next.set(
        "rdns",
        Value::Map([(ip.clone(), Value::from("web.example.com"))].into()),
    );
    let stopped = VmResource.update(&c, &reinstalled, &next, &mut d).await;
    ok(&d);
    assert_eq!(stopped.get("status").as_str(), Some("stopped"));
    assert_eq!(
        stopped.get("rdns").get(&ip).as_str(),
        Some("web.example.com")
    );
    assert!(vm_record(&sim, &id)
        .await
        .to_string()
        .contains("web.example.com"));

    VmResource.delete(&c, &stopped, &mut d).await;
    ok(&d);
    sim.assert_empty().await;
    assert!(
        VmResource.read(&c, &stopped, &mut d).await.is_null(),
        "gone is dropped"
    );
    VmResource.delete(&c, &stopped, &mut d).await;
    ok(&d);
}

#[tokio::test]
async fn a_failed_job_leaves_a_clear_error_and_nothing_behind() {
    let (sim, client) = start().await;
    sim.post("hoster/next_jobs", json!({"outcome": "fail", "count": 1}))
        .await;
    let mut d = Diagnostics::default();
    let created = VmResource
        .create(
            &ctx(&client, Duration::from_secs(20)),
            &planned_vm(),
            &mut d,
        )
        .await;
    assert!(created.is_null());
    assert!(d.has_errors());
    assert!(
        d.0[0]
            .detail
            .contains("0xb0: Requested resources exceed administrative limits"),
        "{}",
        d.0[0].detail
    );
    sim.assert_empty().await;
}

#[tokio::test]
async fn a_timed_out_creation_keeps_the_job_and_a_refresh_adopts_the_vm() {
    let (sim, client) = start().await;
    sim.post("hoster/settings", json!({"job_secs": 400})).await;
    let mut d = Diagnostics::default();
    let created = VmResource
        .create(
            &ctx(&client, Duration::from_millis(100)),
            &planned_vm(),
            &mut d,
        )
        .await;
    assert!(d.has_errors());
    assert!(
        d.0[0].detail.contains("kept in the state"),
        "{}",
        d.0[0].detail
    );
    let job_id = created.get("job_id").as_i64().unwrap();
    let pending = created.get("id").as_str().unwrap();
    assert!(
        pending.starts_with(&format!("job-{job_id}-vm-")),
        "{pending}"
    );
    assert!(created.is_wholly_known());

    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    assert_eq!(
        VmResource.read(&c, &created, &mut d).await,
        created,
        "still running"
    );
    sim.post("time", json!({"advance_secs": 500})).await;
    let adopted = VmResource.read(&c, &created, &mut d).await;
    ok(&d);
    let id = adopted.get("id").as_str().unwrap();
    assert!(id.parse::<i64>().is_ok(), "{id}");
    assert!(adopted.get("root_password").as_str().is_some());
    VmResource.delete(&c, &adopted, &mut d).await;
    ok(&d);
    sim.assert_empty().await;
}

#[tokio::test]
async fn deleting_a_pending_vm_waits_for_its_job() {
    let (sim, client) = start().await;
    sim.post("hoster/settings", json!({"job_secs": 200})).await;
    let mut d = Diagnostics::default();
    let created = VmResource
        .create(
            &ctx(&client, Duration::from_millis(50)),
            &planned_vm(),
            &mut d,
        )
        .await;
    assert!(created.get("id").as_str().unwrap().starts_with("job-"));
    let mut d = Diagnostics::default();
    VmResource
        .delete(&ctx(&client, Duration::from_secs(20)), &created, &mut d)
        .await;
    ok(&d);
    sim.assert_empty().await;
}

#[tokio::test]
async fn out_of_band_deletion_drops_the_vm() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let created = VmResource.create(&c, &planned_vm(), &mut d).await;
    let id = created.get("id").as_str().unwrap();
    sim.delete(&format!("hoster/vms/{id}")).await;
    assert!(VmResource.read(&c, &created, &mut d).await.is_null());
    ok(&d);
}

#[tokio::test]
async fn data_sources_list_templates_and_vms() {
    let (_sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let vm = VmResource.create(&c, &planned_vm(), &mut d).await;
    let templates = crate::vendors::hoster::data_templates::TemplatesDataSource
        .read(
            &c,
            &Value::null_object(
                &crate::vendors::hoster::data_templates::schema()
                    .block
                    .implied_type(),
            ),
            &mut d,
        )
        .await;
    assert!(templates
        .get("templates")
        .elements()
        .contains(&Value::from("Debian10.0")));
    let mut cfg = Value::null_object(
        &crate::vendors::hoster::data_vms::schema()
            .block
            .implied_type(),
    );
    cfg.set("template", "Debian10.0");
    let vms = crate::vendors::hoster::data_vms::VmsDataSource
        .read(&c, &cfg, &mut d)
        .await;
    assert_eq!(vms.get("ids").elements(), &[vm.get("id").clone()]);
    let mut one = Value::null_object(
        &crate::vendors::hoster::data_vm::schema()
            .block
            .implied_type(),
    );
    one.set("id", vm.get("id").clone());
    let read = crate::vendors::hoster::data_vm::VmDataSource
        .read(&c, &one, &mut d)
        .await;
    ok(&d);
    assert_eq!(read.get("disk").as_str(), Some("10G"));
    assert_eq!(read.get("power_state").as_str(), Some("running"));
}

#[tokio::test]
async fn a_lost_creation_answer_adopts_the_new_vm_without_creating_another() {
    let (sim, client) = start().await;
    sim.post(
        "faults",
        json!({"vendor": "hoster", "kind": "status_after", "status": 502, "method": "POST", "path_contains": "/datacenter/server"}),
    )
    .await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let created = VmResource.create(&c, &planned_vm(), &mut d).await;
    ok(&d);
    assert!(d.0[0].summary.starts_with("Adopted HosterAPI VM"), "{d:?}");
    let stats = sim.get("stats").await;
    assert_eq!(
        stats["hoster"]["POST /datacenter/server"], 1,
        "never resent: {stats}"
    );
    let id = created.get("id").as_str().unwrap();
    assert!(id.parse::<i64>().is_ok(), "{id}");
    assert_eq!(created.get("status").as_str(), Some("running"));
    assert!(created.is_wholly_known());
    VmResource.delete(&c, &created, &mut d).await;
    sim.assert_empty().await;
}

#[tokio::test]
async fn rate_limits_are_retried_and_numbers_may_be_strings() {
    let (sim, client) = start().await;
    sim.post("hoster/quirks", json!({"numbers_as_strings": true}))
        .await;
    sim.post(
        "faults",
        json!({"vendor": "hoster", "kind": "status", "status": 429, "retry_after": 0, "count": 2, "path_contains": "/datacenter/server"}),
    )
    .await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let created = VmResource.create(&c, &planned_vm(), &mut d).await;
    ok(&d);
    assert_eq!(created.get("cpu_cores").as_i64(), Some(2));
    assert!(created.get("job_id").as_i64().is_some());
    assert_eq!(VmResource.read(&c, &created, &mut d).await, created);
    VmResource.delete(&c, &created, &mut d).await;
    ok(&d);
    sim.assert_empty().await;
}

#[tokio::test]
async fn a_shutdown_that_hangs_falls_back_to_a_forced_stop() {
    let (sim, client) = start().await;
    let mut d = Diagnostics::default();
    let created = VmResource
        .create(
            &ctx(&client, Duration::from_secs(20)),
            &planned_vm(),
            &mut d,
        )
        .await;
    sim.post("hoster/settings", json!({"power_secs": 1_000_000}))
        .await;
    let mut next = created.clone();
    next.set("power_state", "stopped");
    next.set("status", Value::Unknown);
    let c = ctx(&client, Duration::from_millis(600));
    let stopped = VmResource.update(&c, &created, &next, &mut d).await;
    ok(&d);
    assert_eq!(stopped.get("status").as_str(), Some("stopped"));
    let stats = sim.get("stats").await.to_string();
    assert!(stats.contains("/stop"), "a forced stop was sent: {stats}");
    VmResource.delete(&c, &stopped, &mut d).await;
    sim.assert_empty().await;
}

#[tokio::test]
async fn destroying_a_vm_whose_job_never_finishes_deletes_the_vm_that_appeared() {
    let (sim, client) = start().await;
    sim.post(
        "hoster/next_jobs",
        json!({"outcome": "never_finish", "count": 1}),
    )
    .await;
    let mut d = Diagnostics::default();
    let created = VmResource
        .create(
            &ctx(&client, Duration::from_millis(100)),
            &planned_vm(),
            &mut d,
        )
        .await;
    assert!(d.has_errors());
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    assert_eq!(
        VmResource.read(&c, &created, &mut d).await,
        created,
        "still pending"
    );
    VmResource.delete(&c, &created, &mut d).await;
    ok(&d);
    assert!(d.0[0].summary.contains("still runs"), "{d:?}");
    sim.assert_empty().await;
}

#[tokio::test]
async fn a_stopped_vm_stays_stopped_through_a_reinstall() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let mut plan = planned_vm();
    plan.set("power_state", "stopped");
    let created = VmResource.create(&c, &plan, &mut d).await;
    ok(&d);
    assert_eq!(created.get("status").as_str(), Some("stopped"));
    let mut next = created.clone();
    next.set("template", "CentOS7");
    next.set("status", Value::Unknown);
    next.set("root_password", Value::Unknown);
    next.set("job_id", Value::Unknown);
    let reinstalled = VmResource.update(&c, &created, &next, &mut d).await;
    ok(&d);
    assert_eq!(reinstalled.get("template").as_str(), Some("CentOS7"));
    assert_eq!(
        reinstalled.get("power_state").as_str(),
        Some("stopped"),
        "as planned"
    );
    VmResource.delete(&c, &reinstalled, &mut d).await;
    sim.assert_empty().await;
}
