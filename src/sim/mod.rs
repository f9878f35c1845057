//! The vendor API simulator: one axum app serving every vendor under its own path prefix
//! (`/hosthatch/api/v1`, ...) plus the `/_sim/*` admin API that tests use to reset state,
//! arm faults, skip time and change objects out of band.
//!
//! Adding a vendor: a `sim/<vendor>/` module with its router, its own wire structs and error
//! envelope and a `pub static SPEC: VendorSpec`; one line in [`VENDORS`], one `nest` in
//! [`app`], a store section in [`store::SimInner`] (cleared in `reset`, serde-derived and
//! listed in `persist.rs` for `--state-file`), and its dump and leftovers in `admin.rs`.
//! Faults, stats and request logging then apply unchanged.

pub mod admin;
pub mod clock;
pub mod faults;
pub mod fixtures;
pub mod flaps;
pub mod hoster;
pub mod hosthatch;
pub mod openhosting;
pub mod persist;
pub mod stats;
pub mod store;
pub mod terrahost;

#[cfg(test)]
mod tests;

use std::future::Future;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;

pub use store::{SimConfig, SimInner, SimState};

/// What the shared machinery needs to know about one simulated vendor.
#[derive(Debug)]
pub struct VendorSpec {
    /// Short name used in admin routes, faults and stats (`hosthatch`).
    pub name: &'static str,
    /// Path prefix the vendor's API is mounted under (`/hosthatch/api/v1`).
    pub prefix: &'static str,
    /// Renders an error in the vendor's own envelope.
    pub error_response: fn(StatusCode, &str) -> Response,
}

/// Every simulated vendor.
pub const VENDORS: &[&VendorSpec] = &[
    &hosthatch::SPEC,
    &hoster::SPEC,
    &openhosting::SPEC,
    &terrahost::TERRAHOST_SPEC,
    &terrahost::GIGAHOST_SPEC,
];

/// Names of every simulated vendor.
pub fn vendor_names() -> Vec<&'static str> {
    VENDORS.iter().map(|vendor| vendor.name).collect()
}

/// The whole simulator as a router: vendors under their prefixes, admin under `/_sim`.
pub fn app(state: SimState) -> Router {
    let hosthatch_api = hosthatch::router(state.clone()).layer(middleware::from_fn_with_state(
        (state.clone(), &hosthatch::SPEC),
        faults::inject,
    ));
    let hoster_api = hoster::router(state.clone()).layer(middleware::from_fn_with_state(
        (state.clone(), &hoster::SPEC),
        faults::inject,
    ));
    let openhosting_api = openhosting::router(state.clone()).layer(middleware::from_fn_with_state(
        (state.clone(), &openhosting::SPEC),
        faults::inject,
    ));
    let mut app = Router::new()
        .nest(hosthatch::SPEC.prefix, hosthatch_api)
        .nest(hoster::SPEC.prefix, hoster_api)
        .nest(openhosting::SPEC.prefix, openhosting_api);
    for vendor in [terrahost::Vendor::Terrahost, terrahost::Vendor::Gigahost] {
        let api = terrahost::router(state.clone(), vendor).layer(middleware::from_fn_with_state(
            (state.clone(), vendor.spec()),
            faults::inject,
        ));
        app = app.nest(vendor.spec().prefix, api);
    }
    app.nest("/_sim", admin::router(state.clone()))
        .fallback(no_such_vendor)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            persist::save_after_change,
        ))
        .layer(middleware::from_fn_with_state(state, log_request))
}

/// Serves the simulator on `listener` until `shutdown` completes.
pub async fn run(
    listener: tokio::net::TcpListener,
    state: SimState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Starts a simulator on a free loopback port; it serves until the returned sender is
/// dropped. Gives the base URL (`http://127.0.0.1:PORT`) and that sender.
#[cfg(test)]
pub async fn spawn_on_loopback(config: SimConfig) -> (String, tokio::sync::oneshot::Sender<()>) {
    spawn_state_on_loopback(SimInner::new_state(config)).await
}

/// Like [`spawn_on_loopback`], serving an existing `state` (e.g. one restored from a file).
#[cfg(test)]
pub async fn spawn_state_on_loopback(
    state: SimState,
) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(run(listener, state, async {
        let _ = stopped.await;
    }));
    (base, stop)
}

async fn no_such_vendor() -> (StatusCode, axum::Json<serde_json::Value>) {
    let known: Vec<_> = VENDORS.iter().map(|vendor| vendor.prefix).collect();
    (
        StatusCode::NOT_FOUND,
        axum::Json(serde_json::json!({ "error": "no such vendor", "vendors": known })),
    )
}

/// Writes `METHOD /path STATUS` to stderr when enabled; never headers, bodies or queries.
async fn log_request(State(state): State<SimState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if state.log_requests {
        if response
            .extensions()
            .get::<faults::DroppedConnection>()
            .is_some()
        {
            eprintln!("{method} {path} dropped");
        } else {
            eprintln!("{method} {path} {}", response.status().as_u16());
        }
    }
    response
}
