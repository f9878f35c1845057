//! Simulated HosterAPI (`/hoster/api/v1`): VMs with jobs on the virtual clock, power, change,
//! rdns, console, incidents, backups; dedicated market/order/owned servers; software
//! install/uninstall jobs; behind bearer-token auth with the vendor's `0xNN` error envelope.
//!
//! Every choice where the vendor document is silent is listed in `docs/hoster.md`
//! ("Simulator choices").

pub mod admin;
pub mod backups;
pub mod body;
pub mod catalogue;
pub mod dedicated;
pub mod jobs;
pub mod machines;
pub mod model;
pub mod quirks;
pub mod render;
pub mod software;
pub mod vm_extras;
pub mod vms;

use std::sync::MutexGuard;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;

use crate::sim::clock::VirtualSecs;
use crate::sim::store::{lock, SimState};
use crate::sim::VendorSpec;

pub use model::{HosterStore, Target};

/// HosterAPI as the shared simulator machinery sees it.
pub static SPEC: VendorSpec = VendorSpec {
    name: "hoster",
    prefix: "/hoster/api/v1",
    error_response: render::fault,
};

/// The vendor API routes, relative to [`SPEC`]'s prefix.
pub fn router(state: SimState) -> Router {
    let server = "/datacenter/server/{sid}";
    let dedicated = "/datacenter/dedicated/{sid}";
    Router::new()
        .route("/datacenter/templates", get(vms::templates))
        .route("/datacenter/server", get(vms::list).post(vms::create))
        .route(&format!("{server}/config"), get(vms::config))
        .route(&format!("{server}/status"), get(vms::status))
        .route(&format!("{server}/change"), put(vms::change))
        .route(&format!("{server}/delete"), post(vms::delete))
        .route(&format!("{server}/start"), put(vms::start))
        .route(&format!("{server}/shutdown"), put(vms::shutdown))
        .route(&format!("{server}/stop"), put(vms::stop))
        .route(&format!("{server}/reboot"), put(vms::reboot))
        .route(&format!("{server}/reboot/force"), put(vms::reboot))
        .route(&format!("{server}/reinstall"), put(vms::reinstall))
        .route(
            &format!("{server}/password/reset"),
            put(vm_extras::reset_password),
        )
        .route(&format!("{server}/rdns"), post(vm_extras::rdns))
        .route(&format!("{server}/console"), get(vm_extras::console))
        .route(&format!("{server}/incidents"), get(vm_extras::incidents))
        .route(&format!("{server}/backups/list"), get(backups::list))
        .route(&format!("{server}/backups/status"), get(backups::status))
        .route(&format!("{server}/backups/create"), put(backups::create))
        .route(&format!("{server}/backups/restore"), post(backups::restore))
        .route("/job/{job}", get(jobs::show))
        .route("/datacenter/dedicated", get(dedicated::owned))
        .route("/datacenter/dedicated/market", get(dedicated::market))
        .route("/datacenter/dedicated/templates", get(dedicated::templates))
        .route("/datacenter/dedicated/order", post(dedicated::order))
        .route(&format!("{dedicated}/start"), put(dedicated::start))
        .route(&format!("{dedicated}/shutdown"), put(dedicated::shutdown))
        .route(&format!("{dedicated}/reboot"), put(dedicated::reboot))
        .route(&format!("{dedicated}/reinstall"), put(dedicated::reinstall))
        .route(&format!("{dedicated}/console"), get(dedicated::console))
        .route(&format!("{dedicated}/status"), get(dedicated::status))
        .route(&format!("{dedicated}/config"), get(dedicated::config))
        .route(
            &format!("{dedicated}/terminate"),
            post(dedicated::terminate),
        )
        .route("/software/list", get(software::list))
        .route("/software/install", post(software::install))
        .route("/software/uninstall", post(software::uninstall))
        .fallback(|| async { render::error(StatusCode::NOT_FOUND, "0x00: unknown endpoint") })
        .method_not_allowed_fallback(|| async {
            render::error(StatusCode::METHOD_NOT_ALLOWED, "0x00: method not allowed")
        })
        .layer(middleware::from_fn_with_state(state.clone(), quirks::apply))
        .layer(middleware::from_fn_with_state(state.clone(), require_token))
        .with_state(state)
}

/// 401 `0x03: unauthorized` unless the request carries `Authorization: Bearer TOKEN`.
async fn require_token(State(state): State<SimState>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    if presented == Some(state.token.as_str()) {
        next.run(request).await
    } else {
        render::error(StatusCode::UNAUTHORIZED, "0x03: unauthorized")
    }
}

/// Locks the store, brings it up to the current virtual time and returns it with that time.
pub fn open(state: &SimState) -> (MutexGuard<'_, HosterStore>, VirtualSecs) {
    let mut store = lock(&state.hoster);
    let now = state.clock.now();
    store.unix_base = state.clock.unix_secs_at_start();
    store.settle(now);
    (store, now)
}
