//! HosterAPI jobs: what a job does when it ends, how its status and progress look at a
//! virtual time, the outcomes armed through the admin API, and `GET job/{jobId}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::sim::clock::VirtualSecs;
use crate::sim::hoster::render::{self, Answer, ApiError};
use crate::sim::hoster::{open, Target};
use crate::sim::store::SimState;

/// Progress at which a failing job stops, as in the document's failed-job example.
pub const FAIL_PROGRESS: f64 = 0.33;
/// Progress a job that never finishes stays at.
pub const STUCK_PROGRESS: f64 = 0.5;

/// The kinds of work that answer with a `jobId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Create,
    Reinstall,
    Install,
    Uninstall,
    /// A backup task (not a job; armed outcomes reach it only when they name this kind).
    Backup,
    /// A restore task (not a job; armed outcomes reach it only when they name this kind).
    Restore,
}

impl JobKind {
    /// Whether this is a backup/restore task rather than a job with an id.
    pub fn is_task(self) -> bool {
        matches!(self, JobKind::Backup | JobKind::Restore)
    }
}

/// What a job changes when it finishes (or fails).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum JobEffect {
    /// A new VM: running when finished, removed when failed.
    Create { vm: u64 },
    /// New template and root password when finished.
    Reinstall {
        vm: u64,
        template: String,
        password: String,
    },
    /// A package installed (`install: true`) or removed on a machine.
    Software {
        target: Target,
        package: String,
        install: bool,
    },
}

/// How a job ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "end", content = "output", rename_all = "snake_case")]
pub enum JobEnd {
    Finish,
    Fail(String),
    NeverFinish,
}

/// One job of the account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub id: u64,
    pub kind: JobKind,
    pub started: VirtualSecs,
    pub queue_secs: f64,
    pub run_secs: f64,
    pub end: JobEnd,
    pub effect: JobEffect,
    /// The `output` shown once the job has finished.
    pub output: Value,
    /// How often `GET job/{id}` has shown it, and the virtual time it first showed it ended:
    /// how late and how often a client looked (for `bench/waiting`, through `/_sim/state`).
    #[serde(default)]
    pub looks: u32,
    #[serde(default)]
    pub end_seen_at: Option<VirtualSecs>,
}

impl Job {
    /// When the job's effect happens; `None` for a job that never finishes.
    pub fn ends_at(&self) -> Option<VirtualSecs> {
        let executing_from = self.started + self.queue_secs;
        match self.end {
            JobEnd::Finish => Some(executing_from + self.run_secs),
            JobEnd::Fail(_) => Some(executing_from + FAIL_PROGRESS * self.run_secs),
            JobEnd::NeverFinish => None,
        }
    }

    /// `{"status", "progress", "output"}` as `GET job/{id}` shows it at `now`.
    pub fn view(&self, now: VirtualSecs) -> Value {
        let executing_from = self.started + self.queue_secs;
        if now < executing_from {
            return json!({ "status": "queued", "progress": 0, "output": null });
        }
        let ended = self.ends_at().is_some_and(|at| now >= at);
        match (&self.end, ended) {
            (JobEnd::Finish, true) => {
                json!({ "status": "finished", "progress": 1, "output": self.output })
            }
            (JobEnd::Fail(error), true) => {
                json!({ "status": "failed", "progress": FAIL_PROGRESS, "output": error })
            }
            _ => {
                let share = if self.run_secs > 0.0 {
                    (now - executing_from) / self.run_secs
                } else {
                    1.0
                };
                let cap = if self.end == JobEnd::NeverFinish {
                    STUCK_PROGRESS
                } else {
                    0.99
                };
                let progress = (share.clamp(0.0, cap) * 100.0).floor() / 100.0;
                json!({ "status": "executing", "progress": progress, "output": null })
            }
        }
    }
}

/// What an armed outcome does to a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArmedEnd {
    Fail,
    NeverFinish,
}

/// An outcome armed for the next `count` jobs (of `kind`, or any kind).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmedJob {
    pub outcome: ArmedEnd,
    #[serde(default)]
    pub kind: Option<JobKind>,
    #[serde(default = "one")]
    pub count: u32,
    /// The failed job's output; defaults to the document's limits error.
    #[serde(default)]
    pub output: Option<String>,
}

fn one() -> u32 {
    1
}

/// The output of a job that fails without a more specific reason.
pub const DEFAULT_FAILURE: &str = "0xb0: Requested resources exceed administrative limits";

/// Uses up one count of the first armed outcome for `kind` and returns how the job ends.
pub fn take_armed(armed: &mut Vec<ArmedJob>, kind: JobKind) -> Option<JobEnd> {
    let index = armed.iter().position(|entry| {
        entry.count > 0
            && match entry.kind {
                Some(wanted) => wanted == kind,
                None => !kind.is_task(),
            }
    })?;
    let entry = &mut armed[index];
    entry.count -= 1;
    let end = match entry.outcome {
        ArmedEnd::Fail => JobEnd::Fail(
            entry
                .output
                .clone()
                .unwrap_or_else(|| DEFAULT_FAILURE.to_owned()),
        ),
        ArmedEnd::NeverFinish => JobEnd::NeverFinish,
    };
    if entry.count == 0 {
        armed.remove(index);
    }
    Some(end)
}

/// `GET job/{jobId}`.
pub async fn show(State(state): State<SimState>, Path(raw): Path<String>) -> Answer {
    let (mut store, now) = open(&state);
    let job = raw
        .parse::<u64>()
        .ok()
        .and_then(|id| store.jobs.get_mut(&id))
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "0xc1: job not found"))?;
    job.looks += 1;
    if job.end_seen_at.is_none() && job.ends_at().is_some_and(|at| now >= at) {
        job.end_seen_at = Some(now);
    }
    render::ok(job.view(now))
}
