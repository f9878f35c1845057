//! HosterAPI admin routes under `/_sim/hoster`: timing settings, armed job and order
//! outcomes, out-of-band VM changes and deletions (backups too), dedicated changes, terminations and incidents; plus
//! the state dump and leftover list used by `/_sim/state` and `/_sim/empty`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::sim::admin::{admin_error, ok, parse_body};
use crate::sim::clock::VirtualSecs;
use crate::sim::hoster::body::disk_gb;
use crate::sim::hoster::jobs::ArmedJob;
use crate::sim::hoster::model::{HosterStore, OrderOutcome};
use crate::sim::hoster::open;
use crate::sim::hoster::quirks::Quirks;
use crate::sim::store::{lock, SimState};

/// Routes relative to `/_sim/hoster`.
pub fn router() -> Router<SimState> {
    Router::new()
        .route("/settings", get(show_settings).post(set_settings))
        .route("/next_jobs", post(arm_jobs).delete(clear_jobs))
        .route("/next_order", post(arm_order))
        .route("/quirks", get(show_quirks).post(set_quirks))
        .route("/vms/{id}", patch(patch_vm).delete(delete_vm))
        .route("/vms/{id}/incidents", post(add_incident))
        .route("/vms/{id}/backups/{timestamp}", delete(delete_backup))
        .route(
            "/dedicated/{id}",
            patch(patch_dedicated).delete(delete_dedicated),
        )
}

/// The account as `/_sim/state` shows it, hidden fields included.
pub fn dump(store: &HosterStore, now: VirtualSecs) -> Value {
    let jobs: Vec<Value> = store
        .jobs
        .values()
        .map(|job| {
            let mut shown = job.view(now);
            if let Value::Object(fields) = &mut shown {
                fields.insert("id".into(), json!(job.id));
                fields.insert("kind".into(), json!(job.kind));
                fields.insert("effect".into(), json!(job.effect));
                fields.insert("ends_at".into(), json!(job.ends_at()));
                fields.insert("looks".into(), json!(job.looks));
                fields.insert("end_seen_at".into(), json!(job.end_seen_at));
            }
            shown
        })
        .collect();
    let vms: Vec<&_> = store.vms.values().collect();
    let dedicated: Vec<&_> = store.dedicated.values().collect();
    json!({
        "vms": vms,
        "jobs": jobs,
        "dedicated": dedicated,
        "settings": store.settings,
        "next_jobs": store.armed_jobs,
        "next_order": store.next_order,
        "quirks": store.quirks,
    })
}

/// Objects still present: "hoster vm 4001", "hoster dedicated 9", "hoster software ts3 on
/// 4001". Backups go with their VM and cannot be deleted through the API, so they are not
/// listed.
pub fn leftovers(store: &HosterStore) -> Vec<String> {
    let mut left = Vec::new();
    for vm in store.vms.values() {
        left.push(format!("hoster vm {}", vm.id));
        for package in &vm.software {
            left.push(format!("hoster software {package} on {}", vm.id));
        }
    }
    for server in store.dedicated.values() {
        left.push(format!("hoster dedicated {}", server.id));
        for package in &server.software {
            left.push(format!("hoster software {package} on {}", server.id));
        }
    }
    left
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsChange {
    job_secs: Option<f64>,
    queue_secs: Option<f64>,
    power_secs: Option<f64>,
    order_secs: Option<f64>,
    backup_secs: Option<f64>,
}

async fn show_settings(State(state): State<SimState>) -> Response {
    let (store, _) = open(&state);
    Json(store.settings).into_response()
}

async fn set_settings(State(state): State<SimState>, body: Bytes) -> Response {
    let change = match parse_body::<SettingsChange>(&body) {
        Ok(change) => change,
        Err(bad) => return bad.into_response(),
    };
    let (mut store, _) = open(&state);
    let settings = &mut store.settings;
    for (value, slot) in [
        (change.job_secs, &mut settings.job_secs),
        (change.queue_secs, &mut settings.queue_secs),
        (change.power_secs, &mut settings.power_secs),
        (change.order_secs, &mut settings.order_secs),
        (change.backup_secs, &mut settings.backup_secs),
    ] {
        match value {
            Some(secs) if secs.is_finite() && secs >= 0.0 => *slot = secs,
            Some(_) => return admin_error(StatusCode::BAD_REQUEST, "durations must be >= 0"),
            None => {}
        }
    }
    Json(store.settings).into_response()
}

async fn arm_jobs(State(state): State<SimState>, body: Bytes) -> Response {
    match parse_body::<ArmedJob>(&body) {
        Ok(armed) if armed.count == 0 => {
            admin_error(StatusCode::BAD_REQUEST, "\"count\" must be at least 1")
        }
        Ok(armed) => {
            open(&state).0.armed_jobs.push(armed);
            ok()
        }
        Err(bad) => bad.into_response(),
    }
}

async fn clear_jobs(State(state): State<SimState>) -> Response {
    open(&state).0.armed_jobs.clear();
    ok()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderArming {
    outcome: OrderOutcome,
}

async fn arm_order(State(state): State<SimState>, body: Bytes) -> Response {
    match parse_body::<OrderArming>(&body) {
        Ok(arming) => {
            open(&state).0.next_order = arming.outcome;
            ok()
        }
        Err(bad) => bad.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct VmChange {
    state: Option<String>,
    template: Option<String>,
    cpu_cores: Option<i64>,
    mem: Option<i64>,
    disk: Option<String>,
    ip_count: Option<usize>,
}

async fn patch_vm(State(state): State<SimState>, Path(id): Path<u64>, body: Bytes) -> Response {
    let change = match parse_body::<VmChange>(&body) {
        Ok(change) => change,
        Err(bad) => return bad.into_response(),
    };
    let running = match change.state.as_deref() {
        None => None,
        Some("running") => Some(true),
        Some("stopped") => Some(false),
        Some(_) => return admin_error(StatusCode::BAD_REQUEST, "state: running or stopped"),
    };
    if change
        .template
        .as_deref()
        .is_some_and(|template| !lock(&state.hoster).catalogue.has_vm_template(template))
    {
        return admin_error(StatusCode::BAD_REQUEST, "unknown template");
    }
    let disk = match change.disk.as_deref().map(disk_gb) {
        Some(None) => return admin_error(StatusCode::BAD_REQUEST, "disk: \"<N>G\""),
        Some(Some(gb)) => Some(gb),
        None => None,
    };
    if change.ip_count.is_some_and(|count| count > 64) {
        return admin_error(StatusCode::BAD_REQUEST, "ipCount: at most 64");
    }
    let (mut store, now) = open(&state);
    let have_ips = store.vms.get(&id).map_or(0, |vm| vm.ipv4.len());
    let extra: Vec<String> = (have_ips..change.ip_count.unwrap_or(0))
        .map(|_| store.next_ipv4())
        .collect();
    let Some(vm) = store.vms.get_mut(&id) else {
        return admin_error(StatusCode::NOT_FOUND, "no such vm");
    };
    if let Some(running) = running {
        if running && !vm.running {
            vm.running_since = now;
        }
        vm.running = running;
        vm.power_serial += 1;
    }
    if let Some(template) = change.template {
        vm.shape.template = template;
    }
    if let Some(cpu_cores) = change.cpu_cores {
        vm.shape.cpu_cores = cpu_cores;
    }
    if let Some(mem) = change.mem {
        vm.shape.mem = mem;
    }
    if let Some(disk) = disk {
        vm.shape.disk_gb = disk;
    }
    if let Some(count) = change.ip_count {
        vm.ipv4.truncate(count.max(1));
    }
    vm.ipv4.extend(extra);
    Json(json!({ "vm": vm })).into_response()
}

async fn delete_vm(State(state): State<SimState>, Path(id): Path<u64>) -> Response {
    match open(&state).0.vms.remove(&id) {
        Some(_) => ok(),
        None => admin_error(StatusCode::NOT_FOUND, "no such vm"),
    }
}

async fn delete_backup(
    State(state): State<SimState>,
    Path((id, timestamp)): Path<(u64, u64)>,
) -> Response {
    let (mut store, _) = open(&state);
    let Some(vm) = store.vms.get_mut(&id) else {
        return admin_error(StatusCode::NOT_FOUND, "no such vm");
    };
    let before = vm.backups.len();
    vm.backups.retain(|backup| backup.timestamp != timestamp);
    if vm.backups.len() == before {
        return admin_error(StatusCode::NOT_FOUND, "no such backup");
    }
    ok()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DedicatedChange {
    running: Option<bool>,
    template: Option<String>,
}

async fn patch_dedicated(
    State(state): State<SimState>,
    Path(id): Path<u64>,
    body: Bytes,
) -> Response {
    let change = match parse_body::<DedicatedChange>(&body) {
        Ok(change) => change,
        Err(bad) => return bad.into_response(),
    };
    let (mut store, _) = open(&state);
    let Some(server) = store.dedicated.get_mut(&id) else {
        return admin_error(StatusCode::NOT_FOUND, "no such dedicated server");
    };
    if let Some(running) = change.running {
        server.running = running;
        server.power_serial += 1;
    }
    if let Some(template) = change.template {
        server.template = template;
    }
    ok()
}

async fn delete_dedicated(State(state): State<SimState>, Path(id): Path<u64>) -> Response {
    match open(&state).0.dedicated.remove(&id) {
        Some(_) => ok(),
        None => admin_error(StatusCode::NOT_FOUND, "no such dedicated server"),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewIncident {
    types: Vec<String>,
    #[serde(default)]
    ongoing: bool,
}

async fn add_incident(State(state): State<SimState>, Path(id): Path<u64>, body: Bytes) -> Response {
    let incident = match parse_body::<NewIncident>(&body) {
        Ok(incident) => incident,
        Err(bad) => return bad.into_response(),
    };
    let (mut store, _) = open(&state);
    let Some(vm) = store.vms.get_mut(&id) else {
        return admin_error(StatusCode::NOT_FOUND, "no such vm");
    };
    let gid = 117_896 + vm.incidents.len() as u64;
    let host = vm.ipv4.first().cloned().unwrap_or_default();
    let shown = json!({
        "gid": gid,
        "start": "2021-02-22 18:50:33",
        "stop": "2021-02-22 18:50:33",
        "host": host,
        "direction": 1,
        "impact": 90_107_632,
        "types": incident.types,
        "ongoing": u8::from(incident.ongoing),
    });
    vm.incidents.push(shown.clone());
    Json(json!({ "incident": shown })).into_response()
}

async fn show_quirks(State(state): State<SimState>) -> Response {
    Json(open(&state).0.quirks).into_response()
}

async fn set_quirks(State(state): State<SimState>, body: Bytes) -> Response {
    match parse_body::<Quirks>(&body) {
        Ok(quirks) => {
            open(&state).0.quirks = quirks;
            Json(quirks).into_response()
        }
        Err(bad) => bad.into_response(),
    }
}
