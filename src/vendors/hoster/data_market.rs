//! `data "hoster_dedicated_market"`: dedicated servers for sale
//! (`GET datacenter/dedicated/market`), filtered by location, price, CPU and RAM.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::api::{HosterClient, CREDENTIALS};
use super::models::{leading_number, MarketServer};
use crate::support::diag::api_error_diag;
use crate::tfplugin::provider::{Ctx, DataSource};
use crate::tfplugin::{Attribute, Block, Diagnostics, Schema, Type, Value};

pub struct MarketDataSource;

fn offer_type() -> Type {
    let mut attrs: BTreeMap<String, Type> = [
        "model",
        "description",
        "cpu_type",
        "cpu_count",
        "ram_type",
        "ram_size",
        "storage_type",
        "storage_count",
        "storage_size",
        "location",
    ]
    .iter()
    .map(|n| (n.to_string(), Type::String))
    .collect();
    for n in ["id", "price", "location_id", "ram_gb"] {
        attrs.insert(n.into(), Type::Number);
    }
    Type::Object(attrs)
}

pub fn schema() -> Schema {
    Schema::new(
        Block::new("Dedicated servers on the HosterAPI market, to order with `hoster_dedicated_server`. Every filter is optional.")
            .attr(Attribute::computed("id", Type::String).describe("Always `market`."))
            .attr(Attribute::optional("location", Type::String).describe("Only offers whose location name contains this text (case-insensitive), e.g. `Frankfurt`."))
            .attr(Attribute::optional("max_price", Type::Number).check(crate::tfplugin::Check::Custom(crate::support::checks::non_negative_amount)).describe("Only offers costing at most this much per month."))
            .attr(Attribute::optional("cpu", Type::String).describe("Only offers whose CPU type contains this text (case-insensitive), e.g. `Ryzen`."))
            .attr(Attribute::optional("min_ram_gb", Type::Number).check(crate::tfplugin::Check::Custom(crate::support::checks::non_negative_amount)).describe("Only offers with at least this much RAM, in GB."))
            .attr(Attribute::computed("servers", Type::list(offer_type())).describe("The matching offers, cheapest first, each with `id` (the `market_id` to order), `model`, `description`, `cpu_type`, `cpu_count`, `ram_type`, `ram_size` (as the vendor writes it), `ram_gb`, `storage_type`, `storage_count`, `storage_size`, `price`, `location_id` and `location`.")),
    )
}

fn offer(m: &MarketServer) -> Value {
    let h = &m.configuration;
    let mut v = Value::null_object(&offer_type());
    v.set("id", m.id);
    v.set("model", m.model.clone());
    v.set("description", m.description.clone());
    v.set("cpu_type", h.cpu.kind.clone());
    v.set("cpu_count", h.cpu.count.clone());
    v.set("ram_type", h.ram.kind.clone());
    v.set("ram_size", h.ram.size.clone());
    v.set("ram_gb", h.ram.size.as_deref().and_then(leading_number));
    v.set("storage_type", h.storage.kind.clone());
    v.set("storage_count", h.storage.count.clone());
    v.set("storage_size", h.storage.size.clone());
    v.set("price", h.price);
    v.set("location_id", h.location.id);
    v.set("location", h.location.name.clone());
    v
}

fn contains(haystack: Option<&str>, needle: Option<&str>) -> bool {
    needle.is_none_or(|n| {
        haystack.is_some_and(|h| h.to_ascii_lowercase().contains(&n.to_ascii_lowercase()))
    })
}

/// The offers of `all` that pass the filters of `config`, cheapest first.
pub fn matching(mut all: Vec<MarketServer>, config: &Value) -> Vec<MarketServer> {
    let max_price = config.get("max_price").as_f64();
    let min_ram = config.get("min_ram_gb").as_f64();
    all.retain(|m| {
        let h = &m.configuration;
        contains(h.location.name.as_deref(), config.get("location").as_str())
            && contains(h.cpu.kind.as_deref(), config.get("cpu").as_str())
            && max_price.is_none_or(|max| h.price.is_some_and(|p| p <= max))
            && min_ram.is_none_or(|min| {
                h.ram
                    .size
                    .as_deref()
                    .and_then(leading_number)
                    .is_some_and(|r| r >= min)
            })
    });
    all.sort_by(|a, b| {
        a.configuration
            .price
            .unwrap_or(f64::MAX)
            .total_cmp(&b.configuration.price.unwrap_or(f64::MAX))
    });
    all
}

#[async_trait]
impl DataSource<HosterClient> for MarketDataSource {
    fn type_name(&self) -> &'static str {
        "hoster_dedicated_market"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(
        &self,
        ctx: &Ctx<HosterClient>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Value {
        match ctx.client.market().await {
            Ok(all) => {
                let mut state = config.clone();
                state.set("id", "market");
                state.set(
                    "servers",
                    Value::List(matching(all, config).iter().map(offer).collect()),
                );
                state
            }
            Err(e) => {
                api_error_diag(
                    diags,
                    "Cannot list the HosterAPI dedicated market",
                    &e,
                    CREDENTIALS,
                );
                Value::Null
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_from_the_documents_example() {
        let all: Vec<MarketServer> = serde_json::from_value(json!([
            {"id": 9, "model": "HP ProLiant BL460c G8", "configuration": {"cpu": {"type": "Intel Xeon E5-2609 v2", "count": "1"}, "ram": {"type": "DDR3 ECC", "size": "32"}, "price": 39, "location": {"id": 2, "name": "Maincubes, Frankfurt"}}},
            {"id": 84, "model": "Generic", "configuration": {"cpu": {"type": "AMD Ryzen 7 3800X", "count": "1"}, "ram": {"type": "DDR4 ECC", "size": "32 GB DDR4 ECC"}, "price": 139, "location": {"id": 1, "name": "Maincubes, Frankfurt"}}}
        ])).unwrap();
        let mut config = Value::null_object(&schema().block.implied_type());
        config.set("cpu", "ryzen");
        assert_eq!(
            matching(all.clone(), &config)
                .iter()
                .map(|m| m.id)
                .collect::<Vec<_>>(),
            vec![84]
        );
        config.set("cpu", Value::Null);
        config.set("max_price", 50i64);
        config.set("min_ram_gb", 32i64);
        assert_eq!(
            matching(all.clone(), &config)
                .iter()
                .map(|m| m.id)
                .collect::<Vec<_>>(),
            vec![9]
        );
        config.set("location", "eygelshoven");
        assert!(matching(all, &config).is_empty());
    }
}
