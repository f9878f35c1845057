data "gigahost_servers" "all" {}

output "server_names" {
  value = [for s in data.gigahost_servers.all.servers : s.name]
}
