resource "hoster_vm" "app" {
  template  = "Debian10.0"
  cpu_cores = 1
  memory    = 1024
  disk      = "10G"
  ip_count  = 1
}

data "hoster_vm_incidents" "app" {
  vm_id = hoster_vm.app.id
}

output "ongoing_incidents" {
  value = [for i in data.hoster_vm_incidents.app.incidents : i.types if i.ongoing]
}
