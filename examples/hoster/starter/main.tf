# A HosterAPI web VM to start from: a VM created through its job, grown in place later by
# editing the sizes, a backup taken once it exists, and the outputs you need to log in.
# Credentials: HOSTER_TOKEN (and HOSTER_ENDPOINT for the simulator).
terraform {
  required_providers {
    hoster = { source = "hostform/hoster" }
  }
}

provider "hoster" {}

resource "hoster_vm" "web" {
  template    = "Debian10.0"
  cpu_cores   = 2
  memory      = 2048  # MB; grows in place
  disk        = "20G" # grows in place, never shrinks
  ip_count    = 1
  power_state = "running"

  timeouts {
    create = "30m"
  }
}

# HosterAPI cannot delete backups: destroying this only forgets it.
resource "hoster_vm_backup" "initial" {
  vm_id = hoster_vm.web.id
}

output "web_ips" {
  value = hoster_vm.web.ips
}

output "web_root_password" {
  value     = hoster_vm.web.root_password
  sensitive = true
}

output "initial_backup" {
  value = hoster_vm_backup.initial.timestamp
}
