//! HostHatch wire types, written from the vendor's API page and decoded leniently: ids and
//! prices may arrive as numbers or strings, `invoice_url` (documented as `int`) is a URL, and
//! `GET /products` has two shapes (plain lists, or price objects with `?prices`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

use crate::support::lenient::{
    de_bool_lenient, de_i64_lenient, de_opt_f64_lenient, de_opt_i64_lenient, de_opt_string_lenient,
    value,
};

/// `{"result": "success", "data": ...}`; errors are `{"result":"error","message":..,"errors":[..]}`.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    #[serde(default)]
    pub data: Json,
}

/// The vendor's message and validation errors of an error body, as one line.
pub fn error_message(body: &str) -> Option<String> {
    let json = crate::support::lenient::parse_tolerant_json(body).ok()?;
    let message = json
        .get("message")
        .and_then(value::string_of)
        .unwrap_or_default();
    let errors: Vec<String> = json
        .get("errors")
        .map(|e| match e {
            Json::Array(items) => items.iter().filter_map(value::string_of).collect(),
            Json::Object(fields) => fields.values().flat_map(flatten_strings).collect(),
            other => value::string_of(other).into_iter().collect(),
        })
        .unwrap_or_default();
    let text = match (message.is_empty(), errors.is_empty()) {
        (true, true) => return None,
        (false, true) => message,
        (true, false) => errors.join("; "),
        (false, false) => format!("{message}: {}", errors.join("; ")),
    };
    Some(text)
}

fn flatten_strings(json: &Json) -> Vec<String> {
    match json {
        Json::Array(items) => items.iter().filter_map(value::string_of).collect(),
        other => value::string_of(other).into_iter().collect(),
    }
}

/// A product of `GET /products`.
#[derive(Debug, Clone, Deserialize)]
pub struct Product {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub options: ProductOptions,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProductOptions {
    /// Location id -> in stock.
    #[serde(default, deserialize_with = "de_stock")]
    pub locations: BTreeMap<String, bool>,
    #[serde(default)]
    pub images: Vec<String>,
    #[serde(default, deserialize_with = "de_features")]
    pub features: Vec<Feature>,
    #[serde(default, deserialize_with = "de_cycles")]
    pub billing_cycles: Vec<BillingCycle>,
}

/// A billing cycle; the prices exist only when products were asked for `?prices`.
#[derive(Debug, Clone, PartialEq)]
pub struct BillingCycle {
    pub id: String,
    pub price: Option<f64>,
    pub setupfee: Option<f64>,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: String,
    pub name: Option<String>,
    pub values: Vec<FeatureValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeatureValue {
    pub id: String,
    pub billing_cycles: Vec<BillingCycle>,
}

fn de_stock<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, bool>, D::Error> {
    let json = Json::deserialize(d)?;
    Ok(match json {
        Json::Object(m) => m
            .into_iter()
            .map(|(k, v)| (k, value::bool_of(&v).unwrap_or(false)))
            .collect(),
        Json::Array(items) => items
            .iter()
            .filter_map(value::string_of)
            .map(|k| (k, true))
            .collect(),
        _ => BTreeMap::new(),
    })
}

/// A billing cycle from a bare id (`"monthly"`) or a price object (`{"_id": .., "price": ..}`).
fn cycle_from(key: Option<&str>, json: &Json) -> Option<BillingCycle> {
    match json {
        Json::Object(m) => Some(BillingCycle {
            id: m
                .get("_id")
                .and_then(value::string_of)
                .or_else(|| key.map(str::to_string))?,
            price: m.get("price").and_then(value::f64_of),
            setupfee: m.get("setupfee").and_then(value::f64_of),
            currency: m.get("currency").and_then(value::string_of),
        }),
        other => Some(BillingCycle {
            id: value::string_of(other)?,
            price: None,
            setupfee: None,
            currency: None,
        }),
    }
}

fn cycles_from(json: &Json) -> Vec<BillingCycle> {
    match json {
        Json::Array(items) => items.iter().filter_map(|i| cycle_from(None, i)).collect(),
        Json::Object(m) => m
            .iter()
            .filter_map(|(k, v)| cycle_from(Some(k), v))
            .collect(),
        _ => Vec::new(),
    }
}

fn de_cycles<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<BillingCycle>, D::Error> {
    Ok(cycles_from(&Json::deserialize(d)?))
}

/// A feature value from a bare value (`true`, `"2"`) or an object with `_id` and prices.
fn feature_value_from(key: Option<&str>, json: &Json) -> Option<FeatureValue> {
    match json {
        Json::Object(m) => Some(FeatureValue {
            id: m
                .get("_id")
                .and_then(value::string_of)
                .or_else(|| key.map(str::to_string))?,
            billing_cycles: m.get("billing_cycles").map(cycles_from).unwrap_or_default(),
        }),
        other => Some(FeatureValue {
            id: value::string_of(other)?,
            billing_cycles: Vec::new(),
        }),
    }
}

fn de_features<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Feature>, D::Error> {
    let json = Json::deserialize(d)?;
    let Json::Array(items) = json else {
        return Ok(Vec::new());
    };
    Ok(items
        .iter()
        .filter_map(|f| {
            let values = match f.get("values") {
                Some(Json::Array(vs)) => vs
                    .iter()
                    .filter_map(|v| feature_value_from(None, v))
                    .collect(),
                Some(Json::Object(vs)) => vs
                    .iter()
                    .filter_map(|(k, v)| feature_value_from(Some(k), v))
                    .collect(),
                _ => Vec::new(),
            };
            Some(Feature {
                id: f.get("_id").and_then(value::string_of)?,
                name: f.get("name").and_then(value::string_of),
                values,
            })
        })
        .collect())
}

/// A server of `GET /servers` and `GET /servers/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Server {
    #[serde(deserialize_with = "de_i64_lenient")]
    pub id: i64,
    #[serde(default)]
    pub hostname: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub product: ServerProduct,
    #[serde(default)]
    pub network: ServerNetwork,
    #[serde(default)]
    pub billing: ServerBilling,
}

impl Server {
    /// A cancelled server still listed by the vendor counts as gone.
    pub fn is_cancelled(&self) -> bool {
        self.state.as_deref().is_some_and(|s| {
            s.eq_ignore_ascii_case("cancelled") || s.eq_ignore_ascii_case("canceled")
        })
    }

    pub fn is_active(&self) -> bool {
        self.state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("active"))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServerProduct {
    #[serde(default, rename = "_id")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    /// The installed image's display name, e.g. `Ubuntu 22.04 64-bit`.
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub available_upgrades: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServerNetwork {
    #[serde(default)]
    pub primary_ipaddress: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServerBilling {
    #[serde(default)]
    pub billing_cycle: Option<String>,
    #[serde(default)]
    pub next_due: Option<String>,
    #[serde(default, deserialize_with = "de_opt_f64_lenient")]
    pub initial_cost: Option<f64>,
    #[serde(default, deserialize_with = "de_opt_f64_lenient")]
    pub recurring_cost: Option<f64>,
    #[serde(default)]
    pub currency: Option<String>,
}

/// The answer to `POST /deploy` and `PUT /servers/{id}/upgrade`: an invoice, paid from credit
/// or awaiting manual payment.
#[derive(Debug, Clone, Deserialize)]
pub struct Order {
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub invoice_id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub invoice_url: Option<String>,
    #[serde(default, deserialize_with = "de_opt_i64_lenient")]
    pub server_id: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_string_lenient")]
    pub server_url: Option<String>,
    #[serde(default, deserialize_with = "de_bool_or_false")]
    pub requires_payment: bool,
    #[serde(default)]
    pub outstanding_balance: Option<Balance>,
}

fn de_bool_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let json = Json::deserialize(d)?;
    if json.is_null() {
        return Ok(false);
    }
    de_bool_lenient(json).map_err(serde::de::Error::custom)
}

#[derive(Debug, Clone, Deserialize)]
pub struct Balance {
    #[serde(default, deserialize_with = "de_opt_f64_lenient")]
    pub price: Option<f64>,
    #[serde(default)]
    pub currency: Option<String>,
}

impl Order {
    /// "10 USD", or "an unknown amount".
    pub fn outstanding(&self) -> String {
        match &self.outstanding_balance {
            Some(Balance {
                price: Some(p),
                currency,
            }) => format!("{p} {}", currency.as_deref().unwrap_or_default())
                .trim_end()
                .to_string(),
            _ => "an unknown amount".to_string(),
        }
    }
}

/// An SSH key. `GET /keys/{id}` has been documented with `state`/`created` in place of
/// `description`/`value`; those stay `None` here and the caller falls back to `GET /keys`.
#[derive(Debug, Clone, Deserialize)]
pub struct Key {
    #[serde(deserialize_with = "de_i64_lenient")]
    pub id: i64,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}

impl Key {
    pub fn is_complete(&self) -> bool {
        self.description.is_some() && self.value.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::lenient::parse_tolerant_json;

    fn data(body: &str) -> Json {
        let env: Envelope = serde_json::from_value(parse_tolerant_json(body).unwrap()).unwrap();
        env.data
    }

    #[test]
    fn validation_errors_join_message_and_errors() {
        let body = r#"{"result": "error", "message": "Validation failed", "errors": ["The product field is required.", "The image field is required."]}"#;
        assert_eq!(
            error_message(body).unwrap(),
            "Validation failed: The product field is required.; The image field is required."
        );
        assert_eq!(
            error_message(r#"{"result": "error", "message": "Access forbidden"}"#).unwrap(),
            "Access forbidden"
        );
        assert_eq!(error_message("<html>"), None);
    }

    #[test]
    fn products_without_prices() {
        let body = r#"{"result":"success","data":{"products":[{"_id":"nvme-2gb","name":"NVMe 2 GB","description":"d",
          "options":{"locations":{"AMS":true,"STO":false,"LON":true},"images":["almalinux8","ubuntu22"],
          "features":[{"_id":"ipv6","name":"IPv6","values":[true,false]},{"_id":"additional-ipv4","name":"Additional IPv4","values":["0","1","2"]}],
          "billing_cycles":["monthly","quarterly"]}}]}}"#;
        let products: Vec<Product> =
            serde_json::from_value(data(body)["products"].clone()).unwrap();
        let p = &products[0];
        assert_eq!(p.options.locations.get("STO"), Some(&false));
        assert_eq!(p.options.features[0].values[0].id, "true");
        assert_eq!(p.options.features[1].values[2].id, "2");
        assert_eq!(p.options.billing_cycles[1].id, "quarterly");
        assert_eq!(p.options.billing_cycles[1].price, None);
    }

    #[test]
    fn products_with_prices() {
        let body = r#"{"result":"success","data":{"products":[{"_id":"nvme-2gb","name":"NVMe 2 GB",
          "options":{"locations":{"AMS":true},"images":["ubuntu22"],
          "features":[{"_id":"ipv6","name":"IPv6","values":{"true":{"_id":true,"billing_cycles":{"monthly":{"price":0,"setupfee":0,"currency":"USD"}}},"false":{"_id":false}}},
                      {"_id":"additional-ipv4","name":"Additional IPv4","values":[{"_id":"1","billing_cycles":{"monthly":{"price":2,"setupfee":0,"currency":"USD"}}}]}],
          "billing_cycles":{"monthly":{"_id":"monthly","price":16,"setupfee":4,"currency":"USD"},"quarterly":{"_id":"quarterly","price":"48","setupfee":12,"currency":"USD"}}}}]}}"#;
        let products: Vec<Product> =
            serde_json::from_value(data(body)["products"].clone()).unwrap();
        let o = &products[0].options;
        assert_eq!(
            o.billing_cycles[0],
            BillingCycle {
                id: "monthly".into(),
                price: Some(16.0),
                setupfee: Some(4.0),
                currency: Some("USD".into())
            }
        );
        assert_eq!(o.billing_cycles[1].price, Some(48.0));
        let ids: Vec<&str> = o.features[0].values.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, vec!["false", "true"]);
        assert_eq!(o.features[1].values[0].billing_cycles[0].price, Some(2.0));
    }

    #[test]
    fn server_from_the_doc() {
        let body = r#"{"result":"success","data":{"server":{"id":112233,"hostname":"example-server","state":"Active","created":"2023-05-09",
          "product":{"_id":"nvme-2gb","name":"NVMe 2 GB","location":"AMS","image":"Alma Linux 8 64-bit","available_upgrades":["nvme-4gb","nvme-8gb","nvme-16gb"]},
          "network":{"primary_ipaddress":"127.0.0.1"},
          "billing":{"billing_cycle":"monthly","next_due":"2023-06-09","initial_cost":20,"recurring_cost":"16","currency":"USD"}}}}"#;
        let s: Server = serde_json::from_value(data(body)["server"].clone()).unwrap();
        assert_eq!(s.id, 112233);
        assert!(s.is_active() && !s.is_cancelled());
        assert_eq!(s.product.available_upgrades.len(), 3);
        assert_eq!(s.billing.recurring_cost, Some(16.0));
        assert_eq!(s.network.primary_ipaddress.as_deref(), Some("127.0.0.1"));
    }

    #[test]
    fn deploy_awaiting_payment() {
        let body = r#"{"result":"success","data":{"invoice_id":445566,"invoice_url":"https://cloud.hosthatch.com/invoices/445566",
          "server_id":"112233","server_url":"https://cloud.hosthatch.com/servers/112233","requires_payment":true,
          "outstanding_balance":{"price":10,"currency":"USD"}}}"#;
        let o: Order = serde_json::from_value(data(body)).unwrap();
        assert_eq!((o.server_id, o.requires_payment), (Some(112233), true));
        assert_eq!(o.outstanding(), "10 USD");
        let o: Order = serde_json::from_value(
            serde_json::json!({"invoice_url": 445566, "requires_payment": "0"}),
        )
        .unwrap();
        assert_eq!(
            (o.invoice_url.as_deref(), o.requires_payment),
            (Some("445566"), false)
        );
    }

    #[test]
    fn the_odd_single_key_shape_is_incomplete() {
        let body = "{\"result\": \"success\", \"data\": {\"key\": {\"id\": 112233, \"type\": \"sshkey\", \"state\": \"Your key description\", \"created\": \"ssh-ed25519 AAAA\",\n}}}";
        let k: Key = serde_json::from_value(data(body)["key"].clone()).unwrap();
        assert_eq!(k.id, 112233);
        assert!(!k.is_complete());
    }
}
