//! A valid configuration of every type, for the bad-input cases to spoil one attribute of:
//! required attributes from a table of sample values by name, plus what each type needs
//! beyond its required attributes.

use crate::tfplugin::schema::Block;
use crate::tfplugin::{Type, Value};

/// A valid value for a required attribute, by name; `None` for names not in the table.
fn sample(name: &str, ty: &Type) -> Option<Value> {
    let text = match name {
        "product" => "hh-1",
        "location" => "AMS",
        "billing" => "monthly",
        "image" => "ubuntu-24.04",
        "hostname" => "web-1.example.com",
        "description" => "laptop",
        "value" => "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostformExampleKey me@laptop",
        "template" => "debian-12",
        "server" => "101",
        "package" => "docker",
        "disk" => "20G",
        "vm_id" => "101",
        "name" => "bad-input",
        "size" => "10G",
        "server_id" | "id" | "distribution_id" | "ip_id" => "7",
        "ip_type" => "l3",
        "dns" => "host.example.com",
        "device" => "ide:0:0",
        "drive_uuid" => "08c92dd5-70a0-4f51-83d2-835919d254df",
        _ => {
            let number = match name {
                "market_id" => 3,
                "cpu_cores" => 2,
                "memory" => 2048,
                "ip_count" => 1,
                "cpu" => 2000,
                "mem" => 2048,
                _ => return None,
            };
            return (*ty == Type::Number).then(|| Value::from(number as i64));
        }
    };
    (*ty == Type::String).then(|| Value::from(text))
}

/// Arguments a type needs beyond its required attributes to be valid.
fn extras(type_name: &str) -> Vec<(&'static str, Value)> {
    match type_name {
        "hoster_software" => vec![("password", "s3cret-pass".into())],
        t if t.ends_with("_reverse_dns") => vec![("ip_id", "7".into())],
        "hoster_vm_console" => vec![("vm_id", "101".into())],
        // The data sources of these names need `id` or `name`; the resources need `name`.
        "openhosting_drive" | "openhosting_server" => vec![("name", "bad-input".into())],
        _ => Vec::new(),
    }
}

/// A valid configuration of `type_name`: every required attribute from the sample table
/// (an error names one missing from it), then the type's extras.
pub fn valid_config(type_name: &str, block: &Block) -> Result<Value, String> {
    let mut config = Value::null_object(&block.implied_type());
    for attr in block.attributes.iter().filter(|a| a.required) {
        let value = sample(attr.name, &attr.ty).ok_or_else(|| {
            format!(
                "{type_name}: no sample value for required {:?} ({:?})",
                attr.name, attr.ty
            )
        })?;
        config.set(attr.name, value);
    }
    for (name, value) in extras(type_name) {
        config.set(name, value);
    }
    Ok(config)
}
