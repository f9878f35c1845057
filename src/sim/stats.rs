//! Request counters per vendor and "METHOD /path/template", the busiest wall-clock second of
//! each vendor, and the faults injected, served at `GET /_sim/stats`.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

use super::faults::FaultKind;

/// Counts of API calls, kept until `/_sim/reset`.
#[derive(Debug, Default)]
pub struct RequestStats {
    by_vendor: BTreeMap<String, BTreeMap<String, u64>>,
    total: u64,
    seconds: BTreeMap<String, BusiestSecond>,
    /// `"<vendor> <status or kind>[ retry-after]"` -> how many answers a fault replaced.
    faults: BTreeMap<String, u64>,
}

/// Requests in the current wall-clock second and the most seen in any one second.
#[derive(Debug, Default)]
struct BusiestSecond {
    second: u64,
    in_second: u64,
    most: u64,
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
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let busiest = self.seconds.entry(vendor.to_owned()).or_default();
        if busiest.second != now {
            busiest.second = now;
            busiest.in_second = 0;
        }
        busiest.in_second += 1;
        busiest.most = busiest.most.max(busiest.in_second);
    }

    /// Counts one answer replaced or delayed by an injected fault.
    pub fn record_fault(
        &mut self,
        vendor: &str,
        kind: FaultKind,
        status: Option<u16>,
        retry_after: Option<u64>,
    ) {
        let what = match status {
            Some(code) if code != 0 => code.to_string(),
            _ => format!("{kind:?}").to_lowercase(),
        };
        let hint = if retry_after.is_some() {
            " retry-after"
        } else {
            ""
        };
        *self
            .faults
            .entry(format!("{vendor} {what}{hint}"))
            .or_default() += 1;
    }

    /// `{"<vendor>": {"GET /servers/{id}": 12, ...}, "total": 40, "busiest_second":
    /// {"<vendor>": 9}, "faults_injected": {"hosthatch 429 retry-after": 3}}`.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for (vendor, routes) in &self.by_vendor {
            out.insert(vendor.clone(), json!(routes));
        }
        out.insert("total".to_owned(), json!(self.total));
        let busiest: BTreeMap<_, _> = self.seconds.iter().map(|(v, b)| (v, b.most)).collect();
        out.insert("busiest_second".to_owned(), json!(busiest));
        out.insert("faults_injected".to_owned(), json!(self.faults));
        Value::Object(out)
    }
}
