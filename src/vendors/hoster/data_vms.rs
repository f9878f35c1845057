//! `data "hoster_vms"`: every VM of the account (`GET datacenter/server`), each read with its
//! config and status.

use async_trait::async_trait;

use super::api::{HosterClient, CREDENTIALS};
use super::data_vm::{vm_object, vm_object_type};
use crate::support::diag::api_error_diag;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct VmsDataSource;

pub fn schema() -> Schema {
    Schema::new(
        Block::new("Every HosterAPI VM of the account, optionally only those with one template.")
            .attr(Attribute::computed("id", Type::String).describe("Always `vms`."))
            .attr(Attribute::optional("template", Type::String).describe("Only VMs with this template, e.g. `Debian10.0`."))
            .attr(Attribute::computed("ids", Type::list(Type::String)).describe("The ids of the listed VMs."))
            .attr(Attribute::computed("vms", Type::list(vm_object_type())).describe("The VMs, each with `id`, `template`, `cpu_cores`, `memory`, `disk`, `ip_count`, `ips`, `status` and `power_state`.")),
    )
}

#[async_trait]
impl DataSource<HosterClient> for VmsDataSource {
    fn type_name(&self) -> &'static str {
        "hoster_vms"
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
        let ids = match ctx.client.list_vms().await {
            Ok(ids) => ids,
            Err(e) => {
                api_error_diag(diags, "Cannot list HosterAPI VMs", &e, CREDENTIALS);
                return Value::Null;
            }
        };
        let template = config.get("template").as_str();
        let mut vms = Vec::new();
        for id in ids {
            match vm_object(&ctx.client, id).await {
                Ok(Some(vm)) if template.is_none_or(|t| vm.get("template").as_str() == Some(t)) => {
                    vms.push(vm)
                }
                Ok(_) => {}
                Err(e) => {
                    api_error_diag(
                        diags,
                        &format!("Cannot read HosterAPI VM {id}"),
                        &e,
                        CREDENTIALS,
                    );
                    return Value::Null;
                }
            }
        }
        let mut state = config.clone();
        state.set("id", "vms");
        state.set(
            "ids",
            Value::List(vms.iter().map(|v| v.get("id").clone()).collect()),
        );
        state.set("vms", Value::List(vms));
        state
    }
}
