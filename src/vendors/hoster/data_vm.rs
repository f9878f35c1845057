//! `data "hoster_vm"`: one VM by id (`GET datacenter/server/{sid}/config` and `/status`). Also
//! holds the VM object shape shared with `hoster_vms`.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::api::{is_gone, HosterClient, CREDENTIALS};
use super::jobs::power_state_of;
use crate::support::diag::api_error_diag;
use crate::support::ApiError;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{AttrPath, Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct VmDataSource;

/// The attributes every VM shows: name, type, description.
pub const VM_FIELDS: &[(&str, &str, &str)] = &[
    ("template", "string", "OS template name, e.g. `Debian10.0`."),
    ("cpu_cores", "number", "Number of CPU cores."),
    ("memory", "number", "Memory in MB."),
    (
        "disk",
        "string",
        "Root disk size as HosterAPI reports it, e.g. `100G`.",
    ),
    ("ip_count", "number", "Number of IPv4 addresses."),
    ("ips", "list", "IP addresses (IPv4 and IPv6)."),
    (
        "status",
        "string",
        "State as HosterAPI reports it, e.g. `running`.",
    ),
    (
        "power_state",
        "string",
        "`running` or `stopped` (null for other states).",
    ),
];

fn field_type(kind: &str) -> Type {
    match kind {
        "number" => Type::Number,
        "list" => Type::list(Type::String),
        _ => Type::String,
    }
}

/// The object type of one VM in `hoster_vms`.
pub fn vm_object_type() -> Type {
    let mut attrs: BTreeMap<String, Type> = VM_FIELDS
        .iter()
        .map(|(n, k, _)| (n.to_string(), field_type(k)))
        .collect();
    attrs.insert("id".into(), Type::String);
    Type::Object(attrs)
}

/// VM `id` as an object of [`vm_object_type`]; `None` when it is gone.
pub async fn vm_object(client: &HosterClient, id: i64) -> Result<Option<Value>, ApiError> {
    let config = match client.vm_config(id).await {
        Err(e) if is_gone(&e) => return Ok(None),
        other => other?,
    };
    let status = match client.vm_status(id).await {
        Err(e) if is_gone(&e) => return Ok(None),
        other => other?,
    };
    let mut v = Value::null_object(&vm_object_type());
    v.set("id", id.to_string());
    v.set("template", config.template.clone());
    v.set("cpu_cores", config.cpu_cores);
    v.set("memory", config.mem);
    v.set("disk", config.disk.clone());
    v.set("ip_count", config.ipv4s().len() as i64);
    v.set("ips", Value::string_list(config.ips.clone()));
    v.set(
        "power_state",
        status.state.as_deref().and_then(power_state_of),
    );
    v.set("status", status.state);
    Ok(Some(v))
}

pub fn schema() -> Schema {
    let mut block = Block::new("One HosterAPI VM, looked up by id.")
        .attr(Attribute::required("id", Type::String).describe("The VM id, e.g. `4001`."));
    for (name, kind, description) in VM_FIELDS {
        block = block.attr(Attribute::computed(name, field_type(kind)).describe(description));
    }
    Schema::new(block)
}

#[async_trait]
impl DataSource<HosterClient> for VmDataSource {
    fn type_name(&self) -> &'static str {
        "hoster_vm"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(
        &self,
        ctx: &Ctx<HosterClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let text = config
            .get("id")
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_string();
        let Ok(id) = text.parse::<i64>() else {
            diags.attr_error(
                AttrPath::attr("id"),
                "Invalid HosterAPI VM id",
                format!("id must be a numeric VM id such as 4001, not {text:?}."),
            );
            return Value::Null;
        };
        match vm_object(&ctx.client, id).await {
            Ok(Some(mut v)) => {
                if let Value::Object(attrs) = &mut v {
                    attrs.insert("id".into(), Value::from(text));
                }
                v
            }
            Ok(None) => {
                diags.attr_error(
                    AttrPath::attr("id"),
                    format!("No HosterAPI VM {id}"),
                    format!("The account has no VM with id {id}."),
                );
                Value::Null
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read HosterAPI VM {id}"),
                    &e,
                    CREDENTIALS,
                );
                Value::Null
            }
        }
    }
}
