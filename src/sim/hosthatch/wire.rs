//! The simulator's own HostHatch wire shapes, written from the vendor document (not shared
//! with the provider's client, so a misnamed field fails a test instead of passing on both
//! sides).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// `{"result":"success","data":...}`.
#[derive(Debug, Serialize)]
pub struct SuccessEnvelope<T> {
    pub result: &'static str,
    pub data: T,
}

/// `{"result":"error","message":...,"errors":[...]}`; `errors` only for validation failures.
#[derive(Debug, Serialize)]
pub struct ErrorEnvelope<'a> {
    pub result: &'static str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<&'a [String]>,
}

#[derive(Debug, Serialize)]
pub struct ProductList<P> {
    pub products: Vec<P>,
}

/// A product in the plain `GET /products` answer.
#[derive(Debug, Serialize)]
pub struct PlainProduct {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    pub description: String,
    pub options: PlainOptions,
}

#[derive(Debug, Serialize)]
pub struct PlainOptions {
    pub locations: BTreeMap<String, bool>,
    pub images: Vec<String>,
    pub features: Vec<PlainFeature>,
    pub billing_cycles: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct PlainFeature {
    #[serde(rename = "_id")]
    pub id: &'static str,
    pub name: &'static str,
    pub values: Vec<Value>,
}

/// A product in the `GET /products?prices` answer.
#[derive(Debug, Serialize)]
pub struct PricedProduct {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    pub description: String,
    pub options: PricedOptions,
}

#[derive(Debug, Serialize)]
pub struct PricedOptions {
    pub locations: BTreeMap<String, bool>,
    pub images: Vec<String>,
    pub features: Vec<PricedFeature>,
    pub billing_cycles: BTreeMap<&'static str, CyclePrice>,
}

/// `values` is an object keyed by value for `ipv6` and an array for `additional-ipv4`, as in
/// the document's example.
#[derive(Debug, Serialize)]
pub struct PricedFeature {
    #[serde(rename = "_id")]
    pub id: &'static str,
    pub name: &'static str,
    pub values: PricedFeatureValues,
}

/// The two shapes of priced feature values in the document's example.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum PricedFeatureValues {
    /// Keyed by the value's text (`"true"`, `"false"`).
    Keyed(BTreeMap<&'static str, PricedFeatureValue>),
    /// A plain list.
    Listed(Vec<PricedFeatureValue>),
}

#[derive(Debug, Serialize)]
pub struct PricedFeatureValue {
    #[serde(rename = "_id")]
    pub id: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_cycles: Option<BTreeMap<&'static str, CyclePrice>>,
}

#[derive(Debug, Serialize)]
pub struct CyclePrice {
    #[serde(rename = "_id", skip_serializing_if = "Option::is_none")]
    pub id: Option<&'static str>,
    pub price: u32,
    pub setupfee: u32,
    pub currency: &'static str,
}

/// Answer of `POST /deploy`.
#[derive(Debug, Serialize)]
pub struct DeployResult {
    pub invoice_id: u64,
    pub invoice_url: String,
    pub server_id: u64,
    pub server_url: String,
    pub requires_payment: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outstanding_balance: Option<OutstandingBalance>,
}

/// Answer of `PUT /servers/{id}/upgrade`.
#[derive(Debug, Serialize)]
pub struct UpgradeResult {
    pub invoice_id: u64,
    pub invoice_url: String,
    pub requires_payment: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outstanding_balance: Option<OutstandingBalance>,
}

#[derive(Debug, Serialize)]
pub struct OutstandingBalance {
    pub price: u32,
    pub currency: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ServerList {
    pub servers: Vec<ServerBody>,
}

#[derive(Debug, Serialize)]
pub struct OneServer {
    pub server: ServerBody,
}

#[derive(Debug, Serialize)]
pub struct ServerBody {
    pub id: u64,
    pub hostname: String,
    pub state: String,
    pub created: String,
    pub product: ServerProduct,
    pub network: ServerNetwork,
    pub billing: ServerBilling,
}

#[derive(Debug, Serialize)]
pub struct ServerProduct {
    #[serde(rename = "_id")]
    pub id: String,
    pub name: String,
    pub location: String,
    pub image: String,
    pub available_upgrades: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ServerNetwork {
    pub primary_ipaddress: String,
}

#[derive(Debug, Serialize)]
pub struct ServerBilling {
    pub billing_cycle: String,
    pub next_due: String,
    pub initial_cost: u32,
    pub recurring_cost: u32,
    pub currency: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ServerStatus {
    pub status: String,
}

#[derive(Debug, Serialize)]
pub struct KeyList {
    pub keys: Vec<KeyBody>,
}

#[derive(Debug, Serialize)]
pub struct OneKey<K> {
    pub key: K,
}

/// A key with the documented field names.
#[derive(Debug, Serialize)]
pub struct KeyBody {
    pub id: u64,
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    pub value: String,
}

/// A key in the shape of the document's `GET /keys/{key}` example: `state` holds the
/// description and `created` the value.
#[derive(Debug, Serialize)]
pub struct OddKeyBody {
    pub id: u64,
    #[serde(rename = "type")]
    pub kind: String,
    pub state: String,
    pub created: String,
}
