//! HosterAPI's section of the simulator store: VMs, jobs, owned dedicated servers, timing
//! settings, armed outcomes, and the timed effects applied lazily by [`HosterStore::settle`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sim::clock::VirtualSecs;
use crate::sim::hoster::jobs::{self, ArmedJob, Job, JobEffect, JobEnd, JobKind};
use crate::sim::hoster::machines::finish_task;
pub use crate::sim::hoster::machines::{Backup, Dedicated, Task, Vm, VmShape, MAX_BACKUPS};

const FIRST_VM_ID: u64 = 4001;

/// Virtual-second durations tests can change through `/_sim/hoster/settings`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Settings {
    pub job_secs: f64,
    pub queue_secs: f64,
    pub power_secs: f64,
    pub order_secs: f64,
    pub backup_secs: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            job_secs: 20.0,
            queue_secs: 1.0,
            power_secs: 5.0,
            order_secs: 60.0,
            backup_secs: 10.0,
        }
    }
}

/// What happens to the next dedicated order (armed through the admin API, used once).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderOutcome {
    #[default]
    Complete,
    NeverComplete,
    Vanish,
}

/// A VM or a dedicated server, as software jobs address them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Target {
    Vm(u64),
    Dedicated(u64),
}

/// A change planned for a virtual time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Effect {
    JobEnds(u64),
    VmPower { vm: u64, serial: u64, running: bool },
    TaskDone { vm: u64, started: VirtualSecs },
    OrderComplete { id: u64, serial: u64 },
    OrderVanishes { id: u64, serial: u64 },
    DedicatedPower { id: u64, serial: u64, running: bool },
    DedicatedReinstalled { id: u64, serial: u64 },
}

/// Everything HosterAPI holds; `Default` is the empty account after a reset.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct HosterStore {
    /// VMs and dedicated servers left out of list answers for a few reads.
    #[serde(default)]
    pub list_flaps: crate::sim::flaps::ListFlaps,
    pub settings: Settings,
    pub vms: BTreeMap<u64, Vm>,
    pub jobs: BTreeMap<u64, Job>,
    pub dedicated: BTreeMap<u64, Dedicated>,
    pub armed_jobs: Vec<ArmedJob>,
    pub next_order: OrderOutcome,
    pub quirks: crate::sim::hoster::quirks::Quirks,
    /// Unix seconds at virtual time 0 (backup timestamps are unix times).
    pub unix_base: u64,
    planned: Vec<(VirtualSecs, Effect)>,
    vms_created: u64,
    jobs_created: u64,
    orders_placed: u64,
    ipv4_handed_out: u32,
    /// Not saved with the state: it comes from the built-in defaults and `--fixtures`.
    #[serde(skip)]
    pub catalogue: crate::sim::hoster::catalogue::Catalogue,
}

impl HosterStore {
    /// Plans `effect` for virtual time `at`.
    pub fn plan(&mut self, at: VirtualSecs, effect: Effect) {
        let index = self.planned.partition_point(|(when, _)| *when <= at);
        self.planned.insert(index, (at, effect));
    }

    /// Applies every planned effect due at `now`, oldest first.
    pub fn settle(&mut self, now: VirtualSecs) {
        while self.planned.first().is_some_and(|(when, _)| *when <= now) {
            let (when, effect) = self.planned.remove(0);
            self.apply(when, effect);
        }
    }

    fn apply(&mut self, when: VirtualSecs, effect: Effect) {
        match effect {
            Effect::JobEnds(id) => self.end_job(id, when),
            Effect::VmPower {
                vm,
                serial,
                running,
            } => {
                if let Some(vm) = self.vms.get_mut(&vm).filter(|vm| vm.power_serial == serial) {
                    if running && !vm.running {
                        vm.running_since = when;
                    }
                    vm.running = running;
                }
            }
            Effect::TaskDone { vm, started } => {
                let unix = self.unix_base + when.max(0.0) as u64;
                if let Some(vm) = self.vms.get_mut(&vm) {
                    finish_task(vm, started, unix);
                }
            }
            Effect::OrderComplete { id, serial } => {
                if let Some(server) = self.owned_order(id, serial) {
                    server.order_complete = true;
                    server.running = true;
                }
            }
            Effect::OrderVanishes { id, serial } => {
                if self.owned_order(id, serial).is_some() {
                    self.dedicated.remove(&id);
                }
            }
            Effect::DedicatedPower {
                id,
                serial,
                running,
            } => {
                if let Some(server) = self.dedicated.get_mut(&id) {
                    if server.power_serial == serial {
                        server.running = running;
                    }
                }
            }
            Effect::DedicatedReinstalled { id, serial } => {
                if let Some(server) = self.owned_order(id, serial) {
                    server.reinstalling = false;
                    server.running = true;
                }
            }
        }
    }

    fn owned_order(&mut self, id: u64, serial: u64) -> Option<&mut Dedicated> {
        self.dedicated
            .get_mut(&id)
            .filter(|server| server.order_serial == serial)
    }

    fn end_job(&mut self, id: u64, when: VirtualSecs) {
        let Some(job) = self.jobs.get(&id) else {
            return;
        };
        let failed = matches!(job.end, JobEnd::Fail(_));
        match job.effect.clone() {
            JobEffect::Create { vm } if failed => {
                self.vms.remove(&vm);
            }
            JobEffect::Create { vm } => {
                if let Some(vm) = self.vms.get_mut(&vm) {
                    vm.busy_job = None;
                    vm.running = true;
                    vm.running_since = when;
                }
            }
            JobEffect::Reinstall {
                vm,
                template,
                password,
            } => {
                if let Some(vm) = self.vms.get_mut(&vm) {
                    vm.busy_job = None;
                    if !failed {
                        vm.shape.template = template;
                        vm.password = password;
                        vm.software.clear();
                        vm.running = true;
                        vm.running_since = when;
                    }
                }
            }
            JobEffect::Software { .. } if failed => {}
            JobEffect::Software {
                target,
                package,
                install,
            } => {
                let software = match target {
                    Target::Vm(id) => self.vms.get_mut(&id).map(|vm| &mut vm.software),
                    Target::Dedicated(id) => self
                        .dedicated
                        .get_mut(&id)
                        .map(|server| &mut server.software),
                };
                if let Some(software) = software {
                    if install {
                        software.insert(package);
                    } else {
                        software.remove(&package);
                    }
                }
            }
        }
    }

    /// Records a job of `kind` and plans its end; `failure` makes it fail whatever is armed.
    pub fn new_job(
        &mut self,
        kind: JobKind,
        effect: JobEffect,
        output: Value,
        failure: Option<String>,
        now: VirtualSecs,
    ) -> u64 {
        self.jobs_created += 1;
        let id = self.jobs_created;
        let end = match failure {
            Some(error) => JobEnd::Fail(error),
            None => jobs::take_armed(&mut self.armed_jobs, kind).unwrap_or(JobEnd::Finish),
        };
        let job = Job {
            id,
            kind,
            started: now,
            queue_secs: self.settings.queue_secs,
            run_secs: self.settings.job_secs,
            end,
            effect,
            output,
            looks: 0,
            end_seen_at: None,
        };
        if let Some(at) = job.ends_at() {
            self.plan(at, Effect::JobEnds(id));
        }
        self.jobs.insert(id, job);
        id
    }

    /// The next VM id.
    pub fn next_vm_id(&mut self) -> u64 {
        self.vms_created += 1;
        FIRST_VM_ID + self.vms_created - 1
    }

    /// The next order serial.
    pub fn next_order_serial(&mut self) -> u64 {
        self.orders_placed += 1;
        self.orders_placed
    }

    /// A fresh documentation-range IPv4 address (never reused).
    pub fn next_ipv4(&mut self) -> String {
        let index = self.ipv4_handed_out;
        self.ipv4_handed_out += 1;
        match index {
            0..=253 => format!("203.0.113.{}", index + 1),
            254..=507 => format!("198.51.100.{}", index - 253),
            _ => {
                let rest = index - 508;
                format!(
                    "100.{}.{}.{}",
                    64 + rest / 65_536,
                    (rest / 256) % 256,
                    rest % 256
                )
            }
        }
    }

    /// The VM or dedicated server that `sid|ip` names: an id or one of its addresses.
    pub fn find_target(&self, named: &str) -> Option<Target> {
        if let Ok(id) = named.parse::<u64>() {
            if self.vms.contains_key(&id) {
                return Some(Target::Vm(id));
            }
            return self
                .dedicated
                .get(&id)
                .filter(|server| server.order_complete)
                .map(|server| Target::Dedicated(server.id));
        }
        let vm = self
            .vms
            .values()
            .find(|vm| vm.ips().iter().any(|ip| ip == named))
            .map(|vm| Target::Vm(vm.id));
        vm.or_else(|| {
            self.dedicated
                .values()
                .filter(|server| server.order_complete)
                .find(|server| server.ips.iter().any(|ip| ip == named))
                .map(|server| Target::Dedicated(server.id))
        })
    }
}

/// A random password of letters and digits.
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    (0..12)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect()
}
