# market_id is the id of an offer from the hoster_dedicated_market data source. Use a fixed
# id: once ordered, the machine leaves the market, so a lookup would pick another one next time.
resource "hoster_dedicated_server" "db" {
  market_id = 84
  template  = "Debian Buster"
  ip_count  = 1
  hostname  = "db-1.example.com"

  timeouts {
    create = "2h"
  }
}

output "db_ips" {
  value = hoster_dedicated_server.db.ips
}
