data "terrahost_servers" "all" {}

output "server_names" {
  value = [for s in data.terrahost_servers.all.servers : s.name]
}
