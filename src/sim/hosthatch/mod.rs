//! Simulated HostHatch API (`/hosthatch/api/v1`): products, deploy, servers with power,
//! upgrade and cancel, and SSH keys, behind bearer-token auth.

pub mod admin;
pub mod catalogue;
pub mod keys;
pub mod model;
pub mod products;
pub mod render;
pub mod servers;
pub mod validate;
pub mod wire;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;

use crate::sim::store::SimState;
use crate::sim::VendorSpec;

/// HostHatch as the shared simulator machinery sees it.
pub static SPEC: VendorSpec = VendorSpec {
    name: "hosthatch",
    prefix: "/hosthatch/api/v1",
    error_response: render::error,
};

/// The vendor API routes, relative to [`SPEC`]'s prefix.
pub fn router(state: SimState) -> Router {
    Router::new()
        .route("/products", get(products::list))
        .route("/deploy", post(servers::deploy))
        .route("/servers", get(servers::list))
        .route("/servers/{id}", get(servers::show))
        .route("/servers/{id}/status", get(servers::status))
        .route("/servers/{id}/boot", post(servers::boot))
        .route("/servers/{id}/shutdown", post(servers::shutdown))
        .route("/servers/{id}/reboot", post(servers::reboot))
        .route("/servers/{id}/upgrade", put(servers::upgrade))
        .route(
            "/servers/{id}/cancel",
            put(servers::cancel).post(servers::cancel),
        )
        .route("/keys", get(keys::list).post(keys::create))
        .route("/keys/{id}", get(keys::show).delete(keys::delete))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), require_token))
        .with_state(state)
}

async fn not_found() -> Response {
    render::error(StatusCode::NOT_FOUND, "Not found")
}

/// 401 without a bearer token, 403 with the wrong one.
async fn require_token(State(state): State<SimState>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    match presented {
        None => render::error(StatusCode::UNAUTHORIZED, "Unauthenticated."),
        Some(token) if token == state.token => next.run(request).await,
        Some(_) => render::error(StatusCode::FORBIDDEN, "Access forbidden"),
    }
}

/// Parses a numeric path id; anything else names no object.
pub fn parse_id(raw: &str) -> Option<u64> {
    raw.parse().ok()
}
