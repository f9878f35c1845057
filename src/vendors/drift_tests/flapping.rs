//! Flapping lists: with a live object left out of its vendor's list answers for a few reads
//! (the simulator's `list_flaps` switch), refreshing it through the Resource read never drops
//! it from state, whichever read path the resource takes (single GET, or a shared list with
//! absence confirmed by a GET). Terrahost's own switch (`hide_server`) is covered by its
//! lifecycle tests. `hoster_vm_backup` has no single read: its misses are confirmed by three
//! list reads, so it is tested with a list that flaps for two.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::planned;
use crate::tfplugin::provider::{Provider, Resource};
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::test_clients as clients;
use crate::vendors::test_support::{ctx, Sim};

/// List reads each object is left out of; more than one refresh's worth.
const FLAPS: u32 = 4;

/// Creates `type_name`, leaves it out of `vendor`'s lists for [`FLAPS`] list reads, refreshes
/// it [`FLAPS`] times (each must keep it), then destroys it. Returns its id.
async fn refresh_keeps_a_flapping_object<C: Send + Sync + 'static>(
    sim: &Sim,
    resources: Vec<Arc<dyn Resource<C>>>,
    client: &Arc<C>,
    vendor: &str,
    type_name: &str,
    pairs: &[(&str, Value)],
) -> String {
    refresh_keeps_an_object_flapping_for(sim, resources, client, vendor, type_name, pairs, FLAPS)
        .await
}

/// As [`refresh_keeps_a_flapping_object`], left out of `flaps` list reads.
async fn refresh_keeps_an_object_flapping_for<C: Send + Sync + 'static>(
    sim: &Sim,
    resources: Vec<Arc<dyn Resource<C>>>,
    client: &Arc<C>,
    vendor: &str,
    type_name: &str,
    pairs: &[(&str, Value)],
    flaps: u32,
) -> String {
    let resource = resources
        .into_iter()
        .find(|r| r.type_name() == type_name)
        .unwrap_or_else(|| panic!("no resource {type_name}"));
    let c = ctx(client, Duration::from_secs(30));
    let mut d = Diagnostics::default();
    let created = resource
        .create(&c, &planned(resource.schema(), pairs), &mut d)
        .await;
    assert!(!d.has_errors(), "{type_name} create: {d:?}");
    let id = created.get("id").as_str().unwrap_or_default().to_string();
    sim.post(
        &format!("list_flaps/{vendor}"),
        json!({ id.as_str(): flaps }),
    )
    .await;
    let mut state = created;
    for n in 1..=flaps {
        state = resource.read(&c, &state, &mut d).await;
        assert!(!d.has_errors(), "{type_name} read {n}: {d:?}");
        assert_eq!(
            state.get("id").as_str(),
            Some(id.as_str()),
            "{type_name}: refresh {n} dropped a live object"
        );
    }
    resource.delete(&c, &state, &mut d).await;
    assert!(!d.has_errors(), "{type_name} delete: {d:?}");
    id
}

#[tokio::test]
async fn hosthatch_refresh_keeps_objects_missing_from_lists() {
    let sim = Sim::start(1000.0).await;
    let client = clients::hosthatch(&sim);
    let resources = || crate::vendors::hosthatch::provider().resources();
    let key = [
        ("description", Value::from("flap")),
        ("value", Value::from("ssh-ed25519 AAAA flap@host")),
    ];
    refresh_keeps_a_flapping_object(
        &sim,
        resources(),
        &client,
        "hosthatch",
        "hosthatch_ssh_key",
        &key,
    )
    .await;
    let server = [
        ("product", Value::from("nvme-2gb")),
        ("location", Value::from("AMS")),
        ("billing", Value::from("monthly")),
        ("image", Value::from("ubuntu22")),
        ("hostname", Value::from("flap.test")),
    ];
    refresh_keeps_a_flapping_object(
        &sim,
        resources(),
        &client,
        "hosthatch",
        "hosthatch_server",
        &server,
    )
    .await;
    sim.assert_empty().await;
}

#[tokio::test]
async fn hosthatch_list_flaps_leave_a_live_object_out_of_lists() {
    let sim = Sim::start(1000.0).await;
    let client = clients::hosthatch(&sim);
    let key = client
        .create_key(
            crate::vendors::hosthatch::ssh_key::DEFAULT_KEY_TYPE,
            "flap",
            "ssh-ed25519 AAAA flap@host",
        )
        .await
        .unwrap();
    sim.post("list_flaps/hosthatch", json!({ key.id.to_string(): 1 }))
        .await;
    assert!(client.list_keys().await.unwrap().is_empty());
    assert_eq!(client.list_keys().await.unwrap().len(), 1);
}

#[tokio::test]
async fn hoster_refresh_keeps_objects_missing_from_lists() {
    let sim = Sim::start(1000.0).await;
    let client = clients::hoster(&sim);
    let resources = || crate::vendors::hoster::provider().resources();
    let vm = [
        ("template", Value::from("Debian10.0")),
        ("cpu_cores", Value::from(1i64)),
        ("memory", Value::from(1024i64)),
        ("disk", Value::from("10240M")),
        ("ip_count", Value::from(1i64)),
    ];
    refresh_keeps_a_flapping_object(&sim, resources(), &client, "hoster", "hoster_vm", &vm).await;
    let dedicated = [
        ("market_id", Value::from(9i64)),
        ("template", Value::from("Debian Buster")),
    ];
    refresh_keeps_a_flapping_object(
        &sim,
        resources(),
        &client,
        "hoster",
        "hoster_dedicated_server",
        &dedicated,
    )
    .await;
    // No API reads one backup, so a miss is confirmed by three list reads in a row: a list
    // that leaves a backup out of two reads must not drop it.
    let (vm_id, _) = super::hoster::vm(&client).await;
    let backup = [("vm_id", Value::from(vm_id.as_str()))];
    refresh_keeps_an_object_flapping_for(
        &sim,
        resources(),
        &client,
        "hoster",
        "hoster_vm_backup",
        &backup,
        2,
    )
    .await;
    sim.delete(&format!("hoster/vms/{vm_id}")).await;
    sim.assert_empty().await;
}

#[tokio::test]
async fn openhosting_refresh_keeps_objects_missing_from_lists() {
    let sim = Sim::start(1000.0).await;
    let client = clients::openhosting(&sim);
    let resources = || crate::vendors::openhosting::provider().resources();
    let named = [("name", Value::from("flap"))];
    for type_name in ["openhosting_ip", "openhosting_vlan"] {
        refresh_keeps_a_flapping_object(
            &sim,
            resources(),
            &client,
            "openhosting",
            type_name,
            &named,
        )
        .await;
    }
    let drive = [("name", Value::from("flap")), ("size", Value::from("1G"))];
    refresh_keeps_a_flapping_object(
        &sim,
        resources(),
        &client,
        "openhosting",
        "openhosting_drive",
        &drive,
    )
    .await;
    let server = [
        ("name", Value::from("flap")),
        ("cpu", Value::from(1000i64)),
        ("mem", Value::from(512i64)),
    ];
    refresh_keeps_a_flapping_object(
        &sim,
        resources(),
        &client,
        "openhosting",
        "openhosting_server",
        &server,
    )
    .await;
    sim.assert_empty().await;
}
