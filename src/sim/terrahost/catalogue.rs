//! Simulated read-mostly routes: distributions and operating systems, upgrade packages and
//! upgrades, ISOs and mounting, bandwidth graphs, account and invoices.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use crate::sim::terrahost::model;
use crate::sim::terrahost::servers::{body_object, id_field, not_found, text_field};
use crate::sim::terrahost::{parse_id, wire, Api};

/// The account's uploaded ISOs: `(id, name, state)`.
const ISOS: &[(u64, &str, &str)] = &[
    (501, "debian-12.5.0-amd64-netinst.iso", "ready"),
    (502, "alpine-virt-3.19.1-x86_64.iso", "uploading"),
];

fn ok(api: &Api, data: Value) -> Response {
    let malformed = api.store().quirks.malformed_json;
    wire::envelope(StatusCode::OK, data, json!({}), malformed)
}

fn known_server(api: &Api, id: &str) -> Option<u64> {
    parse_id(id).filter(|id| api.store().servers.contains_key(id))
}

pub async fn distributions(State(api): State<Api>) -> Response {
    let distributions = api.store().os_list.distributions.clone();
    let data: Vec<Value> = distributions
        .iter()
        .map(|d| json!({"dist_id": d.id.to_string(), "type_id": "1", "dist_name": d.name, "dist_value": d.value,
            "dist_logo": format!("/images/os/{}.png", d.value), "dist_description": "", "dist_active": "1"}))
        .collect();
    ok(&api, json!(data))
}

pub async fn operating_systems(State(api): State<Api>, Path(id): Path<String>) -> Response {
    let os_list = api.store().os_list.clone();
    let Some(dist) = parse_id(&id).filter(|d| os_list.has_distribution(*d)) else {
        return wire::error(StatusCode::NOT_FOUND, "Distribution not found");
    };
    let data: Vec<Value> = os_list
        .operating_systems
        .iter()
        .filter(|o| o.dist_id == dist)
        .map(|o| json!({"os_id": o.id.to_string(), "dist_id": o.dist_id.to_string(), "os_name": o.name,
            "os_release": o.release, "os_dist": o.version, "os_arch": "amd64", "os_custom_partition": "1",
            "os_single_disk_only": "0", "os_support_raid": "1", "os_dedicated_only": "0", "os_minram": "0"}))
        .collect();
    ok(&api, json!(data))
}

pub async fn packages(State(api): State<Api>, Path(id): Path<String>) -> Response {
    let Some(id) = known_server(&api, &id) else {
        return not_found();
    };
    let (domain, current) = {
        let store = api.store();
        (
            store.domain,
            store.servers.get(&id).map_or(0, |s| s.product_id),
        )
    };
    let data: Vec<Value> = model::packages(domain)
        .iter()
        .filter(|p| p.product_id != current)
        .map(|p| json!({"pkg_id": p.id.to_string(), "product_id": p.product_id.to_string(), "pkg_name": p.name,
            "pkg_cores": p.cores.to_string(), "pkg_ram": p.ram_mb.to_string(), "pkg_disk": p.disk_gb.to_string(),
            "product_name": p.product_name, "product_price": p.price}))
        .collect();
    ok(&api, json!(data))
}

pub async fn upgrade(State(api): State<Api>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match body_object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(id) = known_server(&api, &id) else {
        return not_found();
    };
    let mut store = api.store();
    let pkg = id_field(&body, "pkg_id").and_then(|p| {
        model::packages(store.domain)
            .into_iter()
            .find(|x| x.id == p)
    });
    let Some(pkg) = pkg else {
        return wire::error(StatusCode::BAD_REQUEST, "Unknown package");
    };
    let malformed = store.quirks.malformed_json;
    if let Some(s) = store.servers.get_mut(&id) {
        if s.product_id == pkg.product_id {
            return wire::error(StatusCode::BAD_REQUEST, "Server already has this package");
        }
        s.product_id = pkg.product_id;
        s.cores = pkg.cores;
        s.ram_gb = pkg.ram_mb / 1024;
        s.disk_gb = pkg.disk_gb;
    }
    wire::message("Server upgrade has been ordered.", json!({}), malformed)
}

pub async fn isos(State(api): State<Api>, Path(id): Path<String>) -> Response {
    let Some(id) = known_server(&api, &id) else {
        return not_found();
    };
    let mounted = api.store().servers.get(&id).map_or(0, |s| s.iso_id);
    let data: Vec<Value> = ISOS
        .iter()
        .map(|(iso, name, state)| json!({"iso_id": iso.to_string(), "cust_id": "19998",
            "iso_url": format!("http://mirror.example/{name}"), "iso_name": name, "iso_hash": "",
            "iso_size": "0", "iso_state": state, "iso_mounted": if *iso == mounted { "1" } else { "0" }}))
        .collect();
    ok(&api, json!(data))
}

pub async fn mount_iso(State(api): State<Api>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match body_object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(id) = known_server(&api, &id) else {
        return not_found();
    };
    let iso = text_field(&body, "iso_id").and_then(|t| t.parse::<u64>().ok());
    let Some(iso) = iso.filter(|i| *i == 0 || ISOS.iter().any(|(x, _, _)| x == i)) else {
        return wire::error(StatusCode::BAD_REQUEST, "Unknown ISO");
    };
    let mut store = api.store();
    if let Some(s) = store.servers.get_mut(&id) {
        s.iso_id = iso;
    }
    let text = if iso == 0 {
        "ISO has been unmounted."
    } else {
        "ISO has been mounted."
    };
    wire::message(text, json!({}), store.quirks.malformed_json)
}

pub async fn graphs(State(api): State<Api>, Path(id): Path<String>) -> Response {
    if known_server(&api, &id).is_none() {
        return not_found();
    }
    // A 1x1 transparent PNG.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
    ok(
        &api,
        json!({"graph_day": png, "graph_week": png, "graph_month": png, "graph_year": png}),
    )
}

pub async fn account(State(api): State<Api>) -> Response {
    let store = api.store();
    let body = json!({
        "success": true, "cust_id": "19998", "cust_name": "Hostform Tester", "cust_company_no": "",
        "cust_address": "Testveien 1", "cust_address2": "", "cust_province": "", "cust_zipcode": "0150",
        "cust_city": "Oslo", "cust_country": "NO", "cust_phone": "+4700000000",
        "cust_email": format!("ops@example.{}", store.domain), "cust_billing_email": "billing@example.test",
        "cust_contacts": [{"contact_id": "1", "contact_name": "Ops", "contact_email": "ops@example.test",
            "contact_phone": "+4700000000", "contact_address": "Testveien 1", "contact_zip": "0150",
            "contact_city": "Oslo", "contact_username": store.credentials.username, "contact_admin": "1"}],
    });
    wire::raw(StatusCode::OK, body, store.quirks.malformed_json)
}

pub async fn invoices(State(api): State<Api>) -> Response {
    let store = api.store();
    let body = json!({"success": true, "invoices": [{"inv_id": "7001", "order_id": "3081", "order_number": "3976",
        "inv_md5": "d41d8cd98f00b204e9800998ecf8427e", "inv_filename": "Invoice_7001.pdf", "inv_number": "7001",
        "inv_date": "1463004000", "inv_duedate": "1463868000", "inv_paid": "1", "inv_total": "3240.00",
        "inv_vat": 810, "inv_total_vat": 4050}]});
    wire::raw(StatusCode::OK, body, store.quirks.malformed_json)
}
