//! Simulated Open Hosting API (`/openhosting`, the ElasticHosts API family): drives with
//! sparse contents, raw and gzip writes, reads and asynchronous imaging; servers with the
//! active/stopped rules; `ip` and `vlan` resources; text/plain or JSON; HTTP Basic auth.
//!
//! Every choice made where the vendor document is silent is listed in `docs/openhosting.md`
//! ("Simulator choices").

pub mod admin;
pub mod blocks;
pub mod drive_data;
pub mod drives;
pub mod format;
pub mod imaging;
pub mod model;
pub mod resources;
pub mod server_config;
pub mod servers;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;

use crate::sim::openhosting::format::{error_response, ApiError, ErrorKind};
use crate::sim::openhosting::model::OpenHostingStore;
use crate::sim::store::{lock, SimState};
use crate::sim::VendorSpec;

/// Open Hosting as the shared simulator machinery sees it.
pub static SPEC: VendorSpec = VendorSpec {
    name: "openhosting",
    prefix: "/openhosting",
    error_response: format::fault_error,
};

/// The vendor API routes, relative to [`SPEC`]'s prefix.
pub fn router(state: SimState) -> Router {
    Router::new()
        .route("/drives/list", get(drives::list))
        .route("/drives/info", get(drives::info_all))
        .route("/drives/create", post(drives::create))
        .route("/drives/{drive}/info", get(drives::info))
        .route("/drives/{drive}/set", post(drives::set))
        .route("/drives/{drive}/destroy", post(drives::destroy))
        .route("/drives/{drive}/read", get(drive_data::read_start))
        .route("/drives/{drive}/read/{offset}", get(drive_data::read_from))
        .route(
            "/drives/{drive}/read/{offset}/{size}",
            get(drive_data::read),
        )
        .route("/drives/{drive}/write", post(drive_data::write_start))
        .route("/drives/{drive}/write/{offset}", post(drive_data::write))
        .route("/drives/{drive}/image/{source}", post(drive_data::image))
        .route(
            "/drives/{drive}/image/{source}/{conversion}",
            post(drive_data::image_converted),
        )
        .route("/servers/list", get(servers::list))
        .route("/servers/info", get(servers::info_all))
        .route("/servers/create", post(servers::create))
        .route("/servers/create/stopped", post(servers::create_stopped))
        .route("/servers/{server}/info", get(servers::info))
        .route("/servers/{server}/set", post(servers::set))
        .route("/servers/{server}/start", post(servers::start))
        .route("/servers/{server}/stop", post(servers::stop))
        .route("/servers/{server}/shutdown", post(servers::shutdown))
        .route("/servers/{server}/reset", post(servers::reset))
        .route("/servers/{server}/destroy", post(servers::destroy))
        .route("/resources/list", get(resources::list_all))
        .route("/resources/info", get(resources::info_all))
        .route("/resources/{kind}/list", get(resources::list_kind))
        .route("/resources/{kind}/info", get(resources::info_kind))
        .route("/resources/{kind}/create", post(resources::create))
        .route("/resources/{kind}/{resource}/info", get(resources::info))
        .route("/resources/{kind}/{resource}/set", post(resources::set))
        .route(
            "/resources/{kind}/{resource}/destroy",
            post(resources::destroy),
        )
        .method_not_allowed_fallback(wrong_method)
        .fallback(no_such_command)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_basic_auth,
        ))
        .with_state(state)
}

async fn no_such_command() -> Response {
    ApiError::missing("no such command or object").into_response()
}

async fn wrong_method() -> Response {
    ApiError::new(ErrorKind::Method, "method not allowed for this command").into_response()
}

/// 401 `auth` unless Basic credentials name the account's user UUID and the API key.
async fn require_basic_auth(
    State(state): State<SimState>,
    request: Request,
    next: Next,
) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
        })
        .and_then(|decoded| String::from_utf8(decoded).ok());
    let user = lock(&state.openhosting).user.clone();
    let accepted = presented.as_deref().and_then(|text| text.split_once(':'))
        == Some((user.as_str(), state.token.as_str()));
    if accepted {
        return next.run(request).await;
    }
    let mut response = error_response(
        StatusCode::UNAUTHORIZED,
        ErrorKind::Auth,
        "HTTP Basic authentication missing or incorrect",
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"openhosting\""),
    );
    response
}

/// Locks the store after applying everything due by now.
pub fn settled(state: &SimState) -> std::sync::MutexGuard<'_, OpenHostingStore> {
    let now = state.clock.now();
    let mut store = lock(&state.openhosting);
    store.settle(now);
    store
}
