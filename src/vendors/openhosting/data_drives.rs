//! `data "openhosting_drive"` (one drive, by UUID or by its unique name) and
//! `data "openhosting_drives"` (every drive, optionally only those with a tag), from
//! `GET /drives/DRIVE/info` and `GET /drives/info`.

use async_trait::async_trait;
use serde_json::{json, Map, Value as Json};

use super::api::{OpenHostingClient, CREDENTIALS};
use super::models::Props;
use crate::support::diag::api_error_diag;
use crate::tfplugin::json::from_plain;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{AttrPath, Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct DriveDataSource;
pub struct DrivesDataSource;

/// The computed fields of a drive, with their types and descriptions.
const FIELDS: &[(&str, &str)] = &[
    ("size_bytes", "Size in bytes."),
    ("status", "`active` or `inactive`."),
    ("claim_type", "`exclusive` or `shared`."),
    ("claimed", "UUIDs of the servers using the drive."),
    ("tags", "Tags."),
    ("readers", "Users allowed to read the drive."),
    ("user_metadata", "The `user:KEY` properties."),
    ("encryption_cipher", "`aes-xts-plain` or `none`."),
    (
        "imaging",
        "Imaging progress (`45%`, `queued`), null when none runs.",
    ),
];

fn field_type(name: &str) -> Type {
    match name {
        "size_bytes" => Type::Number,
        "claimed" | "tags" | "readers" => Type::list(Type::String),
        "user_metadata" => Type::map(Type::String),
        _ => Type::String,
    }
}

pub fn drive_object_type() -> Type {
    let mut attrs: std::collections::BTreeMap<String, Type> = FIELDS
        .iter()
        .map(|(n, _)| (n.to_string(), field_type(n)))
        .collect();
    attrs.insert("id".into(), Type::String);
    attrs.insert("name".into(), Type::String);
    Type::Object(attrs)
}

pub fn drive_json(p: &Props) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("id".into(), json!(p.id("drive")));
    m.insert("name".into(), json!(p.text("name")));
    m.insert("size_bytes".into(), json!(p.int("size")));
    m.insert("status".into(), json!(p.text("status")));
    m.insert(
        "claim_type".into(),
        json!(p.text("claim:type").unwrap_or_else(|| "exclusive".into())),
    );
    m.insert("claimed".into(), json!(p.list("claimed")));
    m.insert("tags".into(), json!(p.list("tags")));
    m.insert("readers".into(), json!(p.list("readers")));
    m.insert("user_metadata".into(), json!(p.user_metadata()));
    m.insert(
        "encryption_cipher".into(),
        json!(p.text("encryption:cipher")),
    );
    m.insert("imaging".into(), json!(p.text("imaging")));
    m
}

pub fn drive_schema() -> Schema {
    let mut block = Block::new("One drive of the account, found by UUID or by name.")
        .attr(
            Attribute::optional_computed("id", Type::String)
                .describe("The drive UUID. Set this or `name`."),
        )
        .attr(
            Attribute::optional_computed("name", Type::String)
                .describe("The drive name, which must match exactly one drive. Set this or `id`."),
        );
    for (name, description) in FIELDS {
        block = block.attr(Attribute::computed(name, field_type(name)).describe(description));
    }
    Schema::new(block)
}

#[async_trait]
impl DataSource<OpenHostingClient> for DriveDataSource {
    fn type_name(&self) -> &'static str {
        "openhosting_drive"
    }

    fn schema(&self) -> Schema {
        drive_schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if config.get("id").is_null() && config.get("name").is_null() {
            diags.attr_error(AttrPath::attr("id"), "Missing drive", "Set `id` or `name`.");
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let found = if let Some(id) = config.get("id").as_str() {
            ctx.client.drive_info(id).await.map(|p| vec![p])
        } else {
            let name = config.get("name").as_str().unwrap_or_default().to_string();
            ctx.client.drives_info().await.map(|all| {
                all.into_iter()
                    .filter(|p| p.text("name").as_deref() == Some(name.as_str()))
                    .collect()
            })
        };
        let drives = match found {
            Ok(d) => d,
            Err(e) => {
                api_error_diag(diags, "Cannot read Open Hosting drives", &e, CREDENTIALS);
                return Value::Null;
            }
        };
        let [drive] = drives.as_slice() else {
            diags.error(
                "No single drive matches",
                format!(
                    "{} drives match; name a drive that exists exactly once, or use `id`.",
                    drives.len()
                ),
            );
            return Value::Null;
        };
        from_plain(
            &Json::Object(drive_json(drive)),
            &drive_schema().block.implied_type(),
        )
        .unwrap_or_else(|e| {
            diags.error("Cannot represent the drive", e);
            Value::Null
        })
    }
}

pub fn drives_schema() -> Schema {
    Schema::new(
        Block::new("Every drive of the account, optionally only those with a tag.")
            .attr(Attribute::computed("id", Type::String).describe("Always `drives`."))
            .attr(Attribute::optional("tag", Type::String).describe("Only drives with this tag."))
            .attr(Attribute::computed("drives", Type::list(drive_object_type())).describe("The drives, each with `id`, `name`, `size_bytes`, `status`, `claim_type`, `claimed`, `tags`, `readers`, `user_metadata`, `encryption_cipher` and `imaging`.")),
    )
}

#[async_trait]
impl DataSource<OpenHostingClient> for DrivesDataSource {
    fn type_name(&self) -> &'static str {
        "openhosting_drives"
    }

    fn schema(&self) -> Schema {
        drives_schema()
    }

    async fn read(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let all = match ctx.client.drives_info().await {
            Ok(d) => d,
            Err(e) => {
                api_error_diag(diags, "Cannot list Open Hosting drives", &e, CREDENTIALS);
                return Value::Null;
            }
        };
        let tag = config.get("tag").as_str();
        let list: Vec<Json> = all
            .iter()
            .filter(|p| tag.is_none_or(|t| p.list("tags").iter().any(|x| x == t)))
            .map(|p| Json::Object(drive_json(p)))
            .collect();
        let mut state = config.clone();
        state.set("id", "drives");
        match from_plain(&Json::Array(list), &Type::list(drive_object_type())) {
            Ok(v) => state.set("drives", v),
            Err(e) => diags.error("Cannot represent Open Hosting drives", e),
        }
        state
    }
}
