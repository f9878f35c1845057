//! Server endpoints: list, info, create (started or stopped), set, start, stop, shutdown,
//! reset and destroy, with the active/stopped rules.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::sim::openhosting::drives::billing;
use crate::sim::openhosting::format::{self, ApiError, Format, Props};
use crate::sim::openhosting::model::{
    is_device_key, new_uuid, OpenHostingStore, Server, ServerStatus,
};
use crate::sim::openhosting::server_config::{check_config, check_key, check_start, LIVE_KEYS};
use crate::sim::openhosting::settled;
use crate::sim::store::SimState;

/// Virtual seconds from an ACPI shutdown until the server is off.
pub const SHUTDOWN_SECS: f64 = 10.0;

/// `GET /servers/list`: `SERVER CPU MEM` lines.
pub async fn list(State(state): State<SimState>, headers: HeaderMap) -> Response {
    let mut store = settled(&state);
    let uuids: Vec<String> = store.servers.keys().cloned().collect();
    let hidden = store.list_flaps.hide(uuids);
    let rows: Vec<Vec<String>> = store
        .servers
        .values()
        .filter(|server| !hidden.contains(&server.uuid))
        .map(|server| {
            let key = |name: &str| server.config.get(name).cloned().unwrap_or_default();
            vec![server.uuid.clone(), key("cpu"), key("mem")]
        })
        .collect();
    format::list(
        Format::from_accept(&headers),
        &["server", "cpu", "mem"],
        &rows,
    )
}

/// `GET /servers/info`: every server's info.
pub async fn info_all(State(state): State<SimState>, headers: HeaderMap) -> Response {
    let mut store = settled(&state);
    let uuids: Vec<String> = store.servers.keys().cloned().collect();
    let hidden = store.list_flaps.hide(uuids);
    let objects: Vec<Props> = store
        .servers
        .values()
        .filter(|server| !hidden.contains(&server.uuid))
        .map(|server| server_props(&store, server))
        .collect();
    format::properties_list(Format::from_accept(&headers), &objects)
}

/// `GET /servers/SERVER/info`.
pub async fn info(
    State(state): State<SimState>,
    Path(uuid): Path<String>,
    headers: HeaderMap,
) -> Response {
    let store = settled(&state);
    match store.servers.get(&uuid) {
        Some(server) => {
            format::properties(Format::from_accept(&headers), &server_props(&store, server))
        }
        None => server_missing(&uuid).into_response(),
    }
}

/// `POST /servers/create`: creates and starts.
pub async fn create(state: State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    create_server(&state, &headers, &body, true)
}

/// `POST /servers/create/stopped`.
pub async fn create_stopped(state: State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    create_server(&state, &headers, &body, false)
}

fn create_server(state: &SimState, headers: &HeaderMap, body: &Bytes, start: bool) -> Response {
    let mut store = settled(state);
    let config = match format::parse_fields(headers, body)
        .and_then(|fields| check_config(&store, &fields, true))
    {
        Ok(config) => config,
        Err(error) => return error.into_response(),
    };
    if store.billing_blocked {
        return billing().into_response();
    }
    let uuid = new_uuid();
    if start {
        if let Err(error) = check_start(&store, &uuid, &config) {
            return error.into_response();
        }
    }
    let mut server = Server {
        uuid: uuid.clone(),
        config,
        status: ServerStatus::Stopped,
        started: None,
        lease: None,
        shutdown_at: None,
    };
    if start {
        boot(&mut store, &mut server);
    }
    let props = server_props(&store, &server);
    store.servers.insert(uuid, server);
    format::properties(Format::from_accept(headers), &props)
}

/// `POST /servers/SERVER/set`: any key when stopped (the configuration is replaced), only
/// the live keys when active (given keys change, others stay).
pub async fn set(
    State(state): State<SimState>,
    Path(uuid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut store = settled(&state);
    let fields = match format::parse_fields(&headers, &body) {
        Ok(fields) => fields,
        Err(error) => return error.into_response(),
    };
    let Some(server) = store.servers.get(&uuid) else {
        return server_missing(&uuid).into_response();
    };
    let new_config = if server.status == ServerStatus::Active {
        live_change(&store, server, &fields)
    } else {
        stopped_change(&store, server, &fields)
    };
    match new_config {
        Ok(config) => {
            if let Some(server) = store.servers.get_mut(&uuid) {
                server.config = config;
            }
            let props = store
                .servers
                .get(&uuid)
                .map(|server| server_props(&store, server))
                .unwrap_or_default();
            format::properties(Format::from_accept(&headers), &props)
        }
        Err(error) => error.into_response(),
    }
}

fn live_change(
    store: &OpenHostingStore,
    server: &Server,
    fields: &Props,
) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    let mut config = server.config.clone();
    for (key, value) in fields {
        let live = LIVE_KEYS.contains(&key.as_str()) || key.starts_with("user:");
        if !live {
            return Err(ApiError::busy(format!(
                "{key} cannot be changed while the server is active"
            )));
        }
        if value.is_empty() {
            if key == "name" || key == "cpu" {
                return Err(ApiError::usage(format!("{key} must not be empty")));
            }
            config.remove(key);
            continue;
        }
        check_key(store, key, value)?;
        config.insert(key.clone(), value.clone());
    }
    Ok(config)
}

fn stopped_change(
    store: &OpenHostingStore,
    server: &Server,
    fields: &Props,
) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    let mut fields = fields.clone();
    for kept in ["name", "cpu", "mem"] {
        if !fields.iter().any(|(key, _)| key == kept) {
            if let Some(value) = server.config.get(kept) {
                fields.push((kept.to_owned(), value.clone()));
            }
        }
    }
    check_config(store, &fields, true)
}

/// `POST /servers/SERVER/start`: 409 when already active.
pub async fn start(State(state): State<SimState>, Path(uuid): Path<String>) -> Response {
    let mut store = settled(&state);
    let Some(server) = store.servers.get(&uuid) else {
        return server_missing(&uuid).into_response();
    };
    if server.status == ServerStatus::Active {
        return ApiError::busy(format!("server {uuid} is already active")).into_response();
    }
    if store.billing_blocked {
        return billing().into_response();
    }
    if let Err(error) = check_start(&store, &uuid, &server.config) {
        return error.into_response();
    }
    if let Some(mut server) = store.servers.remove(&uuid) {
        boot(&mut store, &mut server);
        store.servers.insert(uuid, server);
    }
    format::no_content()
}

/// `POST /servers/SERVER/stop`: off at once; stopped if persistent, destroyed otherwise.
pub async fn stop(State(state): State<SimState>, Path(uuid): Path<String>) -> Response {
    let mut store = settled(&state);
    if let Err(error) = require_active(&store, &uuid) {
        return error.into_response();
    }
    store.power_off(&uuid);
    format::no_content()
}

/// `POST /servers/SERVER/shutdown`: off after [`SHUTDOWN_SECS`].
pub async fn shutdown(State(state): State<SimState>, Path(uuid): Path<String>) -> Response {
    let now = state.clock.now();
    let mut store = settled(&state);
    if let Err(error) = require_active(&store, &uuid) {
        return error.into_response();
    }
    if let Some(server) = store.servers.get_mut(&uuid) {
        server.shutdown_at.get_or_insert(now + SHUTDOWN_SECS);
    }
    format::no_content()
}

/// `POST /servers/SERVER/reset`: stays active, `started` moves.
pub async fn reset(State(state): State<SimState>, Path(uuid): Path<String>) -> Response {
    let mut store = settled(&state);
    if let Err(error) = require_active(&store, &uuid) {
        return error.into_response();
    }
    if let Some(server) = store.servers.get_mut(&uuid) {
        server.started = Some(unix_now());
        server.shutdown_at = None;
    }
    format::no_content()
}

/// `POST /servers/SERVER/destroy`: stops it first when active; drives stay.
pub async fn destroy(State(state): State<SimState>, Path(uuid): Path<String>) -> Response {
    match settled(&state).servers.remove(&uuid) {
        Some(_) => format::no_content(),
        None => server_missing(&uuid).into_response(),
    }
}

fn require_active(store: &OpenHostingStore, uuid: &str) -> Result<(), ApiError> {
    match store.servers.get(uuid) {
        None => Err(server_missing(uuid)),
        Some(server) if server.status != ServerStatus::Active => {
            Err(ApiError::busy(format!("server {uuid} is not active")))
        }
        Some(_) => Ok(()),
    }
}

fn server_missing(uuid: &str) -> ApiError {
    ApiError::missing(format!("server {uuid} not found"))
}

/// Marks a server active, leasing a temporary address when `auto` asks for one.
fn boot(store: &mut OpenHostingStore, server: &mut Server) {
    server.status = ServerStatus::Active;
    server.started = Some(unix_now());
    server.shutdown_at = None;
    let wants_lease = ["nic:0:dhcp", "vnc:ip"]
        .iter()
        .any(|key| server.config.get(*key).is_some_and(|value| value == "auto"));
    server.lease = wants_lease.then(|| store.next_lease());
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// The server's info keys: identity, configuration (with defaults and leased addresses
/// while active) and, while active, run-time counters.
pub fn server_props(store: &OpenHostingStore, server: &Server) -> Props {
    let active = server.status == ServerStatus::Active;
    let mut config = server.config.clone();
    config
        .entry("persistent".to_owned())
        .or_insert_with(|| "false".to_owned());
    config
        .entry("smp".to_owned())
        .or_insert_with(|| "auto".to_owned());
    if let (true, Some(lease)) = (active, &server.lease) {
        for key in ["nic:0:dhcp", "vnc:ip"] {
            if let Some(value) = config.get_mut(key).filter(|value| *value == "auto") {
                *value = lease.clone();
            }
        }
    }
    let mut props: Props = vec![
        ("server".into(), server.uuid.clone()),
        ("status".into(), server.status.name().into()),
        ("user".into(), store.user.clone()),
    ];
    props.extend(config);
    if active {
        props.push((
            "started".into(),
            server.started.unwrap_or_default().to_string(),
        ));
        for key in [
            "rx",
            "tx",
            "rx:bytes",
            "tx:bytes",
            "rx:packets",
            "tx:packets",
        ] {
            props.push((key.into(), "0".into()));
        }
        let devices: Vec<&String> = server
            .config
            .keys()
            .filter(|key| is_device_key(key))
            .collect();
        for device in devices {
            for counter in [
                "read:bytes",
                "read:requests",
                "write:bytes",
                "write:requests",
            ] {
                props.push((format!("{device}:{counter}"), "0".into()));
            }
        }
    }
    props
}

/// Stops a server without destroying it (out-of-band change).
pub fn stop_in_place(server: &mut Server) {
    server.status = ServerStatus::Stopped;
    server.started = None;
    server.lease = None;
    server.shutdown_at = None;
}
