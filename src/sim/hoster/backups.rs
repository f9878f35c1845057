//! HosterAPI VM backups: list (unix timestamps, newest first), status of the latest task,
//! create (a task) and restore.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::json;

use crate::sim::hoster::body::Fields;
use crate::sim::hoster::jobs::{self, JobEnd, JobKind};
use crate::sim::hoster::model::{Effect, Task};
use crate::sim::hoster::open;
use crate::sim::hoster::render::{self, Answer, ApiError};
use crate::sim::hoster::vms::{busy, find, find_mut};
use crate::sim::store::SimState;

/// `GET datacenter/server/{sid}/backups/list`.
pub async fn list(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    let (mut store, _) = open(&state);
    let vm = find(&store, &sid)?;
    let stamps: Vec<u64> = vm.backups.iter().map(|backup| backup.timestamp).collect();
    let hidden = store.list_flaps.hide(&stamps);
    let listed: Vec<u64> = stamps
        .into_iter()
        .filter(|stamp| !hidden.contains(&stamp.to_string()))
        .collect();
    render::ok(listed)
}

/// `GET datacenter/server/{sid}/backups/status`: the latest backup or restore task.
pub async fn status(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    let (store, now) = open(&state);
    let vm = find(&store, &sid)?;
    match &vm.task {
        Some(task) => render::ok(task.view(now)),
        None => render::ok(json!({ "status": "none", "progress": 0 })),
    }
}

/// `PUT datacenter/server/{sid}/backups/create`: answers `true`, the backup appears later.
pub async fn create(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    start_task(&state, &sid, None)
}

/// `POST datacenter/server/{sid}/backups/restore` `{backup}`: answers `"pending"`.
pub async fn restore(
    State(state): State<SimState>,
    Path(sid): Path<String>,
    body: Bytes,
) -> Answer {
    let fields = Fields::parse(&body)?;
    let backup = fields
        .int("backup")?
        .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "0xa5: no target backup defined"))?;
    let timestamp = u64::try_from(backup).unwrap_or(0);
    {
        let (store, _) = open(&state);
        let vm = find(&store, &sid)?;
        if !vm.backups.iter().any(|b| b.timestamp == timestamp) {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                format!("0x02: no backup {backup} found"),
            ));
        }
    }
    start_task(&state, &sid, Some(timestamp))
}

fn start_task(state: &SimState, sid: &str, restore: Option<u64>) -> Answer {
    let (mut store, now) = open(state);
    let settings = store.settings;
    let vm = find_mut(&mut store, sid)?;
    if busy(vm, now) {
        return Err(match restore {
            Some(_) => ApiError::signal_failed("restore"),
            None => ApiError::timeout(),
        });
    }
    let id = vm.id;
    let kind = match restore {
        Some(_) => JobKind::Restore,
        None => JobKind::Backup,
    };
    let end = jobs::take_armed(&mut store.armed_jobs, kind).unwrap_or(JobEnd::Finish);
    let task = Task {
        restore,
        started: now,
        queue_secs: settings.queue_secs,
        run_secs: settings.backup_secs,
        end,
    };
    let finishes_at = (task.end == JobEnd::Finish)
        .then(|| task.ends_at())
        .flatten();
    if let Some(vm) = store.vms.get_mut(&id) {
        vm.task = Some(task);
    }
    if let Some(at) = finishes_at {
        let effect = Effect::TaskDone {
            vm: id,
            started: now,
        };
        store.plan(at, effect);
    }
    match restore {
        Some(_) => render::ok("pending"),
        None => render::ok(true),
    }
}
