//! Lifecycle tests of the hoster resources and data sources against the simulator
//! (`crate::sim`) on a loopback port: VM create through a job, resize, reinstall, power, rDNS,
//! job failure, a timed-out job adopted later, out-of-band deletion, dedicated orders found by
//! listing, backups and restore.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value as Jv};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::api::HosterClient;
use super::dedicated::DedicatedServerResource;
use super::vm::VmResource;
use super::vm_backup::VmBackupResource;
use crate::sim::{run, SimConfig, SimInner};
use crate::support::{ApiClient, Auth, HttpSettings};
use crate::tfplugin::provider::{Ctx, DataSource, Resource};
use crate::tfplugin::{Diagnostics, Value};

const TOKEN: &str = "lifecycle-token";

struct Sim {
    base: String,
    admin: reqwest::Client,
    _stop: oneshot::Sender<()>,
}

impl Sim {
    async fn admin(&self, method: reqwest::Method, path: &str, body: Jv) -> Jv {
        let answer = self
            .admin
            .request(method.clone(), format!("{}/_sim/{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            answer.status().is_success(),
            "{method} /_sim/{path}: {}",
            answer.status()
        );
        answer.json().await.unwrap_or(Jv::Null)
    }

    async fn post(&self, path: &str, body: Jv) -> Jv {
        self.admin(reqwest::Method::POST, path, body).await
    }

    async fn get(&self, path: &str) -> Jv {
        self.admin(reqwest::Method::GET, path, json!({})).await
    }

    async fn assert_empty(&self) {
        let empty = self.get("empty").await;
        assert_eq!(empty["empty"], true, "left behind: {}", empty["left"]);
    }

    async fn vm(&self, id: &str) -> Jv {
        let state = self.get("state").await;
        state["hoster"]["vms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"].as_u64().is_some_and(|n| n.to_string() == id))
            .cloned()
            .unwrap_or(Jv::Null)
    }
}

async fn start() -> (Sim, Arc<HosterClient>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = SimInner::new_state(SimConfig {
        time_scale: 1000.0,
        token: TOKEN.into(),
        log_requests: false,
    });
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(run(listener, state, async {
        let _ = stopped.await;
    }));
    let api = ApiClient::new(HttpSettings {
        endpoint: format!("{base}/hoster/api/v1"),
        user_agent_suffix: "test".into(),
        request_timeout: Duration::from_secs(5),
        max_retries: 2,
        auth: Auth::Bearer(TOKEN.into()),
    })
    .unwrap()
    .with_backoff_base(Duration::from_millis(1))
    .with_error_parser(super::models::error_message);
    let client = Arc::new(HosterClient {
        api,
        poll_interval: Duration::from_millis(5),
        order_lock: Default::default(),
    });
    let sim = Sim {
        base,
        admin: reqwest::Client::new(),
        _stop: stop,
    };
    (sim, client)
}

fn ctx(client: &Arc<HosterClient>, timeout: Duration) -> Ctx<HosterClient> {
    Ctx {
        client: client.clone(),
        cancel: CancellationToken::new(),
        timeout,
    }
}

/// A planned value of `schema` with `pairs` set and every computed-only attribute unknown.
fn planned(schema: crate::tfplugin::Schema, pairs: &[(&str, Value)]) -> Value {
    let mut v = Value::null_object(&schema.block.implied_type());
    for a in schema.block.attributes.iter().filter(|a| a.computed) {
        v.set(a.name, Value::Unknown);
    }
    for (k, x) in pairs {
        v.set(k, x.clone());
    }
    v
}

fn planned_vm() -> Value {
    planned(
        super::vm::schema(),
        &[
            ("template", "Debian10.0".into()),
            ("cpu_cores", 2i64.into()),
            ("memory", 2048i64.into()),
            ("disk", "10240M".into()),
            ("ip_count", 1i64.into()),
        ],
    )
}

fn ok(d: &Diagnostics) {
    assert!(!d.has_errors(), "{d:?}");
}

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
        sim.vm(&id).await["password"].as_str(),
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
    assert_eq!(sim.vm(&id).await["shape"]["disk_gb"], 20);

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
    assert!(sim.vm(&id).await.to_string().contains("web.example.com"));

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
    assert_eq!(
        created.get("id").as_str(),
        Some(format!("job-{job_id}").as_str())
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
    sim.admin(
        reqwest::Method::DELETE,
        &format!("hoster/vms/{id}"),
        json!({}),
    )
    .await;
    assert!(VmResource.read(&c, &created, &mut d).await.is_null());
    ok(&d);
}

#[tokio::test]
async fn dedicated_order_is_found_by_listing_then_reinstalled_powered_and_terminated() {
    let (sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let market = super::data_market::MarketDataSource
        .read(
            &c,
            &Value::null_object(&super::data_market::schema().block.implied_type()),
            &mut d,
        )
        .await;
    ok(&d);
    let offer = market.get("servers").elements()[0].clone();
    let market_id = offer.get("id").as_i64().unwrap();
    let plan = planned(
        super::dedicated::schema(),
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
        super::dedicated::schema(),
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
            &planned(super::vm_backup::schema(), &[("vm_id", id.as_str().into())]),
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
async fn data_sources_list_templates_and_vms() {
    let (_sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let vm = VmResource.create(&c, &planned_vm(), &mut d).await;
    let templates = super::data_templates::TemplatesDataSource
        .read(
            &c,
            &Value::null_object(&super::data_templates::schema().block.implied_type()),
            &mut d,
        )
        .await;
    assert!(templates
        .get("templates")
        .elements()
        .contains(&Value::from("Debian10.0")));
    let mut cfg = Value::null_object(&super::data_vms::schema().block.implied_type());
    cfg.set("template", "Debian10.0");
    let vms = super::data_vms::VmsDataSource.read(&c, &cfg, &mut d).await;
    assert_eq!(vms.get("ids").elements(), &[vm.get("id").clone()]);
    let mut one = Value::null_object(&super::data_vm::schema().block.implied_type());
    one.set("id", vm.get("id").clone());
    let read = super::data_vm::VmDataSource.read(&c, &one, &mut d).await;
    ok(&d);
    assert_eq!(read.get("disk").as_str(), Some("10G"));
    assert_eq!(read.get("power_state").as_str(), Some("running"));
}

#[tokio::test]
async fn software_installs_with_either_password_and_uninstalls_only_with_a_stored_one() {
    use super::software::{schema, SoftwareResource};
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
    use super::console::VmConsole;
    use crate::tfplugin::provider::EphemeralResource;
    let (_sim, client) = start().await;
    let c = ctx(&client, Duration::from_secs(20));
    let mut d = Diagnostics::default();
    let vm = VmResource.create(&c, &planned_vm(), &mut d).await;
    let mut config = Value::null_object(&super::console::schema().block.implied_type());
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
