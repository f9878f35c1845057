//! `GET /products` in its two shapes: plain, and with `?prices` the priced variant.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::sim::hosthatch::catalogue::{self, Catalogue, Product};
use crate::sim::hosthatch::render;
use crate::sim::hosthatch::wire::{
    CyclePrice, PlainFeature, PlainOptions, PlainProduct, PricedFeature, PricedFeatureValue,
    PricedFeatureValues, PricedOptions, PricedProduct, ProductList,
};
use crate::sim::store::{lock, SimState};

pub async fn list(
    State(state): State<SimState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (malformed, catalogue) = {
        let store = lock(&state.hosthatch);
        (store.quirks.malformed_json, store.catalogue.clone())
    };
    if query.contains_key("prices") {
        let products = catalogue
            .products
            .iter()
            .map(|product| priced(product, &catalogue))
            .collect();
        render::success(StatusCode::OK, ProductList { products }, malformed)
    } else {
        let products = catalogue
            .products
            .iter()
            .map(|product| plain(product, &catalogue))
            .collect();
        render::success(StatusCode::OK, ProductList { products }, malformed)
    }
}

fn locations(catalogue: &Catalogue) -> BTreeMap<String, bool> {
    catalogue
        .locations
        .iter()
        .map(|location| (location.id.clone(), location.in_stock))
        .collect()
}

fn images(catalogue: &Catalogue) -> Vec<String> {
    catalogue
        .images
        .iter()
        .map(|image| image.id.clone())
        .collect()
}

fn ipv4_counts() -> impl Iterator<Item = u8> {
    0..=catalogue::MAX_ADDITIONAL_IPV4
}

fn plain(product: &Product, catalogue: &Catalogue) -> PlainProduct {
    PlainProduct {
        id: product.id.clone(),
        name: product.name.clone(),
        description: product.description.clone(),
        options: PlainOptions {
            locations: locations(catalogue),
            images: images(catalogue),
            features: vec![
                PlainFeature {
                    id: "ipv6",
                    name: "IPv6",
                    values: vec![json!(true), json!(false)],
                },
                PlainFeature {
                    id: "additional-ipv4",
                    name: "Additional IPv4",
                    values: ipv4_counts().map(|n| json!(n.to_string())).collect(),
                },
            ],
            billing_cycles: catalogue::BILLING_CYCLES
                .iter()
                .map(|(id, _)| *id)
                .collect(),
        },
    }
}

/// Prices per billing cycle for something costing `monthly` a month and `setup` per month
/// of the cycle up front.
fn cycle_prices(monthly: u32, setup: u32, with_ids: bool) -> BTreeMap<&'static str, CyclePrice> {
    catalogue::BILLING_CYCLES
        .iter()
        .map(|(id, months)| {
            let price = CyclePrice {
                id: with_ids.then_some(*id),
                price: monthly * months,
                setupfee: setup * months,
                currency: catalogue::CURRENCY,
            };
            (*id, price)
        })
        .collect()
}

fn priced(product: &Product, catalogue: &Catalogue) -> PricedProduct {
    let ipv6_values = BTreeMap::from([
        (
            "true",
            PricedFeatureValue {
                id: json!(true),
                billing_cycles: Some(cycle_prices(0, 0, false)),
            },
        ),
        (
            "false",
            PricedFeatureValue {
                id: json!(false),
                billing_cycles: None,
            },
        ),
    ]);
    let ipv4_values: Vec<PricedFeatureValue> = ipv4_counts()
        .map(|count| PricedFeatureValue {
            id: json!(count.to_string()),
            billing_cycles: Some(cycle_prices(
                catalogue::ADDITIONAL_IPV4_MONTHLY * u32::from(count),
                0,
                false,
            )),
        })
        .collect();
    PricedProduct {
        id: product.id.clone(),
        name: product.name.clone(),
        description: product.description.clone(),
        options: PricedOptions {
            locations: locations(catalogue),
            images: images(catalogue),
            features: vec![
                PricedFeature {
                    id: "ipv6",
                    name: "IPv6",
                    values: PricedFeatureValues::Keyed(ipv6_values),
                },
                PricedFeature {
                    id: "additional-ipv4",
                    name: "Additional IPv4",
                    values: PricedFeatureValues::Listed(ipv4_values),
                },
            ],
            billing_cycles: cycle_prices(
                product.monthly_price,
                catalogue::SETUP_FEE_PER_MONTH,
                true,
            ),
        },
    }
}
