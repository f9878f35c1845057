data "hosthatch_servers" "amsterdam" {
  location = "AMS"
}

output "amsterdam_ips" {
  value = [for s in data.hosthatch_servers.amsterdam.servers : s.primary_ip]
}
