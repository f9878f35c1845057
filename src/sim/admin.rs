//! The `/_sim/*` admin API (no auth): reset, state dumps, "nothing left behind" checks,
//! fault arming, request counters, virtual time, and each vendor's own admin routes.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::sim::faults::FaultSpec;
use crate::sim::hoster;
use crate::sim::hosthatch;
use crate::sim::openhosting;
use crate::sim::store::{lock, SimState};
use crate::sim::terrahost::{self, Vendor};
use crate::sim::vendor_names;

/// Routes relative to `/_sim`.
pub fn router(state: SimState) -> Router {
    Router::new()
        .route("/reset", post(reset))
        .route("/state", get(dump_state))
        .route("/empty", get(empty))
        .route(
            "/faults",
            get(list_faults).post(arm_fault).delete(clear_faults),
        )
        .route("/stats", get(stats))
        .route("/time", get(show_time).post(advance_time))
        .route("/list_flaps/{vendor}", post(super::flaps::arm))
        .nest("/hosthatch", hosthatch::admin::router())
        .nest("/hoster", hoster::admin::router())
        .nest("/openhosting", openhosting::admin::router())
        .nest("/terrahost", terrahost::admin::router(Vendor::Terrahost))
        .nest("/gigahost", terrahost::admin::router(Vendor::Gigahost))
        .fallback(|| async { admin_error(StatusCode::NOT_FOUND, "no such admin route") })
        .with_state(state)
}

/// `{"error": message}` with `status`.
pub fn admin_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// An admin body that does not fit; answered with 400 `{"error": ...}`.
#[derive(Debug)]
pub struct BadAdminBody(String);

impl IntoResponse for BadAdminBody {
    fn into_response(self) -> Response {
        admin_error(StatusCode::BAD_REQUEST, &self.0)
    }
}

/// Parses an admin JSON body (empty means `{}`).
pub fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, BadAdminBody> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(text).map_err(|error| BadAdminBody(format!("bad body: {error}")))
}

/// `{"ok": true}`.
pub fn ok() -> Response {
    Json(json!({ "ok": true })).into_response()
}

async fn reset(State(state): State<SimState>) -> Response {
    state.reset();
    ok()
}

async fn dump_state(State(state): State<SimState>) -> Response {
    let now = state.clock.now();
    let hosthatch = hosthatch::admin::dump(&lock(&state.hosthatch), now);
    let hoster = {
        let (hoster_store, hoster_now) = hoster::open(&state);
        hoster::admin::dump(&hoster_store, hoster_now)
    };
    let openhosting = openhosting::admin::dump(&mut lock(&state.openhosting), now);
    let terrahost = terrahost::admin::dump(&lock(&state.terrahost), now);
    let gigahost = terrahost::admin::dump(&lock(&state.gigahost), now);
    Json(json!({
        "hosthatch": hosthatch,
        "hoster": hoster,
        "openhosting": openhosting,
        "terrahost": terrahost,
        "gigahost": gigahost
    }))
    .into_response()
}

async fn empty(State(state): State<SimState>) -> Response {
    let now = state.clock.now();
    let mut left = hosthatch::admin::leftovers(&lock(&state.hosthatch), now);
    left.extend(hoster::admin::leftovers(&hoster::open(&state).0));
    left.extend(openhosting::admin::leftovers(
        &mut lock(&state.openhosting),
        now,
    ));
    left.extend(lock(&state.terrahost).leftovers("terrahost"));
    left.extend(lock(&state.gigahost).leftovers("gigahost"));
    Json(json!({ "empty": left.is_empty(), "left": left })).into_response()
}

async fn list_faults(State(state): State<SimState>) -> Response {
    Json(json!({ "faults": lock(&state.faults).armed() })).into_response()
}

async fn arm_fault(State(state): State<SimState>, body: Bytes) -> Response {
    let fault = match parse_body::<FaultSpec>(&body) {
        Ok(fault) => fault,
        Err(bad) => return bad.into_response(),
    };
    match fault.validated(&vendor_names()) {
        Ok(fault) => {
            lock(&state.faults).arm(fault);
            ok()
        }
        Err(message) => admin_error(StatusCode::BAD_REQUEST, &message),
    }
}

async fn clear_faults(State(state): State<SimState>) -> Response {
    lock(&state.faults).clear();
    ok()
}

async fn stats(State(state): State<SimState>) -> Response {
    Json(lock(&state.stats).to_json()).into_response()
}

fn time_json(state: &SimState) -> Value {
    json!({ "now_secs": state.clock.now(), "today": state.clock.today().to_string() })
}

async fn show_time(State(state): State<SimState>) -> Response {
    Json(time_json(&state)).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceTime {
    advance_secs: f64,
}

async fn advance_time(State(state): State<SimState>, body: Bytes) -> Response {
    match parse_body::<AdvanceTime>(&body) {
        Ok(advance) if advance.advance_secs.is_finite() && advance.advance_secs >= 0.0 => {
            state.clock.advance(advance.advance_secs);
            Json(time_json(&state)).into_response()
        }
        Ok(_) => admin_error(StatusCode::BAD_REQUEST, "advance_secs must be >= 0"),
        Err(bad) => bad.into_response(),
    }
}
