//! Simulated `/authenticate` and server routes: list, detail, rename, power, reinstall,
//! reverse DNS, IPv4 orders and IPMI sessions.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::sim::terrahost::model::{
    Ip, DEFAULT_TOKEN_LIFETIME, INSTALL_SECS, IPV4_DELIVERY_SECS, POWER_SECS,
};
use crate::sim::terrahost::{parse_id, wire, Api};
use crate::support::totp;

/// A JSON object body; anything else is a 400 answer (the handler returns it as is).
#[allow(clippy::result_large_err)]
pub fn body_object(body: &Bytes) -> Result<Map<String, Value>, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(wire::error(
            StatusCode::BAD_REQUEST,
            "Request body must be a JSON object",
        )),
    }
}

/// A field as text, whether sent as a string or a number.
pub fn text_field(body: &Map<String, Value>, name: &str) -> Option<String> {
    match body.get(name)? {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn id_field(body: &Map<String, Value>, name: &str) -> Option<u64> {
    text_field(body, name).and_then(|t| t.parse().ok())
}

pub fn not_found() -> Response {
    wire::error(StatusCode::NOT_FOUND, "Server not found")
}

fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", fastrand::u8(..)))
        .collect()
}

pub async fn authenticate(State(api): State<Api>, body: Bytes) -> Response {
    let body = match body_object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let username = text_field(&body, "username").unwrap_or_default();
    let password = text_field(&body, "password").unwrap_or_default();
    let code = match body.get("code") {
        Some(Value::Number(n)) => Some(format!("{:0>6}", n.to_string())),
        Some(Value::String(s)) => Some(s.trim().to_string()),
        _ => None,
    };
    let now = api.now();
    let unix_now = api.sim.clock.unix_now();
    let mut store = api.store();
    let creds = store.credentials.clone();
    if username != creds.username || password != creds.password {
        return wire::error(StatusCode::UNAUTHORIZED, "Invalid username or password");
    }
    if let Some(secret) = &creds.totp_secret {
        let Ok(key) = totp::decode_base32(secret) else {
            return wire::error(StatusCode::INTERNAL_SERVER_ERROR, "Bad TOTP secret");
        };
        match code {
            None => {
                return wire::error(
                    StatusCode::UNAUTHORIZED,
                    "Two-factor authentication code required",
                )
            }
            Some(code) if !totp::check(&key, &code, totp::unix_now()) => {
                return wire::error(StatusCode::UNAUTHORIZED, "Invalid two-factor code")
            }
            Some(_) => {}
        }
    }
    let lifetime = store
        .quirks
        .token_lifetime_secs
        .unwrap_or(DEFAULT_TOKEN_LIFETIME);
    let token = random_hex(20);
    store.tokens.insert(token.clone(), now + lifetime);
    store.logins += 1;
    let data = json!({
        "token": token,
        "token_expire": ((unix_now + lifetime) as u64).to_string(),
        "customer_id": "19998",
    });
    wire::envelope(StatusCode::OK, data, json!({}), store.quirks.malformed_json)
}

pub async fn list(State(api): State<Api>) -> Response {
    let now = api.now();
    let mut store = api.store();
    let ids: Vec<u64> = store.servers.keys().copied().collect();
    let shown: Vec<u64> = ids
        .into_iter()
        .filter(|id| !store.hidden_now(*id))
        .collect();
    let data: Vec<Value> = shown
        .iter()
        .filter_map(|id| store.servers.get(id))
        .map(|s| wire::server_summary(s, now, &store.os_list))
        .collect();
    wire::envelope(
        StatusCode::OK,
        json!(data),
        json!({}),
        store.quirks.malformed_json,
    )
}

pub async fn show(State(api): State<Api>, Path(id): Path<String>) -> Response {
    let now = api.now();
    let mut store = api.store();
    let Some(id) = parse_id(&id) else {
        return not_found();
    };
    if store.hidden_now(id) {
        return not_found();
    }
    match store.servers.get(&id) {
        Some(s) => wire::envelope(
            StatusCode::OK,
            json!([wire::server_detail(s, now, &store.os_list)]),
            json!({}),
            store.quirks.malformed_json,
        ),
        None => not_found(),
    }
}

/// Runs `change` on server `id` (404 when unknown) with the parsed body.
fn with_server(
    api: &Api,
    id: &str,
    body: &Bytes,
    change: impl FnOnce(
        &mut crate::sim::terrahost::model::TerrahostStore,
        u64,
        &Map<String, Value>,
        f64,
    ) -> Response,
) -> Response {
    let body = match body_object(body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let now = api.now();
    let mut store = api.store();
    match parse_id(id) {
        Some(id) if store.servers.contains_key(&id) => change(&mut store, id, &body, now),
        _ => not_found(),
    }
}

pub async fn rename(State(api): State<Api>, Path(id): Path<String>, body: Bytes) -> Response {
    with_server(&api, &id, &body, |store, id, body, _| {
        let Some(name) = text_field(body, "name").filter(|n| !n.is_empty()) else {
            return wire::error(StatusCode::BAD_REQUEST, "name is required");
        };
        if let Some(s) = store.servers.get_mut(&id) {
            s.label = name;
        }
        wire::message(
            "Server name has been updated.",
            json!({}),
            store.quirks.malformed_json,
        )
    })
}

pub async fn powerstate(State(api): State<Api>, Path(id): Path<String>) -> Response {
    let now = api.now();
    let store = api.store();
    match parse_id(&id).and_then(|id| store.servers.get(&id)) {
        Some(s) => wire::envelope(
            StatusCode::OK,
            Value::Null,
            json!({ "powerstate": s.power_at(now), "timestamp": api.sim.clock.unix_now() as u64 }),
            store.quirks.malformed_json,
        ),
        None => not_found(),
    }
}

pub async fn power(State(api): State<Api>, Path((id, action)): Path<(String, String)>) -> Response {
    let on = match action.as_str() {
        "on" => true,
        "off" => false,
        _ => return wire::error(StatusCode::NOT_FOUND, "Not found"),
    };
    with_server(&api, &id, &Bytes::new(), |store, id, _, now| {
        if store.quirks.power_unsupported.contains(&id) {
            return wire::error(
                StatusCode::METHOD_NOT_ALLOWED,
                "Power management is not supported for this server",
            );
        }
        if let Some(s) = store.servers.get_mut(&id) {
            s.powered = s.power_at(now);
            s.power_change = Some((now + POWER_SECS, on));
        }
        let text = if on {
            "Server is powering on."
        } else {
            "Server is powering off."
        };
        wire::message(text, json!({}), store.quirks.malformed_json)
    })
}

pub async fn reboot(State(api): State<Api>, Path(id): Path<String>) -> Response {
    with_server(&api, &id, &Bytes::new(), |store, id, _, now| {
        if let Some(s) = store.servers.get_mut(&id) {
            s.powered = false;
            s.power_change = Some((now + POWER_SECS, true));
        }
        wire::message(
            "Server is rebooting.",
            json!({}),
            store.quirks.malformed_json,
        )
    })
}

pub async fn reinstall(State(api): State<Api>, Path(id): Path<String>, body: Bytes) -> Response {
    with_server(&api, &id, &body, |store, id, body, now| {
        let mut missing: Vec<&str> = ["os_id", "language", "keyboard", "timezone", "hostname"]
            .into_iter()
            .filter(|f| text_field(body, f).is_none_or(|v| v.is_empty()))
            .collect();
        if !missing.is_empty() {
            missing.sort_unstable();
            return wire::error(
                StatusCode::BAD_REQUEST,
                &format!("Missing parameters: {}", missing.join(", ")),
            );
        }
        let os_id = id_field(body, "os_id").unwrap_or(0);
        if store.os_list.os(os_id).is_none() {
            return wire::error(StatusCode::BAD_REQUEST, "Unknown operating system");
        }
        let password = random_hex(8);
        if let Some(s) = store.servers.get_mut(&id) {
            if s.installing(now) {
                return wire::error(StatusCode::CONFLICT, "Server is already being installed");
            }
            s.os_id = os_id;
            s.hostname = text_field(body, "hostname").unwrap_or_default();
            s.install_until = now + INSTALL_SECS;
            s.powered = true;
            s.power_change = None;
        }
        wire::message(
            "Server install has been initiated.",
            json!({ "reboot": true, "root_passwd": password }),
            store.quirks.malformed_json,
        )
    })
}

pub async fn reverse(State(api): State<Api>, Path(id): Path<String>, body: Bytes) -> Response {
    with_server(&api, &id, &body, |store, id, body, _| {
        let Some(dns) = text_field(body, "dns") else {
            return wire::error(StatusCode::BAD_REQUEST, "dns is required");
        };
        let malformed = store.quirks.malformed_json;
        let Some(server) = store.servers.get_mut(&id) else {
            return not_found();
        };
        if let Some(ip_id) = id_field(body, "ip_id") {
            match server.ips.iter_mut().find(|ip| ip.id == ip_id) {
                Some(ip) => ip.reverse = dns,
                None => return wire::error(StatusCode::NOT_FOUND, "IP not found"),
            }
        } else if let Some(sub_id) = id_field(body, "sub_id") {
            match server.subnets.iter_mut().find(|s| s.id == sub_id) {
                Some(subnet) => subnet.ns = dns,
                None => return wire::error(StatusCode::NOT_FOUND, "Subnet not found"),
            }
        } else {
            return wire::error(StatusCode::BAD_REQUEST, "ip_id or sub_id is required");
        }
        wire::message("Reverse DNS has been updated.", json!({}), malformed)
    })
}

pub async fn order_ipv4(State(api): State<Api>, Path(id): Path<String>, body: Bytes) -> Response {
    with_server(&api, &id, &body, |store, id, body, now| {
        let kind = match text_field(body, "ip_type").as_deref() {
            Some("l2") => "extra",
            Some("l3") => "routed",
            _ => return wire::error(StatusCode::BAD_REQUEST, "ip_type must be l2 or l3"),
        };
        let ip_id = store.fresh_id();
        let last = (ip_id % 200) + 20;
        let domain = store.domain;
        let routed_to = store
            .servers
            .get(&id)
            .and_then(|s| s.ips.first())
            .map_or(0, |ip| ip.id);
        let address = format!("185.181.62.{last}");
        if let Some(s) = store.servers.get_mut(&id) {
            s.ips.push(Ip {
                id: ip_id,
                subnet_id: 404,
                reverse: format!("static.{address}.{domain}"),
                address,
                kind: kind.into(),
                netmask: "255.255.255.0".into(),
                gateway: "185.181.62.1".into(),
                routed_to: if kind == "routed" { routed_to } else { 0 },
                visible_from: now + IPV4_DELIVERY_SECS,
            });
        }
        store.ipv4_orders.push((id, kind.to_string()));
        wire::message(
            "IP address has been ordered.",
            json!({}),
            store.quirks.malformed_json,
        )
    })
}

pub async fn ipmi(State(api): State<Api>, Path(id): Path<String>) -> Response {
    with_server(&api, &id, &Bytes::new(), |store, _, _, _| {
        let data = json!({
            "kvm_ip_address": "185.125.168.10",
            "username": format!("kvm{}", fastrand::u16(1000..9999)),
            "password": random_hex(10),
        });
        wire::envelope(StatusCode::OK, data, json!({}), store.quirks.malformed_json)
    })
}
