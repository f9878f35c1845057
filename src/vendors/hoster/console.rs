//! `ephemeral "hoster_vm_console"` (Terraform 1.10+): a noVNC console URL for a VM
//! (`GET datacenter/server/{sid}/console`) or a dedicated server
//! (`GET datacenter/dedicated/{sid}/console`). The URL carries a VNC ticket valid for seconds,
//! so it is opened for one run and never written to plan or state.

use async_trait::async_trait;

use super::api::{HosterClient, CREDENTIALS};
use crate::support::diag::api_error_diag;
use crate::tfplugin::provider::{Ctx, EphemeralResource, Opened};
use crate::tfplugin::{AttrPath, Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct VmConsole;

pub fn schema() -> Schema {
    Schema::new(
        Block::new("A noVNC console URL for a HosterAPI VM or dedicated server, opened for one Terraform run and never stored (Terraform 1.10 and later). HosterAPI's VNC ticket expires about 10 seconds after the URL is made, so use it at once (e.g. hand it to a provisioner or an output of an ephemeral-aware tool).")
            .attr(Attribute::optional("vm_id", Type::String).describe("Id of the VM. Exactly one of `vm_id` and `dedicated_id` is required."))
            .attr(Attribute::optional("dedicated_id", Type::String).describe("Id of the dedicated server. Exactly one of `vm_id` and `dedicated_id` is required."))
            .attr(Attribute::computed("url", Type::String).sensitive().describe("The console URL, ready to embed; it contains the VNC ticket.")),
    )
}

#[async_trait]
impl EphemeralResource<HosterClient> for VmConsole {
    fn type_name(&self) -> &'static str {
        "hoster_vm_console"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let (vm, dedicated) = (config.get("vm_id"), config.get("dedicated_id"));
        if vm.is_unknown() || dedicated.is_unknown() {
            return;
        }
        if vm.is_null() == dedicated.is_null() {
            diags.attr_error(
                AttrPath::attr("vm_id"),
                "One machine is needed",
                "Set exactly one of `vm_id` and `dedicated_id`.",
            );
        }
    }

    async fn open(
        &self,
        ctx: &Ctx<HosterClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Opened {
        let mut result = config.clone();
        let (kind, text) = match (
            config.get("vm_id").as_str(),
            config.get("dedicated_id").as_str(),
        ) {
            (Some(vm), _) => ("vm_id", vm),
            (None, Some(d)) => ("dedicated_id", d),
            (None, None) => ("vm_id", ""),
        };
        let Ok(id) = text.trim().parse::<i64>() else {
            diags.attr_error(
                AttrPath::attr(kind),
                "Invalid server id",
                format!("{kind} must be a numeric id, not {text:?}."),
            );
            return Opened {
                result,
                private: None,
                renew_at: None,
            };
        };
        let answer = if kind == "vm_id" {
            ctx.client.vm_console(id).await
        } else {
            ctx.client.dedicated_console(id).await
        };
        match answer {
            Ok(url) => {
                crate::tfplugin::log::register_secret(&url);
                result.set("url", url);
            }
            Err(e) => api_error_diag(
                diags,
                &format!("Cannot open the console of HosterAPI server {id}"),
                &e,
                CREDENTIALS,
            ),
        }
        Opened {
            result,
            private: None,
            renew_at: None,
        }
    }
}
