//! HosterAPI dedicated servers: market, templates, order (answers only `true`), the owned
//! list with `orderComplete`, power, reinstall, console, status, config and terminate.

use axum::body::Bytes;
use axum::extract::{Path, State};
use serde_json::json;

use crate::sim::hoster::body::{path_id, Fields};
use crate::sim::hoster::catalogue::{self, IP_COUNT};
use crate::sim::hoster::model::{new_password, Dedicated, Effect, HosterStore, OrderOutcome};
use crate::sim::hoster::open;
use crate::sim::hoster::render::{self, Answer, ApiError};
use crate::sim::hoster::vm_extras::console_url;
use crate::sim::store::{lock, SimState};

/// `GET datacenter/dedicated/market`: machines nobody owns.
pub async fn market(State(state): State<SimState>) -> Answer {
    let (store, _) = open(&state);
    let entries: Vec<_> = store
        .catalogue
        .market
        .iter()
        .filter(|machine| !store.dedicated.contains_key(&machine.id))
        .map(catalogue::Machine::market_entry)
        .collect();
    render::ok(entries)
}

/// `GET datacenter/dedicated/templates`.
pub async fn templates(State(state): State<SimState>) -> Answer {
    render::ok(lock(&state.hoster).catalogue.dedicated_templates.clone())
}

/// `GET datacenter/dedicated`: `[{"id", "orderComplete"}]`.
pub async fn owned(State(state): State<SimState>) -> Answer {
    let (mut store, _) = open(&state);
    let ids: Vec<u64> = store.dedicated.keys().copied().collect();
    let hidden = store.list_flaps.hide(ids);
    let owned: Vec<_> = store
        .dedicated
        .values()
        .filter(|server| !hidden.contains(&server.id.to_string()))
        .map(|server| json!({ "id": server.id, "orderComplete": server.order_complete }))
        .collect();
    render::ok(owned)
}

/// `POST datacenter/dedicated/order` `{id, template, ipCount?, hostname?}`: answers `true`.
pub async fn order(State(state): State<SimState>, body: Bytes) -> Answer {
    let fields = Fields::parse(&body)?;
    let id = fields.required_int("id")?;
    let template = fields.required_string("template")?;
    let ip_count = fields.int("ipCount")?.unwrap_or(1);
    let hostname = fields.string("hostname")?.map(str::to_owned);
    if !lock(&state.hoster)
        .catalogue
        .has_dedicated_template(template)
    {
        return Err(ApiError::unknown("template", template));
    }
    if !(IP_COUNT.min..=IP_COUNT.max).contains(&ip_count) {
        return Err(ApiError::invalid("ipCount"));
    }
    let (mut store, now) = open(&state);
    let id = u64::try_from(id).map_err(|_| ApiError::no_vm(id))?;
    if store.catalogue.machine(id).is_none() || store.dedicated.contains_key(&id) {
        return Err(ApiError::no_vm(id));
    }
    let serial = store.next_order_serial();
    let ips = (0..ip_count).map(|_| store.next_ipv4()).collect();
    store.dedicated.insert(
        id,
        Dedicated {
            id,
            order_serial: serial,
            order_complete: false,
            hostname,
            template: template.to_owned(),
            ips,
            root_password: new_password(),
            user_password: new_password(),
            running: false,
            power_serial: 0,
            reinstalling: false,
            software: Default::default(),
        },
    );
    let at = now + store.settings.order_secs;
    match std::mem::take(&mut store.next_order) {
        OrderOutcome::Complete => store.plan(at, Effect::OrderComplete { id, serial }),
        OrderOutcome::Vanish => store.plan(at, Effect::OrderVanishes { id, serial }),
        OrderOutcome::NeverComplete => {}
    }
    render::ok(true)
}

/// `PUT datacenter/dedicated/{sid}/start`.
pub async fn start(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    power(&state, &sid, "start", Some(true))
}

/// `PUT datacenter/dedicated/{sid}/shutdown`.
pub async fn shutdown(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    power(&state, &sid, "shutdown", Some(false))
}

/// `PUT datacenter/dedicated/{sid}/reboot`.
pub async fn reboot(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    power(&state, &sid, "reboot", None)
}

fn power(state: &SimState, sid: &str, signal: &str, running: Option<bool>) -> Answer {
    let (mut store, now) = open(state);
    let power_secs = store.settings.power_secs;
    let server = ready(&mut store, sid, signal)?;
    let Some(target) = running else {
        return render::ok(true);
    };
    server.power_serial += 1;
    let (id, serial, change) = (server.id, server.power_serial, server.running != target);
    if change {
        let effect = Effect::DedicatedPower {
            id,
            serial,
            running: target,
        };
        store.plan(now + power_secs, effect);
    }
    render::ok(true)
}

/// `PUT datacenter/dedicated/{sid}/reinstall` `{template, hostname?}`: answers `true`; the
/// server is halted for `job_secs`.
pub async fn reinstall(
    State(state): State<SimState>,
    Path(sid): Path<String>,
    body: Bytes,
) -> Answer {
    let fields = Fields::parse(&body)?;
    let template = fields.required_string("template")?;
    let hostname = fields.string("hostname")?.map(str::to_owned);
    if !lock(&state.hoster)
        .catalogue
        .has_dedicated_template(template)
    {
        return Err(ApiError::unknown("template", template));
    }
    let (mut store, now) = open(&state);
    let job_secs = store.settings.queue_secs + store.settings.job_secs;
    let server = ready(&mut store, &sid, "reinstall")?;
    server.template = template.to_owned();
    if hostname.is_some() {
        server.hostname = hostname;
    }
    server.root_password = new_password();
    server.user_password = new_password();
    server.software.clear();
    server.running = false;
    server.reinstalling = true;
    server.power_serial += 1;
    let (id, serial) = (server.id, server.order_serial);
    store.plan(now + job_secs, Effect::DedicatedReinstalled { id, serial });
    render::ok(true)
}

/// `GET datacenter/dedicated/{sid}/console`.
pub async fn console(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    let (mut store, _) = open(&state);
    let server = ready(&mut store, &sid, "console")?;
    render::ok(console_url("ipmi", server.id))
}

/// `GET datacenter/dedicated/{sid}/status`: `{"state": "running" | "halted"}`.
pub async fn status(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    let (mut store, _) = open(&state);
    let server = ready(&mut store, &sid, "status")?;
    let shown = if server.running { "running" } else { "halted" };
    render::ok(json!({ "state": shown }))
}

/// `GET datacenter/dedicated/{sid}/config`.
pub async fn config(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    let (mut store, _) = open(&state);
    let catalogue = store.catalogue.clone();
    let server = ready(&mut store, &sid, "config")?;
    let configuration = catalogue
        .machine(server.id)
        .map(catalogue::Machine::configuration);
    render::ok(json!({
        "ssh": {
            "root": { "password": server.root_password },
            "user": { "username": "user", "password": server.user_password },
        },
        "ips": server.ips,
        "template": server.template,
        "configuration": configuration,
    }))
}

/// `POST datacenter/dedicated/{sid}/terminate`: gone at once, back on the market.
pub async fn terminate(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    let (mut store, _) = open(&state);
    let id = path_id(&sid)?;
    match store.dedicated.remove(&id) {
        Some(_) => render::ok(true),
        None => Err(ApiError::no_vm(id)),
    }
}

/// An owned server whose order is complete; 404 when not owned, 500 `0xa1` before that.
fn ready<'a>(
    store: &'a mut HosterStore,
    sid: &str,
    signal: &str,
) -> Result<&'a mut Dedicated, ApiError> {
    let id = path_id(sid)?;
    let server = store
        .dedicated
        .get_mut(&id)
        .ok_or_else(|| ApiError::no_vm(id))?;
    if !server.order_complete || (server.reinstalling && !matches!(signal, "status" | "config")) {
        return Err(ApiError::signal_failed(signal));
    }
    Ok(server)
}
