# Managing a Terrahost server you already have (the API cannot order or cancel servers):
# its name and power state, a snapshot before changes, and the PTR record of its address.
# Credentials: TERRAHOST_USERNAME, TERRAHOST_PASSWORD and, with 2FA, TERRAHOST_TOTP_SECRET.
terraform {
  required_providers {
    terrahost = { source = "hostform/terrahost" }
  }
}

provider "terrahost" {}

variable "server_id" {
  description = "The id of your server, as shown in the control panel."
  type        = string
  default     = "3523"
}

resource "terrahost_server" "web" {
  server_id   = var.server_id
  name        = "web"
  power_state = "running"
}

resource "terrahost_snapshot" "baseline" {
  server_id = terrahost_server.web.server_id
  name      = "baseline"
}

resource "terrahost_reverse_dns" "web" {
  server_id = terrahost_server.web.server_id
  ip_id     = [for ip in terrahost_server.web.ips : ip.id if ip.type == "primary"][0]
  dns       = "web.example.com"
}

output "primary_ip" {
  value = terrahost_server.web.primary_ip
}
