# Quickstart: one SSH key and one small HostHatch server in Amsterdam that trusts it.
# Credentials come from the environment: HOSTHATCH_TOKEN (and HOSTHATCH_ENDPOINT to
# point at the simulator, as scripts/demo does). Run: terraform apply.

terraform {
  required_providers {
    hosthatch = {
      source = "hostform/hosthatch"
    }
  }
}

provider "hosthatch" {}

variable "ssh_public_key" {
  description = "Public key allowed to log in as root on the new server."
  type        = string
  default     = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBfoBUM2zPExVEfp8NDjkXQBVtm5L65tLdqOj+QutYnL you@example.com"
}

# Everything HostHatch sells, with prices: handy to pick a product.
data "hosthatch_products" "all" {}

resource "hosthatch_ssh_key" "admin" {
  description = "quickstart admin key"
  value       = var.ssh_public_key
}

resource "hosthatch_server" "web" {
  product     = "nvme-2gb"
  location    = "AMS"
  billing     = "monthly"
  image       = "ubuntu22"
  hostname    = "web.quickstart.example"
  ssh_key_ids = [hosthatch_ssh_key.admin.id]
}
