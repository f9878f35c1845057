//! Terrahost/Gigahost wire types, written from the vendors' API pages and decoded leniently:
//! ids and sizes arrive as strings (`"srv_id":"111"`) or numbers (`"snap_id": 123`), flags as
//! `true` or `"0"`, and a server detail comes as a one-element list.

use serde::Deserialize;
use serde_json::Value as Json;

use crate::support::lenient::{
    de_opt_bool_lenient, de_opt_i64_lenient, de_opt_string_lenient, parse_tolerant_json, value,
};

/// `{"meta": {...}, "data": ...}`.
#[derive(Debug, Default, Deserialize)]
pub struct Envelope {
    #[serde(default)]
    pub meta: Json,
    #[serde(default)]
    pub data: Json,
}

/// The vendor's message in an error body: `meta.message`, else `message` or `error`.
pub fn error_message(body: &str) -> Option<String> {
    let json = parse_tolerant_json(body).ok()?;
    json.get("meta")
        .and_then(|m| m.get("message"))
        .or_else(|| json.get("message"))
        .or_else(|| json.get("error"))
        .and_then(value::string_of)
        .filter(|m| !m.trim().is_empty())
}

/// One IPv4 address of a server.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Ip {
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub ip_id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub sub_id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub ip_v4v6: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub ip_address: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub ip_reverse: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub ip_type: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub ip_netmask: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub ip_gateway: Option<String>,
}

/// One IPv6 subnet of a server (its `sub_ns` is the NS delegation).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Subnet {
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub sub_id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub sub_cidr: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub sub_ns: Option<String>,
}

/// The `os` object of a server.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Os {
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub os_id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub os_name: Option<String>,
}

/// A server of `GET /servers` or `GET /servers/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Server {
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub srv_id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub srv_label: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub srv_name: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub srv_hostname: Option<String>,
    #[serde(default, deserialize_with = "de_opt_bool_lenient")]
    pub srv_status: Option<bool>,
    #[serde(default, deserialize_with = "de_opt_bool_lenient")]
    pub srv_status_install: Option<bool>,
    #[serde(default, deserialize_with = "de_opt_bool_lenient")]
    pub srv_suspended: Option<bool>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub srv_type: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub srv_vps_type: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub srv_location: Option<String>,
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub srv_cores: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub srv_ram: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub srv_primary_ip: Option<String>,
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub os_id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub iso_id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub product_id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub srv_deleted: Option<i64>,
    #[serde(default, deserialize_with = "de_nullable")]
    pub os: Option<Os>,
    #[serde(default, deserialize_with = "de_list")]
    pub ips: Vec<Ip>,
    #[serde(default, deserialize_with = "de_list")]
    pub subnets: Vec<Subnet>,
}

impl Server {
    /// The primary IPv4 address: `srv_primary_ip`, else the IP typed `primary`.
    pub fn primary_ip(&self) -> Option<String> {
        self.srv_primary_ip
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| {
                self.ips
                    .iter()
                    .find(|ip| ip.ip_type.as_deref() == Some("primary"))
                    .and_then(|ip| ip.ip_address.clone())
            })
    }

    pub fn installing(&self) -> bool {
        self.srv_status_install == Some(true)
    }

    pub fn is_deleted(&self) -> bool {
        self.srv_deleted.is_some_and(|d| d != 0)
    }
}

/// A snapshot of `GET /servers/{id}/snapshots`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Snapshot {
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub snap_id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub snap_name: Option<String>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub snap_display_name: Option<String>,
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub snap_time: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub snap_state: Option<String>,
}

/// `data` of `POST /authenticate`.
#[derive(Debug, Clone, Deserialize)]
pub struct Login {
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub token: Option<String>,
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub token_expire: Option<i64>,
}

/// A list that may also arrive as `null` or as an object keyed by index.
fn de_list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let json = Json::deserialize(d)?;
    let items: Vec<Json> = match json {
        Json::Null => Vec::new(),
        Json::Array(items) => items,
        Json::Object(m) => m.into_iter().map(|(_, v)| v).collect(),
        other => {
            return Err(serde::de::Error::custom(format!(
                "expected a list, got {other}"
            )))
        }
    };
    items
        .into_iter()
        .map(|item| serde_json::from_value(item).map_err(serde::de::Error::custom))
        .collect()
}

/// An object that may arrive as `null`, `[]` or `false` meaning "none".
fn de_nullable<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    match Json::deserialize(d)? {
        Json::Object(m) => serde_json::from_value(Json::Object(m))
            .map(Some)
            .map_err(serde::de::Error::custom),
        _ => Ok(None),
    }
}

/// A generic record (catalogue entries): every field as text.
pub fn text_fields(json: &Json) -> std::collections::BTreeMap<String, String> {
    match json {
        Json::Object(m) => m
            .iter()
            .filter_map(|(k, v)| value::string_of(v).map(|s| (k.clone(), s)))
            .collect(),
        _ => Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_server_shapes_decode() {
        let s: Server = serde_json::from_str(
            r#"{"srv_id":"3523","srv_status":true,"srv_status_install":"0","srv_cores":"2",
               "os":{"os_id":"72","os_name":"Ubuntu"},"ips":[{"ip_id":"7795","ip_type":"primary","ip_address":"1.2.3.4"}],
               "ipmi_session":null,"cancelled":null}"#,
        )
        .unwrap();
        assert_eq!(s.srv_id, Some(3523));
        assert_eq!(s.srv_cores, Some(2));
        assert!(!s.installing());
        assert_eq!(s.primary_ip().as_deref(), Some("1.2.3.4"));
        let snap: Snapshot =
            serde_json::from_str(r#"{"snap_id": 123, "srv_id": 999, "snap_state": "pending"}"#)
                .unwrap();
        assert_eq!(snap.snap_id, Some(123));
    }

    #[test]
    fn error_messages_come_from_meta() {
        assert_eq!(
            error_message(r#"{"meta":{"status":401,"message":"Token expired",}}"#).as_deref(),
            Some("Token expired")
        );
    }
}
