//! HostHatch server endpoints: deploy, list, show, status, power actions, upgrade, cancel.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::sim::hosthatch::model::{
    HostHatchStore, Server, CANCEL_SECS, POWER_SECS, REBOOT_SECS, UPGRADE_SECS,
};
use crate::sim::hosthatch::validate::{self, Checker};
use crate::sim::hosthatch::wire::{
    DeployResult, OneServer, OutstandingBalance, ServerList, ServerStatus, UpgradeResult,
};
use crate::sim::hosthatch::{catalogue, parse_id, render};
use crate::sim::store::{lock, SimState};

const PANEL: &str = "https://cloud.hosthatch.com";

/// `POST /deploy`: 201 when paid from credit, 200 with `requires_payment` otherwise.
pub async fn deploy(State(state): State<SimState>, body: Bytes) -> Response {
    let fields = match validate::parse_object(&body) {
        Ok(fields) => fields,
        Err(bad) => return bad.into_response(),
    };
    let now = state.clock.now();
    let today = state.clock.today();
    let mut store = lock(&state.hosthatch);
    let request = match validate::deploy_request(&fields, &store) {
        Ok(request) => request,
        Err(errors) => return render::validation_failed(&errors),
    };
    let Ok((server_id, invoice)) = store.deploy(request, now, today) else {
        return render::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "No IP addresses are available in this location.",
        );
    };
    let requires_payment = !invoice.paid;
    let result = DeployResult {
        invoice_id: invoice.id,
        invoice_url: format!("{PANEL}/invoices/{}", invoice.id),
        server_id,
        server_url: format!("{PANEL}/servers/{server_id}"),
        requires_payment,
        outstanding_balance: requires_payment.then_some(OutstandingBalance {
            price: invoice.amount,
            currency: catalogue::CURRENCY,
        }),
    };
    let status = if requires_payment {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    render::success(status, result, store.quirks.malformed_json)
}

/// `GET /servers`.
pub async fn list(State(state): State<SimState>) -> Response {
    let now = state.clock.now();
    let mut store = lock(&state.hosthatch);
    let ids: Vec<u64> = store.visible_servers(now).map(|server| server.id).collect();
    let hidden = store.list_flaps.hide(ids);
    let servers = store
        .visible_servers(now)
        .filter(|server| !hidden.contains(&server.id.to_string()))
        .map(|server| server.to_wire(now, &store.catalogue))
        .collect();
    render::success(
        StatusCode::OK,
        ServerList { servers },
        store.quirks.malformed_json,
    )
}

/// `GET /servers/{id}`.
pub async fn show(State(state): State<SimState>, Path(id): Path<String>) -> Response {
    let catalogue = lock(&state.hosthatch).catalogue.clone();
    with_server(&state, &id, |server, now, malformed| {
        let server = server.to_wire(now, &catalogue);
        render::success(StatusCode::OK, OneServer { server }, malformed)
    })
}

/// `GET /servers/{id}/status`.
pub async fn status(State(state): State<SimState>, Path(id): Path<String>) -> Response {
    with_server(&state, &id, |server, now, malformed| {
        let status = server.status.at(now).clone();
        render::success(StatusCode::OK, ServerStatus { status }, malformed)
    })
}

/// `POST /servers/{id}/boot`: `online` after [`POWER_SECS`].
pub async fn boot(State(state): State<SimState>, Path(id): Path<String>) -> Response {
    power_action(&state, &id, |server, now| {
        server
            .status
            .change_at(now + POWER_SECS, "online".to_owned());
    })
}

/// `POST /servers/{id}/shutdown`: `offline` after [`POWER_SECS`].
pub async fn shutdown(State(state): State<SimState>, Path(id): Path<String>) -> Response {
    power_action(&state, &id, |server, now| {
        server
            .status
            .change_at(now + POWER_SECS, "offline".to_owned());
    })
}

/// `POST /servers/{id}/reboot`: `offline` at once, `online` after [`REBOOT_SECS`].
pub async fn reboot(State(state): State<SimState>, Path(id): Path<String>) -> Response {
    power_action(&state, &id, |server, now| {
        server.status.change_at(now, "offline".to_owned());
        server
            .status
            .change_at(now + REBOOT_SECS, "online".to_owned());
    })
}

/// `PUT /servers/{id}/upgrade`: a paid invoice now, the new product after [`UPGRADE_SECS`].
pub async fn upgrade(
    State(state): State<SimState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let now = state.clock.now();
    let mut store = lock(&state.hosthatch);
    let catalogue = store.catalogue.clone();
    let Some(server) = parse_id(&id).and_then(|id| store.visible_server(id, now)) else {
        return render::server_not_found();
    };
    let fields = match validate::parse_object(&body) {
        Ok(fields) => fields,
        Err(bad) => return bad.into_response(),
    };
    let mut check = Checker::new(&fields);
    let wanted = check.required_string("product");
    check.optional_bool("upgrade_disk");
    let current = server.product.at(now).clone();
    let target = wanted.and_then(|wanted| match catalogue.product(wanted) {
        None => check.fail("The selected product is invalid.".into()),
        Some(product) if !catalogue.available_upgrades(&current).contains(&product.id) => check
            .fail(format!(
                "The product {wanted} is not an available upgrade for this server."
            )),
        Some(product) => Some(product),
    });
    if *server.state.at(now) == "Cancelled" {
        check.errors.push("Server is cancelled".to_owned());
    }
    let Some(target) = target.filter(|_| check.errors.is_empty()) else {
        return render::validation_failed(&check.errors);
    };
    let months = catalogue::cycle_months(&server.billing_cycle).unwrap_or(1);
    let extra_ips = server.additional_ipv4;
    let old_cost = catalogue
        .product(&current)
        .map_or(0, |p| catalogue::recurring_cost(p, months, extra_ips));
    let new_cost = catalogue::recurring_cost(target, months, extra_ips);
    let server_id = server.id;
    let invoice = store.new_invoice(
        server_id,
        "upgrade",
        new_cost.saturating_sub(old_cost),
        true,
    );
    if let Some(server) = store.servers.get_mut(&server_id) {
        server
            .product
            .change_at(now + UPGRADE_SECS, target.id.to_owned());
    }
    let result = UpgradeResult {
        invoice_id: invoice.id,
        invoice_url: format!("{PANEL}/invoices/{}", invoice.id),
        requires_payment: false,
        outstanding_balance: None,
    };
    render::success(StatusCode::CREATED, result, store.quirks.malformed_json)
}

/// `PUT`/`POST /servers/{id}/cancel`: immediate cancels disappear after [`CANCEL_SECS`].
pub async fn cancel(
    State(state): State<SimState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let now = state.clock.now();
    let mut store = lock(&state.hosthatch);
    let malformed = store.quirks.malformed_json;
    let Some(server) = parse_id(&id).and_then(|id| store.visible_server_mut(id, now)) else {
        return render::server_not_found();
    };
    let fields = match validate::parse_object(&body) {
        Ok(fields) => fields,
        Err(bad) => return bad.into_response(),
    };
    let mut check = Checker::new(&fields);
    let reason = check.required_string("reason");
    let immediate = check.optional_bool("immediate").unwrap_or(false);
    let Some(reason) = reason.filter(|_| check.errors.is_empty()) else {
        return render::validation_failed(&check.errors);
    };
    server.cancel_reason = Some(reason.to_owned());
    if immediate {
        server.state.force("Cancelled".to_owned());
        server.status.force("offline".to_owned());
        server.gone.change_at(now + CANCEL_SECS, true);
    } else {
        server.cancel_at_period_end = true;
    }
    render::success(StatusCode::OK, (), malformed)
}

/// Runs `answer` on a visible server, or answers 404.
fn with_server(
    state: &SimState,
    raw_id: &str,
    answer: impl FnOnce(&Server, f64, bool) -> Response,
) -> Response {
    let now = state.clock.now();
    let store = lock(&state.hosthatch);
    match parse_id(raw_id).and_then(|id| store.visible_server(id, now)) {
        Some(server) => answer(server, now, store.quirks.malformed_json),
        None => render::server_not_found(),
    }
}

/// Applies a power change to an `Active` server; 422 for any other state.
fn power_action(state: &SimState, raw_id: &str, change: impl FnOnce(&mut Server, f64)) -> Response {
    let now = state.clock.now();
    let mut store: std::sync::MutexGuard<'_, HostHatchStore> = lock(&state.hosthatch);
    let malformed = store.quirks.malformed_json;
    let Some(server) = parse_id(raw_id).and_then(|id| store.visible_server_mut(id, now)) else {
        return render::server_not_found();
    };
    if *server.state.at(now) != "Active" {
        return render::error(StatusCode::UNPROCESSABLE_ENTITY, "Server is not active");
    }
    change(server, now);
    render::success(StatusCode::OK, (), malformed)
}
