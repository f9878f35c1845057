//! Translating `openhosting_server` values to the API's flat configuration keys
//! (`ide:0:0`, `nic:0:dhcp`, `vnc:password`, `user:KEY`, ...) and back. Reading back keeps
//! what the configuration said where the API reports a runtime value instead: `auto`
//! addresses (the runtime address goes to `ip` / `vnc_ip`), a random MAC, the default model.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::fields::{
    put_list, put_user_metadata, set_strings, set_text, set_user_metadata, strings,
};
use super::models::Props;
use crate::tfplugin::Value;

/// Arguments `set` accepts on a running server.
pub const LIVE: &[&str] = &["name", "cpu", "persistent", "tags", "user_metadata"];
/// Arguments whose change needs the server stopped.
pub const NEEDS_STOP: &[&str] = &["smp", "mem", "drive", "boot", "nic"];

/// True for `ide:B:U` (B, U in 0-1), `scsi:0:U` (U in 0-7) and `block:I` (I in 0-7).
pub fn is_device(name: &str) -> bool {
    let parts: Vec<&str> = name.split(':').collect();
    let digit =
        |s: &str, max: u8| matches!(s.as_bytes(), [d] if d.is_ascii_digit() && d - b'0' <= max);
    match parts.as_slice() {
        ["ide", bus, unit] => digit(bus, 1) && digit(unit, 1),
        ["scsi", bus, unit] => digit(bus, 0) && digit(unit, 7),
        ["block", index] => digit(index, 7),
        _ => false,
    }
}

fn number_text(v: &Value) -> Option<String> {
    v.as_i64()
        .map(|n| n.to_string())
        .or_else(|| v.as_f64().map(|f| f.to_string()))
}

/// Every configuration key of `planned` (for create, and `set` on a stopped server, which
/// replaces the whole configuration: keys left out are removed).
pub fn full_body(prior: &Value, planned: &Value) -> Map<String, Json> {
    let mut body = live_body(prior, planned);
    for key in ["smp", "mem"] {
        if let Some(n) = number_text(planned.get(key)) {
            body.insert(key.into(), n.into());
        }
    }
    for d in planned.get("drive").elements() {
        let (Some(dev), Some(uuid)) = (d.get("device").as_str(), d.get("drive_uuid").as_str())
        else {
            continue;
        };
        body.insert(dev.into(), uuid.into());
        if let Some(media) = d.get("media").as_str() {
            body.insert(format!("{dev}:media"), media.into());
        }
    }
    let boot = strings(planned.get("boot"));
    if !boot.is_empty() {
        body.insert("boot".into(), boot.join(" ").into());
    }
    for (i, nic) in planned.get("nic").elements().iter().enumerate() {
        for key in ["model", "dhcp", "vlan", "mac"] {
            if let Some(v) = nic.get(key).as_str() {
                body.insert(format!("nic:{i}:{key}"), v.into());
            }
        }
    }
    let vnc = planned.get("vnc");
    if let Some(ip) = vnc.get("ip").as_str() {
        body.insert("vnc:ip".into(), ip.into());
    }
    if vnc.get("tls").as_bool() == Some(true) {
        body.insert("vnc:tls".into(), "on".into());
    }
    put_list(&mut body, "avoid", planned.get("avoid"));
    body
}

/// The keys `set` accepts on a running server.
pub fn live_body(prior: &Value, planned: &Value) -> Map<String, Json> {
    let mut body = Map::new();
    body.insert(
        "name".into(),
        planned.get("name").as_str().unwrap_or_default().into(),
    );
    if let Some(n) = number_text(planned.get("cpu")) {
        body.insert("cpu".into(), n.into());
    }
    let persistent = planned.get("persistent").as_bool().unwrap_or(true);
    body.insert("persistent".into(), persistent.to_string().into());
    let tags = strings(planned.get("tags"));
    if !tags.is_empty() || !prior.get("tags").is_null() {
        body.insert("tags".into(), tags.join(" ").into());
    }
    put_user_metadata(
        &mut body,
        prior.get("user_metadata"),
        planned.get("user_metadata"),
    );
    let password = planned
        .get("vnc")
        .get("password")
        .as_str()
        .unwrap_or_default();
    if !password.is_empty() || !prior.get("vnc").get("password").is_null() {
        body.insert("vnc:password".into(), password.into());
    }
    body
}

/// Names of the changed arguments that need the server stopped.
pub fn restart_reasons(prior: &Value, planned: &Value) -> Vec<String> {
    let mut reasons: Vec<String> = NEEDS_STOP
        .iter()
        .filter(|k| !planned.get(k).same_as(prior.get(k)))
        .map(|k| k.to_string())
        .collect();
    let (old, new) = (prior.get("vnc"), planned.get("vnc"));
    for key in ["ip", "tls"] {
        if !new.get(key).same_as(old.get(key)) {
            reasons.push(format!("vnc.{key}"));
        }
    }
    reasons
}

/// True when any argument `set` accepts live changed.
pub fn live_changes(prior: &Value, planned: &Value) -> bool {
    LIVE.iter().any(|k| !planned.get(k).same_as(prior.get(k)))
        || !planned
            .get("vnc")
            .get("password")
            .same_as(prior.get("vnc").get("password"))
}

fn looks_like_address(text: &str) -> bool {
    text.parse::<std::net::IpAddr>().is_ok()
}

fn drives_state(base: &Value, props: &Props) -> Value {
    let mut found: BTreeMap<String, String> = props
        .0
        .keys()
        .filter(|k| is_device(k))
        .filter_map(|k| Some((k.clone(), props.text(k)?)))
        .collect();
    let mut out = Vec::new();
    let mut push = |dev: &str, uuid: String, old: &Value| {
        let mut media = props.text(&format!("{dev}:media"));
        if media.as_deref() == Some("disk") && old.get("media").is_null() {
            media = None;
        }
        let media = media.or_else(|| {
            old.get("media")
                .as_str()
                .filter(|m| *m == "disk")
                .map(str::to_string)
        });
        out.push(Value::Object(BTreeMap::from([
            ("device".to_string(), Value::String(dev.to_string())),
            ("drive_uuid".to_string(), Value::String(uuid)),
            ("media".to_string(), media.into()),
        ])));
    };
    for old in base.get("drive").elements() {
        let Some(dev) = old.get("device").as_str() else {
            continue;
        };
        if let Some(uuid) = found.remove(dev) {
            push(dev, uuid, old);
        }
    }
    for (dev, uuid) in found {
        push(&dev, uuid, &Value::Null);
    }
    Value::List(out)
}

fn nics_state(base: &Value, props: &Props) -> Value {
    let mut indices: Vec<usize> = props
        .0
        .keys()
        .filter_map(|k| k.strip_prefix("nic:")?.split(':').next()?.parse().ok())
        .collect();
    indices.sort_unstable();
    indices.dedup();
    let old_nics = base.get("nic").elements();
    let mut out = Vec::new();
    for i in indices {
        let old = old_nics.get(i).unwrap_or(&Value::Null);
        let api = |k: &str| props.text(&format!("nic:{i}:{k}"));
        let mut nic = BTreeMap::new();
        let model = match api("model") {
            Some(m) if m == "e1000" && old.get("model").is_null() && !base.get("nic").is_null() => {
                None
            }
            other => other,
        };
        nic.insert("model".to_string(), model.into());
        let dhcp = match (api("dhcp"), old.get("dhcp").as_str()) {
            (Some(runtime), Some("auto")) if looks_like_address(&runtime) => {
                Some("auto".to_string())
            }
            (None, Some("auto")) => Some("auto".to_string()),
            (api, _) => api,
        };
        nic.insert("dhcp".to_string(), dhcp.into());
        nic.insert("vlan".to_string(), api("vlan").into());
        let mac = if old.get("mac").is_null() && !base.get("nic").is_null() {
            None
        } else {
            api("mac")
        };
        nic.insert("mac".to_string(), mac.into());
        out.push(Value::Object(nic));
    }
    Value::List(out)
}

fn vnc_state(base: &Value, props: &Props) -> Value {
    let old = base.get("vnc");
    let ip = props.text("vnc:ip");
    let password = props
        .text("vnc:password")
        .or_else(|| old.get("password").as_str().map(str::to_string));
    if let Some(secret) = &password {
        crate::tfplugin::log::register_secret(secret);
    }
    let tls = props.text("vnc:tls").map(|t| t == "on");
    if old.is_null() && ip.is_none() && password.is_none() && tls.is_none() {
        return Value::Null;
    }
    let ip = match (ip, old.get("ip").as_str()) {
        (Some(runtime), Some("auto")) if looks_like_address(&runtime) => Some("auto".to_string()),
        (None, Some(configured)) => Some(configured.to_string()),
        (api, _) => api,
    };
    let tls = match tls {
        None if old.get("tls").is_null() => Value::Null,
        Some(false) if old.get("tls").is_null() => Value::Null,
        other => Value::Bool(other.unwrap_or(false)),
    };
    Value::Object(BTreeMap::from([
        ("ip".to_string(), ip.into()),
        ("password".to_string(), password.into()),
        ("tls".to_string(), tls),
    ]))
}

/// The state of server `props`; what the API does not report is kept from `base`.
pub fn server_state(base: &Value, props: &Props, empty: Value) -> Value {
    let mut s = if base.is_null() { empty } else { base.clone() };
    set_text(&mut s, "id", props.id("server"));
    set_text(&mut s, "name", props.text("name"));
    for key in ["cpu", "mem", "smp"] {
        if let Some(n) = props.int(key) {
            s.set(key, n);
        } else if s.get(key).is_unknown() {
            s.set(key, Value::Null);
        }
    }
    let persistent = props
        .0
        .get("persistent")
        .and_then(crate::support::lenient::value::bool_of);
    let persistent = persistent.or_else(|| s.get("persistent").as_bool());
    s.set("persistent", persistent.unwrap_or(false));
    s.set("drive", drives_state(base, props));
    let boot = props.list("boot");
    if boot.is_empty() && (s.get("boot").is_null() || s.get("boot").is_unknown()) {
        s.set("boot", Value::Null);
    } else {
        s.set("boot", Value::string_list(boot));
    }
    s.set("nic", nics_state(base, props));
    s.set("vnc", vnc_state(base, props));
    set_strings(&mut s, "tags", props.list("tags"));
    set_user_metadata(&mut s, props);
    let status = props.text("status").unwrap_or_else(|| "stopped".into());
    s.set(
        "power_state",
        if status == "active" {
            "running"
        } else {
            "stopped"
        },
    );
    s.set("status", status.clone());
    s.set(
        "started",
        if status == "active" {
            props.int("started").into()
        } else {
            Value::Null
        },
    );
    let runtime_ip = props.text("nic:0:dhcp").filter(|t| looks_like_address(t));
    s.set(
        "ip",
        if status == "active" {
            runtime_ip.into()
        } else {
            Value::Null
        },
    );
    let vnc_ip = props.text("vnc:ip").filter(|t| looks_like_address(t));
    s.set(
        "vnc_ip",
        if status == "active" {
            vnc_ip.into()
        } else {
            Value::Null
        },
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices() {
        for ok in ["ide:0:0", "ide:1:1", "scsi:0:7", "block:7"] {
            assert!(is_device(ok), "{ok}");
        }
        for bad in [
            "ide:2:0",
            "scsi:1:0",
            "block:8",
            "nic:0:model",
            "ide:0:0:media",
            "ide",
        ] {
            assert!(!is_device(bad), "{bad}");
        }
    }
}
