//! Hoster deletion cases: a dedicated server terminated, a backup removed and the machine
//! under a software install deleted out of band all read as gone. An uninstall done out of
//! band cannot be seen (the API has no way to read installed software): `hoster_software`
//! reads as gone only when its machine is.

use std::sync::Arc;
use std::time::Duration;

use super::{deleted_out_of_band_reads_as_gone, planned};
use crate::tfplugin::provider::{Provider, Resource};
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::hoster::{self, api::HosterClient, vm::VmResource};
use crate::vendors::test_support::{ctx, Sim};

/// A running VM for the cases that need a machine: (id, root password).
pub(super) async fn vm(client: &Arc<HosterClient>) -> (String, Value) {
    let schema = VmResource.schema();
    let plan = planned(
        &schema,
        &[
            ("template", "Debian10.0".into()),
            ("cpu_cores", 1i64.into()),
            ("memory", 1024i64.into()),
            ("disk", "10240M".into()),
            ("ip_count", 1i64.into()),
        ],
    );
    let mut d = Diagnostics::default();
    let vm = VmResource
        .create(&ctx(client, Duration::from_secs(30)), &plan, &mut d)
        .await;
    assert!(!d.has_errors(), "vm: {d:?}");
    let id = vm.get("id").as_str().unwrap().to_string();
    (id, vm.get("root_password").clone())
}

#[tokio::test]
async fn hoster_resources_deleted_out_of_band_read_as_gone() {
    let sim = Sim::start(1000.0).await;
    let client = crate::vendors::test_clients::hoster(&sim);
    let resources = || hoster::provider().resources();
    let dedicated = [
        ("market_id", Value::from(9i64)),
        ("template", Value::from("Debian Buster")),
    ];
    deleted_out_of_band_reads_as_gone(
        &sim,
        resources(),
        &client,
        "hoster_dedicated_server",
        &dedicated,
        |id| format!("hoster/dedicated/{id}"),
    )
    .await;

    let (vm_id, _) = vm(&client).await;
    let backup = [("vm_id", Value::from(vm_id.as_str()))];
    deleted_out_of_band_reads_as_gone(
        &sim,
        resources(),
        &client,
        "hoster_vm_backup",
        &backup,
        |timestamp| format!("hoster/vms/{vm_id}/backups/{timestamp}"),
    )
    .await;
    sim.delete(&format!("hoster/vms/{vm_id}")).await;

    let (vm_id, password) = vm(&client).await;
    let software = [
        ("server", Value::from(vm_id.as_str())),
        ("package", Value::from("ts3")),
        ("password", password),
    ];
    deleted_out_of_band_reads_as_gone(
        &sim,
        resources(),
        &client,
        "hoster_software",
        &software,
        |_| format!("hoster/vms/{vm_id}"),
    )
    .await;
    sim.assert_empty().await;
}
