data "gigahost_upgrade_packages" "web" {
  server_id = "5101"
}

output "upgrades" {
  value = { for p in data.gigahost_upgrade_packages.web.packages : p.product_name => p.id }
}
