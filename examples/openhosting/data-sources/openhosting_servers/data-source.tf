data "openhosting_servers" "all" {}

output "server_names" {
  value = data.openhosting_servers.all.servers[*].name
}
