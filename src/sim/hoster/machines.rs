//! The machines HosterAPI manages: VMs (with backups and their latest backup/restore task)
//! and owned dedicated servers, with the fields only the simulator shows.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::sim::clock::VirtualSecs;
use crate::sim::hoster::jobs::{JobEnd, FAIL_PROGRESS, STUCK_PROGRESS};

/// The resources a VM has (and a backup remembers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VmShape {
    pub template: String,
    pub cpu_cores: i64,
    pub mem: i64,
    pub disk_gb: u32,
}

/// A backup and the shape it restores.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Backup {
    pub timestamp: u64,
    pub shape: VmShape,
}

/// The latest backup or restore task of a VM.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    /// The backup being restored; `None` for a backup.
    pub restore: Option<u64>,
    pub started: VirtualSecs,
    pub queue_secs: f64,
    pub run_secs: f64,
    pub end: JobEnd,
}

impl Task {
    /// When the task finishes or fails; `None` when it never ends.
    pub fn ends_at(&self) -> Option<VirtualSecs> {
        let running_from = self.started + self.queue_secs;
        match self.end {
            JobEnd::Finish => Some(running_from + self.run_secs),
            JobEnd::Fail(_) => Some(running_from + FAIL_PROGRESS * self.run_secs),
            JobEnd::NeverFinish => None,
        }
    }

    /// Whether the task is still pending or running at `now`.
    pub fn running(&self, now: VirtualSecs) -> bool {
        self.ends_at().is_none_or(|at| now < at)
    }

    /// `{"status", "progress"}` at `now`.
    pub fn view(&self, now: VirtualSecs) -> Value {
        let running_from = self.started + self.queue_secs;
        if now < running_from {
            return json!({ "status": "pending", "progress": 0 });
        }
        match (&self.end, self.running(now)) {
            (JobEnd::Finish, false) => json!({ "status": "finished", "progress": 1 }),
            (JobEnd::Fail(_), false) => json!({ "status": "failed", "progress": FAIL_PROGRESS }),
            _ => {
                let cap = if self.end == JobEnd::NeverFinish {
                    STUCK_PROGRESS
                } else {
                    0.99
                };
                let share = (now - running_from) / self.run_secs.max(f64::EPSILON);
                let progress = (share.clamp(0.0, cap) * 100.0).floor() / 100.0;
                json!({ "status": "running", "progress": progress })
            }
        }
    }
}

/// A VM and everything the API (or only the simulator) knows about it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vm {
    pub id: u64,
    pub shape: VmShape,
    pub ipv4: Vec<String>,
    pub ipv6: String,
    pub password: String,
    pub running: bool,
    pub running_since: VirtualSecs,
    /// Bumped by every power action so older planned power changes are dropped.
    pub power_serial: u64,
    /// The create or reinstall job the VM is busy with.
    pub busy_job: Option<u64>,
    pub rdns: BTreeMap<String, String>,
    pub software: BTreeSet<String>,
    pub backups: Vec<Backup>,
    pub task: Option<Task>,
    pub incidents: Vec<Value>,
    pub ignored_ip_decreases: u32,
}

impl Vm {
    /// IPv4 addresses first, then the IPv6 address.
    pub fn ips(&self) -> Vec<String> {
        let mut ips = self.ipv4.clone();
        ips.push(self.ipv6.clone());
        ips
    }

    pub fn task_running(&self, now: VirtualSecs) -> bool {
        self.task.as_ref().is_some_and(|task| task.running(now))
    }
}

/// An owned dedicated server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dedicated {
    pub id: u64,
    /// Distinguishes this order from earlier orders of the same machine.
    pub order_serial: u64,
    pub order_complete: bool,
    pub hostname: Option<String>,
    pub template: String,
    pub ips: Vec<String>,
    pub root_password: String,
    pub user_password: String,
    pub running: bool,
    pub power_serial: u64,
    pub reinstalling: bool,
    pub software: BTreeSet<String>,
}

pub fn finish_task(vm: &mut Vm, started: VirtualSecs, unix: u64) {
    let Some(task) = vm
        .task
        .clone()
        .filter(|task| task.started == started && task.end == JobEnd::Finish)
    else {
        return;
    };
    match task.restore {
        Some(timestamp) => {
            if let Some(backup) = vm.backups.iter().find(|b| b.timestamp == timestamp) {
                vm.shape = backup.shape.clone();
            }
        }
        None => {
            let newest = vm.backups.first().map_or(0, |backup| backup.timestamp);
            vm.backups.insert(
                0,
                Backup {
                    timestamp: unix.max(newest + 1),
                    shape: vm.shape.clone(),
                },
            );
            vm.backups.truncate(MAX_BACKUPS);
        }
    }
}

/// Backups kept per VM; the oldest goes when a new one is made.
pub const MAX_BACKUPS: usize = 3;
