//! Resource endpoints for static IPs (`ip`, identified by address) and VLANs (`vlan`,
//! identified by UUID): list, info, create, set and destroy.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::sim::openhosting::drives::billing;
use crate::sim::openhosting::format::{self, ApiError, Format, Props};
use crate::sim::openhosting::model::{new_uuid, OpenHostingStore, Resource};
use crate::sim::openhosting::settled;
use crate::sim::store::SimState;

const KINDS: &[&str] = &["ip", "vlan"];
pub const NETMASK: &str = "255.255.255.0";
pub const GATEWAY: &str = "203.0.113.1";
pub const NAMESERVER: &str = "203.0.113.2";

/// `GET /resources/list`.
pub async fn list_all(state: State<SimState>, headers: HeaderMap) -> Response {
    list_of(&state, None, &headers)
}

/// `GET /resources/TYPE/list`.
pub async fn list_kind(
    state: State<SimState>,
    Path(kind): Path<String>,
    headers: HeaderMap,
) -> Response {
    match known_kind(&kind) {
        Ok(()) => list_of(&state, Some(&kind), &headers),
        Err(error) => error.into_response(),
    }
}

fn list_of(state: &SimState, kind: Option<&str>, headers: &HeaderMap) -> Response {
    let mut store = settled(state);
    let ids: Vec<String> = of_kind(&store, kind).map(|r| r.id.clone()).collect();
    let hidden = store.list_flaps.hide(ids);
    let rows: Vec<Vec<String>> = of_kind(&store, kind)
        .filter(|resource| !hidden.contains(&resource.id))
        .map(|resource| vec![resource.kind.clone(), resource.id.clone()])
        .collect();
    format::list(Format::from_accept(headers), &["type", "resource"], &rows)
}

/// `GET /resources/info`.
pub async fn info_all(state: State<SimState>, headers: HeaderMap) -> Response {
    info_of(&state, None, &headers)
}

/// `GET /resources/TYPE/info`.
pub async fn info_kind(
    state: State<SimState>,
    Path(kind): Path<String>,
    headers: HeaderMap,
) -> Response {
    match known_kind(&kind) {
        Ok(()) => info_of(&state, Some(&kind), &headers),
        Err(error) => error.into_response(),
    }
}

fn info_of(state: &SimState, kind: Option<&str>, headers: &HeaderMap) -> Response {
    let mut store = settled(state);
    let ids: Vec<String> = of_kind(&store, kind).map(|r| r.id.clone()).collect();
    let hidden = store.list_flaps.hide(ids);
    let objects: Vec<Props> = of_kind(&store, kind)
        .filter(|resource| !hidden.contains(&resource.id))
        .map(|resource| resource_props(&store, resource))
        .collect();
    format::properties_list(Format::from_accept(headers), &objects)
}

/// `GET /resources/TYPE/RESOURCE/info`.
pub async fn info(
    State(state): State<SimState>,
    Path((kind, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let store = settled(&state);
    match find(&store, &kind, &id) {
        Ok(resource) => format::properties(
            Format::from_accept(&headers),
            &resource_props(&store, resource),
        ),
        Err(error) => error.into_response(),
    }
}

/// `POST /resources/TYPE/create`: `name` required; the id comes back as `resource`.
pub async fn create(
    State(state): State<SimState>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut store = settled(&state);
    if let Err(error) = known_kind(&kind) {
        return error.into_response();
    }
    let fields = match format::parse_fields(&headers, &body) {
        Ok(fields) => fields,
        Err(error) => return error.into_response(),
    };
    let mut resource = Resource {
        kind: kind.clone(),
        id: String::new(),
        name: String::new(),
        tags: Vec::new(),
        user_meta: BTreeMap::new(),
    };
    if let Err(error) = apply(&mut resource, &fields) {
        return error.into_response();
    }
    if resource.name.is_empty() {
        return ApiError::usage("name is required").into_response();
    }
    if store.billing_blocked {
        return billing().into_response();
    }
    resource.id = if kind == "ip" {
        match store.next_static_ip() {
            Some(address) => address,
            None => return ApiError::full("no static IP addresses left").into_response(),
        }
    } else {
        new_uuid()
    };
    let props = resource_props(&store, &resource);
    store
        .resources
        .insert((kind, resource.id.clone()), resource);
    format::properties(Format::from_accept(&headers), &props)
}

/// `POST /resources/TYPE/RESOURCE/set`: name, tags, user:*.
pub async fn set(
    State(state): State<SimState>,
    Path((kind, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut store = settled(&state);
    let fields = match format::parse_fields(&headers, &body) {
        Ok(fields) => fields,
        Err(error) => return error.into_response(),
    };
    let mut changed = match find(&store, &kind, &id) {
        Ok(resource) => resource.clone(),
        Err(error) => return error.into_response(),
    };
    if let Err(error) = apply(&mut changed, &fields) {
        return error.into_response();
    }
    let props = resource_props(&store, &changed);
    store.resources.insert((kind, id), changed);
    format::properties(Format::from_accept(&headers), &props)
}

/// `POST /resources/TYPE/RESOURCE/destroy`: 409 while an active server uses it.
pub async fn destroy(
    State(state): State<SimState>,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let mut store = settled(&state);
    if let Err(error) = find(&store, &kind, &id) {
        return error.into_response();
    }
    let users = if kind == "ip" {
        let mut users = store.active_users_of(&id, "nic:0:dhcp");
        users.extend(store.active_users_of(&id, "vnc:ip"));
        users
    } else {
        store.active_users_of(&id, ":vlan")
    };
    if !users.is_empty() {
        return ApiError::busy(format!(
            "{kind} {id} is in use by server {}",
            users.join(" ")
        ))
        .into_response();
    }
    store.resources.remove(&(kind, id));
    format::no_content()
}

/// The resource's info keys.
pub fn resource_props(store: &OpenHostingStore, resource: &Resource) -> Props {
    let mut props: Props = vec![
        ("name".into(), resource.name.clone()),
        ("type".into(), resource.kind.clone()),
        ("resource".into(), resource.id.clone()),
        ("user".into(), store.user.clone()),
    ];
    if resource.kind == "ip" {
        props.push(("netmask".into(), NETMASK.into()));
        props.push(("gateway".into(), GATEWAY.into()));
        props.push(("nameserver".into(), NAMESERVER.into()));
    }
    if !resource.tags.is_empty() {
        props.push(("tags".into(), resource.tags.join(" ")));
    }
    for (key, value) in &resource.user_meta {
        props.push((format!("user:{key}"), value.clone()));
    }
    props
}

fn apply(resource: &mut Resource, fields: &Props) -> Result<(), ApiError> {
    for (key, value) in fields {
        match key.as_str() {
            "name" if value.trim().is_empty() => {
                return Err(ApiError::usage("name must not be empty"))
            }
            "name" => resource.name = value.clone(),
            "tags" | "tag" => {
                resource.tags = value.split_whitespace().map(str::to_owned).collect();
            }
            _ => match key.strip_prefix("user:") {
                Some(meta) if !meta.is_empty() => {
                    if value.is_empty() {
                        resource.user_meta.remove(meta);
                    } else {
                        resource.user_meta.insert(meta.to_owned(), value.clone());
                    }
                }
                _ => return Err(ApiError::usage(format!("unknown key {key}"))),
            },
        }
    }
    Ok(())
}

fn known_kind(kind: &str) -> Result<(), ApiError> {
    if KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(ApiError::missing(format!("no resource type {kind}")))
    }
}

fn find<'a>(store: &'a OpenHostingStore, kind: &str, id: &str) -> Result<&'a Resource, ApiError> {
    known_kind(kind)?;
    store
        .resources
        .get(&(kind.to_owned(), id.to_owned()))
        .ok_or_else(|| ApiError::missing(format!("{kind} {id} not found")))
}

fn of_kind<'a>(
    store: &'a OpenHostingStore,
    kind: Option<&'a str>,
) -> impl Iterator<Item = &'a Resource> {
    store
        .resources
        .values()
        .filter(move |resource| kind.is_none_or(|wanted| resource.kind == wanted))
}
