resource "openhosting_ip" "web" {
  name = "web frontend"
}

output "web_address" {
  value = "${openhosting_ip.web.id} via ${openhosting_ip.web.gateway}"
}
