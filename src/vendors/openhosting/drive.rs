//! `openhosting_drive`: a drive, optionally filled at create time by imaging another drive
//! (`source_drive`, asynchronous) or by uploading a local raw image (`source_file`). Name,
//! tags, readers, user metadata and claim type change in place through `set`; size and the
//! content sources replace the drive. Plan-time rules live in `drive_plan.rs`, waits in
//! `drive_waits.rs`.

use std::path::Path;

use async_trait::async_trait;
use serde_json::{Map, Value as Json};

use super::api::{OpenHostingClient, CREDENTIALS};
use super::fields::{put_list, put_user_metadata, set_strings, set_text, set_user_metadata};
use super::models::Props;
use super::recover::create_or_adopt;
use super::size::{format_size, parse_size};
use super::upload::upload_file;
use super::{drive_plan, drive_waits};
use crate::support::diag::api_error_diag;
use crate::tfplugin::plan::Plan;
use crate::tfplugin::provider::{Ctx, Resource};
use crate::tfplugin::{timeouts, Attribute, Block, Check, Diagnostics, Schema, Type, Value};

pub const DEFAULT_CIPHER: &str = "aes-xts-plain";

pub struct DriveResource;

pub fn check_size(value: &Value) -> Result<(), String> {
    match value.as_str().map(parse_size) {
        Some(Ok(0)) => Err("must be more than zero bytes".into()),
        Some(Err(problem)) => Err(problem),
        _ => Ok(()),
    }
}

pub fn schema() -> Schema {
    let strings = || Type::set(Type::String);
    Schema::new(
        Block::new("A drive in the Open Hosting account: blank, imaged from another drive, or uploaded from a local raw image. Attach it to servers with `openhosting_server` `drive` blocks.")
            .attr(Attribute::computed("id", Type::String).keep_state().describe("The drive UUID."))
            .attr(Attribute::required("name", Type::String).check(Check::NonEmpty).describe("The drive name; changed in place."))
            .attr(Attribute::required("size", Type::String).check(Check::Custom(check_size)).describe("Size in bytes, or with a `k`/`M`/`G`/`T` suffix (powers of 1024) such as `\"10G\"`. Written either way, the same size never shows a diff. Changing the size replaces the drive."))
            .attr(Attribute::computed("size_bytes", Type::Number).keep_state().describe("The size in bytes as the API reports it."))
            .attr(Attribute::optional("claim_type", Type::String).default("exclusive").check(Check::OneOf(&["exclusive", "shared"])).describe("`exclusive` (default): one server at a time; `shared`: several servers may attach it. Changed in place."))
            .attr(Attribute::optional("readers", strings()).describe("UUIDs of other users allowed to read (image from) this drive; `ffffffff-ffff-ffff-ffff-ffffffffffff` for everyone. Changed in place."))
            .attr(Attribute::optional("tags", strings()).describe("Tags; changed in place."))
            .attr(Attribute::optional("user_metadata", Type::map(Type::String)).describe("Your own key/value pairs (the API's `user:KEY` properties); changed in place."))
            .attr(Attribute::optional_computed("encryption_cipher", Type::String).force_new().check(Check::OneOf(&["none", DEFAULT_CIPHER])).describe("`aes-xts-plain` (the vendor's default) or `none`. Changing it replaces the drive."))
            .attr(Attribute::optional("avoid", strings()).force_new().describe("UUIDs of existing drives this one must not share physical hardware with. Only used at create; changing it replaces the drive."))
            .attr(Attribute::optional("source_drive", Type::String).force_new().describe("UUID of a drive to copy into this one at create (the API's asynchronous imaging). Conflicts with `source_file`; changing it replaces the drive."))
            .attr(Attribute::optional("conversion", Type::String).force_new().check(Check::OneOf(&["gzip", "gunzip"])).describe("With `source_drive`: `gzip` or `gunzip` the content while imaging."))
            .attr(Attribute::optional("source_file", Type::String).describe("Path of a local raw disk image to upload at create: chunks are sent in parallel, all-zero 64 KiB blocks are skipped, and runs that compress are gzipped (random data goes raw). Conflicts with `source_drive`. A change of the file's content (see `source_file_sha256`) replaces the drive."))
            .attr(Attribute::computed("source_file_sha256", Type::String).keep_state().describe("SHA-256 of `source_file` as uploaded; computed at plan time, so a changed file replaces the drive."))
            .attr(Attribute::computed("status", Type::String).describe("`active` or `inactive`."))
            .attr(Attribute::computed("claimed", Type::list(Type::String)).describe("UUIDs of the servers using the drive."))
            .block(timeouts::block(&["create", "update", "delete"])),
    )
}

/// The state of drive `props`; what the API does not report is kept from `base`.
pub fn drive_state(base: &Value, props: &Props) -> Value {
    let mut s = if base.is_null() {
        Value::null_object(&schema().block.implied_type())
    } else {
        base.clone()
    };
    set_text(&mut s, "id", props.id("drive"));
    set_text(&mut s, "name", props.text("name"));
    if let Some(bytes) = props.int("size") {
        let same =
            s.get("size").as_str().and_then(|t| parse_size(t).ok()) == u64::try_from(bytes).ok();
        if !same {
            s.set("size", format_size(bytes as u64));
        }
        s.set("size_bytes", bytes);
    }
    s.set(
        "claim_type",
        props
            .text("claim:type")
            .unwrap_or_else(|| "exclusive".into()),
    );
    set_strings(&mut s, "readers", props.list("readers"));
    set_strings(&mut s, "tags", props.list("tags"));
    set_user_metadata(&mut s, props);
    let cipher = props
        .text("encryption:cipher")
        .or_else(|| s.get("encryption_cipher").as_str().map(str::to_string));
    s.set(
        "encryption_cipher",
        cipher.unwrap_or_else(|| DEFAULT_CIPHER.into()),
    );
    set_text(&mut s, "status", props.text("status"));
    s.set("claimed", Value::string_list(props.list("claimed")));
    s
}

/// The body of `POST /drives/create`.
pub fn create_body(planned: &Value) -> Map<String, Json> {
    let mut body = Map::new();
    body.insert(
        "name".into(),
        planned.get("name").as_str().unwrap_or_default().into(),
    );
    let bytes = planned
        .get("size")
        .as_str()
        .and_then(|t| parse_size(t).ok())
        .unwrap_or_default();
    body.insert("size".into(), bytes.into());
    if let Some(claim) = planned.get("claim_type").as_str() {
        body.insert("claim:type".into(), claim.into());
    }
    if let Some(cipher) = planned.get("encryption_cipher").as_str() {
        body.insert("encryption:cipher".into(), cipher.into());
    }
    put_list(&mut body, "readers", planned.get("readers"));
    put_list(&mut body, "tags", planned.get("tags"));
    put_list(&mut body, "avoid", planned.get("avoid"));
    put_user_metadata(&mut body, &Value::Null, planned.get("user_metadata"));
    body
}

/// The body of `POST /drives/D/set`: every in-place argument, clearing what was removed.
pub fn set_body(prior: &Value, planned: &Value) -> Map<String, Json> {
    let mut body = Map::new();
    body.insert(
        "name".into(),
        planned.get("name").as_str().unwrap_or_default().into(),
    );
    body.insert(
        "claim:type".into(),
        planned
            .get("claim_type")
            .as_str()
            .unwrap_or("exclusive")
            .into(),
    );
    for list in ["readers", "tags"] {
        if planned.get(list).is_null() {
            body.insert(list.into(), "".into());
        } else {
            put_list(&mut body, list, planned.get(list));
        }
    }
    put_user_metadata(
        &mut body,
        prior.get("user_metadata"),
        planned.get("user_metadata"),
    );
    body
}

pub fn drive_id(state: &Value) -> Option<String> {
    state
        .get("id")
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[async_trait]
impl Resource<OpenHostingClient> for DriveResource {
    fn type_name(&self) -> &'static str {
        "openhosting_drive"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        drive_plan::validate(config, diags);
    }

    fn modify_plan(&self, plan: &mut Plan, diags: &mut Diagnostics) {
        drive_plan::modify_plan(plan, diags);
    }

    async fn create(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let name = planned.get("name").as_str().unwrap_or_default();
        let body = create_body(planned);
        let created = match create_or_adopt(
            ctx.client.poll_interval,
            &ctx.cancel,
            "drive",
            name,
            || ctx.client.drives_info(),
            || ctx.client.create_drive(&body),
        )
        .await
        {
            Ok(created) => {
                if let Some((summary, detail)) = created.adoption_note("drive", "drive", name) {
                    diags.warning(summary, detail);
                }
                created.props
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    "Cannot create the Open Hosting drive",
                    &e,
                    CREDENTIALS,
                );
                return Value::Null;
            }
        };
        let mut state = drive_state(planned, &created);
        let Some(uuid) = drive_id(&state) else {
            diags.error("Cannot create the Open Hosting drive", "POST /drives/create answered without a `drive` UUID; the drive may exist in the account without Terraform knowing it.");
            return Value::Null;
        };
        if let Some(source) = planned.get("source_drive").as_str() {
            let conversion = planned.get("conversion").as_str();
            if let Err(e) = ctx.client.image_drive(&uuid, source, conversion).await {
                api_error_diag(
                    diags,
                    &format!(
                        "Cannot image drive {uuid} from {source}; it is kept in state as tainted"
                    ),
                    &e,
                    CREDENTIALS,
                );
                return state;
            }
            if !drive_waits::wait_for_imaging(ctx, &uuid, diags).await {
                return state;
            }
        }
        if let Some(path) = planned.get("source_file").as_str() {
            let upload = upload_file(ctx.client.clone(), &uuid, Path::new(path), &ctx.cancel);
            let outcome = match tokio::time::timeout(ctx.timeout, upload).await {
                Ok(outcome) => outcome.map_err(|e| e.to_string()),
                Err(_) => Err(format!(
                    "the upload did not finish within the create timeout ({}); raise `timeouts.create`",
                    humantime::format_duration(ctx.timeout)
                )),
            };
            match outcome {
                Ok(report) => state.set("source_file_sha256", report.sha256),
                Err(e) => {
                    diags.error(
                        format!("Upload of {path} into drive {uuid} failed"),
                        format!("{e}. The drive exists but its content is incomplete: it is kept in state as tainted, and the next apply replaces it and uploads again."),
                    );
                    state.set("source_file_sha256", Value::Null);
                    return state;
                }
            }
        }
        match ctx.client.drive_info(&uuid).await {
            Ok(p) => drive_state(&state, &p),
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read the new drive {uuid}"),
                    &e,
                    CREDENTIALS,
                );
                state
            }
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        current: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(uuid) = drive_id(current) else {
            return Value::Null;
        };
        match ctx.client.read_drive(&uuid).await {
            Ok(p) => drive_state(current, &p),
            Err(e) if e.is_not_found() => Value::Null,
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot read Open Hosting drive {uuid}"),
                    &e,
                    CREDENTIALS,
                );
                current.clone()
            }
        }
    }

    async fn update(
        &self,
        ctx: &Ctx<OpenHostingClient>,
        prior: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(uuid) = drive_id(prior) else {
            return planned.clone();
        };
        let in_place = ["name", "claim_type", "readers", "tags", "user_metadata"];
        let answer = if in_place
            .iter()
            .all(|k| planned.get(k).same_as(prior.get(k)))
        {
            ctx.client.drive_info(&uuid).await
        } else {
            ctx.client.set_drive(&uuid, &set_body(prior, planned)).await
        };
        match answer {
            Ok(p) => drive_state(planned, &p),
            Err(e) => {
                api_error_diag(
                    diags,
                    &format!("Cannot update Open Hosting drive {uuid}"),
                    &e,
                    CREDENTIALS,
                );
                prior.clone()
            }
        }
    }

    async fn delete(&self, ctx: &Ctx<OpenHostingClient>, prior: &Value, diags: &mut Diagnostics) {
        if let Some(uuid) = drive_id(prior) {
            drive_waits::destroy_when_unclaimed(ctx, &uuid, diags).await;
        }
    }
}
