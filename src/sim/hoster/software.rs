//! HosterAPI software packages: the list, and install/uninstall jobs addressed by the literal
//! `sid|ip` key, which log in over SSH with the given root password and port.

use axum::body::Bytes;
use axum::extract::State;
use serde_json::json;

use crate::sim::hoster::body::Fields;
use crate::sim::hoster::jobs::{JobEffect, JobKind};
use crate::sim::hoster::model::{HosterStore, Target};
use crate::sim::hoster::open;
use crate::sim::hoster::render::{self, Answer, ApiError};
use crate::sim::store::{lock, SimState};

/// The SSH port every simulated machine listens on.
pub const SSH_PORT: i64 = 22;

/// `GET software/list`: package names.
pub async fn list(State(state): State<SimState>) -> Answer {
    render::ok(lock(&state.hoster).catalogue.software.clone())
}

/// `POST software/install`.
pub async fn install(State(state): State<SimState>, body: Bytes) -> Answer {
    software_job(&state, &body, true)
}

/// `POST software/uninstall`.
pub async fn uninstall(State(state): State<SimState>, body: Bytes) -> Answer {
    software_job(&state, &body, false)
}

fn software_job(state: &SimState, body: &Bytes, install: bool) -> Answer {
    let fields = Fields::parse(body)?;
    let named = fields.required_text("sid|ip")?;
    let package = fields.required_string("package")?.to_owned();
    let password = fields.required_string("password")?.to_owned();
    let port = fields.int("port")?.unwrap_or(SSH_PORT);
    if !lock(&state.hoster).catalogue.has_package(&package) {
        return Err(ApiError::unknown("package", &package));
    }
    let (mut store, now) = open(state);
    let target = store
        .find_target(&named)
        .ok_or_else(|| ApiError::no_vm(&named))?;
    let failure = ssh_failure(&store, target, &password, port);
    let vmid = match target {
        Target::Vm(id) | Target::Dedicated(id) => id,
    };
    let output = json!({ "vmid": vmid, "package": package, "installed": install });
    let (kind, effect) = (
        if install {
            JobKind::Install
        } else {
            JobKind::Uninstall
        },
        JobEffect::Software {
            target,
            package,
            install,
        },
    );
    let job = store.new_job(kind, effect, output, failure, now);
    render::ok(json!({ "status": "queued", "jobId": job, "progress": 0 }))
}

/// Why logging in to `target` would fail, as the job's output.
fn ssh_failure(store: &HosterStore, target: Target, password: &str, port: i64) -> Option<String> {
    let (running, root_password) = match target {
        Target::Vm(id) => store
            .vms
            .get(&id)
            .map(|vm| (vm.running && vm.busy_job.is_none(), vm.password.as_str()))?,
        Target::Dedicated(id) => store
            .dedicated
            .get(&id)
            .map(|server| (server.running, server.root_password.as_str()))?,
    };
    if !running || port != SSH_PORT {
        Some("0xd2: ssh connection refused".to_owned())
    } else if password != root_password {
        Some("0xd1: ssh authentication failed".to_owned())
    } else {
        None
    }
}
