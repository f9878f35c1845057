data "hoster_vms" "debian10" {
  template = "Debian10.0"
}

output "debian10_vm_ids" {
  value = data.hoster_vms.debian10.ids
}
