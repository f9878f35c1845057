//! Orphan-test subjects that make machines and what hangs off them: HostHatch servers and SSH
//! keys, HosterAPI VMs, dedicated servers, backups and software.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::{leftovers, Prepared, Subject};
use crate::tfplugin::provider::Resource;
use crate::tfplugin::{Diagnostics, Value};
use crate::vendors::hoster::api::HosterClient;
use crate::vendors::test_support::{ctx, Sim};
use crate::vendors::{hoster, hosthatch};

pub fn subjects() -> Vec<Box<dyn Subject>> {
    vec![
        Box::new(HostHatchServer),
        Box::new(HostHatchKey),
        Box::new(HosterVm),
        Box::new(HosterDedicated),
        Box::new(HosterBackup),
        Box::new(HosterSoftware),
    ]
}

/// A resource, its client and the planned value of its create.
pub struct Planned<C: Send + Sync + 'static> {
    pub resource: Arc<dyn Resource<C>>,
    pub client: Arc<C>,
    pub planned: Value,
}

#[async_trait]
impl<C: Send + Sync + 'static> Prepared for Planned<C> {
    async fn create(&self, timeout: Duration, diags: &mut Diagnostics) -> Value {
        let c = ctx(&self.client, timeout);
        self.resource.create(&c, &self.planned, diags).await
    }

    async fn read(&self, state: &Value, diags: &mut Diagnostics) -> Value {
        let c = ctx(&self.client, Duration::from_secs(20));
        self.resource.read(&c, state, diags).await
    }

    async fn delete(&self, state: &Value, diags: &mut Diagnostics) {
        let c = ctx(&self.client, Duration::from_secs(20));
        self.resource.delete(&c, state, diags).await
    }
}

pub use crate::vendors::test_support::planned;

use crate::vendors::test_clients::{hoster as hoster_client, hosthatch as hosthatch_client};

struct HostHatchServer;

#[async_trait]
impl Subject for HostHatchServer {
    fn resource(&self) -> &'static str {
        "hosthatch_server"
    }
    fn create_request(&self) -> (&'static str, &'static str, &'static str) {
        ("hosthatch", "POST", "/deploy")
    }
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared> {
        let p = planned(
            hosthatch::server::schema(),
            &[
                ("product", "nvme-2gb".into()),
                ("location", "AMS".into()),
                ("billing", "monthly".into()),
                ("image", "ubuntu22".into()),
                ("hostname", "orphan.test".into()),
            ],
        );
        Box::new(Planned {
            resource: Arc::new(hosthatch::server::ServerResource),
            client: hosthatch_client(sim),
            planned: p,
        })
    }
    async fn objects(&self, sim: &Sim) -> Vec<String> {
        leftovers(sim, "hosthatch server ").await
    }
}

struct HostHatchKey;

#[async_trait]
impl Subject for HostHatchKey {
    fn resource(&self) -> &'static str {
        "hosthatch_ssh_key"
    }
    fn create_request(&self) -> (&'static str, &'static str, &'static str) {
        ("hosthatch", "POST", "/keys")
    }
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared> {
        let p = planned(
            hosthatch::ssh_key::schema(),
            &[
                ("description", "orphan".into()),
                ("value", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOrphanOrphanOrphanOrphanOrphanOrphanOrph test".into()),
            ],
        );
        Box::new(Planned {
            resource: Arc::new(hosthatch::ssh_key::SshKeyResource),
            client: hosthatch_client(sim),
            planned: p,
        })
    }
    async fn objects(&self, sim: &Sim) -> Vec<String> {
        leftovers(sim, "hosthatch key ").await
    }
}

fn planned_vm() -> Value {
    planned(
        hoster::vm::schema(),
        &[
            ("template", "Debian10.0".into()),
            ("cpu_cores", 2i64.into()),
            ("memory", 2048i64.into()),
            ("disk", "10240M".into()),
            ("ip_count", 1i64.into()),
        ],
    )
}

/// A VM made directly (not under test), for backups and software.
async fn make_vm(client: &Arc<HosterClient>) -> Value {
    let mut d = Diagnostics::default();
    let vm = hoster::vm::VmResource
        .create(&ctx(client, Duration::from_secs(60)), &planned_vm(), &mut d)
        .await;
    assert!(!d.has_errors(), "the VM under the subject: {d:?}");
    vm
}

struct HosterVm;

#[async_trait]
impl Subject for HosterVm {
    fn resource(&self) -> &'static str {
        "hoster_vm"
    }
    fn create_request(&self) -> (&'static str, &'static str, &'static str) {
        ("hoster", "POST", "/datacenter/server")
    }
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared> {
        Box::new(Planned {
            resource: Arc::new(hoster::vm::VmResource),
            client: hoster_client(sim),
            planned: planned_vm(),
        })
    }
    async fn objects(&self, sim: &Sim) -> Vec<String> {
        leftovers(sim, "hoster vm ").await
    }
}

struct HosterDedicated;

#[async_trait]
impl Subject for HosterDedicated {
    fn resource(&self) -> &'static str {
        "hoster_dedicated_server"
    }
    fn create_request(&self) -> (&'static str, &'static str, &'static str) {
        ("hoster", "POST", "/datacenter/dedicated/order")
    }
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared> {
        let p = planned(
            hoster::dedicated::schema(),
            &[
                ("market_id", 9i64.into()),
                ("template", "Debian Buster".into()),
                ("hostname", "orphan.example.com".into()),
            ],
        );
        Box::new(Planned {
            resource: Arc::new(hoster::dedicated::DedicatedServerResource),
            client: hoster_client(sim),
            planned: p,
        })
    }
    async fn objects(&self, sim: &Sim) -> Vec<String> {
        leftovers(sim, "hoster dedicated ").await
    }
}

struct HosterBackup;

#[async_trait]
impl Subject for HosterBackup {
    fn resource(&self) -> &'static str {
        "hoster_vm_backup"
    }
    fn create_request(&self) -> (&'static str, &'static str, &'static str) {
        ("hoster", "PUT", "/backups/create")
    }
    fn destroy_removes(&self) -> bool {
        false
    }
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared> {
        let client = hoster_client(sim);
        let vm = make_vm(&client).await;
        let p = planned(
            hoster::vm_backup::schema(),
            &[("vm_id", vm.get("id").clone())],
        );
        Box::new(Planned {
            resource: Arc::new(hoster::vm_backup::VmBackupResource),
            client,
            planned: p,
        })
    }
    async fn objects(&self, sim: &Sim) -> Vec<String> {
        let state = sim.get("state").await;
        state["hoster"]["vms"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|vm| vm["backups"].as_array().cloned().unwrap_or_default())
            .filter_map(|b| b["timestamp"].as_u64().map(|t| t.to_string()))
            .collect()
    }
}

struct HosterSoftware;

#[async_trait]
impl Subject for HosterSoftware {
    fn resource(&self) -> &'static str {
        "hoster_software"
    }
    fn create_request(&self) -> (&'static str, &'static str, &'static str) {
        ("hoster", "POST", "/software/install")
    }
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared> {
        let client = hoster_client(sim);
        let vm = make_vm(&client).await;
        let p = planned(
            hoster::software::schema(),
            &[
                ("server", vm.get("id").clone()),
                ("package", "ts3".into()),
                ("password", vm.get("root_password").clone()),
            ],
        );
        Box::new(Planned {
            resource: Arc::new(hoster::software::SoftwareResource),
            client,
            planned: p,
        })
    }
    async fn objects(&self, sim: &Sim) -> Vec<String> {
        let found = leftovers(sim, "hoster software ").await;
        found
            .iter()
            .filter_map(|l| l.split_once(" on ").map(|(p, s)| format!("{s}/{p}")))
            .collect()
    }
}
