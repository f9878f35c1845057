//! HosterAPI fixtures: VM templates and limits, dedicated templates and market machines,
//! software packages. Templates, machines and packages are owned data in the store so that
//! `--fixtures` can replace them.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The lists the account offers; `Default` is the built-in catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    pub vm_templates: Vec<String>,
    pub dedicated_templates: Vec<String>,
    pub market: Vec<Machine>,
    pub software: Vec<String>,
}

impl Default for Catalogue {
    fn default() -> Self {
        let owned = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect();
        Catalogue {
            vm_templates: owned(VM_TEMPLATES),
            dedicated_templates: owned(DEDICATED_TEMPLATES),
            market: [g8(9), g8(10), g8(11), g8(12), ryzen(84), ryzen(85)].into(),
            software: owned(PACKAGES),
        }
    }
}

impl Catalogue {
    /// The market machine with `id`.
    pub fn machine(&self, id: u64) -> Option<&Machine> {
        self.market.iter().find(|machine| machine.id == id)
    }

    pub fn has_vm_template(&self, name: &str) -> bool {
        self.vm_templates.iter().any(|template| template == name)
    }

    pub fn has_dedicated_template(&self, name: &str) -> bool {
        self.dedicated_templates
            .iter()
            .any(|template| template == name)
    }

    pub fn has_package(&self, name: &str) -> bool {
        self.software.iter().any(|package| package == name)
    }
}

/// Built-in templates for VMs (`GET datacenter/templates`).
const VM_TEMPLATES: &[&str] = &[
    "Debian10.0",
    "Debian11.0",
    "Ubuntu18.04",
    "Ubuntu20.04",
    "Ubuntu22.04",
    "CentOS7",
];

/// Built-in templates for dedicated servers, in the document's order (duplicates included).
const DEDICATED_TEMPLATES: &[&str] = &[
    "CentOS 7 (latest) (DE)",
    "Debian 8 Jessie (DE)",
    "Debian 9 Stretch (DE)",
    "Ubuntu 16.04 LTS",
    "Ubuntu 18.04 LTS (DE)",
    "OpenSuse 42.3",
    "VMware ESXi 6.5 U1",
    "VMware ESXi 6.5 U2",
    "Debian 10 Buster (DE)",
    "Proxmox VE 6 (DE)",
    "Debian 10 Buster - Software RAID (DE)",
    "[COPY] Debian 10 Buster - Software RAID (DE) Test",
    "CentOS 7 (latest)",
    "Debian Jessie",
    "Debian Stretch",
    "Ubuntu 16.04 LTS",
    "Ubuntu 18.04 LTS",
    "OpenSuse 42.3",
    "VMware ESXi 6.5 U1",
    "VMware ESXi 6.5 U2",
    "Debian Buster",
    "Proxmox VE 6",
    "Ubuntu 20.04 LTS",
];

/// Built-in software packages (`GET software/list`).
const PACKAGES: &[&str] = &["ts3", "nginx", "docker", "mariadb", "wordpress"];

/// Inclusive limits for VM resources; above the maximum is "exceeds administrative limits".
pub struct Limits {
    pub min: i64,
    pub max: i64,
}

pub const CPU_CORES: Limits = Limits { min: 1, max: 16 };
pub const MEM_MB: Limits = Limits {
    min: 512,
    max: 65_536,
};
pub const DISK_GB: Limits = Limits { min: 5, max: 2_000 };
pub const IP_COUNT: Limits = Limits { min: 1, max: 8 };

/// One physical machine on the dedicated market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Machine {
    pub id: u64,
    pub model: String,
    #[serde(default)]
    pub description: Option<String>,
    pub cpu: String,
    pub ram_type: String,
    pub ram_size: String,
    pub storage_type: String,
    pub storage_count: String,
    pub storage_size: String,
    pub price: u32,
    pub location_id: u64,
    pub location: String,
}

/// Built-in market machines: the document's example plus a few more.
fn g8(id: u64) -> Machine {
    Machine {
        id,
        model: "HP ProLiant BL460c G8".into(),
        description: Some(String::new()),
        cpu: "Intel Xeon E5-2609 v2".into(),
        ram_type: "DDR3 ECC".into(),
        ram_size: "32".into(),
        storage_type: "SSD".into(),
        storage_count: "2".into(),
        storage_size: "250".into(),
        price: 39,
        location_id: 2,
        location: "Maincubes, Frankfurt".into(),
    }
}

fn ryzen(id: u64) -> Machine {
    Machine {
        id,
        model: "Generic".into(),
        description: None,
        cpu: "AMD Ryzen 7 3800X".into(),
        ram_type: "DDR4 ECC".into(),
        ram_size: "32 GB DDR4 ECC".into(),
        storage_type: "NVMe".into(),
        storage_count: "2".into(),
        storage_size: "256".into(),
        price: 139,
        location_id: 1,
        location: "Maincubes, Frankfurt".into(),
    }
}

impl Machine {
    /// `configuration` as the market and `config` show it (counts and sizes as strings).
    pub fn configuration(&self) -> Value {
        json!({
            "cpu": { "type": self.cpu, "count": "1" },
            "ram": { "type": self.ram_type, "size": self.ram_size },
            "storage": {
                "type": self.storage_type,
                "count": self.storage_count,
                "size": self.storage_size,
            },
            "price": self.price,
            "location": { "id": self.location_id, "name": self.location },
        })
    }

    /// The machine as `GET datacenter/dedicated/market` lists it.
    pub fn market_entry(&self) -> Value {
        json!({
            "id": self.id,
            "model": self.model,
            "description": self.description,
            "configuration": self.configuration(),
        })
    }
}
