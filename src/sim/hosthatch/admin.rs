//! HostHatch admin routes under `/_sim/hosthatch`: arm the next deploy's outcome, pay
//! invoices, switch quirks, change or delete servers and keys out of band; plus the state
//! dump and leftover list used by `/_sim/state` and `/_sim/empty`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::sim::admin::{admin_error, ok, parse_body};
use crate::sim::clock::VirtualSecs;
use crate::sim::hosthatch::model::{DeployOutcome, HostHatchStore};
use crate::sim::store::{lock, SimState};

/// Routes relative to `/_sim/hosthatch`.
pub fn router() -> Router<SimState> {
    Router::new()
        .route("/next_deploy", post(arm_next_deploy))
        .route("/invoices/{id}/pay", post(pay_invoice))
        .route("/quirks", post(set_quirks).get(show_quirks))
        .route("/servers/{id}", patch(patch_server).delete(delete_server))
        .route("/keys/{id}", patch(patch_key).delete(delete_key))
}

/// The account as `/_sim/state` shows it; disappeared servers are left out.
pub fn dump(store: &HostHatchStore, now: VirtualSecs) -> Value {
    let servers: Vec<Value> = store
        .visible_servers(now)
        .map(|server| {
            let shown = server.to_wire(now, &store.catalogue);
            let mut shown = serde_json::to_value(shown).unwrap_or_default();
            if let Value::Object(fields) = &mut shown {
                fields.insert("status".into(), json!(server.status.at(now)));
                fields.insert("ipv6".into(), json!(server.ipv6));
                fields.insert("additional_ipv4".into(), json!(server.additional_ipv4));
                fields.insert("ssh_keys".into(), json!(server.ssh_keys));
                fields.insert("awaiting_invoice".into(), json!(server.awaiting_invoice));
                fields.insert("never_active".into(), json!(server.never_active));
                fields.insert("cancel_reason".into(), json!(server.cancel_reason));
                fields.insert(
                    "cancel_at_period_end".into(),
                    json!(server.cancel_at_period_end),
                );
            }
            shown
        })
        .collect();
    let keys: Vec<_> = store.keys.values().collect();
    let invoices: Vec<_> = store.invoices.values().collect();
    json!({
        "servers": servers,
        "keys": keys,
        "invoices": invoices,
        "next_deploy": store.next_deploy,
        "quirks": store.quirks,
    })
}

/// Objects still present, as "hosthatch server 112233" / "hosthatch key 1234".
pub fn leftovers(store: &HostHatchStore, now: VirtualSecs) -> Vec<String> {
    let servers = store
        .visible_servers(now)
        .map(|server| format!("hosthatch server {}", server.id));
    let keys = store.keys.keys().map(|id| format!("hosthatch key {id}"));
    servers.chain(keys).collect()
}

async fn arm_next_deploy(State(state): State<SimState>, body: Bytes) -> Response {
    match parse_body::<DeployOutcome>(&body) {
        Ok(outcome) => {
            lock(&state.hosthatch).next_deploy = outcome;
            ok()
        }
        Err(bad) => bad.into_response(),
    }
}

async fn pay_invoice(State(state): State<SimState>, Path(id): Path<u64>) -> Response {
    let now = state.clock.now();
    if lock(&state.hosthatch).pay_invoice(id, now) {
        ok()
    } else {
        admin_error(StatusCode::NOT_FOUND, "no such invoice")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuirkChange {
    odd_key_shape: Option<bool>,
    malformed_json: Option<bool>,
}

async fn set_quirks(State(state): State<SimState>, body: Bytes) -> Response {
    let change = match parse_body::<QuirkChange>(&body) {
        Ok(change) => change,
        Err(bad) => return bad.into_response(),
    };
    let mut store = lock(&state.hosthatch);
    if let Some(odd) = change.odd_key_shape {
        store.quirks.odd_key_shape = odd;
    }
    if let Some(malformed) = change.malformed_json {
        store.quirks.malformed_json = malformed;
    }
    Json(store.quirks).into_response()
}

async fn show_quirks(State(state): State<SimState>) -> Response {
    Json(lock(&state.hosthatch).quirks).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerChange {
    hostname: Option<String>,
    state: Option<String>,
    status: Option<String>,
    product: Option<String>,
}

async fn patch_server(State(state): State<SimState>, Path(id): Path<u64>, body: Bytes) -> Response {
    let change = match parse_body::<ServerChange>(&body) {
        Ok(change) => change,
        Err(bad) => return bad.into_response(),
    };
    let now = state.clock.now();
    let mut store = lock(&state.hosthatch);
    let catalogue = store.catalogue.clone();
    if let Some(product) = &change.product {
        if catalogue.product(product).is_none() {
            return admin_error(StatusCode::BAD_REQUEST, "unknown product");
        }
    }
    let Some(server) = store.visible_server_mut(id, now) else {
        return admin_error(StatusCode::NOT_FOUND, "no such server");
    };
    if let Some(hostname) = change.hostname {
        server.hostname = hostname;
    }
    if let Some(new_state) = change.state {
        server.state.force(new_state);
    }
    if let Some(status) = change.status {
        server.status.force(status);
    }
    if let Some(product) = change.product {
        server.product.force(product);
    }
    let shown = server.to_wire(now, &catalogue);
    Json(json!({ "server": shown })).into_response()
}

async fn delete_server(State(state): State<SimState>, Path(id): Path<u64>) -> Response {
    let now = state.clock.now();
    let mut store = lock(&state.hosthatch);
    match store.visible_server_mut(id, now) {
        Some(server) => {
            server.gone.force(true);
            ok()
        }
        None => admin_error(StatusCode::NOT_FOUND, "no such server"),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyChange {
    description: Option<String>,
}

async fn patch_key(State(state): State<SimState>, Path(id): Path<u64>, body: Bytes) -> Response {
    let change = match parse_body::<KeyChange>(&body) {
        Ok(change) => change,
        Err(bad) => return bad.into_response(),
    };
    let mut store = lock(&state.hosthatch);
    let Some(key) = store.keys.get_mut(&id) else {
        return admin_error(StatusCode::NOT_FOUND, "no such key");
    };
    if let Some(description) = change.description {
        key.description = description;
    }
    Json(json!({ "key": key })).into_response()
}

async fn delete_key(State(state): State<SimState>, Path(id): Path<u64>) -> Response {
    match lock(&state.hosthatch).keys.remove(&id) {
        Some(_) => ok(),
        None => admin_error(StatusCode::NOT_FOUND, "no such key"),
    }
}
