resource "hoster_vm" "web" {
  template  = "Debian10.0"
  cpu_cores = 1
  memory    = 1024
  disk      = "10G"
  ip_count  = 1
}

data "hoster_vm" "web" {
  id = hoster_vm.web.id
}

output "web_status" {
  value = data.hoster_vm.web.status
}
