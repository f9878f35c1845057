//! `--state-file`: saves every vendor's objects and the virtual time to a JSON file
//! (`{"version": 1, ...}`) after each changing request and at shutdown, and loads them back
//! at start. Faults and request counters are not saved.

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::sim::clock::{Clock, VirtualSecs};
use crate::sim::hoster::model::HosterStore;
use crate::sim::hosthatch::model::HostHatchStore;
use crate::sim::openhosting::model::OpenHostingStore;
use crate::sim::store::{lock, SimConfig, SimInner, SimState, VendorStores};
use crate::sim::terrahost::model::TerrahostStore;
use crate::sim::terrahost::Vendor;

/// The state file format this simulator writes and reads.
pub const FORMAT_VERSION: u64 = 1;

/// Why a state file could not be loaded or saved; the message names the file.
#[derive(Debug, thiserror::Error)]
#[error("state file {}: {problem}", path.display())]
pub struct StateFileError {
    pub path: PathBuf,
    pub problem: String,
}

impl StateFileError {
    fn new(path: &Path, problem: impl std::fmt::Display) -> Self {
        StateFileError {
            path: path.to_owned(),
            problem: problem.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedState {
    #[allow(dead_code)]
    version: u64,
    virtual_now: VirtualSecs,
    unix_secs_at_start: u64,
    hosthatch: HostHatchStore,
    hoster: HosterStore,
    openhosting: OpenHostingStore,
    terrahost: TerrahostStore,
    gigahost: TerrahostStore,
}

/// The simulator for `config`: restored from `config.state_file` when that file exists,
/// fresh otherwise. An unreadable or malformed file is an error, never an empty start.
pub fn open(config: SimConfig) -> Result<SimState, StateFileError> {
    let Some(path) = config.state_file.clone() else {
        return Ok(SimInner::new_state(config));
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(SimInner::new_state(config));
        }
        Err(error) => return Err(StateFileError::new(&path, format!("cannot read: {error}"))),
    };
    let saved = parse(&bytes).map_err(|problem| StateFileError::new(&path, problem))?;
    let clock = Clock::resumed(
        config.time_scale,
        saved.virtual_now,
        saved.unix_secs_at_start,
    );
    let mut stores = VendorStores {
        hosthatch: saved.hosthatch,
        hoster: saved.hoster,
        openhosting: saved.openhosting,
        terrahost: saved.terrahost,
        gigahost: saved.gigahost,
    };
    stores.terrahost.domain = Vendor::Terrahost.domain();
    stores.gigahost.domain = Vendor::Gigahost.domain();
    Ok(SimInner::with_stores(config, clock, stores))
}

fn parse(bytes: &[u8]) -> Result<SavedState, String> {
    let document: Value = serde_json::from_slice(bytes)
        .map_err(|error| format!("not valid JSON ({error}); is it a hostform-sim state file?"))?;
    match document.get("version").and_then(Value::as_u64) {
        Some(FORMAT_VERSION) => {}
        Some(other) => {
            return Err(format!(
                "format version {other} is not supported (this simulator reads version \
                 {FORMAT_VERSION})"
            ))
        }
        None => return Err("no \"version\" number; is it a hostform-sim state file?".into()),
    }
    serde_json::from_value(document).map_err(|error| format!("does not fit the format: {error}"))
}

/// The whole state as the JSON document a state file holds.
pub fn to_document(state: &SimInner) -> serde_json::Result<Value> {
    Ok(json!({
        "version": FORMAT_VERSION,
        "virtual_now": state.clock.now(),
        "unix_secs_at_start": state.clock.unix_secs_at_start(),
        "hosthatch": serde_json::to_value(&*lock(&state.hosthatch))?,
        "hoster": serde_json::to_value(&*lock(&state.hoster))?,
        "openhosting": serde_json::to_value(&*lock(&state.openhosting))?,
        "terrahost": serde_json::to_value(&*lock(&state.terrahost))?,
        "gigahost": serde_json::to_value(&*lock(&state.gigahost))?,
    }))
}

/// Writes the state to `state.state_file` (if set) through a temporary file in the same
/// directory, renamed over the old file so a crash never leaves half a file.
pub fn save(state: &SimInner) -> Result<(), StateFileError> {
    let Some(path) = state.state_file.as_deref() else {
        return Ok(());
    };
    let _one_save_at_a_time = lock(&state.save_lock);
    let document = to_document(state).map_err(|error| StateFileError::new(path, error))?;
    let bytes = serde_json::to_vec(&document).map_err(|error| StateFileError::new(path, error))?;
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::NamedTempFile::new_in(directory).map_err(|error| {
        StateFileError::new(path, format!("cannot create a temp file: {error}"))
    })?;
    temporary
        .write_all(&bytes)
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|error| StateFileError::new(path, format!("cannot write: {error}")))?;
    temporary
        .persist(path)
        .map_err(|error| StateFileError::new(path, format!("cannot replace: {}", error.error)))?;
    Ok(())
}

/// Middleware: saves the state after every request that may have changed it (all but GET
/// and HEAD). A failed save is logged to stderr; the answer is sent regardless.
pub async fn save_after_change(
    State(state): State<SimState>,
    request: Request,
    next: Next,
) -> Response {
    let changing = !matches!(*request.method(), Method::GET | Method::HEAD);
    let response = next.run(request).await;
    if changing && state.state_file.is_some() {
        let saving = state.clone();
        match tokio::task::spawn_blocking(move || save(&saving)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!("hostform-sim: {error}"),
            Err(error) => eprintln!("hostform-sim: saving the state failed: {error}"),
        }
    }
    response
}
