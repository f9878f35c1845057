resource "hoster_vm" "web" {
  template  = "Debian10.0"
  cpu_cores = 2
  memory    = 2048  # MB
  disk      = "20G" # can grow in place, never shrink
  ip_count  = 1     # can grow in place, never shrink

  power_state = "running"

  timeouts {
    create = "30m"
    update = "30m"
  }
}

output "web_ips" {
  value = hoster_vm.web.ips
}

output "web_root_password" {
  value     = hoster_vm.web.root_password
  sensitive = true
}
