//! The small list data sources: `hoster_dedicated_templates`
//! (`GET datacenter/dedicated/templates`), `hoster_software_packages` (`GET software/list`),
//! `hoster_vm_backups` (`GET datacenter/server/{sid}/backups/list`) and `hoster_vm_incidents`
//! (`GET datacenter/server/{sid}/incidents`).

use async_trait::async_trait;
use serde_json::Value as Json;

use super::api::{HosterClient, CREDENTIALS};
use super::data_templates::filter_names;
use crate::support::diag::api_error_diag;
use crate::support::lenient::value::string_of;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{AttrPath, Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct DedicatedTemplatesDataSource;
pub struct SoftwarePackagesDataSource;
pub struct VmBackupsDataSource;
pub struct VmIncidentsDataSource;

fn vm_of(config: &Value, diags: &mut Diagnostics) -> Option<i64> {
    let text = config
        .get("vm_id")
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_string();
    let id = text.parse().ok();
    if id.is_none() {
        diags.attr_error(
            AttrPath::attr("vm_id"),
            "Invalid HosterAPI VM id",
            format!("vm_id must be a numeric VM id such as 4001, not {text:?}."),
        );
    }
    id
}

#[async_trait]
impl DataSource<HosterClient> for DedicatedTemplatesDataSource {
    fn type_name(&self) -> &'static str {
        "hoster_dedicated_templates"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new("The templates a `hoster_dedicated_server` can be installed with.")
                .attr(Attribute::computed("id", Type::String).describe("Always `dedicated_templates`."))
                .attr(Attribute::optional("name_contains", Type::String).describe("Only templates whose name contains this text (case-insensitive), e.g. `debian`."))
                .attr(Attribute::computed("templates", Type::list(Type::String)).describe("Template names, e.g. `Debian Buster`, duplicates removed.")),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<HosterClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        match ctx.client.dedicated_templates().await {
            Ok(all) => {
                let mut names: Vec<String> = Vec::new();
                for n in filter_names(all, config.get("name_contains").as_str()) {
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
                let mut state = config.clone();
                state.set("id", "dedicated_templates");
                state.set("templates", Value::string_list(names));
                state
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    "Cannot list HosterAPI dedicated templates",
                    &e,
                    CREDENTIALS,
                );
                Value::Null
            }
        }
    }
}

/// Package names from `software/list`, whose shape the document does not show: a list of
/// names, of objects with a `name`/`package`/`id`, or an object keyed by name.
pub fn package_names(json: &Json) -> Vec<String> {
    match json {
        Json::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Json::Object(o) => ["package", "name", "id"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(string_of)),
                other => string_of(other),
            })
            .collect(),
        Json::Object(o) => o.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

#[async_trait]
impl DataSource<HosterClient> for SoftwarePackagesDataSource {
    fn type_name(&self) -> &'static str {
        "hoster_software_packages"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new("The software packages `hoster_software` can install.")
                .attr(
                    Attribute::computed("id", Type::String).describe("Always `software_packages`."),
                )
                .attr(
                    Attribute::computed("packages", Type::list(Type::String))
                        .describe("Package names, e.g. `ts3`."),
                ),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<HosterClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        match ctx.client.software_packages().await {
            Ok(json) => {
                let mut state = config.clone();
                state.set("id", "software_packages");
                state.set("packages", Value::string_list(package_names(&json)));
                state
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    "Cannot list HosterAPI software packages",
                    &e,
                    CREDENTIALS,
                );
                Value::Null
            }
        }
    }
}

#[async_trait]
impl DataSource<HosterClient> for VmBackupsDataSource {
    fn type_name(&self) -> &'static str {
        "hoster_vm_backups"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new("The backups of one VM.")
                .attr(Attribute::required("vm_id", Type::String).describe("The VM id, e.g. `4001`."))
                .attr(Attribute::computed("id", Type::String).describe("The VM id."))
                .attr(Attribute::computed("timestamps", Type::list(Type::Number)).describe("Backup timestamps (unix seconds), newest first: the values `restore_backup` of `hoster_vm` takes."))
                .attr(Attribute::computed("latest", Type::Number).describe("The newest backup's timestamp, or null when there is none.")),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<HosterClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(vm) = vm_of(config, diags) else {
            return Value::Null;
        };
        match ctx.client.backups(vm).await {
            Ok(mut list) => {
                list.sort_unstable_by(|a, b| b.cmp(a));
                let mut state = config.clone();
                state.set("id", vm.to_string());
                state.set("latest", list.first().copied());
                state.set(
                    "timestamps",
                    Value::List(list.into_iter().map(Value::from).collect()),
                );
                state
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot list the backups of HosterAPI VM {vm}"),
                    &e,
                    CREDENTIALS,
                );
                Value::Null
            }
        }
    }
}

fn incident_type() -> Type {
    Type::Object(
        [
            ("gid", Type::Number),
            ("start", Type::String),
            ("stop", Type::String),
            ("host", Type::String),
            ("direction", Type::Number),
            ("impact", Type::Number),
            ("types", Type::list(Type::String)),
            ("ongoing", Type::Bool),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect(),
    )
}

#[async_trait]
impl DataSource<HosterClient> for VmIncidentsDataSource {
    fn type_name(&self) -> &'static str {
        "hoster_vm_incidents"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new("Network incidents of one VM (DDoS attempts, suspicious activity).")
                .attr(Attribute::required("vm_id", Type::String).describe("The VM id, e.g. `4001`."))
                .attr(Attribute::computed("id", Type::String).describe("The VM id."))
                .attr(Attribute::computed("incidents", Type::list(incident_type())).describe("The incidents, each with `gid`, `start`, `stop`, `host`, `direction`, `impact`, `types` (e.g. `NTP Amplification`) and `ongoing`.")),
        )
    }

    async fn read(
        &self,
        ctx: &Ctx<HosterClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(vm) = vm_of(config, diags) else {
            return Value::Null;
        };
        match ctx.client.incidents(vm).await {
            Ok(list) => {
                let items = list
                    .into_iter()
                    .map(|i| {
                        let mut v = Value::null_object(&incident_type());
                        v.set("gid", i.gid);
                        v.set("start", i.start);
                        v.set("stop", i.stop);
                        v.set("host", i.host);
                        v.set("direction", i.direction);
                        v.set("impact", i.impact);
                        v.set("types", Value::string_list(i.types));
                        v.set("ongoing", i.ongoing);
                        v
                    })
                    .collect();
                let mut state = config.clone();
                state.set("id", vm.to_string());
                state.set("incidents", Value::List(items));
                state
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot list the incidents of HosterAPI VM {vm}"),
                    &e,
                    CREDENTIALS,
                );
                Value::Null
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn package_lists_in_any_shape() {
        assert_eq!(
            package_names(&json!(["ts3", "nginx"])),
            vec!["ts3", "nginx"]
        );
        assert_eq!(package_names(&json!([{"name": "ts3"}])), vec!["ts3"]);
        assert_eq!(package_names(&json!({"ts3": "TeamSpeak"})), vec!["ts3"]);
    }
}
