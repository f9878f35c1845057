//! Lifecycle tests of the HostHatch resources and data sources against the simulator
//! (`crate::sim`) on a loopback port: create, read, upgrade, power, delete, payment, lost
//! deploy answers, waits that time out, the odd single-key shape and malformed JSON.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::api::HostHatchClient;
use super::server::ServerResource;
use super::ssh_key::SshKeyResource;
use crate::support::Auth;
use crate::tfplugin::provider::Resource;
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::test_support::{ctx, Sim, TOKEN};

async fn server_ids(sim: &Sim) -> Vec<String> {
    let state = sim.get("state").await;
    state["hosthatch"]["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].to_string())
        .collect()
}

pub(super) async fn start() -> (Sim, Arc<HostHatchClient>) {
    let sim = Sim::start(1000.0).await;
    let settings = sim.http_settings("/hosthatch/api/v1", Auth::Bearer(TOKEN.into()));
    let client = Arc::new(HostHatchClient {
        api: Sim::api(settings).with_error_parser(super::models::error_message),
        poll_interval: Duration::from_millis(5),
        reads: Default::default(),
    });
    (sim, client)
}

pub(super) fn planned_server(power_state: Value) -> Value {
    let mut v = Value::null_object(&super::server::schema().block.implied_type());
    for (k, x) in [
        ("product", "nvme-2gb"),
        ("location", "AMS"),
        ("billing", "monthly"),
        ("image", "ubuntu22"),
        ("hostname", "web.test"),
    ] {
        v.set(k, x);
    }
    v.set("power_state", power_state);
    v.set("upgrade_disk", false);
    v.set("cancel_reason", "Destroyed by Terraform");
    v.set("cancel_immediately", true);
    for computed in super::server::schema()
        .block
        .attributes
        .iter()
        .filter(|a| a.computed && !a.optional)
    {
        v.set(computed.name, Value::Unknown);
    }
    v
}

#[tokio::test]
async fn server_create_upgrade_power_delete() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(10));
    let mut d = Diagnostics::default();
    let created = ServerResource
        .create(&c, &planned_server(Value::Unknown), &mut d)
        .await;
    assert!(!d.has_errors(), "{d:?}");
    assert!(created.is_wholly_known());
    assert_eq!(created.get("status").as_str(), Some("online"));
    assert_eq!(created.get("power_state").as_str(), Some("running"));
    assert_eq!(created.get("image").as_str(), Some("ubuntu22"));
    assert_eq!(created.get("requires_payment").as_bool(), Some(false));

    let read = ServerResource.read(&c, &created, &mut d).await;
    assert_eq!(read, created);

    let mut planned = created.clone();
    planned.set("product", "nvme-4gb");
    planned.set("power_state", "stopped");
    let updated = ServerResource.update(&c, &created, &planned, &mut d).await;
    assert!(!d.has_errors(), "{d:?}");
    assert_eq!(updated.get("product").as_str(), Some("nvme-4gb"));
    assert_eq!(updated.get("status").as_str(), Some("offline"));
    assert!(updated
        .get("invoice_url")
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));

    ServerResource.delete(&c, &updated, &mut d).await;
    assert!(!d.has_errors(), "{d:?}");
    assert!(server_ids(&sim).await.is_empty());
    assert!(ServerResource.read(&c, &updated, &mut d).await.is_null());
    ServerResource.delete(&c, &updated, &mut d).await;
    assert!(!d.has_errors(), "deleting a gone server succeeds: {d:?}");
}

#[tokio::test]
async fn a_lost_deploy_answer_adopts_the_new_server() {
    let (sim, client) = start().await;
    sim.post(
        "faults",
        json!({"vendor": "hosthatch", "kind": "status_after", "status": 502, "path_contains": "/deploy"}),
    )
    .await;
    let mut d = Diagnostics::default();
    let created = ServerResource
        .create(
            &ctx(&client, Duration::from_secs(10)),
            &planned_server(Value::Unknown),
            &mut d,
        )
        .await;
    assert!(!d.has_errors(), "{d:?}");
    let stats = sim.get("stats").await;
    assert_eq!(
        stats["hosthatch"]["POST /deploy"], 1,
        "a deploy is never resent"
    );
    let ids = server_ids(&sim).await;
    assert_eq!(ids.len(), 1);
    assert_eq!(created.get("id").as_str(), Some(ids[0].as_str()));
    assert!(d.0[0].summary.starts_with("Adopted"));
}

#[tokio::test]
async fn awaiting_payment_returns_the_id_and_names_the_invoice() {
    let (sim, client) = start().await;
    sim.post("hosthatch/next_deploy", json!({"requires_payment": true}))
        .await;
    let mut d = Diagnostics::default();
    let created = ServerResource
        .create(
            &ctx(&client, Duration::from_secs(10)),
            &planned_server(Value::Unknown),
            &mut d,
        )
        .await;
    assert!(created.get("id").as_str().is_some());
    assert!(d.has_errors());
    assert!(
        d.0[0]
            .detail
            .contains(created.get("invoice_url").as_str().unwrap()),
        "{}",
        d.0[0].detail
    );
    assert_eq!(created.get("requires_payment").as_bool(), Some(true));
    assert!(created.is_wholly_known());
}

#[tokio::test]
async fn a_wait_that_times_out_keeps_the_id() {
    let (sim, client) = start().await;
    sim.post("hosthatch/next_deploy", json!({"never_active": true}))
        .await;
    let mut d = Diagnostics::default();
    let created = ServerResource
        .create(
            &ctx(&client, Duration::from_millis(300)),
            &planned_server(Value::Unknown),
            &mut d,
        )
        .await;
    assert!(created.get("id").as_str().is_some());
    assert!(
        d.0[0].detail.contains("last state: Pending/offline"),
        "{}",
        d.0[0].detail
    );
}

#[tokio::test]
async fn a_server_planned_stopped_is_shut_down_after_create() {
    let (_sim, client) = start().await;
    let mut d = Diagnostics::default();
    let created = ServerResource
        .create(
            &ctx(&client, Duration::from_secs(10)),
            &planned_server("stopped".into()),
            &mut d,
        )
        .await;
    assert!(!d.has_errors(), "{d:?}");
    assert_eq!(created.get("status").as_str(), Some("offline"));
    assert_eq!(created.get("power_state").as_str(), Some("stopped"));
}

#[tokio::test]
async fn import_then_read_names_the_image() {
    let (_sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(10));
    let mut d = Diagnostics::default();
    let created = ServerResource
        .create(&c, &planned_server(Value::Unknown), &mut d)
        .await;
    let imported = ServerResource.import_state(created.get("id").as_str().unwrap(), &mut d);
    let read = ServerResource.read(&c, &imported, &mut d).await;
    assert!(!d.has_errors(), "{d:?}");
    assert_eq!(read.get("image").as_str(), Some("ubuntu22"));
    assert_eq!(read.get("hostname").as_str(), Some("web.test"));
}

#[tokio::test]
async fn ssh_key_lifecycle_survives_the_odd_single_key_shape_and_malformed_json() {
    let (sim, client) = start().await;
    sim.post(
        "hosthatch/quirks",
        json!({"odd_key_shape": true, "malformed_json": true}),
    )
    .await;
    let c = ctx(&client, Duration::from_secs(10));
    let mut d = Diagnostics::default();
    let mut planned = Value::null_object(&super::ssh_key::schema().block.implied_type());
    planned.set("description", "laptop");
    planned.set("value", "ssh-ed25519 AAAA me@host");
    planned.set("type", "sshkey");
    planned.set("id", Value::Unknown);
    let created = SshKeyResource.create(&c, &planned, &mut d).await;
    let id = created.get("id").as_str().unwrap().to_string();
    let imported = SshKeyResource.import_state(&id, &mut d);
    let read = SshKeyResource.read(&c, &imported, &mut d).await;
    assert_eq!(read, created);
    SshKeyResource.delete(&c, &created, &mut d).await;
    assert_eq!(sim.get("state").await["hosthatch"]["keys"], json!([]));
    assert!(SshKeyResource.read(&c, &created, &mut d).await.is_null());
    assert!(!d.has_errors(), "{d:?}");
}

#[tokio::test]
async fn data_sources_list_and_filter() {
    use super::data_server::ServerDataSource;
    use super::data_servers::ServersDataSource;
    use super::data_ssh_keys::SshKeysDataSource;
    use crate::tfplugin::provider::DataSource;

    let (_sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(10));
    let mut d = Diagnostics::default();
    let created = ServerResource
        .create(&c, &planned_server(Value::Unknown), &mut d)
        .await;
    let id = created.get("id").as_str().unwrap().to_string();

    let mut config = Value::null_object(&super::data_servers::schema().block.implied_type());
    config.set("location", "ams");
    let all = ServersDataSource.read(&c, &config, &mut d).await;
    assert_eq!(all.get("servers").elements().len(), 1);
    config.set("product", "nvme-16gb");
    let none = ServersDataSource.read(&c, &config, &mut d).await;
    assert!(none.get("servers").elements().is_empty());

    let mut config = Value::null_object(&super::data_server::schema().block.implied_type());
    config.set("id", id.as_str());
    let one = ServerDataSource.read(&c, &config, &mut d).await;
    assert_eq!(one.get("power_state").as_str(), Some("running"));
    assert_eq!(one.get("image_name").as_str(), Some("Ubuntu 22.04 64-bit"));

    let keys = SshKeysDataSource
        .read(
            &c,
            &Value::null_object(&super::data_ssh_keys::schema().block.implied_type()),
            &mut d,
        )
        .await;
    assert!(keys.get("keys").elements().is_empty());
    assert!(!d.has_errors(), "{d:?}");
}
