//! Plan-time rules of `openhosting_drive`: at most one content source; `size` compared by
//! bytes (so `"10G"` and `"10737418240"` are the same size); `source_file` hashed at plan so
//! a changed file replaces the drive, and checked to exist and fit the drive.

use std::path::Path;

use super::size::parse_size;
use super::upload::file_sha256;
use crate::tfplugin::plan::Plan;
use crate::tfplugin::{AttrPath, Diagnostics, Value};

pub fn validate(config: &Value, diags: &mut Diagnostics) {
    let set = |name: &str| !config.get(name).is_null();
    if set("source_drive") && set("source_file") {
        diags.attr_error(
            AttrPath::attr("source_file"),
            "Conflicting content sources",
            "Set at most one of `source_drive` and `source_file`.",
        );
    }
    if set("conversion") && !set("source_drive") {
        diags.attr_error(
            AttrPath::attr("conversion"),
            "conversion needs source_drive",
            "`conversion` applies to imaging from `source_drive` only.",
        );
    }
}

fn bytes(value: &Value) -> Option<u64> {
    value.as_str().and_then(|t| parse_size(t).ok())
}

pub fn modify_plan(plan: &mut Plan, diags: &mut Diagnostics) {
    let size_path = AttrPath::attr("size");
    let planned_bytes = bytes(plan.planned.get("size"));
    if !plan.is_create() {
        let same_size = planned_bytes.is_some() && planned_bytes == bytes(plan.prior.get("size"));
        if same_size {
            plan.requires_replace.retain(|p| *p != size_path);
        } else if !plan.planned.get("size").same_as(plan.prior.get("size"))
            && !plan.requires_replace.contains(&size_path)
        {
            plan.requires_replace.push(size_path);
        }
    }
    if let Some(n) = planned_bytes.and_then(|n| i64::try_from(n).ok()) {
        if plan.is_create() || plan.is_replace() {
            plan.planned.set("size_bytes", n);
        }
    }
    plan_source_file(plan, planned_bytes, diags);
    if plan.is_replace() {
        for computed in ["status", "claimed", "id"] {
            plan.planned.set(computed, Value::Unknown);
        }
    }
}

fn plan_source_file(plan: &mut Plan, planned_bytes: Option<u64>, diags: &mut Diagnostics) {
    let path_attr = AttrPath::attr("source_file");
    let sha_attr = AttrPath::attr("source_file_sha256");
    match plan.config.get("source_file") {
        Value::Unknown => plan.planned.set("source_file_sha256", Value::Unknown),
        Value::String(path) => {
            let file = Path::new(path);
            let size = match std::fs::metadata(file) {
                Ok(m) if m.is_file() => m.len(),
                Ok(_) => {
                    diags.attr_error(
                        path_attr,
                        "source_file is not a file",
                        format!("{path} is not a regular file."),
                    );
                    return;
                }
                Err(e) => {
                    diags.attr_error(
                        path_attr,
                        "Cannot read source_file",
                        format!("{path}: {e}."),
                    );
                    return;
                }
            };
            if let Some(limit) = planned_bytes.filter(|limit| size > *limit) {
                diags.attr_error(
                    path_attr,
                    "source_file is larger than the drive",
                    format!("{path} has {size} bytes; the drive's size is {limit} bytes."),
                );
                return;
            }
            let sha = match file_sha256(file) {
                Ok(sha) => sha,
                Err(e) => {
                    diags.attr_error(
                        path_attr,
                        "Cannot read source_file",
                        format!("{path}: {e}."),
                    );
                    return;
                }
            };
            if !plan.is_create() {
                let prior_sha = plan.prior.get("source_file_sha256");
                let adopted = plan.imported && prior_sha.is_null();
                if !adopted
                    && prior_sha.as_str() != Some(sha.as_str())
                    && !plan.requires_replace.contains(&sha_attr)
                {
                    plan.requires_replace.push(sha_attr);
                }
            }
            plan.planned.set("source_file_sha256", sha);
        }
        _ => {
            if plan.is_create() {
                plan.planned.set("source_file_sha256", Value::Null);
            }
        }
    }
}
