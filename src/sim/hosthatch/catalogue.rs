//! HostHatch fixture catalogue: products, locations, images, optional features and billing
//! cycles, with the prices the simulator charges. Products, locations and images are owned
//! data in the store so that `--fixtures` can replace them.

use serde::{Deserialize, Serialize};

/// One product a server can be deployed with or upgraded to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Recurring price of the monthly cycle in USD.
    pub monthly_price: u32,
}

/// A location and whether it has stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub id: String,
    pub in_stock: bool,
}

/// An image identifier and the human name a server reports for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub id: String,
    pub name: String,
}

/// What the account can order; `Default` is the built-in catalogue, `--fixtures` replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    /// From smallest to biggest; a server can upgrade to any product after its own.
    pub products: Vec<Product>,
    pub locations: Vec<Location>,
    pub images: Vec<Image>,
}

const BUILT_IN_PRODUCTS: &[(&str, &str, &str, u32)] = &[
    ("nvme-2gb", "NVMe 2 GB", "1 AMD EPYC Milan core (fair share)\n2 GB DDR4 RAM\n10 GB NVMe Storage\n1 TB bandwidth (500GB in HKG, TOK, SYD, SGP)", 16),
    ("nvme-4gb", "NVMe 4 GB", "2 AMD EPYC Milan cores (fair share)\n4 GB DDR4 RAM\n20 GB NVMe Storage\n2 TB bandwidth (1TB in HKG, TOK, SYD, SGP)", 28),
    ("nvme-8gb", "NVMe 8 GB", "2 AMD EPYC Milan cores (fair share)\n8 GB DDR4 RAM\n40 GB NVMe Storage\n3 TB bandwidth (1.5TB in HKG, TOK, SYD, SGP)", 50),
    ("nvme-16gb", "NVMe 16 GB", "4 AMD EPYC Milan cores (fair share)\n16 GB DDR4 RAM\n80 GB NVMe Storage\n4 TB bandwidth (2TB in HKG, TOK, SYD, SGP)", 90),
];

const BUILT_IN_LOCATIONS: &[(&str, bool)] = &[("AMS", true), ("STO", false), ("LON", true)];

const BUILT_IN_IMAGES: &[(&str, &str)] = &[
    ("almalinux8", "Alma Linux 8 64-bit"),
    ("ubuntu22", "Ubuntu 22.04 64-bit"),
    ("centos7", "CentOS 7 64-bit"),
    ("centosstream8", "CentOS Stream 8 64-bit"),
    ("debian11", "Debian 11 64-bit"),
    ("debian10", "Debian 10 64-bit"),
    ("ubuntu20", "Ubuntu 20.04 64-bit"),
    ("ubuntu18", "Ubuntu 18.04 64-bit"),
];

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue {
            products: BUILT_IN_PRODUCTS
                .iter()
                .map(|(id, name, description, monthly_price)| Product {
                    id: (*id).to_owned(),
                    name: (*name).to_owned(),
                    description: (*description).to_owned(),
                    monthly_price: *monthly_price,
                })
                .collect(),
            locations: BUILT_IN_LOCATIONS
                .iter()
                .map(|(id, in_stock)| Location {
                    id: (*id).to_owned(),
                    in_stock: *in_stock,
                })
                .collect(),
            images: BUILT_IN_IMAGES
                .iter()
                .map(|(id, name)| Image {
                    id: (*id).to_owned(),
                    name: (*name).to_owned(),
                })
                .collect(),
        }
    }
}

impl Catalogue {
    /// The product with identifier `id`.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|product| product.id == id)
    }

    /// The human name of image `id`.
    pub fn image_name(&self, id: &str) -> Option<&str> {
        self.images
            .iter()
            .find(|image| image.id == id)
            .map(|image| image.name.as_str())
    }

    /// Stock of location `id`: `None` when the location does not exist.
    pub fn location_in_stock(&self, id: &str) -> Option<bool> {
        self.locations
            .iter()
            .find(|location| location.id == id)
            .map(|location| location.in_stock)
    }

    /// Identifiers of the products bigger than `product_id`.
    pub fn available_upgrades(&self, product_id: &str) -> Vec<String> {
        self.products
            .iter()
            .skip_while(|product| product.id != product_id)
            .skip(1)
            .map(|product| product.id.clone())
            .collect()
    }
}

/// Billing cycles and how many months each covers.
pub const BILLING_CYCLES: &[(&str, u32)] = &[("monthly", 1), ("quarterly", 3)];

/// The currency of every price.
pub const CURRENCY: &str = "USD";

/// Setup fee per month of the billing cycle.
pub const SETUP_FEE_PER_MONTH: u32 = 4;

/// Monthly price of one additional IPv4 address.
pub const ADDITIONAL_IPV4_MONTHLY: u32 = 2;

/// Largest number of additional IPv4 addresses.
pub const MAX_ADDITIONAL_IPV4: u8 = 4;

/// Months covered by billing cycle `cycle`.
pub fn cycle_months(cycle: &str) -> Option<u32> {
    BILLING_CYCLES
        .iter()
        .find(|(id, _)| *id == cycle)
        .map(|(_, months)| *months)
}

/// Recurring cost of `product` with `additional_ipv4` extra addresses over one `cycle`.
pub fn recurring_cost(product: &Product, cycle_months: u32, additional_ipv4: u8) -> u32 {
    (product.monthly_price + ADDITIONAL_IPV4_MONTHLY * u32::from(additional_ipv4)) * cycle_months
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrades_are_the_bigger_products() {
        let catalogue = Catalogue::default();
        assert_eq!(
            catalogue.available_upgrades("nvme-2gb"),
            ["nvme-4gb", "nvme-8gb", "nvme-16gb"]
        );
        assert!(catalogue.available_upgrades("nvme-16gb").is_empty());
    }

    #[test]
    fn quarterly_costs_three_months() {
        let catalogue = Catalogue::default();
        let small = catalogue.product("nvme-2gb").expect("fixture product");
        assert_eq!(recurring_cost(small, 3, 0), 48);
        assert_eq!(recurring_cost(small, 1, 2), 20);
    }
}
