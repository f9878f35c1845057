//! HosterAPI VM side endpoints: root password reset, RDNS, noVNC console URL and incidents
//! (the one answer enveloped as `response` instead of `result`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use crate::sim::hoster::body::Fields;
use crate::sim::hoster::model::new_password;
use crate::sim::hoster::open;
use crate::sim::hoster::render::{self, Answer, ApiError};
use crate::sim::hoster::vms::{find, find_mut};
use crate::sim::store::SimState;

/// `PUT datacenter/server/{sid}/password/reset`.
pub async fn reset_password(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    let (mut store, _) = open(&state);
    let vm = find_mut(&mut store, &sid)?;
    if vm.busy_job.is_some() {
        return Err(ApiError::config_failed());
    }
    vm.password = new_password();
    render::ok(json!({ "status": "success", "password": vm.password }))
}

/// `POST datacenter/server/{sid}/rdns` `{ip, hostname}`: IPv4 addresses of the VM only.
pub async fn rdns(State(state): State<SimState>, Path(sid): Path<String>, body: Bytes) -> Answer {
    let fields = Fields::parse(&body)?;
    let ip = fields.required_string("ip")?.trim().to_owned();
    let hostname = fields.required_string("hostname")?.trim().to_owned();
    if hostname.contains(char::is_whitespace) {
        return Err(ApiError::invalid("hostname"));
    }
    let (mut store, _) = open(&state);
    let vm = find_mut(&mut store, &sid)?;
    if !vm.ipv4.contains(&ip) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("0xb5: ip {ip} is not an IPv4 address of this server"),
        ));
    }
    vm.rdns.insert(ip, hostname);
    render::ok(true)
}

/// `GET datacenter/server/{sid}/console`: a fresh URL; the VM must be running.
pub async fn console(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    let (store, _) = open(&state);
    let vm = find(&store, &sid)?;
    if !vm.running {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "0xb1: vm is not running",
        ));
    }
    render::ok(console_url("pve-sim", vm.id))
}

/// A noVNC URL with a new ticket for machine `id` on `node`.
pub fn console_url(node: &str, id: u64) -> String {
    let ticket: String = (0..40).map(|_| fastrand::alphanumeric()).collect();
    format!(
        "https://reseller.hosterapi.de/novnc/vnc.html?host=reseller.hosterapi.de&password=PVEVNC:{ticket}&path=novnc%2Fproxy%2F{node}%2F{id}%2F%3Fport%3D5900%26vncticket%3DPVEVNC%253A{ticket}"
    )
}

/// `GET datacenter/server/{sid}/incidents`: `{"response": [...], "error": false}`.
pub async fn incidents(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    let (store, _) = open(&state);
    let vm = find(&store, &sid)?;
    Ok(Json(json!({ "response": vm.incidents, "error": false })).into_response())
}
