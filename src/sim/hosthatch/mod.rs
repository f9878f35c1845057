//! Simulated HostHatch API (`/hosthatch/api/v1`): products, deploy, servers with power,
//! upgrade and cancel, and SSH keys, behind bearer-token auth.
//!
//! Where the vendor document is silent or contradicts itself, the simulator decides:
//! - A missing or non-Bearer `Authorization` is 401 `Unauthenticated.`; a wrong token is 403.
//! - A body that is not JSON (or not a JSON object) is 400 with the error envelope; an empty
//!   body counts as `{}` and so yields 422 "field is required" messages.
//! - Unknown path ids, including non-numeric ones, are 404 `Server not found`/`Key not found`.
//! - `GET /products?prices`: `ipv6` values are an object keyed `"true"`/`"false"` and
//!   `additional-ipv4` values an array, exactly as in the document's example.
//! - `invoice_url`/`server_url` are URL strings (the document types them int).
//! - Cancel answers to both PUT and POST. An immediate cancel sets `state: Cancelled` at once
//!   and the server disappears later; a non-immediate one only records the request.
//! - Boot, shutdown and reboot need `state: Active` (422 `Server is not active`); upgrade
//!   needs a product from `available_upgrades` and a server that is not cancelled.
//! - Unknown feature names in `features` are rejected (422), `additional-ipv4` accepts a
//!   number or a numeric string, `ssh_keys` entries must be ids of existing keys.
//! - Deleting a key that servers were deployed with is allowed.

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
