//! HosterAPI fixtures: VM templates and limits, dedicated templates and market machines,
//! software packages.

use serde_json::{json, Value};

/// Templates for VMs (`GET datacenter/templates`).
pub const VM_TEMPLATES: &[&str] = &[
    "Debian10.0",
    "Debian11.0",
    "Ubuntu18.04",
    "Ubuntu20.04",
    "Ubuntu22.04",
    "CentOS7",
];

/// Templates for dedicated servers, in the document's order (duplicates included).
pub const DEDICATED_TEMPLATES: &[&str] = &[
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

/// Software packages (`GET software/list`).
pub const PACKAGES: &[&str] = &["ts3", "nginx", "docker", "mariadb", "wordpress"];

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
pub struct Machine {
    pub id: u64,
    pub model: &'static str,
    pub description: Option<&'static str>,
    pub cpu: &'static str,
    pub ram_type: &'static str,
    pub ram_size: &'static str,
    pub storage_type: &'static str,
    pub storage_count: &'static str,
    pub storage_size: &'static str,
    pub price: u32,
    pub location_id: u64,
    pub location: &'static str,
}

const fn g8(id: u64) -> Machine {
    Machine {
        id,
        model: "HP ProLiant BL460c G8",
        description: Some(""),
        cpu: "Intel Xeon E5-2609 v2",
        ram_type: "DDR3 ECC",
        ram_size: "32",
        storage_type: "SSD",
        storage_count: "2",
        storage_size: "250",
        price: 39,
        location_id: 2,
        location: "Maincubes, Frankfurt",
    }
}

const fn ryzen(id: u64) -> Machine {
    Machine {
        id,
        model: "Generic",
        description: None,
        cpu: "AMD Ryzen 7 3800X",
        ram_type: "DDR4 ECC",
        ram_size: "32 GB DDR4 ECC",
        storage_type: "NVMe",
        storage_count: "2",
        storage_size: "256",
        price: 139,
        location_id: 1,
        location: "Maincubes, Frankfurt",
    }
}

/// Every machine the market can offer, as in the document's example plus a few more.
pub const MACHINES: &[Machine] = &[g8(9), g8(10), g8(11), g8(12), ryzen(84), ryzen(85)];

/// The machine with `id`.
pub fn machine(id: u64) -> Option<&'static Machine> {
    MACHINES.iter().find(|machine| machine.id == id)
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
