//! Drift (issue 7, guarantee 3), deletion half: a resource deleted out of band reads as gone
//! (null, so Terraform plans a create) without an error. The table below is checked against
//! `vendors::catalogues()`: every resource type must have a case here, or name the test that
//! covers it elsewhere, so a new resource fails this test until it has one. `hoster` and
//! `terrahost` hold those vendors' cases.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use crate::tfplugin::provider::{Provider, Resource};
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::test_clients as clients;
use crate::vendors::test_support::{ctx, Sim};

mod change_cases;
mod changes;
mod flapping;
mod hoster;
mod terrahost;

/// Resource types with a case in this file.
const CASES_HERE: &[&str] = &[
    "hosthatch_ssh_key",
    "hosthatch_server",
    "openhosting_drive",
    "openhosting_ip",
    "openhosting_vlan",
    "openhosting_server",
    "hoster_dedicated_server",
    "hoster_software",
    "hoster_vm_backup",
    "terrahost_server",
    "terrahost_snapshot",
    "terrahost_reverse_dns",
    "terrahost_ipv4",
    "gigahost_server",
    "gigahost_snapshot",
    "gigahost_reverse_dns",
    "gigahost_ipv4",
];

/// Covered by another test: (type, test).
const COVERED_ELSEWHERE: &[(&str, &str)] = &[(
    "hoster_vm",
    "vendors::hoster::lifecycle_tests::vm::out_of_band_deletion_drops_the_vm",
)];

#[test]
fn every_resource_type_is_in_the_drift_table() {
    let all: BTreeSet<&str> = super::catalogues()
        .iter()
        .flat_map(|c| c.resources.iter().map(|r| r.type_name))
        .collect();
    let listed: BTreeSet<&str> = CASES_HERE
        .iter()
        .copied()
        .chain(COVERED_ELSEWHERE.iter().map(|(t, _)| *t))
        .collect();
    assert_eq!(all, listed, "resource types vs the drift table");
    println!(
        "DRIFT deleted out of band: {} resource types, each read as gone (plan: create)",
        all.len()
    );
}

/// (resource type, arguments, admin path the id is appended to).
type DeletionCase = (&'static str, Vec<(&'static str, Value)>, &'static str);

pub(crate) use crate::vendors::test_support::planned;

/// Creates `type_name`, deletes it through the simulator's admin route `admin_path(id)`, and
/// checks that a read then answers null without an error diagnostic. Returns the created
/// state; the caller checks the simulator is empty once its cases are done.
async fn deleted_out_of_band_reads_as_gone<C: Send + Sync + 'static>(
    sim: &Sim,
    resources: Vec<Arc<dyn Resource<C>>>,
    client: &Arc<C>,
    type_name: &str,
    pairs: &[(&str, Value)],
    admin_path: impl Fn(&str) -> String,
) -> Value {
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
    assert!(!id.is_empty(), "{type_name}: no id in {created:?}");
    let read = resource.read(&c, &created, &mut d).await;
    assert!(!read.is_null(), "{type_name}: a live object must read");
    sim.delete(&admin_path(&id)).await;
    let read = resource.read(&c, &created, &mut d).await;
    assert!(
        read.is_null(),
        "{type_name}: read after deletion gave {read:?}"
    );
    assert!(!d.has_errors(), "{type_name}: {d:?}");
    created
}

#[tokio::test]
async fn hosthatch_resources_deleted_out_of_band_read_as_gone() {
    use crate::vendors::hosthatch;
    let sim = Sim::start(1000.0).await;
    let client = clients::hosthatch(&sim);
    let key = [
        ("description", Value::from("drift")),
        ("value", Value::from("ssh-ed25519 AAAA drift@host")),
    ];
    let resources = || hosthatch::provider().resources();
    deleted_out_of_band_reads_as_gone(
        &sim,
        resources(),
        &client,
        "hosthatch_ssh_key",
        &key,
        |id| format!("hosthatch/keys/{id}"),
    )
    .await;
    let server = [
        ("product", Value::from("nvme-2gb")),
        ("location", Value::from("AMS")),
        ("billing", Value::from("monthly")),
        ("image", Value::from("ubuntu22")),
        ("hostname", Value::from("drift.test")),
    ];
    deleted_out_of_band_reads_as_gone(
        &sim,
        resources(),
        &client,
        "hosthatch_server",
        &server,
        |id| format!("hosthatch/servers/{id}"),
    )
    .await;
    sim.assert_empty().await;
}

#[tokio::test]
async fn openhosting_resources_deleted_out_of_band_read_as_gone() {
    use crate::vendors::openhosting;
    let sim = Sim::start(1000.0).await;
    let client = clients::openhosting(&sim);
    let resources = || openhosting::provider().resources();
    let cases: [DeletionCase; 4] = [
        (
            "openhosting_drive",
            vec![("name", "drift".into()), ("size", "1G".into())],
            "openhosting/drives/",
        ),
        (
            "openhosting_ip",
            vec![("name", "drift".into())],
            "openhosting/resources/ip/",
        ),
        (
            "openhosting_vlan",
            vec![("name", "drift".into())],
            "openhosting/resources/vlan/",
        ),
        (
            "openhosting_server",
            vec![
                ("name", "drift".into()),
                ("cpu", 1000i64.into()),
                ("mem", 512i64.into()),
            ],
            "openhosting/servers/",
        ),
    ];
    for (type_name, pairs, admin) in cases {
        deleted_out_of_band_reads_as_gone(&sim, resources(), &client, type_name, &pairs, |id| {
            format!("{admin}{id}")
        })
        .await;
    }
    sim.assert_empty().await;
}
