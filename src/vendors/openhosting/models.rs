//! Wire objects of the Open Hosting API in JSON mode: every object is a flat map of
//! `key: value` (the text mode's `key value` lines), read leniently: numbers may come as
//! text, and lists (`tags`, `readers`, `claimed`, `boot`, `nameserver`) as space-separated
//! text or as JSON arrays.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::support::lenient::value::{i64_of, string_of};

/// The vendor's message from an error body (plain text), without surrounding whitespace.
pub fn error_message(body: &str) -> Option<String> {
    let text = body.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(Json::Object(m)) = serde_json::from_str::<Json>(text) {
        if let Some(msg) = ["message", "error"]
            .iter()
            .find_map(|k| m.get(*k).and_then(string_of))
        {
            return Some(msg);
        }
    }
    Some(text.chars().take(300).collect())
}

/// One object as the API sends it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Props(pub Map<String, Json>);

impl Props {
    pub fn from_json(json: Json) -> Option<Props> {
        match json {
            Json::Object(m) => Some(Props(m)),
            _ => None,
        }
    }

    /// A value as text (numbers are rendered); `None` when absent, null or empty.
    pub fn text(&self, key: &str) -> Option<String> {
        self.0
            .get(key)
            .and_then(string_of)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        self.0.get(key).and_then(i64_of)
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.get(key).is_some_and(|v| !v.is_null())
    }

    /// A list sent as a JSON array or as space-separated text.
    pub fn list(&self, key: &str) -> Vec<String> {
        match self.0.get(key) {
            Some(Json::Array(items)) => items
                .iter()
                .filter_map(string_of)
                .filter(|s| !s.is_empty())
                .collect(),
            Some(other) => string_of(other)
                .map(|s| s.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// The `user:*` keys, without their prefix.
    pub fn user_metadata(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("user:")?.to_string(), string_of(v)?)))
            .collect()
    }

    /// The object's id under `key` (`drive`, `server`, `resource`).
    pub fn id(&self, key: &str) -> Option<String> {
        self.text(key)
    }
}

/// Decodes a JSON array of objects (a list answer), skipping nothing silently: a non-object
/// element is an error naming its position.
pub fn props_list(json: Json) -> Result<Vec<Props>, String> {
    let Json::Array(items) = json else {
        return Err("expected a JSON array of objects".into());
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            Props::from_json(item).ok_or_else(|| format!("element {i} is not an object"))
        })
        .collect()
}

/// Imaging progress as drive info reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Imaging {
    /// No `imaging` key: finished (or never started).
    Absent,
    Queued,
    /// The progress text, e.g. `45%`.
    Running(String),
}

pub fn imaging(drive: &Props) -> Imaging {
    match drive.text("imaging") {
        None => Imaging::Absent,
        Some(t) if t.eq_ignore_ascii_case("queued") => Imaging::Queued,
        Some(t) => Imaging::Running(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_come_as_text_or_arrays() {
        let p = Props::from_json(
            json!({"tags": "a b  c", "readers": ["x", "y"], "size": "1024", "user:env": "prod"}),
        )
        .unwrap();
        assert_eq!(p.list("tags"), vec!["a", "b", "c"]);
        assert_eq!(p.list("readers"), vec!["x", "y"]);
        assert_eq!(p.int("size"), Some(1024));
        assert_eq!(
            p.user_metadata().get("env").map(String::as_str),
            Some("prod")
        );
        assert!(p.list("claimed").is_empty());
    }

    #[test]
    fn imaging_states() {
        let p = |v: Json| Props::from_json(json!({ "imaging": v })).unwrap();
        assert_eq!(imaging(&p(json!("queued"))), Imaging::Queued);
        assert_eq!(imaging(&p(json!("45%"))), Imaging::Running("45%".into()));
        assert_eq!(imaging(&p(json!(null))), Imaging::Absent);
        assert!(props_list(json!([1])).is_err());
    }

    #[test]
    fn error_bodies_are_text() {
        assert_eq!(
            error_message(" drive busy\n").as_deref(),
            Some("drive busy")
        );
        assert_eq!(error_message(""), None);
    }
}
