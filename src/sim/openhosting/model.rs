//! Open Hosting's section of the simulator store: the account's drives, servers, ip/vlan
//! resources and imaging queue, plus the vendor-specific faults armed through the admin API.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::sim::clock::VirtualSecs;
use crate::sim::openhosting::blocks::SparseData;
use crate::sim::openhosting::imaging::ImagingQueue;

/// The user UUID (Basic auth user name) the simulator accepts unless changed by the admin API.
pub const SIM_USER: &str = "6f70656e-686f-4000-8000-000000000001";
/// `readers` value meaning every user.
pub const ALL_USERS: &str = "ffffffff-ffff-ffff-ffff-ffffffffffff";
/// Largest drive the simulated account may create (1 TiB); bigger sizes are 507 `full`.
pub const MAX_DRIVE_SIZE: u64 = 1 << 40;

/// Everything the Open Hosting account holds; `Default` is the empty account after a reset.
#[derive(Debug, Serialize, Deserialize)]
pub struct OpenHostingStore {
    /// Drives, servers and resources left out of list answers for a few reads.
    #[serde(default)]
    pub list_flaps: crate::sim::flaps::ListFlaps,
    pub user: String,
    pub drives: BTreeMap<String, Drive>,
    pub servers: BTreeMap<String, Server>,
    /// Keyed by (type, resource id).
    #[serde(with = "resources_as_list")]
    pub resources: BTreeMap<(String, String), Resource>,
    pub imaging: ImagingQueue,
    /// Faults are not saved with the state.
    #[serde(skip)]
    pub faults: VendorFaults,
    /// When set, every create, start and imaging answers 402 `billing`.
    pub billing_blocked: bool,
    ips_handed_out: u32,
    leases_handed_out: u32,
}

impl Default for OpenHostingStore {
    fn default() -> Self {
        OpenHostingStore {
            list_flaps: Default::default(),
            user: SIM_USER.to_owned(),
            drives: BTreeMap::new(),
            servers: BTreeMap::new(),
            resources: BTreeMap::new(),
            imaging: ImagingQueue::default(),
            faults: VendorFaults::default(),
            billing_blocked: false,
            ips_handed_out: 0,
            leases_handed_out: 0,
        }
    }
}

/// Faults only Open Hosting has, armed through `POST /_sim/openhosting/faults`.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorFaults {
    /// The next write at each of these drive offsets answers 500 `failed` without writing.
    #[serde(default)]
    pub write_fails_at_offsets: Vec<u64>,
    /// The Nth write from now (1 = the next one) answers 500 `failed` without writing.
    #[serde(default)]
    pub write_fails_nth: Vec<u64>,
    /// How many drive info reads omit `imaging` while an imaging is still unfinished.
    #[serde(default)]
    pub imaging_key_vanishes: u32,
    /// Writes counted since `write_fails_nth` was armed.
    #[serde(default, skip_deserializing)]
    pub writes_seen: u64,
}

impl VendorFaults {
    /// Whether the write at `offset` must fail; consumes the matching fault.
    pub fn take_write_failure(&mut self, offset: u64) -> bool {
        self.writes_seen += 1;
        let nth = self.writes_seen;
        if let Some(at) = self.write_fails_nth.iter().position(|n| *n == nth) {
            self.write_fails_nth.remove(at);
            return true;
        }
        if let Some(at) = self
            .write_fails_at_offsets
            .iter()
            .position(|wanted| *wanted == offset)
        {
            self.write_fails_at_offsets.remove(at);
            return true;
        }
        false
    }

    /// Adds newly armed faults to those already armed.
    pub fn merge(&mut self, more: VendorFaults) {
        self.write_fails_at_offsets
            .extend(more.write_fails_at_offsets);
        let seen = self.writes_seen;
        self.write_fails_nth
            .extend(more.write_fails_nth.into_iter().map(|n| n + seen));
        self.imaging_key_vanishes += more.imaging_key_vanishes;
    }
}

/// A drive and its contents.
#[derive(Debug, Serialize, Deserialize)]
pub struct Drive {
    pub uuid: String,
    pub name: String,
    pub size: u64,
    /// `exclusive` or `shared`.
    pub claim_type: String,
    pub readers: Vec<String>,
    pub tags: Vec<String>,
    pub user_meta: BTreeMap<String, String>,
    pub encryption_cipher: String,
    pub data: SparseData,
    pub read_bytes: u64,
    pub read_requests: u64,
    pub write_bytes: u64,
    pub write_requests: u64,
}

/// `active` or `stopped` (the simulator never shows paused, dumped or dead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerStatus {
    Active,
    Stopped,
}

impl ServerStatus {
    pub fn name(self) -> &'static str {
        match self {
            ServerStatus::Active => "active",
            ServerStatus::Stopped => "stopped",
        }
    }
}

/// A server: its configuration keys as set, and its run state.
#[derive(Debug, Serialize, Deserialize)]
pub struct Server {
    pub uuid: String,
    /// Validated configuration keys (name, cpu, mem, devices, nics, vnc, tags, user:*).
    pub config: BTreeMap<String, String>,
    pub status: ServerStatus,
    /// Unix seconds of the last start, while active.
    pub started: Option<u64>,
    /// Temporary address leased at boot for `nic:0:dhcp auto` / `vnc:ip auto`.
    pub lease: Option<String>,
    /// When an ACPI shutdown takes effect.
    pub shutdown_at: Option<VirtualSecs>,
}

impl Server {
    pub fn is_persistent(&self) -> bool {
        self.config.get("persistent").is_some_and(|v| v == "true")
    }

    /// Drive UUIDs attached through `ide:*`, `scsi:*` and `block:*` keys.
    pub fn drives(&self) -> impl Iterator<Item = &str> {
        self.config
            .iter()
            .filter(|(key, _)| is_device_key(key))
            .map(|(_, drive)| drive.as_str())
    }
}

/// Whether `key` names a drive slot (`ide:0:1`, `scsi:0:5`, `block:3`), not a sub-key.
pub fn is_device_key(key: &str) -> bool {
    let parts: Vec<&str> = key.split(':').collect();
    let digit = |text: &str, max: u8| matches!(text.as_bytes(), [byte] if byte.is_ascii_digit() && byte - b'0' <= max);
    match parts.as_slice() {
        ["ide", bus, unit] => digit(bus, 1) && digit(unit, 1),
        ["scsi", bus, unit] => digit(bus, 0) && digit(unit, 7),
        ["block", index] => digit(index, 7),
        _ => false,
    }
}

/// A static IP or a VLAN.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resource {
    /// `ip` or `vlan`.
    pub kind: String,
    pub id: String,
    pub name: String,
    pub tags: Vec<String>,
    pub user_meta: BTreeMap<String, String>,
}

/// Saves the resources as a list: JSON object keys cannot be (type, id) pairs.
mod resources_as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Resource;

    pub fn serialize<S: Serializer>(
        resources: &BTreeMap<(String, String), Resource>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let list: Vec<&Resource> = resources.values().collect();
        list.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<(String, String), Resource>, D::Error> {
        let list = Vec::<Resource>::deserialize(deserializer)?;
        Ok(list
            .into_iter()
            .map(|resource| ((resource.kind.clone(), resource.id.clone()), resource))
            .collect())
    }
}

impl OpenHostingStore {
    /// Applies everything due by `now`: finished imagings and ACPI shutdowns.
    pub fn settle(&mut self, now: VirtualSecs) {
        for finished in self.imaging.settle(now) {
            if let Some(drive) = self.drives.get_mut(&finished.target) {
                drive.data = finished.result;
            }
        }
        let due: Vec<String> = self
            .servers
            .values()
            .filter(|server| server.shutdown_at.is_some_and(|when| when <= now))
            .map(|server| server.uuid.clone())
            .collect();
        for uuid in due {
            self.power_off(&uuid);
        }
    }

    /// Stops a server at once: stopped if persistent, destroyed otherwise.
    pub fn power_off(&mut self, uuid: &str) {
        let persistent = match self.servers.get(uuid) {
            Some(server) => server.is_persistent(),
            None => return,
        };
        if !persistent {
            self.servers.remove(uuid);
        } else if let Some(server) = self.servers.get_mut(uuid) {
            server.status = ServerStatus::Stopped;
            server.started = None;
            server.lease = None;
            server.shutdown_at = None;
        }
    }

    /// UUIDs of active servers using `drive`.
    pub fn claims_on(&self, drive: &str) -> Vec<String> {
        self.servers
            .values()
            .filter(|server| server.status == ServerStatus::Active)
            .filter(|server| server.drives().any(|used| used == drive))
            .map(|server| server.uuid.clone())
            .collect()
    }

    /// UUIDs of active servers with `value` in a configuration key ending in `key_suffix`.
    pub fn active_users_of(&self, value: &str, key_suffix: &str) -> Vec<String> {
        self.servers
            .values()
            .filter(|server| server.status == ServerStatus::Active)
            .filter(|server| {
                server
                    .config
                    .iter()
                    .any(|(key, used)| key.ends_with(key_suffix) && used == value)
            })
            .map(|server| server.uuid.clone())
            .collect()
    }

    /// The next static address for an `ip` resource (203.0.113.10 upwards).
    pub fn next_static_ip(&mut self) -> Option<String> {
        let index = self.ips_handed_out;
        if index > 240 {
            return None;
        }
        self.ips_handed_out += 1;
        Some(format!("203.0.113.{}", index + 10))
    }

    /// The next temporary address leased at boot (198.51.100.x, reused after 250).
    pub fn next_lease(&mut self) -> String {
        let index = self.leases_handed_out % 250;
        self.leases_handed_out += 1;
        format!("198.51.100.{}", index + 2)
    }
}

/// A fresh random UUID in the vendor's format.
pub fn new_uuid() -> String {
    let value = fastrand::u128(..);
    let hex = format!("{value:032x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// Whether `text` looks like a UUID (8-4-4-4-12 hex digits).
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}
