data "hoster_dedicated_market" "ryzen_frankfurt" {
  location   = "Frankfurt"
  cpu        = "Ryzen"
  max_price  = 150
  min_ram_gb = 32
}

output "cheapest_ryzen" {
  value = try(data.hoster_dedicated_market.ryzen_frankfurt.servers[0], null)
}
