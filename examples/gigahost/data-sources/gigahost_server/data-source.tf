data "gigahost_server" "web" {
  server_id = "5101"
}

output "web_primary_ip" {
  value = data.gigahost_server.web.primary_ip
}
