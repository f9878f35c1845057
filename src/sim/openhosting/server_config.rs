//! Checks of server configuration keys (create and set) and of what starting a server needs
//! (drives free to claim, static addresses not in use elsewhere).

use std::collections::BTreeMap;

use crate::sim::openhosting::format::{ApiError, Props};
use crate::sim::openhosting::model::{is_device_key, is_uuid, OpenHostingStore, ServerStatus};

/// Keys `set` accepts on an active server.
pub const LIVE_KEYS: &[&str] = &["name", "cpu", "persistent", "tags", "vnc:password"];

/// Checks every key of `fields` and returns them as a configuration (empty values dropped).
/// `required` demands name, cpu and mem.
pub fn check_config(
    store: &OpenHostingStore,
    fields: &Props,
    required: bool,
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut config = BTreeMap::new();
    for (key, value) in fields {
        if value.is_empty() {
            if matches!(key.as_str(), "name" | "cpu" | "mem") {
                return Err(ApiError::usage(format!("{key} must not be empty")));
            }
            continue;
        }
        check_key(store, key, value)?;
        config.insert(key.clone(), value.clone());
    }
    if required {
        for key in ["name", "cpu", "mem"] {
            if !config.contains_key(key) {
                return Err(ApiError::usage(format!("{key} is required")));
            }
        }
    }
    check_references(&config)?;
    Ok(config)
}

/// Checks one key and its (non-empty) value.
pub fn check_key(store: &OpenHostingStore, key: &str, value: &str) -> Result<(), ApiError> {
    let bad = || ApiError::usage(format!("invalid value {value:?} for {key}"));
    match key {
        "name" if value.trim().is_empty() => Err(bad()),
        "name" | "tags" => Ok(()),
        "cpu" => in_range(value, 250, 20_000).ok_or_else(bad),
        "mem" => in_range(value, 128, 65_536).ok_or_else(bad),
        "smp" if value == "auto" => Ok(()),
        "smp" => in_range(value, 1, 16).ok_or_else(bad),
        "persistent" if value == "true" || value == "false" => Ok(()),
        "boot" => Ok(()),
        "nic:0:model" | "nic:1:model" if matches!(value, "e1000" | "rtl8139" | "virtio") => Ok(()),
        "nic:0:mac" | "nic:1:mac" if is_mac(value) => Ok(()),
        "nic:0:dhcp" | "vnc:ip" if value == "auto" => Ok(()),
        "nic:0:dhcp" | "vnc:ip" => {
            if !is_ipv4(value) {
                return Err(bad());
            }
            known_resource(store, "ip", value)
        }
        "nic:1:vlan" => {
            if !is_uuid(value) {
                return Err(bad());
            }
            known_resource(store, "vlan", value)
        }
        "vnc:password" if value.chars().count() <= 8 => Ok(()),
        "vnc:password" => Err(ApiError::usage("vnc:password is at most 8 characters")),
        "vnc:tls" if value == "on" || value == "off" => Ok(()),
        _ if is_device_key(key) => {
            if !is_uuid(value) {
                return Err(bad());
            }
            if store.drives.contains_key(value) {
                Ok(())
            } else {
                Err(ApiError::missing(format!("drive {value} not found")))
            }
        }
        _ => match key.strip_suffix(":media") {
            Some(device) if is_device_key(device) => match value {
                "disk" | "cdrom" => Ok(()),
                _ => Err(bad()),
            },
            _ if key
                .strip_prefix("user:")
                .is_some_and(|meta| !meta.is_empty()) =>
            {
                Ok(())
            }
            _ if KNOWN_KEYS.contains(&key) => Err(bad()),
            _ => Err(ApiError::usage(format!("unknown key {key}"))),
        },
    }
}

/// Keys with a fixed set of values (a wrong value is "invalid value", not "unknown key").
const KNOWN_KEYS: &[&str] = &[
    "persistent",
    "nic:0:model",
    "nic:1:model",
    "nic:0:mac",
    "nic:1:mac",
    "vnc:tls",
];

/// `boot` must name attached devices; `:media` needs its device.
fn check_references(config: &BTreeMap<String, String>) -> Result<(), ApiError> {
    if let Some(boot) = config.get("boot") {
        for device in boot.split_whitespace() {
            if !is_device_key(device) || !config.contains_key(device) {
                return Err(ApiError::usage(format!(
                    "boot device {device} is not attached"
                )));
            }
        }
    }
    for key in config.keys() {
        if let Some(device) = key.strip_suffix(":media") {
            if !config.contains_key(device) {
                return Err(ApiError::usage(format!("{key} without {device}")));
            }
        }
    }
    Ok(())
}

/// What starting server `uuid` with `config` runs into: missing drives or resources (404),
/// drives being imaged or claimed exclusively elsewhere, static IPs in use (409).
pub fn check_start(
    store: &OpenHostingStore,
    uuid: &str,
    config: &BTreeMap<String, String>,
) -> Result<(), ApiError> {
    let others = || {
        store
            .servers
            .values()
            .filter(move |server| server.uuid != uuid && server.status == ServerStatus::Active)
    };
    for (key, drive_uuid) in config.iter().filter(|(key, _)| is_device_key(key)) {
        let Some(drive) = store.drives.get(drive_uuid) else {
            return Err(ApiError::missing(format!(
                "drive {drive_uuid} ({key}) not found"
            )));
        };
        if store.imaging.is_target(drive_uuid) {
            return Err(ApiError::busy(format!(
                "drive {drive_uuid} is being imaged"
            )));
        }
        let claimed_by: Vec<String> = others()
            .filter(|other| other.drives().any(|used| used == drive_uuid))
            .map(|other| other.uuid.clone())
            .collect();
        if !claimed_by.is_empty() && drive.claim_type != "shared" {
            return Err(ApiError::busy(format!(
                "drive {drive_uuid} is claimed by server {}",
                claimed_by.join(" ")
            )));
        }
    }
    if let Some(vlan) = config.get("nic:1:vlan") {
        known_resource(store, "vlan", vlan)?;
    }
    for key in ["nic:0:dhcp", "vnc:ip"] {
        let Some(address) = config.get(key).filter(|value| *value != "auto") else {
            continue;
        };
        known_resource(store, "ip", address)?;
        let users: Vec<String> = others()
            .filter(|other| other.config.get("nic:0:dhcp") == Some(address))
            .map(|other| other.uuid.clone())
            .collect();
        if key == "nic:0:dhcp" && !users.is_empty() {
            return Err(ApiError::busy(format!(
                "ip {address} is in use by server {}",
                users.join(" ")
            )));
        }
    }
    Ok(())
}

fn known_resource(store: &OpenHostingStore, kind: &str, id: &str) -> Result<(), ApiError> {
    if store
        .resources
        .contains_key(&(kind.to_owned(), id.to_owned()))
    {
        Ok(())
    } else {
        Err(ApiError::missing(format!("{kind} {id} not found")))
    }
}

fn in_range(value: &str, low: u64, high: u64) -> Option<()> {
    let number: u64 = value.parse().ok()?;
    (low..=high).contains(&number).then_some(())
}

fn is_mac(value: &str) -> bool {
    let parts: Vec<&str> = value.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|part| part.len() == 2 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_ipv4(value: &str) -> bool {
    value.parse::<std::net::Ipv4Addr>().is_ok()
}
