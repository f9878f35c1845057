//! Drive endpoints: list, info (one or all), create, set and destroy.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::sim::clock::VirtualSecs;
use crate::sim::openhosting::blocks::SparseData;
use crate::sim::openhosting::format::{self, parse_size, ApiError, ErrorKind, Format, Props};
use crate::sim::openhosting::model::{
    is_uuid, new_uuid, Drive, OpenHostingStore, ALL_USERS, MAX_DRIVE_SIZE,
};
use crate::sim::openhosting::settled;
use crate::sim::store::SimState;

/// `GET /drives/list`: one drive UUID per line.
pub async fn list(State(state): State<SimState>, headers: HeaderMap) -> Response {
    let mut store = settled(&state);
    let uuids: Vec<String> = store.drives.keys().cloned().collect();
    let hidden = store.list_flaps.hide(&uuids);
    let rows: Vec<Vec<String>> = uuids
        .into_iter()
        .filter(|uuid| !hidden.contains(uuid))
        .map(|uuid| vec![uuid])
        .collect();
    format::list(Format::from_accept(&headers), &["drive"], &rows)
}

/// `GET /drives/info`: every drive's info.
pub async fn info_all(State(state): State<SimState>, headers: HeaderMap) -> Response {
    let now = state.clock.now();
    let mut store = settled(&state);
    let uuids: Vec<String> = store.drives.keys().cloned().collect();
    let hidden = store.list_flaps.hide(&uuids);
    let objects: Vec<Props> = uuids
        .iter()
        .filter(|uuid| !hidden.contains(uuid))
        .filter_map(|uuid| drive_props(&mut store, uuid, now))
        .collect();
    format::properties_list(Format::from_accept(&headers), &objects)
}

/// `GET /drives/DRIVE/info`.
pub async fn info(
    State(state): State<SimState>,
    Path(drive): Path<String>,
    headers: HeaderMap,
) -> Response {
    let now = state.clock.now();
    let mut store = settled(&state);
    match drive_props(&mut store, &drive, now) {
        Some(props) => format::properties(Format::from_accept(&headers), &props),
        None => drive_missing(&drive).into_response(),
    }
}

/// `POST /drives/create`: name and size required.
pub async fn create(State(state): State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    let now = state.clock.now();
    let mut store = settled(&state);
    let result = format::parse_fields(&headers, &body)
        .and_then(|fields| new_drive(&store, &fields))
        .and_then(|drive| {
            if store.billing_blocked {
                Err(billing())
            } else {
                Ok(drive)
            }
        });
    match result {
        Ok(drive) => {
            let uuid = drive.uuid.clone();
            store.drives.insert(uuid.clone(), drive);
            let props = drive_props(&mut store, &uuid, now).unwrap_or_default();
            format::properties(Format::from_accept(&headers), &props)
        }
        Err(error) => error.into_response(),
    }
}

/// `POST /drives/DRIVE/set`: name, claim:type, readers, tags, user:*.
pub async fn set(
    State(state): State<SimState>,
    Path(uuid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = state.clock.now();
    let mut store = settled(&state);
    let fields = match format::parse_fields(&headers, &body) {
        Ok(fields) => fields,
        Err(error) => return error.into_response(),
    };
    let Some(drive) = store.drives.get_mut(&uuid) else {
        return drive_missing(&uuid).into_response();
    };
    let mut changed = DriveSettings::from_drive(drive);
    if let Err(error) = changed.apply(&fields, false) {
        return error.into_response();
    }
    changed.store_into(drive);
    let props = drive_props(&mut store, &uuid, now).unwrap_or_default();
    format::properties(Format::from_accept(&headers), &props)
}

/// `POST /drives/DRIVE/destroy`: 409 while a server claims it or an imaging writes it.
pub async fn destroy(State(state): State<SimState>, Path(uuid): Path<String>) -> Response {
    let mut store = settled(&state);
    if !store.drives.contains_key(&uuid) {
        return drive_missing(&uuid).into_response();
    }
    let claims = store.claims_on(&uuid);
    if !claims.is_empty() {
        return ApiError::busy(format!(
            "drive {uuid} is claimed by server {}",
            claims.join(" ")
        ))
        .into_response();
    }
    store.imaging.cancel(&uuid);
    store.drives.remove(&uuid);
    format::no_content()
}

pub fn drive_missing(uuid: &str) -> ApiError {
    ApiError::missing(format!("drive {uuid} not found"))
}

pub fn billing() -> ApiError {
    ApiError::new(
        ErrorKind::Billing,
        "account balance and/or subscriptions do not cover this command",
    )
}

/// The drive's info keys at `now`; consumes an armed "imaging key vanishes" fault when it
/// hides a running imaging.
pub fn drive_props(store: &mut OpenHostingStore, uuid: &str, now: VirtualSecs) -> Option<Props> {
    let claims = store.claims_on(uuid);
    let mut imaging = store.imaging.progress(uuid, now).map(|p| p.shown());
    if imaging.is_some() && store.faults.imaging_key_vanishes > 0 {
        store.faults.imaging_key_vanishes -= 1;
        imaging = None;
    }
    let user = store.user.clone();
    let drive = store.drives.get(uuid)?;
    let mut props: Props = vec![
        ("name".into(), drive.name.clone()),
        ("drive".into(), drive.uuid.clone()),
        ("size".into(), drive.size.to_string()),
        ("status".into(), "active".into()),
    ];
    if !claims.is_empty() {
        props.push(("claimed".into(), claims.join(" ")));
    }
    props.push(("claim:type".into(), drive.claim_type.clone()));
    if let Some(imaging) = imaging {
        props.push(("imaging".into(), imaging));
    }
    props.extend([
        ("read:bytes".into(), drive.read_bytes.to_string()),
        ("read:requests".into(), drive.read_requests.to_string()),
        ("write:bytes".into(), drive.write_bytes.to_string()),
        ("write:requests".into(), drive.write_requests.to_string()),
    ]);
    if !drive.readers.is_empty() {
        props.push(("readers".into(), drive.readers.join(" ")));
    }
    if !drive.tags.is_empty() {
        props.push(("tags".into(), drive.tags.join(" ")));
    }
    for (key, value) in &drive.user_meta {
        props.push((format!("user:{key}"), value.clone()));
    }
    props.push(("encryption:cipher".into(), drive.encryption_cipher.clone()));
    props.push(("user".into(), user));
    Some(props)
}

fn new_drive(store: &OpenHostingStore, fields: &Props) -> Result<Drive, ApiError> {
    let mut name = None;
    let mut size = None;
    let mut cipher = "aes-xts-plain".to_owned();
    let mut rest = Vec::new();
    for (key, value) in fields {
        match key.as_str() {
            "name" => name = Some(value.clone()),
            "size" => {
                let bytes = parse_size(value)
                    .filter(|bytes| *bytes > 0)
                    .ok_or_else(|| ApiError::usage(format!("invalid size {value:?}")))?;
                if bytes > MAX_DRIVE_SIZE {
                    return Err(ApiError::full(format!(
                        "size {bytes} exceeds the account's largest drive ({MAX_DRIVE_SIZE})"
                    )));
                }
                size = Some(bytes);
            }
            "encryption:cipher" => match value.as_str() {
                "none" | "aes-xts-plain" => cipher = value.clone(),
                _ => {
                    return Err(ApiError::usage(format!(
                        "invalid encryption:cipher {value:?}"
                    )))
                }
            },
            "avoid" => {
                for drive in value.split_whitespace() {
                    if !is_uuid(drive) {
                        return Err(ApiError::usage(format!("avoid: {drive:?} is not a drive")));
                    }
                    if !store.drives.contains_key(drive) {
                        return Err(drive_missing(drive));
                    }
                }
            }
            _ => rest.push((key.clone(), value.clone())),
        }
    }
    let name = name
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| ApiError::usage("name is required"))?;
    let size = size.ok_or_else(|| ApiError::usage("size is required"))?;
    let mut settings = DriveSettings {
        name,
        claim_type: "exclusive".to_owned(),
        readers: Vec::new(),
        tags: Vec::new(),
        user_meta: BTreeMap::new(),
    };
    settings.apply(&rest, true)?;
    let mut drive = Drive {
        uuid: new_uuid(),
        name: String::new(),
        size,
        claim_type: String::new(),
        readers: Vec::new(),
        tags: Vec::new(),
        user_meta: BTreeMap::new(),
        encryption_cipher: cipher,
        data: SparseData::default(),
        read_bytes: 0,
        read_requests: 0,
        write_bytes: 0,
        write_requests: 0,
    };
    settings.store_into(&mut drive);
    Ok(drive)
}

/// The drive keys both create and set accept.
struct DriveSettings {
    name: String,
    claim_type: String,
    readers: Vec<String>,
    tags: Vec<String>,
    user_meta: BTreeMap<String, String>,
}

impl DriveSettings {
    fn from_drive(drive: &Drive) -> Self {
        DriveSettings {
            name: drive.name.clone(),
            claim_type: drive.claim_type.clone(),
            readers: drive.readers.clone(),
            tags: drive.tags.clone(),
            user_meta: drive.user_meta.clone(),
        }
    }

    /// Applies `fields`; unknown keys are usage errors. An empty `user:KEY` removes KEY.
    fn apply(&mut self, fields: &Props, creating: bool) -> Result<(), ApiError> {
        for (key, value) in fields {
            match key.as_str() {
                "name" if value.trim().is_empty() => {
                    return Err(ApiError::usage("name must not be empty"))
                }
                "name" => self.name = value.clone(),
                "claim:type" => match value.as_str() {
                    "exclusive" | "shared" => self.claim_type = value.clone(),
                    _ => return Err(ApiError::usage(format!("invalid claim:type {value:?}"))),
                },
                "readers" => {
                    let readers: Vec<String> =
                        value.split_whitespace().map(str::to_owned).collect();
                    if let Some(bad) = readers.iter().find(|r| !is_uuid(r) && *r != ALL_USERS) {
                        return Err(ApiError::usage(format!("readers: {bad:?} is not a user")));
                    }
                    self.readers = readers;
                }
                "tags" => self.tags = value.split_whitespace().map(str::to_owned).collect(),
                _ => match key.strip_prefix("user:") {
                    Some(meta) if !meta.is_empty() => {
                        if value.is_empty() {
                            self.user_meta.remove(meta);
                        } else {
                            self.user_meta.insert(meta.to_owned(), value.clone());
                        }
                    }
                    _ if creating => return Err(ApiError::usage(format!("unknown key {key}"))),
                    _ => {
                        return Err(ApiError::usage(format!(
                            "key {key} cannot be changed with set"
                        )))
                    }
                },
            }
        }
        Ok(())
    }

    fn store_into(self, drive: &mut Drive) {
        drive.name = self.name;
        drive.claim_type = self.claim_type;
        drive.readers = self.readers;
        drive.tags = self.tags;
        drive.user_meta = self.user_meta;
    }
}
