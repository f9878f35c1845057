//! Simulated Terrahost (`/terrahost/api/v3`) and Gigahost (`/gigahost/api/v0`) APIs: one
//! implementation, two accounts. Login with username/password (+ TOTP code for the 2FA
//! account) returns a token that expires on the virtual clock; servers, power, snapshots,
//! reinstall, reverse DNS, ISOs, upgrades, IPv4 orders, IPMI, account, invoices and graphs.
//!
//! Where the documents are silent, the simulator decides:
//! - Errors are `{"success":false,"meta":{"status":N,"status_message":..,"message":..}}`.
//! - A missing, unknown or expired token is 401 (`meta.message` says which).
//! - TOTP codes are checked against the wall clock (±1 step): they come from a real
//!   authenticator or from the provider, neither of which knows the virtual clock. The code
//!   may be sent as a string or a number (a number is zero-padded to 6 digits).
//! - `PUT /servers/{id}/name` sets `srv_label`, the descriptive name.
//! - `POST /servers/{id}/isos` with `iso_id` `"0"` unmounts.
//! - An ordered IPv4 address appears on the server (type `extra`, or `routed` for l3) after
//!   20 virtual seconds; there is no release.
//! - Snapshots are listed 5 virtual seconds after the request and completed after 60.

pub mod admin;
pub mod catalogue;
pub mod model;
pub mod os_list;
pub mod servers;
pub mod snapshots;
pub mod wire;

use std::sync::MutexGuard;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;

use crate::sim::store::{lock, SimInner, SimState};
use crate::sim::terrahost::model::TerrahostStore;
use crate::sim::VendorSpec;

pub static TERRAHOST_SPEC: VendorSpec = VendorSpec {
    name: "terrahost",
    prefix: "/terrahost/api/v3",
    error_response: wire::error,
};

pub static GIGAHOST_SPEC: VendorSpec = VendorSpec {
    name: "gigahost",
    prefix: "/gigahost/api/v0",
    error_response: wire::error,
};

/// Which of the two accounts a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    Terrahost,
    Gigahost,
}

impl Vendor {
    pub fn spec(self) -> &'static VendorSpec {
        match self {
            Vendor::Terrahost => &TERRAHOST_SPEC,
            Vendor::Gigahost => &GIGAHOST_SPEC,
        }
    }

    pub fn fresh_store(self) -> TerrahostStore {
        match self {
            Vendor::Terrahost => TerrahostStore::seeded(self.domain(), 3523),
            Vendor::Gigahost => TerrahostStore::seeded(self.domain(), 5101),
        }
    }

    /// The customer domain that server names and reverse DNS end in.
    pub fn domain(self) -> &'static str {
        match self {
            Vendor::Terrahost => "terrahost.no",
            Vendor::Gigahost => "gigahost.no",
        }
    }
}

/// Handler state: the simulator and which account.
#[derive(Clone)]
pub struct Api {
    pub sim: SimState,
    pub vendor: Vendor,
}

impl Api {
    pub fn store(&self) -> MutexGuard<'_, TerrahostStore> {
        store_of(&self.sim, self.vendor)
    }

    pub fn now(&self) -> f64 {
        self.sim.clock.now()
    }
}

pub fn store_of(sim: &SimInner, vendor: Vendor) -> MutexGuard<'_, TerrahostStore> {
    match vendor {
        Vendor::Terrahost => lock(&sim.terrahost),
        Vendor::Gigahost => lock(&sim.gigahost),
    }
}

/// The vendor API routes, relative to the vendor's prefix.
pub fn router(sim: SimState, vendor: Vendor) -> Router {
    let api = Api { sim, vendor };
    let protected = Router::new()
        .route("/servers", get(servers::list))
        .route("/servers/{id}", get(servers::show))
        .route("/servers/{id}/name", put(servers::rename))
        .route("/servers/{id}/powerstate", get(servers::powerstate))
        .route("/servers/{id}/power/{action}", get(servers::power))
        .route("/servers/{id}/reboot", get(servers::reboot))
        .route("/servers/{id}/reinstall", post(servers::reinstall))
        .route("/servers/{id}/reverse", put(servers::reverse))
        .route("/servers/{id}/ipv4", post(servers::order_ipv4))
        .route("/servers/{id}/ipmi", post(servers::ipmi))
        .route("/servers/{id}/snapshots", get(snapshots::list))
        .route("/servers/{id}/snapshot", post(snapshots::create))
        .route(
            "/servers/{id}/snapshot/{snap}",
            axum::routing::delete(snapshots::delete),
        )
        .route(
            "/servers/{id}/isos",
            get(catalogue::isos).post(catalogue::mount_iso),
        )
        .route(
            "/servers/{id}/upgrade",
            get(catalogue::packages).post(catalogue::upgrade),
        )
        .route("/servers/{id}/port_bits", get(catalogue::graphs))
        .route("/servers/{id}/port_upkts", get(catalogue::graphs))
        .route("/reinstall/distro", get(catalogue::distributions))
        .route("/reinstall/distro/{id}", get(catalogue::operating_systems))
        .route("/my/account", get(catalogue::account))
        .route("/my/invoices", get(catalogue::invoices))
        .layer(middleware::from_fn_with_state(api.clone(), require_token));
    Router::new()
        .route("/authenticate", post(servers::authenticate))
        .merge(protected)
        .fallback(|| async { wire::error(StatusCode::NOT_FOUND, "Not found") })
        .with_state(api)
}

/// 401 unless the bearer token is one this account issued and it has not expired.
async fn require_token(State(api): State<Api>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_string);
    let Some(token) = presented else {
        return wire::error(StatusCode::UNAUTHORIZED, "Missing token");
    };
    let expires = api.store().tokens.get(&token).copied();
    match expires {
        None => wire::error(StatusCode::UNAUTHORIZED, "Invalid token"),
        Some(at) if api.now() >= at => wire::error(StatusCode::UNAUTHORIZED, "Token expired"),
        Some(_) => next.run(request).await,
    }
}

/// Parses a numeric path id.
pub fn parse_id(raw: &str) -> Option<u64> {
    raw.trim().parse().ok()
}
