//! HostHatch SSH key endpoints: list, show (optionally in the document's odd shape), create,
//! delete.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::sim::hosthatch::model::SshKey;
use crate::sim::hosthatch::validate::{self, Checker};
use crate::sim::hosthatch::wire::{KeyBody, KeyList, OddKeyBody, OneKey};
use crate::sim::hosthatch::{parse_id, render};
use crate::sim::store::{lock, SimState};

/// The only key type the vendor documents.
const KEY_TYPE: &str = "sshkey";

fn to_wire(key: &SshKey) -> KeyBody {
    KeyBody {
        id: key.id,
        kind: key.kind.clone(),
        description: key.description.clone(),
        value: key.value.clone(),
    }
}

/// `GET /keys`.
pub async fn list(State(state): State<SimState>) -> Response {
    let mut store = lock(&state.hosthatch);
    let ids: Vec<u64> = store.keys.keys().copied().collect();
    let hidden = store.list_flaps.hide(ids);
    let keys = store
        .keys
        .values()
        .filter(|key| !hidden.contains(&key.id.to_string()))
        .map(to_wire)
        .collect();
    render::success(
        StatusCode::OK,
        KeyList { keys },
        store.quirks.malformed_json,
    )
}

/// `GET /keys/{id}`.
pub async fn show(State(state): State<SimState>, Path(id): Path<String>) -> Response {
    let store = lock(&state.hosthatch);
    let Some(key) = parse_id(&id).and_then(|id| store.keys.get(&id)) else {
        return render::key_not_found();
    };
    let malformed = store.quirks.malformed_json;
    if store.quirks.odd_key_shape {
        let key = OddKeyBody {
            id: key.id,
            kind: key.kind.clone(),
            state: key.description.clone(),
            created: key.value.clone(),
        };
        render::success(StatusCode::OK, OneKey { key }, malformed)
    } else {
        render::success(StatusCode::OK, OneKey { key: to_wire(key) }, malformed)
    }
}

/// `POST /keys`: 200 with the stored key.
pub async fn create(State(state): State<SimState>, body: Bytes) -> Response {
    let fields = match validate::parse_object(&body) {
        Ok(fields) => fields,
        Err(bad) => return bad.into_response(),
    };
    let mut check = Checker::new(&fields);
    let description = check.required_string("description");
    let kind = check.required_string("type").and_then(|kind| {
        if kind == KEY_TYPE {
            Some(kind)
        } else {
            check.fail("The selected type is invalid.".into())
        }
    });
    let value = check.required_string("value").and_then(|value| {
        let value = value.trim();
        if value.starts_with("ssh-") || value.starts_with("ecdsa-") {
            Some(value)
        } else {
            check.fail("The value must be a valid SSH public key.".into())
        }
    });
    let (Some(description), Some(kind), Some(value)) = (description, kind, value) else {
        return render::validation_failed(&check.errors);
    };
    let mut store = lock(&state.hosthatch);
    let key = store.add_key(kind.to_owned(), description.to_owned(), value.to_owned());
    render::success(
        StatusCode::OK,
        OneKey { key: to_wire(&key) },
        store.quirks.malformed_json,
    )
}

/// `DELETE /keys/{id}`: `data: null`.
pub async fn delete(State(state): State<SimState>, Path(id): Path<String>) -> Response {
    let mut store = lock(&state.hosthatch);
    match parse_id(&id).and_then(|id| store.keys.remove(&id)) {
        Some(_) => render::success(StatusCode::OK, (), store.quirks.malformed_json),
        None => render::key_not_found(),
    }
}
