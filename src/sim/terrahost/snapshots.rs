//! Simulated snapshot routes: list, create (no id in the answer; listed after a moment,
//! pending, then completed on the virtual clock) and delete.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use crate::sim::terrahost::model::{Snapshot, SNAPSHOT_COMPLETED_AFTER, SNAPSHOT_LISTED_AFTER};
use crate::sim::terrahost::servers::{body_object, not_found, text_field};
use crate::sim::terrahost::{parse_id, wire, Api};

fn virtual_only(api: &Api, id: u64) -> Option<Response> {
    let store = api.store();
    match store.servers.get(&id) {
        None => Some(not_found()),
        Some(s) if s.kind != "vps" => Some(wire::error(
            StatusCode::BAD_REQUEST,
            "Snapshots are only available for virtual servers",
        )),
        Some(_) => None,
    }
}

pub async fn list(State(api): State<Api>, Path(id): Path<String>) -> Response {
    let Some(id) = parse_id(&id) else {
        return not_found();
    };
    if let Some(refusal) = virtual_only(&api, id) {
        return refusal;
    }
    let now = api.now();
    let store = api.store();
    let data: Vec<Value> = store
        .listed_snapshots(id, now)
        .into_iter()
        .map(|s| wire::snapshot(s, now))
        .collect();
    wire::envelope(
        StatusCode::OK,
        json!(data),
        json!({}),
        store.quirks.malformed_json,
    )
}

pub async fn create(State(api): State<Api>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match body_object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(id) = parse_id(&id) else {
        return not_found();
    };
    if let Some(refusal) = virtual_only(&api, id) {
        return refusal;
    }
    let Some(name) = text_field(&body, "name").filter(|n| !n.is_empty()) else {
        return wire::error(StatusCode::BAD_REQUEST, "name is required");
    };
    let now = api.now();
    let unix_now = api.sim.clock.unix_now() as u64;
    let mut store = api.store();
    let snap_id = store.fresh_id();
    store.snapshots.insert(
        snap_id,
        Snapshot {
            id: snap_id,
            server_id: id,
            name: format!("snap{snap_id:x}"),
            display_name: name,
            time: unix_now,
            listed_at: now + SNAPSHOT_LISTED_AFTER,
            completed_at: now + SNAPSHOT_COMPLETED_AFTER,
        },
    );
    wire::message(
        "Snapshot is currently being created.",
        json!({}),
        store.quirks.malformed_json,
    )
}

pub async fn delete(State(api): State<Api>, Path((id, snap)): Path<(String, String)>) -> Response {
    let (Some(id), Some(snap)) = (parse_id(&id), parse_id(&snap)) else {
        return not_found();
    };
    let mut store = api.store();
    if !store.servers.contains_key(&id) {
        return not_found();
    }
    match store.snapshots.get(&snap) {
        Some(s) if s.server_id == id => {
            store.snapshots.remove(&snap);
            wire::message(
                "Snapshot has been deleted.",
                json!({}),
                store.quirks.malformed_json,
            )
        }
        _ => wire::error(StatusCode::NOT_FOUND, "Snapshot not found"),
    }
}
