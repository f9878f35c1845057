# Orders (and is billed for) an additional routed address. The API cannot release
# addresses: destroying this resource only stops Terraform managing it.
resource "gigahost_ipv4" "extra" {
  server_id = "5101"
  ip_type   = "l3"
}
