resource "openhosting_vlan" "backend" {
  name = "backend"
}
