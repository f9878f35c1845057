data "terrahost_upgrade_packages" "web" {
  server_id = "3523"
}

output "upgrades" {
  value = { for p in data.terrahost_upgrade_packages.web.packages : p.product_name => p.id }
}
