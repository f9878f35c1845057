//! What the simulated Terrahost/Gigahost account holds: credentials and tokens, servers with
//! their IPs, subnets, power and install state, snapshots, ISOs, packages and the quirks the
//! admin API switches on. Asynchronous work is stored as "done at virtual time T".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::sim::clock::VirtualSecs;
use crate::sim::terrahost::os_list::OsList;

/// Defaults of the simulated account; see `docs/terrahost.md`.
pub const DEFAULT_USERNAME: &str = "hostform";
pub const DEFAULT_PASSWORD: &str = "hostform-sim-password";
/// Base32 of the 20 ASCII bytes `12345678901234567890` (the RFC 6238 test key).
pub const DEFAULT_TOTP_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// Virtual seconds a token lives.
pub const DEFAULT_TOKEN_LIFETIME: f64 = 3600.0;
/// Virtual seconds until a snapshot is listed, and until it is completed.
pub const SNAPSHOT_LISTED_AFTER: f64 = 5.0;
pub const SNAPSHOT_COMPLETED_AFTER: f64 = 60.0;
/// Virtual seconds a reinstall keeps the install flag set.
pub const INSTALL_SECS: f64 = 300.0;
/// Virtual seconds a power change takes.
pub const POWER_SECS: f64 = 10.0;
/// Virtual seconds until an ordered IPv4 address shows on the server.
pub const IPV4_DELIVERY_SECS: f64 = 20.0;

/// Who may log in. `totp_secret` set means the account has 2FA.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
    pub totp_secret: Option<String>,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            username: DEFAULT_USERNAME.into(),
            password: DEFAULT_PASSWORD.into(),
            totp_secret: Some(DEFAULT_TOTP_SECRET.into()),
        }
    }
}

/// Behaviours switched on through `POST /_sim/<vendor>/quirks`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quirks {
    /// Answers with the documents' trailing commas (`"message":"…", }`).
    #[serde(default)]
    pub malformed_json: bool,
    /// Server id -> how many more reads (list or detail) leave it out / answer 404.
    #[serde(default)]
    pub hide_server: BTreeMap<u64, u32>,
    /// Servers whose power on/off answer 405, as some KVM VPS do.
    #[serde(default)]
    pub power_unsupported: Vec<u64>,
    /// Virtual seconds a new token lives.
    #[serde(default)]
    pub token_lifetime_secs: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ip {
    pub id: u64,
    pub subnet_id: u64,
    pub address: String,
    pub reverse: String,
    pub kind: String,
    pub netmask: String,
    pub gateway: String,
    pub routed_to: u64,
    /// Ordered through the API: visible from this virtual time.
    pub visible_from: VirtualSecs,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subnet {
    pub id: u64,
    pub cidr: String,
    pub network: String,
    pub gateway: String,
    pub ns: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Server {
    pub id: u64,
    pub label: String,
    pub hostname: String,
    pub kind: String,
    pub location: String,
    pub cores: u32,
    pub ram_gb: u32,
    pub disk_gb: u32,
    pub product_id: u64,
    pub os_id: u64,
    pub iso_id: u64,
    pub created: u64,
    /// Power now, and a pending change `(at, on)`.
    pub powered: bool,
    pub power_change: Option<(VirtualSecs, bool)>,
    pub install_until: VirtualSecs,
    pub ips: Vec<Ip>,
    pub subnets: Vec<Subnet>,
}

impl Server {
    pub fn power_at(&self, now: VirtualSecs) -> bool {
        match self.power_change {
            Some((at, on)) if now >= at => on,
            _ => self.powered,
        }
    }

    pub fn installing(&self, now: VirtualSecs) -> bool {
        now < self.install_until
    }

    pub fn visible_ips(&self, now: VirtualSecs) -> impl Iterator<Item = &Ip> {
        self.ips.iter().filter(move |ip| ip.visible_from <= now)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub id: u64,
    pub server_id: u64,
    pub name: String,
    pub display_name: String,
    pub time: u64,
    pub listed_at: VirtualSecs,
    pub completed_at: VirtualSecs,
}

#[derive(Debug, Clone, Serialize)]
pub struct Package {
    pub id: u64,
    pub product_id: u64,
    pub name: String,
    pub cores: u32,
    pub ram_mb: u32,
    pub disk_gb: u32,
    pub product_name: &'static str,
    pub price: &'static str,
}

/// One vendor's simulated account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TerrahostStore {
    /// Not saved: it follows from the vendor, see `terrahost::Vendor::fresh_store`.
    #[serde(skip)]
    pub domain: &'static str,
    pub credentials: Credentials,
    /// Token -> virtual time it expires.
    pub tokens: BTreeMap<String, VirtualSecs>,
    pub logins: u64,
    pub servers: BTreeMap<u64, Server>,
    pub snapshots: BTreeMap<u64, Snapshot>,
    /// `(ip id, reverse)` and `(subnet id, ns)` as seeded: `/_sim/empty` reports differences.
    pub seeded_reverse: BTreeMap<String, String>,
    pub quirks: Quirks,
    pub next_id: u64,
    pub ipv4_orders: Vec<(u64, String)>,
    /// Not saved with the state: it comes from the built-in defaults and `--fixtures`.
    #[serde(skip)]
    pub os_list: OsList,
}

pub fn packages(domain: &str) -> Vec<Package> {
    let brand = domain.split('.').next().unwrap_or("terrahost");
    vec![
        Package {
            id: 3,
            product_id: 2058,
            name: format!("kvm2048.2018.{brand}"),
            cores: 2,
            ram_mb: 2048,
            disk_gb: 40,
            product_name: "KVM 2048",
            price: "199.00",
        },
        Package {
            id: 4,
            product_id: 2059,
            name: format!("kvm4096.2018.{brand}"),
            cores: 4,
            ram_mb: 4096,
            disk_gb: 50,
            product_name: "KVM 4096",
            price: "299.00",
        },
    ]
}

fn seed_server(domain: &str, id: u64, ip_base: u64, v4_last: u32) -> Server {
    let name = format!("srv{id}.{domain}");
    let address = format!("185.181.63.{v4_last}");
    Server {
        id,
        label: name.clone(),
        hostname: name,
        kind: "vps".into(),
        location: "DC2".into(),
        cores: 1,
        ram_gb: 1,
        disk_gb: 20,
        product_id: 2057,
        os_id: 72,
        iso_id: 0,
        created: 1_530_609_706,
        powered: true,
        power_change: None,
        install_until: 0.0,
        ips: vec![Ip {
            id: ip_base,
            subnet_id: 405,
            reverse: format!("static.{address}.customers.{domain}"),
            address,
            kind: "primary".into(),
            netmask: "255.255.255.0".into(),
            gateway: "185.181.63.1".into(),
            routed_to: 0,
            visible_from: 0.0,
        }],
        subnets: vec![Subnet {
            id: ip_base + 1,
            cidr: format!("2a03:94e0:{:x}::/48", id),
            network: format!("2a03:94e0:{:x}::", id),
            gateway: "2a03:94e0:19ff::1".into(),
            ns: String::new(),
        }],
    }
}

impl TerrahostStore {
    /// The seeded account of the vendor whose customer domain is `domain`.
    pub fn seeded(domain: &'static str, first_server: u64) -> TerrahostStore {
        let servers: BTreeMap<u64, Server> = (0..2u64)
            .map(|i| {
                let id = first_server + i;
                (id, seed_server(domain, id, 7795 + i * 10, 24 + i as u32))
            })
            .collect();
        let mut seeded_reverse = BTreeMap::new();
        for server in servers.values() {
            for ip in &server.ips {
                seeded_reverse.insert(format!("ip {}", ip.id), ip.reverse.clone());
            }
            for subnet in &server.subnets {
                seeded_reverse.insert(format!("subnet {}", subnet.id), subnet.ns.clone());
            }
        }
        TerrahostStore {
            domain,
            credentials: Credentials::default(),
            tokens: BTreeMap::new(),
            logins: 0,
            servers,
            snapshots: BTreeMap::new(),
            seeded_reverse,
            quirks: Quirks::default(),
            next_id: 9000,
            ipv4_orders: Vec::new(),
            os_list: OsList::default(),
        }
    }

    pub fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Counts one read of server `id`; true while the hide quirk still leaves it out.
    pub fn hidden_now(&mut self, id: u64) -> bool {
        match self.quirks.hide_server.get_mut(&id) {
            Some(reads) if *reads > 0 => {
                *reads -= 1;
                true
            }
            _ => false,
        }
    }

    /// Snapshots of `server` that the API lists at `now`.
    pub fn listed_snapshots(&self, server: u64, now: VirtualSecs) -> Vec<&Snapshot> {
        self.snapshots
            .values()
            .filter(|s| s.server_id == server && s.listed_at <= now)
            .collect()
    }

    /// What `/_sim/empty` reports: snapshots, and reverse DNS changed from the seed.
    pub fn leftovers(&self, vendor: &str) -> Vec<String> {
        let snapshots = self
            .snapshots
            .values()
            .map(|s| format!("{vendor} snapshot {} of server {}", s.id, s.server_id));
        let mut changed = Vec::new();
        for server in self.servers.values() {
            for ip in &server.ips {
                let key = format!("ip {}", ip.id);
                if let Some(seeded) = self.seeded_reverse.get(&key) {
                    if seeded != &ip.reverse {
                        changed.push(format!(
                            "{vendor} reverse DNS of {key} is {:?}, was {seeded:?}",
                            ip.reverse
                        ));
                    }
                }
            }
            for subnet in &server.subnets {
                let key = format!("subnet {}", subnet.id);
                if let Some(seeded) = self.seeded_reverse.get(&key) {
                    if seeded != &subnet.ns {
                        changed.push(format!(
                            "{vendor} NS delegation of {key} is {:?}, was {seeded:?}",
                            subnet.ns
                        ));
                    }
                }
            }
        }
        snapshots.chain(changed).collect()
    }
}
