//! Request counters per vendor and "METHOD /path/template", served at `GET /_sim/stats`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// Counts of API calls, kept until `/_sim/reset`.
#[derive(Debug, Default)]
pub struct RequestStats {
    by_vendor: BTreeMap<String, BTreeMap<String, u64>>,
    total: u64,
}

impl RequestStats {
    /// Counts one request to `vendor` for the route `method path_template`.
    pub fn record(&mut self, vendor: &str, method: &str, path_template: &str) {
        *self
            .by_vendor
            .entry(vendor.to_owned())
            .or_default()
            .entry(format!("{method} {path_template}"))
            .or_default() += 1;
        self.total += 1;
    }

    /// `{"<vendor>": {"GET /servers/{id}": 12, ...}, "total": 40}`.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for (vendor, routes) in &self.by_vendor {
            out.insert(vendor.clone(), json!(routes));
        }
        out.insert("total".to_owned(), json!(self.total));
        Value::Object(out)
    }
}
