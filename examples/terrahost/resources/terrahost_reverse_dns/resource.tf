data "terrahost_server" "web" {
  server_id = "3523"
}

# The PTR record of the server's primary IPv4 address. Destroying this resource
# puts back the value that was there before.
resource "terrahost_reverse_dns" "mail" {
  server_id = data.terrahost_server.web.id
  ip_id     = [for ip in data.terrahost_server.web.ips : ip.id if ip.type == "primary"][0]
  dns       = "mail.example.com"
}
