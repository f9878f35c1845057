resource "gigahost_snapshot" "before_upgrade" {
  server_id = "5101"
  name      = "before-upgrade"

  timeouts {
    create = "60m"
  }
}
