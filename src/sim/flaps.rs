//! Flapping lists: a live object left out of its vendor's list answers for the next N list
//! reads (single-object reads still find it), as eventually consistent list endpoints do.
//! Armed with `POST /_sim/list_flaps/{vendor}` and a body `{"<id>": N, ...}`.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::sim::admin::{admin_error, ok, parse_body};
use crate::sim::store::{lock, SimState};

/// Object id -> list reads it is still left out of.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ListFlaps(BTreeMap<String, u32>);

impl ListFlaps {
    /// Counts one list read that would include `id`; true while it is still left out.
    pub fn hidden_now(&mut self, id: &str) -> bool {
        match self.0.get_mut(id) {
            Some(reads) if *reads > 0 => {
                *reads -= 1;
                true
            }
            _ => false,
        }
    }

    /// The ids of `ids` that this list answer leaves out (each counts one read).
    pub fn hide<I: ToString>(&mut self, ids: impl IntoIterator<Item = I>) -> Vec<String> {
        ids.into_iter()
            .map(|id| id.to_string())
            .filter(|id| self.hidden_now(id))
            .collect()
    }
}

/// `POST /_sim/list_flaps/{vendor}` for `hosthatch`, `hoster` or `openhosting`.
pub async fn arm(
    State(state): State<SimState>,
    Path(vendor): Path<String>,
    body: Bytes,
) -> Response {
    let armed = match parse_body::<BTreeMap<String, u32>>(&body) {
        Ok(armed) => armed,
        Err(bad) => return bad.into_response(),
    };
    let add = |flaps: &mut ListFlaps| flaps.0.extend(armed.clone());
    match vendor.as_str() {
        "hosthatch" => add(&mut lock(&state.hosthatch).list_flaps),
        "hoster" => add(&mut lock(&state.hoster).list_flaps),
        "openhosting" => add(&mut lock(&state.openhosting).list_flaps),
        _ => {
            return admin_error(
                StatusCode::NOT_FOUND,
                "list flaps: hosthatch, hoster or openhosting",
            )
        }
    }
    ok()
}
