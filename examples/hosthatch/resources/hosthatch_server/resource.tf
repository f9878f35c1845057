resource "hosthatch_ssh_key" "admin" {
  description = "admin"
  value       = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostformExampleKeyOnlyForTheDocs admin@example"
}

resource "hosthatch_server" "web" {
  product     = "nvme-2gb"
  location    = "AMS"
  billing     = "monthly"
  image       = "ubuntu22"
  hostname    = "web-1.example.com"
  ipv6        = true
  ssh_key_ids = [hosthatch_ssh_key.admin.id]

  power_state = "running"

  timeouts {
    create = "30m"
    delete = "10m"
  }
}
