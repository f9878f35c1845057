//! List data sources that show API records field by field, every value as text:
//! `<vendor>_distributions`, `<vendor>_operating_systems` (by distribution, filtered by
//! name), `<vendor>_upgrade_packages`, `<vendor>_isos` and `<vendor>_snapshots`.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{json, Value as Json};

use super::api::TerrahostClient;
use super::models::text_fields;
use super::{id_of, numeric_id, type_name, Brand};
use crate::support::diag::api_error_diag;
use crate::support::ApiError;
use crate::tfplugin::json::from_plain;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{Attribute, Block, Check, Diagnostics, Schema, Type, Value};

#[derive(Clone, Copy)]
enum Fetch {
    Distributions,
    OperatingSystems,
    Packages,
    Isos,
    Snapshots,
}

/// One list data source: where its records come from and which fields it shows.
pub struct ListDataSource {
    type_name: &'static str,
    description: &'static str,
    /// The numeric id argument it needs (`server_id`, `distribution_id`), if any.
    input: Option<(&'static str, &'static str)>,
    list: &'static str,
    /// `(API field, attribute, description)`.
    fields: &'static [(&'static str, &'static str, &'static str)],
    fetch: Fetch,
}

const SERVER_ID: (&str, &str) = ("server_id", "Id of the server to ask about.");

pub fn all(brand: Brand) -> Vec<Arc<dyn DataSource<TerrahostClient>>> {
    vec![
        Arc::new(ListDataSource {
            type_name: type_name!(brand, "distributions"),
            description: "The operating system distributions available for reinstalls.",
            input: None,
            list: "distributions",
            fields: &[("dist_id", "id", "Distribution id."), ("dist_name", "name", "Name, e.g. `Debian`."), ("dist_value", "value", "Short name, e.g. `debian`.")],
            fetch: Fetch::Distributions,
        }),
        Arc::new(ListDataSource {
            type_name: type_name!(brand, "operating_systems"),
            description: "The operating systems of one distribution, for `os_id` of a server; optionally only those whose name contains `name_contains`.",
            input: Some(("distribution_id", "Id of the distribution (see the `distributions` data source).")),
            list: "operating_systems",
            fields: &[("os_id", "id", "Operating system id, for `os_id`."), ("os_name", "name", "Name, e.g. `Debian 12 64-bit`."), ("os_release", "release", "Release family, e.g. `debian`."), ("os_dist", "version", "Version, e.g. `12`."), ("os_arch", "arch", "Architecture, e.g. `amd64`.")],
            fetch: Fetch::OperatingSystems,
        }),
        Arc::new(ListDataSource {
            type_name: type_name!(brand, "upgrade_packages"),
            description: "The packages a server can be upgraded to, for `package_id` of a server.",
            input: Some(SERVER_ID),
            list: "packages",
            fields: &[("pkg_id", "id", "Package id, for `package_id`."), ("pkg_name", "name", "Package name."), ("product_name", "product_name", "Product name, e.g. `KVM 4096`."), ("pkg_cores", "cores", "CPU cores."), ("pkg_ram", "ram", "Memory (MB)."), ("pkg_disk", "disk", "Disk (GB)."), ("product_price", "price", "Price per billing period.")],
            fetch: Fetch::Packages,
        }),
        Arc::new(ListDataSource {
            type_name: type_name!(brand, "isos"),
            description: "The ISO images uploaded to the account, for `iso_id` of a server.",
            input: Some(SERVER_ID),
            list: "isos",
            fields: &[("iso_id", "id", "ISO id, for `iso_id`."), ("iso_name", "name", "File name."), ("iso_url", "url", "Where it was uploaded from."), ("iso_state", "state", "Upload state, e.g. `uploading`."), ("iso_mounted", "mounted", "`1` when mounted on this server.")],
            fetch: Fetch::Isos,
        }),
        Arc::new(ListDataSource {
            type_name: type_name!(brand, "snapshots"),
            description: "The snapshots of a virtual server.",
            input: Some(SERVER_ID),
            list: "snapshots",
            fields: &[("snap_id", "id", "Snapshot id."), ("snap_display_name", "name", "Descriptive name."), ("snap_name", "snap_name", "Internal name."), ("snap_state", "state", "`pending` or `completed`."), ("snap_time", "created", "When it was taken (Unix timestamp).")],
            fetch: Fetch::Snapshots,
        }),
    ]
}

impl ListDataSource {
    fn record_type(&self) -> Type {
        Type::Object(
            self.fields
                .iter()
                .map(|(_, attr, _)| (attr.to_string(), Type::String))
                .collect(),
        )
    }

    fn list_description(&self) -> &'static str {
        match self.fetch {
            Fetch::Distributions => "The distributions, each with `id`, `name` and `value`.",
            Fetch::OperatingSystems => "The operating systems, each with `id`, `name`, `release`, `version` and `arch`.",
            Fetch::Packages => "The packages, each with `id`, `name`, `product_name`, `cores`, `ram`, `disk` and `price`.",
            Fetch::Isos => "The ISOs, each with `id`, `name`, `url`, `state` and `mounted`.",
            Fetch::Snapshots => "The snapshots, each with `id`, `name`, `snap_name`, `state` and `created`.",
        }
    }

    async fn records(&self, client: &TerrahostClient, input: i64) -> Result<Vec<Json>, ApiError> {
        match self.fetch {
            Fetch::Distributions => client.distributions().await,
            Fetch::OperatingSystems => client.operating_systems(input).await,
            Fetch::Packages => client.upgrade_packages(input).await,
            Fetch::Isos => client.isos(input).await,
            Fetch::Snapshots => {
                let response = client.list_snapshots(input).await?;
                Ok(response
                    .into_iter()
                    .map(|s| json!({"snap_id": s.snap_id, "snap_display_name": s.snap_display_name, "snap_name": s.snap_name, "snap_state": s.snap_state, "snap_time": s.snap_time}))
                    .collect())
            }
        }
    }
}

#[async_trait]
impl DataSource<TerrahostClient> for ListDataSource {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> Schema {
        let mut block = Block::new(self.description)
            .attr(Attribute::computed("id", Type::String).describe("An id for this lookup."));
        if let Some((name, description)) = self.input {
            block = block.attr(
                Attribute::required(name, Type::String)
                    .check(Check::Custom(numeric_id))
                    .describe(description),
            );
        }
        if matches!(self.fetch, Fetch::OperatingSystems) {
            block = block.attr(Attribute::optional("name_contains", Type::String).describe("Only operating systems whose name contains this text (case-insensitive), e.g. `Debian 12`."));
        }
        Schema::new(
            block.attr(
                Attribute::computed(self.list, Type::list(self.record_type()))
                    .describe(self.list_description()),
            ),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<TerrahostClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let input = self
            .input
            .and_then(|(name, _)| id_of(config, name))
            .unwrap_or(0);
        let records = match self.records(&ctx.client, input).await {
            Ok(r) => r,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read {}", self.type_name),
                    &e,
                    &ctx.client.credentials(),
                );
                return Value::Null;
            }
        };
        let filter = config.get("name_contains").as_str().map(str::to_lowercase);
        let rows: Vec<Json> = records
            .iter()
            .map(text_fields)
            .filter(|f| {
                filter.as_deref().is_none_or(|want| {
                    f.get("os_name")
                        .is_some_and(|n| n.to_lowercase().contains(want))
                })
            })
            .map(|f| {
                Json::Object(
                    self.fields
                        .iter()
                        .map(|(key, attr, _)| {
                            (
                                attr.to_string(),
                                f.get(*key).map_or(Json::Null, |v| Json::from(v.as_str())),
                            )
                        })
                        .collect(),
                )
            })
            .collect();
        let mut state = config.clone();
        state.set("id", format!("{}/{input}", self.list));
        match from_plain(&Json::Array(rows), &Type::list(self.record_type())) {
            Ok(v) => state.set(self.list, v),
            Err(e) => diags.error(format!("Cannot represent {}", self.type_name), e),
        }
        state
    }
}
