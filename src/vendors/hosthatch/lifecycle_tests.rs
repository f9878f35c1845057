//! Lifecycle tests of the HostHatch resources against a small in-process stub of the vendor
//! API (not the full simulator): create, read, upgrade, power, delete, payment, lost deploy
//! answers, waits that time out, and the odd single-key shape.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value as Jv};
use tokio_util::sync::CancellationToken;

use super::api::HostHatchClient;
use super::server::ServerResource;
use super::ssh_key::SshKeyResource;
use crate::support::{ApiClient, Auth, HttpSettings};
use crate::tfplugin::provider::{Ctx, Resource};
use crate::tfplugin::{Diagnostics, Value};

#[derive(Default)]
struct StubServer {
    hostname: String,
    product: String,
    state: String,
    status: String,
    polls_until_active: u32,
}

#[derive(Default)]
struct Stub {
    next_id: i64,
    servers: BTreeMap<i64, StubServer>,
    keys: BTreeMap<i64, (String, String)>,
    deploys: u32,
    /// Next deploy: answer 200 with requires_payment.
    requires_payment: bool,
    /// Next deploy: create the server, then answer 502.
    lose_answer: bool,
    /// Servers never become active.
    never_active: bool,
}

type Shared = Arc<Mutex<Stub>>;

fn ok(data: Jv) -> (StatusCode, Json<Jv>) {
    (
        StatusCode::OK,
        Json(json!({"result": "success", "data": data})),
    )
}

fn not_found() -> (StatusCode, Json<Jv>) {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"result": "error", "message": "Not found"})),
    )
}

fn server_json(id: i64, s: &StubServer) -> Jv {
    json!({"id": id, "hostname": s.hostname, "state": s.state, "created": "2026-11-22",
        "product": {"_id": s.product, "name": s.product, "location": "AMS", "image": "Ubuntu 22.04 64-bit",
                    "available_upgrades": ["nvme-4gb", "nvme-8gb"]},
        "network": {"primary_ipaddress": format!("10.0.0.{id}")},
        "billing": {"billing_cycle": "monthly", "next_due": "2026-12-22", "initial_cost": "4", "recurring_cost": 16, "currency": "USD"}})
}

async fn deploy(State(stub): State<Shared>, Json(body): Json<Jv>) -> (StatusCode, Json<Jv>) {
    let mut st = stub.lock().unwrap();
    st.deploys += 1;
    st.next_id += 1;
    let id = 1000 + st.next_id;
    let server = StubServer {
        hostname: body["hostname"].as_str().unwrap_or_default().into(),
        product: body["product"].as_str().unwrap_or_default().into(),
        state: "Pending".into(),
        status: "offline".into(),
        polls_until_active: 2,
    };
    st.servers.insert(id, server);
    if std::mem::take(&mut st.lose_answer) {
        return (
            StatusCode::BAD_GATEWAY,
            Json(json!({"result": "error", "message": "Bad gateway"})),
        );
    }
    let url = format!("https://cloud.hosthatch.com/invoices/{id}");
    if std::mem::take(&mut st.requires_payment) {
        return ok(
            json!({"invoice_id": id, "invoice_url": url, "server_id": id, "requires_payment": true,
                         "outstanding_balance": {"price": 10, "currency": "USD"}}),
        );
    }
    let (status, body) = ok(
        json!({"invoice_id": id, "invoice_url": url, "server_id": id, "requires_payment": false}),
    );
    (
        if status == StatusCode::OK {
            StatusCode::CREATED
        } else {
            status
        },
        body,
    )
}

async fn list_servers(State(stub): State<Shared>) -> (StatusCode, Json<Jv>) {
    let st = stub.lock().unwrap();
    ok(json!({"servers": st.servers.iter().map(|(id, s)| server_json(*id, s)).collect::<Vec<_>>()}))
}

async fn get_server(State(stub): State<Shared>, Path(id): Path<i64>) -> (StatusCode, Json<Jv>) {
    let mut st = stub.lock().unwrap();
    let never_active = st.never_active;
    let Some(s) = st.servers.get_mut(&id) else {
        return not_found();
    };
    if s.state == "Pending" && !never_active {
        if s.polls_until_active == 0 {
            s.state = "Active".into();
            s.status = "online".into();
        } else {
            s.polls_until_active -= 1;
        }
    }
    ok(json!({"server": server_json(id, s)}))
}

async fn status(State(stub): State<Shared>, Path(id): Path<i64>) -> (StatusCode, Json<Jv>) {
    let st = stub.lock().unwrap();
    match st.servers.get(&id) {
        Some(s) => ok(json!({"status": s.status})),
        None => not_found(),
    }
}

async fn power(
    State(stub): State<Shared>,
    Path((id, action)): Path<(i64, String)>,
) -> (StatusCode, Json<Jv>) {
    let mut st = stub.lock().unwrap();
    let Some(s) = st.servers.get_mut(&id) else {
        return not_found();
    };
    s.status = if action == "shutdown" {
        "offline"
    } else {
        "online"
    }
    .into();
    ok(Jv::Null)
}

async fn upgrade(
    State(stub): State<Shared>,
    Path(id): Path<i64>,
    Json(body): Json<Jv>,
) -> (StatusCode, Json<Jv>) {
    let mut st = stub.lock().unwrap();
    let Some(s) = st.servers.get_mut(&id) else {
        return not_found();
    };
    s.product = body["product"].as_str().unwrap_or_default().into();
    ok(json!({"invoice_id": 9, "invoice_url": 9, "requires_payment": "0"}))
}

async fn cancel(State(stub): State<Shared>, Path(id): Path<i64>) -> (StatusCode, Json<Jv>) {
    let mut st = stub.lock().unwrap();
    match st.servers.remove(&id) {
        Some(_) => ok(Jv::Null),
        None => not_found(),
    }
}

async fn create_key(State(stub): State<Shared>, Json(body): Json<Jv>) -> (StatusCode, Json<Jv>) {
    let mut st = stub.lock().unwrap();
    st.next_id += 1;
    let id = st.next_id;
    let (d, v) = (
        body["description"].as_str().unwrap_or_default().to_string(),
        body["value"].as_str().unwrap_or_default().to_string(),
    );
    st.keys.insert(id, (d.clone(), v.clone()));
    ok(json!({"key": {"id": id, "type": "sshkey", "description": d, "value": v}}))
}

async fn list_keys(State(stub): State<Shared>) -> (StatusCode, Json<Jv>) {
    let st = stub.lock().unwrap();
    let keys: Vec<Jv> = st.keys.iter().map(|(id, (d, v))| json!({"id": id.to_string(), "type": "sshkey", "description": d, "value": v})).collect();
    ok(json!({"keys": keys}))
}

/// Answers in the documented odd shape (`state`/`created` in place of `description`/`value`).
async fn get_key(State(stub): State<Shared>, Path(id): Path<i64>) -> (StatusCode, Json<Jv>) {
    let st = stub.lock().unwrap();
    match st.keys.get(&id) {
        Some((d, v)) => ok(json!({"key": {"id": id, "type": "sshkey", "state": d, "created": v}})),
        None => not_found(),
    }
}

async fn delete_key(State(stub): State<Shared>, Path(id): Path<i64>) -> (StatusCode, Json<Jv>) {
    match stub.lock().unwrap().keys.remove(&id) {
        Some(_) => ok(Jv::Null),
        None => not_found(),
    }
}

async fn products() -> (StatusCode, Json<Jv>) {
    ok(
        json!({"products": [{"_id": "nvme-2gb", "options": {"images": ["ubuntu22", "ubuntu20", "debian11"]}}]}),
    )
}

async fn start() -> (Shared, Arc<HostHatchClient>) {
    let stub: Shared = Arc::default();
    let api = Router::new()
        .route("/products", get(products))
        .route("/deploy", post(deploy))
        .route("/servers", get(list_servers))
        .route("/servers/{id}", get(get_server))
        .route("/servers/{id}/status", get(status))
        .route("/servers/{id}/{action}", post(power))
        .route("/servers/{id}/upgrade", put(upgrade))
        .route("/servers/{id}/cancel", put(cancel))
        .route("/keys", get(list_keys).post(create_key))
        .route("/keys/{id}", get(get_key).delete(delete_key))
        .with_state(stub.clone());
    let app = Router::new().nest("/api/v1", api);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let api = ApiClient::new(HttpSettings {
        endpoint: format!("http://{addr}/api/v1"),
        user_agent_suffix: "test".into(),
        request_timeout: Duration::from_secs(5),
        max_retries: 2,
        auth: Auth::Bearer("stub-token".into()),
    })
    .unwrap()
    .with_backoff_base(Duration::from_millis(1))
    .with_error_parser(super::models::error_message);
    (
        stub,
        Arc::new(HostHatchClient {
            api,
            poll_interval: Duration::from_millis(5),
        }),
    )
}

fn ctx(client: &Arc<HostHatchClient>, timeout: Duration) -> Ctx<HostHatchClient> {
    Ctx {
        client: client.clone(),
        cancel: CancellationToken::new(),
        timeout,
    }
}

fn planned_server(power_state: Value) -> Value {
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
    let (stub, client) = start().await;
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
    assert_eq!(updated.get("invoice_url").as_str(), Some("9"));

    ServerResource.delete(&c, &updated, &mut d).await;
    assert!(!d.has_errors(), "{d:?}");
    assert!(stub.lock().unwrap().servers.is_empty());
    assert!(ServerResource.read(&c, &updated, &mut d).await.is_null());
    ServerResource.delete(&c, &updated, &mut d).await;
    assert!(!d.has_errors(), "deleting a gone server succeeds: {d:?}");
}

#[tokio::test]
async fn a_lost_deploy_answer_adopts_the_new_server() {
    let (stub, client) = start().await;
    stub.lock().unwrap().lose_answer = true;
    let mut d = Diagnostics::default();
    let created = ServerResource
        .create(
            &ctx(&client, Duration::from_secs(10)),
            &planned_server(Value::Unknown),
            &mut d,
        )
        .await;
    assert!(!d.has_errors(), "{d:?}");
    let st = stub.lock().unwrap();
    assert_eq!(st.deploys, 1, "a deploy is never resent");
    let only = st.servers.keys().next().copied().unwrap();
    assert_eq!(created.get("id").as_str(), Some(only.to_string().as_str()));
    assert!(d.0[0].summary.starts_with("Adopted"));
}

#[tokio::test]
async fn awaiting_payment_returns_the_id_and_names_the_invoice() {
    let (stub, client) = start().await;
    stub.lock().unwrap().requires_payment = true;
    let mut d = Diagnostics::default();
    let created = ServerResource
        .create(
            &ctx(&client, Duration::from_secs(10)),
            &planned_server(Value::Unknown),
            &mut d,
        )
        .await;
    let id = created.get("id").as_str().unwrap().to_string();
    assert!(d.has_errors());
    assert!(
        d.0[0]
            .detail
            .contains(&format!("https://cloud.hosthatch.com/invoices/{id}")),
        "{}",
        d.0[0].detail
    );
    assert_eq!(created.get("requires_payment").as_bool(), Some(true));
    assert!(created.is_wholly_known());
}

#[tokio::test]
async fn a_wait_that_times_out_keeps_the_id() {
    let (stub, client) = start().await;
    stub.lock().unwrap().never_active = true;
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
    let (_stub, client) = start().await;
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
    let (_stub, client) = start().await;
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
async fn ssh_key_lifecycle_survives_the_odd_single_key_shape() {
    let (stub, client) = start().await;
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
    assert!(stub.lock().unwrap().keys.is_empty());
    assert!(SshKeyResource.read(&c, &created, &mut d).await.is_null());
    assert!(!d.has_errors(), "{d:?}");
}

#[tokio::test]
async fn data_sources_list_and_filter() {
    use super::data_server::ServerDataSource;
    use super::data_servers::ServersDataSource;
    use super::data_ssh_keys::SshKeysDataSource;
    use crate::tfplugin::provider::DataSource;

    let (_stub, client) = start().await;
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
