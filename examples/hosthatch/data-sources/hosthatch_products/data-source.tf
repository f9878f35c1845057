data "hosthatch_products" "all" {
  prices = true
}

output "product_ids" {
  value = [for p in data.hosthatch_products.all.products : p.id]
}
