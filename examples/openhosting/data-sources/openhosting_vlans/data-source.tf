data "openhosting_vlans" "all" {}

output "vlan_ids" {
  value = data.openhosting_vlans.all.vlans[*].id
}
