//! Open Hosting admin routes under `/_sim/openhosting`: vendor faults (write chunk fails
//! once, imaging key vanishes early), account switches, drive contents checks (sha256) and
//! out-of-band changes; plus the state dump and leftover list for `/_sim/state`/`/_sim/empty`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::sim::admin::{admin_error, ok, parse_body};
use crate::sim::clock::VirtualSecs;
use crate::sim::openhosting::format::json_object;
use crate::sim::openhosting::model::{OpenHostingStore, VendorFaults};
use crate::sim::openhosting::{drives, servers, settled};
use crate::sim::store::{lock, SimState};

/// Bytes hashed per lock when computing a drive's digest.
const HASH_PIECE: usize = 4 << 20;

/// Routes relative to `/_sim/openhosting`.
pub fn router() -> Router<SimState> {
    Router::new()
        .route("/faults", post(arm_faults).get(show_faults))
        .route("/account", post(set_account).get(show_account))
        .route("/drives/{uuid}/sha256", get(drive_sha256))
        .route("/drives/{uuid}", delete(delete_drive).patch(rename_drive))
        .route("/servers/{uuid}", delete(delete_server).patch(patch_server))
        .route(
            "/resources/{kind}/{id}",
            delete(delete_resource).patch(rename_resource),
        )
}

/// The account as `/_sim/state` shows it (drive contents summarised, not dumped).
pub fn dump(store: &mut OpenHostingStore, now: VirtualSecs) -> Value {
    store.settle(now);
    let saved_faults = store.faults.imaging_key_vanishes;
    store.faults.imaging_key_vanishes = 0;
    let uuids: Vec<String> = store.drives.keys().cloned().collect();
    let drive_list: Vec<Value> = uuids
        .iter()
        .filter_map(|uuid| {
            let props = drives::drive_props(store, uuid, now)?;
            let mut shown = json_object(&props);
            let stored = store.drives.get(uuid).map_or(0, |d| d.data.stored_bytes());
            shown.insert("stored_bytes".into(), json!(stored));
            Some(Value::Object(shown))
        })
        .collect();
    store.faults.imaging_key_vanishes = saved_faults;
    let server_list: Vec<Value> = store
        .servers
        .values()
        .map(|server| Value::Object(json_object(&servers::server_props(store, server))))
        .collect();
    let resource_list: Vec<Value> = store
        .resources
        .values()
        .map(|resource| json!({"type": resource.kind, "resource": resource.id, "name": resource.name}))
        .collect();
    let imaging: Vec<Value> = store
        .imaging
        .jobs()
        .map(|job| {
            json!({
                "target": job.target,
                "source": job.source,
                "conversion": job.conversion.map(|c| c.name()),
                "progress": store.imaging.progress(&job.target, now).map(|p| p.shown()),
            })
        })
        .collect();
    json!({
        "user": store.user,
        "drives": drive_list,
        "servers": server_list,
        "resources": resource_list,
        "imaging": imaging,
        "faults": store.faults,
        "billing_blocked": store.billing_blocked,
    })
}

/// Objects still present, as "openhosting drive UUID", "openhosting server UUID",
/// "openhosting ip 203.0.113.10", "openhosting vlan UUID".
pub fn leftovers(store: &mut OpenHostingStore, now: VirtualSecs) -> Vec<String> {
    store.settle(now);
    let drives = store
        .drives
        .keys()
        .map(|uuid| format!("openhosting drive {uuid}"));
    let servers = store
        .servers
        .keys()
        .map(|uuid| format!("openhosting server {uuid}"));
    let resources = store
        .resources
        .values()
        .map(|resource| format!("openhosting {} {}", resource.kind, resource.id));
    drives.chain(servers).chain(resources).collect()
}

async fn arm_faults(State(state): State<SimState>, body: Bytes) -> Response {
    match parse_body::<VendorFaults>(&body) {
        Ok(faults) => {
            let mut store = lock(&state.openhosting);
            store.faults.merge(faults);
            Json(json!({ "faults": store.faults })).into_response()
        }
        Err(bad) => bad.into_response(),
    }
}

async fn show_faults(State(state): State<SimState>) -> Response {
    Json(json!({ "faults": lock(&state.openhosting).faults })).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountChange {
    user: Option<String>,
    billing_blocked: Option<bool>,
}

async fn set_account(State(state): State<SimState>, body: Bytes) -> Response {
    let change = match parse_body::<AccountChange>(&body) {
        Ok(change) => change,
        Err(bad) => return bad.into_response(),
    };
    let mut store = lock(&state.openhosting);
    if let Some(user) = change.user {
        store.user = user;
    }
    if let Some(blocked) = change.billing_blocked {
        store.billing_blocked = blocked;
    }
    Json(json!({ "user": store.user, "billing_blocked": store.billing_blocked })).into_response()
}

async fn show_account(State(state): State<SimState>) -> Response {
    let store = lock(&state.openhosting);
    Json(json!({ "user": store.user, "billing_blocked": store.billing_blocked })).into_response()
}

#[derive(Deserialize)]
struct HashRange {
    length: Option<u64>,
}

/// `GET /_sim/openhosting/drives/UUID/sha256[?length=N]`: sha256 of the first N bytes
/// (default: the whole drive) as hex.
async fn drive_sha256(
    State(state): State<SimState>,
    Path(uuid): Path<String>,
    Query(range): Query<HashRange>,
) -> Response {
    let size = match settled(&state).drives.get(&uuid) {
        Some(drive) => drive.size,
        None => return admin_error(StatusCode::NOT_FOUND, "no such drive"),
    };
    let length = range.length.unwrap_or(size);
    if length > size {
        return admin_error(
            StatusCode::BAD_REQUEST,
            "length is beyond the end of the drive",
        );
    }
    let data = match lock(&state.openhosting).drives.get(&uuid) {
        Some(drive) => drive.data.clone(),
        None => return admin_error(StatusCode::NOT_FOUND, "no such drive"),
    };
    let digest = tokio::task::spawn_blocking(move || {
        let mut context = ring::digest::Context::new(&ring::digest::SHA256);
        let mut position = 0;
        while position < length {
            let take = (length - position).min(HASH_PIECE as u64);
            context.update(&data.read(position, take as usize));
            position += take;
        }
        context.finish()
    })
    .await;
    match digest {
        Ok(digest) => {
            let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
            Json(json!({ "sha256": hex, "length": length })).into_response()
        }
        Err(_) => admin_error(StatusCode::INTERNAL_SERVER_ERROR, "hashing failed"),
    }
}

async fn delete_drive(State(state): State<SimState>, Path(uuid): Path<String>) -> Response {
    let mut store = settled(&state);
    store.imaging.cancel(&uuid);
    match store.drives.remove(&uuid) {
        Some(_) => ok(),
        None => admin_error(StatusCode::NOT_FOUND, "no such drive"),
    }
}

async fn delete_server(State(state): State<SimState>, Path(uuid): Path<String>) -> Response {
    match settled(&state).servers.remove(&uuid) {
        Some(_) => ok(),
        None => admin_error(StatusCode::NOT_FOUND, "no such server"),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerChange {
    /// Configuration keys to set (an empty value removes the key), unchecked.
    #[serde(default)]
    config: std::collections::BTreeMap<String, String>,
    /// `stopped` stops a server in place (even a non-persistent one).
    status: Option<String>,
}

async fn patch_server(
    State(state): State<SimState>,
    Path(uuid): Path<String>,
    body: Bytes,
) -> Response {
    let change = match parse_body::<ServerChange>(&body) {
        Ok(change) => change,
        Err(bad) => return bad.into_response(),
    };
    let mut store = settled(&state);
    let Some(server) = store.servers.get_mut(&uuid) else {
        return admin_error(StatusCode::NOT_FOUND, "no such server");
    };
    for (key, value) in change.config {
        if value.is_empty() {
            server.config.remove(&key);
        } else {
            server.config.insert(key, value);
        }
    }
    match change.status.as_deref() {
        None => {}
        Some("stopped") => servers::stop_in_place(server),
        Some(_) => return admin_error(StatusCode::BAD_REQUEST, "status can only be \"stopped\""),
    }
    ok()
}

/// `{"name": ...}`: an out-of-band rename.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rename {
    name: String,
}

async fn rename_drive(
    State(state): State<SimState>,
    Path(uuid): Path<String>,
    body: Bytes,
) -> Response {
    let rename = match parse_body::<Rename>(&body) {
        Ok(rename) => rename,
        Err(bad) => return bad.into_response(),
    };
    match settled(&state).drives.get_mut(&uuid) {
        Some(drive) => {
            drive.name = rename.name;
            ok()
        }
        None => admin_error(StatusCode::NOT_FOUND, "no such drive"),
    }
}

async fn rename_resource(
    State(state): State<SimState>,
    Path((kind, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let rename = match parse_body::<Rename>(&body) {
        Ok(rename) => rename,
        Err(bad) => return bad.into_response(),
    };
    match settled(&state).resources.get_mut(&(kind, id)) {
        Some(resource) => {
            resource.name = rename.name;
            ok()
        }
        None => admin_error(StatusCode::NOT_FOUND, "no such resource"),
    }
}

async fn delete_resource(
    State(state): State<SimState>,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    match settled(&state).resources.remove(&(kind, id)) {
        Some(_) => ok(),
        None => admin_error(StatusCode::NOT_FOUND, "no such resource"),
    }
}
