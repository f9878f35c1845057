//! Moving list and map arguments between Terraform values and the API's flat properties:
//! lists are space-separated text on the wire, `user_metadata` becomes `user:KEY` keys.
//! Reading back, an empty list or map the configuration left out stays null, so an omitted
//! argument never diffs against the API's empty value.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::models::Props;
use crate::tfplugin::Value;

/// The strings of a list or set value.
pub fn strings(value: &Value) -> Vec<String> {
    value
        .elements()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The entries of a map value.
pub fn string_map(value: &Value) -> BTreeMap<String, String> {
    match value {
        Value::Map(m) | Value::Object(m) => m
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// Puts `name` as space-separated text when the value is known and not null.
pub fn put_list(body: &mut Map<String, Json>, key: &str, value: &Value) {
    if !value.is_null() && value.is_wholly_known() {
        body.insert(key.into(), Json::String(strings(value).join(" ")));
    }
}

/// `user:KEY` entries for `planned`, and empty values for keys only `prior` had (to clear them).
pub fn put_user_metadata(body: &mut Map<String, Json>, prior: &Value, planned: &Value) {
    let new = string_map(planned);
    for key in string_map(prior).keys().filter(|k| !new.contains_key(*k)) {
        body.insert(format!("user:{key}"), Json::String(String::new()));
    }
    for (k, v) in new {
        body.insert(format!("user:{k}"), Json::String(v));
    }
}

/// Sets a set-of-strings attribute from the API, keeping null when both are empty.
pub fn set_strings(state: &mut Value, name: &str, items: Vec<String>) {
    if items.is_empty() && (state.get(name).is_null() || state.get(name).is_unknown()) {
        state.set(name, Value::Null);
    } else {
        state.set(
            name,
            Value::Set(items.into_iter().map(Value::String).collect()),
        );
    }
}

/// Sets the `user_metadata` map from the API's `user:*` keys, keeping null when both are empty.
pub fn set_user_metadata(state: &mut Value, props: &Props) {
    let meta = props.user_metadata();
    if meta.is_empty()
        && (state.get("user_metadata").is_null() || state.get("user_metadata").is_unknown())
    {
        state.set("user_metadata", Value::Null);
    } else {
        state.set(
            "user_metadata",
            Value::Map(
                meta.into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            ),
        );
    }
}

/// Sets a text attribute from the API when it reports one; otherwise keeps what state had
/// (null when it was unknown).
pub fn set_text(state: &mut Value, name: &str, text: Option<String>) {
    match text {
        Some(t) => state.set(name, t),
        None if state.get(name).is_unknown() => state.set(name, Value::Null),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn removed_metadata_keys_are_cleared() {
        let prior = Value::Map(BTreeMap::from([
            ("a".into(), "1".into()),
            ("b".into(), "2".into()),
        ]));
        let planned = Value::Map(BTreeMap::from([("a".into(), "3".into())]));
        let mut body = Map::new();
        put_user_metadata(&mut body, &prior, &planned);
        assert_eq!(Json::Object(body), json!({"user:a": "3", "user:b": ""}));
    }

    #[test]
    fn empty_lists_stay_null() {
        let mut state = Value::Object(BTreeMap::from([("tags".into(), Value::Null)]));
        set_strings(&mut state, "tags", vec![]);
        assert!(state.get("tags").is_null());
        set_strings(&mut state, "tags", vec!["x".into()]);
        assert_eq!(state.get("tags").elements().len(), 1);
    }
}
