# Managing a Gigahost server you already have (the API cannot order or cancel servers):
# its name and power state, a snapshot before changes, and the PTR record of its address.
# Credentials: GIGAHOST_USERNAME, GIGAHOST_PASSWORD and, with 2FA, GIGAHOST_TOTP_SECRET.
terraform {
  required_providers {
    gigahost = { source = "hostform/gigahost" }
  }
}

provider "gigahost" {}

variable "server_id" {
  description = "The id of your server, as shown in the control panel."
  type        = string
  default     = "5101"
}

resource "gigahost_server" "web" {
  server_id   = var.server_id
  name        = "web"
  power_state = "running"
}

resource "gigahost_snapshot" "baseline" {
  server_id = gigahost_server.web.server_id
  name      = "baseline"
}

resource "gigahost_reverse_dns" "web" {
  server_id = gigahost_server.web.server_id
  ip_id     = [for ip in gigahost_server.web.ips : ip.id if ip.type == "primary"][0]
  dns       = "web.example.com"
}

output "primary_ip" {
  value = gigahost_server.web.primary_ip
}
