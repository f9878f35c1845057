//! Terrahost/Gigahost admin routes under `/_sim/terrahost` and `/_sim/gigahost`: quirks
//! (malformed JSON, servers missing from reads, power refused, token lifetime), the account's
//! credentials, expiring every token, out-of-band changes (server, reverse DNS, snapshot
//! name) and deletions (server, IP, snapshot); plus the dump and leftovers for `/_sim/state`
//! and `/_sim/empty`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::sim::admin::{admin_error, ok, parse_body};
use crate::sim::clock::VirtualSecs;
use crate::sim::store::SimState;
use crate::sim::terrahost::model::{Credentials, Quirks, TerrahostStore};
use crate::sim::terrahost::{store_of, wire, Vendor};

/// Routes relative to `/_sim/<vendor>`.
pub fn router(vendor: Vendor) -> Router<SimState> {
    let v = vendor;
    Router::new()
        .route(
            "/quirks",
            post(move |s: State<SimState>, b: Bytes| set_quirks(s, v, b))
                .get(move |s: State<SimState>| show_quirks(s, v)),
        )
        .route(
            "/credentials",
            post(move |s: State<SimState>, b: Bytes| set_credentials(s, v, b)),
        )
        .route(
            "/expire_tokens",
            post(move |s: State<SimState>| expire_tokens(s, v)),
        )
        .route(
            "/servers/{id}",
            patch(move |s: State<SimState>, p: Path<u64>, b: Bytes| patch_server(s, v, p, b))
                .delete(move |s: State<SimState>, p: Path<u64>| delete_server(s, v, p)),
        )
        .route(
            "/servers/{id}/ips/{ip}",
            delete(move |s: State<SimState>, p: Path<(u64, u64)>| delete_ip(s, v, p)).patch(
                move |s: State<SimState>, p: Path<(u64, u64)>, b: Bytes| patch_ip(s, v, p, b),
            ),
        )
        .route(
            "/snapshots/{id}",
            delete(move |s: State<SimState>, p: Path<u64>| delete_snapshot(s, v, p)).patch(
                move |s: State<SimState>, p: Path<u64>, b: Bytes| rename_snapshot(s, v, p, b),
            ),
        )
}

/// The account as `/_sim/state` shows it.
pub fn dump(store: &TerrahostStore, now: VirtualSecs) -> Value {
    let servers: Vec<Value> = store
        .servers
        .values()
        .map(|s| {
            let mut shown = wire::server_detail(s, now, &store.os_list);
            if let Value::Object(m) = &mut shown {
                m.insert("id".into(), json!(s.id));
                m.insert(
                    "pending_ips".into(),
                    json!(s.ips.iter().filter(|ip| ip.visible_from > now).count()),
                );
            }
            shown
        })
        .collect();
    let snapshots: Vec<Value> = store
        .snapshots
        .values()
        .map(|s| wire::snapshot(s, now))
        .collect();
    json!({
        "servers": servers,
        "snapshots": snapshots,
        "logins": store.logins,
        "live_tokens": store.tokens.values().filter(|at| **at > now).count(),
        "issued_tokens": store.tokens.keys().collect::<Vec<_>>(),
        "ipv4_orders": store.ipv4_orders,
        "quirks": store.quirks,
        "username": store.credentials.username,
        "two_factor": store.credentials.totp_secret.is_some(),
    })
}

async fn set_quirks(State(sim): State<SimState>, vendor: Vendor, body: Bytes) -> Response {
    match parse_body::<Quirks>(&body) {
        Ok(quirks) => {
            store_of(&sim, vendor).quirks = quirks;
            ok()
        }
        Err(bad) => bad.into_response(),
    }
}

async fn show_quirks(State(sim): State<SimState>, vendor: Vendor) -> Response {
    Json(json!(store_of(&sim, vendor).quirks)).into_response()
}

async fn set_credentials(State(sim): State<SimState>, vendor: Vendor, body: Bytes) -> Response {
    match parse_body::<Credentials>(&body) {
        Ok(credentials) => {
            store_of(&sim, vendor).credentials = credentials;
            ok()
        }
        Err(bad) => bad.into_response(),
    }
}

async fn expire_tokens(State(sim): State<SimState>, vendor: Vendor) -> Response {
    let now = sim.clock.now();
    for at in store_of(&sim, vendor).tokens.values_mut() {
        *at = at.min(now);
    }
    ok()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerPatch {
    label: Option<String>,
    hostname: Option<String>,
    powered: Option<bool>,
}

async fn patch_server(
    State(sim): State<SimState>,
    vendor: Vendor,
    Path(id): Path<u64>,
    body: Bytes,
) -> Response {
    let patch = match parse_body::<ServerPatch>(&body) {
        Ok(p) => p,
        Err(bad) => return bad.into_response(),
    };
    let mut store = store_of(&sim, vendor);
    let Some(server) = store.servers.get_mut(&id) else {
        return admin_error(StatusCode::NOT_FOUND, "no such server");
    };
    if let Some(label) = patch.label {
        server.label = label;
    }
    if let Some(hostname) = patch.hostname {
        server.hostname = hostname;
    }
    if let Some(powered) = patch.powered {
        server.powered = powered;
        server.power_change = None;
    }
    ok()
}

/// The server goes, and its snapshots with it (as a cancelled contract would).
async fn delete_server(
    State(sim): State<SimState>,
    vendor: Vendor,
    Path(id): Path<u64>,
) -> Response {
    let mut store = store_of(&sim, vendor);
    if store.servers.remove(&id).is_none() {
        return admin_error(StatusCode::NOT_FOUND, "no such server");
    }
    store
        .snapshots
        .retain(|_, snapshot| snapshot.server_id != id);
    ok()
}

async fn delete_ip(
    State(sim): State<SimState>,
    vendor: Vendor,
    Path((id, ip)): Path<(u64, u64)>,
) -> Response {
    let mut store = store_of(&sim, vendor);
    let Some(server) = store.servers.get_mut(&id) else {
        return admin_error(StatusCode::NOT_FOUND, "no such server");
    };
    let before = server.ips.len();
    server.ips.retain(|address| address.id != ip);
    if server.ips.len() == before {
        return admin_error(StatusCode::NOT_FOUND, "no such ip");
    }
    ok()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IpChange {
    reverse: String,
}

async fn patch_ip(
    State(sim): State<SimState>,
    vendor: Vendor,
    Path((id, ip)): Path<(u64, u64)>,
    body: Bytes,
) -> Response {
    let change = match parse_body::<IpChange>(&body) {
        Ok(change) => change,
        Err(bad) => return bad.into_response(),
    };
    let mut store = store_of(&sim, vendor);
    let address = store
        .servers
        .get_mut(&id)
        .and_then(|server| server.ips.iter_mut().find(|address| address.id == ip));
    match address {
        Some(address) => {
            address.reverse = change.reverse;
            ok()
        }
        None => admin_error(StatusCode::NOT_FOUND, "no such ip"),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotRename {
    display_name: String,
}

async fn rename_snapshot(
    State(sim): State<SimState>,
    vendor: Vendor,
    Path(id): Path<u64>,
    body: Bytes,
) -> Response {
    let rename = match parse_body::<SnapshotRename>(&body) {
        Ok(rename) => rename,
        Err(bad) => return bad.into_response(),
    };
    match store_of(&sim, vendor).snapshots.get_mut(&id) {
        Some(snapshot) => {
            snapshot.display_name = rename.display_name;
            ok()
        }
        None => admin_error(StatusCode::NOT_FOUND, "no such snapshot"),
    }
}

async fn delete_snapshot(
    State(sim): State<SimState>,
    vendor: Vendor,
    Path(id): Path<u64>,
) -> Response {
    match store_of(&sim, vendor).snapshots.remove(&id) {
        Some(_) => ok(),
        None => admin_error(StatusCode::NOT_FOUND, "no such snapshot"),
    }
}
