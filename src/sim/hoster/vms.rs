//! HosterAPI VM endpoints: templates, create (a job), list, config, status, change, delete,
//! power actions and reinstall (a job).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::json;

use crate::sim::clock::VirtualSecs;
use crate::sim::hoster::body::{disk_gb, path_id, Fields};
use crate::sim::hoster::catalogue::{Limits, CPU_CORES, DISK_GB, IP_COUNT, MEM_MB};
use crate::sim::hoster::jobs::{JobEffect, JobKind, DEFAULT_FAILURE};
use crate::sim::hoster::model::{new_password, Effect, HosterStore, Vm, VmShape};
use crate::sim::hoster::open;
use crate::sim::hoster::render::{self, Answer, ApiError};
use crate::sim::store::{lock, SimState};

/// `GET datacenter/templates`.
pub async fn templates(State(state): State<SimState>) -> Answer {
    render::ok(lock(&state.hoster).catalogue.vm_templates.clone())
}

/// `GET datacenter/server`: VM ids.
pub async fn list(State(state): State<SimState>) -> Answer {
    let (mut store, _) = open(&state);
    let ids: Vec<u64> = store.vms.keys().copied().collect();
    let hidden = store.list_flaps.hide(&ids);
    let listed: Vec<&u64> = ids
        .iter()
        .filter(|id| !hidden.contains(&id.to_string()))
        .collect();
    render::ok(listed)
}

/// `POST datacenter/server`: the VM exists at once (stopped); the job reveals its id.
pub async fn create(State(state): State<SimState>, body: Bytes) -> Answer {
    let fields = Fields::parse(&body)?;
    let template = fields.required_string("template")?;
    let cpu_cores = fields.required_int("cpuCores")?;
    let mem = fields.required_int("mem")?;
    let disk = fields.required_string("disk")?;
    let ip_count = fields.required_int("ipCount")?;
    if !lock(&state.hoster).catalogue.has_vm_template(template) {
        return Err(ApiError::unknown("template", template));
    }
    let disk_gb = disk_gb(disk).ok_or_else(|| ApiError::invalid("disk"))?;
    let mut too_big = false;
    for (name, value, limits) in [
        ("cpuCores", cpu_cores, &CPU_CORES),
        ("mem", mem, &MEM_MB),
        ("disk", i64::from(disk_gb), &DISK_GB),
        ("ipCount", ip_count, &IP_COUNT),
    ] {
        too_big |= check_limits(name, value, limits)?;
    }
    let (mut store, now) = open(&state);
    let id = store.next_vm_id();
    // A job that will fail for exceeding the limits gets no more addresses than the limit.
    let ipv4: Vec<String> = (0..ip_count.min(IP_COUNT.max))
        .map(|_| store.next_ipv4())
        .collect();
    let vm = Vm {
        id,
        shape: VmShape {
            template: template.to_owned(),
            cpu_cores,
            mem,
            disk_gb,
        },
        ipv6: format!("2001:db8::{id:x}"),
        ipv4,
        password: new_password(),
        running: false,
        running_since: now,
        power_serial: 0,
        busy_job: None,
        rdns: Default::default(),
        software: Default::default(),
        backups: Vec::new(),
        task: None,
        incidents: Vec::new(),
        ignored_ip_decreases: 0,
    };
    let output = json!({ "vmid": id, "ips": vm.ipv4, "user": "root", "password": vm.password });
    store.vms.insert(id, vm);
    let failure = too_big.then(|| DEFAULT_FAILURE.to_owned());
    let job = store.new_job(
        JobKind::Create,
        JobEffect::Create { vm: id },
        output,
        failure,
        now,
    );
    if let Some(vm) = store.vms.get_mut(&id) {
        vm.busy_job = Some(job);
    }
    render::ok(json!({ "status": "queued", "jobId": job, "progress": 0 }))
}

/// Whether `value` is above the limits; an error when below them.
fn check_limits(name: &str, value: i64, limits: &Limits) -> Result<bool, ApiError> {
    if value < limits.min {
        return Err(ApiError::invalid(name));
    }
    Ok(value > limits.max)
}

/// `GET datacenter/server/{sid}/config`.
pub async fn config(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    let (store, _) = open(&state);
    let vm = find(&store, &sid)?;
    render::ok(json!({
        "cpuCores": vm.shape.cpu_cores,
        "mem": vm.shape.mem,
        "disk": format!("{}G", vm.shape.disk_gb),
        "ips": vm.ips(),
        "template": vm.shape.template,
    }))
}

/// `GET datacenter/server/{sid}/status`.
pub async fn status(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    let (store, now) = open(&state);
    let vm = find(&store, &sid)?;
    if !vm.running {
        return render::ok(json!({
            "cpu": 0, "mem": 0, "memfree": 0, "netin": 0, "netout": 0, "uptime": 0,
            "state": "stopped",
        }));
    }
    let uptime = (now - vm.running_since).max(0.0) as u64;
    let total = u64::try_from(vm.shape.mem).unwrap_or(0) * 1024 * 1024;
    let used = total / 4 + (uptime * 4096).min(total / 4);
    render::ok(json!({
        "cpu": 0.02,
        "mem": used,
        "memfree": total - used,
        "netin": uptime * 45,
        "netout": uptime * 41,
        "uptime": uptime,
        "state": "running",
    }))
}

/// `PUT datacenter/server/{sid}/change`: applies at once; an `ipCount` decrease is ignored.
pub async fn change(State(state): State<SimState>, Path(sid): Path<String>, body: Bytes) -> Answer {
    let fields = Fields::parse(&body)?;
    let cpu_cores = fields.int("cpuCores")?;
    let mem = fields.int("mem")?;
    let disk = match fields.string("disk")? {
        Some(text) => Some(disk_gb(text).ok_or_else(|| ApiError::invalid("disk"))?),
        None => None,
    };
    let ip_count = fields.int("ipCount")?;
    let (mut store, _) = open(&state);
    let vm = find(&store, &sid)?;
    if vm.busy_job.is_some() {
        return Err(ApiError::config_failed());
    }
    let mut too_big = false;
    for (name, value, limits) in [
        ("cpuCores", cpu_cores, &CPU_CORES),
        ("mem", mem, &MEM_MB),
        ("disk", disk.map(i64::from), &DISK_GB),
        ("ipCount", ip_count, &IP_COUNT),
    ] {
        if let Some(value) = value {
            too_big |= check_limits(name, value, limits)?;
        }
    }
    if too_big {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, DEFAULT_FAILURE));
    }
    if disk.is_some_and(|disk| disk < vm.shape.disk_gb) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "0xb4: downgrading disk size is not allowed",
        ));
    }
    let have_ips = vm.ipv4.len();
    let id = vm.id;
    let wanted_ips = ip_count.map(|count| usize::try_from(count).unwrap_or(0));
    let new_ips: Vec<String> = match wanted_ips {
        Some(wanted) if wanted > have_ips => {
            (have_ips..wanted).map(|_| store.next_ipv4()).collect()
        }
        _ => Vec::new(),
    };
    let Some(vm) = store.vms.get_mut(&id) else {
        return Err(ApiError::no_vm(id));
    };
    if wanted_ips.is_some_and(|wanted| wanted < have_ips) {
        vm.ignored_ip_decreases += 1;
    }
    vm.ipv4.extend(new_ips);
    if let Some(cpu_cores) = cpu_cores {
        vm.shape.cpu_cores = cpu_cores;
    }
    if let Some(mem) = mem {
        vm.shape.mem = mem;
    }
    if let Some(disk) = disk {
        vm.shape.disk_gb = disk;
    }
    render::ok(true)
}

/// `POST datacenter/server/{sid}/delete`: a running VM needs `force: true`.
pub async fn delete(State(state): State<SimState>, Path(sid): Path<String>, body: Bytes) -> Answer {
    let fields = Fields::parse(&body)?;
    let force = fields.bool("force")?.unwrap_or(false);
    let (mut store, _) = open(&state);
    let vm = find(&store, &sid)?;
    if vm.running && !force {
        return Err(ApiError::timeout());
    }
    let id = vm.id;
    store.vms.remove(&id);
    render::ok(true)
}

/// `PUT datacenter/server/{sid}/start`: `running` after `power_secs`.
pub async fn start(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    power(&state, &sid, "start", Some(true), false)
}

/// `PUT datacenter/server/{sid}/shutdown`: `stopped` after `power_secs`.
pub async fn shutdown(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    power(&state, &sid, "shutdown", Some(false), false)
}

/// `PUT datacenter/server/{sid}/stop`: `stopped` at once.
pub async fn stop(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    power(&state, &sid, "stop", Some(false), true)
}

/// `PUT datacenter/server/{sid}/reboot` and `.../reboot/force`: uptime starts again.
pub async fn reboot(State(state): State<SimState>, Path(sid): Path<String>) -> Answer {
    power(&state, &sid, "reboot", None, true)
}

/// A power action: `running` is the target state (`None` for a reboot).
fn power(
    state: &SimState,
    sid: &str,
    signal: &str,
    running: Option<bool>,
    at_once: bool,
) -> Answer {
    let (mut store, now) = open(state);
    let vm = find_mut(&mut store, sid)?;
    if vm.busy_job.is_some() {
        return Err(ApiError::signal_failed(signal));
    }
    let Some(target) = running else {
        if vm.running {
            vm.running_since = now;
        }
        return render::ok(true);
    };
    vm.power_serial += 1;
    let (id, serial) = (vm.id, vm.power_serial);
    if at_once || vm.running == target {
        if target && !vm.running {
            vm.running_since = now;
        }
        vm.running = target;
    } else {
        let at = now + store.settings.power_secs;
        store.plan(
            at,
            Effect::VmPower {
                vm: id,
                serial,
                running: target,
            },
        );
    }
    render::ok(true)
}

/// `PUT datacenter/server/{sid}/reinstall`: a job; optional `template` overrides the current.
pub async fn reinstall(
    State(state): State<SimState>,
    Path(sid): Path<String>,
    body: Bytes,
) -> Answer {
    let fields = Fields::parse(&body)?;
    let template = fields.string("template")?.map(str::to_owned);
    if let Some(template) = &template {
        if !lock(&state.hoster).catalogue.has_vm_template(template) {
            return Err(ApiError::unknown("template", template));
        }
    }
    let (mut store, now) = open(&state);
    let vm = find_mut(&mut store, &sid)?;
    if vm.busy_job.is_some() {
        return Err(ApiError::signal_failed("reinstall"));
    }
    let template = template.unwrap_or_else(|| vm.shape.template.clone());
    let password = new_password();
    let id = vm.id;
    let output = json!({ "vmid": id, "ips": vm.ipv4, "user": "root", "password": password });
    vm.running = false;
    vm.power_serial += 1;
    let effect = JobEffect::Reinstall {
        vm: id,
        template,
        password,
    };
    let job = store.new_job(JobKind::Reinstall, effect, output, None, now);
    if let Some(vm) = store.vms.get_mut(&id) {
        vm.busy_job = Some(job);
    }
    render::ok(json!({ "status": "queued", "jobId": job, "progress": 0 }))
}

/// The VM a path id names, or 404 `0x01`.
pub fn find<'a>(store: &'a HosterStore, sid: &str) -> Result<&'a Vm, ApiError> {
    let id = path_id(sid)?;
    store.vms.get(&id).ok_or_else(|| ApiError::no_vm(id))
}

/// Mutable access to the VM a path id names, or 404 `0x01`.
pub fn find_mut<'a>(store: &'a mut HosterStore, sid: &str) -> Result<&'a mut Vm, ApiError> {
    let id = path_id(sid)?;
    store.vms.get_mut(&id).ok_or_else(|| ApiError::no_vm(id))
}

/// Whether a VM is busy with a job or a backup task at `now`.
pub fn busy(vm: &Vm, now: VirtualSecs) -> bool {
    vm.busy_job.is_some() || vm.task_running(now)
}
