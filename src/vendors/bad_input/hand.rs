//! Hand-written bad-input cases of each resource type: conflicting arguments, impossible
//! changes of an existing object, and values only the vendor's rules make invalid. Every
//! resource type must have an entry here, so a new type cannot go without.

use super::generated::{Case, Expect};
use crate::tfplugin::Value;

fn set_of(items: &[&str]) -> Value {
    Value::Set(items.iter().map(|s| Value::from(*s)).collect())
}

/// A case planned as an update of an existing object whose state has `prior` changes.
fn change(at: &'static str, what: &str, value: Value, prior: Vec<(&'static str, Value)>) -> Case {
    Case {
        prior: Some(prior),
        ..Case::error(vec![at], what, value)
    }
}

/// A case setting `also` besides the bad value; the error is expected at `error_at`.
fn conflict(
    at: &'static str,
    value: Value,
    also: Vec<(&'static str, Value)>,
    error_at: &str,
    what: &str,
) -> Case {
    Case {
        also,
        expect: Expect::ErrorAt(error_at.into()),
        ..Case::error(vec![at], what, value)
    }
}

/// The cases of `type_name`, or `None` when it has none yet.
pub fn cases(type_name: &str) -> Option<Vec<Case>> {
    let brand_type = type_name
        .strip_prefix("terrahost_")
        .or_else(|| type_name.strip_prefix("gigahost_"));
    Some(match (type_name, brand_type) {
        ("hosthatch_server", _) => vec![
            Case::error(vec!["hostname"], "hostname with a space", "web 1".into()),
            Case::error(vec!["hostname"], "hostname label over 63 characters", format!("{}.example.com", "a".repeat(64)).into()),
            Case::error(vec!["hostname"], "hostname starting with a dash", "-web".into()),
            Case::error(vec!["ssh_key_ids"], "ssh_key_ids with a fraction", Value::Set(vec![1.5f64.into()])),
            change("product", "product changed to one that is no upgrade", "hh-tiny".into(), vec![("available_upgrades", Value::List(vec!["hh-2".into()]))]),
        ],
        ("hosthatch_ssh_key", _) => vec![
            Case::error(vec!["value"], "value that is no public key", "hello".into()),
            Case::error(vec!["value"], "value that is a private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----".into()),
        ],
        ("hoster_vm", _) => vec![
            Case::error(vec!["disk"], "disk of zero", "0G".into()),
            Case::error(vec!["rdns"], "rdns keyed by a non-address", Value::Map([("not-an-ip".to_string(), Value::from("a.example.com"))].into_iter().collect())),
            change("disk", "disk shrunk", "10G".into(), vec![("disk", "20G".into())]),
            change("ip_count", "ip_count lowered", 1i64.into(), vec![("ip_count", 2i64.into())]),
            Case {
                also: vec![("template", "ubuntu-24.04".into())],
                ..change("restore_backup", "template and restore_backup changed together", 5i64.into(), vec![])
            },
        ],
        ("hoster_dedicated_server", _) => vec![
            Case::error(vec!["hostname"], "hostname with a space", "db 1".into()),
        ],
        ("hoster_software", _) => vec![
            conflict("password_wo", "other".into(), vec![], "password_wo", "password and password_wo both set"),
            conflict("password", Value::Null, vec![], "password", "neither password nor password_wo"),
        ],
        ("hoster_vm_backup", _) => vec![],
        ("openhosting_drive", _) => vec![
            Case::error(vec!["size"], "size with an unknown unit", "10Q".into()),
            Case::error(vec!["size"], "size of zero", "0".into()),
            conflict("source_file", "/etc/hostname".into(), vec![("source_drive", "08c92dd5-70a0-4f51-83d2-835919d254df".into())], "source_file", "source_drive and source_file both set"),
            conflict("conversion", "gunzip".into(), vec![], "conversion", "conversion without source_drive"),
            Case::error(vec!["source_file"], "source_file that does not exist", "/no/such/file.img".into()),
            Case::error(vec!["source_file"], "source_file that is a directory", "/".into()),
            Case::error(vec!["readers"], "readers with an empty name", set_of(&[""])),
        ],
        ("openhosting_server", _) => vec![
            change("persistent", "a change that stops a running non-persistent server", false.into(), vec![("persistent", false.into()), ("status", "active".into()), ("mem", 1024i64.into())]),
        ],
        ("openhosting_ip", _) | ("openhosting_vlan", _) => vec![],
        (_, Some("reverse_dns")) => vec![
            conflict("subnet_id", "8".into(), vec![], "ip_id", "ip_id and subnet_id both set"),
            conflict("ip_id", Value::Null, vec![], "ip_id", "neither ip_id nor subnet_id"),
            Case::error(vec!["dns"], "dns with a space", "host name.example.com".into()),
        ],
        (_, Some("server")) => vec![
            Case::error(vec!["server_id"], "server_id negative", "-3".into()),
            change("hostname", "hostname changed without os_id", "other.example.com".into(), vec![("hostname", "web.example.com".into())]),
        ],
        (_, Some("snapshot")) | (_, Some("ipv4")) => vec![
            Case::error(vec!["server_id"], "server_id negative", "-3".into()),
            Case::error(vec!["server_id"], "server_id beyond 64 bits", "99999999999999999999".into()),
        ],
        _ => return None,
    })
}
