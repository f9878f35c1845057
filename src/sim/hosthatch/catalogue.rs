//! HostHatch fixture catalogue: products, locations, images, optional features and billing
//! cycles, with the prices the simulator charges.

/// One product a server can be deployed with or upgraded to.
#[derive(Debug, PartialEq, Eq)]
pub struct Product {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// Recurring price of the monthly cycle in USD.
    pub monthly_price: u32,
}

/// Products from smallest to biggest; a server can upgrade to any product after its own.
pub const PRODUCTS: &[Product] = &[
    Product {
        id: "nvme-2gb",
        name: "NVMe 2 GB",
        description: "1 AMD EPYC Milan core (fair share)\n2 GB DDR4 RAM\n10 GB NVMe Storage\n1 TB bandwidth (500GB in HKG, TOK, SYD, SGP)",
        monthly_price: 16,
    },
    Product {
        id: "nvme-4gb",
        name: "NVMe 4 GB",
        description: "2 AMD EPYC Milan cores (fair share)\n4 GB DDR4 RAM\n20 GB NVMe Storage\n2 TB bandwidth (1TB in HKG, TOK, SYD, SGP)",
        monthly_price: 28,
    },
    Product {
        id: "nvme-8gb",
        name: "NVMe 8 GB",
        description: "2 AMD EPYC Milan cores (fair share)\n8 GB DDR4 RAM\n40 GB NVMe Storage\n3 TB bandwidth (1.5TB in HKG, TOK, SYD, SGP)",
        monthly_price: 50,
    },
    Product {
        id: "nvme-16gb",
        name: "NVMe 16 GB",
        description: "4 AMD EPYC Milan cores (fair share)\n16 GB DDR4 RAM\n80 GB NVMe Storage\n4 TB bandwidth (2TB in HKG, TOK, SYD, SGP)",
        monthly_price: 90,
    },
];

/// Locations and whether they have stock.
pub const LOCATIONS: &[(&str, bool)] = &[("AMS", true), ("STO", false), ("LON", true)];

/// Image identifiers and the human name a server reports for them.
pub const IMAGES: &[(&str, &str)] = &[
    ("almalinux8", "Alma Linux 8 64-bit"),
    ("ubuntu22", "Ubuntu 22.04 64-bit"),
    ("centos7", "CentOS 7 64-bit"),
    ("centosstream8", "CentOS Stream 8 64-bit"),
    ("debian11", "Debian 11 64-bit"),
    ("debian10", "Debian 10 64-bit"),
    ("ubuntu20", "Ubuntu 20.04 64-bit"),
    ("ubuntu18", "Ubuntu 18.04 64-bit"),
];

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

/// The product with identifier `id`.
pub fn product(id: &str) -> Option<&'static Product> {
    PRODUCTS.iter().find(|product| product.id == id)
}

/// Months covered by billing cycle `cycle`.
pub fn cycle_months(cycle: &str) -> Option<u32> {
    BILLING_CYCLES
        .iter()
        .find(|(id, _)| *id == cycle)
        .map(|(_, months)| *months)
}

/// The human name of image `id`.
pub fn image_name(id: &str) -> Option<&'static str> {
    IMAGES
        .iter()
        .find(|(image, _)| *image == id)
        .map(|(_, name)| *name)
}

/// Stock of location `id`: `None` when the location does not exist.
pub fn location_in_stock(id: &str) -> Option<bool> {
    LOCATIONS
        .iter()
        .find(|(location, _)| *location == id)
        .map(|(_, in_stock)| *in_stock)
}

/// Recurring cost of `product` with `additional_ipv4` extra addresses over one `cycle`.
pub fn recurring_cost(product: &Product, cycle_months: u32, additional_ipv4: u8) -> u32 {
    (product.monthly_price + ADDITIONAL_IPV4_MONTHLY * u32::from(additional_ipv4)) * cycle_months
}

/// Identifiers of the products bigger than `product_id`.
pub fn available_upgrades(product_id: &str) -> Vec<&'static str> {
    PRODUCTS
        .iter()
        .skip_while(|product| product.id != product_id)
        .skip(1)
        .map(|product| product.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrades_are_the_bigger_products() {
        assert_eq!(
            available_upgrades("nvme-2gb"),
            ["nvme-4gb", "nvme-8gb", "nvme-16gb"]
        );
        assert!(available_upgrades("nvme-16gb").is_empty());
    }

    #[test]
    fn quarterly_costs_three_months() {
        let small = product("nvme-2gb").expect("fixture product");
        assert_eq!(recurring_cost(small, 3, 0), 48);
        assert_eq!(recurring_cost(small, 1, 2), 20);
    }
}
