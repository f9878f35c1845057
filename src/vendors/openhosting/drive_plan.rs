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
    if set("conversion") && !config.get("conversion").is_unknown() && !set("source_drive") {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::plan::plan;

    fn value(pairs: &[(&str, Value)]) -> Value {
        let mut v = Value::null_object(&super::super::drive::schema().block.implied_type());
        for (k, x) in pairs {
            v.set(k, x.clone());
        }
        v
    }

    fn plan_change(prior: &Value, config: &Value) -> (Plan, Diagnostics) {
        let block = super::super::drive::schema().block;
        let mut proposed = config.clone();
        for a in block.attributes.iter().filter(|a| a.computed) {
            if config.get(a.name).is_null() {
                proposed.set(a.name, prior.get(a.name).clone());
            }
        }
        let mut p = plan(&block, prior, &proposed, config, false);
        let mut d = Diagnostics::default();
        modify_plan(&mut p, &mut d);
        (p, d)
    }

    fn existing(size: &str) -> Value {
        value(&[
            ("id", "d-1".into()),
            ("name", "n".into()),
            ("size", size.into()),
            ("size_bytes", (10i64 << 30).into()),
            ("claim_type", "exclusive".into()),
            ("status", "active".into()),
        ])
    }

    #[test]
    fn the_same_size_spelled_differently_is_not_a_replacement() {
        let (p, d) = plan_change(
            &existing("10G"),
            &value(&[
                ("name", "n".into()),
                ("size", "10737418240".into()),
                ("claim_type", "exclusive".into()),
            ]),
        );
        assert!(!d.has_errors());
        assert!(!p.is_replace(), "{:?}", p.requires_replace);
        let (p, _) = plan_change(
            &existing("10G"),
            &value(&[
                ("name", "n".into()),
                ("size", "11G".into()),
                ("claim_type", "exclusive".into()),
            ]),
        );
        assert_eq!(p.requires_replace, vec![AttrPath::attr("size")]);
        assert_eq!(p.planned.get("size_bytes").as_i64(), Some(11 << 30));
    }

    #[test]
    fn a_changed_source_file_replaces_and_a_missing_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("disk.img");
        std::fs::write(&file, b"new content").unwrap();
        let path = file.to_str().unwrap();
        let mut prior = existing("10G");
        prior.set("source_file", path);
        prior.set("source_file_sha256", "old");
        let config = value(&[
            ("name", "n".into()),
            ("size", "10G".into()),
            ("claim_type", "exclusive".into()),
            ("source_file", path.into()),
        ]);
        let (p, d) = plan_change(&prior, &config);
        assert!(!d.has_errors());
        assert_eq!(
            p.requires_replace,
            vec![AttrPath::attr("source_file_sha256")]
        );
        assert_eq!(
            p.planned.get("source_file_sha256").as_str().map(str::len),
            Some(64)
        );
        prior.set(
            "source_file_sha256",
            p.planned.get("source_file_sha256").clone(),
        );
        let (p, _) = plan_change(&prior, &config);
        assert!(
            !p.is_replace() && p.planned == prior,
            "an unchanged file plans nothing"
        );
        let gone = value(&[
            ("name", "n".into()),
            ("size", "10G".into()),
            (
                "source_file",
                dir.path().join("nope").to_str().unwrap().into(),
            ),
        ]);
        let (_, d) = plan_change(&prior, &gone);
        assert_eq!(d.0[0].path, Some(AttrPath::attr("source_file")));
        let small = value(&[
            ("name", "n".into()),
            ("size", "4".into()),
            ("source_file", path.into()),
        ]);
        let (_, d) = plan_change(&Value::Null, &small);
        assert!(d.0[0].summary.contains("larger than the drive"), "{d:?}");
    }

    #[test]
    fn at_most_one_content_source() {
        let mut d = Diagnostics::default();
        validate(
            &value(&[("source_drive", "x".into()), ("source_file", "y".into())]),
            &mut d,
        );
        validate(&value(&[("conversion", "gzip".into())]), &mut d);
        let paths: Vec<_> = d.0.iter().filter_map(|x| x.path.clone()).collect();
        assert_eq!(
            paths,
            vec![AttrPath::attr("source_file"), AttrPath::attr("conversion")]
        );
    }
}
