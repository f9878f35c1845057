//! `data "hosthatch_products"`: the products HostHatch offers through its API
//! (`GET /products`, with `?prices` when prices are asked for).

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::{json, Value as Json};

use super::api::{HostHatchClient, CREDENTIALS};
use super::models::{BillingCycle, Product};
use crate::support::diag::api_error_diag;
use crate::tfplugin::json::from_plain;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct ProductsDataSource;

fn price_type() -> Type {
    Type::Object(BTreeMap::from([
        ("price".to_string(), Type::Number),
        ("setupfee".to_string(), Type::Number),
        ("currency".to_string(), Type::String),
    ]))
}

fn product_type() -> Type {
    let feature = Type::Object(BTreeMap::from([
        ("id".to_string(), Type::String),
        ("name".to_string(), Type::String),
        ("values".to_string(), Type::list(Type::String)),
    ]));
    Type::Object(BTreeMap::from([
        ("id".to_string(), Type::String),
        ("name".to_string(), Type::String),
        ("description".to_string(), Type::String),
        ("locations".to_string(), Type::map(Type::Bool)),
        ("images".to_string(), Type::list(Type::String)),
        ("billing_cycles".to_string(), Type::list(Type::String)),
        ("features".to_string(), Type::list(feature)),
        ("prices".to_string(), Type::map(price_type())),
    ]))
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new("The products HostHatch offers through its API, with their locations, images, billing cycles and optional features.")
            .attr(Attribute::computed("id", Type::String).describe("Always `products`."))
            .attr(Attribute::optional("prices", Type::Bool).describe("Whether to include prices (`prices` of each product). Default `false`."))
            .attr(Attribute::computed("products", Type::list(product_type())).describe(
                "The products. Each has `id` (use it as `hosthatch_server.product`), `name`, `description`, `locations` (location id -> in stock), `images` (image ids), `billing_cycles` (cycle ids), `features` (`id`, `name`, `values`) and, when `prices` is true, `prices` (cycle id -> `price`, `setupfee`, `currency`; null otherwise).",
            )),
    )
}

fn prices_json(cycles: &[BillingCycle]) -> Json {
    Json::Object(
        cycles
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    json!({"price": c.price, "setupfee": c.setupfee, "currency": c.currency}),
                )
            })
            .collect(),
    )
}

/// One product as the data source shows it.
pub fn product_json(p: &Product, with_prices: bool) -> Json {
    json!({
        "id": p.id,
        "name": p.name,
        "description": p.description,
        "locations": p.options.locations,
        "images": p.options.images,
        "billing_cycles": p.options.billing_cycles.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        "features": p.options.features.iter().map(|f| json!({
            "id": f.id,
            "name": f.name,
            "values": f.values.iter().map(|v| v.id.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "prices": if with_prices { prices_json(&p.options.billing_cycles) } else { Json::Null },
    })
}

#[async_trait]
impl DataSource<HostHatchClient> for ProductsDataSource {
    fn type_name(&self) -> &'static str {
        "hosthatch_products"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(
        &self,
        ctx: &Ctx<HostHatchClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        let with_prices = config.get("prices").as_bool().unwrap_or(false);
        let products = match ctx.client.list_products(with_prices).await {
            Ok(p) => p,
            Err(e) => {
                api_error_diag(diags, "Cannot list HostHatch products", &e, CREDENTIALS);
                return Value::Null;
            }
        };
        let list = Json::Array(
            products
                .iter()
                .map(|p| product_json(p, with_prices))
                .collect(),
        );
        let mut state = config.clone();
        state.set("id", "products");
        match from_plain(&list, &Type::list(product_type())) {
            Ok(v) => state.set("products", v),
            Err(e) => diags.error("Cannot represent HostHatch products", e),
        }
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::lenient::parse_tolerant_json;

    #[test]
    fn both_doc_shapes_become_values() {
        let plain = r#"{"_id":"nvme-2gb","name":"NVMe 2 GB","options":{"locations":{"AMS":true},"images":["ubuntu22"],"features":[{"_id":"ipv6","name":"IPv6","values":[true,false]}],"billing_cycles":["monthly"]}}"#;
        let priced = r#"{"_id":"nvme-2gb","options":{"billing_cycles":{"monthly":{"_id":"monthly","price":16,"setupfee":4,"currency":"USD"}}}}"#;
        for (text, with_prices) in [(plain, false), (priced, true)] {
            let p: Product = serde_json::from_value(parse_tolerant_json(text).unwrap()).unwrap();
            let v = from_plain(&product_json(&p, with_prices), &product_type()).unwrap();
            assert_eq!(
                v.get("billing_cycles").elements()[0].as_str(),
                Some("monthly")
            );
            if with_prices {
                assert_eq!(
                    v.get("prices").get("monthly").get("price").as_f64(),
                    Some(16.0)
                );
            } else {
                assert!(v.get("prices").is_null());
                assert_eq!(
                    v.get("features").elements()[0].get("values").elements()[0].as_str(),
                    Some("true")
                );
            }
        }
    }
}
