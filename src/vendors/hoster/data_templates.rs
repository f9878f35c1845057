//! `data "hoster_templates"`: the OS templates VMs can be created with
//! (`GET datacenter/templates`).

use async_trait::async_trait;

use super::api::{HosterClient, CREDENTIALS};
use crate::support::diag::api_error_diag;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct TemplatesDataSource;

pub fn schema() -> Schema {
    Schema::new(
        Block::new("The OS templates a `hoster_vm` can be created or reinstalled with.")
            .attr(Attribute::computed("id", Type::String).describe("Always `templates`."))
            .attr(Attribute::optional("name_contains", Type::String).describe(
                "Only templates whose name contains this text (case-insensitive), e.g. `debian`.",
            ))
            .attr(
                Attribute::computed("templates", Type::list(Type::String))
                    .describe("Template names, e.g. `Debian10.0`, in the vendor's order."),
            ),
    )
}

/// The names of `all` containing `filter` (case-insensitive), or all of them.
pub fn filter_names(all: Vec<String>, filter: Option<&str>) -> Vec<String> {
    let Some(filter) = filter.map(str::to_ascii_lowercase) else {
        return all;
    };
    all.into_iter()
        .filter(|t| t.to_ascii_lowercase().contains(&filter))
        .collect()
}

#[async_trait]
impl DataSource<HosterClient> for TemplatesDataSource {
    fn type_name(&self) -> &'static str {
        "hoster_templates"
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
        match ctx.client.templates().await {
            Ok(all) => {
                let mut state = config.clone();
                state.set("id", "templates");
                let names = filter_names(all, config.get("name_contains").as_str());
                state.set("templates", Value::string_list(names));
                state
            }
            Err(e) => {
                api_error_diag(diags, "Cannot list HosterAPI templates", &e, CREDENTIALS);
                Value::Null
            }
        }
    }
}
