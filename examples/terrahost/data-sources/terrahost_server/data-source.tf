data "terrahost_server" "web" {
  server_id = "3523"
}

output "web_primary_ip" {
  value = data.terrahost_server.web.primary_ip
}
